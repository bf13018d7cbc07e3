#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# libxt_geoip.so and libxt_asn.so on the host, against upstream's plugins (Debian 12's 3.23:
# geoip revision 1, asn revision 1) through libxtables: help, every option form, errors, print
# and save identical; our revision 2 of geoip takes 31 codes and revision 1 (what iptables
# picks when the kernel has only Debian 12's module) 15; the data handed to the kernel holds
# no pointer (mem[] zero, where upstream's plugin puts its user-space addresses); kernel data
# of any count prints within the struct; a missing database file is a clear error. Stock
# iptables and ip6tables load ours. Rules in a kernel: tests/vm/scenarios/geoip-*.sh.
# The database files upstream's plugin reads (and ours checks) are in a private mount
# namespace's /usr/share (unshare -m), so the host's own directories are never touched.
. "$(dirname "$0")/../plugin/lib.sh"

command -v unshare >/dev/null || setup_failed "unshare missing (util-linux)"
cargo build --release --quiet -p xt_geoip -p xt_asn || setup_failed "cargo build failed"
geoip_so=$ROOT/target/release/libxt_geoip.so
asn_so=$ROOT/target/release/libxt_asn.so
ours=$(plugin_dir ours "$geoip_so" "$asn_so")
upstream=$(plugin_dir upstream "$UPSTREAM_XTLIBDIR/libxt_geoip.so" "$UPSTREAM_XTLIBDIR/libxt_asn.so")

# The database: empty files are valid (no range) and all a parser needs.
DB=$WORK/db
mkdir -p "$DB/xt_geoip" "$DB/xt_asn"
for c in DE FR A1 {A..B}{A..Z}; do : >"$DB/xt_geoip/$c.iv4"; : >"$DB/xt_geoip/$c.iv6"; done
for n in 64500 64501 4294967295 {1..20}; do : >"$DB/xt_asn/$n.iv4"; : >"$DB/xt_asn/$n.iv6"; done
rm "$DB/xt_geoip/BZ.iv6"
chmod -R a+rX "$DB"
# indb CMD...: CMD with $DB as /usr/share (a tmpfs over it, in a private mount namespace).
INDB=$WORK/indb
cat >"$INDB" <<EOF
#!/bin/sh
exec unshare -m sh -c 'mount -t tmpfs tmpfs /usr/share && cp -a "$DB"/. /usr/share/ && exec "\$@"' sh "\$@"
EOF
chmod 755 "$INDB"
"$INDB" test -e /usr/share/xt_geoip/DE.iv4 || setup_failed "cannot mount the test database (unshare -m)"

# --- the shared objects
for so in "$geoip_so" "$asn_so"; do
	n=$(basename "$so")
	check "$n links only libxtables and libc" needs_only "$so" libxtables.so.12 libc.so.6
	check "$n: no panic path survives" no_panic_path "$so"
	check "$n exports no symbols of its own" test -z "$(nm -D --defined-only "$so" | grep -v ' [Uw] ')"
done

# --- geoip: identical to upstream through libxtables (both IPv4 and IPv6 registrations)
for fam in -4 -6; do
	check "geoip $fam revision 1: help identical to upstream 3.23's" \
		same_as_upstream env XT_DRIVER_MAX_REVISION=1 "$DRIVER" $fam match geoip help
	check "geoip $fam revision 2: upstream 3.31's help (3.24 wrote ISO 3166)" \
		eval 'env XTABLES_LIBDIR="$ours" "$DRIVER" $fam match geoip help | grep -qx "NOTE: The country is inputed by its ISO 3166 code."' 
	for args in "--src-cc DE" "! --dst-cc de,fr" "--source-country DE,FR,de" "--destination-country A1" \
		"! --source-country fr" "--src-cc AA,AB,AC,AD,AE,AF,AG,AH,AI,AJ,AK,AL,AM,AN,AO" \
		"--src-cc AA,AB,AC,AD,AE,AF,AG,AH,AI,AJ,AK,AL,AM,AN,AO,AP" "--src-cc DE,DE,DE,DE,DE,DE,DE,DE,DE,DE,DE,DE,DE,DE,DE,DE" \
		"--src-cc D" "--src-cc DEU" "--src-cc DE," "--src-cc ,DE" "--src-cc D-" "--src-cc DE --dst-cc FR" \
		"--src-cc DE --src-cc FR" "! --dst-cc DE ! --dst-cc FR" ""; do
		[ $fam = -6 ] && [ "$args" = "--destination-country A1" ] && args="--dst-cc A1,DE"
		# Revision 1, upstream 3.23's (ours too has it): the same limit of 15 codes.
		check "geoip $fam '$args': identical to upstream (text, exit status)" \
			same_as_upstream env XT_DRIVER_MAX_REVISION=1 "$INDB" "$DRIVER" $fam match geoip parse $args
	done
done

# Revisions: upstream 3.23's is 1 (15 codes), ours has 2 (31) and 1.
codes() { local IFS=,; echo "$*"; }
c31=$(codes $(echo {A..B}{A..Z} | tr ' ' '\n' | head -31))
c32=$(codes $(echo {A..B}{A..Z} | tr ' ' '\n' | head -32))
c15=$(codes $(echo {A..B}{A..Z} | tr ' ' '\n' | head -15))
c16=$(codes $(echo {A..B}{A..Z} | tr ' ' '\n' | head -16))
blob() { env XTABLES_LIBDIR="$ours" "$INDB" "$DRIVER" "$@"; }
check "geoip: revision 2 by default, 312 bytes" \
	eval 'blob -4 match geoip blob --src-cc DE | grep -q "^revision:2 size:312 "'
check "geoip revision 2: 31 codes" eval 'blob -4 match geoip blob --src-cc $c31 | grep -q "^revision:2 size:312 data:011f"'
check "geoip revision 2: 32 codes are too many" \
	fails_with 2 "geoip: too many countries specified" blob -4 match geoip parse --src-cc $c32
check "geoip revision 1 (a kernel with only it): 152 bytes, 15 codes" \
	eval 'XT_DRIVER_MAX_REVISION=1 blob -6 match geoip blob --src-cc $c15 | grep -q "^revision:1 size:152 data:010f"'
check "geoip revision 1: 16 codes are too many" \
	fails_with 2 "geoip: too many countries specified" env XT_DRIVER_MAX_REVISION=1 \
	env XTABLES_LIBDIR="$ours" "$INDB" "$DRIVER" -4 match geoip parse --src-cc $c16
# The data: flags, count, codes big-end first in host order, then mem[] all zero.
want=0602$(printf '%s' 4445 4652 | sed 's/\(..\)\(..\)/\2\1/g')$(printf '0%.0s' $(seq $(( (62 - 4) * 2 ))))$(printf '0%.0s' $(seq $((248 * 2))))
check "geoip blob: ! --dst-cc de,fr is flags DST|INV, 2 codes, mem[] zero" \
	output_is "revision:2 size:312 data:$want" blob -4 match geoip blob ! --dst-cc de,fr
up=$(env XTABLES_LIBDIR="$upstream" "$INDB" "$DRIVER" -4 match geoip blob --src-cc DE | sed 's/.*data://')
check "  (upstream's plugin puts a user-space pointer into mem[]: the check can tell)" \
	test "${up:64:16}" != 0000000000000000
# Kernel data as a listing could return: any flags, codes, count (beyond the array too).
hex31=$(printf '4144%.0s' $(seq 31))
for data in "0102$(printf '%s' 4544 5246)$(printf '0%.0s' $(seq 116))" "0401$(printf '4544')$(printf '0%.0s' $(seq 120))"; do
	check "geoip revision 1 kernel data '${data:0:12}': print/save identical to upstream" \
		eval 'XT_DRIVER_MAX_REVISION=1 same_as_upstream "$DRIVER" -4 match geoip data "$data$(printf "0%.0s" $(seq 240))"'
done
check "geoip kernel data with count 255: print/save stay within the 31 codes" \
	output_is "print: -m geoip --source-country $(codes $(printf 'DA %.0s' $(seq 31))) |
save: --source-country $(codes $(printf 'DA %.0s' $(seq 31))) |" \
	env XTABLES_LIBDIR="$ours" "$DRIVER" -4 match geoip data "01ff${hex31}$(printf '0%.0s' $(seq 496))"
check "geoip kernel data with unprintable codes: shown as ?" \
	output_is $'print: -m geoip --source-country ??,?D |\nsave: --source-country ??,?D |' \
	env XTABLES_LIBDIR="$ours" "$DRIVER" -4 match geoip data "0102000a4420$(printf '0%.0s' $(seq 612))"

# Database files: checked, so that the kernel's refusal is not the first word.
check "geoip: a code without its file: clear error, exit 2" \
	fails_with 2 "geoip: Could not open /usr/share/xt_geoip/XX.iv4: No such file or directory" \
	env XTABLES_LIBDIR="$ours" "$INDB" "$DRIVER" -4 match geoip parse --src-cc DE,XX
check "geoip -6: the .iv6 file is the one checked" \
	fails_with 2 "Could not open /usr/share/xt_geoip/BZ.iv6" \
	env XTABLES_LIBDIR="$ours" "$INDB" "$DRIVER" -6 match geoip parse --dst-cc BZ
check "geoip -4: BZ.iv4 is there" exits 0 env XTABLES_LIBDIR="$ours" "$INDB" "$DRIVER" -4 match geoip parse --dst-cc BZ

# --- asn: identical to upstream
for fam in -4 -6; do
	check "asn $fam: help identical to upstream 3.31's (3.23 wrote ISO3166)" \
		eval 'cmp -s <(env XTABLES_LIBDIR="$ours" "$DRIVER" $fam match asn help) <(env XTABLES_LIBDIR="$upstream" "$DRIVER" $fam match asn help | sed "s/ISO3166/ISO 3166/")' 
	for args in "--src-asn 64500" "! --dst-asn 64500,64501" "--source-number 64500,64500,1" \
		"--destination-number 4294967295" "--src-asn 0,64500" "--src-asn 0" "--src-asn 0,0" \
		"--src-asn $(codes {1..15})" "--src-asn $(codes {1..16})" "--src-asn AS1" "--src-asn 1,,2" \
		"--src-asn 1 --dst-asn 2" "--src-asn 1 --src-asn 2" "--src-asn -1" ""; do
		check "asn $fam '$args': identical to upstream (text, exit status)" \
			same_as_upstream "$INDB" "$DRIVER" $fam match asn parse $args
	done
done
check "asn: revision 1, 184 bytes, no trailing space in save" \
	output_is $'print: -m asn ! --src-asn 64500,1|\nsave: ! --src-asn 64500,1|' \
	env XTABLES_LIBDIR="$ours" "$INDB" "$DRIVER" -6 match asn parse ! --src-asn 64500,0,1
want=$(printf '%s' f4fb0000 01000000)$(printf '0%.0s' $(seq $(( (60 - 8) * 2 ))))0102$(printf '0%.0s' $(seq 4))$(printf '0%.0s' $(seq 240))
check "asn blob: the numbers, flags SRC, count 2, mem[] zero" \
	output_is "revision:1 size:184 data:$want" env XTABLES_LIBDIR="$ours" "$INDB" "$DRIVER" -4 match asn blob --src-asn 64500,1
check "asn: a number above 32 bits is refused (upstream truncates it)" \
	fails_with 2 "asn:  invalid number code '4294967296'" env XTABLES_LIBDIR="$ours" "$INDB" "$DRIVER" -4 match asn parse --src-asn 4294967296
check "asn: a number without its file: clear error" \
	fails_with 2 "asn: Could not open /usr/share/xt_asn/65000.iv6: No such file or directory" \
	env XTABLES_LIBDIR="$ours" "$INDB" "$DRIVER" -6 match asn parse --dst-asn 65000
check "asn kernel data with count 255: print stays within the 15 numbers" \
	output_is "save: --src-asn $(codes $(printf '7 %.0s' $(seq 15)))|" \
	eval 'env XTABLES_LIBDIR="$ours" "$DRIVER" -4 match asn data "$(printf "07000000%.0s" $(seq 15))01ff$(printf "0%.0s" $(seq 244))" | grep "^save"'

# --- stock iptables loads them (no module here: it stops after parsing, exit 4)
# db_nobody CMD...: as_nobody with ours, inside the database's mount namespace.
db_nobody() { "$INDB" setpriv --reuid=65534 --regid=65534 --clear-groups env XTABLES_LIBDIR="$ours:$STOCK" "$@"; }
for bin in iptables-legacy iptables-nft ip6tables-legacy ip6tables-nft; do
	check "$bin -m geoip --help: our help" \
		eval 'as_nobody "$ours:$STOCK" $bin -m geoip --help 2>/dev/null | grep -q "^\[!\] --src-cc, --source-country"'
	check "$bin parses a geoip rule" exits 4 \
		db_nobody $bin -A INPUT -m geoip ! --src-cc DE,A1 -j DROP
	check "$bin parses an asn rule" exits 4 \
		db_nobody $bin -A INPUT -m asn --dst-asn 64500 -j DROP
	check "$bin: both directions is an error, exit 2" \
		fails_with 2 "Only exactly one of --source-country or --destination-country" \
		db_nobody $bin -A INPUT -m geoip --src-cc DE --dst-cc FR
done

finish
