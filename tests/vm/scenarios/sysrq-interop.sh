#!/bin/sh
# xavm: boot=compat smp=1 timeout=120
# Upstream's plugin works with our module and ours with upstream's module: insert, list (-L,
# -S), save and delete SYSRQ rules, IPv4 and IPv6, on both backends.
# Upstream's module panics on valid requests: no packet is sent in this scenario.
. /vm/lib.sh

rule='-p udp -m udp --dport 9 -j SYSRQ'

# combo PLUGINS MODULE
combo() {
	local what="$BE: $1 plugin + $2 module"
	lab_reset
	use_plugins "$1" || return
	load_module "$2" xt_SYSRQ || { fail "$what: load the module"; return; }
	# shellcheck disable=SC2086
	check "$what: IPv4 insert" ipt -A INPUT $rule
	# shellcheck disable=SC2086
	check "$what: IPv6 insert" ip6t -A INPUT $rule
	check_eq "$what: IPv4 -S" "-A INPUT $rule" "$(ipt -S INPUT | grep SYSRQ)"
	check_eq "$what: IPv6 -S" "-A INPUT $rule" "$(ip6t -S INPUT | grep SYSRQ)"
	check_eq "$what: IPv4 -L" "SYSRQ udp -- 0.0.0.0/0 0.0.0.0/0 udp dpt:9" \
		"$(ipt -L INPUT -n | grep SYSRQ | tr -s ' ' | sed 's/ $//')"
	check_eq "$what: IPv6 -L" "SYSRQ udp ::/0 ::/0 udp dpt:9" \
		"$(ip6t -L INPUT -n | grep SYSRQ | tr -s ' ' | sed 's/ $//')"
	check_eq "$what: IPv4 save" "-A INPUT $rule" "$(ipt_save | rules_of)"
	check_eq "$what: IPv6 save" "-A INPUT $rule" "$(ip6t_save | rules_of)"
	# shellcheck disable=SC2086
	check "$what: IPv4 delete by specification" ipt -D INPUT $rule
	# shellcheck disable=SC2086
	check "$what: IPv6 delete by specification" ip6t -D INPUT $rule
}

for BE in $BACKENDS; do
	combo upstream ours
	combo ours upstream
done
lab_reset
finish
