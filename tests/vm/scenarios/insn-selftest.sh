#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=insn-selftest smp=1 timeout=540 insn=repeat
# The instruction-count plugin (tests/vm/insn/) checked by the lab itself, so that `make test`
# builds it and shows its counts can be trusted (the benchmarks that use it are `make bench`'s).
# insn=repeat: the host boots this twice and fails unless the calibration loops gave the known
# answer (user-mode counts 2000000 apart), every phase printed here was counted, and every phase
# measured in ROUNDS rounds (datagrams through no rule and through 32 multiport rules), and its
# figure per packet and rule, repeats within 2 % in each boot and across the two. Here: that
# `insn` returns its command's status, and the datagrams all reached the final DROP.
. /vm/lib.sh
BE=legacy
M=3000
ROUNDS=5
insn_calibrate
check "insn: a command's success" insn "bench=selftest case=true" true
check_fails "insn: a command's failure" insn "bench=selftest case=false" false
check_fails "insn: no command" insn "bench=selftest case=none"
lab_reset
# 32 rules of a match each datagram (to port 9) goes through without matching.
rule='-p udp -m multiport --dports 1001,1002,1003,1004,1005,1006,1007,1008,1009,1010,1011,1012,1013,1014,20%d'
round=1
while [ $round -le $ROUNDS ]; do
	for rules in 0 32; do
		insn_ruleset ipt $rules "$rule" || fail "$rules multiport rules"
		label="bench=selftest case=udp rules=$rules round=$round"
		check "$label: sent" insn_send "$label" $M -s 127.0.0.2 -d 127.0.0.1 -m 0123456789
		check_eq "$label: every datagram reached the DROP" $M "$(insn_rule_packets ipt DROP)"
	done
	round=$((round + 1))
done
lab_reset
finish
