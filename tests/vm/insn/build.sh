#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the lab's instruction-count TCG plugin (insn-count.c) for the QEMU installed here and
# prints the path of the .so.
#
#   tests/vm/insn/build.sh
#
# The plugin API header, include/qemu/qemu-plugin.h, is in no binary package: it comes from
# the source package of the installed qemu-system-x86, fetched with `apt-get source
# --download-only` through a private apt configuration (scripts/private-apt.sh --deb-src, for
# the suite the installed version came from; the machine's apt sources are not touched). Only
# the header is kept, under target/qemu-plugin/VERSION/, with the plugin built beside it: the
# download (about 40 MB) happens once per QEMU version. Needs gcc, dpkg-dev and libglib2.0-dev
# (scripts/debian-packages.txt).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=$repo/target/qemu-plugin
die() { echo "insn/build.sh: $*" >&2; exit 1; }

qemu=/usr/bin/qemu-system-x86_64
[ -x "$qemu" ] || die "$qemu not found (scripts/setup.sh installs qemu-system-x86)"
pkg=$(dpkg-query -S "$qemu" 2>/dev/null | cut -d: -f1) || die "no package owns $qemu"
read -r src version < <(dpkg-query -W -f='${source:Package} ${source:Version}\n' "$pkg")
[ -n "$src" ] && [ -n "$version" ] || die "cannot tell the source package of $pkg"
dir=$cache/${version#*:}
header=$dir/qemu-plugin.h
plugin=$dir/insn-count.so

# fetch_header: the source package's orig tarball through a private apt configuration
# (scripts/private-apt.sh, with the suite's deb-src) of the suite the installed version came
# from, checked against the hash in the (signed) Sources index, and the header out of it.
fetch_header() {
	local suite apt_config orig size hash
	suite=$(apt-cache policy "$pkg" | awk -v v="$version" '
		$1 == "***" { mine = ($2 == v); next }
		NF == 2 && $2 ~ /^-?[0-9]+$/ { mine = ($1 == v); next }
		mine && $2 ~ /:\/\// { split($3, s, "/"); print s[1]; exit }')
	[ -n "$suite" ] || die "apt knows no suite for $pkg $version (run apt-get update)"
	apt_config=$("$repo/scripts/private-apt.sh" --deb-src "$suite" "$cache/apt") ||
		die "no private apt configuration for $suite"
	read -r orig size hash < <(APT_CONFIG=$apt_config apt-get --print-uris source "$src=$version" 2>/dev/null |
		awk '$2 ~ /\.orig\.tar\./ { print $2, $3, $4 }')
	[ -n "${orig:-}" ] || die "no orig tarball of $src $version in $suite's sources"
	mkdir -p "$dir/src"
	# Debian's mirror may lack the .dsc and .debian.tar.xz of a backport (seen with
	# 1:10.0.2+ds-2+deb13u1~bpo12+1) while the orig tarball is there: apt then fails for those
	# files, and what counts is the orig tarball and its hash.
	(cd "$dir/src" && APT_CONFIG=$apt_config apt-get -q source --download-only "$src=$version" >&2) ||
		echo "insn/build.sh: apt-get source reported errors; checking the orig tarball" >&2
	[ -e "$dir/src/$orig" ] || die "apt-get source did not fetch $orig"
	[ "$(stat -c %s "$dir/src/$orig")" = "$size" ] &&
		[ "SHA256:$(sha256sum "$dir/src/$orig" | cut -d' ' -f1)" = "$hash" ] ||
		die "$orig does not match the Sources index ($hash)"
	tar -xf "$dir/src/$orig" -C "$dir/src" --no-same-owner --wildcards --no-anchored \
		'include/qemu/qemu-plugin.h' || die "$orig has no include/qemu/qemu-plugin.h"
	find "$dir/src" -path '*/include/qemu/qemu-plugin.h' -exec mv {} "$header.new" \;
	[ -s "$header.new" ] || die "$orig has no include/qemu/qemu-plugin.h"
	mv "$header.new" "$header"
	rm -rf "$dir/src"
}

[ -s "$header" ] || fetch_header
if [ ! -e "$plugin" ] || [ "$here/insn-count.c" -nt "$plugin" ] || [ "$0" -nt "$plugin" ]; then
	# shellcheck disable=SC2046 # pkg-config prints several words
	gcc -shared -fPIC -O2 -Wall -Wextra -Werror -I "$dir" $(pkg-config --cflags glib-2.0) \
		-o "$plugin.new" "$here/insn-count.c" $(pkg-config --libs glib-2.0) ||
		die "building the plugin failed"
	mv "$plugin.new" "$plugin"
fi
echo "$plugin"
