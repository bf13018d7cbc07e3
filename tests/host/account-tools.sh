#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# libxt_ACCOUNT_cl.so.1 and iptaccount on the host (no xt_ACCOUNT here: the kernel answers
# every request with an error, which both libraries and both tools must report alike).
# - the library: upstream's soname and exactly upstream's exported functions; a program built
#   against our header and linked against upstream's library prints the same through either
#   library (return values, error strings, context fields), as root and unprivileged;
#   memcheck-clean with ours;
# - iptaccount: stdout and exit status identical to upstream's /usr/sbin/iptaccount for
#   upstream's flags; its own exit 2 for a bad command line; --json/--prometheus errors;
#   --listen answers 500/404/405/431 and HEAD, and survives a slow client;
# - the unit tests, JSON through Python's parser and Prometheus text through prometheus_client.
# Counters against a real module: tests/vm/scenarios/account-tools-compat.sh.
. "$(dirname "$0")/lib.sh"
REL=$ROOT/target/release
UPLIB=/usr/lib/x86_64-linux-gnu/libxt_ACCOUNT_cl.so.1
UPTOOL=/usr/sbin/iptaccount
pids=()

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
# Readable by nobody: the client also runs unprivileged.
chmod 755 "$WORK"
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || setup_failed "must run as root (the tools open a raw socket)"
[ -r $UPLIB ] && [ -x $UPTOOL ] || setup_failed "upstream's library and iptaccount missing (xtables-addons-common)"
for t in cc curl setpriv valgrind objdump; do
	command -v $t >/dev/null || setup_failed "$t not found (scripts/setup.sh installs it)"
done
python3 -c 'import prometheus_client' 2>/dev/null ||
	python3 -m pip install --quiet prometheus_client 2>/dev/null ||
	python3 -m pip install --quiet --break-system-packages prometheus_client ||
	setup_failed "python3 cannot import prometheus_client (python3-prometheus-client, or pip)"
(cd "$ROOT" && cargo build --release --quiet -p xt_ACCOUNT_cl -p iptaccount) || setup_failed "cargo build failed"

# --- unit tests (argument parsing, output formats with real parsers, HTTP routing, ABI layout)
check "cargo test -p account-cl-abi -p iptaccount" \
	bash -c "cd '$ROOT' && cargo test --release --quiet -p account-cl-abi -p iptaccount >$WORK/cargo.log 2>&1" ||
	tail -n 30 "$WORK/cargo.log"

# --- the library's shape
lib=$REL/libxt_ACCOUNT_cl.so
check "soname libxt_ACCOUNT_cl.so.1" \
	bash -c "objdump -p '$lib' | grep -qE '^ *SONAME +libxt_ACCOUNT_cl\.so\.1$'"
check "links only libc (no Rust std, no libgcc_s)" \
	test "$(objdump -p "$lib" | awk '$1 == "NEEDED" { print $2 }')" = libc.so.6
check "no panic path survives (nothing calls abort)" bash -c "! nm -D '$lib' | grep -qw abort"
check "smaller than 32 KiB ($(stat -c %s "$lib") bytes; upstream's: $(stat -c %s "$(readlink -f $UPLIB)"))" \
	test "$(stat -c %s "$lib")" -lt 32768
exports() { objdump -T "$1" | awk '$2 == "g" && $4 == ".text" { print $NF }' | sort; }
check "exports exactly upstream's functions" test "$(exports "$lib")" = "$(exports $UPLIB)"
check "upstream exports 9 functions (the comparison is not vacuous)" \
	test "$(exports $UPLIB | wc -l)" -eq 9

# --- a program built against the header, with either library
mkdir -p "$WORK/ourlib"
ln -s "$lib" "$WORK/ourlib/libxt_ACCOUNT_cl.so.1"
client=$WORK/abi-client
cc -Wall -Wextra -Werror -O1 -I"$ROOT/xtables-addons-compat/libxt_ACCOUNT_cl/include" \
	-I"$ROOT/kmod-c/include" -o "$client" "$ROOT/tests/host/account/abi-client.c" $UPLIB ||
	setup_failed "cannot build tests/host/account/abi-client.c against our header"
check "the client resolves the library to ours with LD_LIBRARY_PATH" \
	bash -c "LD_LIBRARY_PATH='$WORK/ourlib' ldd '$client' | grep -q '=> $WORK/ourlib/libxt_ACCOUNT_cl.so.1'"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
same_client() { # WHAT PREFIX...: the client's output with upstream's and our library
	local what=$1 up ours
	shift
	up=$("$@" "$client" lo net16 2>&1; echo "exit $?")
	ours=$(LD_LIBRARY_PATH=$WORK/ourlib "$@" "$client" lo net16 2>&1; echo "exit $?")
	if [ "$up" = "$ours" ]; then ok "$what"; else
		ko "$what"
		diff <(echo "$up") <(echo "$ours") | head -n 20
	fi
}
same_client "client as root: identical through either library"
same_client "client unprivileged (init fails): identical" as_nobody env
check "client with our library: memcheck clean" bash -c \
	"LD_LIBRARY_PATH='$WORK/ourlib' valgrind -q --error-exitcode=99 --leak-check=full '$client' lo >/dev/null"

# --- iptaccount: the same stdout and exit status as upstream's
same_tool() { # ARGS...
	local up ours
	up=$($UPTOOL "$@" 2>/dev/null; echo "exit $?")
	ours=$("$REL/iptaccount" "$@" 2>/dev/null; echo "exit $?")
	if [ "$up" = "$ours" ]; then ok "iptaccount $*: identical to upstream's"; else
		ko "iptaccount $*: identical to upstream's"
		diff <(echo "$up") <(echo "$ours") | head -n 20
	fi
}
for args in "" "-l lo" "-s -l lo" "-u" "-a" "-h" "-f" "-c" "-s" "-u -a -l lo" "-lnet16" "-fsl lo"; do
	# shellcheck disable=SC2086
	same_tool $args
done
check "unprivileged: identical 'Init failed' text and status" bash -c \
	"[ \"\$(setpriv --reuid=65534 --regid=65534 --clear-groups $UPTOOL -a; echo \$?)\" = \
	   \"\$(setpriv --reuid=65534 --regid=65534 --clear-groups $REL/iptaccount -a; echo \$?)\" ]"
for args in "-x" "-l" "stray" "--nope" "--json -u" "--listen 127.0.0.1" "--listen 127.0.0.1:1 -f" \
	"-l 0123456789abcdef0123456789abcdef"; do
	# shellcheck disable=SC2086
	check "bad command line '$args': exit 2, a message, the usage" bash -c \
		"'$REL/iptaccount' $args >$WORK/out 2>$WORK/err; [ \$? -eq 2 ] && [ -s $WORK/err ] &&
		 grep -q '^\[-l name\] show data in table <name>$' $WORK/out"
done
check "--help lists the long options" bash -c "'$REL/iptaccount' --help | grep -q '^\[--listen ADDR:PORT\]'"
check "--json without the module: the library's message, exit 1" bash -c \
	"'$REL/iptaccount' --json -l lo 2>$WORK/err >$WORK/out; [ \$? -eq 1 ] && [ ! -s $WORK/out ] &&
	 grep -qx \"iptaccount: table lo: Can't get table information from kernel. Does it exist?\" $WORK/err"
check "--prometheus without the module: exit 1" bash -c \
	"'$REL/iptaccount' --prometheus >/dev/null 2>&1; [ \$? -eq 1 ]"

# --- --listen
port=$((20000 + $$ % 20000))
"$REL/iptaccount" --listen 127.0.0.1:$port 2>"$WORK/listen.err" &
pids+=($!)
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
check "GET /metrics without the module: 500" test "$(status http://127.0.0.1:$port/metrics)" = 500
check "the 500 body is the library's message" bash -c \
	"curl -s http://127.0.0.1:$port/metrics | grep -q \"Can't get table names from kernel\""
check "GET /: 404" test "$(status http://127.0.0.1:$port/)" = 404
check "POST /metrics: 405" test "$(status -X POST http://127.0.0.1:$port/metrics)" = 405
check "405 says what is allowed" bash -c \
	"curl -s -D - -o /dev/null -X DELETE http://127.0.0.1:$port/metrics | grep -qi '^Allow: GET, HEAD'"
check "HEAD /metrics: headers only" bash -c \
	"[ -z \"\$(curl -s -I http://127.0.0.1:$port/metrics | sed '1,/^\r\$/d')\" ]"
check "a 20 KB header: 431" test \
	"$(status -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)" http://127.0.0.1:$port/metrics)" = 431
# A client that sends nothing is dropped after the timeout; the next one is then served.
exec 3<>/dev/tcp/127.0.0.1/$port
check "a silent client does not block the server for more than its timeout" \
	test "$(curl -s -m 15 -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/metrics)" = 500
exec 3>&-
check "the server is still running" kill -0 "${pids[0]}"
check "the server names its address on stderr" grep -q "serving http://127.0.0.1:$port/metrics" "$WORK/listen.err"
check "--listen on a used port: a clear error, exit 1" bash -c \
	"'$REL/iptaccount' --listen 127.0.0.1:$port 2>$WORK/err; [ \$? -eq 1 ] && grep -q 'listen 127.0.0.1:$port' $WORK/err"

finish
