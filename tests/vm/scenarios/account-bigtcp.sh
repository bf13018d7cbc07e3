#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=account6 smp=2 timeout=360
# BIG TCP on lo (our bigtcp tool sets gso/gro_max_size and, on kernels since 6.3, their IPv4
# twins to 185000): a 4 MB TCP transfer from 127.0.0.1 to itself, then from ::1, both backends.
# The packets and bytes ACCOUNT counts for the address (as destination) equal those of its
# rule, which counts the packets' real lengths. A u32 rule counts the packets over 64 KiB,
# whose length field is 0 (IPv4 total length, IPv6 payload length): some must be among them
# for IPv6, and for IPv4 on 6.3 and later; 6.1 has no IPv4 BIG TCP (bigtcp reports the
# attributes missing), so none there. TCP sends packets over 64 KiB only when its window and
# pace allow, which a guest on a loaded host does not reach in every transfer: a transfer
# without one is repeated, at most 8 in all. The sender writes 256 KiB at a time, read from a
# file: read from a pipe (`head -c | socat`), its writes were what `head` had put in the pipe,
# a few KiB under TCG, and packets averaged 17 KiB (a 7.2 guest in a loaded CI sent none over
# 64 KiB in 5 transfers); from the file, about 30 of a transfer's 50 packets are.
. /vm/lib.sh
ACC=/usr/sbin/iptaccount
BYTES=4000000
PORT=5001
DATA=/tmp/bigtcp.data
head -c $BYTES /dev/zero >$DATA

# ipv4_bigtcp: does this kernel have IPv4 BIG TCP (Linux 6.3)?
ipv4_bigtcp() {
	local v
	v=$(uname -r | sed 's/^\([0-9]*\)\.\([0-9]*\).*/\1 \2/')
	set -- $v
	[ "$1" -gt 6 ] || { [ "$1" -eq 6 ] && [ "$2" -ge 3 ]; }
}

# transfer FAMILY ADDR: BYTES bytes over TCP to ADDR:PORT (ADDR as socat takes it: [::1]).
transfer() {
	# Large buffers: a window of megabytes from the start lets TCP send its biggest packets.
	socat -u -b 1048576 "TCP$1-LISTEN:$PORT,reuseaddr,bind=$2,rcvbuf=8388608" OPEN:/dev/null &
	local rx=$!
	wait_for 60 listening $PORT || echo "transfer: nothing listens on port $PORT"
	socat -u -b 262144 OPEN:$DATA "TCP$1:$2:$PORT,sndbuf=8388608"
	wait $rx
}

# big_expected FAMILY: may this kernel send packets of FAMILY over 64 KiB on lo?
big_expected() { [ "$1" = 6 ] || ipv4_bigtcp; }

# transfer_big T FAMILY ADDR IPT-FUNCTION: a transfer, repeated (at most 8 in all) while none
# of the rule's packets was over 64 KiB where the kernel can send such.
transfer_big() {
	local n=1
	transfer "$2" "$3" || return 1
	big_expected "$2" || return 0
	while [ "$(big_packets "$4")" = 0 ] && [ $n -lt 8 ]; do
		echo "$1: no packet over 64 KiB in transfer $n, once more"
		transfer "$2" "$3" || return 1
		n=$((n + 1))
	done
}

# rule_counters IPT-FUNCTION: "packets bytes" of INPUT's ACCOUNT rule.
rule_counters() { "$1" -L INPUT -v -x -n | awk '$3 == "ACCOUNT" { print $1, $2; exit }'; }
# big_packets IPT-FUNCTION: packets of INPUT's u32 rule (length field 0: over 64 KiB).
big_packets() { "$1" -L INPUT -v -x -n | awk '/u32/ { print $1; exit }'; }

# acc_dst TABLE ADDR: "packets bytes" of ADDR's destination counters in TABLE (iptaccount -l).
acc_dst() {
	$ACC -l "$1" | awk -v ip="$2" '$1 == "IP:" && $2 == ip { print $10, $12 }'
}

# same_counts IPT TABLE ADDR: the rule and the table count alike (the connection's last ACKs
# may still be on their way: a loaded guest defers the backlog, and on two vCPUs the rule
# counts a packet before ACCOUNT does).
same_counts() { [ "$(rule_counters "$1")" = "$(acc_dst "$2" "$3")" ]; }

# check_big T FAMILY IPT TABLE ADDR: the counters after a transfer.
check_big() {
	local t=$1 rule acc big
	check "$t: ACCOUNT counts the packets and bytes the rule counted (waited for at most 60 s)" \
		wait_for 60 same_counts "$3" "$4" "$5"
	rule=$(rule_counters "$3")
	acc=$(acc_dst "$4" "$5")
	big=$(big_packets "$3")
	echo "rule: $rule, ACCOUNT: $acc, over 64 KiB: $big"
	check "$t: the transfer reached the rule" [ "${rule#* }" -gt $BYTES ]
	if big_expected "$2"; then
		check "$t: $big of them over 64 KiB" [ "${big:-0}" -gt 0 ]
	else
		check_eq "$t: none over 64 KiB without IPv4 BIG TCP" 0 "$big"
	fi
}

rmem_max=$(sysctl -n net.core.rmem_max)
wmem_max=$(sysctl -n net.core.wmem_max)
sysctl -qw net.core.rmem_max=16777216 net.core.wmem_max=16777216
got=$(bigtcp lo 185000)
echo "bigtcp: $got"
if ipv4_bigtcp; then
	check_eq "BIG TCP on lo, IPv4 too" \
		"gso_max_size 185000 gro_max_size 185000 gso_ipv4_max_size 185000 gro_ipv4_max_size 185000" "$got"
else
	check_eq "BIG TCP on lo, IPv6 only (no IPv4 attributes before 6.3)" \
		"gso_max_size 185000 gro_max_size 185000 gso_ipv4_max_size - gro_ipv4_max_size -" "$got"
fi
for BE in $BACKENDS; do
	acc_reset
	use_plugins ours || continue
	load_module ours xt_ACCOUNT || { fail "$BE: load xt_ACCOUNT"; continue; }
	check "$BE: IPv4 rule" ipt -A INPUT -p tcp --dport $PORT -j ACCOUNT --addr 127.0.0.0/24 --tname big4
	check "$BE: IPv4 rule counting total length 0" ipt -A INPUT -p tcp --dport $PORT -m u32 --u32 '0&0xFFFF=0'
	check "$BE: IPv6 rule" ip6t -A INPUT -p tcp --dport $PORT -j ACCOUNT --addr ::1/128 --tname big6
	check "$BE: IPv6 rule counting payload length 0" ip6t -A INPUT -p tcp --dport $PORT -m u32 --u32 '4>>16=0'
	check "$BE: IPv4 transfer" transfer_big "$BE/IPv4" 4 127.0.0.1 ipt
	check_big "$BE/IPv4" 4 ipt big4 127.0.0.1
	check "$BE: IPv6 transfer" transfer_big "$BE/IPv6" 6 '[::1]' ip6t
	check_big "$BE/IPv6" 6 ip6t big6 ::1
done
bigtcp lo 65536 >/dev/null
sysctl -qw net.core.rmem_max="$rmem_max" net.core.wmem_max="$wmem_max"
rm -f $DATA
acc_reset
finish
