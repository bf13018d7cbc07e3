#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=reply smp=1 timeout=240
# STEAL, our module and plugin: in OUTPUT a local sender's send() succeeds (with DROP it fails
# with EPERM) and nothing is delivered, IPv4 and IPv6, both backends; the rule saves as
# written and restores (upstream has had no STEAL since 2.4, so there is no plugin or module of
# theirs to compare with); in INPUT the datagram is not delivered either. The ARP and bridge
# families, through the only tools Debian 12 has for them (arptables-nft, ebtables-nft): on a
# veth pair to a network namespace, an ARP request stolen in arptables INPUT gets no reply, one
# the kernel sends is stolen in arptables OUTPUT before it leaves, and a frame to a bridge is
# stolen in ebtables INPUT; each answered or delivered without the rule.
. /vm/lib.sh

# udp_seen: UDP datagrams the stack received at all (delivered plus no-port).
udp_seen() { awk '$1 == "Udp:" && $2 != "InDatagrams" { print $2 + $3 }' /proc/net/snmp; }
udp6_seen() { awk '$1 == "Udp6InDatagrams" || $1 == "Udp6NoPorts" { s += $2 } END { print s }' /proc/net/snmp6; }

for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	load_module ours xt_STEAL || { fail "$BE: load our xt_STEAL"; continue; }
	for fam in 4 6; do
		t=ipt addr=127.0.0.1 opt= seen=udp_seen
		[ $fam = 6 ] && t=ip6t addr=::1 opt=-6 seen=udp6_seen
		check "$BE: IPv$fam: STEAL in OUTPUT" $t -A OUTPUT -p udp --dport 9999 -j STEAL
		saved="-A OUTPUT -p udp -m udp --dport 9999 -j STEAL"
		check_eq "$BE: IPv$fam: saved as written" "$saved" "$(${t}_save | rules_of)"
		${t}_save >/tmp/steal.save
		$t -F OUTPUT
		check "$BE: IPv$fam: the save restores" ${t}_restore /tmp/steal.save
		check_eq "$BE: IPv$fam: restored as saved" "$saved" "$(${t}_save | rules_of)"
		before=$($seen)
		check_eq "$BE: IPv$fam: send() succeeds" "sent 5" "$(pktprobe send $opt $addr 9999 hello)"
		check_eq "$BE: IPv$fam: the rule took it" 1 "$(rule_packets $t STEAL OUTPUT)"
		check_eq "$BE: IPv$fam: nothing delivered" "$before" "$($seen)"
		$t -F OUTPUT
		check "$BE: IPv$fam: DROP in OUTPUT" $t -A OUTPUT -p udp --dport 9999 -j DROP
		check_eq "$BE: IPv$fam: with DROP, send() fails with EPERM" "error 1" "$(pktprobe send $opt $addr 9999 hello)"
		$t -F OUTPUT
		check "$BE: IPv$fam: STEAL in INPUT" $t -A INPUT -p udp --dport 9998 -j STEAL
		before=$($seen)
		check_eq "$BE: IPv$fam: sent" "sent 5" "$(pktprobe send $opt $addr 9998 hello)"
		check "$BE: IPv$fam: the INPUT rule took it" wait_rule_packets $t 1 STEAL
		check_eq "$BE: IPv$fam: not delivered" "$before" "$($seen)"
		$t -F INPUT
		# Control: the same datagram is seen without the rule.
		pktprobe send $opt $addr 9998 hello >/dev/null
		wait_at_least $((before + 1)) $seen # loopback may deliver it after the send returned
		check_eq "$BE: IPv$fam: without the rule it arrives" $((before + 1)) "$($seen)"
	done
done

# ARP and bridge: a veth pair, v0 (10.8.0.1) here and its peer (10.8.0.2) in a network
# namespace of its own (an ARP request from a local address would be a martian here).
lab_reset
use_plugins ours && load_module ours xt_STEAL || fail "load our xt_STEAL"
ns_start || fail "the peer's namespace not created"
peerns() { ns "$@"; }
ip link add v0 type veth peer name v1
# No IPv6 on v0: its router solicitations and MLD reports would reach the peer, whose packet
# count shows that the stolen ARP requests did not.
echo 1 >/proc/sys/net/ipv6/conf/v0/disable_ipv6
peer=$(ip link show | sed -n 's/^[0-9]*: \([^@:]*\)@v0:.*/\1/p')
check "veth pair created (peer $peer)" test -n "$peer"
ip link set "$peer" netns $NS_PID
ip addr add 10.8.0.1/24 dev v0
ip link set v0 up
peerns ip addr add 10.8.0.2/24 dev "$peer"
peerns ip link set "$peer" up
# peer_rx: packets the peer received.
peer_rx() { peerns cat /proc/net/dev | awk -v d="$peer:" '$1 == d { print $3 }'; }
peer_rx_above() { [ "$(peer_rx)" -gt "$1" ]; }
arp_pcnt() { arptables-nft -L "$1" -v -n | sed -n 's/.*-j STEAL.*pcnt=\([0-9]*\).*/\1/p'; }
arp_took() { [ "$(arp_pcnt "$1")" -ge 1 ]; }
# v0_tx: packets v0 sent (IPv6 off: ARP only).
v0_tx() { awk '$1 == "v0:" { print $11 }' /proc/net/dev; }
# answered ARGS...: the peer's arping gets an answer (a request a second, at most 30).
answered() { peerns arping -f -c 30 -w 30 "$@"; }
check "ARP: a request is answered without a rule" answered -I "$peer" 10.8.0.1
check "arptables-nft: STEAL in INPUT" arptables-nft -A INPUT -j STEAL
tx=$(v0_tx)
check_fails "ARP: with STEAL in INPUT, no answer" peerns arping -c 1 -w 2 -I "$peer" 10.8.0.1
check "ARP: the INPUT rule took it (waited for at most 60 s)" wait_for 60 arp_took INPUT
check_eq "ARP: ... and no answer left v0" "$tx" "$(v0_tx)"
arptables-nft -F INPUT
check "arptables-nft: STEAL in OUTPUT" arptables-nft -A OUTPUT -j STEAL
rx=$(peer_rx)
ping -c 1 -W 1 10.8.0.9 >/dev/null 2>&1
check "ARP: the kernel's request was stolen in OUTPUT" test "$(arp_pcnt OUTPUT)" -ge 1
check_eq "ARP: ... and never reached the peer" "$rx" "$(peer_rx)"
arptables-nft -F OUTPUT
# A fresh resolution, whose first request leaves at once (the entry the stolen requests left may
# still be probing on its timer), and the peer's count waited for: read at once, a loaded
# host's guest once saw it unchanged.
ip neigh flush to 10.8.0.9 dev v0
ping -c 1 -W 1 10.8.0.9 >/dev/null 2>&1
check "ARP: without the rule the request reaches the peer" wait_for 30 peer_rx_above "$rx"

brctl addbr br0
brctl addif br0 v0
ip addr del 10.8.0.1/24 dev v0
ip addr add 10.8.0.1/24 dev br0
ip link set br0 up
peerns ip neigh flush dev "$peer" 2>/dev/null
eb_pcnt() { ebtables-nft -L INPUT --Lc | sed -n 's/.*-j STEAL.*pcnt = \([0-9]*\).*/\1/p'; }
eb_took() { [ "$(eb_pcnt)" -ge 1 ]; }
check "bridge: the bridge's address answers ARP" answered -I "$peer" 10.8.0.1
check "ebtables-nft: STEAL in INPUT" ebtables-nft -A INPUT -j STEAL
check_fails "bridge: with STEAL in INPUT, no answer" peerns arping -c 1 -w 2 -I "$peer" 10.8.0.1
check "bridge: the rule took the frames (waited for at most 60 s)" wait_for 60 eb_took
ebtables-nft -F INPUT
check "bridge: without the rule it answers again" answered -I "$peer" 10.8.0.1
ip link set br0 down
brctl delbr br0
ip link del v0
ns_stop
lab_reset
finish
