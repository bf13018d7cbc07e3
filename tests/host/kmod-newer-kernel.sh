#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The modules must keep building on newer kernels: the same W=1, objtool and modinfo
# checks as kmod-sysrq.sh against Debian's newest backports headers (6.12 when written:
# 6.9 renamed the return-thunk option, IBT wants endbr64 on exported functions,
# call padding precedes every function), unpacked privately, not installed.
set -u
cd "$(dirname "$0")/../.."
headers=target/kernel-headers/bookworm-backports
if ! kdir=$(scripts/fetch-kernel-headers.sh bookworm-backports "$headers" | tail -n 1); then
	echo "FAIL could not fetch the bookworm-backports kernel headers"
	echo "0 passed, 1 failed"
	exit 1
fi
KDIR=$(realpath "$kdir") exec bash tests/host/kmod-sysrq.sh
