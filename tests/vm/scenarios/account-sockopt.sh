#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=account smp=2 timeout=150 needs=upstream-modules
# xt_ACCOUNT's socket options with wrong arguments (accsockopt issues them one at a time), our
# module and upstream's where they agree: buffer one byte short for table names and records,
# record length below the handle, handle numbers out of range or unused, all 10 handles in use
# then the 11th, HANDLE_FREE with a wrong length, FREE_ALL, an unterminated or unknown table
# name, a negative length, and every option without CAP_NET_ADMIN: each refused with the
# errno below and nothing else changed; the good calls around them still work.
. /vm/lib.sh
BE=$ONE_BACKEND

# is WHAT EXPECTED ARGS...: accsockopt ARGS prints EXPECTED.
is() {
	local what=$1 want=$2
	shift 2
	echo "+ accsockopt $*"
	check_eq "$T: $what" "$want" "$(accsockopt "$@")"
}

for MOD in ours upstream; do
	T=$MOD
	acc_reset
	use_plugins upstream || continue
	load_module $MOD xt_ACCOUNT || { fail "$T: load xt_ACCOUNT"; continue; }
	check "$T: rules for tables lo and all2" ipt -A INPUT -p udp -j ACCOUNT --addr 127.0.0.0/24 --tname lo
	ipt -A INPUT -p udp -j ACCOUNT --addr 0.0.0.0/0 --tname all2
	rawudp -s 127.0.0.2 -d 127.0.0.1 -m x -n 2
	# Loopback may deliver them after rawudp returned: lo counts each as source and destination.
	wait_at_least 4 acc_packets lo

	is "names in exactly 9 bytes" "ok names lo all2" names 9
	is "names: one byte short" "error ENOMEM" names 8
	is "prepare lo: 2 addresses" "ok handle 0 items 2" prepare lo
	is "data: 80 bytes hold both records" "ok" data 0 80
	is "data: one byte short" "error ENOMEM" data 0 79
	is "data: handle 10" "error EINVAL" data 10 4096
	is "data: handle 2^32-1" "error EINVAL" data 4294967295 4096
	for i in 1 2 3 4 5 6 7 8 9; do
		accsockopt prepare lo >/dev/null
	done
	is "10 handles in use" "ok usage 10" usage
	is "free: argument 39 bytes" "error EINVAL" free 3 39
	is "free: handle 10" "error EINVAL" free 10
	is "free handle 3" "ok" free 3
	is "9 handles in use" "ok usage 9" usage
	is "free all" "ok" freeall
	is "no handle in use" "ok usage 0" usage
	check "$T: rule for a table with a 31-character name" \
		ipt -A INPUT -p udp -j ACCOUNT --addr 10.0.0.0/8 --tname aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	is "prepare: 31-character name" "ok handle 0 items 0" prepare aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	accsockopt freeall >/dev/null
	is "prepare: unterminated 32-byte name (not the 31-character table)" "error EINVAL" \
		prepare aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	is "prepare: unknown table" "error EINVAL" prepare nosuch
	is "prepare and flush lo" "ok handle 0 items 2" prepare lo flush
	is "lo is empty after the flush" "ok handle 1 items 0" prepare lo
	is "data of an empty snapshot" "ok" data 1 40
	is "no CAP_NET_ADMIN: usage" "error EPERM" -u usage
	is "no CAP_NET_ADMIN: prepare" "error EPERM" -u prepare lo
	is "no CAP_NET_ADMIN: free all" "error EPERM" -u freeall
	is "handles untouched by the refused calls" "ok usage 2" usage
	accsockopt freeall >/dev/null
	[ $MOD = ours ] || continue
	# Upstream differs: EPERM (its -1) for an unused handle; EINVAL for an 11th handle;
	# it takes a negative length as a huge one.
	is "data: unused handle 5" "error EINVAL" data 5 4096
	is "data: length below the handle struct" "error EINVAL" data 0 39
	for i in 0 1 2 3 4 5 6 7 8 9; do
		accsockopt prepare lo >/dev/null
	done
	is "11th handle" "error EBUSY" prepare lo
	is "negative length" "error EINVAL" getlen 74 4294967295
	accsockopt freeall >/dev/null
done
acc_reset
finish
