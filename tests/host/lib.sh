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
# its names), sorted, on one line separated by spaces.
modinfo_words() {
	modinfo -F "$1" "$2" | if [ "$1" = parm ]; then cut -d: -f1; else tr ',' '\n'; fi |
		sed '/^$/d' | sort | xargs
}
# check_module KO ALIASES DEPENDS PARAMS: a module's metadata, four checks: license GPL, and its
# aliases, dependencies and parameter names exactly these (space-separated, sorted; "" for none).
check_module() {
	local name
	name=$(basename "$1" .ko)
	check "$name license GPL" test "$(modinfo -F license "$1")" = GPL
	check "$name aliases: ${2:-none}" test "$(modinfo_words alias "$1")" = "$2"
	check "$name depends on ${3:-nothing}, nothing else" test "$(modinfo_words depends "$1")" = "$3"
	check "$name parameters: ${4:-none}" test "$(modinfo_words parm "$1")" = "$4"
}
