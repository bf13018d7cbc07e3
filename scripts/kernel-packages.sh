# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# Debian kernel packages of one suite, through a private apt configuration; sourced by
# fetch-kernel-headers.sh and fetch-kernel-image.sh.

kpkg_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

kpkg_die() {
	echo "$kpkg_name: $*" >&2
	exit 1
}

# kpkg_init NAME [SUITE] DIR: the fetch scripts' arguments, into $suite (default
# bookworm-backports) and $dir (usage and exit 2 when they are not one or two, exit 1 for an
# empty DIR); then the private apt configuration of SUITE (lists refreshed daily).
kpkg_init() {
	kpkg_name=$1
	shift
	case $# in
	1) suite=bookworm-backports; dir=$1 ;;
	2) suite=$1; dir=$2 ;;
	*) echo "usage: $0 [SUITE] DIR" >&2; exit 2 ;;
	esac
	[ -n "$dir" ] || kpkg_die "DIR must not be empty"
	# One fetch into DIR at a time, as make test's labs and packaging test ask at once (else one
	# deletes the .debs another downloads, or unpacks over headers kbuild is reading); a fetch
	# script that runs the other holds the lock already (KPKG_LOCKED).
	mkdir -p "$dir"
	local abs
	abs=$(cd "$dir" && pwd)
	if [ "${KPKG_LOCKED:-}" != "$abs" ]; then
		exec {kpkg_lock_fd}>"$dir/.fetch.lock"
		flock "$kpkg_lock_fd"
		export KPKG_LOCKED=$abs
	fi
	APT_CONFIG=$("$kpkg_repo/scripts/private-apt.sh" "$suite" "$kpkg_repo/target/apt/$suite") ||
		kpkg_die "no apt configuration for $suite"
	export APT_CONFIG
}

# kpkg_depends PACKAGE: its Depends, one package name a line (versions and alternatives dropped).
kpkg_depends() {
	apt-cache show "$1" 2>/dev/null | sed -n 's/^Depends: //p' | head -n 1 | tr ',' '\n' |
		sed 's/|.*//; s/(.*//; s/^ *//; s/ *$//'
}

# kpkg_versioned METAPACKAGE: the versioned package a metapackage like linux-headers-amd64
# points to (the first dependency with the same prefix and a version: sid lists
# linux-base-amd64 first); fails, saying so, when the suite has none.
kpkg_versioned() {
	local prefix=${1%-amd64} found
	found=$(kpkg_depends "$1" | grep -m 1 -E "^$prefix-[0-9]" || true)
	[ -n "$found" ] || kpkg_die "no $1 in $suite"
	echo "$found"
}

# kpkg_closure PACKAGE: PACKAGE and, recursively, its dependencies that are versioned kernel
# packages (linux-headers-7.2.13+deb14-common, linux-kbuild-7.2.13+deb14,
# linux-modules-7.2.13+deb14-amd64, ...), not tools like linux-base or the compiler.
kpkg_closure() {
	local -A seen=()
	local todo=("$1") p d
	while [ ${#todo[@]} -gt 0 ]; do
		p=${todo[0]}
		todo=("${todo[@]:1}")
		[ -z "${seen[$p]:-}" ] || continue
		seen[$p]=1
		echo "$p"
		for d in $(kpkg_depends "$p" | grep -E '^linux-[a-z]+-[0-9]' || true); do todo+=("$d"); done
	done
}

# kpkg_unpack DIR SUBDIR PACKAGE...: download the packages into DIR/SUBDIR and unpack them into
# DIR, whose lib is usr/lib as on a merged-/usr system (sid's packages ship /usr/lib/modules,
# bookworm's /lib/modules: both end up in one place).
kpkg_unpack() {
	local dir=$1 sub=$2 deb
	shift 2
	mkdir -p "$dir/$sub" "$dir/usr/lib"
	[ -e "$dir/lib" ] || ln -s usr/lib "$dir/lib"
	rm -f "$dir/$sub"/*.deb
	# apt drops privileges to _apt for downloads when it can write there (else it warns).
	chown _apt "$dir/$sub" 2>/dev/null || true
	(cd "$dir/$sub" && apt-get download -q "$@" >/dev/null) || kpkg_die "apt-get download $* failed"
	for deb in "$dir/$sub"/*.deb; do dpkg-deb -x "$deb" "$dir"; done
}
