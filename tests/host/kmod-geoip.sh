#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# xt_geoip.ko, xt_asn.ko and xa_rangedb.ko as `make` built them in kmod-c/: upstream's module
# names and aliases, GPL, the dependencies (the matches on x_tables and xa_rangedb, which alone
# uses xa_shim), the max_ranges parameter, xa_rangedb's exports. (tests/host/kmod-sysrq.sh
# builds every module of kmod-c/ with W=1, kmod-newer-kernel.sh on the newer kernel too;
# behaviour in a running kernel is tested by the QEMU lab, tests/vm/scenarios/geoip-*.sh.)
. "$(dirname "$0")/lib.sh"

need_built kmod-c/xt_geoip.ko kmod-c/xt_asn.ko kmod-c/xa_rangedb.ko kmod-c/Module.symvers
check_module kmod-c/xt_geoip.ko "ip6t_geoip ipt_geoip" "x_tables xa_rangedb" ""
check_module kmod-c/xt_asn.ko "ip6t_asn ipt_asn" "x_tables xa_rangedb" ""
check_module kmod-c/xa_rangedb.ko "" "xa_shim" "max_ranges"
check "xa_rangedb exports its API GPL-only" test "$(module_exports xa_rangedb)" = "$(printf '%s/EXPORT_SYMBOL_GPL\n' \
	xa_rangedb_get xa_rangedb_match xa_rangedb_net_exit xa_rangedb_net_init xa_rangedb_put \
	xa_rangedb_rule_check xa_rangedb_rule_match xa_rangedb_rule_put | xargs)"

finish
