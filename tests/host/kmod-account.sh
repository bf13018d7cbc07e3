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
if [ ! -f "$ours" ]; then
	ko "$ours missing (run make first)"
	finish
	exit 1
fi
mi() { modinfo -F "$1" "$2" | sort | tr '\n' ' '; }
check "license GPL" test "$(mi license $ours)" = "GPL "
check "aliases ip6t_ACCOUNT and ipt_ACCOUNT" test "$(mi alias $ours)" = "ip6t_ACCOUNT ipt_ACCOUNT "
check "depends on x_tables and xa_shim only" \
	test "$(modinfo -F depends $ours | tr ',' '\n' | sort | tr '\n' ' ')" = "x_tables xa_shim "
check "parameters ip6_max_addresses, max_tables_limit, netns_max_read_kb, netns_max_table_kb (uint)" \
	test "$(mi parmtype $ours)" = \
	"ip6_max_addresses:uint max_tables_limit:uint netns_max_read_kb:uint netns_max_table_kb:uint "
check "ip6_max_addresses documents its range and default" \
	grep -qxF 'ip6_max_addresses:maximum number of addresses per IPv6 table, 1..16777216 (default 65536) (uint)' \
	<(modinfo -F parm $ours)

# Upstream's module for the kernel ours was built for, if dkms installed it there.
kver=$(modinfo -F vermagic $ours | cut -d' ' -f1)
upstream=$(find "/lib/modules/$kver" /var/lib/dkms/xtables-addons -name 'xt_ACCOUNT.ko*' \
	-path "*$kver*" 2>/dev/null | grep -v "^$(realpath kmod-c)" | head -n 1)
if [ -n "$upstream" ]; then
	# Ours has upstream's, the IPv6 one and the namespace bounds.
	check "upstream's parameter names and types ($upstream) and ours" \
		test "$(modinfo -F parmtype $ours | grep -v -e '^ip6_max_addresses:' -e '^netns_max_' |
			sort | tr '\n' ' ')" = \
		"$(mi parmtype "$upstream")"
	check "upstream's aliases and ip6t_ACCOUNT" \
		test "$(modinfo -F alias $ours | grep -vx ip6t_ACCOUNT | sort | tr '\n' ' ')" = \
		"$(mi alias "$upstream")"
else
	ko "upstream's xt_ACCOUNT.ko for $kver not found (install xtables-addons-dkms)"
fi
finish
