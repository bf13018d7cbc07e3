#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=pknock-gc smp=1 timeout=360
# Our xt_pknock keeps rules, peers, /proc files, stats and connector messages per network
# namespace, both backends (our plugin, nl_multicast_group=3, pknlusr listening on the host).
# The host has upstream's example rule (--knockports 4002,4001,4004 --strict --name SSH
# --time 10 --autoclose 60 --dport 22, then DROP) and a --checkip rule of its own name. A
# child namespace (unshare -n, as root) adds a one-port rule of the same name SSH with
# --time 100 and no --autoclose, and 127.0.0.2 knocks once there: the child's
# /proc/net/xt_pknock/SSH shows it ALLOWED and lists only the child's names; the host's file
# does not list it, port 22 stays closed for it, the host's --time and --autoclose are
# unchanged (MATCHING line of a first knock, ALLOWED line after the host's own three-port
# knock, which opens port 22), the host's stats and directory are the host's, and pknlusr
# reports the host's knock only (not the child's, from 127.0.0.2 and 127.0.0.6). The same
# from a namespace a non-root user made (unshare -Urn as uid 1000): its knock stays there,
# and its root owns and reads its rule's file and its stats (mode 0400: a user on the host
# reads neither). "Port 22 stays closed" is decided on the host's DROP rule's counter (the
# SYN arrived and was dropped), not on a timeout. A namespace that dies with its rules still in
# place leaves the host's state as it was (and no oops or warning).
# Before rules were per namespace, the child's knock showed as ALLOWED in the host's file and
# opened port 22, the host's line lost its autoclose_time, and the child had no file at all.
. /vm/lib.sh
PK=/proc/net/xt_pknock
GROUP=3
SSH_RULE='-p tcp -m pknock --knockports 4002,4001,4004 --strict --name SSH --time 10 --autoclose 60 -m tcp --dport 22 -j ACCEPT'
CHILD_RULE='-p tcp -m pknock --knockports 4002 --name SSH --time 100 -m tcp --dport 22 -j ACCEPT'

socat TCP-LISTEN:22,reuseaddr,fork SYSTEM:'echo hi' 2>/dev/null &
server=$!
wait_for 60 listening 22 || fail "the server on port 22 is not listening"
# A user for the unprivileged case (busybox su needs a passwd line).
grep -q '^knocker:' /etc/passwd 2>/dev/null || echo 'knocker:x:1000:1000::/tmp:/bin/sh' >>/etc/passwd

# IN: empty for the host, "nsenter -t PID -n" to run in the child namespace.
IN=
# reach SRC PORT: on the host, "hi" when a TCP connection from SRC to PORT gets through,
# nothing when the host's DROP rule for PORT dropped its SYN (lib.sh's tcp_answer decides on
# that rule's counter, not on a timeout, and says so when nothing from SRC arrived).
reach() { tcp_answer "$1" 127.0.0.1 "$2"; }
status() {
	$IN awk -v s="src=$2" '$1 == s { sub("status=", "", $3); print $3; f = 1 } END { if (!f) print "none" }' $PK/"$1" 2>/dev/null
}
line() { $IN grep "^src=$2 " $PK/"$1" 2>/dev/null; }
names() { $IN ls $PK 2>/dev/null | sort | tr '\n' ' ' | sed 's/ $//'; }
stats() { $IN sed 's/ limit=.*//' /proc/net/xt_pknock_stats 2>/dev/null | sort | tr '\n' ';'; }
cipt() { nsenter -t "$child" -n /usr/sbin/iptables-"$BE" -w "$@"; }

# child_start: a new network namespace held by a sleeping process ($child), lo up.
child_start() {
	unshare -n sleep 100000 &
	child=$!
	while [ "$(readlink /proc/$child/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do usleep 10000; done
	nsenter -t "$child" -n ip link set lo up
}
child_stop() {
	kill "$child"
	wait "$child" 2>/dev/null
}

# check_match WHAT TEXT REGEX: TEXT matches the extended REGEX.
check_match() {
	if printf '%s\n' "$2" | grep -qE "$3"; then pass "$1"; else fail "$1"; echo "  got: '$2'"; fi
}
# noted LINE: pknlusr printed LINE (it flushes each line; waits at most 60 s for it).
noted() {
	wait_for 60 grep -qxF "$1" /tmp/pknlusr.out && return 0
	sed 's/^/  pknlusr: /' /tmp/pknlusr.out
	return 1
}

netns_run() {
	local what="$BE" out
	check "$what: host: upstream's example rule" ipt -A INPUT $SSH_RULE
	check "$what: host: DROP port 22" ipt -A INPUT -p tcp --dport 22 -j DROP
	check "$what: host: --checkip rule of its own name" ipt -A INPUT -p tcp -m pknock --checkip --name HOSTONLY -m tcp --dport 2222 -j ACCEPT

	child_start
	# shellcheck disable=SC2086
	check "$what: child: same-name one-port rule" cipt -A INPUT $CHILD_RULE
	IN="nsenter -t $child -n"
	check "$what: child: the knock from 127.0.0.2 arrived" tcp_knock 127.0.0.2 4002
	check "$what: child: the knock from 127.0.0.6 arrived" tcp_knock 127.0.0.6 4002
	check_eq "$what: child: its knock is ALLOWED in its own file" ALLOWED "$(status SSH 127.0.0.2)"
	check_eq "$what: child: its directory lists only its name" SSH "$(names)"
	check_eq "$what: child: its stats list only its name" "name=SSH peers=2;" "$(stats)"
	IN=
	check_eq "$what: host: the child's knock is not in the host's file" none "$(status SSH 127.0.0.2)"
	check_eq "$what: host: port 22 stays closed for 127.0.0.2" "" "$(reach 127.0.0.2 22)"
	check_eq "$what: host: its directory is its own" "HOSTONLY SSH" "$(names)"
	check_eq "$what: host: its stats are its own" "name=HOSTONLY peers=0;name=SSH peers=0;" "$(stats)"
	check_eq "$what: host: a rule's file and the stats are root's, mode 0400" "400:0:0 400:0:0" \
		"$(stat -c %a:%u:%g $PK/SSH /proc/net/xt_pknock_stats | tr '\n' ' ' | sed 's/ $//')"
	check_fails "$what: host: a user cannot read a rule's peers" su knocker -s /bin/sh -c "cat $PK/SSH"
	check_fails "$what: host: ... nor the stats" su knocker -s /bin/sh -c "cat /proc/net/xt_pknock_stats"

	check "$what: host: the first knock from 127.0.0.3 arrived" tcp_knock 127.0.0.3 4002
	# expir_time counts whole seconds from the knock; tcp_knock's wait and a loaded host take
	# some of them (pknock-tcp saw 8). The child's --time 100 would show 91 to 100.
	check_match "$what: host: --time still 10 (first knock: expir_time 1 to 10)" \
		"$(line SSH 127.0.0.3)" 'status=MATCHING accepted_knock_count=1 expir_time=([1-9]|10) '
	check "$what: host: the knocks from 127.0.0.2 arrived" tcp_knock 127.0.0.2 4002 4001 4004
	check_match "$what: host: the real knock opens, --autoclose still 60" \
		"$(line SSH 127.0.0.2)" 'status=ALLOWED accepted_knock_count=3 autoclose_time=3[56][0-9][0-9] '
	check_eq "$what: host: port 22 open for 127.0.0.2 after the real knock" hi "$(reach 127.0.0.2 22)"
	# Messages arrive in order: once the host's is printed, a child's would be too.
	check "$what: host: pknlusr reports the host's knock" noted 'rule_name: SSH - ip 127.0.0.2'
	check_eq "$what: host: pknlusr reports nothing from the child" "rule_name: SSH - ip 127.0.0.2" \
		"$(cat /tmp/pknlusr.out)"

	# A non-root user's own user and network namespace.
	out=$(su knocker -s /bin/sh -c "unshare -Urn sh /tmp/userns.sh $BE" 2>&1)
	printf '%s\n' "$out" | sed 's/^/  userns: /'
	check_match "$what: user namespace: its rule and knock work there" "$out" \
		'^src=127.0.0.4 proto=TCP status=ALLOWED '
	check_match "$what: user namespace: its root owns its rule's file and stats (0400)" "$out" \
		'^owner 400:0:0 400:0:0$'
	check_match "$what: user namespace: its root reads its stats" "$out" \
		'^name=SSH peers=1 limit='
	check_eq "$what: host: the user namespace's knock is not in the host's file" none "$(status SSH 127.0.0.4)"
	check_eq "$what: host: port 22 stays closed for 127.0.0.4" "" "$(reach 127.0.0.4 22)"
	check "$what: host: the knocks from 127.0.0.5 arrived" tcp_knock 127.0.0.5 4002 4001 4004
	check "$what: host: pknlusr reports the host's next knock" noted 'rule_name: SSH - ip 127.0.0.5'
	check_eq "$what: host: ... and nothing from the user namespace" 2 "$(grep -c . /tmp/pknlusr.out)"

	# The child dies with its rule in place: its namespace's exit and the rule's destroy meet.
	child_stop
	check_eq "$what: host: after the child died, 127.0.0.2 still ALLOWED" ALLOWED "$(status SSH 127.0.0.2)"
	check_eq "$what: host: ... and its files are still there" "HOSTONLY SSH" "$(names)"
	ipt -F INPUT
	check_eq "$what: host: rules deleted: no file left" "" "$(names)"
}

cat >/tmp/userns.sh <<'EOF'
# Run by uid 1000 as root of its own user and network namespace: one same-name rule, one knock.
BE=$1
export XTABLES_LOCKFILE=/tmp/xtables-userns.lock
ip link set lo up
/usr/sbin/iptables-"$BE" -w -A INPUT -p tcp -m pknock --knockports 4002 --name SSH --time 100 -m tcp --dport 22 -j ACCEPT || echo "rule refused"
socat -T1 /dev/null TCP:127.0.0.1:4002,bind=127.0.0.4,connect-timeout=1 2>/dev/null
# Its SYN may still be on a loaded guest's backlog: wait (at most 60 s) for the peer it opens.
i=0
until grep -q '^src=127.0.0.4 .*status=ALLOWED' /proc/net/xt_pknock/SSH || [ $i -ge 600 ]; do
	usleep 100000
	i=$((i + 1))
done
cat /proc/net/xt_pknock/SSH
echo "owner $(stat -c %a:%u:%g /proc/net/xt_pknock/SSH /proc/net/xt_pknock_stats | tr '\n' ' ' | sed 's/ $//')"
cat /proc/net/xt_pknock_stats
EOF
chmod 644 /tmp/userns.sh
chmod 1777 /tmp

for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	load_module ours xt_pknock nl_multicast_group=$GROUP || { fail "$BE: load our xt_pknock"; continue; }
	: >/tmp/pknlusr.out
	pknlusr $GROUP >/tmp/pknlusr.out 2>&1 &
	listener=$!
	# Bound once its connector socket shows in /proc/net/netlink with our group's bit.
	check "$BE: pknlusr listens on group $GROUP" wait_for 60 awk -v m="$(printf %08x $((1 << (GROUP - 1))))" \
		'$2 == 11 && $4 == m { f = 1 } END { exit !f }' /proc/net/netlink
	netns_run
	kill $listener
done
kill $server
lab_reset
finish
