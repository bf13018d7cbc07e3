#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=pknock-race smp=2 timeout=900
# The life of rule names (the per-namespace registry under our xt_pknock), both backends,
# two vCPUs. A whole-table replace (save | restore) keeps a name and its peers (checkentry of
# the new rule runs before destroy of the old one). Then, in the host and two child
# namespaces at once, iptables-restore on vCPU 0 and ip6tables-restore on vCPU 1 (own lock
# files, so they really run together) each replace the raw table 100 times with 40 rules
# named RACE1..RACE40 and as often with an empty one, while spoofed first knocks flood
# the host's names from both vCPUs: every restore succeeds, each
# namespace ends without a RACE name, and the kernel logs no warning (before /proc files
# were removed under the registry's lock, a create racing a destroy of the same name hit
# "proc_dir_entry 'xt_pknock/RACE...' already registered" and failed). Last,
# 20 namespaces each die with live rules and peers (their exit and the rules' destroy meet
# in either order); the host's own rule and peer are untouched throughout.
. /vm/lib.sh
PK=/proc/net/xt_pknock
ROUNDS=10
BLOCKS=10
NAMES=40
RULE='-p tcp -m pknock --knockports 4001,4002 --name RACE1 --time 10'
check_eq "two CPUs online" 2 "$(nproc)"
chmod 1777 /tmp
b=0
while [ $b -lt $BLOCKS ]; do
	echo '*raw'
	i=1
	while [ $i -le $NAMES ]; do
		echo "-A PREROUTING -p udp -m pknock --knockports 4001,4002 --name RACE$i --time 10"
		i=$((i + 1))
	done
	printf 'COMMIT\n*raw\nCOMMIT\n'
	b=$((b + 1))
done >/tmp/race.rules

status() {
	awk -v s="src=$2" '$1 == s { sub("status=", "", $3); print $3; f = 1 } END { if (!f) print "none" }' $PK/"$1" 2>/dev/null
}
# allowed NAME SRC: SRC is an ALLOWED peer of NAME.
allowed() { [ "$(status "$1" "$2")" = ALLOWED ]; }

# spawn_ns: a new network namespace held by a sleeping process; prints its PID.
spawn_ns() {
	local pid
	unshare -n sleep 100000 >/dev/null 2>&1 &
	pid=$!
	while [ "$(readlink /proc/$pid/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do usleep 10000; done
	nsenter -t "$pid" -n ip link set lo up
	echo "$pid"
}

# churn CPU TOOL NSPID OUT: ROUNDS runs of TOOL-restore (TOOL: iptables or ip6tables) in
# the namespace of NSPID (0: the host), pinned to CPU, each replacing the raw table BLOCKS
# times with NAMES rules named RACE1..RACE<NAMES> (NAMES creates) and as often with an
# empty one (NAMES destroys); writes the number of failed runs to OUT.
churn() {
	local cpu=$1 tool=$2 pid=$3 out=$4 in= i=0 failed=0
	[ "$pid" = 0 ] || in="nsenter -t $pid -n"
	export XTABLES_LOCKFILE=/tmp/xtables-$tool-$pid.lock
	while [ $i -lt $ROUNDS ]; do
		taskset -c "$cpu" $in /usr/sbin/$tool-"$BE"-restore -w </tmp/race.rules 2>/dev/null || failed=$((failed + 1))
		i=$((i + 1))
	done
	echo $failed >"$out"
}

race_run() {
	local what="$BE" pids= floods= ns nss= f failed total n cpu
	check "$what: host: a rule of its own" ipt -A INPUT -p tcp -m pknock --knockports 4001,4002 --name HOST --time 60
	IN=
	check "$what: host: the knocks from 127.0.0.2 arrived" tcp_knock 127.0.0.2 4001 4002
	# Two vCPUs: the other one may still be between the counting rule and pknock's.
	wait_for 60 allowed HOST 127.0.0.2
	check_eq "$what: host: 127.0.0.2 ALLOWED" ALLOWED "$(status HOST 127.0.0.2)"
	ipt_save >/tmp/saved
	check "$what: host: the whole table replaced (restore)" ipt_restore /tmp/saved
	check_eq "$what: host: the name kept its peer across the replace" ALLOWED "$(status HOST 127.0.0.2)"

	for n in 1 2; do nss="$nss $(spawn_ns)"; done
	rm -f /tmp/churn-*
	log_mark
	# First knocks from spoofed sources on both vCPUs meanwhile: packets look the names up
	# while they come and go, and softirqs cut into the creates and destroys.
	: >/tmp/flooding
	for cpu in 0 1; do
		while [ -e /tmp/flooding ]; do taskset -c $cpu pkflood 10.$((cpu + 1)).0.1 2000 127.0.0.1 4001; done &
		floods="$floods $!"
	done
	for ns in 0 $nss; do
		churn 0 iptables "$ns" "/tmp/churn-4-$ns" &
		pids="$pids $!"
		churn 1 ip6tables "$ns" "/tmp/churn-6-$ns" &
		pids="$pids $!"
	done
	# shellcheck disable=SC2086
	wait $pids
	rm /tmp/flooding
	# shellcheck disable=SC2086
	wait $floods
	total=0
	for f in /tmp/churn-*; do
		failed=$(cat "$f")
		echo "$f: $failed failed insert(s)"
		total=$((total + failed))
	done
	check_eq "$what: $((ROUNDS * 6)) racing restores ($((ROUNDS * BLOCKS * NAMES * 6)) creates) in 3 namespaces all succeed" 0 "$total"
	check_eq "$what: no 'already registered' in the kernel log" 0 "$(count_since 'already registered')"
	check_eq "$what: host: no RACE name left" HOST "$(ls $PK | tr '\n' ' ' | sed 's/ $//')"
	for ns in $nss; do
		check_eq "$what: child $ns: no name left" "" "$(nsenter -t "$ns" -n ls $PK 2>&1)"
		kill "$ns"
	done

	# Namespaces that die with live rules and peers.
	n=0
	while [ $n -lt 20 ]; do
		ns=$(spawn_ns)
		# shellcheck disable=SC2086
		nsenter -t "$ns" -n /usr/sbin/iptables-"$BE" -w -A INPUT $RULE
		# shellcheck disable=SC2086
		nsenter -t "$ns" -n /usr/sbin/ip6tables-"$BE" -w -A INPUT $RULE
		nsenter -t "$ns" -n /usr/sbin/iptables-"$BE" -w -A INPUT -p tcp -m pknock --checkip --name HOST
		# A knock, not waited for: no check reads its peer, and tcp_knock's wait costs seconds of
		# iptables in each new namespace (this boot took 234 s with it on a loaded 6.1, about 75
		# before).
		nsenter -t "$ns" -n socat -T1 /dev/null TCP:127.0.0.1:4001,bind=127.0.0.3,connect-timeout=1 2>/dev/null
		kill "$ns"
		n=$((n + 1))
	done
	wait 2>/dev/null
	check_eq "$what: host: after 20 namespaces died with rules, 127.0.0.2 still ALLOWED" ALLOWED "$(status HOST 127.0.0.2)"
	check_eq "$what: host: only its own file" HOST "$(ls $PK | tr '\n' ' ' | sed 's/ $//')"
	ipt -F INPUT
}

for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	load_module ours xt_pknock || { fail "$BE: load our xt_pknock"; continue; }
	race_run
done
lab_reset
finish
