#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The geoip/asn database tools against upstream's Perl tools (Debian 12's xtables-addons-common,
# the oracle): xt_geoip_build on a generated DB-IP CSV, xt_geoip_build_maxmind and xt_asn_build
# on generated MaxMind CSVs write byte-identical files and print the same lines; where upstream
# is wrong (IPv6 rows starting with "::" dropped, a lower-case code overwriting the upper-case
# one's files) ours keeps the data. A .mmdb written by MaxMind's own Perl writer (record sizes
# 24, 28, 32) gives the same files as the CSV it was made from. xt_geoip_query/xt_asn_fetch dump
# upstream-built files exactly as upstream's tools; -l finds an address's code; --nft/--ipset
# export a union. Malformed input: an error naming the file and line, exit 1, nothing written.
# Kernel-side use of the files: tests/vm/scenarios/geoip-*.sh.
# fails_with, output_is: the plugin tests' helpers (their library includes lib.sh).
. "$(dirname "$0")/../plugin/lib.sh"

UP=/usr/libexec/xtables-addons
for f in $UP/xt_geoip_build $UP/xt_geoip_build_maxmind $UP/xt_asn_build /usr/bin/xt_geoip_query $UP/xt_asn_fetch; do
	[ -x "$f" ] || setup_failed "$f missing (xtables-addons-common)"
done
perl -MNet::CIDR::Lite -MText::CSV_XS -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null ||
	setup_failed "Perl modules missing (scripts/setup.sh installs libnet-cidr-lite-perl, libtext-csv-xs-perl, libmaxmind-db-writer-perl)"
command -v mmdblookup >/dev/null || setup_failed "mmdblookup missing (mmdb-bin)"
cargo build --release --quiet -p geoip-tools || setup_failed "cargo build -p geoip-tools failed"
BIN=$ROOT/target/release
GEN="$PY $ROOT/tests/host/geoip-gen.py"
MMDB="perl $ROOT/tests/host/geoip-mmdb.pl"
cd "$WORK" || exit 1

# same_dirs A B: the same file names with the same bytes (and at least one file).
same_dirs() {
	[ -n "$(ls "$1")" ] && diff -r "$1" "$2" >/dev/null || {
		echo "     $(diff -rq "$1" "$2" | head -3)"
		return 1
	}
}
# fresh NAME...: empty directories.
fresh() { rm -rf "$@" && mkdir -p "$@"; }

# --- DB-IP CSV: byte-identical to upstream's xt_geoip_build
$GEN dbip 30000 1 >dbip.csv
fresh up ours
$UP/xt_geoip_build -D up -i dbip.csv >up.out 2>/dev/null || setup_failed "upstream's xt_geoip_build failed"
"$BIN/xt_geoip_build" -D ours -i dbip.csv >ours.out 2>ours.err
check "xt_geoip_build: exit 0" test $? -eq 0
check "DB-IP CSV: every file byte-identical to upstream's" same_dirs up ours
check "DB-IP CSV: the same per-file lines" cmp -s up.out ours.out
check "DB-IP CSV: 10 codes, 20 files" test "$(ls ours | wc -l)" -eq 20
check "progress total on stderr (upstream 3.23's place)" grep -qx "$(wc -l <dbip.csv) entries total" ours.err
fresh ours
check "from standard input: the same files" eval '"$BIN/xt_geoip_build" -q -D ours -i - <dbip.csv >q.out 2>q.err'
check "-q prints nothing" test ! -s q.out -a ! -s q.err
check "  and the files are the same" same_dirs up ours
check "no temporary file left" test -z "$(ls -A ours | grep '^\.')"
ino=$(stat -c %i ours/DE.iv4)
"$BIN/xt_geoip_build" -q -D ours -i dbip.csv
check "a rebuild replaces a file by rename (new inode, same bytes)" \
	eval '[ "$(stat -c %i ours/DE.iv4)" != "$ino" ] && cmp -s ours/DE.iv4 up/DE.iv4'
(cd ours && "$BIN/xt_geoip_build" -q -i ../dbip.csv)
check "default target directory is ." same_dirs up ours
cp dbip.csv dbip-country-lite.csv
fresh ours
check "default input is dbip-country-lite.csv" "$BIN/xt_geoip_build" -q -D ours
check "  (same files)" same_dirs up ours

# --- where upstream loses data
printf '::,::ff,ZZ\n::1:0:0:0,::1:0:0:ff,ZZ\n2001:db8::,2001:db8::ff,ZZ\n1.2.3.0,1.2.3.255,DE\n5.0.0.0,5.0.0.9,de\n' >bugs.csv
fresh up ours
$UP/xt_geoip_build -q -D up -i bugs.csv 2>/dev/null
"$BIN/xt_geoip_build" -q -D ours -i bugs.csv
check "upstream drops IPv6 rows starting with \"::\" (1 of 3 ranges)" test "$(stat -c %s up/ZZ.iv6)" -eq 32
check "ours keeps them (3 ranges)" test "$(stat -c %s ours/ZZ.iv6)" -eq 96
check "ours: the \"::\" ranges dump as written" \
	output_is $'::-::ff\n::1:0:0:0-::1:0:0:ff\n2001:db8::-2001:db8::ff' "$BIN/xt_geoip_query" -D ours -6 ZZ
check "upstream: a lower-case code's files overwrite the upper-case one's (DE loses 1.2.3.0/24)" \
	output_is '5.0.0.0-5.0.0.9' /usr/bin/xt_geoip_query -D up -4 DE
check "ours: one country whatever the case" \
	output_is $'1.2.3.0-1.2.3.255\n5.0.0.0-5.0.0.9' "$BIN/xt_geoip_query" -D ours -4 DE

# --- upstream-built files read by our query tool exactly as by upstream's
$UP/xt_geoip_build -q -D up -i dbip.csv 2>/dev/null
for args in "DE" "-4 us fr" "-6 A1 zz" "NL BR JP CN AT"; do
	check "xt_geoip_query $args: upstream's output" \
		eval 'cmp -s <(/usr/bin/xt_geoip_query -D up $args) <("$BIN/xt_geoip_query" -D up $args)'
done
check "query: unknown code, upstream's message, exit 1" fails_with 1 "Can't find data for country 'XX'" "$BIN/xt_geoip_query" -D up XX
check "query: invalid code, exit 1" fails_with 1 "Invalid country code 'D-'" "$BIN/xt_geoip_query" -D up D-
check "query: no such directory, upstream's words" fails_with 1 "Target directory nodir does not exit." "$BIN/xt_geoip_query" -D nodir DE
mkdir -p short bad && head -c 12 up/DE.iv4 >short/DE.iv4 && : >short/DE.iv6
check "query: a truncated file: the whole records, then upstream's message, exit 1" \
	eval '"$BIN/xt_geoip_query" -D short -4 DE >t.out 2>t.err; [ $? -eq 1 ] && [ "$(wc -l <t.out)" -eq 1 ] && grep -q "Short read on file for '"'"'DE'"'"'" t.err'

# --- lookups: every range edge answers as the ranges say
first=$(head -1 up/FR.iv4 | od -An -tu1 -N4 | awk '{print $1"."$2"."$3"."$4}')
check "-l: the first address of FR's first range is FR" \
	eval '"$BIN/xt_geoip_query" -D up -l "$first" | grep -Eq "^$first ([A-Z0-9]+,)*FR(,|\$)"'
check "-l: an address of no range is -" output_is "0.0.0.1 -" "$BIN/xt_geoip_query" -D up -l 0.0.0.1
check "-l: IPv6 and several addresses" \
	output_is $'2001:db8::80 ZZ\n1.2.3.4 DE' "$BIN/xt_geoip_query" -D ours -l 2001:db8::80 -l 1.2.3.4
check "-l: not an address, exit 2" fails_with 2 '"1.2.3" is not an IPv4 or IPv6 address' "$BIN/xt_geoip_query" -D up -l 1.2.3
printf '\0\0\0\5\0\0\0\1' >bad/XX.iv4
check "-l: a file the kernel would refuse is named, exit 1" \
	fails_with 1 "bad/XX.iv4: record 0 ends before it begins" "$BIN/xt_geoip_query" -D bad -l 1.1.1.1

# --- exports: the union of the codes, as nft sets and ipset commands
"$BIN/xt_geoip_query" -D ours --nft geo DE ZZ >geo.nft
check "--nft: two sets of the union" eval 'grep -c "^set geo_v[46] {" geo.nft | grep -qx 2'
check "--nft: IPv4 elements" eval 'grep -q "^		1.2.3.0-1.2.3.255,\$" geo.nft && grep -q "^		5.0.0.0-5.0.0.9\$" geo.nft'
check "--ipset -6: CIDR blocks of the union" \
	output_is $'create g_v6 hash:net family inet6 hashsize 1024 maxelem 65536\nadd g_v6 ::/120\nadd g_v6 ::1:0:0:0/120\nadd g_v6 2001:db8::/120' \
	"$BIN/xt_geoip_query" -D ours -6 --ipset g ZZ DE
check "--nft without codes: exit 2" fails_with 2 "which codes?" "$BIN/xt_geoip_query" -D ours --nft geo
check "--nft with a bad set name: exit 2" fails_with 2 'set name "a b"' "$BIN/xt_geoip_query" -D ours --nft "a b" DE

# --- MaxMind country CSV: byte-identical to upstream's xt_geoip_build_maxmind
mkdir -p mm && $GEN maxmind-country mm 2
fresh up ours
$UP/xt_geoip_build_maxmind -S mm -D up >up.out 2>/dev/null || setup_failed "upstream's xt_geoip_build_maxmind failed"
"$BIN/xt_geoip_build_maxmind" -S mm -D ours >ours.out 2>/dev/null
check "xt_geoip_build_maxmind -S: exit 0" test $? -eq 0
check "MaxMind country CSV: every file byte-identical to upstream's" same_dirs up ours
check "MaxMind country CSV: the same lines (with country names)" cmp -s up.out ours.out
check "  A1, A2, O1 and the continent code EU have files" eval 'ls ours/A1.iv4 ours/A2.iv6 ours/O1.iv4 ours/EU.iv4 >/dev/null'
fresh ours
check "xt_geoip_build -S does the same" eval '"$BIN/xt_geoip_build" -q -S mm -D ours && same_dirs up ours'
fresh ours
check "xt_geoip_build -i BLOCKS -L LOCATIONS: one family from one file" \
	"$BIN/xt_geoip_build" -q -i mm/GeoLite2-Country-Blocks-IPv4.csv -L mm/GeoLite2-Country-Locations-en.csv -D ours
check "  its IPv4 files are upstream's" eval 'for f in up/*.iv4; do cmp -s $f ours/${f#up/} || exit 1; done'
check "a blocks CSV without -L: exit 2, says what is missing" \
	fails_with 2 "needs its locations file: -L FILE" "$BIN/xt_geoip_build" -q -i mm/GeoLite2-Country-Blocks-IPv4.csv -D ours

# --- MaxMind ASN CSV: byte-identical to upstream's xt_asn_build, zone file too
mkdir -p asn && $GEN maxmind-asn asn 3
fresh up ours
$UP/xt_asn_build -S asn -D up -O up.zone >up.out 2>/dev/null || setup_failed "upstream's xt_asn_build failed"
"$BIN/xt_asn_build" -S asn -D ours -O ours.zone >ours.out 2>/dev/null
check "xt_asn_build: exit 0" test $? -eq 0
check "ASN CSV: every file byte-identical to upstream's" same_dirs up ours
check "ASN CSV: the same lines" cmp -s up.out ours.out
check "ASN CSV: -O zone file identical (APL and TXT records)" cmp -s up.zone ours.zone
check "xt_asn_fetch: upstream's dump of upstream's files" \
	eval 'cmp -s <($UP/xt_asn_fetch -D up 64500 4294967295) <("$BIN/xt_asn_fetch" -D up 64500 4294967295)'
check "xt_asn_fetch: invalid number, exit 1" fails_with 1 "Invalid ASN '0'" "$BIN/xt_asn_fetch" -D up 0

# --- MaxMind DB files, written by MaxMind's writer, give the CSV's files
$GEN disjoint 6000 4 >disjoint.csv
fresh csv
"$BIN/xt_geoip_build" -q -D csv -i disjoint.csv
for rs in 24 28 32; do
	$MMDB country $rs c$rs.mmdb <disjoint.csv || setup_failed "MaxMind::DB::Writer failed"
	fresh ours
	check "country .mmdb (record size $rs): the CSV's files" \
		eval '"$BIN/xt_geoip_build" -q -D ours -i c$rs.mmdb && same_dirs csv ours'
done
a=$(head -1 disjoint.csv | cut -d, -f1)
check "mmdblookup agrees with the file (the writer's data is what we read)" \
	eval 'mmdblookup -f c28.mmdb -i $a country iso_code | grep -q "\"$(head -1 disjoint.csv | cut -d, -f3)\""'
fresh ours
check ".mmdb from standard input" eval '"$BIN/xt_geoip_build" -q -D ours -i - <c24.mmdb && same_dirs csv ours'
$GEN disjoint 3000 5 64500,64501,3320,4294967295 >disjoint-asn.csv
fresh csv ours
sed 's/$//' disjoint-asn.csv | $PY -c '
import sys, ipaddress
print("network,autonomous_system_number,autonomous_system_organization")
for l in sys.stdin:
    a, b, n = l.strip().split(",")
    cls = ipaddress.IPv6Address if ":" in a else ipaddress.IPv4Address
    for net in ipaddress.summarize_address_range(cls(a), cls(b)):
        print(f"{net},{n},Org {n}")' >asn-blocks.csv
"$BIN/xt_asn_build" -q -D csv -i asn-blocks.csv
$MMDB asn 28 asn.mmdb <disjoint-asn.csv
check "ASN .mmdb: the CSV's files" eval '"$BIN/xt_asn_build" -q -D ours -i asn.mmdb && same_dirs csv ours'

# --- malformed input: file and line named, exit 1, nothing written
bad() { # NAME TEXT EXPECTED [TOOL ARGS]
	local name=$1 text=$2 expected=$3
	shift 3
	printf '%b' "$text" >in.csv
	fresh ours
	check "malformed: $name" fails_with 1 "$expected" "${@:-$BIN/xt_geoip_build}" -D ours -i in.csv
	check "  ($name: nothing written)" test -z "$(ls -A ours)"
}
bad "not an address" '1.0.0.0,1.0.0.9,DE\n1.0.0.x,1.0.0.9,DE\n' 'in.csv: line 2: "1.0.0.x" is not an IPv4 or IPv6 address'
bad "reversed range" '1.0.0.9,1.0.0.0,DE\n' 'in.csv: line 1: range 1.0.0.9-1.0.0.0 ends before it begins'
bad "mixed families" '1.0.0.0,::1,DE\n' 'in.csv: line 1: range 1.0.0.0-::1 mixes IPv4 and IPv6'
bad "bad code" '1.0.0.0,1.0.0.9,DEU\n' 'in.csv: line 1: "DEU" is not a country code'
bad "garbage row" 'x,y,DE\n' 'in.csv: line 1: "x" is not an IPv4 or IPv6 address'
bad "too few fields" '1.0.0.0,1.0.0.9\n' 'in.csv: line 1: expected 3 fields (first address, last address, country code), found 2'
bad "unterminated quote" '1.0.0.0,1.0.0.9,DE\n"1.0.0.0,1.0.0.9,DE\n' 'in.csv: line 2: unterminated quoted field'
bad "text after a quote" '"1.0.0.0"x,1.0.0.9,DE\n' 'in.csv: line 1: text after the closing quote of field 1'
bad "truncated .mmdb" "$(head -c 1500 c24.mmdb | od -An -v -tx1 | tr -d '\n' | sed 's/ /\\x/g')" \
	'in.csv: binary data without MaxMind DB metadata (a truncated .mmdb?)'
bad ".mmdb without its first half" "$(tail -c 1500 c24.mmdb | od -An -v -tx1 | tr -d '\n' | sed 's/ /\\x/g')" \
	'in.csv: search tree of'
bad "ASN not a number" 'network,autonomous_system_number\n1.0.0.0/24,AS1\n' 'in.csv: line 2: "AS1" is not an AS number' "$BIN/xt_asn_build"
bad "network with host bits" 'network,autonomous_system_number\n1.0.0.1/24,1\n' 'in.csv: line 2: network 1.0.0.1/24 has host bits set' "$BIN/xt_asn_build"
bad "ASN CSV without the column" 'network,asn\n1.0.0.0/24,1\n' 'in.csv: the header has no autonomous_system_number column' "$BIN/xt_asn_build"
cp -r mm mm-bad && printf '9.9.9.0/24,424242,,,0,0\n' >>mm-bad/GeoLite2-Country-Blocks-IPv4.csv
fresh ours
check "MaxMind: an unknown geoname id names the line" \
	fails_with 1 "GeoLite2-Country-Blocks-IPv4.csv: line $(wc -l <mm-bad/GeoLite2-Country-Blocks-IPv4.csv): unknown geoname id 424242" \
	"$BIN/xt_geoip_build" -S mm-bad -D ours
check "input missing: exit 1" fails_with 1 "Cannot open nosuch.csv: No such file" "$BIN/xt_geoip_build" -D ours -i nosuch.csv
check "target directory missing: upstream's words" fails_with 1 'Target directory "nodir" does not exist.' "$BIN/xt_geoip_build" -D nodir -i dbip.csv
check "-s means /usr/share/xt_geoip" fails_with 1 'Target directory "/usr/share/xt_geoip" does not exist.' \
	env -i "$BIN/xt_geoip_build" -s -D /usr/share/xt_geoip -i dbip.csv
check "-n reads and checks, writes nothing" eval '"$BIN/xt_geoip_build" -n -D ours -i dbip.csv >/dev/null 2>&1 && [ -z "$(ls -A ours)" ]'

# --- command lines
for tool in xt_geoip_build xt_geoip_build_maxmind xt_asn_build xt_geoip_query xt_asn_fetch; do
	check "$tool --help: exit 0, usage first" eval '"$BIN/$tool" --help | head -1 | grep -q "^Usage: $tool"'
	check "$tool --version" eval '"$BIN/$tool" --version | grep -q "^$tool (xtables-addons-rs)"'
	check "$tool --bogus: exit 2" fails_with 2 "unrecognized option '--bogus'" "$BIN/$tool" --bogus
done
check "xt_geoip_build: an operand is refused, exit 2" fails_with 2 'unexpected argument "x"' "$BIN/xt_geoip_build" x
check "xt_geoip_build: -i with -S, exit 2" fails_with 2 "-i and -S exclude each other" "$BIN/xt_geoip_build" -i a -S b

finish
