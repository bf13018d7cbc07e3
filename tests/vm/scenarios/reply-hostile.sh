#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=reply-hostile smp=1 timeout=400
# Hostile packets against TARPIT, DELUDE and ECHO (our modules), both backends: bad TCP and
# UDP checksums, TCP headers cut short or with a lying data offset, fragments, IPv4 options
# and IPv6 extension headers (TARPIT refuses them, DELUDE answers: the positive control),
# RSTs, a broadcast destination and a broadcast source, a UDP length beyond the packet
# (upstream's ECHO copies from a NULL pointer), shorter than the header or than the packet, a
# UDP header itself cut short (0 or 4 of its 8 bytes), a datagram from the ECHO port itself. Each reaches its rule (counter) and gets no reply
# (captured on lo); a well-formed packet before and after gets one. The rules match on
# addresses only, so no tcp/udp match drops the malformed ones first; each case's rule sits
# alone in its own chain, whose counter shows the packet reached it. IPv4 fragments are
# reassembled before INPUT, so they are sent through ECHO in OUTPUT; IPv6 ones reach INPUT.
. /vm/lib.sh

# A subnet whose broadcast address is local to lo; a second IPv6 source.
ip addr add 10.9.0.1/24 brd + dev lo
ip -6 addr add fd00::5/128 dev lo
ip -6 addr add fd00::6/128 dev lo

# chain IPT NAME [FROM] RULE...: a chain NAME holding one rule, jumped to from FROM (an
# upper-case word: default INPUT).
chain() {
	local t=$1 name=$2 from=INPUT
	shift 2
	case $1 in [A-Z]*) from=$1; shift ;; esac
	$t -N $name && $t -A $name "$@" && $t -A $from -j $name
}

# tcp_case WHAT IPT CHAIN EXPECTED PKTPROBE-ARGS...: one raw segment; EXPECTED replies (0 or 1).
tcp_case() {
	local what=$1 t=$2 c=$3 expected=$4 target before out
	shift 4
	target=$($t -S $c | sed -n 's/.* -j \([A-Z]*\).*/\1/p')
	before=$(rule_packets $t $target $c)
	out=$(pktprobe tcp "$@")
	echo "$out"
	check_eq "$BE: $what: replies" "replies $expected" "$(echo "$out" | tail -n 1)"
	check "$BE: $what: reached the rule" wait_rule_packets $t $((before + 1)) $target $c
	if [ "$expected" = 1 ]; then
		check_eq "$BE: $what: the reply's checksums verify" ok \
			"$(echo "$out" | sed -n 's/^tcp .* sum=\(.*\)/\1/p')"
	fi
}

# udp_case WHAT IPT CHAIN FROM EXPECTED CMD...: CMD sends to the chain's ECHO rule; EXPECTED
# datagrams come back from FROM, port 7.
udp_case() {
	local what=$1 t=$2 c=$3 from=$4 expected=$5 before fam= n
	shift 5
	[ $t = ip6t ] && fam=-6
	before=$(rule_packets $t ECHO $c)
	n=$(lo_captures)
	pktprobe capture $fam -u -s $from -p 7 -w 1500 >/tmp/capture &
	wait_at_least $((n + 1)) lo_captures # sent once the capture listens
	run "$@"
	wait
	cat /tmp/capture
	check_eq "$BE: $what: datagrams echoed" "replies $expected" "$(tail -n 1 /tmp/capture)"
	check "$BE: $what: reached the rule" wait_rule_packets $t $((before + 1)) ECHO $c
}

v4="-s 127.0.0.5 -d 127.0.0.1"
v6="-6 -s fd00::5 -d ::1"
for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	for m in xt_TARPIT xt_DELUDE xt_ECHO; do load_module ours $m || fail "$BE: load our $m"; done
	check "$BE: TARPIT rule" chain ipt TP -p tcp -s 127.0.0.5 -d 127.0.0.1 -j TARPIT
	check "$BE: DELUDE rule" chain ipt DL -p tcp -s 127.0.0.6 -j DELUDE
	check "$BE: ECHO rule" chain ipt EC -p udp -s 127.0.0.5 -j ECHO
	check "$BE: TARPIT rule for broadcasts" chain ipt TPB -p tcp -d 10.9.0.255 -j TARPIT
	check "$BE: TARPIT rule from a broadcast source" chain ipt TPS -p tcp -s 10.9.0.255 -j TARPIT
	check "$BE: ECHO rule for broadcasts" chain ipt ECB -p udp -d 10.9.0.255 -j ECHO
	check "$BE: ECHO rule in OUTPUT" chain ipt ECO OUTPUT -p udp -s 127.0.0.7 -j ECHO
	check "$BE: TARPIT rule, IPv6" chain ip6t TP -p tcp -s fd00::5 -d ::1 -j TARPIT
	check "$BE: DELUDE rule, IPv6" chain ip6t DL -p tcp -s fd00::6 -j DELUDE
	check "$BE: ECHO rule, IPv6" chain ip6t EC -p udp -s fd00::5 -j ECHO

	tcp_case "TARPIT: a valid SYN" ipt TP 1 $v4 -f S
	tcp_case "TARPIT: bad checksum" ipt TP 0 $v4 -f S -B
	tcp_case "TARPIT: TCP header cut to 10 bytes" ipt TP 0 $v4 -f S -T 10
	tcp_case "TARPIT: TCP header cut to 0 bytes" ipt TP 0 $v4 -f S -T 0
	tcp_case "TARPIT: data offset 15 in a 20-byte header" ipt TP 0 $v4 -f S -D 15
	tcp_case "TARPIT: data offset 2" ipt TP 0 $v4 -f S -D 2
	tcp_case "TARPIT: IP options" ipt TP 0 $v4 -f S -O
	tcp_case "TARPIT: an RST" ipt TP 0 $v4 -f RA
	tcp_case "TARPIT: to a broadcast address" ipt TPB 0 -s 127.0.0.5 -d 10.9.0.255 -f S
	tcp_case "TARPIT: from a broadcast address" ipt TPS 0 -s 10.9.0.255 -d 127.0.0.1 -f S
	tcp_case "TARPIT: a valid SYN after them" ipt TP 1 $v4 -f S
	tcp_case "TARPIT IPv6: a valid SYN" ip6t TP 1 $v6 -f S
	tcp_case "TARPIT IPv6: bad checksum" ip6t TP 0 $v6 -f S -B
	tcp_case "TARPIT IPv6: TCP header cut to 12 bytes" ip6t TP 0 $v6 -f S -T 12
	tcp_case "TARPIT IPv6: data offset 15" ip6t TP 0 $v6 -f S -D 15
	tcp_case "TARPIT IPv6: first fragment" ip6t TP 0 $v6 -f S -F first
	tcp_case "TARPIT IPv6: later fragment" ip6t TP 0 $v6 -f S -F later
	tcp_case "TARPIT IPv6: destination options header" ip6t TP 0 $v6 -f S -E
	tcp_case "TARPIT IPv6: a valid SYN after them" ip6t TP 1 $v6 -f S

	tcp_case "DELUDE: IP options (answered: it builds its own header)" ipt DL 1 -s 127.0.0.6 -d 127.0.0.1 -f S -O
	tcp_case "DELUDE: bad checksum" ipt DL 0 -s 127.0.0.6 -d 127.0.0.1 -f S -B
	tcp_case "DELUDE: TCP header cut to 19 bytes" ipt DL 0 -s 127.0.0.6 -d 127.0.0.1 -f A -T 19
	tcp_case "DELUDE IPv6: destination options header (answered)" ip6t DL 1 -6 -s fd00::6 -d ::1 -f S -E
	tcp_case "DELUDE IPv6: later fragment" ip6t DL 0 -6 -s fd00::6 -d ::1 -f S -F later

	udp_case "ECHO: a valid datagram" ipt EC 127.0.0.1 1 rawudp $v4 -p 7 -m hello
	udp_case "ECHO: UDP length 100 beyond the packet" ipt EC 127.0.0.1 0 rawudp $v4 -p 7 -m hello -l 100
	udp_case "ECHO: UDP length 65535" ipt EC 127.0.0.1 0 rawudp $v4 -p 7 -m hello -l 65535
	udp_case "ECHO: UDP length 7" ipt EC 127.0.0.1 0 rawudp $v4 -p 7 -m hello -l 7
	udp_case "ECHO: UDP length 0" ipt EC 127.0.0.1 0 rawudp $v4 -p 7 -m hello -l 0
	udp_case "ECHO: shorter than the packet, checksum over the packet" ipt EC 127.0.0.1 0 rawudp $v4 -p 7 -m hello -l 9
	udp_case "ECHO: bad checksum" ipt EC 127.0.0.1 0 rawudp $v4 -p 7 -m hello -B
	udp_case "ECHO: UDP header cut to 4 bytes" ipt EC 127.0.0.1 0 rawudp $v4 -p 7 -m hello -T 4
	udp_case "ECHO: UDP header cut to 0 bytes" ipt EC 127.0.0.1 0 rawudp $v4 -p 7 -m hello -T 0
	udp_case "ECHO in OUTPUT: a valid datagram" ipt ECO 127.0.0.1 1 rawudp -s 127.0.0.7 -d 127.0.0.1 -p 7 -m hello
	udp_case "ECHO in OUTPUT: first fragment" ipt ECO 127.0.0.1 0 rawudp -s 127.0.0.7 -d 127.0.0.1 -p 7 -m hello -F
	udp_case "ECHO: from port 7 to port 7" ipt EC 127.0.0.1 0 rawudp $v4 -p 7 -P 7 -m hello
	udp_case "ECHO: to a broadcast address" ipt ECB 10.9.0.255 0 pktprobe send -b 10.9.0.255 7 hello
	udp_case "ECHO: a valid datagram after them" ipt EC 127.0.0.1 1 rawudp $v4 -p 7 -m hello
	udp_case "ECHO IPv6: a valid datagram" ip6t EC ::1 1 rawudp $v6 -p 7 -m hello
	udp_case "ECHO IPv6: UDP length beyond the packet" ip6t EC ::1 0 rawudp $v6 -p 7 -m hello -l 200
	udp_case "ECHO IPv6: bad checksum" ip6t EC ::1 0 rawudp $v6 -p 7 -m hello -B
	udp_case "ECHO IPv6: UDP header cut to 4 bytes" ip6t EC ::1 0 rawudp $v6 -p 7 -m hello -T 4
	udp_case "ECHO IPv6: UDP header cut to 7 bytes" ip6t EC ::1 0 rawudp $v6 -p 7 -m hello -T 7
	udp_case "ECHO IPv6: first fragment" ip6t EC ::1 0 rawudp $v6 -p 7 -m hello -F
	udp_case "ECHO IPv6: a valid datagram after them" ip6t EC ::1 1 rawudp $v6 -p 7 -m hello
done
lab_reset
finish
