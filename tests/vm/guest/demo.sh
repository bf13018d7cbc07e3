#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The live SYSRQ demo (make demo): stock iptables inserts a -j SYSRQ rule through our plugin,
# send_sysrq sends an authenticated request, the kernel handles it, a replay is refused.
. /vm/lib.sh

say() { printf '\n## %s\n' "$*"; }
show() {
	echo "guest# $*"
	"$@"
}
iptables_default() { /usr/sbin/iptables -w "$@"; }
# new_kernel_lines: the kernel log since the last log_mark, without the mark itself.
new_kernel_lines() { log_since | sed 1d | cut -c1-110; }

say "Load our modules (xa_shim: the Rust core; xt_SYSRQ: the target) and set the password"
load_module ours xt_SYSRQ >/dev/null || { fail "cannot load our xt_SYSRQ"; finish; exit; }
show lsmod | grep -E '^(xt_SYSRQ|xa_shim) ' | cut -c1-40
printf '%s' "$SYSRQ_PW" >$SYSRQ_PARAMS/password
echo "guest# printf '%s' '$SYSRQ_PW' > $SYSRQ_PARAMS/password"
echo 1 >$SYSRQ_PARAMS/debug
echo "guest# echo 1 > $SYSRQ_PARAMS/debug      (log why requests are refused)"
use_plugins ours || { finish; exit; }

say "Insert the rule with stock iptables ($(readlink /usr/sbin/iptables)), our libxt_SYSRQ.so"
show iptables -A INPUT -p udp --dport 9 -j SYSRQ || fail "rule insert"
show iptables-save | rules_of

say "A listener on UDP port 9 captures what send_sysrq puts on the wire (for the replay below)"
/usr/bin/socat -u UDP4-RECV:9 OPEN:/tmp/request,creat &
listener=$!
tries=0
while ! netstat -uln | grep -q ':9 ' && [ $tries -lt 50 ]; do
	usleep 200000
	tries=$((tries + 1))
done

say "send_sysrq sends a request for SysRq 'h' (help) to 127.0.0.1"
log_mark
echo "guest# SYSRQ_PASSWORD=... send_sysrq -v 127.0.0.1 h"
SYSRQ_PASSWORD=$SYSRQ_PW send_sysrq -v --state-dir /tmp/send_sysrq 127.0.0.1 h
wait_rule_packets iptables_default 1
usleep 300000
echo "guest# dmesg    (new lines)"
new_kernel_lines
expect_handled "the request from send_sysrq is handled" 1
kill "$listener" 2>/dev/null
echo "captured request: $(cat /tmp/request)"
check "the request was captured" [ -s /tmp/request ]

say "Replay the captured request, byte for byte"
log_mark
echo "guest# rawudp -s 127.0.0.2 -d 127.0.0.1 -f /tmp/request"
rawudp -s 127.0.0.2 -d 127.0.0.1 -f /tmp/request
wait_rule_packets iptables_default 2
usleep 300000
echo "guest# dmesg    (new lines)"
new_kernel_lines
expect_handled "the replayed request is refused" 0
check "the rule saw both datagrams" [ "$(rule_packets iptables_default)" = 2 ]
finish
