#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The reply targets' plugins on the host (libxt_TARPIT, _DELUDE, _ECHO, _CHAOS, _STEAL):
# help, print and save identical to upstream's 3.23 plugins through libxtables, also on
# arbitrary kernel data; our refusals where upstream accepts nonsense (two TARPIT modes) with
# upstream's message and exit 2; families (DELUDE beyond upstream: ip6tables; STEAL: every
# family); stock iptables loads them; no crash on odd input; the man pages render. Rule
# insertion needs the kernel modules: tests/vm/scenarios/reply-*.sh do that.
. "$(dirname "$0")/../plugin/lib.sh"

names="TARPIT DELUDE ECHO CHAOS STEAL"
packages=$(for n in $names; do printf -- '-p xt_%s ' "$n"; done)
# shellcheck disable=SC2086 # one option per word
cargo build --release --quiet $packages || setup_failed "cargo build of the reply plugins failed"
sos=$(for n in $names; do echo "$ROOT/target/release/libxt_$n.so"; done)
# shellcheck disable=SC2086
ours=$(plugin_dir ours $sos)
# shellcheck disable=SC2046
upstream=$(plugin_dir upstream $(for n in TARPIT DELUDE ECHO CHAOS; do echo "$UPSTREAM_XTLIBDIR/libxt_$n.so"; done))
ours_path=$ours:$STOCK
drive() { env XTABLES_LIBDIR="$ours" "$DRIVER" "$@"; }

# --- the shared objects
for n in $names; do
	so=$ROOT/target/release/libxt_$n.so
	check "libxtables loads our libxt_$n.so, not upstream's" output_is "$ours/libxt_$n.so" \
		env XTABLES_LIBDIR="$ours:$UPSTREAM_XTLIBDIR" "$DRIVER" -4 target $n where
	check "libxt_$n.so links only libxtables and libc" needs_only "$so" libxtables.so.12 libc.so.6
	check "libxt_$n.so: no panic path survives" no_panic_path "$so"
	check "libxt_$n.so exports no symbols of its own" test -z "$(nm -D --defined-only "$so" | grep -v ' [Uw] ')"
done

# --- identical to upstream through libxtables (TARPIT: UNSPEC; CHAOS: IPv4 only)
for n in TARPIT DELUDE ECHO CHAOS; do
	check "driver: $n help identical to upstream" same_as_upstream "$DRIVER" -4 target $n help
done
while read -r fam n args; do
	check "driver $fam: $n '$args' identical to upstream (text and exit status)" \
		same_as_upstream "$DRIVER" "$fam" target "$n" parse $args
done <<EOT
-4 TARPIT
-4 TARPIT --tarpit
-4 TARPIT --honeypot
-4 TARPIT --reset
-6 TARPIT --honeypot
-4 TARPIT --tarpit --honeypot --reset
-4 TARPIT --foo
-4 TARPIT --tarpit=1
-4 DELUDE
-4 DELUDE --foo
-4 ECHO
-6 ECHO
-6 ECHO --foo
-4 CHAOS
-4 CHAOS --delude
-4 CHAOS --tarpit
-4 CHAOS --tarpit --delude
-4 CHAOS --delude --tarpit
-4 CHAOS --foo
EOT
# Rule data as a kernel holds it: every valid mode prints and saves as upstream's.
for hex in 00 01 02 0000000000000000 0100000000000000 02ffffffffffffff; do
	check "driver: TARPIT kernel data '$hex' identical to upstream" \
		same_as_upstream "$DRIVER" -4 target TARPIT data "$hex"
	check "driver: CHAOS kernel data '$hex' identical to upstream" \
		same_as_upstream "$DRIVER" -4 target CHAOS data "$hex"
done
for hex in "" 00 "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"; do
	for n in DELUDE ECHO; do
		check "driver: $n kernel data '${hex:0:8}' identical to upstream" \
			same_as_upstream "$DRIVER" -4 target $n data "$hex"
	done
done
# A mode no plugin writes (upstream's module accepts it): upstream saves nothing, which
# restores as another mode; ours says so, and restoring it fails.
check "TARPIT: an unknown mode from the kernel is shown, not saved as the default" \
	output_is $'print: -j TARPIT [unknown mode 3]|\nsave: [unknown mode 3]|' drive -4 target TARPIT data 03
check "CHAOS: an unknown variant from the kernel is shown, not saved as none" \
	output_is $'print: -j CHAOS [unknown variant 7]|\nsave: [unknown variant 7]|' drive -4 target CHAOS data 07

# --- refused by us, accepted by upstream (two modes: upstream keeps the last)
for args in "--tarpit --honeypot" "--honeypot --reset" "--reset --tarpit" "--honeypot --honeypot"; do
	check "driver: TARPIT '$args' refused with exit 2 (upstream: the last wins)" \
		exits 2 drive -4 target TARPIT parse $args
done
check "TARPIT: two modes: upstream's message" \
	fails_with 2 'TARPIT: only one action can be used at a time' drive -6 target TARPIT parse --reset --tarpit
check "TARPIT: a repeated mode: libxtables' message" \
	fails_with 2 'TARPIT: option "--honeypot" can only be used once' drive -4 target TARPIT parse --honeypot --honeypot
check "CHAOS: both options: upstream's message" \
	fails_with 2 'CHAOS: only one of --tarpit or --delude may be specified' drive -4 target CHAOS parse --delude --tarpit

# --- families
check "DELUDE serves ip6tables (upstream's plugin: IPv4 only)" \
	output_is $'print:(none)|\nsave:(none)|' drive -6 target DELUDE parse
check "upstream's DELUDE has no IPv6 registration" \
	fails_with 2 "Couldn't load target \`DELUDE'" env XTABLES_LIBDIR="$upstream" "$DRIVER" -6 target DELUDE help
check "CHAOS is IPv4 only, as upstream's" fails_with 2 "Couldn't load target \`CHAOS'" drive -6 target CHAOS help
for fam in -4 -6; do
	check "driver $fam: STEAL help, no print or save" output_is 'STEAL takes no options' drive $fam target STEAL help
	check "driver $fam: STEAL parses with no data" output_is $'print:(none)|\nsave:(none)|' drive $fam target STEAL parse
	check "driver $fam: STEAL refuses an option" fails_with 2 'unknown option "--foo"' drive $fam target STEAL parse --foo
done

# --- stock binaries load ours (legacy parses the whole rule before its lock file: exit 4;
# the nft tools ask the kernel first, so only --help shows what they loaded)
for bin in iptables-legacy ip6tables-legacy; do
	for rule in "-A INPUT -p tcp -j TARPIT --honeypot" "-A INPUT -p tcp -j DELUDE" \
		"-A INPUT -p udp -j ECHO" "-A OUTPUT -j STEAL"; do
		check "$bin $rule: parsed (exit 4 at the lock file)" exits 4 as_nobody "$ours_path" $bin $rule
	done
	check "$bin: two TARPIT modes refused, exit 2" fails_with 2 'only one action can be used at a time' \
		as_nobody "$ours_path" $bin -A INPUT -p tcp -j TARPIT --tarpit --reset
done
check "iptables-legacy -j CHAOS --tarpit: parsed" exits 4 as_nobody "$ours_path" iptables-legacy -A INPUT -j CHAOS --tarpit
for bin in iptables-legacy iptables-nft ip6tables-nft; do
	check "$bin -j TARPIT --help shows our help" \
		help_shows '^  --reset       Enable inline resets$' as_nobody "$ours_path" $bin -j TARPIT --help
done
check "arptables-nft -j STEAL --help shows our help" \
	help_shows '^STEAL takes no options$' as_nobody "$ours_path" arptables-nft -j STEAL --help

# --- odd input: always a clean exit 0 or 2, never a signal or a BUG line
long=$(head -c 100000 /dev/zero | tr '\0' x)
for n in TARPIT CHAOS DELUDE ECHO STEAL; do
	for args in "--foo" "!" "! --tarpit" "--tarpit x" "--$long" $'\xff'; do
		check "driver: $n odd argument '${args:0:12}' handled cleanly" survives drive -4 target $n parse $args
	done
done
command -v valgrind >/dev/null || setup_failed "valgrind not found (scripts/setup.sh installs it)"
for n in TARPIT CHAOS; do
	check "memcheck: $n parse, print, save" \
		exits 0 env XTABLES_LIBDIR="$ours" valgrind -q --error-exitcode=99 "$DRIVER" -4 target $n parse --tarpit
done

# --- man pages
for page in xt_TARPIT xt_DELUDE xt_ECHO xt_CHAOS xt_STEAL; do
	check "man8/$page.8 renders cleanly (man --warnings, groff -ww)" eval \
		'[ -z "$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$ROOT/man8/$page.8" 2>&1 >/dev/null)" ] &&
		 [ -z "$(groff -man -ww -z "$ROOT/man8/$page.8" 2>&1)" ]'
done
finish
