#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# xt_ACCOUNT.ko as `make` built it in kmod-c/: upstream's module name, alias and parameter
# names (and those of upstream's own module, when dkms built it for the same kernel), GPL,
# depending on x_tables and xa_shim only. (tests/host/kmod-sysrq.sh builds every module of
# kmod-c/ with W=1; behaviour in a running kernel is tested by the QEMU lab, tests/vm.)
. "$(dirname "$0")/lib.sh"

ours=kmod-c/xt_ACCOUNT.ko
if [ ! -f "$ours" ]; then
	ko "$ours missing (run make first)"
	finish
	exit 1
fi
mi() { modinfo -F "$1" "$2" | sort | tr '\n' ' '; }
check "license GPL" test "$(mi license $ours)" = "GPL "
check "alias ipt_ACCOUNT" test "$(mi alias $ours)" = "ipt_ACCOUNT "
check "depends on x_tables and xa_shim only" \
	test "$(modinfo -F depends $ours | tr ',' '\n' | sort | tr '\n' ' ')" = "x_tables xa_shim "
check "one parameter, max_tables_limit (uint)" test "$(mi parmtype $ours)" = "max_tables_limit:uint "

# Upstream's module for the kernel ours was built for, if dkms installed it there.
kver=$(modinfo -F vermagic $ours | cut -d' ' -f1)
upstream=$(find "/lib/modules/$kver" /var/lib/dkms/xtables-addons -name 'xt_ACCOUNT.ko*' \
	-path "*$kver*" 2>/dev/null | grep -v "^$(realpath kmod-c)" | head -n 1)
if [ -n "$upstream" ]; then
	check "same parameter names and types as upstream's $upstream" \
		test "$(mi parmtype $ours)" = "$(mi parmtype "$upstream")"
	check "same aliases as upstream's" test "$(mi alias $ours)" = "$(mi alias "$upstream")"
else
	ko "upstream's xt_ACCOUNT.ko for $kver not found (install xtables-addons-dkms)"
fi
finish
