#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=geoip timeout=400
# xt_geoip with a database built in the guest by our xt_geoip_build from a CSV covering parts of
# 127.0.0.0/8, 10.0.0.0/8, 192.0.2.0/24 (TEST-NET-1), ::1 (a row starting with "::", which
# upstream's builder drops) and 2001:db8::/32, both backends, IPv4 and IPv6: --src-cc, --dst-cc,
# "!", several codes; revision 2 (our plugin) and revision 1 (upstream 3.23's plugin, whose
# user-space pointers our module never reads) each match exactly the expected sources, by rule
# counters. The sets are per namespace and listed in /proc/net/xt_geoip (ranges, memory, rules);
# a rebuilt database takes effect with "echo reload > /proc/net/xt_geoip", rules left in place;
# a database built by upstream's Perl xt_geoip_build (on the host, from the same CSV) gives the
# same matches but for ::1, whose row upstream's builder drops; the last rule's deletion frees
# the set. A new network namespace has its own sets, read in its own mount namespace (another
# database there matches other sources), listed and reloaded apart from the first one's.
. /vm/lib.sh

DB=/usr/share/xt_geoip
mkdir -p $DB
# tests/vm/data/geoip.csv: parts of 127.0.0.0/8 (AA, BB), 10.0.0.0/8 (CC), 192.0.2.0/24 (DD),
# ::1 (AA), 2001:db8::/48 (BB), 2001:db8:1::/120 (CC).
cp /vm/data/geoip.csv /tmp/geo.csv
check "xt_geoip_build -D $DB" xt_geoip_build -q -D $DB -i /tmp/geo.csv
check_eq "the ::1 row is kept" "::1-::1" "$(xt_geoip_query -D $DB -6 AA)"

# counts IPT: each rule's packet counter, one line.
counts() { "$1" -L INPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }' | sed 's/ $//'; }
# Known IPv4 traffic to 127.0.0.1: 1 from AA, 2 from BB, 3 from CC, 4 from DD, 5 from none;
# the last sender's datagrams waited for (sent: on the guest's one vCPU, the others arrived
# before them).
traffic4() {
	send4 127.0.0.2 127.0.0.1 x -n 1 && send4 127.0.1.5 127.0.0.1 x -n 2 &&
		send4 10.1.2.3 127.0.0.1 x -n 3 && send4 192.0.2.7 127.0.0.1 x -n 4 &&
		sent 127.0.0.200 5 send4 127.0.0.200 127.0.0.1 x -n 5
}
# IPv6 to ::1: 1 from ::1 (AA), 2 from 2001:db8::5 (BB), 3 from 2001:db8:1::7 (CC), 4 from none;
# waited for as traffic4.
traffic6() {
	send6 ::1 ::1 x -n 1 && send6 2001:db8::5 ::1 x -n 2 && send6 2001:db8:1::7 ::1 x -n 3 &&
		sent 2001:db8:2::1 4 send6 2001:db8:2::1 ::1 x -n 4
}
check "2001:db8::1/64 on lo" ip -6 addr replace 2001:db8::1/64 dev lo

for BE in $BACKENDS; do
	for variant in ours upstream; do
		lab_reset
		load_module ours xt_geoip || { fail "$BE: load our xt_geoip"; continue; }
		use_plugins $variant || continue
		rev=2
		[ $variant = upstream ] && rev=1
		for r in "--src-cc AA" "--src-cc bb,CC" "! --src-cc AA,BB,CC" "--dst-cc AA" "! --dst-cc AA"; do
			check "$BE $variant plugin: -m geoip $r" ipt -A INPUT -p udp --dport 9 -m geoip $r
		done
		check "$BE $variant plugin: IPv4 traffic sent and arrived" traffic4
		check_eq "$BE $variant plugin (rev $rev) IPv4 counters" "1 5 9 15 0" "$(counts ipt)"
		for r in "--src-cc AA" "--src-cc BB,CC" "! --src-cc AA" "--dst-cc AA,DD"; do
			check "$BE $variant plugin: ip6tables -m geoip $r" ip6t -A INPUT -p udp --dport 9 -m geoip $r
		done
		check "$BE $variant plugin: IPv6 traffic sent and arrived" traffic6
		check_eq "$BE $variant plugin (rev $rev) IPv6 counters" "1 5 9 10" "$(counts ip6t)"
		cat /proc/net/xt_geoip
		# IPv4: AA (3 rules), BB,CC and AA,BB,CC; IPv6: AA (2 rules), BB,CC and AA,DD.
		check_eq "$BE $variant plugin: one set per family and code list" 6 "$(grep -c keys= /proc/net/xt_geoip)"
		check "$BE $variant plugin: /proc: AA's IPv4 set has 1 range, 3 rules" \
			grep -qx "ipv4 keys=AA ranges=1 bytes=[0-9]* rules=3" /proc/net/xt_geoip
		check "$BE $variant plugin: /proc: AA,DD's IPv6 set: ::1 only (DD has no IPv6 range)" \
			grep -qx "ipv6 keys=AA,DD ranges=1 bytes=[0-9]* rules=1" /proc/net/xt_geoip
		check_eq "$BE $variant plugin: iptables-save text" \
			"-A INPUT -p udp -m udp --dport 9 -m geoip ! --source-country AA,BB,CC " \
			"$(ipt_save | rules_of | sed -n 3p)"
	done
done

# Reload: 127.0.0.2 moves from AA to BB; rules stay, the next packets follow the new data.
BE=nft
lab_reset
load_module ours xt_geoip || fail "load our xt_geoip"
use_plugins ours
ipt -A INPUT -p udp --dport 9 -m geoip --src-cc AA
ipt -A INPUT -p udp --dport 9 -m geoip --src-cc BB
check "2 datagrams from 127.0.0.2 arrived" sent 127.0.0.2 2 send4 127.0.0.2 127.0.0.1 x -n 2
check_eq "before the rebuild: 127.0.0.2 is AA" "2 0" "$(counts ipt)"
sed 's/^127.0.0.0,127.0.0.9,AA$/127.0.0.0,127.0.0.9,BB/' /tmp/geo.csv >/tmp/geo2.csv
check "rebuild the database" xt_geoip_build -q -D $DB -i /tmp/geo2.csv
check "2 more arrived" sent 127.0.0.2 2 send4 127.0.0.2 127.0.0.1 x -n 2
check_eq "rebuilt but not reloaded: the rules keep the data they loaded" "4 0" "$(counts ipt)"
check "echo reload > /proc/net/xt_geoip" sh -c 'echo reload >/proc/net/xt_geoip'
check "3 more arrived" sent 127.0.0.2 3 send4 127.0.0.2 127.0.0.1 x -n 3
check_eq "after the reload: 127.0.0.2 is BB, no rule removed" "4 3" "$(counts ipt)"
check "/proc: AA's set now empty" grep -qx "ipv4 keys=AA ranges=0 bytes=[0-9]* rules=1" /proc/net/xt_geoip
rm $DB/BB.iv4
log_mark
check_fails "reload with a file missing fails" sh -c 'echo reload >/proc/net/xt_geoip'
check "  and says which file" sh -c "dmesg | tail -5 | grep -q 'xt_geoip: cannot load $DB/BB.iv4'"
check "  one more arrived" sent 127.0.0.2 1 send4 127.0.0.2 127.0.0.1 x
check_eq "  and changes nothing" "4 4" "$(counts ipt)"
xt_geoip_build -q -D $DB -i /tmp/geo.csv
ipt -F INPUT
check_eq "the last rules gone: no set left" 0 "$(grep -c keys= /proc/net/xt_geoip)"

# Upstream's files: the same IPv4 matches; IPv6 ::1 lost (upstream's builder drops "::" rows).
check "upstream-built files in place" cp /vm/data/geoip-upstream/AA.iv4 /vm/data/geoip-upstream/AA.iv6 $DB/
ipt -A INPUT -p udp --dport 9 -m geoip --src-cc AA
ip6t -A INPUT -p udp --dport 9 -m geoip --src-cc AA
# 127.0.0.2's last, waited for (sent): the others arrived before them.
upstream_traffic() { send6 ::1 ::1 x -n 3 && send4 127.0.0.20 127.0.0.1 x && send4 127.0.0.2 127.0.0.1 x -n 2; }
check "upstream's files: traffic sent and arrived" sent 127.0.0.2 2 upstream_traffic
check_eq "upstream's AA.iv4: 127.0.0.2 matches, 127.0.0.20 does not" 2 "$(counts ipt)"
check_eq "upstream's AA.iv6 is empty: ::1 does not match" 0 "$(counts ip6t)"
check_eq "  (upstream's AA.iv6 has 0 bytes)" 0 "$(wc -c <$DB/AA.iv6)"
xt_geoip_build -q -D $DB -i /tmp/geo.csv
ip6t -F INPUT

# Another network namespace, and mount namespace with another database: AA is 127.0.0.20 there.
mkdir -p /tmp/db2 && echo 127.0.0.20,127.0.0.20,AA | xt_geoip_build -q -D /tmp/db2 -i -
# lib.sh in the child too: 127.0.0.2's datagram sent last and waited for (sent).
check "a child namespace reads its own database" unshare -n -m sh -c ". /vm/lib.sh && BE=$BE &&
	mount --bind /tmp/db2 $DB && ip link set lo up &&
	ipt -A INPUT -p udp --dport 9 -m geoip --src-cc AA &&
	rawudp -s 127.0.0.20 -d 127.0.0.1 -m x -n 4 && sent 127.0.0.2 1 rawudp -s 127.0.0.2 -d 127.0.0.1 -m x &&
	[ \"\$(ipt -L INPUT -vxn | awk 'NR == 3 { print \$1 }')\" = 4 ] &&
	grep -qx 'ipv4 keys=AA ranges=1 bytes=[0-9]* rules=1' /proc/net/xt_geoip &&
	[ \$(grep -c keys= /proc/net/xt_geoip) = 1 ] && echo reload >/proc/net/xt_geoip"
cat /proc/net/xt_geoip
check "the first namespace's sets are its own: AA's, one rule" \
	grep -qx "ipv4 keys=AA ranges=1 bytes=[0-9]* rules=1" /proc/net/xt_geoip
check_eq "  and no other" 1 "$(grep -c keys= /proc/net/xt_geoip)"
check "  a datagram from 127.0.0.2 arrived" sent 127.0.0.2 1 send4 127.0.0.2 127.0.0.1 x
check_eq "  and still matches 127.0.0.2" 3 "$(counts ipt)"

lab_reset
finish
