#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# xt_ACCOUNT.ko as `make` built it in kmod-c/: upstream's module name, alias and parameter
# names (and those of upstream's own module, when dkms built it for the same kernel), plus
# our IPv6 ones (alias ip6t_ACCOUNT, parameter ip6_max_addresses) and the namespace bounds
# (netns_max_table_kb, netns_max_read_kb), GPL, depending on x_tables and xa_shim only.
# (tests/host/kmod-sysrq.sh builds every module of kmod-c/ with W=1; behaviour in a running
# kernel is tested by the QEMU lab, tests/vm.)
. "$(dirname "$0")/lib.sh"

ours=kmod-c/xt_ACCOUNT.ko
need_built $ours
check_module $ours "ip6t_ACCOUNT ipt_ACCOUNT" "x_tables xa_shim" \
	"ip6_max_addresses:uint max_tables_limit:uint netns_max_read_kb:uint netns_max_table_kb:uint"
check "ip6_max_addresses documents its range and default" \
	grep -qxF 'ip6_max_addresses:maximum number of addresses per IPv6 table, 1..16777216 (default 65536) (uint)' \
	<(modinfo -F parm $ours)

# Upstream's module for the kernel ours was built for, if dkms installed it there.
if upstream_module xt_ACCOUNT $ours; then
	# Ours has upstream's, the IPv6 one and the namespace bounds.
	check "upstream's parameter names and types ($UPSTREAM) and ours" \
		test "$(modinfo_words parmtype $ours | xargs -n1 | grep -v -e '^ip6_max_addresses:' -e '^netns_max_' | xargs)" = \
		"$(modinfo_words parmtype "$UPSTREAM")"
	check "upstream's aliases and ip6t_ACCOUNT" \
		test "$(modinfo_words alias $ours | xargs -n1 | grep -vx ip6t_ACCOUNT | xargs)" = \
		"$(modinfo_words alias "$UPSTREAM")"
fi
finish
