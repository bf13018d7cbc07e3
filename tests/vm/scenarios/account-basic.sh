#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=account smp=2 timeout=300 needs=upstream-modules
# xt_ACCOUNT, our module and upstream's, both backends, rules inserted by upstream's plugin and
# read by upstream's iptaccount: exact per-IP packet and byte counters (bytes = IP total length)
# for known datagrams between known loopback addresses; -f flushes; -a lists; -u handle usage;
# -s CSV; an address as both source and destination is one item; a /0 table counts everything
# as source of 0.0.0.0; two rules share a table, which lives until its last rule goes; the
# same name with another net is refused; an unknown table gives upstream's message and a
# non-zero exit; a /8 table with traffic over 250 /24s; tables
# are per network namespace (and one dies with its namespace); invalid networks are refused.
# Every iptaccount output of our module is identical to upstream's for the same traffic.
. /vm/lib.sh
ACC=/opt/upstream/iptaccount
P10=0123456789
P100=$(printf '%0100d' 0)
LO='-p udp -j ACCOUNT --addr 127.0.0.0/24 --tname lo'

# acc NAME ARGS...: run iptaccount, keep its output and exit status in /tmp/acc/$MOD.$BE.NAME
# (not printed: check_eq shows what differs).
acc() {
	local name=$1
	shift
	echo "+ iptaccount $*"
	$ACC "$@" >/tmp/acc/"$MOD.$BE.$name" 2>&1
	echo "rc=$?" >>/tmp/acc/"$MOD.$BE.$name"
}
# got NAME: the data lines of a kept output.
got() { grep -e '^IP' -e '^Run' -e '^Found' -e '^Current' -e '^Read failed' -e '^rc=' /tmp/acc/"$MOD.$BE.$1"; }

# traffic N: known traffic into 127.0.0.0/24: 6 datagrams to .1 (3 x 38 B from .2, 2 x 128 B
# from .3, 1 x 38 B from 127.0.1.5, outside the net); then a wait (at most 60 s) until table lo
# counted N packets as sources plus destinations (11 per rule): loopback may deliver them after
# rawudp returned.
traffic() {
	rawudp -s 127.0.0.2 -d 127.0.0.1 -m "$P10" -n 3 &&
		rawudp -s 127.0.0.3 -d 127.0.0.1 -m "$P100" -n 2 &&
		rawudp -s 127.0.1.5 -d 127.0.0.1 -m "$P10" &&
		wait_at_least "$1" acc_packets lo $ACC
}
LO_DATA='Run #0 - 3 items found
IP: 127.0.0.1 SRC packets: 0 bytes: 0 DST packets: 6 bytes: 408
IP: 127.0.0.2 SRC packets: 3 bytes: 114 DST packets: 0 bytes: 0
IP: 127.0.0.3 SRC packets: 2 bytes: 256 DST packets: 0 bytes: 0
rc=0'

[ -x $ACC ] || fail "upstream's iptaccount is not in the image"
mkdir -p /tmp/acc
for MOD in ours upstream; do
	for BE in $BACKENDS; do
		T="$MOD module/$BE"
		acc_reset
		use_plugins upstream || continue
		load_module $MOD xt_ACCOUNT || { fail "$T: load xt_ACCOUNT"; continue; }
		# shellcheck disable=SC2086
		check "$T: insert a 127.0.0.0/24 rule" ipt -A INPUT $LO
		check "$T: known traffic sent and counted" traffic 11
		acc l -l lo
		check_eq "$T: -l exact counters" "$LO_DATA" "$(got l)"
		acc s -s -l lo
		check_eq "$T: -s CSV" "IP;SRC packets;SRC bytes;DST packets;DST bytes
127.0.0.1;0;0;6;408
127.0.0.2;3;114;0;0
127.0.0.3;2;256;0;0" "$(grep ';' /tmp/acc/$MOD.$BE.s)"
		acc f -l lo -f
		check_eq "$T: -f shows the counters" "$LO_DATA" "$(got f)"
		acc after-f -l lo
		check_eq "$T: after -f the table is empty" "Run #0 - 0 items found
rc=0" "$(got after-f)"
		# One address as source and destination: both its counters, one item.
		check "$T: a datagram 127.0.0.4 -> 127.0.0.4 sent" rawudp -s 127.0.0.4 -d 127.0.0.4 -m "$P10"
		wait_at_least 2 acc_packets lo $ACC # as source and destination
		acc same -l lo -f
		check_eq "$T: an address as both source and destination is one item" "Run #0 - 1 item found
IP: 127.0.0.4 SRC packets: 1 bytes: 38 DST packets: 1 bytes: 38
rc=0" "$(got same)"
		acc u -u
		check_eq "$T: -u no handle left in use" "Current kernel handle usage: 0
rc=0" "$(got u)"

		check "$T: insert a /0 rule" ipt -A INPUT -p udp -j ACCOUNT --addr 0.0.0.0/0 --tname all
		# shellcheck disable=SC2086
		check "$T: a second rule shares table lo" ipt -A INPUT $LO
		check_fails "$T: table lo with another net refused" \
			ipt -A INPUT -p udp -j ACCOUNT --addr 127.0.1.0/24 --tname lo
		# Rules lo, all, lo: once the second lo rule counted every datagram, all did too.
		check "$T: known traffic sent and counted" traffic 22
		acc all -l all
		check_eq "$T: /0 counts every datagram as source of 0.0.0.0" "Run #0 - 1 item found
IP: 0.0.0.0 SRC packets: 6 bytes: 408 DST packets: 0 bytes: 0
rc=0" "$(got all)"
		acc shared -l lo
		check_eq "$T: two rules count twice into the shared table" "Run #0 - 3 items found
IP: 127.0.0.1 SRC packets: 0 bytes: 0 DST packets: 12 bytes: 816
IP: 127.0.0.2 SRC packets: 6 bytes: 228 DST packets: 0 bytes: 0
IP: 127.0.0.3 SRC packets: 4 bytes: 512 DST packets: 0 bytes: 0
rc=0" "$(got shared)"
		acc a -a
		check_eq "$T: -a lists both tables" "Found table: lo
Found table: all
rc=0" "$(got a)"
		# shellcheck disable=SC2086
		check "$T: delete one lo rule" ipt -D INPUT $LO
		acc a1 -a
		check_eq "$T: lo survives while a rule uses it" "Found table: lo
Found table: all
rc=0" "$(got a1)"
		# shellcheck disable=SC2086
		check "$T: delete the last lo rule" ipt -D INPUT $LO
		acc a2 -a
		check_eq "$T: lo is gone with its last rule" "Found table: all
rc=0" "$(got a2)"
		acc unknown -l lo
		check "$T: unknown table: upstream's message" \
			grep -qx "Read failed: Can't get table information from kernel. Does it exist?" \
			/tmp/acc/$MOD.$BE.unknown
		check_fails "$T: unknown table: non-zero exit" grep -qx 'rc=0' /tmp/acc/$MOD.$BE.unknown

		check "$T: insert a /8 rule" ipt -A INPUT -p udp -j ACCOUNT --addr 10.0.0.0/8 --tname big
		check "$T: 250 sources in 250 /16s sent" \
			udpsweep -s 10.0.0.1 -S 0x10101 -c 250 -d 127.0.0.1 -b 1
		wait_at_least 250 acc_packets big $ACC
		acc big -l big -f
		check_eq "$T: /8: 250 items" "Run #0 - 250 items found" "$(grep '^Run' /tmp/acc/$MOD.$BE.big)"
		check_eq "$T: /8: each source 1 packet of 29 bytes" 250 \
			"$(grep -c '^IP: 10\.[0-9.]* SRC packets: 1 bytes: 29 DST packets: 0 bytes: 0$' /tmp/acc/$MOD.$BE.big)"
		check_eq "$T: /8: first and last source" "IP: 10.0.0.1 IP: 10.249.249.250" \
			"$(grep '^IP' /tmp/acc/$MOD.$BE.big | sed -n '1p;$p' | cut -d' ' -f1,2 | tr '\n' ' ' | sed 's/ $//')"

		acc ns -a
		check_eq "$T: tables before the namespace test" "Found table: big
Found table: all
rc=0" "$(got ns)"
		[ $MOD = ours ] || continue
		# Upstream's module accepts these (and its plugin masks host bits away).
		for bad in 10.0.0.0/4 10.0.0.0/255.0.255.0; do
			check_fails "$T: net $bad refused" ipt -A INPUT -p udp -j ACCOUNT --addr $bad --tname bad
		done
		# The namespace dies with its rule when sh exits: the table goes with it.
		check "$T: a rule in a new netns has its own table lo" unshare -n sh -c \
			"/usr/sbin/iptables-$BE -w -A INPUT -p udp -j ACCOUNT --addr 10.9.0.0/16 --tname lo &&
			$ACC -a | grep -qx 'Found table: lo'"
		acc ns2 -a
		check_eq "$T: the namespace's table is not seen outside it" "Found table: big
Found table: all
rc=0" "$(got ns2)"
	done
done

# The same traffic gives the same iptaccount output (every byte) with either module.
for BE in $BACKENDS; do
	for f in /tmp/acc/upstream."$BE".*; do
		name=${f#/tmp/acc/upstream."$BE".}
		check "$BE: iptaccount $name output identical with upstream's module" \
			cmp /tmp/acc/ours."$BE"."$name" "$f"
	done
done

# Our plugin, when built, inserts rules for our module.
if [ -e /opt/ours/xtables/libxt_ACCOUNT.so ]; then
	MOD=ours-plugin
	for BE in $BACKENDS; do
		acc_reset
		use_plugins ours && load_module ours xt_ACCOUNT || { fail "$BE: load ours"; continue; }
		# shellcheck disable=SC2086
		check "$BE: our plugin inserts a rule for our module" ipt -A INPUT $LO
		check "$BE: known traffic sent and counted" traffic 11
		acc l -l lo
		check_eq "$BE: our plugin: -l exact counters" "$LO_DATA" "$(got l)"
	done
else
	fail "our libxt_ACCOUNT.so is not in the image (not built?)"
fi
acc_reset
finish
