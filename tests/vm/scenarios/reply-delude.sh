#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=reply smp=1 timeout=200
# DELUDE, our module and plugin, both backends, IPv4 and (beyond upstream) IPv6: a connect
# to a port without a listener is refused without a rule; with -j DELUDE the handshake
# completes (a SYN-ACK with window 0, the route's TTL where upstream sent TTL 0 and hit a
# kernel WARN, and a random initial sequence number where upstream's is 0), then the
# client's ACK gets an RST (on lo, before connect() returns: it reports the reset). Raw segments get SYN-ACK or REJECT's tcp-reset, an RST nothing.
# The rule must be -p tcp in filter's INPUT or FORWARD.
. /vm/lib.sh

for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	load_module ours xt_DELUDE || { fail "$BE: load our xt_DELUDE"; continue; }
	check_eq "$BE: IPv4 connect without a rule is refused" refused "$(pktprobe connect -w 3 127.0.0.1 80)"
	check "$BE: insert -j DELUDE" ipt -A INPUT -p tcp --dport 80 -j DELUDE
	check "$BE: insert ip6tables -j DELUDE" ip6t -A INPUT -p tcp --dport 80 -j DELUDE
	for addr in 127.0.0.1 ::1; do
		fam=
		[ $addr = ::1 ] && fam=-6
		out=$(pktprobe connect $fam -w 2 -c $addr 80)
		echo "$out"
		check_eq "$BE: $addr: connect completes, then is reset" reset "$(echo "$out" | head -n 1)"
		check_eq "$BE: $addr: a SYN-ACK (window 0, TTL 64), then an RST to the handshake's ACK" \
			"SA 0 64 ok
R 0 64 ok" "$(echo "$out" | seg flags win ttl sum)"
		isn1=$(echo "$out" | grep '^tcp ' | head -n 1 | seg seq)
		isn2=$(pktprobe connect $fam -w 1 -c $addr 80 | grep '^tcp ' | head -n 1 | seg seq)
		check "$BE: $addr: initial sequence numbers vary ($isn1, $isn2)" test "$isn1" != "$isn2"
	done
	raw_answer DELUDE "$BE: IPv4 SYN -> SYN-ACK" "" 127.0.0.2 127.0.0.1 S "" "SA isn 1001 0 64 ok"
	raw_answer DELUDE "$BE: IPv4 SYN with 5 bytes -> SYN-ACK acknowledging them" "" 127.0.0.2 127.0.0.1 S hello \
		"SA isn 1006 0 64 ok"
	raw_answer DELUDE "$BE: IPv4 ACK -> RST" "" 127.0.0.2 127.0.0.1 A "" "R 9000 0 0 64 ok"
	raw_answer DELUDE "$BE: IPv4 PSH with data, no ACK -> RST+ACK" "" 127.0.0.2 127.0.0.1 P abc "RA 0 1003 0 64 ok"
	raw_answer DELUDE "$BE: IPv4 SYN+FIN -> RST+ACK" "" 127.0.0.2 127.0.0.1 SF "" "RA 0 1002 0 64 ok"
	raw_answer DELUDE "$BE: IPv4 RST -> nothing" "" 127.0.0.2 127.0.0.1 R "" none
	raw_answer DELUDE "$BE: IPv6 SYN -> SYN-ACK" -6 ::1 ::1 S "" "SA isn 1001 0 64 ok"
	raw_answer DELUDE "$BE: IPv6 FIN+ACK -> RST" -6 ::1 ::1 FA "" "R 9000 0 0 64 ok"
	check_fails "$BE: -p udp refused" ipt -A INPUT -p udp -j DELUDE
	check_fails "$BE: OUTPUT refused" ipt -A OUTPUT -p tcp -j DELUDE
	check_fails "$BE: table mangle refused" ipt -t mangle -A INPUT -p tcp -j DELUDE
done
lab_reset
finish
