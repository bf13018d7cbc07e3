#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# pknock-knock and pknlusr on the host: SPA payloads against an independent Python HMAC,
# datagrams and knocks really sent to loopback listeners (order, source address), usage
# errors; pknlusr against upstream's /usr/sbin/pknlusr on connector messages sent by a
# Python netlink sender (root may multicast on NETLINK_CONNECTOR), and its argument errors.
. "$(dirname "$0")/../plugin/lib.sh"

cargo build --release --quiet -p pknock-tools -p knockd || setup_failed "cargo build -p pknock-tools -p knockd failed"
KNOCK=$ROOT/target/release/pknock-knock
# knockd's client, which sends the same SPA datagram with --secret/--secret-file.
KNOCKD_KNOCK=$ROOT/target/release/knock
PKNLUSR=$ROOT/target/release/pknlusr
UPSTREAM_PKNLUSR=/usr/sbin/pknlusr
[ -x "$UPSTREAM_PKNLUSR" ] || setup_failed "upstream pknlusr missing (xtables-addons-common)"
for tool in $PY stdbuf timeout; do
	command -v $tool >/dev/null || setup_failed "$tool not found"
done

# hmac_hex SECRET ADDR SECONDS: the 64 hex digits, computed independently of our code.
hmac_hex() {
	"$PY" -c '
import hashlib, hmac, ipaddress, struct, sys
secret, addr, now = sys.argv[1].encode(), ipaddress.ip_address(sys.argv[2]).packed, int(sys.argv[3])
print(hmac.new(secret, addr + struct.pack("<I", now // 60), hashlib.sha256).hexdigest())' "$@"
}

# --- dry-run payloads: 64 hex digits of the HMAC and a newline, 65 bytes
for secret in s3cret x "0123456789012345678901234567890" 'sp ace!"'; do
	for at in 0 59 60 1700000000 4294967295; do
		check "dry-run IPv4 '$secret' at $at = Python's HMAC" \
			output_is "$(hmac_hex "$secret" 127.0.0.1 $at)" "$KNOCK" -n --secret "$secret" --at $at 127.0.0.1 4000
	done
	check "dry-run IPv6 '$secret' = Python's HMAC over 16 bytes" \
		output_is "$(hmac_hex "$secret" ::1 1700000000)" "$KNOCK" -n --secret "$secret" --at 1700000000 ::1 4000
	check "dry-run from -s 127.0.0.2: HMAC over that address" \
		output_is "$(hmac_hex "$secret" 127.0.0.2 1700000000)" "$KNOCK" -n -s 127.0.0.2 --secret "$secret" --at 1700000000 localhost 1
done
payload_hex=$("$KNOCK" -n --secret a 127.0.0.1 1 | od -An -tx1 | tr -d ' \n')
check "dry-run payload is 65 bytes ending in a newline" \
	test "${#payload_hex}" = 130 -a "${payload_hex:128}" = 0a
before=$(date +%s)
got=$("$KNOCK" -n --secret now 127.0.0.1 1)
after=$(date +%s)
check "dry-run without --at uses the current minute" \
	eval '[ "$got" = "$(hmac_hex now 127.0.0.1 "$before")" ] || [ "$got" = "$(hmac_hex now 127.0.0.1 "$after")" ]'
check "IPv4-mapped HOST is IPv4 (4-byte HMAC)" \
	output_is "$(hmac_hex m 127.0.0.1 120)" "$KNOCK" -n --secret m --at 120 ::ffff:127.0.0.1 1

printf 'filesecret\nsecond line\n' >"$WORK/secret"
chmod 600 "$WORK/secret"
check "--secret-file: first line" output_is "$(hmac_hex filesecret 127.0.0.1 600)" \
	"$KNOCK" -n -f "$WORK/secret" --at 600 127.0.0.1 1
check "--secret-file -: standard input" eval \
	'[ "$(printf "stdin\n" | "$KNOCK" -n -f - --at 600 127.0.0.1 1)" = "$(hmac_hex stdin 127.0.0.1 600)" ]'
chmod 644 "$WORK/secret"
check "--secret-file readable by others: warned" eval \
	'"$KNOCK" -n -f "$WORK/secret" 127.0.0.1 1 2>&1 >/dev/null | grep -q "accessible by other users"'

# --- real sends to loopback listeners (Python records what arrives, from where, in order), in a
# network namespace of our own: nothing else on the machine can hold their ports. (pknlusr's
# connector messages below exist only in the first namespace: the script stays there.)
NS=pktools-$$
ip netns add $NS || setup_failed "ip netns add $NS"
trap 'ip netns del $NS 2>/dev/null; rm -rf "$WORK"' EXIT
ip -n $NS link set lo up
in_ns() { ip netns exec $NS "$@"; }
# listen.py PROTO FAMILY COUNT PORT...: prints "PORT SRC LEN HEXPAYLOAD" per arrival, until
# COUNT arrivals or 10 s of silence (a loaded host may start the sender late).
cat >"$WORK/listen.py" <<'EOF'
import select, socket, sys
proto, family, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
ports = [int(p) for p in sys.argv[4:]]
af = socket.AF_INET6 if family == "6" else socket.AF_INET
host = "::1" if family == "6" else "127.0.0.1"
socks = {}
for p in ports:
    s = socket.socket(af, socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host if af == socket.AF_INET6 else "0.0.0.0", p))
    if proto == "tcp":
        s.listen(8)
    socks[s] = p
print("ready", flush=True)
while count > 0:
    r, _, _ = select.select(list(socks), [], [], 10)
    if not r:
        break
    for s in r:
        if proto == "udp":
            data, src = s.recvfrom(2048)
        else:
            c, src = s.accept()
            data = b""
            c.close()
        print(socks[s], src[0], len(data), data.hex(), flush=True)
        count -= 1
EOF
# run_listener OUT PROTO FAMILY COUNT PORT...: starts the listener, waits until it is ready
# (at most 60 s: a deadline against a hang, not the time it should take).
run_listener() {
	local out=$1
	shift
	in_ns "$PY" "$WORK/listen.py" "$@" >"$out" &
	listener=$!
	for _ in $(seq 600); do grep -q ready "$out" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

run_listener "$WORK/spa4" udp 4 1 47001 || setup_failed "listener did not start"
in_ns "$KNOCK" -s 127.0.0.2 --secret opensesame --at 1700000000 127.0.0.1 47001
rc=$?
wait $listener
check "SPA sent (exit $rc)" test $rc -eq 0
check "SPA datagram: from 127.0.0.2, 65 bytes, HMAC over 127.0.0.2" \
	grep -qx "47001 127.0.0.2 65 $(printf '%s\n' "$(hmac_hex opensesame 127.0.0.2 1700000000)" | od -An -tx1 | tr -d ' \n')" "$WORK/spa4"

run_listener "$WORK/spa6" udp 6 1 47002 || setup_failed "listener did not start"
in_ns "$KNOCK" -6 --secret v6secret --at 1700000000 ::1 47002
wait $listener
check "SPA over IPv6: from ::1, HMAC over the 16-byte address" \
	grep -qx "47002 ::1 65 $(printf '%s\n' "$(hmac_hex v6secret ::1 1700000000)" | od -An -tx1 | tr -d ' \n')" "$WORK/spa6"

# spa_hex SECRET ADDR SECONDS: the datagram as the listener prints it (hex of digits and newline).
spa_hex() { printf '%s\n' "$(hmac_hex "$@")" | od -An -tx1 | tr -d ' \n'; }
run_listener "$WORK/spa-knock" udp 4 1 47003 || setup_failed "listener did not start"
in_ns "$KNOCKD_KNOCK" --secret opensesame --at 1700000000 127.0.0.1 47003
rc=$?
wait $listener
check "knock --secret: SPA sent (exit $rc)" test $rc -eq 0
check "knock --secret: pknock-knock's datagram" \
	grep -qx "47003 127.0.0.1 65 $(spa_hex opensesame 127.0.0.1 1700000000)" "$WORK/spa-knock"
printf 'knockfile\n' >"$WORK/knock-secret"
chmod 600 "$WORK/knock-secret"
run_listener "$WORK/spa-knock6" udp 6 1 47004 || setup_failed "listener did not start"
in_ns "$KNOCKD_KNOCK" -6 --secret-file "$WORK/knock-secret" --at 600 ::1 47004:udp
wait $listener
check "knock --secret-file over IPv6: HMAC over the 16-byte address" \
	grep -qx "47004 ::1 65 $(spa_hex knockfile ::1 600)" "$WORK/spa-knock6"
while IFS='|' read -r args text; do
	# shellcheck disable=SC2086 # ARGS are words
	check "knock usage error: $args" fails_with 2 "$text" "$KNOCKD_KNOCK" $args
done <<'EOF'
--secret a 127.0.0.1 1 2|SPA goes to one port
--secret a 127.0.0.1 tcp:1:s|SPA goes to one port
--secret a --secret-file x 127.0.0.1 1|give the secret only once
--secret 01234567890123456789012345678901 127.0.0.1 1|must be 1 to 31 bytes
--at 5 127.0.0.1 1|--at only applies to SPA
EOF
check "knock: missing secret file: exit 1" fails_with 1 "cannot open secret file" \
	"$KNOCKD_KNOCK" --secret-file /nonexistent 127.0.0.1 1

run_listener "$WORK/udp" udp 4 3 47013 47011 47012 || setup_failed "listener did not start"
in_ns "$KNOCK" -u -d 50 -s 127.0.0.3 127.0.0.1 47011,47012,47013
wait $listener
check "UDP knocks arrive in order, empty, from --source" \
	test "$(cut -d' ' -f1-3 "$WORK/udp" | grep -v ready | tr '\n' ' ')" = "47011 127.0.0.3 0 47012 127.0.0.3 0 47013 127.0.0.3 0 "

run_listener "$WORK/tcp" tcp 4 3 47023 47021 47022 || setup_failed "listener did not start"
in_ns "$KNOCK" -d 50 127.0.0.1 47022,47021,47023
wait $listener
check "TCP knocks (connection attempts) arrive in order" \
	test "$(cut -d' ' -f1 "$WORK/tcp" | grep -v ready | tr '\n' ' ')" = "47022 47021 47023 "

# --wait against ports that drop: nothing ever answers (a reset would end the attempt at once),
# and the kernel retransmits an unanswered SYN after 1 s, then 3 s. Each port's SYNs are counted
# by its DROP rule.
for port in 47031 47032 47033; do
	in_ns iptables -w -A INPUT -p tcp --syn --dport $port -j DROP || setup_failed "iptables in $NS"
done
syns() { in_ns iptables -w -L INPUT -v -x -n | awk -v p="dpt:$1" '{ for (i = 1; i <= NF; i++) if ($i == p) print $1 }'; }
# The guard: a client that ignored --wait would sit on the first port for the kernel's 2 minutes.
timeout 60 ip netns exec $NS "$KNOCK" -d 0 -w 100 127.0.0.1 47031,47032,47033
rc=$?
check "TCP knocks on dropping ports finish: each gives up after --wait (exit $rc)" test $rc -eq 0
check "... and every port got its knock" test "$(syns 47031)" -ge 1 -a "$(syns 47032)" -ge 1 -a "$(syns 47033)" -ge 1
before=$(syns 47031)
timeout 60 ip netns exec $NS "$KNOCK" -w 2000 127.0.0.1 47031
check "--wait 2000 keeps the attempt open past the retransmission after 1 s (2 SYNs or more)" \
	test "$(syns 47031)" -ge $((before + 2))
ip netns del $NS

# --- errors: exit 2 with a message, exit 1 when nothing can be sent
while IFS='|' read -r args text; do
	# shellcheck disable=SC2086 # ARGS are words
	check "usage error: $args" fails_with 2 "$text" "$KNOCK" $args
done <<'EOF'
|expected exactly two arguments
127.0.0.1|expected exactly two arguments
127.0.0.1 0|is not a port number
127.0.0.1 1,,2|is not a port number
127.0.0.1 65536|is not a port number
-4 -6 h 1|-4 and -6 exclude each other
--secret a 127.0.0.1 1,2|SPA goes to one port
--secret 01234567890123456789012345678901 127.0.0.1 1|must be 1 to 31 bytes
--secret a -u 127.0.0.1 1|apply to knocks, not to SPA
--at 5 127.0.0.1 1|--at only applies to SPA
--secret a --at soon 127.0.0.1 1|--at: 'soon' is not a time
-d 70000 127.0.0.1 1|--delay: '70000' is not 0 to 60000
-s nowhere 127.0.0.1 1|--source: 'nowhere' is not an IP address
--bogus 127.0.0.1 1|unrecognized option '--bogus'
EOF
check "unresolvable host: exit 1" fails_with 1 "cannot resolve" "$KNOCK" -n no.such.host.invalid 1
check "--source of another family than HOST: exit 1" fails_with 1 "127.0.0.1 has no IPv6 address" \
	"$KNOCK" -s ::1 127.0.0.1 1
check "unusable --source: exit 1" fails_with 1 "cannot bind to 192.0.2.1" "$KNOCK" -u -s 192.0.2.1 127.0.0.1 1
check "missing secret file: exit 1" fails_with 1 "cannot open secret file" "$KNOCK" -f /nonexistent 127.0.0.1 1
check "--help" eval '"$KNOCK" --help | grep -q "^Usage: pknock-knock"'
check "--version" eval '"$KNOCK" -V | grep -q "^pknock-knock (xtables-addons-rs)"'

# --- pknlusr: argument handling identical to upstream's
same_as_upstream_pknlusr() {
	local a b ours up
	# A bad argument ends either at once; a good one listens until the timeout (exit 124), which
	# only bounds how long a slow start may take. Both run at once.
	(cd "$WORK" && timeout 10 "$PKNLUSR" "$@" >"$WORK/pknlusr.ours" 2>&1; echo "exit $?" >>"$WORK/pknlusr.ours") &
	ours=$!
	(cd "$WORK" && timeout 10 "$UPSTREAM_PKNLUSR" "$@" >"$WORK/pknlusr.up" 2>&1; echo "exit $?" >>"$WORK/pknlusr.up") &
	up=$!
	wait $ours $up
	a=$(cat "$WORK/pknlusr.ours")
	b=$(cat "$WORK/pknlusr.up")
	a=${a//$PKNLUSR/PROG}
	[ "$a" = "${b//$UPSTREAM_PKNLUSR/PROG}" ] || {
		echo "     ours:     $a"
		echo "     upstream: $b"
		return 1
	}
}
for args in "1 2" "0" "33" "x" "1x" "" "-1" "4 5 6"; do
	# shellcheck disable=SC2086 # ARGS are words
	check "pknlusr $args: same output and status as upstream's" same_as_upstream_pknlusr $args
done
check "pknlusr usage names the program by its base name" \
	fails_with 1 "pknlusr [ group-id ]" "$PKNLUSR" 1 2

# --- pknlusr receives: connector messages multicast by root to a group, ours and upstream's
# nlsend.py GROUP [LAST-GROUP]: five messages to GROUP, the last one (LAST) to LAST-GROUP if given.
cat >"$WORK/nlsend.py" <<'EOF'
import socket, struct, sys
group = int(sys.argv[1])
last_group = int(sys.argv[2]) if len(sys.argv) > 2 else group
s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 11)  # NETLINK_CONNECTOR
s.bind((0, 0))
def send(data, to=group):
    cn = struct.pack("=IIIIHH", 0, 0, 0, 0, len(data), 0) + data  # struct cn_msg
    s.sendto(struct.pack("=IHHII", 16 + len(cn), 0, 0, 0, 0) + cn, (0, 1 << (to - 1)))
send(b"SSH".ljust(32, b"\0") + socket.inet_aton("127.0.0.2"))
send(b"x" * 32 + socket.inet_aton("10.1.2.3"))          # name without NUL
send(b"short")                                           # not a pknock message
send(b"V6".ljust(32, b"\0") + bytes(4) + socket.inet_pton(socket.AF_INET6, "fd00::2"))
send(b"LAST".ljust(32, b"\0") + socket.inet_aton("192.0.2.9"), last_group)
EOF
# bound MASK N: N connector sockets listen on group mask MASK (at most 60 s); a loaded host
# may start the listeners late, and a multicast sent before they bind is lost.
bound() {
	local i
	for i in $(seq 600); do
		[ "$(awk -v m="$(printf %08x "$1")" '$2 == 11 && $4 == m' /proc/net/netlink | wc -l)" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
for group in 1 7 32; do
	timeout 120 stdbuf -oL "$UPSTREAM_PKNLUSR" $([ $group = 1 ] || echo $group) >"$WORK/up.out" 2>&1 &
	up=$!
	timeout 120 "$PKNLUSR" $([ $group = 1 ] || echo $group) >"$WORK/ours.out" 2>&1 &
	us=$!
	bound $((1 << (group - 1))) 2 || ko "pknlusr group $group: listeners bound within 60 s"
	"$PY" "$WORK/nlsend.py" $group
	# Both print LAST last; then they are stopped (timeout passes the signal on).
	for _ in $(seq 600); do
		grep -q "^rule_name: LAST " "$WORK/up.out" && grep -q "^rule_name: LAST " "$WORK/ours.out" && break
		sleep 0.1
	done
	kill $up $us
	wait $up $us
	# (upstream also prints the malformed ones, reading past the name and the message)
	check "pknlusr group $group: upstream's pknlusr received them (the oracle)" \
		grep -q "^rule_name: LAST " "$WORK/up.out"
	check "pknlusr group $group: the well-formed IPv4 lines as upstream's prints them" \
		test "$(grep -e "^rule_name: SSH " -e "^rule_name: LAST " "$WORK/ours.out")" = \
		"$(grep -e "^rule_name: SSH " -e "^rule_name: LAST " "$WORK/up.out")"
	check "pknlusr group $group: upstream's format" \
		grep -qx "rule_name: SSH - ip 127.0.0.2" "$WORK/ours.out"
	check "pknlusr group $group: IPv6 peer (upstream prints 0.0.0.0)" \
		grep -qx "rule_name: V6 - ip fd00::2" "$WORK/ours.out"
	check "pknlusr group $group: unterminated name cut at 32 bytes, garbage skipped" \
		test "$(wc -l <"$WORK/ours.out")" = 4 -a "$(grep -c "^rule_name: $(printf 'x%.0s' {1..32}) - ip 10.1.2.3$" "$WORK/ours.out")" = 1
done
# Four messages to group 4, then LAST to group 3: multicast is queued to the listeners as it is
# sent, so once LAST is printed, anything of group 4 would have come before it.
timeout 120 "$PKNLUSR" 3 >"$WORK/other.out" 2>&1 &
us=$!
bound 4 1 || ko "pknlusr group 3: listener bound within 60 s"
"$PY" "$WORK/nlsend.py" 4 3
for _ in $(seq 600); do grep -q "^rule_name: LAST " "$WORK/other.out" && break; sleep 0.1; done
kill $us
wait $us
check "pknlusr on group 3 does not see group 4 (prints only what went to group 3)" \
	test "$(cat "$WORK/other.out")" = "rule_name: LAST - ip 192.0.2.9"

# --- man pages render without warnings
for page in libxt_pknock pknock-knock pknlusr; do
	check "man8/$page.8 renders cleanly" eval \
		'[ -z "$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$ROOT/man8/$page.8" 2>&1 >/dev/null)" ] &&
		 LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$ROOT/man8/$page.8" 2>/dev/null | grep -q "^NAME"'
done

finish
