#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=compat smp=1 timeout=120 needs=upstream-modules
# Upstream's plugin works with our module and ours with upstream's module: insert, list (-L,
# -S), save and delete SYSRQ rules, IPv4 and IPv6, on both backends; the listings are the
# same as with upstream's plugin and module together.
# Upstream's module panics on valid requests: no packet is sent in this scenario.
. /vm/lib.sh

rule='-p udp -m udp --dport 9 -j SYSRQ'

# combo PLUGINS MODULE: insert, list, save, delete; listings go to /tmp/PLUGINS-MODULE.*
combo() {
	local what="$BE: $1 plugin + $2 module"
	lab_reset
	use_plugins "$1" || return 1
	load_module "$2" xt_SYSRQ || { fail "$what: load the module"; return 1; }
	# shellcheck disable=SC2086
	check "$what: IPv4 insert" ipt -A INPUT $rule
	# shellcheck disable=SC2086
	check "$what: IPv6 insert" ip6t -A INPUT $rule
	interop_listings "$1-$2"
	check_eq "$what: IPv4 -S shows the rule" "-A INPUT $rule" "$(grep SYSRQ /tmp/$1-$2.S4)"
	check_eq "$what: IPv6 save shows the rule" "-A INPUT $rule" "$(cat /tmp/$1-$2.save6)"
	# shellcheck disable=SC2086
	check "$what: IPv4 delete by specification" ipt -D INPUT $rule
	# shellcheck disable=SC2086
	check "$what: IPv6 delete by specification" ip6t -D INPUT $rule
	check_eq "$what: no rule left" "" "$(ipt_save | rules_of; ip6t_save | rules_of)"
}

interop combo plugin module
lab_reset
finish
