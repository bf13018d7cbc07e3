#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Prints the functions the kernel object exports: every xa_* function declared
# in kmod-c/include/xa_shim*.h, one per line, sorted. The header is the one
# list; build-object.sh and check-object.sh both read it from here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sed -nE 's/^[a-z_][a-z0-9_ ]*[ *](xa_[a-z0-9_]+)\(.*/\1/p' "$here"/../../kmod-c/include/xa_shim*.h | sort -u
