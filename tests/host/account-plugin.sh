#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# libxt_ACCOUNT.so on the host: stock iptables loads it; help, the missing-option and
# name-length errors, print and save identical to upstream's plugin (driven through
# libxtables, also on arbitrary kernel data); our extra refusals (net wider than /8,
# non-contiguous mask, empty name); no crash on odd input. Rule insertion needs the kernel
# module: tests/vm/scenarios/account-*.sh do that.
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
	check "$bin -j ACCOUNT --help shows our help" \
		eval 'as_nobody "$ours:$UPSTREAM_XTLIBDIR" $bin -j ACCOUNT --help 2>/dev/null | grep -q "Table name for the userspace library"'
	check "$bin: missing --tname is an error, exit 2" \
		fails_with 2 'needs --addr and --tname' as_nobody "$ours:$UPSTREAM_XTLIBDIR" $bin -A FORWARD -j ACCOUNT --addr 10.1.0.0/16
done
for bin in ip6tables-legacy ip6tables-nft; do
	check "$bin -j ACCOUNT --help shows our IPv6 help" \
		eval 'as_nobody "$ours:$UPSTREAM_XTLIBDIR" $bin -j ACCOUNT --help 2>/dev/null | grep -q "Base network IPv6 address and prefix length"'
	# Exit 4: past parsing, at the lock file or netlink socket nobody cannot open.
	check "$bin parses a whole IPv6 rule" exits 4 \
		as_nobody "$ours:$UPSTREAM_XTLIBDIR" $bin -t mangle -A FORWARD -j ACCOUNT --addr 2001:db8::/64 --tname t6
	check "$bin: missing --tname is an error, exit 2" \
		fails_with 2 'needs --addr and --tname' as_nobody "$ours:$UPSTREAM_XTLIBDIR" $bin -A FORWARD -j ACCOUNT --addr ::/0
	check "$bin with upstream's plugin has no IPv6 ACCOUNT" fails_with 2 'unknown option "--addr"' \
		as_nobody "$upstream:$UPSTREAM_XTLIBDIR" $bin -A FORWARD -j ACCOUNT --addr ::/0 --tname x
done

# --- odd input: a clean exit 0 or 2, never a signal
long=$(head -c 100000 /dev/zero | tr '\0' x)
for args in "--foo" "!" "--addr" "--addr $long --tname x" "--addr 1.2.3.4 --tname $long" \
	"--addr 1.2.3.4/-1 --tname x" $'--addr \xff --tname x'; do
	check "driver: odd argument '${args:0:20}' handled cleanly" \
		survives env XTABLES_LIBDIR="$ours" "$DRIVER" -4 target ACCOUNT parse $args
done
command -v valgrind >/dev/null || setup_failed "valgrind not found (scripts/setup.sh installs it)"
check "memcheck: load, parse, print, save" exits 0 env XTABLES_LIBDIR="$ours" \
	valgrind -q --error-exitcode=99 "$DRIVER" -4 target ACCOUNT parse --addr 10.1.0.0/16 --tname x

finish
