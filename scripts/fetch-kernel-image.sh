#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Unpacks Debian's kernel of a suite (image, modules and headers) into a private root for the
# QEMU lab, without installing it (installing would run every dkms module's build for it, and
# a failing one leaves dpkg half-configured), and prints the kernel release.
#
#   scripts/fetch-kernel-image.sh [SUITE] DIR     (SUITE defaults to bookworm-backports)
#
# DIR then holds boot/vmlinuz-KVER and boot/config-KVER, lib/modules/KVER/ (modules.dep made by
# depmod, as the package's postinst would) and the headers as scripts/fetch-kernel-headers.sh
# unpacks them (usr/src/linux-headers-KVER/): `tests/vm/run.sh --kernel-root DIR` boots it.
# Downloads go through a private apt configuration (target/apt/SUITE): sid works too.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernel-packages.sh"
kpkg_init fetch-kernel-image.sh "$@"

# linux-image-amd64 names the release (sid lists linux-base-amd64 first); the headers must be
# of the same one.
image=$(kpkg_versioned linux-image-amd64)
kver=${image#linux-image-}
moddir=$dir/lib/modules/$kver

# One release per root, so the lab boots this one: a new release replaces what this script
# unpacked for an older one (its marker says it did; nothing else in DIR is touched).
if ! [ -e "$dir/.image-$kver" ] && compgen -G "$dir/.image-*" >/dev/null; then
	rm -rf "${dir:?}/boot" "${dir:?}/lib" "${dir:?}/usr" "$dir/debs" "$dir/image-debs" "$dir"/.image-* "$dir"/.headers-*
fi
kdir=$("$here/fetch-kernel-headers.sh" "$suite" "$dir" | tail -n 1)
[ "${kdir##*/}" = "linux-headers-$kver" ] ||
	kpkg_die "the suite's headers ($kdir) are not of its image's release $kver (a mirror in the middle of an update?)"

# The image packages are about 100 MB: fetched and unpacked once per release. Since 7.x the
# image is a metapackage of linux-binary-KVER (lib/modules/KVER/vmlinuz), linux-modules-KVER
# and linux-base-KVER (config, System.map); boot/ gets the names older kernels ship.
if [ ! -e "$dir/.image-$kver" ]; then
	kpkg_unpack "$dir" image-debs $(kpkg_closure "$image")
	for f in vmlinuz config System.map; do
		[ -e "$dir/boot/$f-$kver" ] || [ ! -e "$moddir/$f" ] ||
			{ mkdir -p "$dir/boot" && ln -s "../lib/modules/$kver/$f" "$dir/boot/$f-$kver"; }
	done
	[ -r "$dir/boot/vmlinuz-$kver" ] || kpkg_die "$image has no boot/vmlinuz-$kver"
	[ -d "$moddir/kernel" ] || kpkg_die "$image has no lib/modules/$kver/kernel"
	depmod -b "$dir" "$kver" || kpkg_die "depmod -b $dir $kver failed"
	touch "$dir/.image-$kver"
fi
echo "$kver"
