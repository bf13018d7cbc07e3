#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=pknock-bench smp=1 timeout=600 needs=upstream-modules insn=yes
# Benchmark for bench/pknock.md (no timed or counted assertions), our xt_pknock and upstream's
# in the same boot under the instruction-count plugin (upstream's plugin for both: the same
# rule data), legacy backend, one vCPU: datagrams through INPUT without and with 32 pknock
# rules, ROUNDS rounds alternating the modules, each an `insn` phase (tests/vm/insn/report.py:
# instructions per packet and rule). Cases:
# - nonknock: upstream's example sequence rule (--knockports 4002,4001,4004 --strict --time 10,
#   a name each), datagrams to port 9: the common case on a busy server;
# - spa-short: upstream's SPA rule (--knockports 4000 --opensecret --closesecret --autoclose
#   240), 20-byte payloads to port 4000 from one source: refused by their length;
# - spa-forged (ours only: upstream's 3.23 oopses on the first SPA-sized payload): the same
#   rules, 65-byte payloads of the right shape and a wrong HMAC from one source: the cost of a
#   flood of forgeries (the HMACs of this minute and the previous one, per rule).
# Every datagram must pass all the rules (none opens anything) to the final DROP.
. /vm/lib.sh
M=3000
M_FORGED=200
ROUNDS=5
BE=legacy
echo 100000 >/proc/sys/net/core/netdev_max_backlog
seq_rule='-p udp -m pknock --knockports 4002,4001,4004 --strict --time 10 --name k%d -j ACCEPT'
spa_rule='-p udp -m pknock --knockports 4000 --name s%d --opensecret foo --closesecret bar --autoclose 240 -j ACCEPT'
forged=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')x

# phase CASE IMPL RULES N PORT PAYLOAD: N datagrams 127.0.0.2 -> 127.0.0.1:PORT through RULES
# pknock rules (the CASE's), all of which must reach the DROP.
phase() {
	local label="bench=pknock case=$1 impl=$2 rules=$3 round=$round" rule=$seq_rule
	[ "$1" = nonknock ] || rule=$spa_rule
	insn_ruleset ipt "$3" "$rule" || { fail "$label: rules"; return; }
	insn_send "$label" "$4" -s 127.0.0.2 -d 127.0.0.1 -p "$5" -m "$6" ||
		{ fail "$label: rawudp failed"; return; }
	check_eq "$label: every datagram reached the DROP" "$4" "$(insn_rule_packets ipt DROP)"
}

insn_calibrate
use_plugins upstream || fail "upstream's plugins"
round=1
while [ $round -le "$ROUNDS" ]; do
	for impl in ours upstream; do
		insn_reload $impl xt_pknock || { fail "$impl: load"; continue; }
		for rules in 0 32; do
			phase nonknock $impl $rules "$M" 9 0123456789
			phase spa-short $impl $rules "$M" 4000 0123456789abcdefghij
		done
		[ $impl = ours ] || continue
		for rules in 0 32; do
			phase spa-forged ours $rules "$M_FORGED" 4000 "$forged"
		done
	done
	round=$((round + 1))
done
lab_reset
finish
