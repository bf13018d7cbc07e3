#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# libxt_ACCOUNT.so on the host: stock iptables loads it; IPv4 (revision 1): help, the
# missing-option and name-length errors, print and save identical to upstream's plugin
# (driven through libxtables, also on arbitrary kernel data); our extra refusals (net wider
# than /8, non-contiguous mask, empty name). IPv6 (revision 2, ours only): print/save
# round trips, every error with its message, kernel data, ip6tables loads it and upstream's
# plugin has none. No crash on odd input. Rule insertion needs the kernel module:
# tests/vm/scenarios/account-*.sh do that.
. "$(dirname "$0")/../plugin/lib.sh"

plugin_under_test xt_ACCOUNT ACCOUNT

# --- the shared object
check "links only libxtables and libc" needs_only "$so" libxtables.so.12 libc.so.6
check "no panic path survives in the plugin" no_panic_path "$so"
check "exports no symbols of its own" test -z "$(nm -D --defined-only "$so" | grep -v ' [Uw] ')"

# --- identical to upstream through libxtables
check "help identical to upstream" same_as_upstream "$DRIVER" -4 target ACCOUNT help
name31=0123456789abcdef0123456789abcde
for args in "--addr 10.1.0.0/16 --tname net16" "--addr 10.1.2.3/16 --tname net16" \
	"--addr 10.0.0.0/8 --tname big" "--addr 0.0.0.0/0 --tname all" "--addr 0/0 --tname all" \
	"--addr 192.168.7.9 --tname host" "--addr 127.0.0.1/255.255.255.0 --tname lo" \
	"--addr 10.1.0.0/16 --tname $name31" "--addr localhost --tname x" \
	"" "--addr 10.1.0.0/16" "--tname x" \
	"--addr 10.0.0.0/33 --tname x" "--addr no.such.host.invalid --tname x"; do
	check "driver: '$args' identical to upstream (text and exit status)" \
		same_as_upstream "$DRIVER" -4 target ACCOUNT parse $args
done
# Records as a kernel could hold them (any net and mask, a plain name; table_nr is the
# kernel's): print/save alike. Data of another size is refused ("[bad data size]").
hexname() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; printf '00%.0s' $(seq $((32 - ${#1}))); }
for hex in 0a010000ffff0000$(hexname net16)00000000 0000000000000000$(hexname lo)ffffffff \
	0a000000ff00ff00$(hexname "$name31")7f000000 \
	"$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')$(hexname rnd)$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"; do
	check "driver: print/save of kernel data '${hex:0:24}' identical to upstream" \
		same_as_upstream "$DRIVER" -4 target ACCOUNT data "$hex"
done
check "an unterminated name from the kernel ends at the field (upstream reads past it)" \
	output_is "print: ACCOUNT addr 10.0.0.0/8 tname $(printf 'A%.0s' {1..32})|
save: --addr 10.0.0.0/8  --tname $(printf 'A%.0s' {1..32})|" \
	env XTABLES_LIBDIR="$ours" "$DRIVER" -4 target ACCOUNT data 0a000000ff000000$(printf '41%.0s' {1..32})41414141
check "save has upstream's double space" \
	output_is $'print: ACCOUNT addr 10.1.0.0/16 tname net16|\nsave: --addr 10.1.0.0/16  --tname net16|' \
	env XTABLES_LIBDIR="$ours" "$DRIVER" -4 target ACCOUNT parse --addr 10.1.0.0/16 --tname net16

# --- refused by us (upstream hands them to a kernel that cannot account them)
for args in "--addr 10.0.0.0/7 --tname x" "--addr 0.0.0.0/1 --tname x" \
	"--addr 10.0.0.0/255.0.255.0 --tname x" "--addr 10.1.0.0/16 --tname="; do
	check "driver: '$args' refused with exit 2" exits 2 env XTABLES_LIBDIR="$ours" \
		"$DRIVER" -4 target ACCOUNT parse $args
done
check "wide net: the message says why" fails_with 2 'a table holds at most a /8' \
	env XTABLES_LIBDIR="$ours" "$DRIVER" -4 target ACCOUNT parse --addr 10.0.0.0/7 --tname x
check "missing option: upstream's message" fails_with 2 'ACCOUNT: needs --addr and --tname' \
	env XTABLES_LIBDIR="$ours" "$DRIVER" -4 target ACCOUNT parse --tname x
check "long name: upstream's message (after the extension's name)" \
	fails_with 2 'ACCOUNT: Maximum table name length 31 for --tname' \
	env XTABLES_LIBDIR="$ours" "$DRIVER" -4 target ACCOUNT parse --addr 1.0.0.0/8 --tname ${name31}f

# --- stock iptables loads it (no module here: it stops after parsing)
for bin in iptables-legacy iptables-nft; do
	check "$bin -j ACCOUNT --help shows our IPv4 help" \
		help_shows "Base network IP and netmask" as_nobody "$ours:$STOCK" $bin -j ACCOUNT --help
	check "$bin: missing --tname is an error, exit 2" \
		fails_with 2 'needs --addr and --tname' as_nobody "$ours:$STOCK" $bin -A FORWARD -j ACCOUNT --addr 10.1.0.0/16
	check "$bin: a net wider than /8 is refused (ours only)" \
		fails_with 2 'a table holds at most a /8' as_nobody "$ours:$STOCK" $bin -A FORWARD -j ACCOUNT --addr 10.0.0.0/7 --tname x
done
for bin in ip6tables-legacy ip6tables-nft; do
	check "$bin -j ACCOUNT --help shows our IPv6 help" \
		help_shows "Base network IPv6 address and prefix length" as_nobody "$ours:$STOCK" $bin -j ACCOUNT --help
	# Exit 4: past parsing, at the lock file or netlink socket nobody cannot open.
	check "$bin parses a whole IPv6 rule" exits 4 \
		as_nobody "$ours:$STOCK" $bin -t mangle -A FORWARD -j ACCOUNT --addr 2001:db8::/64 --tname t6
	check "$bin: missing --tname is an error, exit 2" \
		fails_with 2 'needs --addr and --tname' as_nobody "$ours:$STOCK" $bin -A FORWARD -j ACCOUNT --addr ::/0
	check "$bin with upstream's plugin has no IPv6 ACCOUNT" fails_with 2 'unknown option "--addr"' \
		as_nobody "$upstream:$STOCK" $bin -A FORWARD -j ACCOUNT --addr ::/0 --tname x
done

# --- IPv6: revision 2 (upstream has none, so nothing to compare with)
drive6() { env XTABLES_LIBDIR="$ours" "$DRIVER" -6 target ACCOUNT "$@"; }
# Host names for --addr, in a private mount namespace: the system's /etc/hosts is untouched.
printf '%s\n' '127.0.0.1 localhost' '2001:db8:1::5 acc6-one' '2001:db8:2::1 acc6-two' \
	'2001:db8:2::2 acc6-two' >"$WORK/hosts"
in_hosts() { unshare --mount sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$WORK/hosts" "$@"; }
in_hosts true || setup_failed "cannot bind-mount a hosts file in a mount namespace (unshare)"

# round_trips ADDR NET: --addr ADDR prints and saves as NET, and the saved options parse
# back to the same text.
round_trips() {
	local expected="print: ACCOUNT addr $2 tname t6|
save: --addr $2  --tname t6|" first second saved
	first=$(in_hosts env XTABLES_LIBDIR="$ours" "$DRIVER" -6 target ACCOUNT parse --addr "$1" --tname t6 2>&1)
	saved=${first#*save:}
	second=$(drive6 parse ${saved%|} 2>&1)
	[ "$first" = "$expected" ] && [ "$second" = "$expected" ] || {
		echo "     got: $first"
		echo "     saved options parse to: $second"
		return 1
	}
}
for pair in 2001:db8::/64=2001:db8::/64 2001:db8::5=2001:db8::5 2001:db8::5/128=2001:db8::5 \
	::/0=::/0 0/0=::/0 2001:db8::/120=2001:db8::/120 2001:db8::1234:5678/64=2001:db8::/64 \
	2001:db8:0:0:ffff:1::1/80=2001:db8:0:0:ffff::/80 2001:db8::ff:1/ffff:ffff::=2001:db8::/32 \
	::ffff:10.1.2.3/120=::ffff:10.1.2.0/120 acc6-one/64=2001:db8:1::/64 acc6-one=2001:db8:1::5 \
	acc6-two/64=2001:db8:2::/64; do
	check "IPv6 --addr ${pair%%=*} prints and saves as ${pair#*=}, and round-trips" \
		round_trips "${pair%%=*}" "${pair#*=}"
done
check "IPv6: a 31-byte name; a name with a space is quoted in save" \
	output_is "print: ACCOUNT addr 2001:db8::/64 tname $name31|
save: --addr 2001:db8::/64  --tname $name31|
print: ACCOUNT addr ::/0 tname a b|
save: --addr ::/0  --tname \"a b\"|" \
	eval 'drive6 parse --addr 2001:db8::/64 --tname $name31 && drive6 parse --addr ::/0 --tname "a b"'

# Every error: "MESSAGE|OPTIONS" below; each exits 2 with its message.
while IFS='|' read -r message args; do
	check "IPv6 '$args' refused: $message" fails_with 2 "$message" \
		eval "in_hosts env XTABLES_LIBDIR=$ours $DRIVER -6 target ACCOUNT parse $args"
done <<EOT
ACCOUNT: needs --addr and --tname|
ACCOUNT: needs --addr and --tname|--addr 2001:db8::/64
ACCOUNT: needs --addr and --tname|--tname t6
host/network \`2001:db8::zz' not found|--addr 2001:db8::zz --tname x
host/network \`10.0.0.0' not found|--addr 10.0.0.0/8 --tname x
host/network \`no.such.host.invalid' not found|--addr no.such.host.invalid --tname x
invalid mask \`129' specified|--addr 2001:db8::/129 --tname x
invalid mask \`-1' specified|--addr 2001:db8::/-1 --tname x
invalid mask \`' specified|--addr 2001:db8::/ --tname x
ACCOUNT: --addr "2001:db8::/ff00:ff00::": the netmask must be contiguous (a prefix length)|--addr 2001:db8::/ff00:ff00:: --tname x
ACCOUNT: --addr "::/ffff::1": the netmask must be contiguous (a prefix length)|--addr ::/ffff::1 --tname x
ACCOUNT: multiple IP addresses not allowed|--addr acc6-two --tname x
ACCOUNT: option "--addr" can only be used once.|--addr ::/0 --addr 2001:db8::/64 --tname x
ACCOUNT: Maximum table name length 31 for --tname|--addr ::/0 --tname ${name31}f
ACCOUNT: --tname: the table name must not be empty|--addr ::/0 --tname=
EOT

# Records as a kernel could hold them: net_addr[16], table_name[32], prefix_len, pad[3],
# table_nr (the kernel's, ignored).
a6=20010db8000000000000000000000001
while read -r hex net name; do
	check "IPv6 kernel data prints as '$net $name'" output_is "print: ACCOUNT addr $net tname $name|
save: --addr $net  --tname $name|" drive6 data "$hex"
done <<EOT
$a6$(hexname t6)40000000ffffffff 2001:db8::1/64 t6
$a6$(hexname t6)80000000ffffffff 2001:db8::1 t6
00000000000000000000000000000000$(hexname all)0000000000000000 ::/0 all
$a6$(printf '41%.0s' {1..32})4000000000000000 2001:db8::1/64 $(printf 'A%.0s' {1..32})
EOT
check "IPv6 kernel data with prefix 200 saves as /200, which does not restore" \
	eval 'drive6 data "$a6$(hexname x)c8000000ffffffff" | grep -qxF "save: --addr 2001:db8::1/200  --tname x|" &&
		fails_with 2 "invalid mask \`200'"'"' specified" drive6 parse --addr 2001:db8::1/200 --tname x'
check "IPv6 kernel data of the IPv4 size is not read as IPv6" \
	output_is $'print: [bad data size]|\nsave: [bad data size]|' drive6 data 0a010000ffff0000$(hexname net16)00000000

# --- IPv6 help; upstream's plugin has no IPv6 target
check "our IPv6 help (the --tname line as IPv4's)" output_is "ACCOUNT target options:
 --addr ip6/prefix		Base network IPv6 address and prefix length used for this table
 --tname name			Table name for the userspace library" drive6 help
check "upstream's plugin has no IPv6 ACCOUNT (libxtables finds none)" \
	fails_with 2 "Couldn't load target \`ACCOUNT'" env XTABLES_LIBDIR="$upstream" "$DRIVER" -6 target ACCOUNT help

# --- the man page documents both families and renders without a warning
check "man8/xt_ACCOUNT.8 renders cleanly (man --warnings, groff -ww)" eval \
	'[ -z "$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$ROOT/man8/xt_ACCOUNT.8" 2>&1 >/dev/null)" ] &&
	 [ -z "$(groff -man -ww -z "$ROOT/man8/xt_ACCOUNT.8" 2>&1)" ]'
check "man8/xt_ACCOUNT.8 shows the ip6tables synopsis and ip6_max_addresses" eval \
	'LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$ROOT/man8/xt_ACCOUNT.8" 2>/dev/null |
	 grep -q "ip6tables \[-t table\] -A chain \[matches\] -j ACCOUNT --addr network/prefix --tname name" &&
	 LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$ROOT/man8/xt_ACCOUNT.8" 2>/dev/null | grep -q "^ *ip6_max_addresses (default 65536"'

# --- odd input: a clean exit 0 or 2, never a signal
long=$(head -c 100000 /dev/zero | tr '\0' x)
for args in "-4 --foo" "-4 !" "-4 --addr" "-4 --addr $long --tname x" "-4 --addr 1.2.3.4 --tname $long" \
	"-4 --addr 1.2.3.4/-1 --tname x" $'-4 --addr \xff --tname x' "-6 --foo" "-6 --addr" \
	"-6 --addr $long/64 --tname x" "-6 --addr ::/$long --tname x" "-6 --addr ::/0 --tname $long" \
	"-6 --addr ::/0/0/64 --tname x" "-6 --addr /64 --tname x" $'-6 --addr \xff::/64 --tname x'; do
	check "driver: odd argument '${args:0:23}' handled cleanly" \
		survives env XTABLES_LIBDIR="$ours" "$DRIVER" ${args%% *} target ACCOUNT parse ${args#* }
done
command -v valgrind >/dev/null || setup_failed "valgrind not found (scripts/setup.sh installs it)"
memcheck() { exits 0 env XTABLES_LIBDIR="$ours" valgrind -q --error-exitcode=99 "$DRIVER" "$@"; }
check "memcheck: load, parse, print, save" memcheck -4 target ACCOUNT parse --addr 10.1.0.0/16 --tname x
check "memcheck: IPv6 parse, print, save" memcheck -6 target ACCOUNT parse --addr 2001:db8::1/64 --tname x
check "memcheck: IPv6 kernel data" memcheck -6 target ACCOUNT data "$a6$(hexname t6)40000000ffffffff"
check "memcheck: IPv6 host name resolved to two addresses, refused" \
	fails_with 2 "multiple IP addresses not allowed" in_hosts env XTABLES_LIBDIR="$ours" valgrind -q --error-exitcode=99 "$DRIVER" -6 target ACCOUNT parse --addr acc6-two --tname x

finish
