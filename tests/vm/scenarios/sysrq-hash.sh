#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=main smp=1 timeout=150
# The hash module parameter: sha256 and sha512 requests work (send_sysrq --hash and the shell
# recipe), a digest of another hash is refused; an unknown hash name refuses to load.
. /vm/lib.sh
rule='-p udp --dport 9 -j SYSRQ'
for hash in sha256 sha512; do
	for BE in $BACKENDS; do
		lab_reset
		use_plugins ours || continue
		sysrq_load ours hash=$hash || { fail "$BE: load our xt_SYSRQ hash=$hash"; continue; }
		check_eq "$BE: hash parameter reads back" "$hash" "$(cat $SYSRQ_PARAMS/hash)"
		# shellcheck disable=SC2086
		check "$BE: insert the SYSRQ rule" ipt -A INPUT $rule

		log_mark
		client --hash $hash --seqno 3000 127.0.0.1 h
		expect_handled "$BE: $hash: send_sysrq --hash $hash handled" 1
		log_mark
		send4 127.0.0.2 127.0.0.1 "$(sysrq_request h 3001 s3001 127.0.0.1 "$SYSRQ_PW" $hash)"
		expect_handled "$BE: $hash: shell recipe (${hash}sum) handled" 1
		before=$(rule_packets ipt)
		log_mark
		send4 127.0.0.2 127.0.0.1 "$(sysrq_request h 3002 s3002 127.0.0.1 "$SYSRQ_PW" sha1)"
		expect_refused "$BE: $hash: a sha1 digest is refused" "$before"
		before=$(rule_packets ipt)
		log_mark
		client --seqno 3003 127.0.0.1 h
		expect_refused "$BE: $hash: send_sysrq with its default sha1 is refused" "$before"
	done
done

# busybox has no sha224sum or sha384sum: send_sysrq alone checks these two.
for hash in sha224 sha384; do
	for BE in $BACKENDS; do
		lab_reset
		use_plugins ours || continue
		sysrq_load ours hash=$hash || { fail "$BE: load our xt_SYSRQ hash=$hash"; continue; }
		check "$BE: insert the SYSRQ rule" ipt -A INPUT -p udp --dport 9 -j SYSRQ
		log_mark
		client --hash $hash --seqno 3000 127.0.0.1 h
		expect_handled "$BE: $hash: send_sysrq --hash $hash handled" 1
		before=$(rule_packets ipt)
		log_mark
		client --seqno 3001 127.0.0.1 h
		expect_refused "$BE: $hash: send_sysrq with its default sha1 is refused" "$before"
	done
done

lab_reset
log_mark
check_fails "an unknown hash name refuses to load" load_module ours xt_SYSRQ hash=nosuchhash
check_fails "xt_SYSRQ is not loaded after the refusal" loaded xt_SYSRQ
log_since | tail -n 3
if [ "$(count_since nosuchhash)" -gt 0 ]; then
	pass "the kernel log names the unknown hash"
else
	fail "the kernel log does not name the unknown hash"
fi
lab_reset
finish
