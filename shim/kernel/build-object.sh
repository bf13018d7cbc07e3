#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the shim as a relocatable object for the kernel modules of KDIR.
#
#   shim/kernel/build-object.sh KDIR OUT.o
#
# Only the x86_64-unknown-linux-gnu target (no rust-src) is available, so:
# fat LTO into one module, emit its assembly, rewrite what the module loader
# or the kernel's mitigations refuse (GOT-relative calls, plain `ret` on
# CONFIG_RETHUNK kernels), assemble, keep only the xa_* functions global.
# See /work/shared/notes/rust-object-in-kmod.md for why each step exists.
set -euo pipefail

usage() { echo "usage: $0 KDIR OUT.o" >&2; exit 2; }
die() { echo "build-object.sh: $*" >&2; exit 1; }

[ $# -eq 2 ] || usage
kdir=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
target=x86_64-unknown-linux-gnu
target_dir=$here/target
mapfile -t exports < <("$here/exports.sh")
[ ${#exports[@]} -gt 0 ] || die "no xa_* functions declared in kmod-c/include/xa_shim*.h"
panic_hook=xa_shim_panic

[ "$(uname -m)" = x86_64 ] || die "only x86_64 is supported (host is $(uname -m))"
config=
for f in "$kdir/include/config/auto.conf" "$kdir/.config"; do
	if [ -f "$f" ]; then config=$f; break; fi
done
[ -n "$config" ] || die "$kdir: no include/config/auto.conf or .config (not a configured kernel build dir)"
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

# Kernel code generation. Passed through RUSTFLAGS with an explicit --target so
# they apply to every crate of the object but not to build scripts.
# The *_backend="soft" cfgs keep the SHA-NI code (which enables its own target
# features despite -sse) out. Disabling sse2 draws a "future hard error"
# warning from rustc: harmless while no float crosses the C boundary.
# No machine LICM: it hoists GOT loads of memcpy into registers,
# leaving indirect calls rewrite-asm.pl could not prove direct.
export RUSTFLAGS="-C code-model=kernel -C relocation-model=static -C no-redzone=yes \
-C relro-level=off -C force-unwind-tables=no -C jump-tables=no -C symbol-mangling-version=v0 \
-C target-feature=-sse,-sse2,-avx,-avx2,+harden-sls-ret,+harden-sls-ijmp \
--cfg sha1_backend=\"soft\" --cfg sha2_backend=\"soft\" \
-C llvm-args=-disable-machine-licm"
unset CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS
cargo_args=(--manifest-path "$here/Cargo.toml" --release --target "$target" --target-dir "$target_dir")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# cargo does not re-emit the assembly of a crate it considers fresh.
cargo clean "${cargo_args[@]}" --package xa-shim-kernel --quiet
# The log is shown only on failure: every crate repeats the expected sse2 warnings.
if ! cargo rustc "${cargo_args[@]}" --lib -- --emit=asm 2> "$work/cargo.log"; then
	cat "$work/cargo.log" >&2
	die "cargo failed"
fi
shopt -s nullglob
asm=("$target_dir/$target/release/deps/"xa_shim_kernel-*.s)
[ ${#asm[@]} -eq 1 ] || die "expected one post-LTO assembly file, found ${#asm[@]}"

rewrite_args=()
if [ "$rethunk" = yes ]; then rewrite_args+=(--rethunk); fi
if [ "$ibt" = yes ]; then rewrite_args+=(--ibt); fi
if [ "$padding" != 0 ]; then rewrite_args+=(--padding "$padding"); fi
perl "$here/rewrite-asm.pl" "${rewrite_args[@]}" "${asm[0]}" > "$work/core.s"
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
echo "build-object.sh: wrote $out (return thunk: $rethunk, IBT: $ibt, padding: $padding, per $config)"
