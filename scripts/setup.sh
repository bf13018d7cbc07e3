#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install everything the build and the tests need on a Debian 12 machine, then check that every
# tool and module it promised is there (a missing one fails here, by name, not later in a test).
set -eu
here=$(dirname "$0")
pkgs=$(sed 's/#.*//' "$here/debian-packages.txt" | tr -s ' \t\n' ' ')
if [ "$(id -u)" -ne 0 ]; then
	echo "setup.sh: run as root (it installs Debian packages)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# bookworm-backports gives QEMU 10 (TCG plugins, for the lab's instruction counts) and the newer
# kernel the lab boots (unpacked privately, never installed). Its low pin priority keeps
# everything else from bookworm.
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	echo 'deb http://deb.debian.org/debian bookworm-backports main' \
		> /etc/apt/sources.list.d/xtables-addons-rs-backports.list
fi
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $pkgs
# QEMU from bookworm-backports, whatever QEMU the machine came with: machines of our kind carry
# qemu-utils 10.0 from there, which bookworm's qemu-system-x86 7.2 Breaks (apt exits 100), and
# the lab's instruction-count plugin needs the plugin API of the QEMU it runs in.
apt-get install -y -q --no-install-recommends -t bookworm-backports \
	qemu-system-x86 qemu-utils

# What the build and the tests use, checked by name. Tests run /usr/bin/python3 (Debian's, with
# the python3-* packages above), never whatever python3 comes first on PATH.
missing=
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing="$missing $1"; }
for c in cargo rustc gcc make clang pkg-config bc depmod cpio xz iptables-legacy iptables-nft \
	ip6tables-legacy ip6tables-nft nft ip socat valgrind pahole debootstrap dkms \
	dpkg-buildpackage lintian man groff knockd curl busybox; do
	need_cmd "$c"
done
[ -x /usr/bin/qemu-system-x86_64 ] || missing="$missing qemu-system-x86_64"
qemu_version=$(/usr/bin/qemu-system-x86_64 --version 2>/dev/null | sed -n '1s/.*version \([0-9]*\)\..*/\1/p')
[ "${qemu_version:-0}" -ge 8 ] || missing="$missing qemu-system-x86_64>=8(plugins)"
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx sh || missing="$missing busybox-static"
[ -x /usr/bin/nc.openbsd ] || missing="$missing nc.openbsd"
for m in prometheus_client; do
	/usr/bin/python3 -c "import $m" 2>/dev/null || missing="$missing python3:$m"
done
pkg-config --exists xtables || missing="$missing libxtables-dev"
pkg-config --exists glib-2.0 || missing="$missing libglib2.0-dev"
headers=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p')
[ -n "$headers" ] && [ -r "/lib/modules/$headers/build/Makefile" ] ||
	missing="$missing linux-headers-amd64(/lib/modules/${headers:-?}/build)"
image=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
	sed -n 's/^linux-image-\([^ ,]*\).*/\1/p')
[ -n "$image" ] && [ -r "/boot/vmlinuz-$image" ] || missing="$missing linux-image-amd64(/boot/vmlinuz-${image:-?})"
if [ -n "$missing" ]; then
	echo "setup.sh: still missing after installing:$missing" >&2
	exit 1
fi
echo "setup.sh: every build and test dependency is installed"
