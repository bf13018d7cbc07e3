#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds upstream xtables-addons' modules, the lab's interoperability oracle, for a kernel
# unpacked by scripts/fetch-kernel-image.sh, where Debian 12's own dkms package does not build
# (6.12, 7.2): the source is sid's xtables-addons-dkms (3.31, which supports them),
# downloaded through a private apt configuration and never installed.
#
#   scripts/build-upstream-modules.sh [--chroot CHROOT] KROOT KVER
#
# The modules land in KROOT/lib/modules/KVER/updates/dkms/, where dkms would install them and
# where tests/vm/mkinitramfs.sh looks. With --chroot, kbuild runs in CHROOT (the kernel's suite,
# with its compiler; scripts/make-chroot.sh) against its /usr/src/linux-headers-KVER; else on
# the host against KROOT's headers. Built once per kernel and upstream version.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
die() { echo "build-upstream-modules.sh: $*" >&2; exit 1; }
usage() { echo "usage: $0 [--chroot CHROOT] KROOT KVER" >&2; exit 2; }
. "$here/kbuild-lib.sh"
kbuild_options "$@"
shift "$kbuild_shift"
chroot_dir=$kbuild_chroot
[ $# -eq 2 ] || usage
kroot=$(cd "$1" && pwd) || die "no kernel root $1"
kver=$2
dest=$kroot/lib/modules/$kver/updates/dkms
if [ -n "$chroot_dir" ]; then
	kdir=/usr/src/linux-headers-$kver
	[ -d "$chroot_dir$kdir" ] || die "$chroot_dir has no $kdir (scripts/make-chroot.sh ... linux-headers-$kver)"
else
	kdir=$kroot/usr/src/linux-headers-$kver
	[ -d "$kdir" ] || die "no headers $kdir (scripts/fetch-kernel-image.sh)"
fi

# The source: the newest xtables-addons-dkms in sid.
work=$repo/target/upstream
apt_config=$("$here/private-apt.sh" sid "$repo/target/apt/sid") || die "no apt configuration for sid"
version=$(APT_CONFIG=$apt_config apt-cache show xtables-addons-dkms | sed -n 's/^Version: //p' |
	sort -V | tail -n 1)
[ -n "$version" ] || die "no xtables-addons-dkms in sid"
upstream=${version%-*}
upstream=${upstream#*:}
marker=$dest/.built-xtables-addons-$upstream
if [ -e "$marker" ]; then
	echo "build-upstream-modules.sh: xtables-addons $upstream already built for $kver" >&2
	exit 0
fi
src=$work/xtables-addons-$upstream
if [ ! -d "$src" ]; then
	mkdir -p "$work/debs"
	chown _apt "$work/debs" 2>/dev/null || true
	rm -f "$work"/debs/xtables-addons-dkms_*.deb
	(cd "$work/debs" && APT_CONFIG=$apt_config apt-get download -q "xtables-addons-dkms=$version" >/dev/null) ||
		die "apt-get download xtables-addons-dkms=$version failed"
	rm -rf "$work/unpack"
	dpkg-deb -x "$work"/debs/xtables-addons-dkms_*.deb "$work/unpack"
	[ -d "$work/unpack/usr/src/xtables-addons-$upstream/extensions" ] ||
		die "xtables-addons-dkms $version has no usr/src/xtables-addons-$upstream/extensions"
	mv "$work/unpack/usr/src/xtables-addons-$upstream" "$src"
	rm -rf "$work/unpack"
fi

# A fresh copy per kernel, built as dkms.conf says (modules under extensions/).
build=$work/build-$kver
rm -rf "$build"
cp -r "$src" "$build"
args=(-C "$kdir" M="$build/extensions" XA_ABSTOPSRCDIR="$build" XA_TOPSRCDIR="$build" modules)
echo "build-upstream-modules.sh: building xtables-addons $upstream for $kver" >&2
kbuild_make -s "${args[@]}" >"$build.log" 2>&1 || { tail -n 30 "$build.log" >&2; die "building xtables-addons $upstream for $kver failed (log: $build.log)"; }
mapfile -t kos < <(find "$build/extensions" -name '*.ko' | sort)
[ ${#kos[@]} -gt 0 ] || die "xtables-addons $upstream built no module for $kver"
rm -rf "$dest"
mkdir -p "$dest"
install -m 0644 "${kos[@]}" "$dest/"
depmod -b "$kroot" "$kver" || die "depmod -b $kroot $kver failed"
touch "$marker"
rm -rf "$build"
echo "build-upstream-modules.sh: ${#kos[@]} modules of xtables-addons $upstream in $dest" >&2
