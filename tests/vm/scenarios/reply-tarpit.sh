#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=reply smp=1 timeout=300
# TARPIT, our module and plugin, both backends, IPv4 and IPv6: a TCP connect to a port
# without a listener is refused without a rule; with -j TARPIT it completes (SYN-ACK with
# window 5, the route's TTL), then every segment the client sends gets an ACK with window 0
# that acknowledges none of its data; --honeypot completes it with TTL 128; --reset refuses
# it (an RST+ACK, which upstream 3.23 sent without ACK, so the client timed out). Raw
# segments get exactly their mode's answer (captured on lo, checksums verified by the
# capture). With connection tracking active it works the same (a rule matching every
# conntrack state), and with CT --notrack in raw (as the man page advises) the tarpitted
# connections stay out of the conntrack table. Rules refuse -p udp, no -p and OUTPUT.
. /vm/lib.sh

data=$(printf 'x%.0s' $(seq 100))

# tarpit_connect WHAT IPT ADDR [PORT]: a kernel client's connect and 100 bytes, as TARPIT
# answers them. The client probes the zero window with segments one below its next sequence
# number, which get an ACK of that number: acknowledgments never go beyond the SYN-ACK's.
tarpit_connect() {
	local what=$1 t=$2 addr=$3 port=${4:-80} out first rest before
	before=$(rule_packets "$t" TARPIT)
	out=$(pktprobe connect -w 4 -d "$data" -c $addr $port)
	echo "$out"
	check_eq "$what: connect completes" connected "$(echo "$out" | head -n 1)"
	first=$(echo "$out" | grep '^tcp ' | head -n 1)
	rest=$(echo "$out" | grep '^tcp ' | tail -n +2)
	check_eq "$what: SYN-ACK, window 5, TTL 64, checksum ok" "SA 5 64 ok" \
		"$(echo "$first" | seg flags win ttl sum)"
	check "$what: at least two more replies (handshake ACK, data)" test "$(echo "$rest" | grep -c .)" -ge 2
	check_eq "$what: every later reply is an ACK with window 0, checksum ok" "A 0 ok" \
		"$(echo "$rest" | seg flags win sum | sort -u)"
	check_eq "$what: no reply acknowledges any data" "$(echo "$first" | seg ack)" \
		"$( (echo "$first"; echo "$rest") | seg ack | sort -n | tail -n 1)"
	check "$what: the rule saw the SYN, the ACK and data" wait_rule_packets "$t" $((before + 3)) TARPIT
}

for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	load_module ours xt_TARPIT || { fail "$BE: load our xt_TARPIT"; continue; }
	check_eq "$BE: IPv4 connect without a rule is refused" refused "$(pktprobe connect -w 3 127.0.0.1 80)"
	check_eq "$BE: IPv6 connect without a rule is refused" refused "$(pktprobe connect -6 -w 3 ::1 80)"

	check "$BE: insert -j TARPIT" ipt -A INPUT -p tcp --dport 80 -j TARPIT
	check "$BE: insert ip6tables -j TARPIT" ip6t -A INPUT -p tcp --dport 80 -j TARPIT
	tarpit_connect "$BE: IPv4 tarpit" ipt 127.0.0.1
	tarpit_connect "$BE: IPv6 tarpit" ip6t "-6 ::1"
	raw_answer TARPIT "$BE: IPv4 SYN -> SYN-ACK" "" 127.0.0.2 127.0.0.1 S "" "SA 0 1001 5 64 ok"
	raw_answer TARPIT "$BE: IPv4 SYN-ACK -> RST" "" 127.0.0.2 127.0.0.1 SA "" "R 9000 0 0 64 ok"
	raw_answer TARPIT "$BE: IPv4 ACK -> zero window" "" 127.0.0.2 127.0.0.1 A "" "A 9000 1000 0 64 ok"
	raw_answer TARPIT "$BE: IPv4 RST -> nothing" "" 127.0.0.2 127.0.0.1 R "" none
	raw_answer TARPIT "$BE: IPv4 FIN+ACK -> nothing" "" 127.0.0.2 127.0.0.1 FA "" none
	raw_answer TARPIT "$BE: IPv4 no flags -> nothing" "" 127.0.0.2 127.0.0.1 "" "" none
	raw_answer TARPIT "$BE: IPv6 SYN -> SYN-ACK" -6 ::1 ::1 S "" "SA 0 1001 5 64 ok"
	raw_answer TARPIT "$BE: IPv6 ACK -> zero window" -6 ::1 ::1 A "" "A 9000 1000 0 64 ok"

	check "$BE: --honeypot" ipt -R INPUT 1 -p tcp --dport 80 -j TARPIT --honeypot
	check "$BE: ip6tables --honeypot" ip6t -R INPUT 1 -p tcp --dport 80 -j TARPIT --honeypot
	for fam in "" -6; do
		addr=127.0.0.1
		[ "$fam" = -6 ] && addr=::1
		out=$(pktprobe connect $fam -w 2 -c $addr 80)
		echo "$out"
		check_eq "$BE: honeypot $addr: connect completes" connected "$(echo "$out" | head -n 1)"
		check_eq "$BE: honeypot $addr: SYN-ACK with TTL 128, checksum ok" "SA 128 ok" \
			"$(echo "$out" | grep '^tcp ' | head -n 1 | seg flags) $(echo "$out" | grep '^tcp ' | head -n 1 | seg ttl) $(echo "$out" | grep '^tcp ' | head -n 1 | seg sum)"
	done
	raw_answer TARPIT "$BE: honeypot: SYN-ACK -> RST+PSH acknowledging 0xdeadbeef" "" 127.0.0.2 127.0.0.1 SA "" \
		"RP 9000 3735928559 0 128 ok"
	raw_answer TARPIT "$BE: honeypot: FIN -> RST" "" 127.0.0.2 127.0.0.1 FA "" "R 9000 9000 0 128 ok"
	raw_answer TARPIT "$BE: honeypot: no flags -> nothing (upstream: a flagless segment)" "" 127.0.0.2 127.0.0.1 "" "" none

	check "$BE: --reset" ipt -R INPUT 1 -p tcp --dport 80 -j TARPIT --reset
	check "$BE: ip6tables --reset" ip6t -R INPUT 1 -p tcp --dport 80 -j TARPIT --reset
	check_eq "$BE: --reset: IPv4 connect refused" refused "$(pktprobe connect -w 3 127.0.0.1 80)"
	check_eq "$BE: --reset: IPv6 connect refused" refused "$(pktprobe connect -6 -w 3 ::1 80)"
	raw_answer TARPIT "$BE: --reset: SYN -> RST+ACK" "" 127.0.0.2 127.0.0.1 S "" "RA 0 1001 0 64 ok"
	raw_answer TARPIT "$BE: --reset: ACK -> RST" -6 ::1 ::1 A "" "R 9000 0 0 64 ok"
	raw_answer TARPIT "$BE: --reset: RST -> nothing (upstream: an RST)" "" 127.0.0.2 127.0.0.1 RA "" none

	check_fails "$BE: -p udp refused" ipt -A INPUT -p udp -j TARPIT
	check_fails "$BE: no -p refused" ipt -A INPUT -j TARPIT
	check_fails "$BE: OUTPUT refused" ipt -A OUTPUT -p tcp -j TARPIT
done

# Connection tracking. Its answers carry the original's entry (as upstream's), which conntrack
# then does not look at: the client's ACK is INVALID to it, so the rule takes every state.
BE=legacy
lab_reset
use_plugins ours && load_module ours xt_TARPIT
check "conntrack: TARPIT for every conntrack state" ipt -A INPUT -p tcp --dport 80 \
	-m conntrack --ctstate NEW,ESTABLISHED,RELATED,INVALID,UNTRACKED -j TARPIT
tarpit_connect "conntrack active" ipt 127.0.0.1
check "conntrack: the connection has an entry" grep -q 'dport=80 ' /proc/net/nf_conntrack
ipt -D INPUT 1 # the port-81 rule below is then the first TARPIT rule, whose counter counts
check "conntrack: CT --notrack for port 81 in raw PREROUTING and OUTPUT" eval \
	'ipt -t raw -A PREROUTING -p tcp --dport 81 -j CT --notrack && ipt -t raw -A OUTPUT -p tcp --dport 81 -j CT --notrack'
check "conntrack: TARPIT for untracked port 81 only" ipt -A INPUT -p tcp --dport 81 -m conntrack --ctstate UNTRACKED -j TARPIT
tarpit_connect "CT --notrack" ipt 127.0.0.1 81
grep 'dport=81 ' /proc/net/nf_conntrack # shown in the log if any
check_fails "CT --notrack: no conntrack entry for port 81" grep -q 'dport=81 ' /proc/net/nf_conntrack
ipt -t raw -F
lab_reset
finish
