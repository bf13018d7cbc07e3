#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=account smp=2 timeout=240 needs=upstream-modules
# Our ACCOUNT userspace with our module and with upstream's: our plugin and upstream's insert,
# list and delete each other's rules (identical -S on both backends); for the same kernel
# state our iptaccount prints exactly what upstream's prints (-a, -u, -l, -s, no arguments,
# unknown table, exit status) and so does upstream's iptaccount running on our
# libxt_ACCOUNT_cl.so.1 instead of its own; -f flushes alike with all three; --json and
# --prometheus give the exact counters; --listen serves the same metrics over HTTP, refuses
# other methods and paths, and never flushes, reading as uid 65534 with CAP_NET_ADMIN alone
# (its privileges dropped once its sockets are open); -c repeats every second; no read handle is left
# behind.
. /vm/lib.sh
UP=/opt/upstream/iptaccount
OURS=/usr/sbin/iptaccount
OURLIB=/tmp/ourlib
PORT=9469
P10=0123456789
LO_RULE='-p udp -j ACCOUNT --addr 127.0.0.0/24 --tname lo'
BIG_RULE='-p udp -j ACCOUNT --addr 10.0.0.0/8 --tname big'
mkdir -p /tmp/acct $OURLIB
# The soname link that ldconfig would make for the installed library.
ln -sf /opt/ours/xtables/libxt_ACCOUNT_cl.so $OURLIB/libxt_ACCOUNT_cl.so.1

# 5 datagrams to 127.0.0.1: 3 x 38 bytes from .2, 2 x 48 bytes from .3; then a wait (at most
# 60 s) until the empty table lo counted them (10 as sources plus destinations): loopback may
# deliver them after rawudp returned.
traffic() {
	rawudp -s 127.0.0.2 -d 127.0.0.1 -m "$P10" -n 3 &&
		rawudp -s 127.0.0.3 -d 127.0.0.1 -m "$P10$P10" -n 2 &&
		wait_at_least 10 acc_packets lo $UP
}
LO_TEXT='Run #0 - 3 items found
IP: 127.0.0.1 SRC packets: 0 bytes: 0 DST packets: 5 bytes: 210
IP: 127.0.0.2 SRC packets: 3 bytes: 114 DST packets: 0 bytes: 0
IP: 127.0.0.3 SRC packets: 2 bytes: 96 DST packets: 0 bytes: 0'
LO_JSON='{"tables":[{"name":"lo","records":[{"ip":"127.0.0.1","src_packets":0,"src_bytes":0,"dst_packets":5,"dst_bytes":210},{"ip":"127.0.0.2","src_packets":3,"src_bytes":114,"dst_packets":0,"dst_bytes":0},{"ip":"127.0.0.3","src_packets":2,"src_bytes":96,"dst_packets":0,"dst_bytes":0}]}]}'

# tool NAME OUT ARGS...: run iptaccount NAME (up, ours, mixed = upstream's on our library),
# stdout and exit status into /tmp/acct/OUT.
tool() {
	local name=$1 out=/tmp/acct/$2
	shift 2
	echo "+ $name iptaccount $*"
	case $name in
	up) $UP "$@" >"$out" ;;
	ours) $OURS "$@" >"$out" ;;
	mixed) LD_LIBRARY_PATH=$OURLIB $UP "$@" >"$out" ;;
	esac
	echo "rc=$?" >>"$out"
}

# same ARGS...: the three give identical output and exit status (ARGS must not flush).
same() {
	tool up up "$@"
	tool ours ours "$@"
	tool mixed mixed "$@"
	check_eq "$T: iptaccount $*: ours = upstream's" "$(cat /tmp/acct/up)" "$(cat /tmp/acct/ours)"
	check_eq "$T: iptaccount $*: upstream's on our library = on its own" \
		"$(cat /tmp/acct/up)" "$(cat /tmp/acct/mixed)"
}

# http METHOD PATH: the response of our --listen endpoint, CRs removed.
http() { printf '%s %s HTTP/1.0\r\n\r\n' "$1" "$2" | socat -t 5 - TCP:127.0.0.1:$PORT | tr -d '\r'; }
metrics_ok() { http GET /metrics | grep -q '^HTTP/1.1 200 OK$'; }
# runs: the runs iptaccount -c has written out so far.
runs() { grep -c '^Run' /tmp/acct/c; }

[ -x $UP ] || fail "upstream's iptaccount is not in the image"
[ -x $OURS ] || fail "our iptaccount is not in the image"
check "upstream's iptaccount resolves libxt_ACCOUNT_cl.so.1 to ours with LD_LIBRARY_PATH" \
	sh -c "LD_TRACE_LOADED_OBJECTS=1 LD_LIBRARY_PATH=$OURLIB $UP | grep -q '=> $OURLIB/libxt_ACCOUNT_cl.so.1'"

for MOD in ours upstream; do
	# --- plugins: each inserts, lists and deletes the other's rules, on both backends
	for BE in $BACKENDS; do
		T="$MOD module/$BE"
		lab_reset
		load_module $MOD xt_ACCOUNT || { fail "$T: load xt_ACCOUNT"; continue; }
		use_plugins ours
		# shellcheck disable=SC2086
		check "$T: our plugin inserts" ipt -A INPUT $LO_RULE
		use_plugins upstream
		# shellcheck disable=SC2086
		check "$T: upstream's plugin inserts" ipt -A INPUT $BIG_RULE
		s_up=$(ipt -S INPUT)
		use_plugins ours
		s_ours=$(ipt -S INPUT)
		use_plugins upstream
		check_eq "$T: -S identical with either plugin" "$s_up" "$s_ours"
		check_eq "$T: -S is upstream's text" "-P INPUT ACCEPT
-A INPUT -p udp -j ACCOUNT --addr 127.0.0.0/24  --tname lo
-A INPUT -p udp -j ACCOUNT --addr 10.0.0.0/8  --tname big" "$s_ours"
		# shellcheck disable=SC2086
		check "$T: upstream's plugin deletes our rule by specification" ipt -D INPUT $LO_RULE
		use_plugins ours
		# shellcheck disable=SC2086
		check "$T: our plugin deletes upstream's rule by specification" ipt -D INPUT $BIG_RULE
		check_eq "$T: no rule left" "-P INPUT ACCEPT" "$(ipt -S INPUT)"
	done

	# --- tools, on one backend: the counters do not depend on it
	BE=nft
	T="$MOD module"
	lab_reset
	use_plugins ours
	load_module $MOD xt_ACCOUNT || { fail "$T: load xt_ACCOUNT"; continue; }
	# shellcheck disable=SC2086
	check "$T: insert the lo rule" ipt -A INPUT $LO_RULE
	# shellcheck disable=SC2086
	check "$T: insert the big rule" ipt -A INPUT $BIG_RULE
	check "$T: known traffic sent and counted" traffic
	tool ours l -l lo
	check_eq "$T: our -l: exact counters" "$LO_TEXT
rc=0" "$(grep -e '^Run' -e '^IP' -e '^rc' /tmp/acct/l)"
	for args in "-a" "-u" "-l lo" "-s -l lo" "-l big" "-s -l big" "-l nosuch" "-s -l nosuch" "" \
		"-u -a -s -l lo" "-f" "-c"; do
		# shellcheck disable=SC2086
		same $args
	done

	check_eq "$T: --json -l lo: exact" "$LO_JSON" "$($OURS --json -l lo)"
	check "$T: --json: every table, the empty one too" \
		sh -c "$OURS --json | grep -qF '{\"name\":\"big\",\"records\":[]}'"
	$OURS --prometheus -l lo >/tmp/acct/prom
	check_eq "$T: --prometheus: 4 counters x 3 IPs" 12 "$(grep -c '^iptaccount_' /tmp/acct/prom)"
	check "$T: --prometheus: exact sample" \
		grep -qx 'iptaccount_dst_bytes_total{table="lo",ip="127.0.0.1"} 210' /tmp/acct/prom

	$OURS --listen 127.0.0.1:$PORT -l lo 2>/tmp/acct/listen.err &
	pid=$!
	check "$T: --listen: GET /metrics answers 200 (waited for at most 60 s)" wait_for 60 metrics_ok
	check_eq "$T: --listen: GET /metrics body = --prometheus" "$(cat /tmp/acct/prom)" \
		"$(http GET /metrics | sed '1,/^$/d')"
	check "$T: --listen: metrics content type" sh -c "printf 'GET /metrics HTTP/1.0\r\n\r\n' |
		socat -t 5 - TCP:127.0.0.1:$PORT | grep -q '^Content-Type: text/plain; version=0.0.4'"
	check_eq "$T: --listen: HEAD has no body" "" "$(http HEAD /metrics | sed '1,/^$/d')"
	check_eq "$T: --listen: POST refused" "HTTP/1.1 405 Method Not Allowed" "$(http POST /metrics | head -n 1)"
	check_eq "$T: --listen: other path" "HTTP/1.1 404 Not Found" "$(http GET /flush | head -n 1)"
	check "$T: --listen: an oversized request is answered and closed" sh -c \
		"head -c 20000 /dev/zero | tr '\\0' a | socat -t 5 - TCP:127.0.0.1:$PORT | grep -q '^HTTP/1.1 431'"
	check "$T: --listen: still serving" sh -c "printf 'GET /metrics HTTP/1.0\r\n\r\n' |
		socat -t 5 - TCP:127.0.0.1:$PORT | grep -q '^HTTP/1.1 200 OK'"
	check_eq "$T: --listen: read the tables as uid 65534 with CAP_NET_ADMIN alone" \
		"65534 0000000000001000 0000000000001000" \
		"$(awk '$1 == "Uid:" { u = $2 } $1 == "CapPrm:" { p = $2 } $1 == "CapEff:" { e = $2 }
			END { print u, p, e }' /proc/$pid/status)"
	kill $pid
	wait $pid 2>/dev/null
	tool ours l2 -l lo
	check_eq "$T: scrapes never flushed" "$LO_TEXT
rc=0" "$(grep -e '^Run' -e '^IP' -e '^rc' /tmp/acct/l2)"

	# -c: a run per second, each written out at once (upstream's stdout is block-buffered
	# into a pipe, so only ours is checked here).
	$OURS -c -l lo >/tmp/acct/c &
	pid=$!
	check "$T: -c: a second run written out (waited for at most 60 s)" wait_at_least 2 runs
	kill $pid
	wait $pid 2>/dev/null
	check "$T: -c: each run complete" \
		grep -q '^IP: 127.0.0.3 SRC packets: 2 bytes: 96 DST packets: 0 bytes: 0$' /tmp/acct/c
	check "$T: -c: Run #1 follows Run #0" sh -c \
		"grep '^Run' /tmp/acct/c | head -n 2 | tr '\n' ' ' | grep -qx 'Run #0 - 3 items found Run #1 - 3 items found '"

	# -f: each flushes what the previous traffic counted, identically.
	tool up f.up -f -l lo
	for t in ours mixed; do
		check "$T: traffic again, counted" traffic
		tool $t f.$t -f -l lo
		check_eq "$T: -f: $t = upstream's" "$(cat /tmp/acct/f.up)" "$(cat /tmp/acct/f.$t)"
	done
	same -l lo
	check_eq "$T: flushed table is empty" "Run #0 - 0 items found" "$(grep '^Run' /tmp/acct/ours)"
	same -u
	check "$T: no read handle left" grep -qx 'Current kernel handle usage: 0' /tmp/acct/ours
done
lab_reset
finish
