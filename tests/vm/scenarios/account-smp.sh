#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=account smp=2 timeout=300
# Our xt_ACCOUNT under load on 2 vCPUs, both backends: two senders pinned to the two CPUs (their
# run times must overlap) each send N datagrams into one /24 table while a reader keeps reading
# and flushing it with iptaccount -f. The flushed reads plus the final one add up exactly to the
# traffic sent (no packet lost or counted twice across a flush), no oops.
. /vm/lib.sh
N=${ACCOUNT_LOAD_N:-20000}
ACC=/opt/upstream/iptaccount
check_eq "two CPUs online" 2 "$(nproc)"
echo 100000 >/proc/sys/net/core/netdev_max_backlog

# sender CPU SRC: N datagrams of 38 bytes from SRC, pinned to CPU; start/end times kept.
sender() {
	local start rc
	start=$(cut -d' ' -f1 /proc/uptime)
	taskset -c "$1" rawudp -s "$2" -d 127.0.0.1 -m 0123456789 -n "$N"
	rc=$?
	echo "$start $(cut -d' ' -f1 /proc/uptime)" >/tmp/acc-sender"$1".times
	return $rc
}

# sums: "SRC(.2) SRC(.3) DST(.1) packets, and bytes of each" over every read in $@.
sums() {
	cat "$@" | awk '
		$1 == "IP:" { sp[$2] += $5; sb[$2] += $7; dp[$2] += $10; db[$2] += $12 }
		END { printf "%d %d %d %d %d %d\n", sp["127.0.0.2"], sp["127.0.0.3"], dp["127.0.0.1"],
			sb["127.0.0.2"], sb["127.0.0.3"], db["127.0.0.1"] }'
}

# counted_to_1: 127.0.0.1's destination packets in the reads so far and in the table now.
counted_to_1() {
	$ACC -l lo >/tmp/acc-peek
	sums /tmp/acc-read.* /tmp/acc-peek | cut -d' ' -f3
}

for BE in $BACKENDS; do
	acc_reset
	use_plugins upstream || continue
	load_module ours xt_ACCOUNT || { fail "$BE: load our xt_ACCOUNT"; continue; }
	check "$BE: insert the rule" ipt -A INPUT -p udp -j ACCOUNT --addr 127.0.0.0/24 --tname lo
	rm -f /tmp/acc-read.*
	drops0=$(backlog_drops)
	sender 0 127.0.0.2 &
	a=$!
	sender 1 127.0.0.3 &
	b=$!
	i=0
	while kill -0 $a 2>/dev/null || kill -0 $b 2>/dev/null; do
		i=$((i + 1))
		$ACC -l lo -f >/tmp/acc-read.$i
	done
	wait $a
	ra=$?
	wait $b
	rb=$?
	check_eq "$BE: both senders finished" "0 0" "$ra $rb"
	read -r a0 a1 </tmp/acc-sender0.times
	read -r b0 b1 </tmp/acc-sender1.times
	check "$BE: the senders ran at the same time ($a0-$a1 s and $b0-$b1 s after boot)" \
		awk -v a0="$a0" -v a1="$a1" -v b0="$b0" -v b1="$b1" 'BEGIN { exit !(a0 < b1 && b0 < a1) }'
	# Their last datagrams may still be on the backlogs: wait (at most 60 s) until the reads and
	# what the table holds now (not flushed) add up to every datagram to 127.0.0.1.
	wait_at_least $((2 * N)) counted_to_1
	$ACC -l lo -f >/tmp/acc-read.final
	check "$BE: read and flushed $i times during the load" [ "$i" -ge 2 ]
	check_eq "$BE: no datagram dropped on a full backlog" "$drops0" "$(backlog_drops)"
	check_eq "$BE: the rule saw all datagrams" $((2 * N)) "$(ipt -L INPUT -v -x -n | awk '$3 == "ACCOUNT" { print $1; exit }')"
	check_eq "$BE: counters add up exactly over all reads" \
		"$N $N $((2 * N)) $((38 * N)) $((38 * N)) $((76 * N))" "$(sums /tmp/acc-read.*)"
	check_eq "$BE: handles all freed" "Current kernel handle usage: 0" "$($ACC -u | grep Current)"
done
acc_reset
finish
