#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=main smp=1 timeout=150
# IPv6 with ip6tables on both backends: the digest covers the destination in the kernel's full
# %pI6 form; the short form, another destination, a replay, a lying UDP length or a fragment
# is refused.
. /vm/lib.sh
rule='-p udp --dport 9 -j SYSRQ'
full=0000:0000:0000:0000:0000:0000:0000:0001
other=fd00::9
other_full=fd00:0000:0000:0000:0000:0000:0000:0009
# Loopback does no duplicate address detection: the address is usable at once.
ip -6 addr add $other/128 dev lo

# v6_expect WHAT N DST PAYLOAD [rawudp options]
v6_expect() {
	local what=$1 n=$2 to=$3 payload=$4 before
	shift 4
	before=$(rule_packets ip6t)
	log_mark
	send6 ::1 "$to" "$payload" "$@"
	wait_rule_packets ip6t $((before + 1))
	check_eq "$BE: $what: reached the rule" $((before + 1)) "$(rule_packets ip6t)"
	expect_handled "$BE: $what" "$n"
}

for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	sysrq_load ours || { fail "$BE: load our xt_SYSRQ"; continue; }
	# shellcheck disable=SC2086
	check "$BE: insert the ip6tables SYSRQ rule" ip6t -A INPUT $rule

	log_mark
	client --seqno 4000 ::1 h
	expect_handled "$BE: send_sysrq to ::1 handled" 1
	req=$(sysrq_request h 4001 s4001 $full "$SYSRQ_PW")
	v6_expect "shell recipe, dst $full, handled" 1 ::1 "$req"
	v6_expect "replay refused" 0 ::1 "$req"
	v6_expect "digest over the short form ::1 refused" 0 ::1 "$(sysrq_request h 4002 s4002 ::1 "$SYSRQ_PW")"
	v6_expect "digest for ::1 sent to $other refused" 0 $other "$(sysrq_request h 4003 s4003 $full "$SYSRQ_PW")"
	req=$(sysrq_request h 4004 s4004 $other_full "$SYSRQ_PW")
	v6_expect "UDP length 7 refused" 0 $other "$req" -l 7
	v6_expect "UDP length past the datagram refused" 0 $other "$req" -l $((8 + ${#req} + 1))
	v6_expect "digest for $other_full sent to $other handled" 1 $other "$req"
	# Without conntrack nothing reassembles IPv6 before INPUT: the rule sees the fragment.
	req=$(sysrq_request h 4005 s4005 $full "$SYSRQ_PW")
	v6_expect "a first fragment carrying a whole valid request refused" 0 ::1 "$req" -F
	v6_expect "the same request unfragmented handled" 1 ::1 "$req"
done
lab_reset
finish
