#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=pknock-gc smp=1 timeout=300
# Garbage collection in our xt_pknock: peers that stopped after their first knock are freed
# by the rule's GC timer (gc_expir_time: 65 s after the first peer, then every 65 s) once their
# --time has run out (monotonic clock, real time); an ALLOWED peer without --autoclose is kept.
# /proc/net/xt_pknock_stats counts the peers held in memory. One backend: the GC is kernel
# code the backend does not reach, and each run waits 65 s of real time.
. /vm/lib.sh
PK=/proc/net/xt_pknock

peers() { sed -n 's/^name=GC peers=\([0-9]*\) .*/\1/p' /proc/net/xt_pknock_stats; }

BE=$ONE_BACKEND
lab_reset
use_plugins ours || fail "our plugin is not in the image"
load_module ours xt_pknock || fail "load our xt_pknock"
check "rule with --time 10" ipt -A INPUT -p tcp -m pknock --knockports 4002,4001,4004 --name GC --time 10 -m tcp --dport 22 -j ACCEPT
# The GC timer starts with the first peer and fires 65 s later, whatever knocks came since: the
# 11 peers must all be counted before, so the half-way knocks are sent without a wait each (a
# loaded guest took about 8 s a tcp_knock). One vCPU: loopback's backlog is one queue, so once
# 127.0.0.20's knocks arrived, theirs had.
i=2
while [ $i -le 11 ]; do
	tcp_syn 127.0.0.$i 4002
	i=$((i + 1))
done
check "the knocks from 127.0.0.20 arrived" tcp_knock 127.0.0.20 4002 4001 4004
check_eq "10 half-way peers and 1 allowed peer held" 11 "$(peers)"
check_eq "the allowed peer is ALLOWED" 1 "$(grep -c '^src=127.0.0.20 .*status=ALLOWED' $PK/GC)"

# Past --time, then the GC interval (65 s), in real time: wait for the GC to free the half-way
# peers (at most 150 s) rather than for a fixed time.
i=0
while [ "$(peers)" != 1 ] && [ $i -lt 150 ]; do
	sleep 1
	i=$((i + 1))
done
check_eq "after GC: only the allowed peer is held" 1 "$(peers)"
check_eq "after GC: /proc lists only the allowed peer" "127.0.0.20" \
	"$(sed -n 's/^src=\([^ ]*\) .*/\1/p' $PK/GC | tr '\n' ' ' | sed 's/ $//')"
ipt -F INPUT
lab_reset
finish
