#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=pknock-tools smp=1 timeout=150 needs=upstream-modules
# Our libxt_pknock.so and pknock-knock with UPSTREAM's xt_pknock module, TCP and UDP knock
# modes only (upstream 3.23 panics on the first SPA packet: none is ever sent here), both
# backends: upstream's example rule inserts; iptables-save prints upstream's documented text and
# -S/-L/save are identical under upstream's plugin; our client's knocks in the right order
# make 127.0.0.2 ALLOWED in upstream's /proc/net/xt_pknock/SSH and open port 22 for it only;
# the wrong order does not; UDP knocks (-u) open a -p udp knock rule; a --checkip rule
# inserts and saves; saved rules restore; rules delete by specification with our plugin.
. /vm/lib.sh
PK=/proc/net/xt_pknock
SSH_RULE='-p tcp -m pknock --knockports 4002,4001,4004 --strict --name SSH --time 10 --autoclose 60 -m tcp --dport 22 -j ACCEPT'
SSH_SAVE='-A INPUT -p tcp -m pknock --knockports 4002,4001,4004  --time 10  --autoclose 60  --name SSH  --strict  -m tcp --dport 22 -j ACCEPT'
UDP_RULE='-p udp -m pknock --knockports 5001,5002 --time 5 --name U -j ACCEPT'
CHECK_RULE='-p tcp -m pknock --name SSH --checkip -m tcp --dport 2222 -j ACCEPT'

socat TCP-LISTEN:22,reuseaddr,fork SYSTEM:'echo hi' 2>/dev/null &
server=$!
wait_for 60 listening 22 || fail "the server on port 22 is not listening"

# reach SRC: "hi" when a TCP connection to port 22 gets through, nothing when the DROP rule
# for port 22 dropped it (lib.sh's tcp_answer: it waits on state, not on a timeout).
reach() { tcp_answer "$1" 127.0.0.1 22; }
status() {
	awk -v s="src=$2" '$1 == s { sub("status=", "", $3); print $3; f = 1 } END { if (!f) print "none" }' $PK/"$1"
}
# both_plugins CMD: the output of an iptables command under upstream's plugin and ours.
both_plugins() {
	local up
	use_plugins upstream && up=$("$@" 2>&1)
	use_plugins ours && [ "$up" = "$("$@" 2>&1)" ] && [ -n "$up" ] || {
		echo "  upstream's plugin: $up"
		echo "  ours:              $("$@" 2>&1)"
		return 1
	}
}

for BE in $BACKENDS; do
	lab_reset
	if [ ! -e /opt/ours/xtables/libxt_pknock.so ]; then
		fail "$BE: our libxt_pknock.so is not in the image (not built?)"
		continue
	fi
	use_plugins ours || continue
	load_module upstream xt_pknock || { fail "$BE: load upstream's xt_pknock"; continue; }
	# shellcheck disable=SC2086 # rule words
	check "$BE: insert upstream's example rule" ipt -A INPUT $SSH_RULE
	check "$BE: DROP port 22 after it" ipt -A INPUT -p tcp --dport 22 -j DROP
	# shellcheck disable=SC2086
	check "$BE: insert a UDP knock rule" ipt -A INPUT $UDP_RULE
	# shellcheck disable=SC2086
	check "$BE: insert a --checkip rule" ipt -A INPUT $CHECK_RULE
	check_eq "$BE: iptables-save prints upstream's text" "$SSH_SAVE" "$(ipt_save | rules_of | head -n 1)"
	check_eq "$BE: the other rules saved as upstream does" \
		"-A INPUT -p udp -m pknock --knockports 5001,5002  --time 5  --name U  -j ACCEPT|-A INPUT -p tcp -m pknock --name SSH  --checkip  -m tcp --dport 2222 -j ACCEPT" \
		"$(ipt_save | rules_of | sed -n '3p;4p' | tr '\n' '|' | sed 's/|$//')"
	check "$BE: -S identical with upstream's plugin" both_plugins ipt -S INPUT
	check "$BE: -L identical with upstream's plugin" both_plugins ipt -L INPUT -n
	check "$BE: iptables-save identical with upstream's plugin" both_plugins sh -c "/usr/sbin/iptables-$BE-save | grep '^-A'"
	ipt_save >/tmp/pknock.saved
	ipt -F INPUT
	if ipt_restore </tmp/pknock.saved; then pass "$BE: iptables-restore of the saved rules"; else fail "$BE: iptables-restore of the saved rules"; fi
	check_eq "$BE: restored rules save the same" "$(rules_of </tmp/pknock.saved)" "$(ipt_save | rules_of)"
	check_eq "$BE: port 22 closed before knocking" "" "$(reach 127.0.0.2)"

	check "$BE: pknock-knock TCP sequence from 127.0.0.2, all 3 arrived" \
		sent 127.0.0.2 3 pknock-knock -v -d 50 -w 300 -s 127.0.0.2 127.0.0.1 4002,4001,4004
	check_eq "$BE: ALLOWED in upstream's /proc" ALLOWED "$(status SSH 127.0.0.2)"
	check "$BE: upstream's /proc line format" sh -c "grep -qE '^src=127.0.0.2 proto=TCP status=ALLOWED accepted_knock_count=3 autoclose_time=[0-9]+ \[secs\] $' $PK/SSH"
	check_eq "$BE: TCP to 22 from 127.0.0.2 succeeds" hi "$(reach 127.0.0.2)"
	check_eq "$BE: TCP to 22 from 127.0.0.3 does not" "" "$(reach 127.0.0.3)"
	n=$(arrived 127.0.0.3)
	check "$BE: pknock-knock wrong order from 127.0.0.3" pknock-knock -d 50 -w 300 -s 127.0.0.3 127.0.0.1 4001,4002,4004
	check "$BE: wrong order: the 3 knocks arrived" wait_arrived 127.0.0.3 $((n + 3))
	check_fails "$BE: wrong order: not allowed" grep -q "^src=127.0.0.3 .*status=ALLOWED" $PK/SSH
	check_eq "$BE: ... and port 22 stays closed" "" "$(reach 127.0.0.3)"

	n=$(arrived 127.0.0.4)
	check "$BE: pknock-knock -u UDP sequence from 127.0.0.4" pknock-knock -u -d 50 -s 127.0.0.4 127.0.0.1 5001,5002
	check "$BE: UDP knocks: both arrived" wait_arrived 127.0.0.4 $((n + 2))
	check "$BE: UDP knocks: ALLOWED, proto=UDP" sh -c "grep -qE '^src=127.0.0.4 proto=UDP status=ALLOWED ' $PK/U"

	# shellcheck disable=SC2086
	check "$BE: delete the example rule by specification (our plugin)" ipt -D INPUT $SSH_RULE
	# shellcheck disable=SC2086
	check "$BE: delete the --checkip rule by specification" ipt -D INPUT $CHECK_RULE
	# shellcheck disable=SC2086
	check "$BE: delete the UDP rule by specification" ipt -D INPUT $UDP_RULE
	check_eq "$BE: only the DROP rule is left" "-A INPUT -p tcp -m tcp --dport 22 -j DROP" "$(ipt_save | rules_of)"
done
kill $server
lab_reset
finish
