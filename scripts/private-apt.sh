#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A private apt configuration for one Debian suite, for downloads only: its own sources.list,
# package lists, cache and an empty dpkg status under DIR, so nothing of that suite (e.g. sid)
# can reach the host's apt state or get installed on the host. Prints the configuration file:
#
#   APT_CONFIG=$(scripts/private-apt.sh SUITE DIR) apt-get download PACKAGE
#   APT_CONFIG=$(scripts/private-apt.sh --deb-src SUITE DIR) apt-get source --download-only PKG
#
# --deb-src adds the suite's source packages.
# The lists are refreshed when older than a day (or missing): a suite like sid moves daily.
set -euo pipefail
die() { echo "private-apt.sh: $*" >&2; exit 1; }
deb_src=false
if [ "${1:-}" = --deb-src ]; then
	deb_src=true
	shift
fi
[ $# -eq 2 ] || { echo "usage: $0 [--deb-src] SUITE DIR" >&2; exit 2; }
suite=$1
dir=$2
case $suite in
*[!a-z0-9-]* | '') die "bad suite name '$suite'" ;;
esac
mirror=${XA_DEBIAN_MIRROR:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || die "$keyring missing (apt-get install debian-archive-keyring)"

mkdir -p "$dir"/lists/partial "$dir"/cache/archives/partial "$dir"/etc/preferences.d \
	"$dir"/etc/apt.conf.d
root=$(cd "$dir" && pwd)
# apt drops privileges to _apt for downloads when it can write there (else it warns).
chown -R _apt "$root/lists/partial" "$root/cache/archives/partial" 2>/dev/null || true
: >"$root/status.tmp"
[ -e "$root/status" ] || mv "$root/status.tmp" "$root/status"
rm -f "$root/status.tmp"
# One writer of the configuration and lists at a time (make test fetches for the lab and for
# the host tests at once).
exec 9>"$root/.lock"
flock 9
stamp=$root/lists/.updated
{
	echo "deb [signed-by=$keyring] $mirror $suite main"
	! $deb_src || echo "deb-src [signed-by=$keyring] $mirror $suite main"
} >"$root/etc/sources.list.new"
# Other sources than the lists were fetched for: fetch them again.
cmp -s "$root/etc/sources.list.new" "$root/etc/sources.list" || rm -f "$stamp"
mv "$root/etc/sources.list.new" "$root/etc/sources.list"
cat >"$root/apt.conf" <<EOF
Dir::Etc::SourceList "$root/etc/sources.list";
Dir::Etc::SourceParts "-";
# Not the host's apt.conf.d either (its AppStream hook would fetch DEP-11 data for nothing).
Dir::Etc::Parts "$root/etc/apt.conf.d";
Dir::Etc::Preferences "$root/etc/preferences";
Dir::Etc::PreferencesParts "$root/etc/preferences.d";
Dir::State::Lists "$root/lists";
Dir::State::status "$root/status";
Dir::Cache "$root/cache";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
Acquire::Languages "none";
# The mirrors reachable here may be frozen copies whose Release files are past their Valid-Until.
Acquire::Check-Valid-Until "false";
EOF
: >"$root/etc/preferences"
if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440)" ]; then
	APT_CONFIG=$root/apt.conf apt-get update -q >&2 || die "apt-get update for $suite failed"
	touch "$stamp"
fi
echo "$root/apt.conf"
