#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=geoip timeout=300
# xt_asn with a database our xt_asn_build makes in the guest from a GeoLite2-ASN CSV (networks
# of 127.0.0.0/8, 10.0.0.0/8, ::1 and 2001:db8::/32), both backends, IPv4 and IPv6, our plugin
# and upstream 3.23's (whose IPv6 ranges upstream's module would get with their 16-bit halves
# swapped; ours reads the files itself, so IPv6 matches either way): --src-asn, --dst-asn, "!",
# several numbers, 0 dropped; exact rule counters; /proc/net/xt_asn; a rebuilt database takes
# effect on "echo reload > /proc/net/xt_asn" with the rules in place.
. /vm/lib.sh

DB=/usr/share/xt_asn
mkdir -p $DB
cat >/tmp/asn.csv <<EOF
network,autonomous_system_number,autonomous_system_organization
127.0.0.0/29,64500,"Loopback, first"
127.0.1.0/24,64501,Second
10.0.0.0/8,4294967295,Top
::1/128,64500,"Loopback, first"
2001:db8::/48,64501,Second
EOF
check "xt_asn_build -i (one CSV of both families)" xt_asn_build -q -D $DB -i /tmp/asn.csv
check_eq "files of each number" "4294967295.iv4 4294967295.iv6 64500.iv4 64500.iv6 64501.iv4 64501.iv6" \
	"$(ls $DB | tr '\n' ' ' | sed 's/ $//')"

counts() { "$1" -L INPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }' | sed 's/ $//'; }
# To 127.0.0.1: 1 from 64500, 2 from 64501, 3 from 4294967295, 4 from none; the last sender's
# datagrams waited for (sent: on the guest's one vCPU, the others arrived before them).
traffic4() {
	send4 127.0.0.2 127.0.0.1 x -n 1 && send4 127.0.1.5 127.0.0.1 x -n 2 &&
		send4 10.9.8.7 127.0.0.1 x -n 3 && sent 127.0.0.200 4 send4 127.0.0.200 127.0.0.1 x -n 4
}
# To ::1: 1 from ::1 (64500), 2 from 2001:db8::5 (64501), 3 from none; waited for as traffic4.
traffic6() {
	send6 ::1 ::1 x -n 1 && send6 2001:db8::5 ::1 x -n 2 &&
		sent 2001:db8:1::7 3 send6 2001:db8:1::7 ::1 x -n 3
}
check "2001:db8::1/64 on lo" ip -6 addr replace 2001:db8::1/64 dev lo

for BE in $BACKENDS; do
	for variant in ours upstream; do
		lab_reset
		load_module ours xt_asn || { fail "$BE: load our xt_asn"; continue; }
		use_plugins $variant || continue
		for r in "--src-asn 64500" "--src-asn 64501,4294967295" "! --src-asn 64500,64501,4294967295" \
			"--dst-asn 0,64500"; do
			check "$BE $variant plugin: -m asn $r" ipt -A INPUT -p udp --dport 9 -m asn $r
		done
		check "$BE $variant plugin: IPv4 traffic sent and arrived" traffic4
		check_eq "$BE $variant plugin: IPv4 counters" "1 5 4 10" "$(counts ipt)"
		for r in "--src-asn 64500" "--source-number 64501" "! --src-asn 64500,64501"; do
			check "$BE $variant plugin: ip6tables -m asn $r" ip6t -A INPUT -p udp --dport 9 -m asn $r
		done
		check "$BE $variant plugin: IPv6 traffic sent and arrived" traffic6
		check_eq "$BE $variant plugin: IPv6 counters (upstream's module: 0 0 6)" "1 2 3" "$(counts ip6t)"
		check_eq "$BE $variant plugin: iptables-save text (no trailing space)" \
			"-A INPUT -p udp -m udp --dport 9 -m asn --dst-asn 64500" "$(ipt_save | rules_of | sed -n 4p)"
		cat /proc/net/xt_asn
		check "$BE $variant plugin: /proc/net/xt_asn lists 64501,4294967295" \
			grep -qx "ipv4 keys=64501,4294967295 ranges=2 bytes=[0-9]* rules=1" /proc/net/xt_asn
	done
done

BE=legacy
lab_reset
load_module ours xt_asn || fail "load our xt_asn"
use_plugins ours
ip6t -A INPUT -p udp --dport 9 -m asn --src-asn 64500
ip6t -A INPUT -p udp --dport 9 -m asn --src-asn 64501
sed 's|^2001:db8::/48,64501|2001:db8::/48,64500|' /tmp/asn.csv >/tmp/asn2.csv
check "rebuild: 2001:db8::/48 moves to 64500" xt_asn_build -q -D $DB -i /tmp/asn2.csv
check "a datagram from 2001:db8::5 arrived" sent 2001:db8::5 1 send6 2001:db8::5 ::1 x
check_eq "before the reload: still 64501" "0 1" "$(counts ip6t)"
check "echo reload > /proc/net/xt_asn" sh -c 'echo reload >/proc/net/xt_asn'
check "another arrived" sent 2001:db8::5 1 send6 2001:db8::5 ::1 x
check_eq "after it: 64500, rules in place" "1 1" "$(counts ip6t)"
check_fails "anything else written is refused" sh -c 'echo reboot >/proc/net/xt_asn'

lab_reset
finish
