#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Unpacks Debian's kernel of another suite (image, modules and headers) into a private root
# for the QEMU lab, without installing it (installing would run every dkms module's build for
# it, and a failing one leaves dpkg half-configured), and prints the kernel release.
#
#   scripts/fetch-kernel-image.sh [SUITE] DIR     (SUITE defaults to bookworm-backports)
#
# DIR then holds boot/vmlinuz-KVER, lib/modules/KVER/ (modules.dep made by depmod, as the
# package's postinst would) and the headers as scripts/fetch-kernel-headers.sh unpacks them
# (usr/src/linux-headers-KVER/): `tests/vm/run.sh --kernel-root DIR` boots it.
# The suite must be in the apt sources (scripts/setup.sh adds bookworm-backports).
set -euo pipefail
die() { echo "fetch-kernel-image.sh: $*" >&2; exit 1; }
case $# in
1) suite=bookworm-backports; dir=$1 ;;
2) suite=$1; dir=$2 ;;
*) echo "usage: $0 [SUITE] DIR" >&2; exit 2 ;;
esac
[ -n "$dir" ] || die "DIR must not be empty"

# linux-image-amd64 of the suite names the release; the headers must be of the same one.
kver=$(apt-cache show "linux-image-amd64/$suite" 2>/dev/null |
	sed -n 's/^Depends: linux-image-\([^ ,]*\).*/\1/p' | head -n 1)
[ -n "$kver" ] || die "no linux-image-amd64 in $suite (is $suite in the apt sources? run apt-get update)"
image=linux-image-$kver
moddir=$dir/lib/modules/$kver

# One release per root, so the lab boots this one: a new release replaces what this script
# unpacked for an older one (its marker says it did; nothing else in DIR is touched).
if ! [ -e "$dir/.image-$kver" ] && compgen -G "$dir/.image-*" >/dev/null; then
	rm -rf "${dir:?}/boot" "${dir:?}/lib" "${dir:?}/usr" "$dir/debs" "$dir/image-debs" "$dir"/.image-*
fi
kdir=$("$(dirname "$0")/fetch-kernel-headers.sh" "$suite" "$dir" | tail -n 1)
[ "${kdir##*/}" = "linux-headers-$kver" ] ||
	die "the suite's headers ($kdir) are not of its image's release $kver (run apt-get update)"

# The image package is about 100 MB: fetched and unpacked once per release.
if [ ! -e "$dir/.image-$kver" ]; then
	mkdir -p "$dir/image-debs"
	rm -f "$dir"/image-debs/*.deb
	# apt drops privileges to _apt for downloads when it can write there (else it warns).
	chown _apt "$dir/image-debs" 2>/dev/null || true
	(cd "$dir/image-debs" && apt-get download -q "$image" >/dev/null) ||
		die "apt-get download $image failed (is $suite in the apt sources? run apt-get update)"
	dpkg-deb -x "$dir"/image-debs/"$image"_*.deb "$dir"
	[ -r "$dir/boot/vmlinuz-$kver" ] || die "$image has no boot/vmlinuz-$kver"
	[ -d "$moddir/kernel" ] || die "$image has no lib/modules/$kver/kernel"
	depmod -b "$dir" "$kver" || die "depmod -b $dir $kver failed"
	touch "$dir/.image-$kver"
fi
echo "$kver"
