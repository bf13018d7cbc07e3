#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds our kernel modules for one kernel in a directory of their own, outside kmod-c/:
#
#   scripts/build-modules.sh [--chroot CHROOT] KDIR OUTDIR
#
# Copies kmod-c/'s sources to OUTDIR, builds the Rust object for KDIR's configuration there and
# runs kbuild. With --chroot, KDIR is a path inside CHROOT (a chroot of the kernel's suite, made
# by scripts/make-chroot.sh, with the kernel's compiler): kbuild runs in it, and OUTDIR must
# be inside the repository (which scripts/in-chroot.sh mounts at the same path).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
die() { echo "build-modules.sh: $*" >&2; exit 1; }
usage() { echo "usage: $0 [--chroot CHROOT] KDIR OUTDIR" >&2; exit 2; }
. "$here/kbuild-lib.sh"
kbuild_options "$@"
shift "$kbuild_shift"
chroot_dir=$kbuild_chroot
[ $# -eq 2 ] || usage
kdir=$1
mkdir -p "$2"
out=$(cd "$2" && pwd)
host_kdir=$chroot_dir$kdir
[ -d "$host_kdir" ] || die "no kernel build dir $host_kdir"
case $out/ in
"$repo"/*) ;;
*) [ -z "$chroot_dir" ] || die "$out: not inside the repository, so not visible in the chroot" ;;
esac

find "$out" -mindepth 1 -delete
cp -r "$repo/kmod-c/Kbuild" "$repo/kmod-c/include" "$out/"
find "$repo/kmod-c" -maxdepth 1 -name '*.[ch]' ! -name '*.mod.c' -exec cp {} "$out/" \;
"$repo/shim/kernel/build-object.sh" "$host_kdir" "$out/xa_shim_core.o" >&2 ||
	die "building the Rust object for $kdir failed"
kbuild_make -s -C "$kdir" M="$out" modules >&2 || die "building our modules against $kdir failed"
