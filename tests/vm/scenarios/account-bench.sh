#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=account-bench smp=1 timeout=400 needs=upstream-modules
# Benchmark (numbers for bench/account.md; no timed assertions), our xt_ACCOUNT and upstream's in
# the same boot, legacy backend, one vCPU: the time to push M datagrams through INPUT with no
# ACCOUNT rule and with 32 (one /24 table each), the modules alternating over ROUNDS rounds,
# giving the cost per packet and rule; the same for IPv6 datagrams through ip6tables rules of
# one /64 table each (ours only: upstream has no IPv6 tables); the time of iptaccount -l -f on a full /16 (65536 addresses);
# the memory a full and a sparse /16 table take (MemFree before and after the traffic). Checks
# only that the counts are exact, so the numbers measure what they claim.
. /vm/lib.sh
M=${ACCOUNT_BENCH_M:-30000}
ROUNDS=${ACCOUNT_BENCH_ROUNDS:-5}
NET6=2001:db8::
ACC=/opt/upstream/iptaccount
BE=$ONE_BACKEND
echo 100000 >/proc/sys/net/core/netdev_max_backlog

memfree() { awk '$1 == "MemFree:" { print $2 }' /proc/meminfo; }
now() { cut -d' ' -f1 /proc/uptime; }
# elapsed START: seconds since START (centisecond resolution).
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# noports 4|6: sets NOPORTS, UDP (or UDPv6) datagrams that found no socket so far (every
# benchmark datagram, as nothing listens on port 9). Shell builtins only: polling must not
# steal the one vCPU.
noports() {
	local key first second rest
	if [ "$1" = 6 ]; then
		while read -r key first rest; do
			[ "$key" = Udp6NoPorts ] && { NOPORTS=$first; return; }
		done </proc/net/snmp6
		return
	fi
	while read -r key first second rest; do
		if [ "$key" = Udp: ] && [ "$first" != InDatagrams ]; then
			NOPORTS=$second
			return
		fi
	done </proc/net/snmp
}

# push 4|6: M datagrams of the same 10-byte payload (38 bytes over IPv4, 127.0.0.2 ->
# 127.0.0.1; 58 over IPv6, ${NET6}2 -> ${NET6}1); prints the seconds until UDP has seen them
# all (loopback delivers from the backlog, after rawudp returns).
push() {
	local t0 want tries=0
	noports "$1"
	want=$((NOPORTS + M))
	t0=$(now)
	if [ "$1" = 6 ]; then
		rawudp -6 -s ${NET6}2 -d ${NET6}1 -m 0123456789 -n "$M" || return 1
	else
		rawudp -s 127.0.0.2 -d 127.0.0.1 -m 0123456789 -n "$M" || return 1
	fi
	noports "$1"
	while [ "$NOPORTS" -lt "$want" ]; do
		tries=$((tries + 1))
		[ $tries -lt 1000 ] || { echo "lost"; return 1; }
		usleep 5000
		noports "$1"
	done
	elapsed "$t0"
}

# rules N RULE: a filter table of N INPUT rules RULE, with table tI for the I-th, for *-restore
# (one restore, not N iptables runs: those cost seconds under TCG).
rules() {
	local r=0
	echo '*filter'
	while [ $r -lt "$1" ]; do
		echo "-A INPUT $2 --tname t$r"
		r=$((r + 1))
	done
	echo COMMIT
}

# setup MOD RULES: MOD's module loaded, RULES ACCOUNT rules (one /24 table each).
setup() {
	acc_reset
	use_plugins upstream || return 1
	load_module "$1" xt_ACCOUNT || return 1
	rules "$2" "-p udp -j ACCOUNT --addr 127.0.0.0/24" | ipt_restore
}

# setup6 RULES: our module and plugins, RULES ip6tables ACCOUNT rules (one /64 table each).
setup6() {
	acc_reset
	use_plugins ours || return 1
	load_module ours xt_ACCOUNT || return 1
	rules "$1" "-p udp -j ACCOUNT --addr ${NET6}/64" | ip6t_restore
}

# The IPv6 destination is local (lo does no duplicate address detection).
check "${NET6}1/64 on lo" ip -6 addr add ${NET6}1/64 dev lo

# Throughput, the modules (and our IPv6 tables) alternating so that load on the host hits
# all alike.
round=1
while [ $round -le "$ROUNDS" ]; do
	for MOD in ours upstream; do
		for rules in 0 32; do
			setup $MOD $rules || { fail "$MOD: set up $rules rules"; continue; }
			echo "BENCH account $MOD rules=$rules round=$round packets=$M seconds=$(push 4)"
			[ "$rules" -eq 0 ] && continue
			check_eq "$MOD: round $round: table t31 counted every datagram" \
				"IP: 127.0.0.2 SRC packets: $M bytes: $((38 * M)) DST packets: 0 bytes: 0" \
				"$($ACC -l t31 | grep '^IP: 127.0.0.2 ')"
		done
	done
	for rules in 0 32; do
		setup6 $rules || { fail "ours6: set up $rules rules"; continue; }
		echo "BENCH account ours6 rules=$rules round=$round packets=$M seconds=$(push 6)"
		[ "$rules" -eq 0 ] && continue
		check_eq "ours6: round $round: table t31 counted every datagram" \
			"${NET6}2 $M $((58 * M)) 0 0" "$(accsockopt read6 t31 | grep "^${NET6}2 ")"
	done
	round=$((round + 1))
done
ip -6 addr del ${NET6}1/64 dev lo

for MOD in ours upstream; do
	setup $MOD 0 || { fail "$MOD: set up"; continue; }
	check "$MOD: insert a /16 rule" ipt -A INPUT -p udp -j ACCOUNT --addr 10.1.0.0/16 --tname t16
	for run in 1 2; do
		t0=$(now)
		check "$MOD: 65536 sources sent" udpsweep -s 10.1.0.0 -c 65536 -d 127.0.0.1 -b 1
		usleep 100000
		echo "BENCH account $MOD fill16 run=$run seconds=$(elapsed "$t0")"
		t0=$(now)
		$ACC -l t16 -f >/tmp/acc16.out
		echo "BENCH account $MOD readflush16 run=$run seconds=$(elapsed "$t0")"
		check_eq "$MOD: /16 read $run: 65536 items" "Run #0 - 65536 items found" "$(grep '^Run' /tmp/acc16.out)"
	done
	t0=$(now)
	$ACC -l t16 -f >/tmp/acc16.out
	echo "BENCH account $MOD readflush16-empty seconds=$(elapsed "$t0")"

	# Memory: a full /16, and a sparse one (one address in each of its 256 /24s).
	ipt -A INPUT -p udp -j ACCOUNT --addr 10.2.0.0/16 --tname sparse
	for what in full sparse; do
		free0=$(memfree)
		if [ $what = full ]; then
			udpsweep -s 10.1.0.0 -c 65536 -d 127.0.0.1 -b 1
		else
			udpsweep -s 10.2.0.7 -S 256 -c 256 -d 127.0.0.1 -b 1
		fi
		usleep 300000
		echo "BENCH account $MOD memory16-$what kB=$((free0 - $(memfree)))"
	done
	check_eq "$MOD: sparse /16: 256 items" "Run #0 - 256 items found" "$($ACC -l sparse | grep '^Run')"
done
acc_reset
finish
