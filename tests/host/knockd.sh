#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# knockd / tportknockd / knock in two network namespaces joined by a veth pair.
# Server namespace: the daemon under test, a TCP listener on port 22 closed by iptables, and the
# door commands running real iptables. Client namespace: the knock clients. Traffic stays inside.
# Nothing waits a fixed time: the tests wait for log lines, counters and connections, and a knock
# that must NOT open is shown to have arrived and been handled before its absence counts.
. "$(dirname "$0")/lib.sh"
BIN=${KNOCKD_BIN:-$ROOT/target/release}
DATA=$ROOT/tests/host/knockd
IPT="/usr/sbin/iptables -w"
IP6T="/usr/sbin/ip6tables -w"
S=knockS$$
C=knockC$$
SA=10.77.0.1
CA=10.77.0.2
SA6=fd77::1
CA6=fd77::2
pids=()

check_not() { local what=$1; shift; if "$@"; then ko "$what"; else ok "$what"; fi; }

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	for p in $(ip netns pids "$S" 2>/dev/null) $(ip netns pids "$C" 2>/dev/null); do kill -9 "$p"; done
	ip netns del "$S" 2>/dev/null
	ip netns del "$C" 2>/dev/null
	rm -rf "$WORK" "/etc/netns/$S"
}
trap cleanup EXIT

if [ ! -x "$BIN/knockd" ] || [ ! -x "$BIN/knock" ]; then
	cargo build --release -p knockd || setup_failed "cargo build -p knockd"
fi
for tool in /usr/sbin/knockd /usr/bin/knock socat ss "$PY" /usr/sbin/iptables; do
	command -v "$tool" >/dev/null || setup_failed "missing $tool (scripts/setup.sh installs it)"
done
ln -s "$BIN/knockd" "$WORK/tportknockd"

ins() { ip netns exec "$S" "$@"; }
inc() { ip netns exec "$C" "$@"; }

# wait_until SECONDS COMMAND...: polls until COMMAND succeeds. SECONDS only bounds a hang: the
# checks wait for state, never on how fast something happens.
wait_until() {
	local until=$((SECONDS + $1))
	shift
	until "$@"; do [ "$SECONDS" -ge "$until" ] && return 1; sleep 0.1; done
}

ip netns add "$S" && ip netns add "$C" || setup_failed "create namespaces"
ip link add vS netns "$S" type veth peer name vC netns "$C"
ins ip addr add $SA/16 dev vS
ins ip addr add $SA6/64 dev vS nodad
inc ip addr add $CA/16 dev vC
inc ip addr add $CA6/64 dev vC nodad
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
wait_until 60 eval "ins ss -Hltn 'sport = :22' | grep -q ." || setup_failed "socat does not listen on port 22"

connects() { inc timeout 3 socat -T1 - "TCP:$1:22,connect-timeout=1" </dev/null 2>/dev/null | grep -q hi; }
# Door commands run asynchronously (and iptables -w may wait for the xtables lock).
opens_up() { wait_until 60 connects "$1"; }
# arrived SRC: packets from SRC that reached the server namespace so far, counted by a rule of
# its own in the server's raw PREROUTING (added on first use).
arrived() {
	local ipt=$IPT
	case $1 in *:*) ipt=$IP6T ;; esac
	ins $ipt -t raw -C PREROUTING -s "$1" 2>/dev/null || ins $ipt -t raw -A PREROUTING -s "$1" || return 1
	ins $ipt -t raw -S PREROUTING -v |
		awk -v s="$1/" 'index($4, s) == 1 { for (i = 5; i < NF; i++) if ($i == "-c") { print $(i + 1); exit } }'
}
arrived_at_least() { [ "$(arrived "$1")" -ge "$2" ]; }
# closed ADDR: a connection from the client to port 22 fails, and its SYN did reach the server.
closed() {
	local from=$CA n
	case $1 in \[*) from=$CA6 ;; esac
	n=$(arrived $from)
	! connects "$1" && arrived_at_least $from $((n + 1))
}
closes_down() { wait_until 60 closed "$1" || { ins $IPT -S INPUT | sed 's/^/# /'; return 1; }; }
count() { local n; n=$(grep -c -- "$2" "$1" 2>/dev/null); echo "${n:-0}"; }
# wait_log FILE PATTERN [COUNT]: until PATTERN occurs at least COUNT times.
log_has() { [ "$(count "$1" "$2")" -ge "${3:-1}" ]; }
wait_log() { wait_until 60 log_has "$@"; }
# start_daemon LOG CMD...: runs the daemon in the server namespace (its pid in DPID), waits
# until it logs that it listens (its capture is open and filtered by then).
start_daemon() {
	local log=$1; shift
	# Not through a function: $! must be the daemon itself (ip netns exec execs it).
	ip netns exec "$S" "$@" >"$log.out" 2>&1 &
	DPID=$!
	pids+=($DPID)
	wait_log "$log" "starting up, listening on" || { cat "$log.out"; return 1; }
}
stop_daemon() { kill "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; }
knock() { inc "$BIN/knock" "$@"; }
forge() { inc "$PY" "$DATA/rawsend.py" "$@"; }
# settled: the daemon has handled every packet that arrived before: a knock on the one-port
# door "settled", sent after them, is logged (one capture ring, read in order by one thread).
settled() {
	local n
	n=$(count "$L" "$CA: settled: OPEN SESAME")
	knock $SA 6999:udp
	wait_log "$L" "$CA: settled: OPEN SESAME" $((n + 1))
}
# refused WHAT PATTERN SRC PACKETS CMD...: CMD sends PACKETS packets from SRC that must not
# produce PATTERN in the log $L: they are shown to have arrived, then settled shows the daemon
# is past them, and PATTERN did not appear meanwhile.
refused() {
	local what=$1 pattern=$2 src=$3 packets=$4 lines n
	shift 4
	lines=$(count "$L" "$pattern")
	n=$(arrived "$src")
	"$@"
	check "$what: its $packets packets arrived" wait_until 60 arrived_at_least "$src" $((n + packets))
	check "$what: ... and were handled" settled
	check "$what" [ "$(count "$L" "$pattern")" = "$lines" ]
}
# inspected_at_least N: the daemon's statistics (SIGUSR1) count N inspected packets or more.
inspected_at_least() {
	local n
	n=$(count "$L" "statistics:")
	kill -USR1 "$DPID"
	wait_log "$L" "statistics:" $((n + 1)) || return 1
	[ "$(grep "statistics:" "$L" | tail -n 1 | sed -n 's/.*statistics: \([0-9]*\) packets.*/\1/p')" -ge "$1" ]
}

# ---- config checks -------------------------------------------------------------------------
sed "s|@OTS@|$WORK/ots|" "$DATA/knockd.conf" >"$WORK/knockd.conf"
printf ' 1111,2222:udp,3333\n 4444,5555\n' >"$WORK/ots"
out=$("$BIN/knockd" --check -c "$WORK/knockd.conf" 2>&1)
check "knockd --check accepts the example" [ $? = 0 ]
check "knockd --check prints the sequences" grep -q "openSSH (line [0-9]*): sequence tcp:7000:syn tcp:8000:syn tcp:9000:syn, timeout 3s" <<<"$out"
out=$("$BIN/knockd" --check -c "$DATA/broken-knockd.conf" 2>&1)
check "knockd --check fails on a broken config" [ $? != 0 ]
check "knockd --check names every bad line" diff -u "$DATA/broken-knockd.expected" <(sed "s|$DATA/||" <<<"$out")
out=$("$WORK/tportknockd" -C "$DATA/tportknockd.conf" 2>&1)
check "tportknockd -C accepts the examples" [ $? = 0 ]
check "tportknockd -C prints the sequences" grep -q "FLAGS (line [0-9]*): sequence tcp:110:x tcp:110:pu tcp:110:pu tcp:110:n tcp:110:i" <<<"$out"
out=$("$WORK/tportknockd" -C "$DATA/broken-tportknockd.conf" 2>&1)
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
check "unknown interface is a clear error" bash -c "'$BIN/knockd' -c '$WORK/knockd.conf' -i nosuch0 2>&1 | grep -q 'no such interface: nosuch0'"

# ---- the knockd example, wrong knocks, second client, IPv6, Debian's knock ------------------

L=$WORK/knockd.log
if start_daemon "$L" "$BIN/knockd" -i vS -c "$WORK/knockd.conf" -g "$L"; then
	check "port 22 closed before knocking" closed $SA
	knock $SA 7000 8000 9000
	check "knock 7000 8000 9000 opens the door" wait_log "$L" "$CA: openSSH: OPEN SESAME"
	check "knockd-style stage log" grep -q "$CA: openSSH: Stage 3" "$L"
	check "running command is logged with the address" grep -q "openSSH: running command: /usr/sbin/iptables -w -I INPUT -s $CA -p tcp --dport 22 -j ACCEPT" "$L"
	check "port 22 reachable after the knock" opens_up $SA
	knock $SA 9000 8000 7000
	check "reverse sequence runs closeSSH" wait_log "$L" "$CA: closeSSH: OPEN SESAME"
	check "port 22 closed again after closeSSH" closes_down $SA

	refused "wrong order does not open" "openSSH: OPEN SESAME" $CA 3 knock $SA 7000 9000 8000
	refused "missing first knock does not open" "openSSH: OPEN SESAME" $CA 2 knock $SA 8000 9000
	knock $SA 7000 8000
	check "too slow: the attempt times out (seq_timeout 3)" wait_log "$L" "$CA: openSSH: sequence timeout (stage 2)"
	refused "too slow does not open" "openSSH: OPEN SESAME" $CA 1 knock $SA 9000
	refused "ACK knocks are not SYN knocks" "openSSH: OPEN SESAME" $CA 3 knock $SA tcp:7000:a tcp:8000:a tcp:9000:a
	check "port 22 still closed after the wrong knocks" closed $SA
	knock $SA tcp:7000:s tcp:8000:a tcp:8000:s tcp:9000:s
	check "raw SYN knocks open; an ACK in between is ignored (tcpflags = syn)" wait_log "$L" "$CA: openSSH: OPEN SESAME" 2
	knock $SA 9000 8000 7000
	wait_log "$L" "$CA: closeSSH: OPEN SESAME" 2

	# A second knocker (forged 10.77.0.3) interleaved with the real one.
	forged=$(arrived 10.77.0.3)
	knock $SA 7000
	forge seq 10.77.0.3 $SA 7000
	knock $SA 8000
	forge seq 10.77.0.3 $SA 9000
	knock $SA 9000
	check "interleaved knocker does not disturb the client" wait_log "$L" "$CA: openSSH: OPEN SESAME" 3
	check "the second knocker's 2 knocks arrived" wait_until 60 arrived_at_least 10.77.0.3 $((forged + 2))
	check "... and were handled" settled
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
	check "IPv6 knock opens" wait_log "$L" "$CA6: openSSH: OPEN SESAME"
	check "port 22 reachable over IPv6 (start_command_6)" opens_up "[$SA6]"
	knock -6 $SA6 9000 8000 7000
	wait_log "$L" "$CA6: closeSSH: OPEN SESAME"
	check "port 22 closed over IPv6 again" closes_down "[$SA6]"

	inc /usr/bin/knock $SA 7000 8000 9000
	check "Debian's knock client opens our daemon's door" wait_log "$L" "$CA: openSSH: OPEN SESAME" 4
	check "port 22 reachable after Debian's knock" opens_up $SA
	inc /usr/bin/knock $SA 9000 8000 7000
	wait_log "$L" "$CA: closeSSH: OPEN SESAME" 4
	check "port 22 closed after Debian's knock closes it" closes_down $SA

	knock $SA 1111 2222:udp 3333
	check "one-time sequence opens" wait_log "$L" "$CA: ots: OPEN SESAME"
	check "used one-time sequence is struck out" grep -qx '#1111,2222:udp,3333' "$WORK/ots"
	refused "one-time sequence cannot be reused" "ots: OPEN SESAME" $CA 3 knock $SA 1111 2222:udp 3333
	cp "$WORK/ots" "$WORK/ots-client"
	knock -o "$WORK/ots-client" $SA
	check "knock -o sends the next one-time sequence" wait_log "$L" "$CA: ots: OPEN SESAME" 2
	check "knock -o strikes out what it sent" grep -qx '#4444,5555' "$WORK/ots-client"
	check "door disabled when its sequences run out" grep -q "no more sequences left in the one time sequences file for door ots" "$L"
	stop_daemon
	check "daemon logs its shutdown" grep -q "shutting down" "$L"
else
	ko "knockd starts"
fi

# ---- tportknockd examples, stop command, flag knocking, -r ---------------------------------
L=$WORK/tport.log
cp "$DATA/tportknockd.conf" "$WORK/tport.conf"
if start_daemon "$L" "$WORK/tportknockd" -i vS -c "$WORK/tport.conf" -r 1 --logfile "$L"; then
	check "port 22 closed before the tportknockd knock" closed $SA
	knock $SA udp:1234 tcp:543 tcp:543:i tcp:123:frap tcp:434:x tcp:2345:n
	check "mixed tportknockd sequence opens" wait_log "$L" "$CA: SSH: OPEN SESAME"
	check "port 22 reachable after the tportknockd knock" opens_up $SA
	check "stop command runs after command_delay" wait_log "$L" "$CA: SSH: command timeout"
	check "port 22 closed again after the stop command" closes_down $SA
	refused "wrong flags (fra for frap) do not open" "SSH: OPEN SESAME" $CA 6 \
		knock $SA udp:1234 tcp:543 tcp:543:i tcp:123:fra tcp:434:x tcp:2345:n
	knock $SA tcp:110:x tcp:110:up tcp:110:up tcp:110:n tcp:110:i
	check "flag-only knocking on one port opens" wait_log "$L" "$CA: FLAGS: OPEN SESAME"
	check "port 22 reachable after flag knocking" opens_up $SA
	wait_log "$L" "$CA: FLAGS: command timeout"
	check "... and closed after its stop command" closes_down $SA
	refused "one wrong flag set breaks the flag sequence" "FLAGS: OPEN SESAME" $CA 5 \
		knock $SA tcp:110:x tcp:110:up tcp:110:u tcp:110:n tcp:110:i
	knock -6 $SA6 tcp:110:x tcp:110:up tcp:110:up tcp:110:n tcp:110:i
	check "flag knocking over IPv6 (raw IPv6 TCP)" wait_log "$L" "$CA6: FLAGS: OPEN SESAME"

	# Knocks to an address the server does not have are not knocks; -r picks up a new one.
	mac=$(ip -n "$S" -br link show vS | awk '{print $3}')
	inc ip neigh replace 10.77.0.50 lladdr "$mac" dev vC
	refused "knocks to another host's address are ignored" "FLAGS: Stage 1" $CA 5 \
		knock 10.77.0.50 tcp:110:x tcp:110:up tcp:110:up tcp:110:n tcp:110:i
	ins ip addr add 10.77.0.50/16 dev vS
	check "-r notices the new address" wait_log "$L" "addresses of vS now: .*10.77.0.50"
	knock 10.77.0.50 tcp:110:x tcp:110:up tcp:110:up tcp:110:n tcp:110:i
	check "knocks to the new address count" wait_log "$L" "$CA: FLAGS: OPEN SESAME" 2

	# SIGHUP re-reads the config; a broken one is reported and the old one kept. SIGUSR1 right
	# after it: the daemon handles the reload (and its new packet filter) before the report,
	# so the statistics line shows the reload complete.
	reloaded() {
		local n
		n=$(count "$L" "statistics:")
		kill -HUP $DPID && kill -USR1 $DPID && wait_log "$L" "statistics:" $((n + 1))
	}
	sed -i 's/tcp:110:x tcp:110:up/tcp:111:x tcp:110:up/' "$WORK/tport.conf"
	check "SIGHUP re-reads the config" reloaded
	check "... and logs it" grep -q "re-reading config file" "$L"
	knock $SA tcp:111:x tcp:110:up tcp:110:up tcp:110:n tcp:110:i
	check "SIGHUP loads the changed sequence" wait_log "$L" "$CA: FLAGS: OPEN SESAME" 3
	echo "<BROKEN>" >>"$WORK/tport.conf"
	check "SIGHUP with a broken config" reloaded
	check "... reports it with its line" grep -q "config: line $(wc -l <"$WORK/tport.conf"): <BROKEN> is never closed" "$L"
	check "... and keeps the previous config" grep -q "keeping the previous configuration" "$L"
	knock $SA tcp:111:x tcp:110:up tcp:110:up tcp:110:n tcp:110:i
	check "... which still works" wait_log "$L" "$CA: FLAGS: OPEN SESAME" 4
	stop_daemon
	check "pending stop commands run at shutdown" bash -c "[ \$(grep -c 'FLAGS: running command: .*-D INPUT' '$L') -ge 4 ]"
else
	ko "tportknockd starts"
fi

# ---- a flood of forged first knocks from thousands of sources ------------------------------
L=$WORK/flood.log
printf ' 1111\n' >"$WORK/ots"
if start_daemon "$L" "$BIN/knockd" -i vS -c "$WORK/knockd.conf" -g "$L" --max-attempts 500; then
	rss0=$(awk '/VmRSS/{print $2}' /proc/$DPID/status)
	# The flood goes on until told to stop, so the client's knock meets it whatever the speeds.
	forge flood $SA 100000 1 7000,8000,9000,7000 "$WORK/flood.stop" >"$WORK/flood.out" &
	fpid=$!
	check "the flood is under way" wait_until 60 grep -q flooding "$WORK/flood.out"
	knock $SA 7000 8000 9000
	check "the real client gets in during the flood" wait_log "$L" "$CA: openSSH: OPEN SESAME"
	check "... while the flood was still running" kill -0 $fpid
	touch "$WORK/flood.stop"
	wait $fpid
	check "port 22 reachable after knocking through the flood" opens_up $SA
	check "flood packets were inspected (90000 or more)" wait_until 60 inspected_at_least 90000
	stats=$(grep "statistics:" "$L" | tail -1)
	echo "# $stats"
	tracked=$(sed -n 's/.* \([0-9]*\) attempts tracked.*/\1/p' <<<"$stats")
	evicted=$(sed -n 's/.* \([0-9]*\) evicted.*/\1/p' <<<"$stats")
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
	ko "knockd starts with --max-attempts"
fi

# ---- -l: the knocker's name from the resolver, as Debian's knockd shows it ------------------
# `ip netns exec` puts /etc/netns/NAME/hosts over /etc/hosts for the server namespace only.
mkdir -p "/etc/netns/$S"
printf '127.0.0.1 localhost\n%s knocker.test\n' "$CA" >"/etc/netns/$S/hosts"
for daemon in "$BIN/knockd" /usr/sbin/knockd; do
	L=$WORK/lookup-${daemon//\//_}.log
	printf '[options]\n\tlogfile = %s\n[lookup]\n\tsequence = 7100,7200\n\tseq_timeout = 3\n\tcommand = /bin/true %%IP%%\n' \
		"$L" >"$WORK/lookup.conf"
	if start_daemon "$L" "$daemon" -l -i vS -c "$WORK/lookup.conf"; then
		knock $SA 7100 7200
		check "$daemon -l names the knocker" wait_log "$L" "^\[.*\] $CA (knocker.test): lookup: OPEN SESAME"
		stop_daemon
	else
		ko "$daemon -l starts"
	fi
done
check "-l: our stage lines are Debian's" diff <(grep -o "$CA (knocker.test): .*" "$WORK/lookup-${BIN//\//_}_knockd.log") \
	<(grep -o "$CA (knocker.test): .*" "$WORK/lookup-_usr_sbin_knockd.log")
rm -rf "/etc/netns/$S"

# ---- daemon mode -----------------------------------------------------------------------------
L=$WORK/daemon.log
ip netns exec "$S" "$BIN/knockd" -d -i vS -c "$WORK/knockd.conf" -g "$L" -p "$WORK/knockd.pid"
check "knockd -d returns and writes its pid file" wait_log "$WORK/knockd.pid" "^[0-9][0-9]*$"
dpid=$(cat "$WORK/knockd.pid" 2>/dev/null)
check "the daemon runs in the background" kill -0 "${dpid:-0}"
wait_log "$L" "starting up"
knock $SA 7000 8000 9000
check "the background daemon opens the door" wait_log "$L" "$CA: openSSH: OPEN SESAME"
check "port 22 reachable through the background daemon" opens_up $SA
knock $SA 9000 8000 7000
wait_log "$L" "$CA: closeSSH: OPEN SESAME"
check "port 22 closed by the background daemon" closes_down $SA
kill "${dpid:-0}" 2>/dev/null
check "SIGTERM ends it and removes the pid file" wait_until 60 test ! -e "$WORK/knockd.pid"

# ---- our knock against Debian's knockd ------------------------------------------------------
L=$WORK/debian.log
sed "s|@LOG@|$L|" "$DATA/debian-knockd.conf" >"$WORK/debian-knockd.conf"
if start_daemon "$L" /usr/sbin/knockd -i vS -c "$WORK/debian-knockd.conf"; then
	knock $SA 7000 8000 9000
	check "our knock opens Debian's knockd door" wait_log "$L" "$CA: openSSH: OPEN SESAME"
	check "port 22 reachable (Debian's knockd ran the command)" opens_up $SA
	knock $SA 9000 8000 7000
	check "our knock closes it again" wait_log "$L" "$CA: closeSSH: OPEN SESAME"
	check "port 22 closed after Debian's knockd closeSSH" closes_down $SA
	stop_daemon
else
	ko "Debian's knockd starts"
fi

finish
