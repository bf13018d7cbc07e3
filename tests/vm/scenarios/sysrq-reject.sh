#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=reject smp=1 timeout=240
# Malformed, replayed or forged requests trigger nothing, on both backends: each is shown to
# reach the SYSRQ rule (its packet counter), and a valid request afterwards still works (so
# refusals do not touch the stored seqno and the module is alive).
. /vm/lib.sh
rule='-p udp --dport 9 -j SYSRQ'
pw=$SYSRQ_PW
dst=127.0.0.1

# refused_to DST WHAT PAYLOAD [rawudp options]: the datagram reaches the rule, triggers nothing.
refused_to() {
	local to=$1 what=$2 payload=$3 before
	shift 3
	before=$(rule_packets ipt)
	log_mark
	send4 127.0.0.2 "$to" "$payload" "$@"
	expect_refused "$BE: $what" "$before"
}

refused() { refused_to $dst "$@"; }

# accepted WHAT PAYLOAD: positive control.
accepted() {
	log_mark
	send4 127.0.0.2 $dst "$2"
	expect_handled "$BE: $1: handled" 1
}

for BE in $BACKENDS; do
	lab_reset
	use_plugins ours || continue
	load_module ours xt_SYSRQ || { fail "$BE: load our xt_SYSRQ"; continue; }
	echo 1000 >$SYSRQ_PARAMS/seqno
	# shellcheck disable=SC2086
	check "$BE: insert the SYSRQ rule" ipt -A INPUT $rule
	refused "no password set (digest over an empty one)" "$(sysrq_request h 4000 s4000 $dst "")"
	sysrq_configure

	good=$(sysrq_request h 5000 s5000 $dst "$pw")
	accepted "valid request seqno 5000" "$good"
	refused "replay of seqno 5000" "$good"
	refused "same seqno, new salt" "$(sysrq_request h 5000 other $dst "$pw")"
	refused "lower seqno 4999" "$(sysrq_request h 4999 s4999 $dst "$pw")"
	refused "wrong password (seqno 9000)" "$(sysrq_request h 9000 s9000 $dst "wrong-$pw")"
	refused "empty password digest" "$(sysrq_request h 9001 s9001 $dst "")"
	refused "digest for 127.0.0.2, sent to 127.0.0.1" "$(sysrq_request h 9002 s9002 127.0.0.2 "$pw")"
	refused_to 127.0.0.2 "digest for 127.0.0.1, sent to 127.0.0.2" \
		"$(sysrq_request h 9003 s9003 $dst "$pw")"

	req=$(sysrq_request h 5001 s5001 $dst "$pw")
	refused "truncated: last hex digit missing" "${req%?}"
	refused "truncated: half the digest" "$(printf '%s' "$req" | cut -c1-32)"
	refused "truncated: no digest" "h,5001,s5001,"
	refused "truncated: no salt" "h,5001"
	refused "truncated: keys only" "h"
	refused "empty payload" ""
	refused "no commas" "$(printf '%s' "$req" | tr -d ,)"
	refused "non-hex digit in the digest" "${req%?}g"
	refused "non-hex bytes in the digest" "$(printf '%s' "$req" | cut -c1-20)zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
	refused "non-decimal seqno" "$(sysrq_request h 5x01 s5001 $dst "$pw")"
	refused "negative seqno" "$(sysrq_request h -5001 s5001 $dst "$pw")"
	refused "empty seqno" "$(sysrq_request h '' s5001 $dst "$pw")"
	refused "seqno i64::MAX+1 (9223372036854775808)" \
		"$(sysrq_request h 9223372036854775808 s $dst "$pw")"
	refused "seqno 2^64 (18446744073709551616)" "$(sysrq_request h 18446744073709551616 s $dst "$pw")"
	refused "seqno of 40 digits" "$(sysrq_request h 1234567890123456789012345678901234567890 s $dst "$pw")"
	refused "oversized: 600-byte salt, correct digest" \
		"$(sysrq_request h 5001 "$(printf '%0600d' 0)" $dst "$pw")"
	refused "oversized: 60000 bytes" "$(printf '%060000d' 0)"
	refused "binary junk" "$(printf 'h,5001,\001\377\033,')"

	# The same valid request with a lying UDP length field, then with the true one.
	n=$((8 + ${#req}))
	refused "UDP length 0" "$req" -l 0
	refused "UDP length 7 (shorter than the header)" "$req" -l 7
	refused "UDP length one byte short of the request" "$req" -l $((n - 1))
	refused "UDP length one byte past the datagram" "$req" -l $((n + 1))
	refused "UDP length 65535" "$req" -l 65535
	accepted "the seqno 5001 request, true UDP length, after all the above" "$req"
	check "$BE: insert a UDP-Lite SYSRQ rule" ipt -I INPUT -p udplite -j SYSRQ
	log_mark
	send4 127.0.0.2 $dst "$(sysrq_request h 6000 s6000 $dst "$pw")" -U
	expect_handled "$BE: valid request over UDP-Lite handled" 1
	ipt -D INPUT -p udplite -j SYSRQ
	accepted "seqno 9004 after the refused 9000..9003 (they did not move the seqno)" \
		"$(sysrq_request h 9004 s9004 $dst "$pw")"
done
lab_reset
finish
