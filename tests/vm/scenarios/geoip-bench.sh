#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=geoip-bench smp=1 timeout=1200 needs=upstream-modules insn=yes
# Benchmark for bench/geoip.md (no assertion on the numbers): our xt_geoip and upstream's in one
# boot, legacy backend, upstream 3.23's plugin for both (the same rule data: the kernel's work is
# all that differs). Database: 33000 IPv4 ranges of 11 codes over 1.0.0.0-223.255.255.255,
# generated here, interleaved as real countries are (range k is code k mod 11), so each of the
# 10 codes of the rule has 3000 ranges and the 11th (ZZ) is outside it. Per packet: guest
# instructions (tests/vm/insn/) of udpsweep's datagrams from C sources spread over that space,
# half inside a range, half in the gaps between ranges, through a `--src-cc` rule of the 10 codes
# and a DROP, less the same through the DROP alone; and through a rule without the match (what
# any rule costs, the same for both: subtracted, it leaves the match's own cost). ROUNDS rounds,
# the modules alternating.
# Memory per loaded country, for a rule of 1 and of 10 countries: our /proc/net/xt_geoip's
# bytes (checked against the pages vmalloc took, when it did), upstream's vmalloc'd pages (and
# a 40-byte node per country). Checks only what makes the numbers mean something: each module
# matched exactly the sources of its countries, every datagram reached the DROP, each rule's
# memory is freed with it.
. /vm/lib.sh
BE=legacy
ROUNDS=${GEOIP_BENCH_ROUNDS:-5}
CODES="DE FR US CN BR IN RU JP GB NL"
RULE="-p udp -m geoip --src-cc $(echo $CODES | tr ' ' ,)"
DB=/usr/share/xt_geoip
N=33000
FIRST=16777216                               # 1.0.0.0
STRIDE=$(((3758096384 - FIRST) / N / 2 * 2)) # ranges up to 224.0.0.0, every STRIDE addresses
HALF=$((STRIDE / 2))                         # each HALF addresses long
C=19800
# Source i is FIRST + 1 + i * 3 * HALF: inside range 3i/2 for even i, in a gap for odd i (3 is
# odd and prime to 11: the ranges hit cycle through the codes). Those in the rule's countries:
MATCHED=$(awk -v c=$C 'BEGIN { for (j = 0; j < c / 2; j++) n += (3 * j) % 11 != 10; print n }')

insn_calibrate

# Range k: FIRST + k * STRIDE, HALF addresses long, of code k mod 11.
awk -v n=$N -v first=$FIRST -v stride=$STRIDE -v half=$HALF -v codes="$CODES ZZ" '
function quad(a) {
	return sprintf("%d.%d.%d.%d", int(a / 16777216), int(a / 65536) % 256, int(a / 256) % 256, a % 256)
}
BEGIN {
	split(codes, cc, " ")
	for (k = 0; k < n; k++) {
		b = first + k * stride
		print quad(b) "," quad(b + half - 1) "," cc[k % 11 + 1]
	}
}' >/tmp/bench.csv
mkdir -p $DB
check "xt_geoip_build: $N ranges of 11 codes" xt_geoip_build -q -D $DB -i /tmp/bench.csv
for cc in $CODES; do
	[ "$(wc -c <$DB/$cc.iv4)" -eq $((N / 11 * 8)) ] || fail "$cc: not $((N / 11)) ranges"
done

# geoip_reload IMPL: no rules, IMPL's xt_geoip (and what it needs) loaded.
geoip_reload() {
	ipt -F
	unload xt_geoip xa_rangedb xa_shim compat_xtables && load_module "$1" xt_geoip
}

lab_reset
use_plugins upstream || fail "upstream's plugins"
round=1
while [ $round -le "$ROUNDS" ]; do
	for impl in ours upstream; do
		geoip_reload $impl || { fail "$impl: load xt_geoip"; continue; }
		# The 0-rule phase has no case= : report.py measures both cases against it.
		for phase in "rules=0" "case=rule-only rules=1" "case=src-cc-10x3000 rules=1"; do
			case $phase in
			rules=0) insn_ruleset ipt 0 ;;
			case=rule-only*) insn_ruleset ipt 1 "-p udp" ;;
			*) insn_ruleset ipt 1 "$RULE" ;;
			esac || fail "$impl $phase: rules"
			label="bench=geoip impl=$impl $phase round=$round packets=$C"
			check "$label: sent" udpsweep -I "$label" -s 1.0.0.1 -S $((3 * HALF)) -c $C -d 127.0.0.1
			check_eq "$impl $phase: every datagram reached the DROP" $C "$(insn_rule_packets ipt DROP)"
			case $phase in case=src-cc*)
				check_eq "$impl round $round: the geoip rule matched its countries' sources" \
					$MATCHED "$(ipt -L INPUT -v -x -n | awk 'NR == 3 { print $1 }')"
			esac
		done
	done
	round=$((round + 1))
done

# vmalloc_pages MODULE: pages vmalloc'd by MODULE's functions.
vmalloc_pages() {
	awk -v m="[$1]" '$4 == m { for (i = 5; i <= NF; i++) if ($i ~ /^pages=/) p += substr($i, 7) } END { print p + 0 }' \
		/proc/vmallocinfo
}
for impl in ours upstream; do
	geoip_reload $impl || { fail "$impl: load xt_geoip"; continue; }
	insn_ruleset ipt 0 || fail "$impl: the DROP rule"
	for countries in 1 10; do
		codes=$(echo $CODES | cut -d' ' -f1-$countries | tr ' ' ,)
		check "$impl: a rule of $countries countries" ipt -I INPUT -p udp -m geoip --src-cc "$codes"
		if [ $impl = ours ]; then
			cat /proc/net/xt_geoip
			bytes=$(sed -n 's/.* bytes=\([0-9]*\) .*/\1/p' /proc/net/xt_geoip)
			pages=$(vmalloc_pages xa_rangedb)
			ranges=$(sed -n 's/.* ranges=\([0-9]*\) .*/\1/p' /proc/net/xt_geoip)
			check "ours, $countries countries: $bytes bytes, at most an eighth and a page over 8 a range" \
				test "$bytes" -le $((8 * (ranges + 1) * 9 / 8 + 4096))
			# Either vmalloc'd (its pages) or kmalloc'd (a power of two pages).
			if [ "$pages" -gt 0 ]; then
				check_eq "ours, $countries countries: /proc's bytes are the pages vmalloc took" \
					$((pages * 4096)) "$bytes"
			else
				check "ours, $countries countries: /proc's bytes $bytes are a power of two pages" \
					sh -c "[ $bytes -ge 4096 ] && [ \$(($bytes & ($bytes - 1))) -eq 0 ]"
			fi
		else
			pages=$(vmalloc_pages xt_geoip)
			bytes=$((pages * 4096))
		fi
		echo "BENCH geoip memory impl=$impl countries=$countries ranges=$((countries * N / 11)) bytes=$bytes vmalloc_pages=$pages"
		check "$impl: delete the rule of $countries countries" ipt -D INPUT 1
		# kvfree_rcu() frees in batches, seconds later.
		tries=0
		while [ "$(vmalloc_pages xa_rangedb) $(vmalloc_pages xt_geoip)" != "0 0" ] && [ $tries -lt 30 ]; do
			usleep 500000
			tries=$((tries + 1))
		done
		check_eq "$impl: no pages left vmalloc'd" "0 0" "$(vmalloc_pages xa_rangedb) $(vmalloc_pages xt_geoip)"
		[ $impl = upstream ] || check_eq "ours: the set freed with its rule" "" "$(cat /proc/net/xt_geoip)"
	done
done
lab_reset
finish
