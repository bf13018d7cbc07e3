# SPDX-License-Identifier: GPL-2.0-only
# Shared by the plugin tests in tests/host: tests/host/lib.sh (counters, $ROOT, $WORK), the
# libxtables driver, plugin directories and stock iptables run so that it trusts the plugin
# (no kernel module on this host).

. "$(dirname "${BASH_SOURCE[0]}")/../host/lib.sh"
UPSTREAM_XTLIBDIR=$(pkg-config --variable=xtlibdir xtables 2>/dev/null || echo /usr/lib/x86_64-linux-gnu/xtables)

[ "$(id -u)" -eq 0 ] || setup_failed "must run as root (it runs iptables as nobody with setpriv)"
for tool in cc pkg-config setpriv cargo readelf; do
	command -v "$tool" >/dev/null || setup_failed "$tool not found (scripts/setup.sh installs it)"
done

# Readable by nobody: stock iptables runs unprivileged below.
chmod 755 "$WORK"

DRIVER=$WORK/xt-driver
cc -Wall -Wextra -Wno-unused-parameter -Werror -O1 -o "$DRIVER" "$ROOT/tests/plugin/xt-driver.c" -lxtables ||
	setup_failed "cannot build tests/plugin/xt-driver.c (libxtables-dev missing?)"

# Stock iptables' own plugins, without the ones Debian's xtables-addons-common puts beside them:
# iptables runs with XTABLES_LIBDIR=OURS:$STOCK. libxtables reports a plugin that fails to
# dlopen and goes on down the path, so with upstream's directory there a broken plugin of ours
# would be silently replaced by upstream's.
STOCK=$WORK/stock
addons=$(dpkg-query -L xtables-addons-common 2>/dev/null | grep "^$UPSTREAM_XTLIBDIR/libxt_.*\.so\$") ||
	setup_failed "xtables-addons-common is not installed (scripts/setup.sh installs it)"
mkdir "$STOCK"
for stock_so in "$UPSTREAM_XTLIBDIR"/*.so; do
	grep -qxF "$stock_so" <<<"$addons" || ln -s "$stock_so" "$STOCK/"
done
[ -e "$STOCK/libxt_standard.so" ] && [ ! -e "$STOCK/libxt_SYSRQ.so" ] ||
	setup_failed "cannot separate stock plugins from xtables-addons' in $UPSTREAM_XTLIBDIR"

# plugin_dir NAME SO...: a directory holding the given plugins, usable as XTABLES_LIBDIR.
plugin_dir() {
	local dir=$WORK/$1 so
	shift
	mkdir -p "$dir"
	for so in "$@"; do
		[ -r "$so" ] || setup_failed "$so not found"
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

# survives CMD...: exits 0 or 2 (never a signal or another error), prints no BUG line and no
# loader error.
survives() {
	local rc
	"$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	{ [ $rc -eq 0 ] || [ $rc -eq 2 ]; } && ! grep -q BUG "$WORK/err" && ! loader_error "$WORK/err"
}

# loader_error FILE: libxtables reported a plugin it could not load ("PATH.so: dlerror").
loader_error() { grep -q '\.so: ' "$1"; }

# exits STATUS CMD...: exits with STATUS and prints no BUG line and no loader error (output
# kept in $WORK).
exits() {
	local status=$1 rc
	shift
	"$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	[ $rc -eq "$status" ] && ! grep -q BUG "$WORK/err" && ! loader_error "$WORK/err" || {
		echo "     exit $rc, stderr: $(head -c 300 "$WORK/err")"
		return 1
	}
}

# fails_with STATUS TEXT CMD...: exits with STATUS, TEXT appears on stderr, no loader error.
fails_with() {
	local status=$1 text=$2 rc
	shift 2
	"$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	[ $rc -eq "$status" ] && grep -qF -- "$text" "$WORK/err" && ! loader_error "$WORK/err" || {
		echo "     exit $rc, stderr: $(head -c 300 "$WORK/err")"
		return 1
	}
}

# help_shows PATTERN CMD...: CMD exits 0, prints a line matching PATTERN (a basic regular
# expression) on stdout and nothing on stderr (no loader error, no warning) but the one line
# legacy iptables run by nobody prints, as it cannot ask the kernel for revisions.
help_shows() {
	local pattern=$1 rc
	shift
	"$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	[ $rc -eq 0 ] && grep -q -- "$pattern" "$WORK/out" &&
		! grep -qv '^[A-Za-z0-9_]*: Could not determine whether revision [0-9]* is supported, assuming it is\.$' "$WORK/err" || {
		echo "     exit $rc, stderr: $(head -c 300 "$WORK/err")"
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

# plugin_under_test PACKAGE NAME: builds our libxt_NAME.so (cargo package PACKAGE); sets $so to
# it, $ours and $upstream to XTABLES_LIBDIRs holding ours and upstream's plugin (stock iptables
# takes "$ours:$STOCK"). First check: libxtables loads ours, even with upstream's directory
# searched after it (the driver names the file; a plugin of ours that does not load would be
# replaced by upstream's there).
plugin_under_test() {
	local kind=target
	cargo build --release --quiet -p "$1" || setup_failed "cargo build -p $1 failed"
	so=$ROOT/target/release/libxt_$2.so
	[ -r "$UPSTREAM_XTLIBDIR/libxt_$2.so" ] || setup_failed "upstream plugin missing (xtables-addons-common)"
	ours=$(plugin_dir ours "$so")
	upstream=$(plugin_dir upstream "$UPSTREAM_XTLIBDIR/libxt_$2.so")
	# Targets are named in capitals, matches are not.
	case $2 in *[a-z]*) kind=match ;; esac
	check "libxtables loads our libxt_$2.so, not upstream's" output_is "$ours/libxt_$2.so" \
		env XTABLES_LIBDIR="$ours:$UPSTREAM_XTLIBDIR" "$DRIVER" -4 $kind "$2" where
}

# same_as_upstream COMMAND...: COMMAND prints the same and exits alike with $ours and with
# $upstream as XTABLES_LIBDIR.
same_as_upstream() {
	local a b
	a=$(env XTABLES_LIBDIR="$ours" "$@" 2>&1; echo "exit $?")
	b=$(env XTABLES_LIBDIR="$upstream" "$@" 2>&1; echo "exit $?")
	[ "$a" = "$b" ] || {
		echo "     ours:     $a"
		echo "     upstream: $b"
		return 1
	}
}
