#!/bin/sh
# xavm: boot=flood smp=2 timeout=400
# A flood on 2 vCPUs, both backends: two senders, one pinned to each CPU, send the SAME list of
# N valid requests (increasing seqnos) interleaved with 3N bad ones. Each sender's packets are
# processed in order on its CPU, so every seqno is accepted exactly once if, and only if, the
# module's check-and-update of the seqno is atomic: exactly N SysRqs, no oops. With debug=1
# the refusals are logged, rate-limited: the SysRq lines are not.
. /vm/lib.sh
N=${FLOOD_N:-400}
S=100000
rule='-p udp --dport 9 -j SYSRQ'
check_eq "two CPUs online" 2 "$(nproc)"

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
	echo "h,$seq,s$i,$(echo "$digest" | cut -c1-39)"     # truncated digest
done >/tmp/flood.txt
check_eq "flood list has 4N lines" $((4 * N)) "$(wc -l </tmp/flood.txt)"

for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	sysrq_load ours || { fail "$BE: load our xt_SYSRQ"; continue; }
	echo $S >$SYSRQ_PARAMS/seqno
	echo 1 >$SYSRQ_PARAMS/debug
	# shellcheck disable=SC2086
	check "$BE: insert the SYSRQ rule" ipt -A INPUT $rule
	log_mark
	taskset -c 0 rawudp -s 127.0.0.2 -d 127.0.0.1 -f /tmp/flood.txt &
	a=$!
	taskset -c 1 rawudp -s 127.0.0.3 -d 127.0.0.1 -f /tmp/flood.txt &
	b=$!
	wait $a
	ra=$?
	wait $b
	rb=$?
	check_eq "$BE: both senders finished" "0 0" "$ra $rb"
	usleep 500000
	check_eq "$BE: the rule saw all $((8 * N)) datagrams" $((8 * N)) "$(rule_packets ipt)"
	expect_handled "$BE: exactly the $N valid requests handled" $N
	check_eq "$BE: stored seqno is the last valid one" $((S + N)) "$(cat $SYSRQ_PARAMS/seqno)"
	refusals=$(log_since | grep 'xt_SYSRQ: ' | grep -vc 'SysRq h$')
	check "$BE: refusal log lines rate-limited ($refusals for $((6 * N)) refused requests)" \
		[ "$refusals" -le 100 ]
done
lab_reset
finish
