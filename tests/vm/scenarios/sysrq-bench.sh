#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=sysrq-bench smp=1 timeout=600 needs=upstream-modules insn=yes
# Benchmark for bench/sysrq.md (no timed or counted assertions), our xt_SYSRQ and upstream's in
# the same boot under the instruction-count plugin, legacy backend, one vCPU: M datagrams
# through INPUT without and with one SYSRQ rule, ROUNDS rounds alternating the modules, each an
# `insn` phase (tests/vm/insn/report.py: instructions per packet). What upstream's module can be
# sent: a request without its three commas, and a well-formed request with an old seqno (both
# refused before any hashing). Upstream's 3.23 panics on any well-formed request with a newer
# seqno, so only ours is measured with forged ones (a newer seqno, a wrong digest: parsed,
# hashed, compared, refused: the cost of a flood) in sha1, sha256 and sha512. The SYSRQ rule
# must see every datagram, and none may trigger a SysRq.
. /vm/lib.sh
M=2000
ROUNDS=5
BE=legacy
dst=127.0.0.1
echo 100000 >/proc/sys/net/core/netdev_max_backlog

# phase CASE IMPL RULES PAYLOAD: M datagrams 127.0.0.2 -> 127.0.0.1 port 9 through RULES (0 or 1)
# SYSRQ rules; with one, it must have seen them all.
phase() {
	local label="bench=sysrq case=$1 impl=$2 rules=$3 round=$round"
	insn_ruleset ipt "$3" '-p udp --dport 9 -j SYSRQ' || { fail "$label: rules"; return; }
	insn_send "$label" "$M" -s 127.0.0.2 -d $dst -m "$4" || { fail "$label: rawudp failed"; return; }
	if [ "$3" = 1 ]; then
		check_eq "$label: the rule saw every datagram" "$M" "$(insn_rule_packets ipt SYSRQ)"
	else
		check_eq "$label: every datagram reached the DROP" "$M" "$(insn_rule_packets ipt DROP)"
	fi
}

# load IMPL [hash=NAME]: IMPL's module and plugin, the lab password, stored seqno 1000.
load() {
	local impl=$1
	shift
	use_plugins $impl && insn_reload $impl xt_SYSRQ "$@" && sysrq_configure ||
		{ fail "$impl: load xt_SYSRQ $*"; return 1; }
}

# Both refused before hashing, by both modules: no commas, and an old seqno (999 < 1000).
junk=$(sysrq_request h 999 salt-0123456789 $dst "$SYSRQ_PW" | tr -d ,)
replay=$(sysrq_request h 999 salt-0123456789 $dst "$SYSRQ_PW")
insn_calibrate
log_mark
round=1
while [ $round -le "$ROUNDS" ]; do
	for impl in ours upstream; do
		load $impl || continue
		for rules in 0 1; do
			phase nocommas $impl $rules "$junk"
			phase replay $impl $rules "$replay"
		done
	done
	for hash in sha1 sha256 sha512; do
		forged=$(sysrq_request h 2000 salt-0123456789 $dst "wrong-$SYSRQ_PW" $hash)
		load ours hash=$hash || continue
		for rules in 0 1; do
			phase forged-$hash ours $rules "$forged"
		done
	done
	round=$((round + 1))
done
expect_handled "no datagram triggered a SysRq" 0
lab_reset
finish
