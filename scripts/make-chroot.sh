#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A Debian chroot made with debootstrap, kept between runs, with the packages asked for:
#
#   scripts/make-chroot.sh [--also SUITE2]... SUITE DIR [PACKAGE...]
#
# The first call debootstraps SUITE (minbase) into DIR; every call installs the PACKAGEs that
# are missing, with the chroot's own apt (DIR's sources name SUITE and the SUITE2s, e.g.
# bookworm-updates, bookworm-security, bookworm-backports; backports' packages apt installs only
# when asked for by name). Nothing is
# installed on the host. Used for sid's compiler (the kernel's gcc, which the host cannot
# install) and for the packaging test's clean Debian 12.
#
# XA_DEBIAN_MIRROR and XA_DEBIAN_SECURITY_MIRROR (for *-security suites) override the mirrors.
set -euo pipefail
die() { echo "make-chroot.sh: $*" >&2; exit 1; }
usage() { echo "usage: $0 [--also SUITE2]... SUITE DIR [PACKAGE...]" >&2; exit 2; }
also=()
while [ "${1:-}" = --also ]; do
	[ $# -ge 2 ] || usage
	also+=("$2")
	shift 2
done
[ $# -ge 2 ] || usage
suite=$1
dir=$2
shift 2
[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and chroot need it)"
command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap)"
mirror=${XA_DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ ! -e "$dir/.debootstrapped" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "make-chroot.sh: debootstrap $suite into $dir" >&2
	debootstrap --variant=minbase "$suite" "$dir" "$mirror" >"$dir.debootstrap.log" 2>&1 || {
		tail -n 20 "$dir.debootstrap.log" >&2
		die "debootstrap $suite failed (log: $dir.debootstrap.log)"
	}
	# The mirrors reachable here may be frozen copies past their Release's Valid-Until.
	echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99xa-valid-until"
	echo 'Acquire::Languages "none";' >"$dir/etc/apt/apt.conf.d/99xa-languages"
	# No daemons start in the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
	chmod 0755 "$dir/usr/sbin/policy-rc.d"
	touch "$dir/.debootstrapped"
	rm -f "$dir.debootstrap.log"
fi

for extra in "${also[@]}"; do
	list=$dir/etc/apt/sources.list.d/xa-$extra.list
	[ -e "$list" ] && continue
	case $extra in
	*-security) echo "deb ${XA_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security} $extra main" ;;
	*) echo "deb $mirror $extra main" ;;
	esac >"$list"
	rm -f "$dir"/var/lib/apt/lists/*_Packages* # apt-get update below
done

missing=()
for p in "$@"; do
	chroot "$dir" dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "make-chroot.sh: installing in $dir: ${missing[*]}" >&2
	# Lists a day old are refreshed first: a suite like sid drops superseded versions.
	if [ -z "$(find "$dir/var/lib/apt/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null)" ] ||
		! chroot "$dir" apt-get install -y -q --no-install-recommends -s "${missing[@]}" >/dev/null 2>&1; then
		chroot "$dir" apt-get update -q >&2 || die "apt-get update in $dir failed"
	fi
	DEBIAN_FRONTEND=noninteractive chroot "$dir" apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >&2 || die "apt-get install ${missing[*]} in $dir failed"
	chroot "$dir" apt-get clean
fi
