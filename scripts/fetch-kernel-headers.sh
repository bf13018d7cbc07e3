#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Unpacks Debian's kernel headers of another suite into a private directory, without
# installing them (installing would also pull in a kernel image and run every dkms
# module's build for it), and prints the resulting KDIR.
#
#   scripts/fetch-kernel-headers.sh [SUITE] DIR     (SUITE defaults to bookworm-backports)
#
# The suite must be in the apt sources (scripts/setup.sh adds bookworm-backports).
set -euo pipefail
die() { echo "fetch-kernel-headers.sh: $*" >&2; exit 1; }
case $# in
1) suite=bookworm-backports; dir=$1 ;;
2) suite=$1; dir=$2 ;;
*) echo "usage: $0 [SUITE] DIR" >&2; exit 2 ;;
esac

# linux-headers-amd64 of the suite names the versioned package; that one needs its
# -common part and the kbuild tools (scripts/, tools/ are relative symlinks into them).
versioned=$(apt-cache show "linux-headers-amd64/$suite" 2>/dev/null |
	sed -n 's/^Depends: \(linux-headers-[^ ,]*\).*/\1/p' | head -n 1)
[ -n "$versioned" ] || die "no linux-headers-amd64 in $suite (is $suite in the apt sources? run apt-get update)"
deps=$(apt-cache show "$versioned" | sed -n 's/^Depends: //p' | head -n 1 | tr ',' '\n' |
	sed -n 's/^ *\(linux-\(headers\|kbuild\)-[^ ]*\).*/\1/p')
mkdir -p "$dir/debs"
# apt drops privileges to _apt for downloads when it can write there (else it warns).
chown _apt "$dir/debs" 2> /dev/null || true
(cd "$dir/debs" && apt-get download -q "$versioned" $deps > /dev/null) ||
	die "apt-get download $versioned $deps failed"
for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir"; done
kdir="$dir/usr/src/$versioned"
# The arch part includes the common part by absolute path: point it at our copy.
root=$(cd "$dir" && pwd)
sed -i "s|^include /usr/src/|include $root/usr/src/|" "$kdir/Makefile"
[ -f "$kdir/include/config/auto.conf" ] || die "$kdir: no configured headers after unpacking"
echo "$kdir"
