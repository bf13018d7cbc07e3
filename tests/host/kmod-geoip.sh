#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# xt_geoip.ko, xt_asn.ko and xa_rangedb.ko as `make` built them in kmod-c/: upstream's module
# names and aliases, GPL, the dependencies (the matches on x_tables and xa_rangedb, which alone
# uses xa_shim), the max_ranges parameter, xa_rangedb's exports. (tests/host/kmod-sysrq.sh
# builds every module of kmod-c/ with W=1, kmod-newer-kernel.sh on the newer kernel too;
# behaviour in a running kernel is tested by the QEMU lab, tests/vm/scenarios/geoip-*.sh.)
. "$(dirname "$0")/lib.sh"

for m in xt_geoip xt_asn xa_rangedb; do
	[ -f kmod-c/$m.ko ] || setup_failed "kmod-c/$m.ko missing (run make first)"
done
mi() { modinfo -F "$1" "kmod-c/$2.ko" | sort | tr '\n' ' '; }
for m in xt_geoip xt_asn xa_rangedb; do
	check "$m license GPL" test "$(mi license $m)" = "GPL "
done
check "xt_geoip aliases ip6t_geoip and ipt_geoip" test "$(mi alias xt_geoip)" = "ip6t_geoip ipt_geoip "
check "xt_asn aliases ip6t_asn and ipt_asn" test "$(mi alias xt_asn)" = "ip6t_asn ipt_asn "
for m in xt_geoip xt_asn; do
	check "$m depends on x_tables and xa_rangedb only" \
		test "$(modinfo -F depends kmod-c/$m.ko | tr ',' '\n' | sort | tr '\n' ' ')" = "x_tables xa_rangedb "
done
check "xa_rangedb depends on xa_shim only" test "$(modinfo -F depends kmod-c/xa_rangedb.ko)" = xa_shim
check "xa_rangedb parameter max_ranges" test "$(mi parm xa_rangedb | cut -d: -f1)" = max_ranges
[ -f kmod-c/Module.symvers ] || setup_failed "kmod-c/Module.symvers missing (run make first)"
exports=$(awk '$3 ~ /xa_rangedb$/ {print $2 "/" $4}' kmod-c/Module.symvers | sort | tr '\n' ' ')
check "xa_rangedb exports its API GPL-only" test "$exports" = "$(printf '%s/EXPORT_SYMBOL_GPL ' \
	xa_rangedb_get xa_rangedb_match xa_rangedb_net_exit xa_rangedb_net_init xa_rangedb_put \
	xa_rangedb_rule_check xa_rangedb_rule_match xa_rangedb_rule_put)"

finish
