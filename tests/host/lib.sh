# SPDX-License-Identifier: GPL-2.0-only
# Sourced by tests/host/*.sh (and tests/plugin/lib.sh): runs the test from the top of the work
# tree ($ROOT), gives it a private temporary directory ($WORK, removed on exit), and counts the
# `ok   ...` / `FAIL ...` lines for the final `N passed, M failed`.

# `make check` runs every tests/host/*.sh, this one too: it has nothing to test.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	echo "tests/host/lib.sh: sourced by the tests, nothing to run"
	exit 0
fi
set -u
# Every signal at its default action, none blocked, in the test and all it starts: a runner under
# nohup hands down SIGHUP ignored, a background job of a non-interactive shell SIGINT and SIGQUIT,
# and bash cannot undo a disposition ignored at entry. Tests kill what they start with these
# signals and expect their default action, so a test whose start differs re-executes itself once
# through `env --default-signal`.
if [ -z "${XA_TEST_SIGNALS_RESET:-}" ] &&
	[ "$(grep -cE '^Sig(Ign|Blk):[[:space:]]+0+$' /proc/self/status)" -ne 2 ]; then
	XA_TEST_SIGNALS_RESET=1 exec env --default-signal "$BASH" "$0" "$@"
fi
# A test that sets TEST_NETWORK=private before sourcing this runs in a network namespace of its
# own, lo up: no other program on the machine can hold the ports it listens on.
if [ "${TEST_NETWORK:-}" = private ] && [ -z "${XA_TEST_PRIVATE_NETWORK:-}" ]; then
	XA_TEST_PRIVATE_NETWORK=1 exec unshare --net sh -c 'ip link set lo up && exec "$0" "$@"' \
		"$BASH" "$0" "$@"
fi
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ROOT=$PWD
WORK=$(mktemp -d "/tmp/$(basename "$0" .sh)-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PASSED=0
FAILED=0
# Debian's interpreter, with the python3-* modules scripts/setup.sh installs: never whatever
# python3 comes first on PATH (a pyenv one sees none of them).
PY=/usr/bin/python3

ok() { echo "ok   $1"; PASSED=$((PASSED + 1)); }
ko() { echo "FAIL $1"; FAILED=$((FAILED + 1)); }
# check NAME COMMAND...: one assertion, passed when COMMAND succeeds.
check() { local what=$1; shift; if "$@"; then ok "$what"; else ko "$what"; fi; }
finish() { echo "$PASSED passed, $FAILED failed"; [ "$FAILED" -eq 0 ]; }
# A test that cannot run fails, never skips.
setup_failed() { ko "setup: $1"; finish; exit 1; }
# modinfo_words FIELD KO: a module's FIELD values (alias, depends: that one comma-separated, parm:
# its names, parmtype: NAME:TYPE), sorted, on one line separated by spaces.
modinfo_words() {
	modinfo -F "$1" "$2" | if [ "$1" = parm ]; then cut -d: -f1; else tr ',' '\n'; fi |
		sed '/^$/d' | sort | xargs
}
# check_module KO ALIASES DEPENDS PARAMS: a module's metadata, four checks: license GPL, and its
# aliases, dependencies and parameters exactly these (space-separated, sorted; "" for none).
# PARAMS are names, or NAME:TYPE each to check the types too. A missing KO is one failure.
check_module() {
	local name field=parm
	name=$(basename "$1" .ko)
	if [ ! -f "$1" ]; then
		ko "$name: $1 missing (run make first)"
		return
	fi
	case $4 in *:*) field=parmtype ;; esac
	check "$name license GPL" test "$(modinfo -F license "$1")" = GPL
	check "$name aliases: ${2:-none}" test "$(modinfo_words alias "$1")" = "$2"
	check "$name depends on ${3:-nothing}, nothing else" test "$(modinfo_words depends "$1")" = "$3"
	check "$name parameters: ${4:-none}" test "$(modinfo_words $field "$1")" = "$4"
}
# module_exports MODULE [SYMVERS]: what MODULE exports by Module.symvers (default kmod-c's),
# SYMBOL/EXPORT_SYMBOL_GPL (or /EXPORT_SYMBOL) sorted, on one line separated by spaces.
module_exports() {
	awk -v m="$1" '$3 ~ ("(^|/)" m "$") {print $2 "/" $4}' "${2:-kmod-c/Module.symvers}" | sort | xargs
}
# need_built FILE...: `make`'s outputs the test reads; one missing fails the test at once.
need_built() {
	local f
	for f; do [ -e "$f" ] || setup_failed "$f missing (run make first)"; done
}
# upstream_module NAME KO: upstream's NAME.ko for the kernel KO was built for, as dkms installed
# it (not ours in kmod-c/), in $UPSTREAM; when there is none, one failure and status 1.
upstream_module() {
	local kver
	kver=$(modinfo -F vermagic "$2" | cut -d' ' -f1)
	UPSTREAM=$(find "/lib/modules/$kver" /var/lib/dkms/xtables-addons -name "$1.ko*" \
		-path "*$kver*" 2>/dev/null | grep -v "^$(realpath kmod-c)" | head -n 1)
	[ -n "$UPSTREAM" ] && return
	ko "upstream's $1.ko for $kver not found (install xtables-addons-dkms)"
	return 1
}
