#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=reply-bench smp=1 timeout=900 needs=upstream-modules insn=yes
# Benchmark for bench/reply.md (no timed or counted assertions): what TARPIT costs the kernel
# per SYN it answers, our xt_TARPIT and upstream's (Debian 12's 3.23) in the same boot under the
# instruction-count plugin, legacy backend, one vCPU. M raw SYNs from M sources (127.1.x.y,
# local on lo) to 127.0.0.1:80 (pktprobe tcp -I: the phase is its sending loop) go through
# INPUT's TARPIT rule (rules=1) or only through the DROP behind it (rules=0, the baseline);
# ROUNDS rounds alternate the modules. The SYN-ACKs end in OUTPUT's DROP: the figure is
# TARPIT's own work per SYN (parse, build, route, the OUTPUT hook), without the loopback trip
# and the stack's RST to the SYN-ACK, which both modules would share. Upstream's plugin for
# both modules (the same rule data). IPv6 (from M sources in 2001:db8::1:0/112, on lo, to ::1)
# for ours alone: upstream 3.23's IPv6 tarpit mode sends nothing (fixed in 3.30). Every SYN
# must reach its rule, and through TARPIT get its SYN-ACK (OUTPUT's counter). Last, one
# profiled IPv4 phase through TARPIT for each module (no rules= in its label; where the
# instructions went: tests/vm/insn/profile.py), each followed by the kernel's symbols.
. /vm/lib.sh
M=2000
ROUNDS=5
BE=legacy
echo 100000 >/proc/sys/net/core/netdev_max_backlog
ip -6 addr add 2001:db8::1:0/112 dev lo

# tarpit_rules ipt|ip6t RULES: INPUT with RULES (0 or 1) TARPIT rules before a DROP of the
# SYNs, OUTPUT with a DROP of the SYN-ACKs; counters zeroed (a restore keeps those of rules
# identical to the ones it replaces).
tarpit_rules() {
	{
		echo '*filter'
		[ "$2" = 0 ] || echo '-A INPUT -p tcp -m tcp --dport 80 -j TARPIT'
		echo '-A INPUT -p tcp -m tcp --dport 80 -j DROP'
		echo '-A OUTPUT -p tcp -m tcp --sport 80 -j DROP'
		echo COMMIT
	} | "${1}_restore" && "$1" -Z
}

# phase 4|6 IMPL RULES: M SYNs through RULES (0 or 1) TARPIT rules of module IMPL, then where
# they went.
phase() {
	local t=ipt label="bench=reply case=tarpit-syn-v$1 impl=$2 rules=$3 round=$round packets=$M"
	[ "$1" = 6 ] && t=ip6t
	tarpit_rules $t "$3" || { fail "$label: rules"; return; }
	if [ "$1" = 4 ]; then
		pktprobe tcp -I "$label" -s 127.1.0.1 -d 127.0.0.1 -S $M -n $M -f S
	else
		pktprobe tcp -6 -I "$label" -s 2001:db8::1:1 -d ::1 -S $M -n $M -f S
	fi || { fail "$label: pktprobe failed"; return; }
	if [ "$3" = 1 ]; then
		check_eq "$label: TARPIT saw every SYN" "$M" "$(rule_packets $t TARPIT INPUT)"
		check_eq "$label: none went past it" 0 "$(rule_packets $t DROP INPUT)"
		check_eq "$label: every SYN got its SYN-ACK" "$M" "$(rule_packets $t DROP OUTPUT)"
	else
		check_eq "$label: every SYN reached the DROP" "$M" "$(rule_packets $t DROP INPUT)"
		check_eq "$label: no SYN-ACK" 0 "$(rule_packets $t DROP OUTPUT)"
	fi
}

insn_calibrate
use_plugins upstream || fail "upstream's plugins"
round=1
while [ $round -le "$ROUNDS" ]; do
	for impl in ours upstream; do
		insn_reload $impl xt_TARPIT || { fail "$impl: load xt_TARPIT"; continue; }
		for rules in 0 1; do
			phase 4 $impl $rules
			[ $impl = upstream ] || phase 6 $impl $rules
		done
	done
	round=$((round + 1))
done
for impl in ours upstream; do
	insn_reload $impl xt_TARPIT || { fail "$impl: load xt_TARPIT"; continue; }
	tarpit_rules ipt 1 || { fail "$impl: profile rules"; continue; }
	label="bench=reply case=tarpit-syn-v4-profile impl=$impl packets=$M"
	INSN_PROFILE=1 pktprobe tcp -I "$label" -s 127.1.0.1 -d 127.0.0.1 -S $M -n $M -f S ||
		fail "$label: pktprobe failed"
	check_eq "$label: every SYN got its SYN-ACK" "$M" "$(rule_packets ipt DROP OUTPUT)"
	insn_symbols
done
lab_reset
finish
