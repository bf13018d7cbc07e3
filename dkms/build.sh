#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# DKMS's build command for xtables-addons-rs (dkms.conf's MAKE), run in the DKMS build tree
# that dkms/make-source.sh laid out: no Rust toolchain needed. The shim ships as rustc's post-LTO
# assembly; here it is rewritten for this kernel's configuration (return thunks, IBT landing
# pads, call padding), assembled, and checked like `make check` checks it, then kbuild builds
# every module in kmod-c/ against it.
#
#   sh dkms-build.sh KERNEL_SOURCE_DIR
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 KERNEL_SOURCE_DIR" >&2; exit 2; }
kdir=$1
cd "$(dirname "$0")"
for tool in perl as objcopy objdump readelf nm make; do
	command -v "$tool" >/dev/null || { echo "dkms-build.sh: $tool not found" >&2; exit 1; }
done
# assemble-object.sh runs check-object.sh on what it made.
shim/kernel/assemble-object.sh "$kdir" shim/kernel/xa_shim_core.s kmod-c/xa_shim_core.o
make -C "$kdir" M="$PWD/kmod-c" modules
