#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Turns the shim's post-LTO assembly (what `build-object.sh --asm` emits) into the object the
# kernel modules of KDIR link, with no Rust toolchain: rewrite what the module loader or KDIR's
# mitigations refuse (rewrite-asm.pl), assemble, keep only the xa_* functions global, and
# refuse the result unless check-object.sh accepts it.
#
#   shim/kernel/assemble-object.sh KDIR IN.s OUT.o
#
# build-object.sh runs it after cargo; the DKMS package runs it at module build time, so one
# assembly serves every kernel configuration. Needs perl and binutils.
set -euo pipefail

usage() { echo "usage: $0 KDIR IN.s OUT.o" >&2; exit 2; }
die() { echo "assemble-object.sh: $*" >&2; exit 1; }

[ $# -eq 3 ] || usage
kdir=$1
asm=$2
out=$3
here=$(cd "$(dirname "$0")" && pwd)
mapfile -t exports < <("$here/exports.sh")
[ ${#exports[@]} -gt 0 ] || die "no xa_* functions declared in kmod-c/include/xa_shim*.h"
panic_hook=xa_shim_panic
[ -r "$asm" ] || die "cannot read $asm"

config=
for f in "$kdir/include/config/auto.conf" "$kdir/.config"; do
	if [ -f "$f" ]; then config=$f; break; fi
done
[ -n "$config" ] || die "$kdir: no include/config/auto.conf or .config (not a configured kernel build dir)"
grep -qx 'CONFIG_X86_64=y' "$config" || die "$config: not an x86_64 kernel (the assembly is x86-64)"
rethunk=no
# Renamed CONFIG_MITIGATION_RETHUNK in Linux 6.9.
if grep -qE '^CONFIG_(MITIGATION_)?RETHUNK=y' "$config"; then rethunk=yes; fi
ibt=no
if grep -qE '^CONFIG_X86_KERNEL_IBT=y' "$config"; then ibt=yes; fi
padding=0
if grep -qE '^CONFIG_CALL_PADDING=y' "$config"; then
	padding=$(sed -n 's/^CONFIG_FUNCTION_PADDING_BYTES=\([0-9]*\)$/\1/p' "$config")
	[ -n "$padding" ] || die "$config: CONFIG_CALL_PADDING without CONFIG_FUNCTION_PADDING_BYTES"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rewrite_args=()
if [ "$rethunk" = yes ]; then rewrite_args+=(--rethunk); fi
if [ "$ibt" = yes ]; then rewrite_args+=(--ibt); fi
if [ "$padding" != 0 ]; then rewrite_args+=(--padding "$padding"); fi
perl "$here/rewrite-asm.pl" "${rewrite_args[@]}" "$asm" > "$work/core.s"
as --64 -o "$work/core.o" "$work/core.s"
printf '%s\n' "${exports[@]}" > "$work/exports"
mkdir -p "$(dirname "$out")"
objcopy --strip-debug --keep-global-symbols="$work/exports" \
	-R .eh_frame -R .rela.eh_frame -R .comment "$work/core.o" "$out"

# Proof of panic-freedom: after LTO no path may reach the panic handler.
if nm -u "$out" | grep -qw "$panic_hook"; then
	rm -f "$out"
	die "a panic path survived optimisation ($panic_hook is referenced); the object was removed"
fi
for fn in "${exports[@]}"; do
	nm "$out" | grep -qE "^[0-9a-f]+ T $fn\$" || { rm -f "$out"; die "$fn is not exported"; }
done
# Fit for a kernel module (instructions, relocations, symbols, stack use): every object made,
# by make, make KDIR=, the lab's private builds or DKMS, passes check-object.sh or is removed.
if ! "$here/check-object.sh" "$out" > "$work/check.log"; then
	cat "$work/check.log" >&2
	rm -f "$out"
	die "check-object.sh refused the object; it was removed"
fi
echo "assemble-object.sh: wrote $out (return thunk: $rethunk, IBT: $ibt, padding: $padding, per $config;" \
	"$(sed -n 's/^ *deepest call chain: \([0-9]*\) bytes.*/deepest call chain \1 bytes/p' "$work/check.log"))"
