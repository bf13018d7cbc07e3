#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=flood smp=2 timeout=200
# A flood of first knocks from 4000 spoofed sources (two senders, one per vCPU) against our
# xt_pknock loaded with peer_limit=256, both backends (our plugin):
# the rule's peer count never exceeds the limit (/proc/net/xt_pknock_stats: peers, evicted),
# a client that knocked twice before the flood and once after it gets in (peers past their
# first knock are never evicted), a client knocking during the flood gets in within a few
# attempts; deleting and re-adding the rule while the flood runs is safe; nothing oopses.
. /vm/lib.sh
PK=/proc/net/xt_pknock
LIMIT=256
check_eq "two CPUs online" 2 "$(nproc)"
echo 100000 >/proc/sys/net/core/netdev_max_backlog

status() {
	awk -v s="src=$2" '$1 == s { sub("status=", "", $3); print $3; f = 1 } END { if (!f) print "none" }' $PK/"$1"
}
# allowed NAME SRC: SRC is an ALLOWED peer of NAME.
allowed() { [ "$(status "$1" "$2")" = ALLOWED ]; }
# knock_send SRC PORT...: a datagram from SRC to each PORT, all from vCPU 0, whose loopback
# backlog delivers them in the order sent.
knock_send() {
	local src=$1 p
	shift
	for p in "$@"; do taskset -c 0 rawudp -s "$src" -d 127.0.0.1 -p "$p" -m k || return 1; done
}
# knock SRC PORT...: knock_send, then wait until they all arrived (at most 60 s; it fails,
# saying so, when they did not).
knock() { sent "$1" $(($# - 1)) knock_send "$@"; }
stat_field() { sed -n "s/^name=FLOOD .*$1=\([0-9]*\).*/\1/p" /proc/net/xt_pknock_stats; }

flood_run() {
	local what="$BE $1 plugin" tries peers a b rc flood
	check "$what: knock rule" ipt -A INPUT -p udp -m pknock --knockports 5001,5002,5003 --strict --name FLOOD --time 60
	# 127.0.0.2's sequence must end within --time 60 of its second knock: the counting rules
	# are set up before it, not inside that window.
	flood=$(arrived 10.0.0.0/8)
	arrived 127.0.0.3 >/dev/null
	check "$what: 127.0.0.2 knocks twice before the flood" knock 127.0.0.2 5001 5002
	taskset -c 0 pkflood 10.1.0.1 2000 127.0.0.1 5001 &
	a=$!
	taskset -c 1 pkflood 10.2.0.1 2000 127.0.0.1 5001 &
	b=$!
	# A client knocking while the flood runs; it retries a sequence that got evicted.
	tries=0
	while [ $tries -lt 10 ] && [ "$(status FLOOD 127.0.0.3)" != ALLOWED ]; do
		tries=$((tries + 1))
		# One more attempt by an ALLOWED peer (the status read while the other vCPU was still
		# between the counting rule and pknock's) only passes.
		knock 127.0.0.3 5001 5002 5003 || fail "$what: attempt $tries: the knocks from 127.0.0.3 did not arrive"
	done
	rc=0
	wait $a || rc=1
	wait $b || rc=1
	check_eq "$what: both flood senders succeeded" 0 $rc
	# They returned; their last datagrams may still be on the backlogs.
	check "$what: the 4000 flood datagrams arrived" wait_arrived 10.0.0.0/8 $((flood + 4000))
	echo "client during the flood: $tries attempt(s)"
	# The last knock arrived; on two vCPUs pknock's rule may not have seen it yet.
	wait_for 60 allowed FLOOD 127.0.0.3
	check_eq "$what: client knocking during the flood got in" ALLOWED "$(status FLOOD 127.0.0.3)"
	check "$what: 127.0.0.2's last knock after the flood" knock 127.0.0.2 5003
	wait_for 60 allowed FLOOD 127.0.0.2 # as for 127.0.0.3
	check_eq "$what: client half-way through before the flood got in after it" ALLOWED "$(status FLOOD 127.0.0.2)"
	cat /proc/net/xt_pknock_stats
	peers=$(stat_field peers)
	check "$what: peers ($peers) at most peer_limit ($LIMIT)" [ "${peers:-999999}" -le $LIMIT ]
	check_eq "$what: /proc lists as many peers as counted" "$peers" "$(wc -l <$PK/FLOOD)"
	check "$what: at least 3500 first-knock peers evicted ($(stat_field evicted))" [ "$(stat_field evicted)" -ge 3500 ]
	check_eq "$what: no peer refused" 0 "$(stat_field refused)"
	grep -E 'kmalloc-(96|128) ' /proc/slabinfo 2>/dev/null
	ipt -F INPUT

	# Rules deleted and re-added while both CPUs deliver knocks: the name's table is torn
	# down (RCU, GC timer) under traffic; the lab fails the boot on any oops or warning.
	ipt -A INPUT -p udp -m pknock --knockports 5001,5002,5003 --strict --name FLOOD --time 60
	taskset -c 0 pkflood 10.3.0.1 3000 127.0.0.1 5001 &
	a=$!
	taskset -c 1 pkflood 10.4.0.1 3000 127.0.0.1 5001 &
	b=$!
	for i in 1 2 3; do
		ipt -F INPUT
		ipt -A INPUT -p udp -m pknock --knockports 5001,5002,5003 --strict --name FLOOD --time 60
	done
	wait $a
	wait $b
	check "$what: rules replaced 3 times during a flood, table still there" [ -e $PK/FLOOD ]
	ipt -F INPUT
	check_fails "$what: ... and gone with its rule" [ -e $PK/FLOOD ]
}

# Our plugin (it also drives ip6tables); upstream's plugin with our module is pknock-interop.
v=ours
for BE in $BACKENDS; do
	lab_reset
	use_plugins $v || continue
	load_module ours xt_pknock peer_limit=$LIMIT || { fail "$BE: load our xt_pknock"; continue; }
	flood_run $v
done
lab_reset
finish
