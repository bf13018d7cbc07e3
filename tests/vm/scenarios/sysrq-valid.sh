#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=main smp=1 timeout=120
# Valid requests trigger the SysRq on both backends: one from send_sysrq (explicit seqno, then
# two in the same second from its state file), one from upstream's plain shell recipe.
. /vm/lib.sh
rule='-p udp --dport 9 -j SYSRQ'
for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	sysrq_load ours || { fail "$BE: load our xt_SYSRQ"; continue; }
	# shellcheck disable=SC2086
	check "$BE: insert the SYSRQ rule" ipt -A INPUT $rule

	log_mark
	client --seqno 2000 127.0.0.1 h
	expect_handled "$BE: send_sysrq request (seqno 2000) handled" 1

	log_mark
	# Upstream's documented recipe, verbatim.
	seq=2001 salt=salt2001 pw=$SYSRQ_PW
	req="h,$seq,$salt"
	send4 127.0.0.2 127.0.0.1 "$(printf '%s' "$req,$(printf '%s' "$req,127.0.0.1,$pw" | sha1sum | cut -c1-40)")"
	expect_handled "$BE: shell-recipe request (sha1sum) handled" 1

	log_mark
	client 127.0.0.1 h
	client 127.0.0.1 h
	expect_handled "$BE: two send_sysrq requests in one second, seqno from its state, both handled" 2
	check_eq "$BE: the rule saw 4 datagrams" 4 "$(rule_packets ipt)"
done
lab_reset
finish
