# SPDX-License-Identifier: GPL-2.0-only
# Shared by tests/host/plugin-*.sh: counters, the libxtables driver, plugin directories and
# stock iptables run so that it trusts the plugin (no kernel module on this host).

set -u
plib_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
UPSTREAM_XTLIBDIR=$(pkg-config --variable=xtlibdir xtables 2>/dev/null || echo /usr/lib/x86_64-linux-gnu/xtables)
passed=0
failed=0

ok() {
	passed=$((passed + 1))
	echo "ok   $*"
}

not_ok() {
	failed=$((failed + 1))
	echo "FAIL $*"
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# A fatal setup problem: the test cannot run, so it fails.
plib_die() {
	echo "FAIL setup: $*"
	echo "$passed passed, $((failed + 1)) failed"
	exit 1
}

plib_finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

[ "$(id -u)" -eq 0 ] || plib_die "must run as root (it runs iptables as nobody with setpriv)"
for tool in cc pkg-config setpriv cargo readelf; do
	command -v "$tool" >/dev/null || plib_die "$tool not found (scripts/setup.sh installs it)"
done

plib_tmp=$(mktemp -d)
trap 'rm -rf "$plib_tmp"' EXIT
# Readable by nobody: stock iptables runs unprivileged below.
chmod 755 "$plib_tmp"

DRIVER=$plib_tmp/xt-driver
cc -Wall -Wextra -Wno-unused-parameter -Werror -O1 -o "$DRIVER" "$plib_repo/tests/plugin/xt-driver.c" -lxtables ||
	plib_die "cannot build tests/plugin/xt-driver.c (libxtables-dev missing?)"

# plugin_dir NAME SO...: a directory holding the given plugins, usable as XTABLES_LIBDIR.
plugin_dir() {
	local dir=$plib_tmp/$1 so
	shift
	mkdir -p "$dir"
	for so in "$@"; do
		[ -r "$so" ] || plib_die "$so not found"
		install -m 0644 "$so" "$dir/"
	done
	chmod 755 "$dir"
	echo "$dir"
}

# as_nobody LIBDIR COMMAND...: stock iptables unprivileged. It then cannot ask the kernel
# which revisions exist and assumes ours does (this host has no xt_* module for it); it
# stops at the lock or the netlink socket, after parsing and help.
as_nobody() {
	local dir=$1
	shift
	setpriv --reuid=65534 --regid=65534 --clear-groups env XTABLES_LIBDIR="$dir" "$@"
}

# no_panic_path SO: the panic handler's message survives only if some code can panic.
no_panic_path() {
	! grep -q "BUG: panic" "$1"
}

# needs_only SO LIB...: the plugin's NEEDED entries are exactly the given libraries.
needs_only() {
	local so=$1
	shift
	[ "$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')" = \
		"$(printf '%s\n' "$@" | sort | tr '\n' ' ')" ]
}

# survives CMD...: exits 0 or 2 (never a signal or another error), prints no BUG line.
survives() {
	local rc
	"$@" >"$plib_tmp/out" 2>"$plib_tmp/err"
	rc=$?
	{ [ $rc -eq 0 ] || [ $rc -eq 2 ]; } && ! grep -q BUG "$plib_tmp/err"
}

# exits STATUS CMD...: exits with STATUS and prints no BUG line (output kept in $plib_tmp).
exits() {
	local status=$1 rc
	shift
	"$@" >"$plib_tmp/out" 2>"$plib_tmp/err"
	rc=$?
	[ $rc -eq "$status" ] && ! grep -q BUG "$plib_tmp/err" || {
		echo "     exit $rc, stderr: $(head -c 300 "$plib_tmp/err")"
		return 1
	}
}

# fails_with STATUS TEXT CMD...: exits with STATUS and TEXT appears on stderr.
fails_with() {
	local status=$1 text=$2 rc
	shift 2
	"$@" >"$plib_tmp/out" 2>"$plib_tmp/err"
	rc=$?
	[ $rc -eq "$status" ] && grep -qF -- "$text" "$plib_tmp/err" || {
		echo "     exit $rc, stderr: $(head -c 300 "$plib_tmp/err")"
		return 1
	}
}

# output_is EXPECTED CMD...: the command succeeds and prints exactly EXPECTED.
output_is() {
	local expected=$1 got
	shift
	got=$("$@" 2>&1) && [ "$got" = "$expected" ] || {
		echo "     got: $got"
		echo "     expected: $expected"
		return 1
	}
}
