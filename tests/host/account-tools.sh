#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# libxt_ACCOUNT_cl.so.1 and iptaccount on the host (no xt_ACCOUNT here: the kernel answers
# every request with an error, which both libraries and both tools must report alike).
# - the library: upstream's soname and exactly upstream's exported functions plus our three
#   IPv6 extensions; a program built against our header and linked against upstream's library
#   prints the same through either library (return values, error strings, context fields), as
#   root and unprivileged; memcheck-clean with ours; a program using the extensions builds
#   against the header and sees their errors;
# - iptaccount: stdout and exit status identical to upstream's /usr/sbin/iptaccount for
#   upstream's flags; its own exit 2 for a bad command line; --json/--prometheus errors;
#   --listen answers 500/404/405/431 and HEAD, and survives a slow client;
# - the unit tests, JSON through Python's parser and Prometheus text through prometheus_client;
# - both, against known tables: tests/host/account/fake-kernel.c (LD_PRELOAD) answers the
#   ACCOUNT sockopts as upstream's module (IPv4 only, ENOPROTOOPT for IPv6) or ours (IPv6 too):
#   IPv4 output identical to upstream's iptaccount, IPv6 tables in every output mode.
# Counters against a real module: tests/vm/scenarios/account-tools-compat.sh.
# Its --listen ports are derived from the PID: in a namespace of its own nothing else holds them.
TEST_NETWORK=private
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
$PY -c 'import prometheus_client' 2>/dev/null ||
	setup_failed "$PY cannot import prometheus_client (scripts/setup.sh installs python3-prometheus-client)"
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
EXTENSIONS=(ipt_ACCOUNT_get_next_entry6 ipt_ACCOUNT_get_table_names6 ipt_ACCOUNT_read_entries6)
check "exports exactly upstream's functions and the IPv6 extensions (${EXTENSIONS[*]})" \
	test "$(exports "$lib")" = "$( (exports $UPLIB; printf '%s\n' "${EXTENSIONS[@]}") | sort)"
check "upstream has none of the extensions (they are ours alone)" \
	bash -c "! objdump -T $UPLIB | grep -q 'ipt_ACCOUNT_.*6\$'"
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
check "a bad command line with stderr unwritable: still exit 2, no panic" bash -c \
	"'$REL/iptaccount' -x >/dev/null 2>/dev/full; [ \$? -eq 2 ]"
check "--help lists the long options" bash -c "'$REL/iptaccount' --help | grep -q '^\[--listen ADDR:PORT\]'"
check "--json without the module: the library's message, exit 1" bash -c \
	"'$REL/iptaccount' --json -l lo 2>$WORK/err >$WORK/out; [ \$? -eq 1 ] && [ ! -s $WORK/out ] &&
	 grep -qx \"iptaccount: table lo: Can't get table information from kernel. Does it exist?\" $WORK/err"
check "--prometheus without the module: exit 1" bash -c \
	"'$REL/iptaccount' --prometheus >/dev/null 2>&1; [ \$? -eq 1 ]"

# --- the IPv6 extensions of the library, from C
client6=$WORK/abi-client6
cc -Wall -Wextra -Werror -O1 -I"$ROOT/xtables-addons-compat/libxt_ACCOUNT_cl/include" \
	-I"$ROOT/kmod-c/include" -o "$client6" "$ROOT/tests/host/account/abi-client6.c" \
	-L"$WORK/ourlib" -l:libxt_ACCOUNT_cl.so.1 ||
	setup_failed "cannot build tests/host/account/abi-client6.c against our header"
fake=$WORK/fake-kernel.so
cc -Wall -Wextra -Werror -O1 -shared -fPIC -I"$ROOT/kmod-c/include" -o "$fake" \
	"$ROOT/tests/host/account/fake-kernel.c" -ldl ||
	setup_failed "cannot build tests/host/account/fake-kernel.c"
# expect WHAT EXPECTED COMMAND...: COMMAND's stdout and exit status are EXPECTED.
expect() {
	local what=$1 want=$2 got
	shift 2
	got=$("$@" 2>"$WORK/stderr"; echo "exit $?")
	if [ "$got" = "$want" ]; then ok "$what"; else
		ko "$what"
		diff <(echo "$want") <(echo "$got") | head -n 20
	fi
}
ours() { LD_LIBRARY_PATH=$WORK/ourlib "$@"; }
fake() { # MODE COMMAND...: COMMAND against the fake module MODE (upstream or rs)
	local mode=$1
	shift
	FAKE_ACCOUNT=$mode FAKE_ACCOUNT_LOG=$WORK/sockopts LD_PRELOAD=$fake "$@"
}
expect "extensions without any module: the library's messages, errno ENOPROTOOPT" \
"init 0: ok
table names6 -1: Can't get IPv6 table names from kernel. Is xt_ACCOUNT loaded? (errno Protocol not available)
net6 -1: Can't get IPv6 table information from kernel. Does it exist? (errno Protocol not available)
  itemcount 0, uncounted 12345
  again, uncounted NULL -1: Can't get IPv6 table information from kernel. Does it exist? (errno Protocol not available)
exit 0" ours "$client6" net6
no_ipv6="Can't get IPv6 tables from kernel: xt_ACCOUNT module has no IPv6 support (errno Protocol not available)"
expect "extensions with upstream's module: 'no IPv6 support', errno ENOPROTOOPT" \
"init 0: ok
table names6 -1: $no_ipv6
net6 -1: $no_ipv6
  itemcount 0, uncounted 12345
  again, uncounted NULL -1: $no_ipv6
exit 0" ours fake upstream "$client6" net6
expect "extensions with our module: names, records (RFC 5952 through inet_ntop), uncounted" \
"init 0: ok
table names6 0: ok
  name net6
  name all6
net6 0: ok
  itemcount 3, uncounted 3
  2001:db8::1 1 104 2 208
  2001:db8::a:0:0:1 2 208 3 312
  2001:db8:0:1:: 3 312 4 416
  again, uncounted NULL 0: ok
all6 0: ok
  itemcount 1, uncounted 0
  :: 9 936 10 1040
  again, uncounted NULL 0: ok
net4 -1: Can't get IPv6 table information from kernel. Does it exist? (errno Invalid argument)
  itemcount 0, uncounted 12345
  again, uncounted NULL -1: Can't get IPv6 table information from kernel. Does it exist? (errno Invalid argument)
exit 0" ours fake rs "$client6" net6 all6 net4
check "extensions with our module: memcheck clean" bash -c \
	"FAKE_ACCOUNT=rs LD_PRELOAD='$fake' LD_LIBRARY_PATH='$WORK/ourlib' valgrind -q --error-exitcode=99 \
	 --leak-check=full '$client6' net6 all6 nope >/dev/null"

# --- iptaccount against known tables: IPv4 as upstream's byte for byte, IPv6 in every mode
same_faked() { # MODE ARGS...
	local mode=$1 up mine
	shift
	up=$(fake "$mode" $UPTOOL "$@" 2>/dev/null; echo "exit $?")
	mine=$(fake "$mode" "$REL/iptaccount" "$@" 2>"$WORK/stderr"; echo "exit $?")
	if [ "$up" = "$mine" ] && [ ! -s "$WORK/stderr" ]; then ok "$mode module: iptaccount $*: identical to upstream's"; else
		ko "$mode module: iptaccount $*: identical to upstream's, nothing on stderr"
		diff <(echo "$up") <(echo "$mine") | head -n 20
		head -n 5 "$WORK/stderr"
	fi
}
for args in "-a" "-l net4" "-s -l net4" "-f -l net4" "-u -a -fsl net4" "-l nope" "-l net6" "-s -l all6"; do
	# shellcheck disable=SC2086
	same_faked upstream $args
done
for args in "-l net4" "-s -l net4" "-l nope"; do
	# shellcheck disable=SC2086
	same_faked rs $args
done
banner="
libxt_ACCOUNT_cl userspace accounting tool v1.3
"
expect "our module: -a lists the IPv4 tables, then the IPv6 ones" "$banner
Found table: net4
Found table: net6
Found table: all6
Finished.
exit 0" fake rs "$REL/iptaccount" -a
warning="iptaccount: warning: table net6: 3 packets not counted since the last flush: the table is full (xt_ACCOUNT parameter ip6_max_addresses)"
expect "our module: -l of an IPv6 table, upstream's line shape" "$banner
Showing table: net6
Run #0 - 3 items found
IP: 2001:db8::1 SRC packets: 1 bytes: 104 DST packets: 2 bytes: 208
IP: 2001:db8::a:0:0:1 SRC packets: 2 bytes: 208 DST packets: 3 bytes: 312
IP: 2001:db8:0:1:: SRC packets: 3 bytes: 312 DST packets: 4 bytes: 416
Finished.
exit 0" fake rs "$REL/iptaccount" -l net6
check "... and the uncounted packets on stderr" test "$(cat "$WORK/stderr")" = "$warning"
expect "our module: -s -l of an IPv6 table, upstream's CSV shape" "$banner
IP;SRC packets;SRC bytes;DST packets;DST bytes
2001:db8::1;1;104;2;208
2001:db8::a:0:0:1;2;208;3;312
2001:db8:0:1::;3;312;4;416
Finished.
exit 0" fake rs "$REL/iptaccount" -s -l net6
check "... and the uncounted packets on stderr" test "$(cat "$WORK/stderr")" = "$warning"
expect "our module: -s -l of ::/0 (the address ::)" "$banner
IP;SRC packets;SRC bytes;DST packets;DST bytes
::;9;936;10;1040
Finished.
exit 0" fake rs "$REL/iptaccount" -s -l all6
check "... no warning when nothing went uncounted" test ! -s "$WORK/stderr"
sockopts() { tr '\n' ' ' <"$WORK/sockopts"; }
: >"$WORK/sockopts"
fake rs "$REL/iptaccount" -f -l net6 >/dev/null 2>&1
check "-f -l of an IPv6 table: PREPARE_READ_FLUSH (not found), PREPARE_READ6_FLUSH, GET_DATA6, HANDLE_FREE ($(sockopts))" \
	test "$(sockopts)" = "75 80 81 71 "
: >"$WORK/sockopts"
fake rs "$REL/iptaccount" -l net6 >/dev/null 2>&1
check "-l without -f reads IPv6 without flushing ($(sockopts))" test "$(sockopts)" = "74 79 81 71 "
check "--json: both families through Python's parser (IPv6 tables: family, uncounted; RFC 5952 addresses)" bash -c "
	FAKE_ACCOUNT=rs LD_PRELOAD='$fake' '$REL/iptaccount' --json | $PY -c '
import json, sys
d = json.load(sys.stdin)
got = [(t[\"name\"], t.get(\"family\"), t.get(\"uncounted\"), [r[\"ip\"] for r in t[\"records\"]]) for t in d[\"tables\"]]
assert got == [(\"net4\", None, None, [\"10.0.0.1\", \"10.0.1.2\"]),
               (\"net6\", \"ipv6\", 3, [\"2001:db8::1\", \"2001:db8::a:0:0:1\", \"2001:db8:0:1::\"]),
               (\"all6\", \"ipv6\", 0, [\"::\"])], got
assert d[\"tables\"][1][\"records\"][2] == {\"ip\": \"2001:db8:0:1::\", \"src_packets\": 3, \"src_bytes\": 312, \"dst_packets\": 4, \"dst_bytes\": 416}
'"
check "--json -l of an IPv6 table: that table only" bash -c "
	[ \"\$(FAKE_ACCOUNT=rs LD_PRELOAD='$fake' '$REL/iptaccount' --json -l all6)\" = \
	  '{\"tables\":[{\"name\":\"all6\",\"family\":\"ipv6\",\"uncounted\":0,\"records\":[{\"ip\":\"::\",\"src_packets\":9,\"src_bytes\":936,\"dst_packets\":10,\"dst_bytes\":1040}]}]}' ]"
check "--json with upstream's module: the IPv4 tables only, in the document of before IPv6" bash -c "
	[ \"\$(FAKE_ACCOUNT=upstream LD_PRELOAD='$fake' '$REL/iptaccount' --json)\" = \
	  '{\"tables\":[{\"name\":\"net4\",\"records\":[{\"ip\":\"10.0.0.1\",\"src_packets\":1,\"src_bytes\":84,\"dst_packets\":2,\"dst_bytes\":168},{\"ip\":\"10.0.1.2\",\"src_packets\":3,\"src_bytes\":252,\"dst_packets\":0,\"dst_bytes\":0}]}]}' ]"
check "--prometheus with upstream's module: no uncounted family" bash -c "
	FAKE_ACCOUNT=upstream LD_PRELOAD='$fake' '$REL/iptaccount' --prometheus >$WORK/prom &&
	[ \$(grep -c '^iptaccount_' $WORK/prom) -eq 8 ] && ! grep -q uncounted $WORK/prom"
check "--json -l of an IPv6 table with upstream's module: the unknown-table message, exit 1" bash -c "
	FAKE_ACCOUNT=upstream LD_PRELOAD='$fake' '$REL/iptaccount' --json -l net6 2>$WORK/err >$WORK/out
	[ \$? -eq 1 ] && [ ! -s $WORK/out ] &&
	grep -qx \"iptaccount: table net6: Can't get table information from kernel. Does it exist?\" $WORK/err"
prom_check='
import sys
from prometheus_client.parser import text_string_to_metric_families as parse
s = {(x.name, x.labels.get("table"), x.labels.get("ip")): x.value for f in parse(sys.stdin.read()) for x in f.samples}
assert s[("iptaccount_src_bytes_total", "net6", "2001:db8:0:1::")] == 312, s
assert s[("iptaccount_dst_packets_total", "all6", "::")] == 10, s
assert s[("iptaccount_src_packets_total", "net4", "10.0.1.2")] == 3, s
assert s[("iptaccount_uncounted_packets_total", "net6", None)] == 3, s
assert s[("iptaccount_uncounted_packets_total", "all6", None)] == 0, s
assert len(s) == 4 * 6 + 2, len(s)
'
check "--prometheus: both families and the uncounted packets, through prometheus_client" bash -c \
	"FAKE_ACCOUNT=rs LD_PRELOAD='$fake' '$REL/iptaccount' --prometheus | $PY -c '$prom_check'"
port6=$((40000 + $$ % 20000))
FAKE_ACCOUNT=rs LD_PRELOAD=$fake "$REL/iptaccount" --listen 127.0.0.1:$port6 2>/dev/null &
pids+=($!)
for _ in $(seq 600); do curl -s -o /dev/null "http://127.0.0.1:$port6/" && break; sleep 0.1; done
check "--listen serves both families" bash -c \
	"curl -sf http://127.0.0.1:$port6/metrics | $PY -c '$prom_check'"

# --- --listen
port=$((20000 + $$ % 20000))
"$REL/iptaccount" --listen 127.0.0.1:$port 2>"$WORK/listen.err" &
listener=$!
pids+=($listener)
for _ in $(seq 600); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
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
check "the server is still running" kill -0 "$listener"
check "the server names its address on stderr" grep -q "serving http://127.0.0.1:$port/metrics" "$WORK/listen.err"
# A client sending its request one header line every 0.5 s (each read gets data long before
# a per-read timeout) is cut off at the request's deadline (5 s), well within its 60 s.
dribble='
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /metrics HTTP/1.1\r\n")
end = time.monotonic() + 60
while time.monotonic() < end:
    try:
        s.sendall(b"X: a\r\n")
    except OSError:
        sys.exit(0)
    time.sleep(0.5)
sys.exit("never cut off")
'
check "a client dribbling its request is cut off at the request's deadline" $PY -c "$dribble" $port
check "the server says why" grep -q "^iptaccount: 127.0.0.1:[0-9]*: request not received by its deadline$" \
	"$WORK/listen.err"

# Its sockets open, --listen keeps CAP_NET_ADMIN alone (xt_ACCOUNT checks it on every read).
# proc_field PID FIELD: a field of /proc/PID/status, tabs as spaces.
proc_field() { awk -v f="$2:" '$1 == f { $1 = ""; print substr($0, 2) }' "/proc/$1/status"; }
# caps PID: its capability sets, "Inh Prm Eff Bnd Amb", and NoNewPrivs.
caps() {
	local f out=
	for f in CapInh CapPrm CapEff CapBnd CapAmb; do out+="$(proc_field "$1" $f) "; done
	echo "${out}nnp $(proc_field "$1" NoNewPrivs)"
}
# same EXPECTED GOT: equal, or both shown.
same() { [ "$1" = "$2" ] || { echo "  expected: $1"; echo "  got:      $2"; false; }; }
NET_ADMIN=0000000000001000 NONE=0000000000000000
nobody="$(id -u nobody) $(id -g nobody)"
check "--listen started as root serves as nobody, its group, no supplementary groups" \
	same "$(id -u nobody) $(id -u nobody) $(id -u nobody) $(id -u nobody)/$(id -g nobody) $(id -g nobody) $(id -g nobody) $(id -g nobody)/" \
	"$(proc_field $listener Uid)/$(proc_field $listener Gid)/$(proc_field $listener Groups)"
check "... with CAP_NET_ADMIN alone (effective, permitted, bounding), no_new_privs" \
	same "$NONE $NET_ADMIN $NET_ADMIN $NET_ADMIN $NONE nnp 1" "$(caps $listener)"
check "... and says so" grep -qx "iptaccount: serving http://127.0.0.1:$port/metrics (uid ${nobody% *}, gid ${nobody#* }, capabilities: CAP_NET_ADMIN)" \
	"$WORK/listen.err"
# A server started by another user with capabilities (a systemd unit's AmbientCapabilities=)
# keeps CAP_NET_ADMIN alone too, in its own user.
port3=$((port + 1))
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+net_admin,+net_raw,+net_bind_service \
	--ambient-caps=+net_admin,+net_raw,+net_bind_service "$REL/iptaccount" --listen 127.0.0.1:$port3 \
	2>"$WORK/listen3.err" &
listener3=$!
pids+=($listener3)
for _ in $(seq 600); do curl -s -o /dev/null "http://127.0.0.1:$port3/" && break; sleep 0.1; done
check "--listen started by nobody with capabilities in its ambient set serves" \
	test "$(status http://127.0.0.1:$port3/metrics)" = 500
check "... keeping CAP_NET_ADMIN alone, nothing inheritable or ambient, no_new_privs" \
	same "$NONE $NET_ADMIN $NET_ADMIN nnp 1" "$(caps $listener3 | awk '{ print $1, $2, $3, $6, $7 }')"
check "--listen on a used port: a clear error, exit 1" bash -c \
	"'$REL/iptaccount' --listen 127.0.0.1:$port 2>$WORK/err; [ \$? -eq 1 ] && grep -q 'listen 127.0.0.1:$port' $WORK/err"

finish
