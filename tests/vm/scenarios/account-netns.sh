#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=account6 smp=2 timeout=420
# xt_ACCOUNT's memory in network namespaces other than the initial one, both backends.
# netns_max_table_kb and netns_max_read_kb are root-only (0644), 65536 by default. With
# netns_max_table_kb=1024, in a namespace (unshare -n): a /8 table (512 KiB of root) is taken,
# a second /8 and an IPv6 table are refused (the reason in the kernel log); 2000 sources in
# 2000 /24s count exactly as many addresses as fit (819, each a 640-byte block and group),
# the rest is logged as not counted; raising the bound at run time counts new addresses again;
# a read-and-flush works at the bound. With netns_max_read_kb=64 a first read handle is taken,
# a second one is refused until the first is freed. A user+network namespace (unshare -r -n) is
# bounded alike. The host's tables are not: two /8s there count all 2000 sources, and a table
# counted before reads the same afterwards with upstream's iptaccount. Memory cgroups: a /8
# table made by a process in a cgroup is charged there, and so are the blocks for 4000 new
# addresses whose packets come from outside it; at the cgroup's memory limit, new addresses go
# uncounted (logged).
. /vm/lib.sh
ACC=/opt/upstream/iptaccount
OURACC=/usr/sbin/iptaccount
PARAMS=/sys/module/xt_ACCOUNT/parameters
CG=/sys/fs/cgroup/acc
BIG='-p udp -j ACCOUNT --addr 10.0.0.0/8 --tname'
# A /8's root (16 bytes and a pointer per /24) and an address's first block and group: the
# counters of 1024 KiB hold the root and (1048576 - 524304) / 640 = 819 addresses.
FIT=819
# The "not counted" line is net_warn_ratelimited: the budget net_ratelimit() shares with every
# network message of the boot (account-ipv6's ran before) must not decide the check.
echo 0 >/proc/sys/net/core/message_cost

# sweep ns|host COUNT [FIRST]: one datagram from each of COUNT sources in as many /24s of
# 10.0.0.0/8, sent in the namespace or on the host; then a wait (at most 60 s) until the first
# ACCOUNT rule there counted them: loopback may deliver them after udpsweep returned. (The
# rule counts a packet before its target runs: on two vCPUs the last one may still be on its
# way into the table; exact checks of a table wait for it too, with ns_items or host_items.)
sweep() {
	local in= t=ipt n
	[ "$1" = ns ] && in=ns t=ns_ipt
	n=$(rule_packets $t ACCOUNT)
	$in udpsweep -s "${3:-10.0.0.1}" -S 0x100 -c "$2" -d 127.0.0.1 -b 1 &&
		wait_rule_packets $t $((n + $2)) ACCOUNT
}
# items IPTACCOUNT-OUTPUT: the "Run #0 - N items found" count.
items() { sed -n 's/^Run #0 - \([0-9]*\) items\{0,1\} found$/\1/p'; }
# ns_items TABLE, host_items TABLE: the addresses TABLE holds, in the namespace, on the host.
ns_items() { ns $OURACC -l "$1" | items; }
host_items() { $ACC -l "$1" | items; }
# cg_current: bytes charged to the cgroup $CG.
cg_current() { cat $CG/memory.current; }

[ -x $ACC ] || fail "upstream's iptaccount is not in the image"
for BE in $BACKENDS; do
	acc_reset
	use_plugins ours || continue
	load_module ours xt_ACCOUNT || { fail "$BE: load xt_ACCOUNT"; continue; }
	check_eq "$BE: bounds root read-write, readable, 64 MiB by default" \
		"644 65536 644 65536" \
		"$(stat -c %a $PARAMS/netns_max_table_kb) $(cat $PARAMS/netns_max_table_kb) $(stat -c %a $PARAMS/netns_max_read_kb) $(cat $PARAMS/netns_max_read_kb)"
	check "$BE: a host table" ipt -A INPUT -p udp -j ACCOUNT --addr 127.0.0.0/24 --tname host
	rawudp -s 127.0.0.2 -d 127.0.0.1 -m hello -n 3
	wait_at_least 6 acc_packets host $ACC # each as source and destination
	host_before=$($ACC -l host)
	echo 1024 >$PARAMS/netns_max_table_kb
	echo 64 >$PARAMS/netns_max_read_kb

	for kind in net user; do
		T="$BE/$kind"
		if [ $kind = net ]; then opts=; else opts=-r; fi
		# shellcheck disable=SC2086 # -r or nothing
		ns_start $opts || { fail "$T: namespace not created"; continue; }
		# shellcheck disable=SC2086
		check "$T: a /8 table in the namespace" ns_ipt -A INPUT $BIG big
		log_mark
		# shellcheck disable=SC2086
		check_fails "$T: a second /8 table is over the bound" ns_ipt -A INPUT $BIG big2
		check "$T: the kernel log says why" [ "$(count_since 'xt_ACCOUNT: table big2 refused: the namespace.s tables would hold more than netns_max_table_kb=1024 KiB$')" -ge 1 ]
		check_eq "$T: its root reads its tables (CAP_NET_ADMIN of its user namespace)" \
			"Found table: big" "$(ns $OURACC -a | grep '^Found table')"
		[ $kind = net ] || { ns_stop; continue; }
		check "$T: 2000 sources in 2000 /24s sent" sweep ns 2000
		check_eq "$T: as many addresses as the bound holds are counted" $FIT \
			"$(ns $OURACC -l big | items)"
		check "$T: the others are logged as not counted" [ "$(count_since 'xt_ACCOUNT: table big: the namespace.s tables hold netns_max_table_kb=1024 KiB, packet not counted for a new address$')" -ge 1 ]
		check_fails "$T: an IPv6 table is over the bound too" \
			ns_ip6t -A INPUT -p udp -j ACCOUNT --addr fd00::/64 --tname six

		check_eq "$T: a read handle within netns_max_read_kb=64" "ok handle 0 items $FIT" \
			"$(ns accsockopt prepare big)"
		log_mark
		check_eq "$T: a second one is over it" "error ENOMEM" "$(ns accsockopt prepare big)"
		check "$T: the kernel log says why" [ "$(count_since 'xt_ACCOUNT: read of table big refused: the namespace.s read handles would hold more than netns_max_read_kb=64 KiB$')" -ge 1 ]
		ns accsockopt freeall >/dev/null
		check_eq "$T: freed, the handle's memory is free again" "ok handle 0 items $FIT" \
			"$(ns accsockopt prepare big)"
		ns accsockopt freeall >/dev/null

		echo 2048 >$PARAMS/netns_max_table_kb
		check "$T: 100 more sources sent" sweep ns 100 10.100.0.1
		wait_at_least $((FIT + 100)) ns_items big
		check_eq "$T: a raised bound counts them" $((FIT + 100)) "$(ns_items big)"
		echo 1024 >$PARAMS/netns_max_table_kb
		check_eq "$T: read-and-flush at the bound" $((FIT + 100)) "$(ns $OURACC -l big -f | items)"
		check_eq "$T: flushed" 0 "$(ns $OURACC -l big | items)"
		check "$T: 10 sources sent" sweep ns 10
		wait_at_least 10 ns_items big
		check_eq "$T: the flush gave the blocks back: new addresses count" 10 "$(ns_items big)"
		ns_stop
	done

	check_eq "$BE: the host's table is unchanged (upstream's iptaccount)" \
		"$host_before" "$($ACC -l host)"
	# shellcheck disable=SC2086
	check "$BE: the host takes a /8 table" ipt -A INPUT $BIG hostbig
	# shellcheck disable=SC2086
	check "$BE: and a second one: the bounds are not the host's" ipt -A INPUT $BIG hostbig2
	check "$BE: 2000 sources sent on the host" sweep host 2000
	wait_at_least 2000 host_items hostbig
	check_eq "$BE: the host counts them all" 2000 "$(host_items hostbig)"
	echo 65536 >$PARAMS/netns_max_table_kb
	echo 65536 >$PARAMS/netns_max_read_kb
done

# Memory cgroups: counters are charged to the cgroup of the table's creator.
BE=legacy
acc_reset
use_plugins ours && load_module ours xt_ACCOUNT || fail "load xt_ACCOUNT"
grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p $CG
NS_CGROUP=$CG
ns_start || fail "cgroup: namespace not created"
NS_CGROUP=
before=$(cg_current)
check "cgroup: a /8 table made from the cgroup" \
	sh -c "echo \$\$ >$CG/cgroup.procs && exec nsenter -t $NS_PID -n /usr/sbin/iptables-legacy -w -A INPUT $BIG cg"
made=$(cg_current)
echo "memory.current: $before, after the table $made"
check "cgroup: the table's root (512 KiB) is charged to it" [ $((made - before)) -ge 524304 ]
check "cgroup: 4000 sources sent from outside it" sweep ns 4000
counted=$(cg_current)
echo "memory.current after the packets: $counted"
# 2.6 MB of blocks and groups; a cgroup may have charged up to 256 KiB per CPU ahead.
check "cgroup: their 4000 blocks and groups are charged to it" [ $((counted - made)) -ge 2000000 ]
cat $CG/memory.current >$CG/memory.max
log_mark
check "cgroup: at its memory limit, 2000 more sources sent" sweep ns 2000 10.200.0.1
# What the cgroup had charged ahead (up to 256 KiB a CPU) still counts some of them.
check "cgroup: not all of them are counted" [ "$(ns $OURACC -l cg | items)" -lt 6000 ]
check "cgroup: the kernel log says why" [ "$(count_since 'xt_ACCOUNT: out of memory, packet not counted in table cg$')" -ge 1 ]
ns_stop
rmdir $CG
acc_reset
finish
