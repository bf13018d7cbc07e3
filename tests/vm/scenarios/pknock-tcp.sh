#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=pknock smp=1 timeout=480
# Our xt_pknock in TCP mode, driven by our plugin, on both
# backends. Upstream's example rule (--knockports 4002,4001,4004 --strict --name SSH --time 10
# --autoclose 60 --dport 22 -j ACCEPT, then a DROP for port 22): iptables-save prints
# upstream's text; the right order from 127.0.0.2 shows ALLOWED in /proc/net/xt_pknock/SSH in
# upstream's format and a TCP connection to port 22 from it succeeds, from 127.0.0.3 it does
# not; wrong order, a stray port (strict), a knock after more than --time seconds: not
# allowed; 20 clients knocking at once all get in (own rule, --time 60); a --checkip rule admits only allowed
# peers; --autoclose 1 closes after a minute, even though the wall clock is set back an hour
# meanwhile (the module measures knock and autoclose times on a monotonic clock: the waits
# are real); IPv6 (ip6tables) the same.
. /vm/lib.sh
PK=/proc/net/xt_pknock
SSH_RULE='-p tcp -m pknock --knockports 4002,4001,4004 --strict --name SSH --time 10 --autoclose 60 -m tcp --dport 22 -j ACCEPT'
SSH_SAVE='-A INPUT -p tcp -m pknock --knockports 4002,4001,4004  --time 10  --autoclose 60  --name SSH  --strict  -m tcp --dport 22 -j ACCEPT'

ip -6 addr add fd00::1/128 dev lo
for i in 2 3 4 5; do ip -6 addr add fd00::$i/128 dev lo; done
# One dual-stack server per protected port, answering "hi".
for port in 22 2222; do
	socat TCP6-LISTEN:$port,ipv6only=0,reuseaddr,fork SYSTEM:'echo hi' 2>/dev/null &
done
wait_for 60 listening 22 2222 || fail "the servers on ports 22 and 2222 are not listening"

# dst SRC: the address a client at SRC connects to (same family).
dst() { case $1 in *:*) echo fd00::1 ;; *) echo 127.0.0.1 ;; esac; }

# knock SRC PORT...: one TCP SYN to each closed PORT (answered by a reset at once); a FAIL
# unless every SYN arrived (a knock that must not open has to have been seen).
knock() {
	local src=$1 p n to from=$1
	shift
	# Both addresses once, in socat's form ([...] for IPv6), not twice a port.
	to=$(dst "$src")
	case $src in *:*) to="[$to]" from="[$src]" ;; esac
	n=$(arrived "$src")
	for p in "$@"; do
		socat -T1 /dev/null TCP:"$to":$p,bind="$from",connect-timeout=1 2>/dev/null
	done
	wait_arrived "$src" $((n + $#)) || fail "knock from $src to $*: not every SYN arrived"
}

# reach SRC PORT: prints "hi" when a TCP connection from SRC to PORT gets through, nothing when
# the DROP rule for PORT dropped it (lib.sh's tcp_answer: it waits on state, not on a timeout).
reach() { tcp_answer "$1" "$(dst "$1")" "$2"; }

# status NAME SRC: the peer's status in /proc/net/xt_pknock/NAME, or "none".
status() {
	awk -v s="src=$2" '$1 == s { sub("status=", "", $3); print $3; f = 1 } END { if (!f) print "none" }' $PK/"$1"
}

# check_line WHAT NAME SRC REGEX: the peer's whole /proc line (trailing space included) matches.
check_line() {
	local l
	l=$(grep "^src=$3 " $PK/"$2")
	if printf '%s\n' "$l" | grep -qxE "$4"; then pass "$1"; else fail "$1"; echo "  line: '$l'"; fi
}

# clock_step SECONDS: moves the guest's wall clock (negative: back).
clock_step() { date -s "@$(($(date +%s) + $1))" >/dev/null; }

# tcp_mode IPT PLUGINS: the whole TCP-mode series with one family's tool.
tcp_mode() {
	local t=$1 v=$2 a b c d e what
	case $t in
	ipt) a=127.0.0.2 b=127.0.0.3 c=127.0.0.4 d=127.0.0.5 e=127.0.0.6 ;;
	ip6t) a=fd00::2 b=fd00::3 c=fd00::4 d=fd00::5 e=fd00::1 ;;
	esac
	what="$BE $t $v plugin"
	# shellcheck disable=SC2086
	check "$what: insert upstream's example rule" $t -A INPUT $SSH_RULE
	check "$what: DROP port 22 after it" $t -A INPUT -p tcp --dport 22 -j DROP
	check_eq "$what: /proc/net/xt_pknock/SSH exists, empty" "" "$(cat $PK/SSH)"
	[ $t = ipt ] && check_eq "$what: iptables-save prints upstream's text" "$SSH_SAVE" \
		"$(ipt_save | rules_of | grep "^-A INPUT " | head -n 1)"
	check_eq "$what: -L lists the rule" 1 "$($t -L INPUT -n | grep -c pknock)"
	check_eq "$what: port 22 closed before knocking" "" "$(reach $a 22)"

	knock $a 4002
	if [ $t = ipt ]; then
		check_line "$what: first knock: MATCHING line in upstream's format" SSH $a \
			"src=$a proto=TCP status=MATCHING accepted_knock_count=1 expir_time=([1-9]|10) \[secs\] "
	fi
	knock $a 4001 4004
	check_eq "$what: right order: ALLOWED" ALLOWED "$(status SSH $a)"
	check_line "$what: ALLOWED line in upstream's format" SSH $a \
		"src=$a proto=TCP status=ALLOWED accepted_knock_count=3 autoclose_time=3[56][0-9][0-9] \[secs\] "
	check_eq "$what: TCP to 22 from $a succeeds" hi "$(reach $a 22)"
	check_eq "$what: TCP to 22 from $b does not" "" "$(reach $b 22)"

	knock $b 4001 4002 4004
	check_eq "$what: wrong order: not allowed" none "$(status SSH $b)"
	knock $c 4002 4001 4003 4004
	check_eq "$what: stray port in strict mode: not allowed" none "$(status SSH $c)"
	knock $d 4002 4001
	sleep 12
	knock $d 4004
	check_eq "$what: last knock after 11 s (--time 10): not allowed" none "$(status SSH $d)"
	check_eq "$what: ... and port 22 stays closed" "" "$(reach $d 22)"
	knock $d 4002 4001 4004
	check_eq "$what: the same client, in time: ALLOWED" ALLOWED "$(status SSH $d)"

	# --checkip: only allowed peers of SSH reach port 2222.
	check "$what: --checkip rule" $t -I INPUT 1 -p tcp -m pknock --checkip --name SSH -m tcp --dport 2222 -j ACCEPT
	check "$what: DROP port 2222" $t -A INPUT -p tcp --dport 2222 -j DROP
	check_eq "$what: --checkip admits $a" hi "$(reach $a 2222)"
	check_eq "$what: --checkip refuses $b" "" "$(reach $b 2222)"
	check_eq "$what: knocking on 2222 does not make $e a peer" none "$(knock $e 2222; status SSH $e)"
	$t -F INPUT
	check_eq "$what: rules deleted: /proc file gone" no "$([ -e $PK/SSH ] && echo yes || echo no)"
}

# many: 20 clients knock at once (IPv4).
many() {
	local i n pids=
	# Its own name and a generous --time: 20 clients share one slow TCG vCPU.
	ipt -A INPUT -p tcp -m pknock --knockports 4002,4001,4004 --strict --name MANY --time 60 -m tcp --dport 22 -j ACCEPT
	i=10
	while [ $i -lt 30 ]; do
		knock 127.0.0.$i 4002 4001 4004 &
		pids="$pids $!"
		i=$((i + 1))
	done
	# Not a bare wait: the servers run in the background too.
	# shellcheck disable=SC2086
	wait $pids
	n=$(grep -c 'status=ALLOWED' $PK/MANY)
	[ "$n" = 20 ] || cat $PK/MANY
	check_eq "$BE $1 plugin: 20 clients knocking at once: 20 ALLOWED" 20 "$n"
	ipt -F INPUT
}

# autoclose: --autoclose 1 closes 60 s after the last knock, in real time: the wall clock set
# back an hour meanwhile extends nothing (/proc and the port say so). The minute is waited out
# beside tcp_mode and many (autoclose_start before them, autoclose_finish after): the rule sits
# in its own chain, which INPUT jumps to only while knocking and checking, so their flushes of
# INPUT leave it and its peer alone. The peer's line once the minute has passed is not checked:
# the GC timer (65 s after the first knock) may free it first.
autoclose_start() {
	local what="$BE $1 plugin: --autoclose 1" left
	ipt -N AC
	ipt -A AC -p tcp -m pknock --knockports 4002,4001,4004 --name AC --time 10 --autoclose 1 -m tcp --dport 22 -j ACCEPT
	ipt -A INPUT -j AC
	ipt -A INPUT -p tcp --dport 22 -j DROP
	knock 127.0.0.7 4002 4001 4004
	check_eq "$what: ALLOWED" ALLOWED "$(status AC 127.0.0.7)"
	check_eq "$what: open" hi "$(reach 127.0.0.7 22)"
	clock_step -3600
	left=$(sed -n 's/^src=127\.0\.0\.7 .* autoclose_time=\([0-9]*\) .*/\1/p' $PK/AC)
	check "$what: wall clock set back an hour: /proc shows 1 to 60 s left" \
		test "${left:-0}" -ge 1 -a "${left:-0}" -le 60
	# At most the minute the allowance is due to last, whatever /proc said.
	[ "${left:-60}" -le 60 ] 2>/dev/null || left=60
	autoclose_due=$(($(uptime_s) + left + 2))
	ipt -F INPUT
}

autoclose_finish() {
	local what="$BE $1 plugin: --autoclose 1" wait=$((autoclose_due - $(uptime_s)))
	[ "$wait" -le 0 ] || sleep "$wait"
	ipt -A INPUT -j AC
	ipt -A INPUT -p tcp --dport 22 -j DROP
	check_eq "$what: port 22 closed once the minute has passed" "" "$(reach 127.0.0.7 22)"
	check_eq "$what: peer forgotten" none "$(status AC 127.0.0.7)"
	clock_step 3600
	ipt -F INPUT
	ipt -F AC
	ipt -X AC
}

# Our plugin (it also drives ip6tables); upstream's plugin with our module is pknock-interop.
v=ours
for BE in $BACKENDS; do
	lab_reset
	use_plugins $v || continue
	load_module ours xt_pknock || { fail "$BE: load our xt_pknock"; continue; }
	autoclose_start $v
	tcp_mode ipt $v
	tcp_mode ip6t $v
	many $v
	autoclose_finish $v
done
lab_reset
finish
