#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=account6 smp=2 timeout=300
# xt_ACCOUNT IPv6 (our module, our plugin's ACCOUNT revision 2), both backends: exact per-address
# packet and byte counters (bytes = IPv6 payload length + 40) for known datagrams between known
# addresses on lo, read through the sockopts 79-82 (accsockopt) and our iptaccount (-l, -s, -a,
# -f, an unknown table, the uncounted warning, --json, --prometheus); records
# ascending; read-and-flush zeroes; ::/0 counts everything as source of ::; /128 and /120
# tables; two rules share a table; another prefix for the same name, or a name an IPv4 table
# owns (and the reverse), refused with the reason logged; the IPv4 sockopts never see IPv6
# tables nor the IPv6 ones IPv4 tables, handles of the other family give EINVAL; short buffers
# and lengths, no CAP_NET_ADMIN refused; a 65536-byte packet counts as 65536 (wider than the
# IPv4 16-bit total length), a 66056-byte jumbogram (RFC 2675) as 66056; tables are per
# network namespace; deleting a table's last rule frees it; two senders on the two vCPUs while
# a reader keeps reading and flushing: the reads add up exactly to the traffic (nothing lost
# or counted twice across a flush). With ip6_max_addresses=4 a table holds 4 addresses,
# packets of further ones are reported as uncounted, exactly, until a flush; out-of-range
# values refuse to load. With the default 65536: 70000 sources fill the table to exactly 65536
# addresses (4465 packets uncounted), read back sorted, at 64 B of kmalloc-cg-64 per address;
# deleting the rule gives the memory back.
. /vm/lib.sh
NET=2001:db8::
P10=0123456789
P100=$(printf '%0100d' 0)
T6="-p udp -j ACCOUNT --addr ${NET}/64 --tname t6"

# r6 NAME [flush]: accsockopt read6 (the table's records, then its handle freed).
r6() { accsockopt read6 "$@"; }
# is WHAT EXPECTED ARGS...: accsockopt ARGS prints EXPECTED.
is() {
	local what=$1 want=$2
	shift 2
	echo "+ accsockopt $*"
	check_eq "$BE: $what" "$want" "$(accsockopt "$@")"
}
# counted6 TABLE: the packets TABLE counted so far, as sources plus as destinations, plus those
# it could not count (read6: no flush). Loopback may deliver datagrams after their sender
# returned: an exact check of a table waits until this reaches what was sent (wait_at_least).
counted6() { r6 "$1" | awk 'NR == 1 { n = $4 } NR > 2 { n += $2 + $4 } END { print n + 0 }'; }

# traffic TABLE N: known traffic to ::1: 3 x 58 B from ::2, 2 x 148 B from ::3, 1 x 58 B from
# outside the /64; then a wait (at most 60 s) until TABLE counted N packets (counted6).
traffic() {
	send6 ${NET}2 ${NET}1 "$P10" -n 3 &&
		send6 ${NET}3 ${NET}1 "$P100" -n 2 &&
		send6 2001:db8:0:1::5 ${NET}1 "$P10" &&
		wait_at_least "$2" counted6 "$1"
}
T6_DATA="items 3 uncounted 0
ok
${NET}1 0 0 6 528
${NET}2 3 174 0 0
${NET}3 2 296 0 0"

N=${ACCOUNT_LOAD_N:-5000}

# sender CPU SRC: N datagrams of 58 bytes from SRC to ::1, pinned to CPU.
sender() { taskset -c "$1" rawudp -6 -s "$2" -d ${NET}1 -m "$P10" -n "$N"; }

# counted_to_1: ${NET}1's destination packets in the reads so far and in table t6 now.
counted_to_1() {
	r6 t6 >/tmp/acc6-peek
	cat /tmp/acc6-read.* /tmp/acc6-peek | awk -v a=${NET}1 '$1 == a { n += $4 } END { print n + 0 }'
}

# Room for both senders' datagrams on the loopback backlog.
echo 100000 >/proc/sys/net/core/netdev_max_backlog
# The destination of every datagram is local (lo does no duplicate address detection).
check "${NET}1/64 on lo" ip -6 addr add ${NET}1/64 dev lo
head -c 65488 /dev/zero >/tmp/udp65488

for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	load_module ours xt_ACCOUNT || { fail "$BE: load our xt_ACCOUNT"; continue; }
	# shellcheck disable=SC2086
	check "$BE: insert a ${NET}/64 rule" ip6t -A INPUT $T6
	check "$BE: known traffic sent and counted" traffic t6 11
	is "exact counters, ascending" "$T6_DATA" read6 t6
	check_eq "$BE: our iptaccount -l shows them in upstream's shape" "
libxt_ACCOUNT_cl userspace accounting tool v1.3

Showing table: t6
Run #0 - 3 items found
IP: ${NET}1 SRC packets: 0 bytes: 0 DST packets: 6 bytes: 528
IP: ${NET}2 SRC packets: 3 bytes: 174 DST packets: 0 bytes: 0
IP: ${NET}3 SRC packets: 2 bytes: 296 DST packets: 0 bytes: 0
Finished." "$(iptaccount -l t6)"
	check_eq "$BE: iptaccount -s: CSV" "IP;SRC packets;SRC bytes;DST packets;DST bytes
${NET}1;0;0;6;528
${NET}2;3;174;0;0
${NET}3;2;296;0;0" "$(iptaccount -s -l t6 | grep ';')"
	is "read and flush shows the counters" "$T6_DATA" read6 t6 flush
	is "after the flush the table is empty" "items 0 uncounted 0
ok" read6 t6

	check "$BE: insert a ::/0 rule" ip6t -A INPUT -p udp -j ACCOUNT --addr ::/0 --tname all6
	# shellcheck disable=SC2086
	check "$BE: a second rule shares table t6" ip6t -A INPUT $T6
	log_mark
	check_fails "$BE: table t6 with another prefix refused" \
		ip6t -A INPUT -p udp -j ACCOUNT --addr ${NET}/56 --tname t6
	check "$BE: the refusal is logged with both networks" \
		[ "$(count_since "xt_ACCOUNT: table t6 exists for ${NET}/64, refusing ${NET}/56$")" -ge 1 ]
	check "$BE: an IPv4 table t4" ipt -A INPUT -p udp -j ACCOUNT --addr 127.0.0.0/24 --tname t4
	log_mark
	check_fails "$BE: an IPv6 rule for the IPv4 table t4 refused" \
		ip6t -A INPUT -p udp -j ACCOUNT --addr ${NET}/64 --tname t4
	check_fails "$BE: an IPv4 rule for the IPv6 table t6 refused" \
		ipt -A INPUT -p udp -j ACCOUNT --addr 127.0.0.0/24 --tname t6
	check "$BE: the IPv6 refusal logged" \
		[ "$(count_since "xt_ACCOUNT: table t4 exists for 127.0.0.0/255.255.255.0, refusing ${NET}/64$")" -ge 1 ]
	check "$BE: the IPv4 refusal logged" \
		[ "$(count_since "xt_ACCOUNT: table t6 exists for ${NET}/64, refusing 127.0.0.0/255.255.255.0$")" -ge 1 ]
	check "$BE: a /128 table" ip6t -A INPUT -p udp -j ACCOUNT --addr ${NET}2/128 --tname h128
	check "$BE: a /120 table" ip6t -A INPUT -p udp -j ACCOUNT --addr ${NET}/120 --tname n120
	check "$BE: a /128 table of ::1 for the long datagram" \
		ip6t -A INPUT -p udp -j ACCOUNT --addr ${NET}1/128 --tname big6
	# Waited for in table big6, the last rule: its ::1 counts every datagram as destination.
	check "$BE: known traffic sent and counted" traffic big6 6
	check "$BE: 1 x 58 B from ${NET}100 (inside the /64, outside the /120)" send6 ${NET}100 ${NET}1 "$P10"
	wait_at_least 7 counted6 big6
	is "::/0 counts every datagram as source of ::" "items 1 uncounted 0
ok
:: 7 586 0 0" read6 all6
	is "two rules count twice into the shared table" "items 4 uncounted 0
ok
${NET}1 0 0 14 1172
${NET}2 6 348 0 0
${NET}3 4 592 0 0
${NET}100 2 116 0 0" read6 t6
	is "/128: only its address, as source" "items 1 uncounted 0
ok
${NET}2 3 174 0 0" read6 h128
	is "/120: not the source outside it (its destination is inside)" "items 3 uncounted 0
ok
${NET}1 0 0 7 586
${NET}2 3 174 0 0
${NET}3 2 296 0 0" read6 n120
	accsockopt read6 big6 flush >/dev/null
	check "$BE: a 65488-byte UDP datagram from ::1 to itself sent" \
		socat -b 65536 -u OPEN:/tmp/udp65488 "UDP6-SENDTO:[${NET}1]:9"
	wait_at_least 2 counted6 big6 # as source and destination
	is "it counts 65536 bytes each way (IPv6 payload length + 40)" "items 1 uncounted 0
ok
${NET}1 1 65536 1 65536" read6 big6 flush
	check "$BE: lo's MTU raised for a jumbogram" ip link set lo mtu 70000
	check "$BE: a 66056-byte jumbogram from ::1 to itself received on lo" jumbo6 ${NET}1 ${NET}1 66000
	wait_at_least 2 counted6 big6
	check "$BE: lo's MTU back to 65536" ip link set lo mtu 65536
	is "a jumbogram (payload length 0) counts its full length" "items 1 uncounted 0
ok
${NET}1 1 66056 1 66056" read6 big6

	# The two families' sockopts keep to their own tables and handles.
	is "IPv4 names: the IPv4 table only" "ok names t4" names 4096
	is "IPv6 names: the IPv6 tables only" "ok names t6 all6 h128 n120 big6" names6 4096
	is "IPv6 names in exactly 24 bytes" "ok names t6 all6 h128 n120 big6" names6 24
	is "IPv6 names: one byte short" "error ENOMEM" names6 23
	# The namespace dies with its rule when sh exits: the table goes with it.
	check "$BE: a new netns has its own table t6 (for another network)" unshare -n sh -c \
		"/usr/sbin/ip6tables-$BE -w -A INPUT -p udp -j ACCOUNT --addr 2001:db8:1::/48 --tname t6 &&
		accsockopt names6 4096 | grep -qx 'ok names t6' && accsockopt names 4096 | grep -qx 'ok names'"
	check_eq "$BE: iptaccount -a: the IPv4 table, then the IPv6 ones" "Found table: t4
Found table: t6
Found table: all6
Found table: h128
Found table: n120
Found table: big6" "$(iptaccount -a | grep '^Found table: ')"
	check_eq "$BE: iptaccount -f -l n120 shows, then zeroes the table" "3 0" \
		"$(iptaccount -f -l n120 | grep -c '^IP: ') $(iptaccount -l n120 | grep -c '^IP: ')"
	iptaccount -l nosuch >/tmp/acc6-nosuch
	check_eq "$BE: iptaccount -l of an unknown table: exit 1" 1 $?
	check "$BE: ... with upstream's message" \
		grep -qx "Read failed: Can't get table information from kernel. Does it exist?" /tmp/acc6-nosuch
	is "PREPARE_READ of an IPv6 table" "error EINVAL" prepare t6
	is "PREPARE_READ6 of an IPv4 table" "error EINVAL" prepare6 t4
	is "PREPARE_READ6 of an unknown table" "error EINVAL" prepare6 nosuch
	is "PREPARE_READ6 of an unterminated 32-byte name" "error EINVAL" \
		prepare6 t6aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	is "PREPARE_READ6 with a 47-byte buffer" "error EINVAL" getlen 79 47
	is "prepare6 t6 (handle 0)" "ok handle 0 items 4 uncounted 0" prepare6 t6
	is "prepare t4 (handle 1)" "ok handle 1 items 0" prepare t4
	is "GET_DATA of an IPv6 handle" "error EINVAL" data 0 4096
	is "GET_DATA6 of an IPv4 handle" "error EINVAL" data6 1 4096
	is "GET_DATA6: 192 bytes hold the 4 records" "ok" data6 0 192
	is "GET_DATA6: one byte short" "error ENOMEM" data6 0 191
	is "GET_DATA6: length below the handle struct" "error EINVAL" data6 0 39
	is "GET_DATA6: handle 10" "error EINVAL" data6 10 4096
	is "GET_DATA6: unused handle 5" "error EINVAL" data6 5 4096
	is "the families share the handles" "ok usage 2" usage
	is "no CAP_NET_ADMIN: PREPARE_READ6" "error EPERM" -u prepare6 t6
	is "no CAP_NET_ADMIN: GET_TABLE_NAMES6" "error EPERM" -u names6 4096
	is "no CAP_NET_ADMIN: GET_DATA6" "error EPERM" -u data6 0 4096
	is "free all" "ok" freeall
	is "no handle left" "ok usage 0" usage

	check "$BE: delete the /128 rule" ip6t -D INPUT -p udp -j ACCOUNT --addr ${NET}2/128 --tname h128
	# shellcheck disable=SC2086
	check "$BE: delete one t6 rule" ip6t -D INPUT $T6
	# nf_tables releases a deleted rule's target after the commit: wait (at most 60 s) for the
	# name to go.
	wait_for 60 sh -c "! accsockopt names6 4096 | grep -q ' h128'"
	is "the /128 table is gone with its rule, t6 stays" "ok names t6 all6 n120 big6" names6 4096
	is "its name is unknown" "error EINVAL" prepare6 h128

	accsockopt read6 t6 flush >/dev/null
	rm -f /tmp/acc6-read.*
	sender 0 ${NET}2 &
	a=$!
	sender 1 ${NET}3 &
	b=$!
	i=0
	while kill -0 $a 2>/dev/null || kill -0 $b 2>/dev/null; do
		i=$((i + 1))
		accsockopt read6 t6 flush >/tmp/acc6-read.$i
	done
	wait $a
	ra=$?
	wait $b
	check_eq "$BE: both senders finished" "0 0" "$ra $?"
	# Their last datagrams may still be on the backlogs: wait (at most 60 s) until the reads and
	# what the table holds now (not flushed) add up to every datagram to ::1.
	wait_at_least $((2 * N)) counted_to_1
	accsockopt read6 t6 flush >/tmp/acc6-read.final
	check "$BE: read and flushed $i times during the load" [ "$i" -ge 2 ]
	check_eq "$BE: reads under load add up exactly (::2, ::3 sources; ::1 destination)" \
		"$N $((58 * N)) $N $((58 * N)) $((2 * N)) $((116 * N))" \
		"$(cat /tmp/acc6-read.* | awk -v net=$NET '
			$1 == net "2" { p2 += $2; b2 += $3 }
			$1 == net "3" { p3 += $2; b3 += $3 }
			$1 == net "1" { p1 += $4; b1 += $5 }
			END { printf "%d %d %d %d %d %d\n", p2, b2, p3, b3, p1, b1 }')"
done

# ip6_max_addresses: a table holds that many addresses; the rest are reported, not counted.
BE=$ONE_BACKEND
lab_reset
use_plugins ours
for bad in 0 16777217; do
	check_fails "module refused with ip6_max_addresses=$bad" load_module ours xt_ACCOUNT ip6_max_addresses=$bad
done
if load_module ours xt_ACCOUNT ip6_max_addresses=4; then
	check_eq "ip6_max_addresses=4 shown read-only" "4" "$(cat /sys/module/xt_ACCOUNT/parameters/ip6_max_addresses)"
	# shellcheck disable=SC2086
	check "$BE: insert a ${NET}/64 rule" ip6t -A INPUT $T6
	log_mark
	for i in 2 3 4 5 6 7; do send6 ${NET}$i ${NET}1 "$P10"; done
	# 6 as destination, 3 as source, 3 uncounted.
	wait_at_least 12 counted6 t6
	# ::2 and ::1 (first packet), ::3, ::4 fill the table; ::5, ::6, ::7 are one too many.
	is "4 addresses counted, 3 packets uncounted" "items 4 uncounted 3
ok
${NET}1 0 0 6 348
${NET}2 1 58 0 0
${NET}3 1 58 0 0
${NET}4 1 58 0 0" read6 t6
	check "$BE: the kernel warned about the full table" \
		[ "$(count_since 'xt_ACCOUNT: table t6 holds ip6_max_addresses=4 addresses')" -ge 1 ]
	check_eq "$BE: iptaccount warns on stderr about the uncounted packets" \
		"iptaccount: warning: table t6: 3 packets not counted since the last flush: the table is full (xt_ACCOUNT parameter ip6_max_addresses)" \
		"$(iptaccount -l t6 2>&1 >/dev/null)"
	check "$BE: iptaccount --json: family and uncounted" sh -c \
		"iptaccount --json -l t6 | grep -q '\"name\":\"t6\",\"family\":\"ipv6\",\"uncounted\":3,'"
	check "$BE: iptaccount --prometheus: the uncounted counter" sh -c \
		"iptaccount --prometheus -l t6 | grep -qx 'iptaccount_uncounted_packets_total{table=\"t6\"} 3'"
	is "read and flush reports the same" "ok handle 0 items 4 uncounted 3" prepare6 t6 flush
	accsockopt freeall >/dev/null
	is "after the flush: empty, nothing uncounted" "items 0 uncounted 0
ok" read6 t6
	send6 ${NET}7 ${NET}1 "$P10"
	wait_at_least 2 counted6 t6
	is "a new address counts again after the flush" "items 2 uncounted 0
ok
${NET}1 0 0 1 58
${NET}7 1 58 0 0" read6 t6
else
	fail "load our xt_ACCOUNT with ip6_max_addresses=4"
fi

# kmalloc64: active objects of the kmalloc-cg-64 cache (where the 56-byte entries live, charged
# to the table's memory cgroup).
kmalloc64() { awk '$1 == "kmalloc-cg-64" { print $2 }' /proc/slabinfo; }
# kernel_kb: the kernel's unreclaimable slab (where kmalloc's large allocations are counted too)
# and vmalloc memory in kB, where everything the table allocates lands. Not MemFree: pages
# parked on the per-CPU free lists are not free to it, and those lists grow and shrink by
# megabytes on their own (the same sweep changed MemFree by -516 to +5324 kB across kernels).
kernel_kb() { awk '$1 == "SUnreclaim:" || $1 == "VmallocUsed:" { kb += $2 } END { print kb }' /proc/meminfo; }
# last_rule_packets: the packet counter of ip6tables' last INPUT rule.
last_rule_packets() { ip6t -L INPUT -v -x -n | awk 'NR > 2 { n = $1 } END { print n + 0 }'; }

lab_reset
use_plugins ours
if load_module ours xt_ACCOUNT; then
	# shellcheck disable=SC2086
	check "$BE: insert a ${NET}/64 rule" ip6t -A INPUT $T6
	# A rule after it counts the datagrams ACCOUNT is done with (cheaper to wait on than reads
	# of the full table): loopback may deliver them after udpsweep returned.
	check "$BE: a counting rule after it" ip6t -A INPUT -p udp
	slab0=$(kmalloc64)
	mem0=$(kernel_kb)
	check "$BE: 70000 sources ${NET}1:0 and up sent" udpsweep -6 -s ${NET}1:0 -c 70000 -d ${NET}1 -b 1
	check "$BE: ... and counted" wait_at_least 70000 last_rule_packets
	slab1=$(kmalloc64)
	mem1=$(kernel_kb)
	echo "kmalloc-cg-64 active objects $slab0 -> $slab1, unreclaimable slab and vmalloc $mem0 -> $mem1 kB"
	# SLUB counts its per-CPU slabs as in use: the figures are exact to a few slabs only.
	check "$BE: the full table holds 65536 more kmalloc-cg-64 objects, +2048/-1024 ($slab0 -> $slab1)" \
		[ $((slab1 - slab0)) -ge $((65536 - 1024)) -a $((slab1 - slab0)) -le $((65536 + 2048)) ]
	check "$BE: and at most 128 KiB + 64 B x 65536 = 4224 kB more kernel memory, plus 1 MiB of slack ($((mem1 - mem0)) kB)" \
		[ $((mem1 - mem0)) -le $((4224 + 1024)) ]
	t0=$(cut -d' ' -f1 /proc/uptime)
	accsockopt read6 t6 flush >/tmp/acc6-full
	echo "read and flush of 65536 records: $t0 -> $(cut -d' ' -f1 /proc/uptime) s"
	check_eq "$BE: 65536 addresses, 70000 - 65535 packets uncounted" "items 65536 uncounted 4465" \
		"$(head -n 1 /tmp/acc6-full)"
	check_eq "$BE: ::1 first, with every packet as destination" "${NET}1 0 0 70000 3430000" \
		"$(sed -n 3p /tmp/acc6-full)"
	check_eq "$BE: then the first 65535 sources in ascending order, 1 packet of 49 B each" 65535 \
		"$(awk -v net=$NET 'NR > 3 && $0 == sprintf("%s1:%x 1 49 0 0", net, NR - 4) { n++ } END { print n + 0 }' /tmp/acc6-full)"
	# shellcheck disable=SC2086
	check "$BE: delete the rule" ip6t -D INPUT $T6
	check "$BE: the memory is given back (kmalloc-cg-64 $slab0 -> $(kmalloc64))" [ $(($(kmalloc64) - slab0)) -le 2048 ]
else
	fail "load our xt_ACCOUNT"
fi
lab_reset
ip -6 addr del ${NET}1/64 dev lo
finish
