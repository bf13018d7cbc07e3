#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The reply targets' modules as `make` built them in kmod-c/ (xt_TARPIT, xt_DELUDE, xt_ECHO,
# xt_CHAOS, xt_STEAL): upstream's module names, aliases (ours add ip6t_DELUDE, STEAL's four
# families) and CHAOS's parameters (names, types, and upstream's defaults), GPL, their
# dependencies; and the shared C helpers they use in xa_shim.ko (kmod-c/xa_skb.c,
# kmod-c/xa_reply.c): W=1-clean on their own, with a bounded stack frame on the packet path.
# (tests/host/kmod-sysrq.sh builds every module with W=1; the lab, tests/vm, runs them.)
. "$(dirname "$0")/lib.sh"

need_built kmod-c/xt_{TARPIT,DELUDE,ECHO,CHAOS,STEAL}.ko
while read -r m aliases depends params; do
	check_module kmod-c/xt_$m.ko "${aliases//,/ }" "${depends//,/ }" "${params//,/ }"
done <<EOT
TARPIT ip6t_TARPIT,ipt_TARPIT x_tables,xa_shim
DELUDE ip6t_DELUDE,ipt_DELUDE x_tables,xa_shim
ECHO ip6t_ECHO,ipt_ECHO x_tables,xa_shim
CHAOS ipt_CHAOS nf_reject_ipv4,x_tables,xa_shim delude_percentage:uint,reject_percentage:uint
STEAL arpt_STEAL,ebt_STEAL,ip6t_STEAL,ipt_STEAL x_tables
EOT
# Upstream's modules (3.23) for the kernel ours were built for, when dkms installed them.
for m in TARPIT DELUDE ECHO CHAOS; do
	upstream_module xt_$m kmod-c/xt_$m.ko || continue
	up=$UPSTREAM
	check "xt_$m: upstream's aliases, ours a superset" \
		test -z "$(comm -23 <(modinfo -F alias "$up" | sort) <(modinfo -F alias kmod-c/xt_$m.ko | sort))"
	check "xt_$m: upstream's parameter names and types" \
		test "$(modinfo_words parmtype kmod-c/xt_$m.ko)" = "$(modinfo_words parmtype "$up")"
	check "xt_$m: upstream's description" \
		test "$(modinfo -F description kmod-c/xt_$m.ko)" = "$(modinfo -F description "$up")"
done

# CHAOS's defaults are upstream's ~0U * .01 and ~0U * .0101 (C double arithmetic, truncated).
cat >"$WORK/defaults.c" <<'C'
#include <stdio.h>
int main(void) { printf("%u %u\n", (unsigned int)(~0U * .01), (unsigned int)(~0U * .0101)); return 0; }
C
cc -o "$WORK/defaults" "$WORK/defaults.c" || setup_failed "cannot compile a C program"
check "xt_CHAOS: defaults are upstream's ($("$WORK/defaults"))" \
	test "$("$WORK/defaults")" = "$(sed -n 's/^static unsigned int \(reject\|delude\)_percentage = \([0-9]*\);$/\2/p' kmod-c/xt_CHAOS.c | tr '\n' ' ' | sed 's/ $//')"

# The shared helpers alone, W=1, with the packet path's stack frame measured.
make_kdir=$(env -u KDIR make -s print-kdir)
KDIR=${KDIR:-$make_kdir}
[ -n "$KDIR" ] && [ -d "$KDIR" ] || setup_failed "no kernel build dir (install linux-headers or set KDIR)"
cp -r kmod-c/Kbuild kmod-c/include kmod-c/xa_skb.c kmod-c/xa_reply.c "$WORK/"
if ! make -C "$KDIR" M="$WORK" W=1 KCFLAGS=-fstack-usage xa_skb.o xa_reply.o >"$WORK/build.log" 2>&1; then
	cat "$WORK/build.log"
	setup_failed "W=1 build of xa_skb.o and xa_reply.o against $KDIR"
fi
check "xa_skb.c and xa_reply.c: W=1 clean" test -z "$(grep -iE 'warning|error' "$WORK/build.log")"
# Runs in softirq context for every answered packet, with the header window on the stack.
frame=$(awk -F'\t' '$1 ~ /:xa_reply$/ {print $2}' "$WORK/xa_reply.su")
check "xa_reply stack frame ${frame:-?} bytes <= 768" test "${frame:-99999}" -le 768
finish
