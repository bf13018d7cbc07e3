#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=flood smp=2 timeout=400
# A flood on 2 vCPUs, both backends: two senders, one pinned to each CPU, send the SAME list of
# N valid requests (increasing seqnos) interleaved with 3N bad ones. Each sender's packets are
# processed in order on its CPU, so every seqno is accepted exactly once if, and only if, the
# module's check-and-update of the seqno is atomic: exactly N SysRqs, no oops. With debug=1
# the refusals are logged, rate-limited: the SysRq lines are not.
. /vm/lib.sh
N=${FLOOD_N:-1000}
S=100000
rule='-p udp --dport 9 -j SYSRQ'
check_eq "two CPUs online" 2 "$(nproc)"
# Loopback delivery queues on each CPU's backlog; the SysRq console output slows its draining,
# and the default limit (1000) would drop datagrams before they reach the rule.
echo 100000 >/proc/sys/net/core/netdev_max_backlog

# The N requests: hash all N digest inputs with one sha1sum run (a fork per request is slow).
mkdir -p /tmp/flood
i=1
while [ $i -le $N ]; do
	printf '%s' "h,$((S + i)),s$i,127.0.0.1,$SYSRQ_PW" >/tmp/flood/$i
	i=$((i + 1))
done
(cd /tmp/flood && sha1sum $(seq 1 $N)) | while read -r digest i; do
	seq=$((S + i))
	echo "h,$seq,s$i,$digest"                            # valid
	echo "h,$((seq + 10 * N)),s$i,$digest"               # seqno changed: bad digest, higher seqno
	echo "h,$seq,t$i,$digest"                            # salt changed: bad digest
	echo "h,$seq,s$i,${digest%?}"                        # truncated digest (39 of 40)
done >/tmp/flood.txt
check_eq "flood list has 4N lines" $((4 * N)) "$(wc -l </tmp/flood.txt)"

# sender CPU SRC: send the list pinned to CPU; /tmp/senderCPU.times gets its start and end.
sender() {
	local start rc
	start=$(cut -d' ' -f1 /proc/uptime)
	taskset -c "$1" rawudp -s "$2" -d 127.0.0.1 -f /tmp/flood.txt
	rc=$?
	echo "$start $(cut -d' ' -f1 /proc/uptime)" >/tmp/sender"$1".times
	return $rc
}

for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	sysrq_load ours || { fail "$BE: load our xt_SYSRQ"; continue; }
	echo $S >$SYSRQ_PARAMS/seqno
	echo 1 >$SYSRQ_PARAMS/debug
	# shellcheck disable=SC2086
	check "$BE: insert the SYSRQ rule" ipt -A INPUT $rule
	log_mark
	sender 0 127.0.0.2 &
	a=$!
	sender 1 127.0.0.3 &
	b=$!
	wait $a
	ra=$?
	wait $b
	rb=$?
	check_eq "$BE: both senders finished" "0 0" "$ra $rb"
	read -r a0 a1 </tmp/sender0.times
	read -r b0 b1 </tmp/sender1.times
	check "$BE: the senders ran at the same time ($a0-$a1 s and $b0-$b1 s after boot)" \
		awk -v a0="$a0" -v a1="$a1" -v b0="$b0" -v b1="$b1" 'BEGIN { exit !(a0 < b1 && b0 < a1) }'
	wait_rule_packets ipt $((8 * N))
	check_eq "$BE: no datagram dropped on a full backlog" 0 "$(backlog_drops)"
	check_eq "$BE: the rule saw all $((8 * N)) datagrams" $((8 * N)) "$(rule_packets ipt)"
	expect_handled "$BE: exactly the $N valid requests handled" $N
	check_eq "$BE: stored seqno is the last valid one" $((S + N)) "$(cat $SYSRQ_PARAMS/seqno)"
	refusals=$(log_since | grep 'xt_SYSRQ: ' | grep -vc 'SysRq h$')
	check "$BE: refusal log lines rate-limited ($refusals for $((6 * N)) refused requests)" \
		[ "$refusals" -le 100 ]
done
lab_reset
finish
