#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=account-bench smp=1 timeout=900 needs=upstream-modules insn=yes
# Benchmark for bench/account.md (no timed or counted assertions), our xt_ACCOUNT and upstream's
# in the same boot under the instruction-count plugin, legacy backend, one vCPU: M datagrams
# through INPUT with no ACCOUNT rule and with 32 (one table each, /24, /16 or /0), ROUNDS
# rounds alternating the modules, each an `insn` phase (tests/vm/insn/report.py turns them into
# instructions per packet and rule); the same for IPv6 through ip6tables rules of one /64 table
# each (ours only: upstream has no IPv6 tables); filling a /16 from 65536 sources and
# iptaccount -l -f of it; the memory a full and a sparse /16 take (MemFree). Checks that every
# table counted every datagram exactly, so the phases measure what they claim.
. /vm/lib.sh
M=3000
ROUNDS=5
NET6=2001:db8::
ACC=/opt/upstream/iptaccount
BE=$ONE_BACKEND
echo 100000 >/proc/sys/net/core/netdev_max_backlog

memfree() { awk '$1 == "MemFree:" { print $2 }' /proc/meminfo; }

# phase 4|6 LABEL: M datagrams of the same 10-byte payload (38 bytes over IPv4, 127.0.0.2 ->
# 127.0.0.1; 58 over IPv6, ${NET6}2 -> ${NET6}1) as the insn phase LABEL; all must reach the
# final DROP.
phase() {
	if [ "$1" = 6 ]; then
		insn_send "$2" "$M" -6 -s ${NET6}2 -d ${NET6}1 -m 0123456789 &&
			check_eq "$2: every datagram reached the DROP" "$M" "$(insn_rule_packets ip6t DROP)"
	else
		insn_send "$2" "$M" -s 127.0.0.2 -d 127.0.0.1 -m 0123456789 &&
			check_eq "$2: every datagram reached the DROP" "$M" "$(insn_rule_packets ipt DROP)"
	fi || fail "$2: rawudp failed"
}

# The IPv6 destination is local (lo does no duplicate address detection).
check "${NET6}1/64 on lo" ip -6 addr add ${NET6}1/64 dev lo
insn_calibrate

# Per packet and rule: the modules alternate round by round; within a round, a module's 0-rule
# phase and its three table shapes. /24 and /16 hold both addresses of every datagram (two
# counters per rule and packet), /0 counts every datagram as the source 0.0.0.0.
round=1
while [ $round -le "$ROUNDS" ]; do
	for MOD in ours upstream; do
		use_plugins upstream && insn_reload $MOD xt_ACCOUNT || { fail "$MOD: load"; continue; }
		insn_ruleset ipt 0 || fail "$MOD: no rules"
		phase 4 "bench=account impl=$MOD rules=0 round=$round"
		for net in 127.0.0.0/24 127.0.0.0/16 0.0.0.0/0; do
			case=ipv4/${net#*/} t=t${net#*/}_
			# Tables of their own: a restore checks the new rules before it drops the old.
			insn_ruleset ipt 32 "-p udp -j ACCOUNT --addr $net --tname $t%d" ||
				{ fail "$MOD $case: 32 rules"; continue; }
			phase 4 "bench=account case=$case impl=$MOD rules=32 round=$round"
			if [ "$net" = 0.0.0.0/0 ]; then
				want="IP: 0.0.0.0 SRC packets: $M bytes: $((38 * M)) DST packets: 0 bytes: 0"
			else
				want="IP: 127.0.0.1 SRC packets: 0 bytes: 0 DST packets: $M bytes: $((38 * M))
IP: 127.0.0.2 SRC packets: $M bytes: $((38 * M)) DST packets: 0 bytes: 0"
			fi
			check_eq "$MOD $case round $round: table ${t}31 counted every datagram" \
				"$want" "$($ACC -l ${t}31 | grep '^IP: ')"
		done
	done
	if use_plugins ours && insn_reload ours xt_ACCOUNT; then
		insn_ruleset ip6t 0 || fail "ours6: no rules"
		phase 6 "bench=account case=ipv6/64 impl=ours rules=0 round=$round"
		insn_ruleset ip6t 32 "-p udp -j ACCOUNT --addr ${NET6}/64 --tname t%d" ||
			fail "ours6: 32 rules"
		phase 6 "bench=account case=ipv6/64 impl=ours rules=32 round=$round"
		check_eq "ours ipv6/64 round $round: table t31 counted every datagram" \
			"${NET6}2 $M $((58 * M)) 0 0" "$(accsockopt read6 t31 | grep "^${NET6}2 ")"
	else
		fail "ours6: load"
	fi
	round=$((round + 1))
done
ip -6 addr del ${NET6}1/64 dev lo

# A /16 filled from 65536 sources (and the memory it then takes), read and flushed (upstream's
# iptaccount for both modules: mostly its formatting of 65536 lines, in user mode); a sparse /16
# (one address in each of its 256 /24s) and its memory.
for MOD in ours upstream; do
	use_plugins upstream && insn_reload $MOD xt_ACCOUNT || { fail "$MOD: load"; continue; }
	printf '%s\n' '*filter' '-A INPUT -p udp -j ACCOUNT --addr 10.1.0.0/16 --tname t16' \
		'-A INPUT -p udp -j ACCOUNT --addr 10.2.0.0/16 --tname sparse' '-A INPUT -p udp -j DROP' \
		COMMIT | ipt_restore || fail "$MOD: the /16 rules"
	free0=$(memfree)
	check "$MOD: 65536 sources sent" insn "bench=account case=fill16 impl=$MOD" \
		udpsweep -s 10.1.0.0 -c 65536 -d 127.0.0.1 -b 1
	echo "BENCH account $MOD memory16-full kB=$((free0 - $(memfree)))"
	insn "bench=account case=readflush16 impl=$MOD" $ACC -l t16 -f >/tmp/acc16.out
	check_eq "$MOD: /16 read and flushed: 65536 items" "Run #0 - 65536 items found" \
		"$(grep '^Run' /tmp/acc16.out)"
	free0=$(memfree)
	udpsweep -s 10.2.0.7 -S 256 -c 256 -d 127.0.0.1 -b 1
	echo "BENCH account $MOD memory16-sparse kB=$((free0 - $(memfree)))"
	check_eq "$MOD: sparse /16: 256 items" "Run #0 - 256 items found" "$($ACC -l sparse | grep '^Run')"
done
acc_reset
finish
