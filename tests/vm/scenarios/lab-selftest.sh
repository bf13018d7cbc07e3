#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# xavm: boot=main smp=1 timeout=60
# The lab's own tools work: SysRq is enabled, and rawudp's datagrams (any source, a wrong UDP
# length field, file mode with repeats, IPv4 and IPv6) reach the INPUT chain of both backends.
. /vm/lib.sh
lab_reset
check_eq "kernel.sysrq is 1" 1 "$(cat /proc/sys/kernel/sysrq)"
printf 'one\ntwo\nthree\n' >/tmp/three-lines
count() { "$1" -L INPUT -v -x -n | awk '$3 == "ACCEPT" { print $1; exit }'; }
for BE in $BACKENDS; do
	lab_reset
	check "$BE: IPv4 counting rule" ipt -A INPUT -s 127.0.0.9 -p udp --dport 9 -j ACCEPT
	check "$BE: IPv6 counting rule" ip6t -A INPUT -s ::1 -p udp --dport 9 -j ACCEPT
	rawudp -s 127.0.0.9 -d 127.0.0.1 -m hello -n 5
	rawudp -s 127.0.0.9 -d 127.0.0.1 -x 00ff2c -l 3
	rawudp -s 127.0.0.9 -d 127.0.0.1 -m hello -l 65535
	rawudp -s 127.0.0.9 -d 127.0.0.1 -f /tmp/three-lines -n 2
	check_eq "$BE: IPv4 datagrams from 127.0.0.9 (good and bad UDP length, file mode) seen" 13 "$(count ipt)"
	rawudp -6 -s ::1 -d ::1 -m hello -n 3
	rawudp -6 -s ::1 -d ::1 -m hello -l 1
	check_eq "$BE: IPv6 datagrams (good and bad UDP length) seen" 4 "$(count ip6t)"
done
check_fails "rawudp refuses an odd hex payload" rawudp -s 127.0.0.9 -d 127.0.0.1 -x abc
lab_reset
log_mark
check "xa_shim loads" load_module ours xa_shim
passed=$(log_since | sed -n 's/.*xa_shim: self-test passed: //p')
log_since | grep 'xa_shim: self-test'
check_eq "xa_shim self-test passed for every family of exports" \
	"SYSRQ sha1 sha224 sha256 sha384 sha512; pknock knock and SPA; ACCOUNT IPv6 with SipHash-2-4; ACCOUNT IPv4; UDP payloads; replies TARPIT DELUDE ECHO; geoip unions and lookups" \
	"$passed"
lab_reset
finish
