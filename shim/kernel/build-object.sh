#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the shim as a relocatable object for the kernel modules of KDIR, or only its post-LTO
# assembly (what the DKMS package ships: assemble-object.sh makes the object from it):
#
#   shim/kernel/build-object.sh KDIR OUT.o
#   shim/kernel/build-object.sh --asm OUT.s
#
# Only the x86_64-unknown-linux-gnu target (no rust-src) is available, so: fat LTO into one
# module and emit its assembly; assemble-object.sh then rewrites what the module loader or the
# kernel's mitigations refuse (GOT-relative calls, plain `ret` on CONFIG_RETHUNK kernels),
# assembles, keeps only the xa_* functions global.
# See docs/notes/rust-object-in-kmod.md for why each step exists.
set -euo pipefail

usage() { echo "usage: $0 KDIR OUT.o | --asm OUT.s" >&2; exit 2; }
die() { echo "build-object.sh: $*" >&2; exit 1; }

[ $# -eq 2 ] || usage
here=$(cd "$(dirname "$0")" && pwd)
target=x86_64-unknown-linux-gnu
target_dir=$here/target
[ "$(uname -m)" = x86_64 ] || die "only x86_64 is supported (host is $(uname -m))"

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

# One run at a time per target directory (make test builds the package's assembly beside make
# check's objects): another run's clean below would take this one's assembly away.
mkdir -p "$target_dir"
exec 9>"$target_dir/.build-object.lock"
flock 9

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

if [ "$1" = --asm ]; then
	mkdir -p "$(dirname "$2")"
	cp "${asm[0]}" "$2"
	echo "build-object.sh: wrote $2 (post-LTO assembly, before the per-kernel rewrites)"
else
	"$here/assemble-object.sh" "$1" "${asm[0]}" "$2" | sed 's/^assemble-object.sh/build-object.sh/'
fi
