#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=compat smp=1 timeout=300 needs=upstream-modules
# Upstream's plugins (Debian 12's 3.23) with our modules and ours with upstream's modules, both
# backends: TARPIT (each mode, IPv4 and IPv6), DELUDE, ECHO (IPv4 and IPv6) and CHAOS (each
# option) insert; -S, -L and iptables-save print exactly what upstream's plugin and module
# print together; the saved rules restore; rules delete by specification. Upstream's CHAOS
# parameters have our defaults. No packet reaches upstream's modules (its DELUDE hits a kernel
# WARN: see /work/shared/notes/upstream-extensions.md).
. /vm/lib.sh

rules4='-A INPUT -p tcp -m tcp --dport 80 -j TARPIT --tarpit
-A INPUT -p tcp -m tcp --dport 81 -j TARPIT --honeypot
-A INPUT -p tcp -m tcp --dport 82 -j TARPIT --reset
-A INPUT -p tcp -m tcp --dport 83 -j DELUDE
-A INPUT -p udp -m udp --dport 7 -j ECHO
-A INPUT -p tcp -m tcp --dport 84 -j CHAOS
-A INPUT -p tcp -m tcp --dport 85 -j CHAOS --delude
-A INPUT -p tcp -m tcp --dport 86 -j CHAOS --tarpit'
rules6='-A INPUT -p tcp -m tcp --dport 80 -j TARPIT --tarpit
-A INPUT -p tcp -m tcp --dport 81 -j TARPIT --honeypot
-A INPUT -p udp -m udp --dport 7 -j ECHO'

# load MODULES-VARIANT: the four modules (CHAOS last: upstream's looks for the others at load).
load() {
	local m
	for m in xt_TARPIT xt_DELUDE xt_ECHO xt_CHAOS; do
		load_module "$1" $m || { fail "$BE: load $1 $m"; return 1; }
	done
}

# combo PLUGINS MODULES: insert, list, save, restore, delete; listings in /tmp/PLUGINS-MODULES.*
combo() {
	local what="$BE: $1 plugins + $2 modules" line
	lab_reset
	use_plugins "$1" || return 1
	load "$2" || return 1
	echo "$rules4" | while read -r line; do
		# shellcheck disable=SC2086
		ipt $line || echo "FAILED: $line"
	done >/tmp/insert.log
	echo "$rules6" | while read -r line; do
		# shellcheck disable=SC2086
		ip6t $line || echo "FAILED: $line"
	done >>/tmp/insert.log
	check_eq "$what: every rule inserts" "" "$(cat /tmp/insert.log)"
	interop_listings "$1-$2"
	# Upstream's save text ends in a space; so does ours.
	check_eq "$what: IPv4 save is the rules as written" "$rules4" "$(sed 's/ $//' /tmp/$1-$2.save4)"
	check_eq "$what: IPv6 save is the rules as written" "$rules6" "$(sed 's/ $//' /tmp/$1-$2.save6)"
	ipt_save >/tmp/full4
	ip6t_save >/tmp/full6
	ipt -F
	ip6t -F
	check "$what: IPv4 save restores" ipt_restore /tmp/full4
	check "$what: IPv6 save restores" ip6t_restore /tmp/full6
	check_eq "$what: restored as saved" "$(cat /tmp/$1-$2.save4)" "$(ipt_save | rules_of)"
	echo "$rules4" | while read -r line; do
		# shellcheck disable=SC2086
		ipt $(echo "$line" | sed 's/^-A/-D/') || echo "FAILED: $line"
	done >/tmp/delete.log
	check_eq "$what: every IPv4 rule deletes by specification" "" "$(cat /tmp/delete.log)"
}

interop combo plugins modules
# Upstream's CHAOS must find TARPIT and DELUDE when it loads: 3.23 mistakes the error pointer
# it gets otherwise for a module and oopses at rmmod.
lab_reset
load upstream || fail "load upstream's modules"
check_eq "upstream's CHAOS defaults are ours" "42949672 43379169" \
	"$(cat /sys/module/xt_CHAOS/parameters/reject_percentage) $(cat /sys/module/xt_CHAOS/parameters/delude_percentage)"
lab_reset
finish
