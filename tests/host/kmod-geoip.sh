#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# xt_geoip, xt_asn and xa_rangedb as kbuild sees them: a W=1 build of a copy of kmod-c/ for
# KDIR (default: as the Makefile picks it) free of compiler, objtool and modpost warnings,
# small stack frames on the packet path and in the loader, upstream's module names and
# aliases, the dependencies and exports. Needs kmod-c/xa_shim_core.o (built by `make`).
# Behaviour in a running kernel: tests/vm/scenarios/geoip-*.sh.
. "$(dirname "$0")/lib.sh"

make_kdir=$(env -u KDIR make -s print-kdir)
KDIR=${KDIR:-$make_kdir}
[ -n "$KDIR" ] && [ -d "$KDIR" ] || setup_failed "no kernel build dir (install linux-headers or set KDIR)"
cp -r kmod-c/Kbuild kmod-c/*.[ch] kmod-c/include "$WORK/"
if [ "$(realpath "$KDIR")" = "$(realpath "$make_kdir")" ]; then
	[ -f kmod-c/xa_shim_core.o ] || setup_failed "kmod-c/xa_shim_core.o missing (run make first)"
	cp kmod-c/xa_shim_core.o "$WORK/"
else
	shim/kernel/build-object.sh "$KDIR" "$WORK/xa_shim_core.o" || setup_failed "shim object for $KDIR"
fi
if ! make -C "$KDIR" M="$WORK" W=1 KCFLAGS=-fstack-usage modules >"$WORK/build.log" 2>&1; then
	cat "$WORK/build.log"
	setup_failed "W=1 build against $KDIR"
fi
warnings=$(grep -iE 'warning|error' "$WORK/build.log" | grep -v 'Skipping BTF generation' |
	grep -E 'xa_rangedb|xt_geoip|xt_asn' || true)
if [ -z "$warnings" ]; then
	ok "W=1 build against $KDIR: no warnings in xa_rangedb, xt_geoip, xt_asn"
else
	printf '%s\n' "$warnings"
	ko "W=1 build against $KDIR: warnings"
fi

# frame FILE.su FUNCTION: the function's stack frame in bytes.
frame() { awk -F'\t' -v f="$2" '$1 ~ ":" f "$" {print $2}' "$WORK/$1"; }
for f in geoip_mt2 geoip_mt1; do
	n=$(frame xt_geoip.su $f)
	check "packet path $f: stack frame ${n:-?} bytes <= 512" test "${n:-99999}" -le 512
done
n=$(frame xt_asn.su asn_mt)
check "packet path asn_mt: stack frame ${n:-?} bytes <= 512" test "${n:-99999}" -le 512
n=$(frame xa_rangedb_load.su xa_rangedb_load)
check "loader xa_rangedb_load: stack frame ${n:-?} bytes <= 1024" test "${n:-99999}" -le 1024

mi() { modinfo -F "$1" "$WORK/$2"; }
for m in xt_geoip xt_asn xa_rangedb; do
	check "$m license GPL" test "$(mi license $m.ko)" = GPL
done
check "xt_geoip aliases ipt_geoip and ip6t_geoip" \
	test "$(mi alias xt_geoip.ko | sort | tr '\n' ' ')" = "ip6t_geoip ipt_geoip "
check "xt_asn aliases ipt_asn and ip6t_asn" test "$(mi alias xt_asn.ko | sort | tr '\n' ' ')" = "ip6t_asn ipt_asn "
for m in xt_geoip xt_asn; do
	check "$m depends on x_tables and xa_rangedb only" \
		test "$(mi depends $m.ko | tr ',' '\n' | sort | tr '\n' ' ')" = "x_tables xa_rangedb "
done
check "xa_rangedb depends on xa_shim only" test "$(mi depends xa_rangedb.ko)" = xa_shim
check "xa_rangedb parameter max_ranges" test "$(mi parm xa_rangedb.ko | cut -d: -f1)" = max_ranges
exports=$(awk '$3 ~ /xa_rangedb$/ {print $2 "/" $4}' "$WORK/Module.symvers" | sort | tr '\n' ' ')
check "xa_rangedb exports its API GPL-only" test "$exports" = "$(printf '%s/EXPORT_SYMBOL_GPL ' \
	xa_rangedb_get xa_rangedb_match xa_rangedb_net_exit xa_rangedb_net_init xa_rangedb_put \
	xa_rangedb_rule_check xa_rangedb_rule_match xa_rangedb_rule_put)"

finish
