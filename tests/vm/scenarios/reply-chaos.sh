#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=reply smp=1 timeout=240
# CHAOS, our module and plugin, both backends: rules insert with no option, --delude and
# --tarpit and list as upstream's; the parameters are upstream's (names, defaults, 0644) and
# take effect at run time: reject_percentage 2^32-1 rejects with ICMP host-unreachable (the
# client's connect fails with EHOSTUNREACH); with reject 0 and delude_percentage 2^32-1,
# --delude answers as DELUDE, --tarpit as TARPIT's tarpit mode (window 5, the route's TTL:
# upstream ran honeypot mode, TTL 128); both 0 drop silently; in OUTPUT nothing but the drop
# (a TCP connect gets no answer, a UDP sender sees EPERM). A burst of SYNs, ACKs, RSTs and junk from 500 sources through the
# default rule causes nothing bad.
. /vm/lib.sh

P=/sys/module/xt_CHAOS/parameters
# first_reply: "FLAGS WIN TTL SUM" of the first segment pktprobe captured, on stdin.
first_reply() { segs | head -n 1 | awk '{ print $1, $4, $5, $6 }'; }

for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	load_module ours xt_CHAOS || { fail "$BE: load our xt_CHAOS"; continue; }
	check_eq "$BE: upstream's defaults" "42949672 43379169" "$(cat $P/reject_percentage) $(cat $P/delude_percentage)"
	check_eq "$BE: parameters are 0644" "-rw-r--r-- -rw-r--r--" \
		"$(ls -l $P/reject_percentage | cut -d' ' -f1) $(ls -l $P/delude_percentage | cut -d' ' -f1)"
	check "$BE: insert -j CHAOS" ipt -A INPUT -p tcp --dport 81 -j CHAOS
	check "$BE: insert -j CHAOS --delude" ipt -A INPUT -p tcp --dport 82 -j CHAOS --delude
	check "$BE: insert -j CHAOS --tarpit" ipt -A INPUT -p tcp --dport 83 -j CHAOS --tarpit
	check_eq "$BE: -S lists them as upstream's plugin would" \
		"-A INPUT -p tcp -m tcp --dport 81 -j CHAOS
-A INPUT -p tcp -m tcp --dport 82 -j CHAOS --delude
-A INPUT -p tcp -m tcp --dport 83 -j CHAOS --tarpit" "$(ipt -S INPUT | grep CHAOS | sed 's/ $//')"

	echo 4294967295 >$P/reject_percentage
	check_eq "$BE: reject 2^32-1: connect fails with EHOSTUNREACH" "error 113" "$(pktprobe connect -w 3 127.0.0.1 81)"
	echo 0 >$P/reject_percentage
	echo 4294967295 >$P/delude_percentage
	out=$(pktprobe connect -w 2 -c 127.0.0.1 82)
	echo "$out"
	check_eq "$BE: --delude: connect completes, then is reset" reset "$(echo "$out" | head -n 1)"
	check_eq "$BE: --delude: DELUDE's SYN-ACK (window 0, TTL 64)" "SA 0 64 ok" "$(echo "$out" | first_reply)"
	out=$(pktprobe connect -w 2 -c 127.0.0.1 83)
	echo "$out"
	check_eq "$BE: --tarpit: connect completes" connected "$(echo "$out" | head -n 1)"
	check_eq "$BE: --tarpit: TARPIT's tarpit SYN-ACK (window 5, TTL 64; upstream: honeypot, TTL 128)" \
		"SA 5 64 ok" "$(echo "$out" | first_reply)"
	check_eq "$BE: no option: dropped" timeout "$(pktprobe connect -w 2 127.0.0.1 81)"
	echo 0 >$P/delude_percentage
	check_eq "$BE: delude 0: --tarpit drops silently" timeout "$(pktprobe connect -w 2 127.0.0.1 83)"
	check "$BE: CHAOS in OUTPUT" ipt -A OUTPUT -p tcp --dport 84 -j CHAOS --tarpit
	check "$BE: CHAOS in OUTPUT, UDP" ipt -A OUTPUT -p udp --dport 84 -j CHAOS --tarpit
	echo 4294967295 >$P/delude_percentage
	out=$(pktprobe connect -w 2 -c 127.0.0.1 84)
	echo "$out"
	check_eq "$BE: OUTPUT: no TARPIT answer, only the drop" "timeout" "$out"
	check_eq "$BE: OUTPUT: a UDP sender sees EPERM" "error 1" "$(pktprobe send 127.0.0.1 84 x)"
	ipt -F OUTPUT

	echo 42949672 >$P/reject_percentage
	echo 43379169 >$P/delude_percentage
	check "$BE: CHAOS --tarpit for everything from 127.1/16" ipt -I INPUT -p tcp -s 127.1.0.0/16 -j CHAOS --tarpit
	for flags in S A R FA ""; do
		pktprobe tcp -s 127.1.0.1 -d 127.0.0.1 -S 500 -n 500 -f "$flags" -w 200 | tail -n 1
	done
	pktprobe tcp -s 127.1.0.1 -d 127.0.0.1 -S 500 -n 500 -f S -B -w 200 | tail -n 1
	check "$BE: the burst reached the rule" wait_rule_packets ipt 3000 CHAOS
	check_fails "$BE: ip6tables has no CHAOS" ip6t -A INPUT -p tcp -j CHAOS
	check_fails "$BE: table mangle refused" ipt -t mangle -A INPUT -j CHAOS
done
lab_reset
finish
