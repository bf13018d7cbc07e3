#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The kernel modules (kmod-c/) as kbuild sees them: a W=1 build of a copy of
# kmod-c/ for KDIR (default: as the Makefile picks it) must be free of
# compiler, sparse, objtool and modpost warnings, keep the softirq stack frame of the
# packet path small, and produce modules with upstream's names, aliases,
# parameters and dependencies. Needs kmod-c/xa_shim_core.o (built by `make`).
# Behaviour in a running kernel is tested by the QEMU lab (tests/vm).
. "$(dirname "$0")/lib.sh"

# The object in kmod-c/ is built by `make` for make's KDIR; for another KDIR build one here.
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
# sparse (C=1: every file compiled here) checks byte order (__be32), address spaces and the
# lock context annotations (__acquires/__releases/__must_hold). A job per core: sparse and W=1
# over every file, for two kernels (kmod-newer-kernel.sh), are minutes of make check.
if ! make -j"$(nproc)" -C "$KDIR" M="$WORK" W=1 C=1 CHECK=sparse KCFLAGS=-fstack-usage modules > "$WORK/build.log" 2>&1; then
	cat "$WORK/build.log"
	setup_failed "W=1 build against $KDIR"
fi
# BTF is skipped on header-only trees: that notice is not a warning about our code.
warnings=$(grep -iE 'warning|error' "$WORK/build.log" | grep -v 'Skipping BTF generation')
if [ -z "$warnings" ]; then
	ok "W=1 build against $KDIR: no compiler, sparse, objtool or modpost warnings"
else
	printf '%s\n' "$warnings"
	ko "W=1 build against $KDIR: warnings"
fi

# The packet path runs in softirq context with a 512-byte request buffer on the stack.
frame=$(awk -F'\t' '$1 ~ /:sysrq_process$/ {print $2}' "$WORK"/xt_SYSRQ_main.su)
check "sysrq_process stack frame ${frame:-?} bytes <= 1024" test "${frame:-99999}" -le 1024

check_module "$WORK/xt_SYSRQ.ko" "ip6t_SYSRQ ipt_SYSRQ" "x_tables xa_shim" "allow_netns debug hash password seqno"
check_module "$WORK/xa_shim.ko" "" "" ""
exports=$(module_exports xa_shim "$WORK/Module.symvers")
# The Rust core's functions (xa_shim*.h) and those of the shared C helpers linked into it
# (kmod-c/xa_*.c but the core's own files: xa_shim_main.c exports the Rust ones; and but
# xa_rangedb.ko's and xa_named.c, modules of their own).
c_helpers=$(ls kmod-c/xa_*.c | grep -v -e '^kmod-c/xa_shim_' -e '^kmod-c/xa_rangedb_' -e '^kmod-c/xa_named\.c$')
expected=$({ shim/kernel/exports.sh; sed -n 's/^EXPORT_SYMBOL_GPL(\(xa_[a-z0-9_]*\));$/\1/p' $c_helpers; } |
	sort | sed 's|$|/EXPORT_SYMBOL_GPL|' | xargs)
check "xa_shim exports the xa_* functions of xa_shim*.h and of the C helpers, GPL-only ($exports)" \
	test "$exports" = "$expected"
# Only the Rust object's exports and the kernel's own helpers may be undefined in the core
# and its self-test (the C helpers call the network stack: kmod-reply.sh checks them).
core=("$WORK"/xa_shim_main.o "$WORK"/xa_shim_selftest*.o "$WORK"/xa_shim_rust.o)
undef=$(comm -23 <(nm -u "${core[@]}" | awk 'NF == 2 {print $2}' | sort -u) \
	<(nm --defined-only "${core[@]}" | awk 'NF == 3 {print $3}' | sort -u) | tr '\n' ' ')
check "xa_shim's core needs only kernel helpers ($undef)" test -z \
	"$(printf '%s\n' $undef | grep -vxE '__fentry__|__stack_chk_fail|__x86_return_thunk|_printk|mem(cpy|set|move|cmp)|strlen')"
finish
