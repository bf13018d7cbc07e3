#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=main smp=1 timeout=120
# Every module of kmod-c/Kbuild is in the image (make's build, or what DKMS built for the
# packaging test), loads with its dependencies and unloads again: a module built wrong for
# this kernel (unresolved symbol, bad vermagic, failing init) or left out of the build fails
# here, also where no other scenario of the run loads it.
. /vm/lib.sh

lab_reset
expected=$(cat /opt/ours/modules)
check "the image names the modules kmod-c/Kbuild builds" test -n "$expected"
for m in $expected; do
	if [ ! -e "/opt/ours/mod/$m.ko" ]; then
		fail "$m: not built"
		continue
	fi
	load_module ours "$m" && loaded "$m" && pass "$m: loads" || fail "$m: does not load"
done
lab_reset
check_eq "all unload again" "" \
	"$(for m in $expected; do ! loaded "$m" || echo "$m"; done | tr '\n' ' ' | sed 's/ $//')"
finish
