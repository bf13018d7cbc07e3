#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=compat smp=1 timeout=120 needs=upstream-modules
# iptables-save of SYSRQ rules with our plugin and module is identical to upstream's (plugin and
# module) and restores with iptables-restore; -L and -S agree too; non-UDP rules are refused.
# Upstream's module panics on valid requests: no packet is sent in this scenario.
. /vm/lib.sh

# Same rules for both implementations; the first line is upstream's documented save text.
rules4='-A INPUT -p udp -m udp --dport 9 -j SYSRQ
-A INPUT -s 10.0.0.0/8 -p udplite -j SYSRQ
-A INPUT -d 127.0.0.1/32 -i lo -p udp -m udp --sport 1000:2000 -j SYSRQ'
rules6='-A INPUT -p udp -m udp --dport 9 -j SYSRQ
-A INPUT -s fd00::/8 -p udplite -j SYSRQ'

# add_rules FUNC RULES: insert each line of RULES with FUNC (ipt or ip6t).
add_rules() {
	local line ok=0
	while IFS= read -r line; do
		# shellcheck disable=SC2086
		run "$1" $line || ok=1
	done <<RULES
$2
RULES
	return $ok
}

# snapshot VARIANT: load VARIANT's plugin and module, add the rules, keep save/-S/-L output.
snapshot() {
	lab_reset
	use_plugins "$1" || return 1
	load_module "$1" xt_SYSRQ || { fail "$BE: load $1 xt_SYSRQ"; return 1; }
	check "$BE: $1: IPv4 rules inserted" add_rules ipt "$rules4"
	check "$BE: $1: IPv6 rules inserted" add_rules ip6t "$rules6"
	ipt_save | rules_of >/tmp/$1.save4
	ip6t_save | rules_of >/tmp/$1.save6
	ipt -S INPUT >/tmp/$1.S4
	ip6t -S INPUT >/tmp/$1.S6
	ipt -L INPUT -n >/tmp/$1.L4
	ip6t -L INPUT -n >/tmp/$1.L6
}

# restore_from FUNC FILE
restore_from() { "$1" <"$2"; }

for BE in $BACKENDS; do
	snapshot upstream || continue
	check_eq "$BE: upstream saves the documented text" "$rules4" "$(cat /tmp/upstream.save4)"
	snapshot ours || continue
	for f in save4 save6 S4 S6 L4 L6; do
		check_eq "$BE: $f output identical to upstream's" "$(cat /tmp/upstream.$f)" "$(cat /tmp/ours.$f)"
	done

	ipt_save >/tmp/full4
	ip6t_save >/tmp/full6
	ipt -F INPUT
	ip6t -F INPUT
	check "$BE: iptables-restore takes the saved rules" restore_from ipt_restore /tmp/full4
	check "$BE: ip6tables-restore takes the saved rules" restore_from ip6t_restore /tmp/full6
	check_eq "$BE: IPv4 rules after save+restore" "$rules4" "$(ipt_save | rules_of)"
	check_eq "$BE: IPv6 rules after save+restore" "$rules6" "$(ip6t_save | rules_of)"

	before=$(ipt_save | rules_of)
	check_fails "$BE: -p tcp -j SYSRQ refused" ipt -A INPUT -p tcp -j SYSRQ
	check_fails "$BE: -j SYSRQ without -p refused" ipt -A INPUT -j SYSRQ
	check_fails "$BE: ip6tables -p tcp -j SYSRQ refused" ip6t -A INPUT -p tcp -j SYSRQ
	check_eq "$BE: refused rules left nothing behind" "$before" "$(ipt_save | rules_of)"
done
lab_reset
finish
