#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs a command in a chroot made by scripts/make-chroot.sh, with /proc mounted (objtool reads
# it) and the repository bind-mounted at its own path, so paths are the same inside and out:
#
#   scripts/in-chroot.sh DIR COMMAND [ARG...]
#
# The mounts live in a private mount namespace: they vanish with the command, however it ends.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 DIR COMMAND [ARG...]" >&2; exit 2; }
dir=$(cd "$1" && pwd)
shift
repo=$(cd "$(dirname "$0")/.." && pwd)
[ -e "$dir/.debootstrapped" ] || { echo "in-chroot.sh: $dir is not a chroot made by make-chroot.sh" >&2; exit 1; }
mkdir -p "$dir$repo"
exec unshare --mount --propagation private -- /bin/sh -euc '
	dir=$1 repo=$2 cwd=$3
	shift 3
	mount -t proc proc "$dir/proc"
	mount --bind "$repo" "$dir$repo"
	exec chroot "$dir" /bin/sh -c "cd \"\$0\" 2>/dev/null || cd /; exec \"\$@\"" "$cwd" "$@"
' in-chroot "$dir" "$repo" "$PWD" "$@"
