#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=reply smp=1 timeout=200
# ECHO, our module and plugin, both backends, IPv4 and IPv6: a UDP datagram to a -j ECHO port
# comes back byte for byte (empty, 1 byte, 1400 bytes, 60000 bytes), from the port it was
# sent to, with the route's TTL and a checksum that verifies; nothing comes back without the
# rule. A datagram from the ECHO port itself is not echoed (two echo services would bounce it
# forever). The rule must be -p udp in the filter table.
. /vm/lib.sh

big=$(head -c 60000 /dev/zero | tr '\0' e)
mid=$(printf 'm%.0s' $(seq 1400))

for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	load_module ours xt_ECHO || { fail "$BE: load our xt_ECHO"; continue; }
	check_eq "$BE: no reply without a rule" timeout "$(pktprobe udp -w 1 127.0.0.1 7 hello)"
	check "$BE: insert -j ECHO" ipt -A INPUT -p udp --dport 7 -j ECHO
	check "$BE: insert ip6tables -j ECHO" ip6t -A INPUT -p udp --dport 7 -j ECHO
	for addr in 127.0.0.1 ::1; do
		fam=
		t=ipt
		[ $addr = ::1 ] && fam=-6 && t=ip6t
		for payload in "hello, echo" x "$mid" "$big" ""; do
			check "$BE: $addr: ${#payload} bytes come back byte for byte" \
				pktprobe udp $fam -w 3 $addr 7 "$payload"
		done
		# Sent once the capture listens; $(...) returns when the capture ends (its stdout).
		n=$(lo_captures)
		out=$( (pktprobe capture $fam -u -p 7 -w 1500 &)
			wait_at_least $((n + 1)) lo_captures
			pktprobe udp $fam -P 5555 $addr 7 ping >/dev/null)
		echo "$out"
		check_eq "$BE: $addr: the echo comes from port 7 to 5555, TTL 64, checksum ok" \
			"7 5555 64 ok 70696e67" \
			"$(echo "$out" | sed -n 's/^udp [^ ]*:\([0-9]*\) > [^ ]*:\([0-9]*\) ttl=\([0-9]*\) len=[0-9]* sum=\([a-z]*\) data=\(.*\)/\1 \2 \3 \4 \5/p')"
		before=$(rule_packets $t ECHO)
		check_eq "$BE: $addr: a datagram from port 7 is not echoed" timeout \
			"$(pktprobe udp $fam -w 1 -P 7 $addr 7 loop)"
		check "$BE: $addr: ... though it reached the rule" wait_rule_packets $t $((before + 1)) ECHO
	done
	check_fails "$BE: -p tcp refused" ipt -A INPUT -p tcp -j ECHO
	check_fails "$BE: table mangle refused" ipt -t mangle -A INPUT -p udp -j ECHO
done
lab_reset
finish
