#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=reply-forward smp=1 timeout=240
# TARPIT and DELUDE in FORWARD, as for "unused address space routed to this host": a client in
# its own network namespace reaches 10.66.0.0/16 and fd66::/64 through this host (forwarding
# on, routed on to a second namespace). Both backends, IPv4 and IPv6: the client's connect
# completes under TARPIT (SYN-ACK from the forwarded-to address, window 5, TTL 64; then only
# zero windows) and is reset under DELUDE; a first and a later fragment, a bad checksum and an
# RST reach the FORWARD rule (counter) and get no reply (captured at the client).
. /vm/lib.sh

echo 1 >/proc/sys/net/ipv4/ip_forward
echo 1 >/proc/sys/net/ipv6/conf/all/forwarding
# No duplicate address detection: the addresses are usable at once.
echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad

# own_netns PID: PID has left this network namespace (its unshare ran).
own_netns() { [ "$(readlink /proc/$1/ns/net)" != "$(readlink /proc/self/ns/net)" ]; }

# ns NAME ADDR4 ADDR6 ROOT4 ROOT6: a namespace holding the peer of veth v-NAME, with a default
# route through this host; sets NS_NAME (its sleeper's pid) and PEER_NAME (the peer's name).
ns() {
	local name=$1 pid peer
	unshare -n sleep 600 &
	pid=$!
	# nsenter before unshare ran would configure this host's namespace instead.
	wait_for 60 own_netns $pid || fail "namespace $name not created"
	nsenter -t $pid -n sh -c 'echo 0 >/proc/sys/net/ipv6/conf/default/accept_dad'
	ip link add v-$name type veth peer name p-$name
	peer=$(ip link show | sed -n "s/^[0-9]*: \([^@:]*\)@v-$name:.*/\1/p")
	ip link set "$peer" netns $pid
	ip addr add $4/24 dev v-$name
	ip -6 addr add $5/64 dev v-$name
	ip link set v-$name up
	nsenter -t $pid -n ip link set lo up
	nsenter -t $pid -n ip link set "$peer" up
	nsenter -t $pid -n ip addr add $2/24 dev "$peer"
	nsenter -t $pid -n ip -6 addr add $3/64 dev "$peer"
	nsenter -t $pid -n ip route add default via $4
	nsenter -t $pid -n ip -6 route add default via $5
	eval "NS_$name=$pid PEER_$name=$peer"
}
ns cl 10.7.0.2 fd07::2 10.7.0.1 fd07::1
ns sv 10.6.0.2 fd06::2 10.6.0.1 fd06::1
ip route add 10.66.0.0/16 via 10.6.0.2
ip -6 route add fd66::/64 via fd06::2
# in_cl CMD...: CMD in the client's namespace, capturing on its interface.
in_cl() { nsenter -t $NS_cl -n "$@"; }
check "the client reaches the server's namespace without a rule" \
	in_cl ping -c 1 -W 2 10.6.0.2

# raw_case WHAT IPT TARGET EXPECTED PKTPROBE-TCP-ARGS...: from the client, captured there.
raw_case() {
	local what=$1 t=$2 target=$3 expected=$4 before out
	shift 4
	before=$(rule_packets $t $target FORWARD)
	out=$(in_cl pktprobe -i "$PEER_cl" tcp "$@")
	echo "$out"
	check_eq "$BE: $what: replies" "replies $expected" "$(echo "$out" | tail -n 1)"
	check "$BE: $what: reached the FORWARD rule" wait_rule_packets $t $((before + 1)) $target FORWARD
}

for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	for m in xt_TARPIT xt_DELUDE; do load_module ours $m || fail "$BE: load our $m"; done
	check "$BE: TARPIT in FORWARD" ipt -A FORWARD -p tcp -d 10.66.1.0/24 -j TARPIT
	check "$BE: DELUDE in FORWARD" ipt -A FORWARD -p tcp -d 10.66.2.0/24 -j DELUDE
	check "$BE: TARPIT in FORWARD, IPv6" ip6t -A FORWARD -p tcp -d fd66::1:0/112 -j TARPIT
	check "$BE: DELUDE in FORWARD, IPv6" ip6t -A FORWARD -p tcp -d fd66::2:0/112 -j DELUDE
	for dst in 10.66.1.1 fd66::1:1; do
		fam=
		case $dst in *:*) fam=-6 ;; esac
		out=$(in_cl pktprobe -i "$PEER_cl" connect $fam -w 3 -d hello -c $dst 80)
		echo "$out"
		check_eq "$BE: TARPIT $dst: the client's connect completes" connected "$(echo "$out" | head -n 1)"
		first=$(echo "$out" | grep '^tcp ' | head -n 1)
		check_eq "$BE: TARPIT $dst: SYN-ACK from $dst, window 5, TTL 64, checksum ok" "SA 5 64 ok" \
			"$(echo "$first" | seg flags win ttl sum)"
		check_eq "$BE: TARPIT $dst: then only zero windows" "0" \
			"$(echo "$out" | grep '^tcp ' | tail -n +2 | seg win | sort -u)"
	done
	for dst in 10.66.2.1 fd66::2:1; do
		fam=
		case $dst in *:*) fam=-6 ;; esac
		check_eq "$BE: DELUDE $dst: the client's connect completes, then is reset" reset \
			"$(in_cl pktprobe -i "$PEER_cl" connect $fam -w 3 $dst 80)"
	done
	raw_case "TARPIT: a valid SYN" ipt TARPIT 1 -s 10.7.0.2 -d 10.66.1.1 -f S
	raw_case "TARPIT: first fragment" ipt TARPIT 0 -s 10.7.0.2 -d 10.66.1.1 -f S -F first
	raw_case "TARPIT: later fragment" ipt TARPIT 0 -s 10.7.0.2 -d 10.66.1.1 -f S -F later
	raw_case "TARPIT: bad checksum" ipt TARPIT 0 -s 10.7.0.2 -d 10.66.1.1 -f S -B
	raw_case "TARPIT: an RST" ipt TARPIT 0 -s 10.7.0.2 -d 10.66.1.1 -f R
	raw_case "DELUDE: first fragment" ipt DELUDE 0 -s 10.7.0.2 -d 10.66.2.1 -f S -F first
	raw_case "DELUDE: a valid SYN" ipt DELUDE 1 -s 10.7.0.2 -d 10.66.2.1 -f S
	raw_case "TARPIT IPv6: first fragment" ip6t TARPIT 0 -6 -s fd07::2 -d fd66::1:1 -f S -F first
	raw_case "TARPIT IPv6: a valid SYN" ip6t TARPIT 1 -6 -s fd07::2 -d fd66::1:1 -f S
done
lab_reset
ip link del v-cl
ip link del v-sv
kill $NS_cl $NS_sv
wait 2>/dev/null
finish
