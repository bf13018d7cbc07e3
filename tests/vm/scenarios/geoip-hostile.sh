#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=geoip timeout=400
# Hostile databases for our xt_geoip (files written byte by byte in the guest), both backends:
# unsorted, overlapping and reversed ranges, truncated files (IPv4 and IPv6), a file over
# max_ranges (set to 8 at run time), a 4 GiB (sparse) file at the default max_ranges, a FIFO
# (must not block the iptables process), a directory, a missing file: each rule is refused,
# the reason and the file named in the kernel log, no oops. A valid empty file is accepted
# (matches nothing). A reload that meets a bad file keeps every set as it was. Upstream's
# module binary-searches whatever it is given.
# Rule data no real plugin sends, through a test plugin that hands over any bytes
# (tests/plugin/xt_rawdata.rs): counts of 255 and one past the array (geoip revision 2, asn),
# no or both directions, unknown flags, invalid or repeated codes, AS number 0: refused and
# logged (upstream's module reads and writes past the rule on such a count); the same plugin's
# valid rule works, and whatever it put in mem[] is never shown back.
. /vm/lib.sh

DB=/usr/share/xt_geoip
mkdir -p $DB
# rec A.B.C.D E.F.G.H: one IPv4 record (begin, end) as printf escapes.
rec() {
	local a
	for a in "$@"; do
		printf "$(echo "$a" | awk -F. '{ printf "\\%03o\\%03o\\%03o\\%03o", $1, $2, $3, $4 }')"
	done
}
rec 127.0.0.1 127.0.0.1 >$DB/OK.iv4
: >$DB/OK.iv6
{ rec 127.0.0.5 127.0.0.9; rec 127.0.0.1 127.0.0.2; } >$DB/US.iv4 # unsorted
{ rec 127.0.0.1 127.0.0.5; rec 127.0.0.5 127.0.0.9; } >$DB/OV.iv4 # overlapping
rec 127.0.0.9 127.0.0.1 >$DB/RV.iv4                               # reversed
rec 127.0.0.1 127.0.0.2 | head -c 7 >$DB/TR.iv4                   # truncated
head -c 40 /dev/zero >$DB/TR.iv6                                  # 32 + 8 bytes
i=0
while [ $i -lt 9 ]; do rec 127.0.1.$i 127.0.1.$i; i=$((i + 1)); done >$DB/BG.iv4 # 9 records
: >$DB/EM.iv4
mkfifo $DB/FF.iv4
truncate -s 4G $DB/HG.iv4 # sparse: its size, not its pages, is what the module must refuse
mkdir $DB/DR.iv4

# refused WHAT CODE LOG: the rule is refused and the kernel log says LOG.
refused() {
	log_mark
	check_fails "$BE: $1 refused" ipt -A INPUT -m geoip --src-cc "$2"
	check "$BE: $1: the log says '$3'" sh -c "dmesg | tail -20 | grep -q '$3'"
}

# first_rule: the packet counter of INPUT's first rule. Waited for before the rules' exact
# counts (loopback may deliver after the sender returned); the rules after it saw the packets
# in the same pass of the guest's one vCPU. (127.0.0.1 also receives the ICMP errors it sends
# itself, so arrived would count those.)
first_rule() { ipt -L INPUT -v -x -n | awk 'NR == 3 { print $1 }'; }

for BE in $BACKENDS; do
	lab_reset
	load_module ours xt_geoip || { fail "$BE: load our xt_geoip"; continue; }
	echo 8 >/sys/module/xa_rangedb/parameters/max_ranges
	use_plugins ours || continue
	check "$BE: a valid file" ipt -A INPUT -p udp -m geoip --src-cc OK
	check "$BE: a valid empty file" ipt -A INPUT -p udp -m geoip --src-cc EM
	refused "unsorted ranges" US "cannot load $DB/US.iv4: record 1: a range begins before the previous one"
	refused "overlapping ranges" OV "cannot load $DB/OV.iv4: record 1: a range overlaps the previous one"
	refused "a reversed range" RV "cannot load $DB/RV.iv4: record 0: a range ends before it begins"
	refused "a truncated file" TR "cannot load $DB/TR.iv4: record 0: size is not a whole number"
	refused "a file over max_ranges" BG "cannot load $DB/BG.iv4: larger than max_ranges records"
	refused "a FIFO (without blocking)" FF "cannot load $DB/FF.iv4: not a regular file"
	refused "a directory" DR "cannot load $DB/DR.iv4: not a regular file"
	refused "a bad file among good ones" OK,US "cannot load $DB/US.iv4"
	log_mark
	check_fails "$BE: IPv6, a truncated file refused" ip6t -A INPUT -m geoip --src-cc TR
	check "$BE: IPv6: the log names TR.iv6" sh -c "dmesg | tail -20 | grep -q 'cannot load $DB/TR.iv6: record 0: size'"
	send4 127.0.0.1 127.0.0.1 x -n 2 && wait_at_least 2 first_rule
	check_eq "$BE: the accepted rules count (OK: 2, EM: 0)" "2 0" \
		"$(ipt -L INPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }' | sed 's/ $//')"
	# A reload meeting a bad file changes nothing.
	cp $DB/OK.iv4 /tmp/OK.iv4 && cp $DB/US.iv4 $DB/OK.iv4
	check_fails "$BE: reload with OK.iv4 now unsorted fails" sh -c 'echo reload >/proc/net/xt_geoip'
	send4 127.0.0.1 127.0.0.1 x && wait_at_least 3 first_rule
	check_eq "$BE: the set kept its ranges" "3 0" \
		"$(ipt -L INPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }' | sed 's/ $//')"
	cp /tmp/OK.iv4 $DB/OK.iv4
	echo 1048576 >/sys/module/xa_rangedb/parameters/max_ranges
	refused "a 4 GiB file (the default max_ranges)" HG "cannot load $DB/HG.iv4: larger than max_ranges records"
done
# hex N BYTES: BYTES repeated N times.
hex() { local i=0; while [ $i -lt "$1" ]; do printf %s "$2"; i=$((i + 1)); done; }
# geoip revision 2: flags, count, then 31 little-endian codes ("OK" is 0x4f4b: bytes 4b 4f).
geo() { printf %s%s "$1" "$2"; printf %s "$3"; hex $((31 - ${#3} / 4)) 0000; }
rawrule() { # WHAT ok|refused LOG ipt|ip6t MATCH DATA
	log_mark
	if [ "$2" = ok ]; then
		check "$BE raw: $1 accepted" $4 -A INPUT -p udp -m "$5" --raw "$6"
	else
		check_fails "$BE raw: $1 refused" $4 -A INPUT -m "$5" --raw "$6"
		check "$BE raw: $1: logged '$3'" sh -c "dmesg | tail -5 | grep -q '$3'"
	fi
}
rec 127.0.0.1 127.0.0.1 >/usr/share/xt_asn/64500.iv4 2>/dev/null || {
	mkdir -p /usr/share/xt_asn && rec 127.0.0.1 127.0.0.1 >/usr/share/xt_asn/64500.iv4
}
for BE in $BACKENDS; do
	lab_reset
	load_module ours xt_geoip || { fail "$BE: load our xt_geoip"; continue; }
	load_module ours xt_asn || { fail "$BE: load our xt_asn"; continue; }
	export XTABLES_LIBDIR=/opt/raw/xtables:$STOCK_LIBDIR
	rawrule "geoip count 255" refused "xt_geoip: 255 countries, at most 31" ipt geoip "$(geo 01 ff 4b4f)"
	rawrule "geoip count 32" refused "xt_geoip: 32 countries, at most 31" ipt geoip "$(geo 01 20 4b4f)"
	rawrule "geoip count 0" refused "0 keys in a rule of revision 2" ipt geoip "$(geo 01 00 4b4f)"
	rawrule "geoip without a direction" refused "flags 0x0" ipt geoip "$(geo 00 01 4b4f)"
	rawrule "geoip with both directions" refused "flags 0x3" ipt geoip "$(geo 03 01 4b4f)"
	rawrule "geoip with an unknown flag" refused "flags 0x81" ipt geoip "$(geo 81 01 4b4f)"
	rawrule "geoip code 0x0000" refused "key 0x0 cannot name a database file" ipt geoip "$(geo 01 01 0000)"
	rawrule "geoip lower-case code" refused "key 0x6f6b cannot name" ipt geoip "$(geo 01 01 6b6f)"
	rawrule "geoip code named twice" refused "xt_geoip: OK named twice" ipt geoip "$(geo 01 02 4b4f4b4f)"
	# mem[] full of 0xff: ignored, cleared, never shown back.
	rawrule "geoip with mem[] garbage" ok "" ipt geoip "$(geo 01 01 4b4f)$(hex 248 ff)"
	send4 127.0.0.1 127.0.0.1 x -n 2 && wait_at_least 2 first_rule
	check_eq "$BE raw: the raw rule matches (OK is 127.0.0.1)" 2 \
		"$(ipt -L INPUT -v -x -n | awk 'NR == 3 { print $1 }')"
	check_eq "$BE raw: mem[] reads back as zeros" "$(geo 01 01 4b4f)$(hex 248 00)" \
		"$(ipt_save | sed -n 's/.*-m geoip --raw \([0-9a-f]*\).*/\1/p')"
	rawrule "ip6tables geoip count 255" refused "xt_geoip: 255 countries" ip6t geoip "$(geo 02 ff 4b4f)"
	# asn: 15 numbers, flags at byte 60, count at 61.
	asn() { printf %s "$3"; hex $((15 - ${#3} / 8)) 00000000; printf %s%s0000 "$1" "$2"; }
	rawrule "asn count 200" refused "xt_asn: 200 numbers, at most 15" ipt asn "$(asn 01 c8 f4fb0000)"
	rawrule "asn count 16" refused "xt_asn: 16 numbers, at most 15" ipt asn "$(asn 01 10 f4fb0000)"
	rawrule "asn number 0" refused "key 0x0 cannot name a database file" ipt asn "$(asn 01 01 00000000)"
	rawrule "asn valid" ok "" ipt asn "$(asn 01 01 f4fb0000)$(hex 120 ab)"
	rawrule "ip6tables asn count 200" refused "xt_asn: 200 numbers" ip6t asn "$(asn 01 c8 f4fb0000)"
done
unset XTABLES_LIBDIR
lab_reset
finish
