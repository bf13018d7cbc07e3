# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# kbuild on the host or in the chroot of the kernel's suite; sourced by build-modules.sh and
# build-upstream-modules.sh, which take "[--chroot CHROOT]" first.

# kbuild_options ARGS...: reads a leading "--chroot CHROOT" into kbuild_chroot (absolute path,
# empty without) and the number of arguments it took into kbuild_shift.
kbuild_options() {
	kbuild_chroot=
	kbuild_shift=0
	[ "${1:-}" = --chroot ] || return 0
	[ $# -ge 2 ] || usage
	kbuild_chroot=$(cd "$2" && pwd) || die "no chroot $2"
	kbuild_shift=2
}

# kbuild_make ARGS...: make ARGS where the kernel's compiler is, a job per core (kbuild compiles
# each file apart: make test builds for three kernels).
kbuild_make() {
	if [ -n "$kbuild_chroot" ]; then
		"$(dirname "${BASH_SOURCE[0]}")/in-chroot.sh" "$kbuild_chroot" make -j"$(nproc)" "$@"
	else
		make -j"$(nproc)" "$@"
	fi
}
