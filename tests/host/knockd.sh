#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# knockd / tportknockd / knock in two network namespaces joined by a veth pair.
# Server namespace: the daemon under test, a TCP listener on port 22 closed by iptables, and the
# door commands running real iptables. Client namespace: the knock clients. Traffic stays inside.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${KNOCKD_BIN:-$ROOT/target/release}
DATA=$ROOT/tests/host/knockd
PY=/usr/bin/python3
IPT="/usr/sbin/iptables -w"
IP6T="/usr/sbin/ip6tables -w"
S=knockS$$
C=knockC$$
SA=10.77.0.1
CA=10.77.0.2
SA6=fd77::1
pass=0
fail=0
pids=()

ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
check_not() { local what=$1; shift; if "$@"; then bad "$what"; else ok "$what"; fi; }

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	for p in $(ip netns pids "$S" 2>/dev/null) $(ip netns pids "$C" 2>/dev/null); do kill -9 "$p"; done
	ip netns del "$S" 2>/dev/null
	ip netns del "$C" 2>/dev/null
	rm -rf "$TMP" "/etc/netns/$S"
}
TMP=$(mktemp -d)
trap cleanup EXIT

if [ ! -x "$BIN/knockd" ] || [ ! -x "$BIN/knock" ]; then
	(cd "$ROOT" && cargo build --release -p knockd) || { echo "0 passed, 1 failed"; exit 1; }
fi
for tool in /usr/sbin/knockd /usr/bin/knock socat $PY /usr/sbin/iptables; do
	command -v "$tool" >/dev/null || { bad "missing $tool (apt-get install knockd socat iptables python3)"; echo "$pass passed, $fail failed"; exit 1; }
done
ln -s "$BIN/knockd" "$TMP/tportknockd"

ins() { ip netns exec "$S" "$@"; }
inc() { ip netns exec "$C" "$@"; }

ip netns add "$S" && ip netns add "$C" || { bad "create namespaces"; echo "$pass passed, $fail failed"; exit 1; }
ip link add vS netns "$S" type veth peer name vC netns "$C"
ins ip addr add $SA/16 dev vS
ins ip addr add $SA6/64 dev vS nodad
inc ip addr add $CA/16 dev vC
inc ip addr add fd77::2/64 dev vC nodad
for ns in "$S" "$C"; do ip -n "$ns" link set lo up; done
ins ip link set vS up
inc ip link set vC up
# Port 22 is closed until a door opens it; replies to forged sources are not sent anywhere.
ins $IPT -A INPUT -p tcp --dport 22 -j DROP
ins $IP6T -A INPUT -p tcp --dport 22 -j DROP
ins $IPT -A OUTPUT -d $CA -j ACCEPT
ins $IPT -A OUTPUT -d 10.77.0.0/16 -j DROP
ip netns exec "$S" socat TCP6-LISTEN:22,fork,reuseaddr,ipv6only=0 SYSTEM:'echo hi' </dev/null >/dev/null 2>&1 &
pids+=($!)
sleep 0.5

connects() { inc timeout 3 socat -T1 - "TCP:$1:22,connect-timeout=1" </dev/null 2>/dev/null | grep -q hi; }
# Door commands run asynchronously (and iptables -w may wait for the xtables lock): retry a while.
opens_up() { local i; for i in 1 2 3 4 5 6 7 8 9 10; do connects "$1" && return 0; sleep 0.3; done; return 1; }
closes_down() {
	local i
	for i in 1 2 3 4 5; do connects "$1" || return 0; sleep 0.3; done
	ins $IPT -S INPUT | sed 's/^/# /'
	return 1
}
count() { local n; n=$(grep -c -- "$2" "$1" 2>/dev/null); echo "${n:-0}"; }
# wait_log FILE PATTERN [COUNT] [SECONDS]: until PATTERN occurs at least COUNT times.
wait_log() {
	local i
	for ((i = 0; i < ${4:-5} * 10; i++)); do
		[ "$(count "$1" "$2")" -ge "${3:-1}" ] && return 0
		sleep 0.1
	done
	return 1
}
# start_daemon LOG CMD...: runs the daemon in the server namespace, waits until it listens.
start_daemon() {
	local log=$1; shift
	# Not through a function: $! must be the daemon itself (ip netns exec execs it).
	ip netns exec "$S" "$@" >"$log.out" 2>&1 &
	DPID=$!
	pids+=($DPID)
	wait_log "$log" "starting up, listening on" 1 5 || { cat "$log.out"; return 1; }
	sleep 0.2
}
stop_daemon() { kill "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; }
knock() { inc "$BIN/knock" "$@"; }
forge() { inc $PY "$DATA/rawsend.py" "$@"; }
# quiet LOG PATTERN: no new PATTERN within a second (the knocks were not accepted).
quiet_for() { local n; n=$(count "$1" "$2"); sleep 1; [ "$(count "$1" "$2")" = "$n" ]; }

# ---- config checks -------------------------------------------------------------------------
sed "s|@OTS@|$TMP/ots|" "$DATA/knockd.conf" >"$TMP/knockd.conf"
printf ' 1111,2222:udp,3333\n 4444,5555\n' >"$TMP/ots"
out=$("$BIN/knockd" --check -c "$TMP/knockd.conf" 2>&1)
check "knockd --check accepts the example" [ $? = 0 ]
check "knockd --check prints the sequences" grep -q "openSSH (line [0-9]*): sequence tcp:7000:syn tcp:8000:syn tcp:9000:syn, timeout 3s" <<<"$out"
out=$("$BIN/knockd" --check -c "$DATA/broken-knockd.conf" 2>&1)
check "knockd --check fails on a broken config" [ $? != 0 ]
check "knockd --check names every bad line" diff -u "$DATA/broken-knockd.expected" <(sed "s|$DATA/||" <<<"$out")
out=$("$TMP/tportknockd" -C "$DATA/tportknockd.conf" 2>&1)
check "tportknockd -C accepts the examples" [ $? = 0 ]
check "tportknockd -C prints the sequences" grep -q "FLAGS (line [0-9]*): sequence tcp:110:x tcp:110:pu tcp:110:pu tcp:110:n tcp:110:i" <<<"$out"
out=$("$TMP/tportknockd" -C "$DATA/broken-tportknockd.conf" 2>&1)
check "tportknockd -C fails on a broken config" [ $? != 0 ]
check "tportknockd -C names every bad line" diff -u "$DATA/broken-tportknockd.expected" <(sed "s|$DATA/||" <<<"$out")
check_not "knockd refuses tportknockd's -C (its options differ)" "$BIN/knockd" -C x
# getopt's rules and messages, as Debian's knock and knockd (which exit 1 and 0; ours 2)
first_error() { "$@" 2>&1 >/dev/null | head -n 1 | sed 's|^[^:]*/||'; }
for tool in knock knockd; do
	debian=/usr/bin/knock
	[ $tool = knockd ] && debian=/usr/sbin/knockd
	for args in --nope --nope=1 -x -ux --udp=1 --ver --d --l --i --help=1; do
		check "$tool $args: Debian's message, exit 2" eval "[ \"\$(first_error $debian $args)\" = \"\$(first_error '$BIN/$tool' $args)\" ] &&
			{ '$BIN/$tool' $args >/dev/null 2>&1; [ \$? = 2 ]; }"
	done
done
check "knock -d: Debian's message" [ "$(first_error /usr/bin/knock -d)" = "$(first_error "$BIN/knock" -d)" ]
check "knockd -c: Debian's message" [ "$(first_error /usr/sbin/knockd -c)" = "$(first_error "$BIN/knockd" -c)" ]
check "unknown interface is a clear error" bash -c "'$BIN/knockd' -c '$TMP/knockd.conf' -i nosuch0 2>&1 | grep -q 'no such interface: nosuch0'"

# ---- the knockd example, wrong knocks, second client, IPv6, Debian's knock ------------------

L=$TMP/knockd.log
if start_daemon "$L" "$BIN/knockd" -i vS -c "$TMP/knockd.conf" -g "$L"; then
	check_not "port 22 closed before knocking" connects $SA
	knock $SA 7000 8000 9000
	check "knock 7000 8000 9000 opens the door" wait_log "$L" "$CA: openSSH: OPEN SESAME"
	check "knockd-style stage log" grep -q "$CA: openSSH: Stage 3" "$L"
	check "running command is logged with the address" grep -q "openSSH: running command: /usr/sbin/iptables -w -I INPUT -s $CA -p tcp --dport 22 -j ACCEPT" "$L"
	check "port 22 reachable after the knock" opens_up $SA
	knock $SA 9000 8000 7000
	check "reverse sequence runs closeSSH" wait_log "$L" "$CA: closeSSH: OPEN SESAME"
	check "port 22 closed again after closeSSH" closes_down $SA

	knock $SA 7000 9000 8000
	check "wrong order does not open" quiet_for "$L" "openSSH: OPEN SESAME"
	knock $SA 8000 9000
	check "missing first knock does not open" quiet_for "$L" "openSSH: OPEN SESAME"
	knock $SA 7000 8000; sleep 3.2; knock $SA 9000
	check "too slow does not open" quiet_for "$L" "openSSH: OPEN SESAME"
	check "too slow is logged as a sequence timeout" grep -q "$CA: openSSH: sequence timeout (stage 2)" "$L"
	knock $SA tcp:7000:a tcp:8000:a tcp:9000:a
	check "ACK knocks are not SYN knocks" quiet_for "$L" "openSSH: OPEN SESAME"
	check_not "port 22 still closed after the wrong knocks" connects $SA
	knock $SA tcp:7000:s tcp:8000:a tcp:8000:s tcp:9000:s
	check "raw SYN knocks open; an ACK in between is ignored (tcpflags = syn)" wait_log "$L" "$CA: openSSH: OPEN SESAME" 2
	knock $SA 9000 8000 7000
	wait_log "$L" "$CA: closeSSH: OPEN SESAME" 2

	# A second knocker (forged 10.77.0.3) interleaved with the real one.
	knock $SA 7000
	forge seq 10.77.0.3 $SA 7000
	knock $SA 8000
	forge seq 10.77.0.3 $SA 9000
	knock $SA 9000
	check "interleaved knocker does not disturb the client" wait_log "$L" "$CA: openSSH: OPEN SESAME" 3
	check "the second knocker's wrong knock does not open for it" [ "$(count "$L" "10.77.0.3: openSSH: OPEN SESAME")" = 0 ]
	forge seq 10.77.0.3 $SA 7000
	knock $SA 9000
	forge seq 10.77.0.3 $SA 8000
	knock $SA 8000
	forge seq 10.77.0.3 $SA 9000
	knock $SA 7000
	check "two clients complete different doors interleaved" wait_log "$L" "10.77.0.3: openSSH: OPEN SESAME"
	check "... and the client's close sequence too" wait_log "$L" "$CA: closeSSH: OPEN SESAME" 3
	check "port 22 closed for the client" closes_down $SA

	knock -6 $SA6 7000 8000 9000
	check "IPv6 knock opens" wait_log "$L" "fd77::2: openSSH: OPEN SESAME"
	check "port 22 reachable over IPv6 (start_command_6)" opens_up "[$SA6]"
	knock -6 $SA6 9000 8000 7000
	wait_log "$L" "fd77::2: closeSSH: OPEN SESAME"
	check "port 22 closed over IPv6 again" closes_down "[$SA6]"

	inc /usr/bin/knock $SA 7000 8000 9000
	check "Debian's knock client opens our daemon's door" wait_log "$L" "$CA: openSSH: OPEN SESAME" 4
	check "port 22 reachable after Debian's knock" opens_up $SA
	inc /usr/bin/knock $SA 9000 8000 7000
	wait_log "$L" "$CA: closeSSH: OPEN SESAME" 4
	check "port 22 closed after Debian's knock closes it" closes_down $SA

	knock $SA 1111 2222:udp 3333
	check "one-time sequence opens" wait_log "$L" "$CA: ots: OPEN SESAME"
	check "used one-time sequence is struck out" grep -qx '#1111,2222:udp,3333' "$TMP/ots"
	knock $SA 1111 2222:udp 3333
	check "one-time sequence cannot be reused" quiet_for "$L" "ots: OPEN SESAME"
	cp "$TMP/ots" "$TMP/ots-client"
	knock -o "$TMP/ots-client" $SA
	check "knock -o sends the next one-time sequence" wait_log "$L" "$CA: ots: OPEN SESAME" 2
	check "knock -o strikes out what it sent" grep -qx '#4444,5555' "$TMP/ots-client"
	check "door disabled when its sequences run out" grep -q "no more sequences left in the one time sequences file for door ots" "$L"
	stop_daemon
	check "daemon logs its shutdown" grep -q "shutting down" "$L"
else
	bad "knockd starts"
fi

# ---- tportknockd examples, stop command, flag knocking, -r ---------------------------------
L=$TMP/tport.log
cp "$DATA/tportknockd.conf" "$TMP/tport.conf"
if start_daemon "$L" "$TMP/tportknockd" -i vS -c "$TMP/tport.conf" -r 1 --logfile "$L"; then
	check_not "port 22 closed before the tportknockd knock" connects $SA
	knock $SA udp:1234 tcp:543 tcp:543:i tcp:123:frap tcp:434:x tcp:2345:n
	check "mixed tportknockd sequence opens" wait_log "$L" "$CA: SSH: OPEN SESAME"
	check "port 22 reachable after the tportknockd knock" opens_up $SA
	check "stop command runs after command_delay" wait_log "$L" "$CA: SSH: command timeout" 1 6
	check "port 22 closed again after the stop command" closes_down $SA
	knock $SA udp:1234 tcp:543 tcp:543:i tcp:123:fra tcp:434:x tcp:2345:n
	check "wrong flags (fra for frap) do not open" quiet_for "$L" "SSH: OPEN SESAME"
	knock $SA tcp:110:x tcp:110:up tcp:110:up tcp:110:n tcp:110:i
	check "flag-only knocking on one port opens" wait_log "$L" "$CA: FLAGS: OPEN SESAME"
	check "port 22 reachable after flag knocking" opens_up $SA
	wait_log "$L" "$CA: FLAGS: command timeout" 1 6
	check "... and closed after its stop command" closes_down $SA
	knock $SA tcp:110:x tcp:110:up tcp:110:u tcp:110:n tcp:110:i
	check "one wrong flag set breaks the flag sequence" quiet_for "$L" "FLAGS: OPEN SESAME"
	knock -6 $SA6 tcp:110:x tcp:110:up tcp:110:up tcp:110:n tcp:110:i
	check "flag knocking over IPv6 (raw IPv6 TCP)" wait_log "$L" "fd77::2: FLAGS: OPEN SESAME"

	# Knocks to an address the server does not have are not knocks; -r picks up a new one.
	mac=$(ip -n "$S" -br link show vS | awk '{print $3}')
	inc ip neigh replace 10.77.0.50 lladdr "$mac" dev vC
	knock 10.77.0.50 tcp:110:x tcp:110:up tcp:110:up tcp:110:n tcp:110:i
	check "knocks to another host's address are ignored" quiet_for "$L" "FLAGS: Stage 1"
	ins ip addr add 10.77.0.50/16 dev vS
	check "-r notices the new address" wait_log "$L" "addresses of vS now: .*10.77.0.50" 1 3
	knock 10.77.0.50 tcp:110:x tcp:110:up tcp:110:up tcp:110:n tcp:110:i
	check "knocks to the new address count" wait_log "$L" "$CA: FLAGS: OPEN SESAME" 2

	# SIGHUP re-reads the config; a broken one is reported and the old one kept.
	sed -i 's/tcp:110:x tcp:110:up/tcp:111:x tcp:110:up/' "$TMP/tport.conf"
	kill -HUP $DPID
	wait_log "$L" "re-reading config file"
	sleep 0.3
	knock $SA tcp:111:x tcp:110:up tcp:110:up tcp:110:n tcp:110:i
	check "SIGHUP loads the changed sequence" wait_log "$L" "$CA: FLAGS: OPEN SESAME" 3
	echo "<BROKEN>" >>"$TMP/tport.conf"
	kill -HUP $DPID
	check "SIGHUP with a broken config reports it with its line" wait_log "$L" "config: line 17: <BROKEN> is never closed"
	check "... and keeps the previous config" grep -q "keeping the previous configuration" "$L"
	sleep 0.3
	knock $SA tcp:111:x tcp:110:up tcp:110:up tcp:110:n tcp:110:i
	check "... which still works" wait_log "$L" "$CA: FLAGS: OPEN SESAME" 4
	stop_daemon
	check "pending stop commands run at shutdown" bash -c "[ \$(grep -c 'FLAGS: running command: .*-D INPUT' '$L') -ge 4 ]"
else
	bad "tportknockd starts"
fi

# ---- a flood of forged first knocks from thousands of sources ------------------------------
L=$TMP/flood.log
printf ' 1111\n' >"$TMP/ots"
if start_daemon "$L" "$BIN/knockd" -i vS -c "$TMP/knockd.conf" -g "$L" --max-attempts 500; then
	rss0=$(awk '/VmRSS/{print $2}' /proc/$DPID/status)
	forge flood $SA 100000 1 7000,8000,9000,7000 &
	fpid=$!
	sleep 0.5
	knock $SA 7000 8000 9000
	check "the client knocked while the flood was still running" kill -0 $fpid
	wait $fpid
	check "the real client gets in during the flood" wait_log "$L" "$CA: openSSH: OPEN SESAME"
	check "port 22 reachable after knocking through the flood" opens_up $SA
	kill -USR1 $DPID
	wait_log "$L" "statistics:"
	stats=$(grep "statistics:" "$L" | tail -1)
	echo "# $stats"
	tracked=$(sed -n 's/.* \([0-9]*\) attempts tracked.*/\1/p' <<<"$stats")
	evicted=$(sed -n 's/.* \([0-9]*\) evicted.*/\1/p' <<<"$stats")
	inspected=$(sed -n 's/.*statistics: \([0-9]*\) packets.*/\1/p' <<<"$stats")
	check "flood packets were inspected (${inspected:-?} packets)" [ "${inspected:-0}" -ge 90000 ]
	check "tracked attempts stay within --max-attempts (${tracked:-?})" [ "${tracked:-9999}" -le 500 ]
	check "the flood forced evictions (${evicted:-?})" [ "${evicted:-0}" -gt 1000 ]
	rss1=$(awk '/VmRSS/{print $2}' /proc/$DPID/status)
	echo "# RSS before ${rss0:-?} kB, after ${rss1:-?} kB"
	check "memory stays bounded (RSS ${rss1:-?} kB)" [ "${rss1:-999999}" -lt 20000 ]
	knock $SA 9000 8000 7000
	wait_log "$L" "$CA: closeSSH: OPEN SESAME"
	check "port 22 closed after the flood test" closes_down $SA
	stop_daemon
else
	bad "knockd starts with --max-attempts"
fi

# ---- -l: the knocker's name from the resolver, as Debian's knockd shows it ------------------
# `ip netns exec` puts /etc/netns/NAME/hosts over /etc/hosts for the server namespace only.
mkdir -p "/etc/netns/$S"
printf '127.0.0.1 localhost\n%s knocker.test\n' "$CA" >"/etc/netns/$S/hosts"
for daemon in "$BIN/knockd" /usr/sbin/knockd; do
	L=$TMP/lookup-${daemon//\//_}.log
	printf '[options]\n\tlogfile = %s\n[lookup]\n\tsequence = 7100,7200\n\tseq_timeout = 3\n\tcommand = /bin/true %%IP%%\n' \
		"$L" >"$TMP/lookup.conf"
	if start_daemon "$L" "$daemon" -l -i vS -c "$TMP/lookup.conf"; then
		knock $SA 7100 7200
		check "$daemon -l names the knocker" wait_log "$L" "^\[.*\] $CA (knocker.test): lookup: OPEN SESAME"
		stop_daemon
	else
		bad "$daemon -l starts"
	fi
done
check "-l: our stage lines are Debian's" diff <(grep -o "$CA (knocker.test): .*" "$TMP/lookup-${BIN//\//_}_knockd.log") \
	<(grep -o "$CA (knocker.test): .*" "$TMP/lookup-_usr_sbin_knockd.log")
rm -rf "/etc/netns/$S"

# ---- daemon mode -----------------------------------------------------------------------------
L=$TMP/daemon.log
ip netns exec "$S" "$BIN/knockd" -d -i vS -c "$TMP/knockd.conf" -g "$L" -p "$TMP/knockd.pid"
check "knockd -d returns and writes its pid file" wait_log "$TMP/knockd.pid" "^[0-9][0-9]*$"
dpid=$(cat "$TMP/knockd.pid" 2>/dev/null)
check "the daemon runs in the background" kill -0 "${dpid:-0}"
wait_log "$L" "starting up"
knock $SA 7000 8000 9000
check "the background daemon opens the door" wait_log "$L" "$CA: openSSH: OPEN SESAME"
check "port 22 reachable through the background daemon" opens_up $SA
knock $SA 9000 8000 7000
wait_log "$L" "$CA: closeSSH: OPEN SESAME"
check "port 22 closed by the background daemon" closes_down $SA
kill "${dpid:-0}" 2>/dev/null
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -e "$TMP/knockd.pid" ] || break; sleep 0.2; done
check "SIGTERM ends it and removes the pid file" [ ! -e "$TMP/knockd.pid" ]

# ---- our knock against Debian's knockd ------------------------------------------------------
L=$TMP/debian.log
sed "s|@LOG@|$L|" "$DATA/debian-knockd.conf" >"$TMP/debian-knockd.conf"
ip netns exec "$S" /usr/sbin/knockd -i vS -c "$TMP/debian-knockd.conf" >"$L.out" 2>&1 &
DPID=$!
pids+=($DPID)
if wait_log "$L" "starting up" 1 5; then
	sleep 0.3
	knock $SA 7000 8000 9000
	check "our knock opens Debian's knockd door" wait_log "$L" "$CA: openSSH: OPEN SESAME"
	check "port 22 reachable (Debian's knockd ran the command)" opens_up $SA
	knock $SA 9000 8000 7000
	check "our knock closes it again" wait_log "$L" "$CA: closeSSH: OPEN SESAME"
	check "port 22 closed after Debian's knockd closeSSH" closes_down $SA
	stop_daemon
else
	cat "$L.out"
	bad "Debian's knockd starts"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
