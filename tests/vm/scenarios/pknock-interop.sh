#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=pknock smp=1 timeout=120
# Upstream's libxt_pknock.so drives our xt_pknock, both backends: upstream's four documented
# rules (TCP knock, SPA, --checkip, knock without --autoclose) insert; iptables-save prints
# upstream's exact text (double spaces, trailing space); -S and -L list them; rules sharing a
# name share one /proc file, which goes away with the name's last rule; delete by
# specification works. Match data the plugin lets through but our module refuses (a name with
# '/' or a leading dot) fails with the reason in the kernel log. No packet is sent.
. /vm/lib.sh
PK=/proc/net/xt_pknock
R1='-p tcp -m pknock --knockports 4002,4001,4004 --strict --name SSH --time 10 --autoclose 60 -m tcp --dport 22 -j ACCEPT'
R2='-p udp -m pknock --knockports 4000 --name FTP --opensecret foo --closesecret bar --autoclose 240 -j DROP'
R3='-p tcp -m pknock --checkip --name FTP -m tcp --dport 21 -j ACCEPT'
R4='-p tcp -m pknock --knockports 5001,5002 --time 5 --name K2'
SAVE='-A INPUT -p tcp -m pknock --knockports 4002,4001,4004  --time 10  --autoclose 60  --name SSH  --strict  -m tcp --dport 22 -j ACCEPT
-A INPUT -p udp -m pknock --knockports 4000  --autoclose 240  --name FTP  --opensecret  --closesecret  -j DROP
-A INPUT -p tcp -m pknock --name FTP  --checkip  -m tcp --dport 21 -j ACCEPT
-A INPUT -p tcp -m pknock --knockports 5001,5002  --time 5  --name K2 '

for BE in $BACKENDS; do
	what="$BE: upstream plugin + our module"
	lab_reset
	use_plugins upstream || continue
	load_module ours xt_pknock || { fail "$what: load our xt_pknock"; continue; }
	for r in "$R1" "$R2" "$R3" "$R4"; do
		# shellcheck disable=SC2086
		check "$what: insert $r" ipt -A INPUT $r
	done
	check_eq "$what: iptables-save text is upstream's" "$SAVE" "$(ipt_save | rules_of)"
	check_eq "$what: -S lists 4 pknock rules" 4 "$(ipt -S INPUT | grep -c -- '-m pknock')"
	check_eq "$what: -L lists 4 pknock rules" 4 "$(ipt -L INPUT -n | grep -c pknock)"
	check_eq "$what: one /proc file per name" "FTP K2 SSH" "$(ls $PK | sort | tr '\n' ' ' | sed 's/ $//')"
	# shellcheck disable=SC2086
	check "$what: delete the SPA rule by specification" ipt -D INPUT $R2
	check "$what: FTP still used by --checkip: file kept" [ -e $PK/FTP ]
	# shellcheck disable=SC2086
	check "$what: delete the --checkip rule" ipt -D INPUT $R3
	check_fails "$what: FTP's last rule gone: file removed" [ -e $PK/FTP ]
	check_eq "$what: two rules left in save" 2 "$(ipt_save | rules_of | grep -c pknock)"

	for name in a/b .hidden; do
		log_mark
		check_fails "$what: --name '$name' refused" ipt -A INPUT -p tcp -m pknock --checkip --name "$name"
		check_eq "$what: --name '$name': reason in the kernel log" 1 \
			"$(count_since "xt_pknock: --name must be 1-31 printable characters")"
	done
	ipt -F INPUT
	check_eq "$what: no rule left: no /proc file" "" "$(ls $PK)"
done
lab_reset
finish
