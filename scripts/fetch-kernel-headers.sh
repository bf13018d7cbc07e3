#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Unpacks Debian's kernel headers of a suite into a private directory, without installing them
# (installing would also pull in a kernel image and run every dkms module's build for it), and
# prints the resulting KDIR.
#
#   scripts/fetch-kernel-headers.sh [SUITE] DIR     (SUITE defaults to bookworm-backports)
#
# Downloads go through a private apt configuration (scripts/private-apt.sh, state in
# target/apt/SUITE), so any suite works, sid included, and nothing reaches the host's apt.
# Headers whose kbuild tools need a newer C library than the host's (sid's) still unpack here;
# modules for them are built in a chroot of their suite (scripts/make-chroot.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernel-packages.sh"
kpkg_init fetch-kernel-headers.sh "$@"

# linux-headers-amd64 names the versioned package (sid lists linux-base-amd64 before it); that
# one needs its -common part and the kbuild tools (scripts/, tools/ are relative symlinks).
versioned=$(kpkg_versioned linux-headers-amd64)
kdir="$dir/usr/src/$versioned"
# Fetched and unpacked once per release (the marker): again, it rewrote the headers under a
# kbuild reading them.
if [ ! -e "$dir/.headers-$versioned" ]; then
	kpkg_unpack "$dir" debs $(kpkg_closure "$versioned")
	# The arch part includes the common part by absolute path: point it at our copy.
	root=$(cd "$dir" && pwd)
	sed -i "s|^include /usr/src/|include $root/usr/src/|" "$kdir/Makefile"
	[ -f "$kdir/include/config/auto.conf" ] || kpkg_die "$kdir: no configured headers after unpacking"
	touch "$dir/.headers-$versioned"
fi
echo "$kdir"
