#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=main smp=1 timeout=150
# Module life cycle on both backends: a rule pins xt_SYSRQ and xt_SYSRQ pins xa_shim; a new
# password takes effect at once (the old one is refused); after unload and reload no password
# survives; ten load/use/unload cycles run clean, each handling its request.
. /vm/lib.sh
rule='-p udp --dport 9 -j SYSRQ'

# request SEQNO PASSWORD: send one request for 'h' to 127.0.0.1.
request() { send4 127.0.0.2 127.0.0.1 "$(sysrq_request h "$1" "s$1" 127.0.0.1 "$2")"; }

for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	sysrq_load ours || { fail "$BE: load our xt_SYSRQ"; continue; }
	# shellcheck disable=SC2086
	check "$BE: insert the SYSRQ rule" ipt -A INPUT $rule
	check_fails "$BE: xt_SYSRQ cannot be removed while a rule uses it" $RMMOD xt_SYSRQ
	check_fails "$BE: xa_shim cannot be removed while xt_SYSRQ uses it" $RMMOD xa_shim

	printf '%s' new-secret >$SYSRQ_PARAMS/password
	before=$(rule_packets ipt)
	log_mark
	request 2000 "$SYSRQ_PW"
	expect_refused "$BE: the old password is refused after a change" "$before"
	log_mark
	request 2001 new-secret
	expect_handled "$BE: the new password works at once" 1

	ipt -F INPUT
	check "$BE: xt_SYSRQ and xa_shim unload once the rule is gone" unload xt_SYSRQ xa_shim
	load_module ours xt_SYSRQ || { fail "$BE: reload our xt_SYSRQ"; continue; }
	echo 1000 >$SYSRQ_PARAMS/seqno
	# shellcheck disable=SC2086
	ipt -A INPUT $rule
	log_mark
	request 2002 new-secret
	request 2003 ""
	expect_refused "$BE: no password survives a reload" 0 2
	ipt -F INPUT

	log_mark
	cycles=0
	i=0
	# Each request waited for at the rule before the rule goes: loopback may deliver it after
	# the send returned, and one still on the backlog then would never be handled.
	while [ $i -lt 10 ]; do
		i=$((i + 1))
		unload xt_SYSRQ xa_shim &&
			load_module ours xt_SYSRQ >/dev/null &&
			sysrq_configure &&
			ipt -A INPUT -p udp --dport 9 -j SYSRQ &&
			request $((3000 + i)) "$SYSRQ_PW" &&
			wait_rule_packets ipt 1 &&
			ipt -F INPUT &&
			cycles=$((cycles + 1))
	done
	check_eq "$BE: 10 load/use/unload cycles" 10 "$cycles"
	expect_handled "$BE: one request handled per cycle" 10
done
lab_reset
finish
