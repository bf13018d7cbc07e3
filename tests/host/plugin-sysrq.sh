#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# libxt_SYSRQ.so on the host: stock iptables/ip6tables (legacy and nft) load it, its help and
# errors, print/save/translate identical to upstream's plugin, no crash on odd input, and the
# shape of the shared object. Rule insertion needs the kernel module: tests/vm does that.
. "$(dirname "$0")/../plugin/lib.sh"

plugin_under_test xt_SYSRQ SYSRQ

# Ours first; the stock directory supplies udp/udplite for --dport.
ours_path=$ours:$STOCK

# --- the shared object
check "links only libxtables and libc (no libgcc_s, no Rust std)" \
	needs_only "$so" libxtables.so.12 libc.so.6
check "no panic path survives in the plugin" no_panic_path "$so"
check "smaller than 32 KiB ($(stat -c %s "$so") bytes)" test "$(stat -c %s "$so")" -lt 32768
check "exports no symbols of its own" test -z "$(nm -D --defined-only "$so" | grep -v ' [Uw] ')"

# --- stock binaries load our plugin
for bin in iptables-legacy iptables-nft ip6tables-legacy ip6tables-nft; do
	check "$bin -j SYSRQ --help shows our help" \
		help_shows "^(/sys/module/xt_SYSRQ/parameters/); requests come from send_sysrq(8).$" \
		as_nobody "$ours_path" $bin -j SYSRQ --help
	check "$bin: unknown option is an error, exit 2" \
		fails_with 2 'unknown option "--foo"' as_nobody "$ours_path" $bin -A INPUT -p udp --dport 9 -j SYSRQ --foo
	check "$bin: stray argument is an error, exit 2" \
		fails_with 2 "Bad argument \`now'" as_nobody "$ours_path" $bin -A INPUT -p udp -j SYSRQ now
done

# --- identical to upstream through libxtables: help's first line, print, save, translate
expected_help="SYSRQ takes no options

Use it with -p udp or -p udplite, usually with --dport. The password, the
hash and the sequence number are parameters of the xt_SYSRQ kernel module
(/sys/module/xt_SYSRQ/parameters/); requests come from send_sysrq(8)."
check "driver: help text" output_is "$expected_help" env XTABLES_LIBDIR="$ours" "$DRIVER" -4 target SYSRQ help
check "driver: help starts like upstream's" \
	test "$(XTABLES_LIBDIR=$upstream "$DRIVER" -4 target SYSRQ help | head -n 1)" = \
	"$(XTABLES_LIBDIR=$ours "$DRIVER" -4 target SYSRQ help | head -n 1)"

for fam in -4 -6; do
	check "driver $fam: print/save of a parsed rule identical to upstream" \
		same_as_upstream "$DRIVER" $fam target SYSRQ parse
	for hex in "" 00 0000000000000000 "$(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n')"; do
		check "driver $fam: print/save of kernel data '${hex:0:16}' identical to upstream" \
			same_as_upstream "$DRIVER" $fam target SYSRQ data "$hex"
	done
done
for rule in "-A INPUT -p udp --dport 9 -j SYSRQ" "-I OUTPUT 2 -p udplite -d 10.0.0.1 -j SYSRQ"; do
	for bin in iptables-translate ip6tables-translate; do
		[ $bin = ip6tables-translate ] && rule=${rule/10.0.0.1/fd00::1}
		check "$bin $rule: identical to upstream" eval '
			[ "$(as_nobody "$ours_path" $bin $rule 2>&1)" = \
			  "$(as_nobody "$upstream:$STOCK" $bin $rule 2>&1)" ]'
	done
done

# --- odd input: always a clean exit 0 or 2, never a signal or a BUG line
long=$(head -c 100000 /dev/zero | tr '\0' x)
for args in "--foo" "! --foo" "!" "x" "--" "-x" "--help=3" $'\xff\xfe' "--$long" "$long"; do
	check "driver: odd argument '${args:0:12}' handled cleanly" \
		survives env XTABLES_LIBDIR="$ours" "$DRIVER" -4 target SYSRQ parse "$args"
done
command -v valgrind >/dev/null || setup_failed "valgrind not found (scripts/setup.sh installs it)"
for fam in -4 -6; do
	check "memcheck $fam: load, parse, print, save" exits 0 env XTABLES_LIBDIR="$ours" \
		valgrind -q --error-exitcode=99 "$DRIVER" $fam target SYSRQ parse
done
check "iptables: very long option handled cleanly" \
	survives as_nobody "$ours_path" iptables-nft -A INPUT -p udp -j SYSRQ "--$long"

finish
