#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=compat smp=1 timeout=60 needs=upstream-modules
# Our xt_SYSRQ has upstream's module parameters (names and permissions: password, seqno and
# debug root read-write, hash root read-only) and allow_netns (ours, root read-write, readable
# by all), its seqno starts at the wall-clock time, and a multi-line password is refused. No
# packet is sent (upstream's module is loaded here).
. /vm/lib.sh

# params: "name mode" of each parameter of the loaded xt_SYSRQ.
params() {
	local p
	for p in $SYSRQ_PARAMS/*; do echo "$(basename "$p") $(stat -c %a "$p")"; done
}

lab_reset
if load_module upstream xt_SYSRQ; then
	upstream=$(params)
	upstream_seqno=$(cat $SYSRQ_PARAMS/seqno)
	now=$(date +%s)
	check "upstream's seqno starts at the wall-clock time" [ $((now - upstream_seqno)) -lt 600 ]
else
	fail "load upstream's xt_SYSRQ"
fi
lab_reset
if load_module ours xt_SYSRQ; then
	check_eq "upstream's parameters and permissions" "$upstream" "$(params | grep -v '^allow_netns ')"
	check_eq "and allow_netns, root read-write" "allow_netns 644" "$(params | grep '^allow_netns ')"
	check_eq "parameter descriptions list upstream's names and allow_netns" \
		"$( ($MODINFO -F parm /opt/upstream/mod/xt_SYSRQ.ko | cut -d: -f1; echo allow_netns) | sort)" \
		"$($MODINFO -F parm /opt/ours/mod/xt_SYSRQ.ko | cut -d: -f1 | sort)"
	seqno=$(cat $SYSRQ_PARAMS/seqno)
	now=$(date +%s)
	check "our seqno starts at the wall-clock time ($seqno vs $now)" \
		[ $((now - seqno)) -ge 0 -a $((now - seqno)) -lt 600 ]
	check "seqno is writable by root" sh -c "echo 12345 >$SYSRQ_PARAMS/seqno"
	check_eq "seqno reads back" 12345 "$(cat $SYSRQ_PARAMS/seqno)"
	check "a one-line password is taken (trailing newline cut)" sh -c "echo pw >$SYSRQ_PARAMS/password"
	check_fails "a two-line password is refused" sh -c "printf 'a\nb\n' >$SYSRQ_PARAMS/password"
	check_fails "a 64-character password is refused" sh -c "printf '%064d' 0 >$SYSRQ_PARAMS/password"
else
	fail "load our xt_SYSRQ"
fi
lab_reset
if load_module ours xt_SYSRQ seqno=777; then
	check_eq "seqno=777 at load time is kept" 777 "$(cat $SYSRQ_PARAMS/seqno)"
else
	fail "load our xt_SYSRQ seqno=777"
fi
lab_reset
finish
