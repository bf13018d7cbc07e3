#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The reply targets' plugins on the host (libxt_ECHO, libxt_STEAL): help, print and save
# identical to upstream's 3.23 plugin through libxtables, also on arbitrary kernel data;
# families (STEAL: every family); stock iptables loads them; no crash on odd input; the man
# pages render. Rule insertion needs the kernel modules: tests/vm/scenarios/reply-*.sh do that.
. "$(dirname "$0")/../plugin/lib.sh"

names="ECHO STEAL"
packages=$(for n in $names; do printf -- '-p xt_%s ' "$n"; done)
# shellcheck disable=SC2086 # one option per word
cargo build --release --quiet $packages || setup_failed "cargo build of the reply plugins failed"
sos=$(for n in $names; do echo "$ROOT/target/release/libxt_$n.so"; done)
# shellcheck disable=SC2086
ours=$(plugin_dir ours $sos)
# shellcheck disable=SC2046
upstream=$(plugin_dir upstream $(for n in ECHO; do echo "$UPSTREAM_XTLIBDIR/libxt_$n.so"; done))
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

# --- identical to upstream through libxtables
check "driver: ECHO help identical to upstream" same_as_upstream "$DRIVER" -4 target ECHO help
for args in "-4" "-6" "-6 --foo"; do
	check "driver $args: ECHO identical to upstream (text and exit status)" \
		same_as_upstream "$DRIVER" ${args%% *} target ECHO parse ${args#-?}
done
# Rule data as a kernel holds it (none, or bytes no plugin writes).
for hex in "" 00 "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"; do
	check "driver: ECHO kernel data '${hex:0:8}' identical to upstream" \
		same_as_upstream "$DRIVER" -4 target ECHO data "$hex"
done

# --- families
for fam in -4 -6; do
	check "driver $fam: STEAL help, no print or save" output_is 'STEAL takes no options' drive $fam target STEAL help
	check "driver $fam: STEAL parses with no data" output_is $'print:(none)|\nsave:(none)|' drive $fam target STEAL parse
	check "driver $fam: STEAL refuses an option" fails_with 2 'unknown option "--foo"' drive $fam target STEAL parse --foo
done

# --- stock binaries load ours (legacy parses the whole rule before its lock file: exit 4;
# the nft tools ask the kernel first, so only --help shows what they loaded)
for bin in iptables-legacy ip6tables-legacy; do
	for rule in "-A INPUT -p udp -j ECHO" "-A OUTPUT -j STEAL"; do
		check "$bin $rule: parsed (exit 4 at the lock file)" exits 4 as_nobody "$ours_path" $bin $rule
	done
done
for bin in iptables-nft ip6tables-nft arptables-nft; do
	check "$bin -j STEAL --help shows our help" \
		help_shows '^STEAL takes no options$' as_nobody "$ours_path" $bin -j STEAL --help
done

# --- odd input: always a clean exit 0 or 2, never a signal or a BUG line
long=$(head -c 100000 /dev/zero | tr '\0' x)
for n in ECHO STEAL; do
	for args in "--foo" "!" "! --tarpit" "--tarpit x" "--$long" $'\xff'; do
		check "driver: $n odd argument '${args:0:12}' handled cleanly" survives drive -4 target $n parse $args
	done
done

# --- man pages
for page in xt_ECHO xt_STEAL; do
	check "man8/$page.8 renders cleanly (man --warnings, groff -ww)" eval \
		'[ -z "$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$ROOT/man8/$page.8" 2>&1 >/dev/null)" ] &&
		 [ -z "$(groff -man -ww -z "$ROOT/man8/$page.8" 2>&1)" ]'
done
finish
