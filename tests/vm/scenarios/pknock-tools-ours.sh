#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=pknock-tools smp=1 timeout=180
# Our tools with our xt_pknock (nl_multicast_group=3), both backends, IPv4 and IPv6:
# pknlusr 3 prints "rule_name: NAME - ip ADDR" when pknock-knock completes a TCP sequence;
# SPA with pknock-knock: --opensecret opens port 21 (--checkip rule) for the sender only and
# pknlusr reports it, a wrong secret and a stale minute (--at 3 minutes ago) do not open, the
# close secret closes; the secret read from a file works the same.
. /vm/lib.sh
PK=/proc/net/xt_pknock
GROUP=3

ip -6 addr add fd00::1/128 dev lo
for i in 2 3; do ip -6 addr add fd00::$i/128 dev lo; done
for port in 21 22; do
	socat TCP6-LISTEN:$port,ipv6only=0,reuseaddr,fork SYSTEM:'echo hi' 2>/dev/null &
	servers="$servers $!"
done
wait_for 60 listening 21 22 || fail "the servers on ports 21 and 22 are not listening"
printf 'foo\n' >/tmp/open.secret
chmod 600 /tmp/open.secret

dst() { case $1 in *:*) echo fd00::1 ;; *) echo 127.0.0.1 ;; esac; }
# reach SRC PORT: "hi" when a TCP connection gets through, nothing when the DROP rule for PORT
# dropped it (lib.sh's tcp_answer: it waits on state, not on a timeout).
reach() { tcp_answer "$1" "$(dst "$1")" "$2"; }
status() {
	awk -v s="src=$2" '$1 == s { sub("status=", "", $3); print $3; f = 1 } END { if (!f) print "none" }' $PK/"$1"
}
# noted LINE: pknlusr printed LINE (it flushes each line; waits at most 60 s for it).
noted() {
	wait_for 60 grep -qxF "$1" /tmp/pknlusr.out && return 0
	echo "  pknlusr printed:"
	sed 's/^/    /' /tmp/pknlusr.out
	return 1
}

tools() {
	local t=$1 a b fam what
	case $t in
	ipt) a=127.0.0.2 b=127.0.0.3 fam=-4 ;;
	ip6t) a=fd00::2 b=fd00::3 fam=-6 ;;
	esac
	what="$BE $t"
	check "$what: knock rule" $t -A INPUT -p tcp -m pknock --knockports 4002,4001,4004 --strict --name SSH --time 10 -m tcp --dport 22 -j ACCEPT
	check "$what: SPA rule" $t -A INPUT -p udp -m pknock --knockports 4000 --name FTP --opensecret foo --closesecret bar --autoclose 240 -j DROP
	check "$what: --checkip rule" $t -A INPUT -p tcp -m pknock --checkip --name FTP -m tcp --dport 21 -j ACCEPT
	check "$what: DROP 21" $t -A INPUT -p tcp --dport 21 -j DROP
	check "$what: DROP 22" $t -A INPUT -p tcp --dport 22 -j DROP

	check "$what: TCP knocks, all 3 arrived" sent $a 3 pknock-knock $fam -d 50 -w 300 -s $a "$(dst $a)" 4002,4001,4004
	check_eq "$what: knocks: ALLOWED" ALLOWED "$(status SSH $a)"
	check_eq "$what: knocks: port 22 open for $a" hi "$(reach $a 22)"
	check "$what: pknlusr reports the knock sequence" noted "rule_name: SSH - ip $a"

	n=$(arrived $a)
	check "$what: SPA with a wrong secret" pknock-knock $fam -s $a --secret wrong "$(dst $a)" 4000
	check "$what: SPA for 3 minutes ago" pknock-knock $fam -s $a --secret foo --at $(($(date +%s) - 180)) "$(dst $a)" 4000
	check "$what: both SPA datagrams arrived" wait_arrived $a $((n + 2))
	check_eq "$what: neither opens port 21" "" "$(reach $a 21)"
	n=$(arrived $a)
	check "$what: SPA open (secret from a file)" pknock-knock $fam -s $a -f /tmp/open.secret "$(dst $a)" 4000
	check "$what: SPA open arrived" wait_arrived $a $((n + 1))
	check_eq "$what: SPA open: ALLOWED" ALLOWED "$(status FTP $a)"
	check_eq "$what: port 21 open for $a" hi "$(reach $a 21)"
	check_eq "$what: not for $b" "" "$(reach $b 21)"
	check "$what: pknlusr reports the SPA open" noted "rule_name: FTP - ip $a"
	# Waited for: a loaded guest may defer the datagram to ksoftirqd, and port 21 was still
	# open when checked at once (a CI on 6.1).
	n=$(arrived $a)
	check "$what: SPA close" pknock-knock $fam -s $a --secret bar "$(dst $a)" 4000
	check "$what: SPA close arrived" wait_arrived $a $((n + 1))
	check_eq "$what: SPA close: port 21 closed" "" "$(reach $a 21)"
	check_fails "$what: SPA close: no longer ALLOWED" grep -q "^src=$a .*status=ALLOWED" $PK/FTP
	$t -F INPUT
}

for BE in $BACKENDS; do
	lab_reset
	if [ ! -e /opt/ours/xtables/libxt_pknock.so ] || ! command -v pknlusr >/dev/null; then
		fail "$BE: our libxt_pknock.so or tools are not in the image (not built?)"
		continue
	fi
	use_plugins ours || continue
	load_module ours xt_pknock nl_multicast_group=$GROUP || { fail "$BE: load our xt_pknock"; continue; }
	: >/tmp/pknlusr.out
	pknlusr $GROUP >/tmp/pknlusr.out 2>&1 &
	listener=$!
	# Bound once its connector socket shows in /proc/net/netlink with our group's bit.
	check "$BE: pknlusr listens on group $GROUP" wait_for 60 awk -v m="$(printf %08x $((1 << (GROUP - 1))))" \
		'$2 == 11 && $4 == m { f = 1 } END { exit !f }' /proc/net/netlink
	tools ipt
	tools ip6t
	kill $listener
done
# shellcheck disable=SC2086 # PIDs
kill $servers
lab_reset
finish
