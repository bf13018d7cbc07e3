#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=reply-flood smp=2 timeout=500
# SYN floods on 2 vCPUs against TARPIT (our module), both backends: two senders pinned one to
# each CPU send N SYNs each from N spoofed sources (127.1.x.y and 127.2.x.y, all local on lo).
# Every SYN reaches the rule (counter), no SYN gets more than one reply, replies come; the same
# flood with bad checksums gets no reply at all. Then TARPIT still holds a normal connection.
# No oops, no WARNING (the lab fails the boot on either).
. /vm/lib.sh
N=${REPLY_FLOOD_N:-5000}
check_eq "two CPUs online" 2 "$(nproc)"
echo 100000 >/proc/sys/net/core/netdev_max_backlog

# flood SENDER-OPTS: both senders at once; sets R0 and R1, the replies each captured.
flood() {
	taskset -c 0 pktprobe tcp -s 127.1.0.1 -d 127.0.0.1 -S $N -n $N -w 4000 "$@" >/tmp/flood0 &
	taskset -c 1 pktprobe tcp -s 127.2.0.1 -d 127.0.0.1 -S $N -n $N -w 4000 "$@" >/tmp/flood1 &
	wait
	R0=$(sed -n 's/^replies //p' /tmp/flood0)
	R1=$(sed -n 's/^replies //p' /tmp/flood1)
}

for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	load_module ours xt_TARPIT || { fail "$BE: load our xt_TARPIT"; continue; }
	check "$BE: insert -j TARPIT" ipt -A INPUT -p tcp -d 127.0.0.1 --dport 80 --tcp-flags SYN,ACK,RST SYN -j TARPIT
	flood -f S
	check "$BE: every SYN reached the rule" wait_rule_packets ipt $((2 * N)) TARPIT
	echo "replies captured: $R0 $R1 (backlog drops $(backlog_drops))"
	check "$BE: SYN-ACKs came back (sender 0: $R0, sender 1: $R1)" test "$R0" -gt 0 -a "$R1" -gt 0
	check "$BE: never more than one reply per SYN" test "$R0" -le $N -a "$R1" -le $N
	before=$(rule_packets ipt TARPIT)
	flood -f S -B
	check "$BE: every bad-checksum SYN reached the rule" wait_rule_packets ipt $((before + 2 * N)) TARPIT
	check_eq "$BE: bad checksums: no reply at all" "0 0" "$R0 $R1"
	check "$BE: a TARPIT rule for port 81" ipt -A INPUT -p tcp --dport 81 -j TARPIT
	check_eq "$BE: a connection is still held" connected "$(pktprobe connect -w 2 127.0.0.1 81)"
done
lab_reset
finish
