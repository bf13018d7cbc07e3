#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=main smp=1 timeout=300
# SYSRQ in network namespaces other than the initial one, both backends, a network namespace
# (unshare -n) and a user+network one (unshare -r -n): by default iptables and ip6tables refuse
# the rule ("Operation not permitted") and the kernel log says why; a valid request sent
# inside the namespace reaches a counting rule there and triggers nothing on the host.
# allow_netns (root-only, 0644, default N) lets the rule in and its IPv4 and IPv6 requests are
# handled; cleared again, the existing rule drops requests (logged) and their seqno stays
# unused: the host's request with the same seqno is handled.
. /vm/lib.sh
rule='-p udp --dport 9 -j SYSRQ'
ALLOW=$SYSRQ_PARAMS/allow_netns
# ns_send4 SEQNO / ns_send6 SEQNO: a valid request for key h, sent inside the namespace.
ns_send4() { ns rawudp -s 127.0.0.2 -d 127.0.0.1 -m "$(sysrq_request h "$1" "s$1" 127.0.0.1 "$SYSRQ_PW")"; }
ns_send6() {
	ns rawudp -6 -s ::1 -d ::1 \
		-m "$(sysrq_request h "$1" "s$1" 0000:0000:0000:0000:0000:0000:0000:0001 "$SYSRQ_PW")"
}

seq=2000
for BE in $BACKENDS; do
	for kind in net user; do
		T="$BE/$kind"
		if [ $kind = net ]; then opts=; else opts=-r; fi
		# Legacy: "iptables: Operation not permitted." (exit 1); nft: "RULE_APPEND failed
		# (Operation not permitted): rule in chain INPUT" (exit 4, its RESOURCE_PROBLEM).
		if [ $BE = legacy ]; then refused=1; else refused=4; fi
		lab_reset
		use_plugins ours || continue
		sysrq_load ours || { fail "$T: load our xt_SYSRQ"; continue; }
		check_eq "$T: allow_netns root read-write, readable, default N" "644 N" \
			"$(stat -c %a $ALLOW) $(cat $ALLOW)"
		# shellcheck disable=SC2086 # opts is -r or nothing
		ns_start $opts || { fail "$T: namespace not created"; continue; }

		log_mark
		# shellcheck disable=SC2086
		ns_ipt -A INPUT $rule >/tmp/netns.err 2>&1
		check_eq "$T: iptables refuses the rule in the namespace (exit $refused)" $refused $?
		cat /tmp/netns.err
		check "$T: iptables says why (Operation not permitted)" grep -q 'Operation not permitted' /tmp/netns.err
		# shellcheck disable=SC2086
		check_fails "$T: ip6tables refuses the rule in the namespace" ns_ip6t -A INPUT $rule
		check "$T: the kernel log says why" [ "$(count_since 'xt_SYSRQ: rule refused: a network namespace other than the initial one may not trigger SysRq on the whole machine (module parameter allow_netns)$')" -ge 1 ]
		check_eq "$T: no SYSRQ rule in the namespace" "" "$(ns_ipt -S INPUT | grep SYSRQ)"

		check "$T: a counting rule in the namespace" ns_ipt -A INPUT -p udp --dport 9 -j ACCEPT
		log_mark
		seq=$((seq + 1))
		ns_send4 $seq
		check "$T: the request reached the namespace's rule" wait_rule_packets ns_ipt 1 ACCEPT
		expect_handled "$T: a request in the namespace does not trigger the host's SysRq" 0
		ns_ipt -F INPUT

		check "$T: root sets allow_netns" sh -c "echo 1 >$ALLOW"
		# shellcheck disable=SC2086
		check "$T: with allow_netns the rule is taken in the namespace" ns_ipt -A INPUT $rule
		# shellcheck disable=SC2086
		check "$T: ip6tables too" ns_ip6t -A INPUT $rule
		log_mark
		ns_send4 $seq
		expect_handled "$T: with allow_netns a request in the namespace is handled" 1
		seq=$((seq + 1))
		log_mark
		ns_send6 $seq
		expect_handled "$T: and an IPv6 request" 1

		check "$T: root clears allow_netns" sh -c "echo 0 >$ALLOW"
		seq=$((seq + 1))
		log_mark
		ns_send4 $seq
		check "$T: the request reached the namespace's SYSRQ rule" wait_rule_packets ns_ipt 2
		expect_handled "$T: allow_netns cleared: the existing rule triggers nothing" 0
		check "$T: the drop is logged" [ "$(count_since 'xt_SYSRQ: request in a network namespace other than the initial one dropped: allow_netns is off$')" -ge 1 ]
		ns_stop

		# shellcheck disable=SC2086
		check "$T: the host's rule" ipt -A INPUT $rule
		log_mark
		send4 127.0.0.2 127.0.0.1 "$(sysrq_request h $seq "s$seq" 127.0.0.1 "$SYSRQ_PW")"
		expect_handled "$T: the host's request with the dropped one's seqno is handled" 1
	done
done
lab_reset
finish
