#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# fw-safetynet in network namespaces: a server and a client namespace over a veth pair, socat
# listening on the server's TCP port 2222 (IPv4 and IPv6) as the "admin" connection. Every
# fw-safetynet command (and so its watchdog) runs inside the server namespace, with a temporary
# state directory per case. Needs root, iproute2, socat, iptables (legacy and nft), nftables.
. "$(dirname "$0")/lib.sh"
DATA=$ROOT/tests/host/fw-safetynet
BIN=$ROOT/target/release/fw-safetynet
SRV=fwsn-srv-$$
CLI=fwsn-cli-$$
V4=10.231.0.1
V6=fd42:5afe:7e57::1
BACKGROUND=()

cleanup() {
	local pid
	for pid in "${BACKGROUND[@]}"; do kill -9 "$pid" 2>/dev/null; { wait "$pid"; } 2>/dev/null; done
	# Watchdogs started by the tests live in the server namespace.
	for pid in $(ip netns pids "$SRV" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
	ip netns del "$SRV" 2>/dev/null
	ip netns del "$CLI" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
# An interrupted run still removes its namespaces and watchdogs (through the EXIT trap).
trap 'exit 130' INT TERM HUP

cargo build --release -q -p fw-safetynet || setup_failed "cargo build"
for tool in socat script iptables-legacy-restore ip6tables-legacy-restore iptables-nft-restore \
	ip6tables-nft-restore nft systemd-analyze "$PY"; do
	command -v "$tool" >/dev/null || setup_failed "$tool is not installed"
done
ip netns add "$SRV" && ip netns add "$CLI" || setup_failed "ip netns add"
ip link add fwsn$$s netns "$SRV" type veth peer name fwsn$$c netns "$CLI" || setup_failed "veth"
ip -n "$SRV" addr add $V4/24 dev fwsn$$s && ip -n "$CLI" addr add 10.231.0.2/24 dev fwsn$$c &&
	ip -n "$SRV" addr add $V6/64 dev fwsn$$s nodad && ip -n "$CLI" addr add fd42:5afe:7e57::2/64 dev fwsn$$c nodad &&
	ip -n "$SRV" link set fwsn$$s up && ip -n "$CLI" link set fwsn$$c up &&
	ip -n "$SRV" link set lo up && ip -n "$CLI" link set lo up || setup_failed "addresses"
ip netns exec "$SRV" socat TCP4-LISTEN:2222,reuseaddr,fork SYSTEM:'echo ok' & BACKGROUND+=($!)
ip netns exec "$SRV" socat TCP6-LISTEN:2222,reuseaddr,fork,ipv6only=1 SYSTEM:'echo ok' & BACKGROUND+=($!)

srv() { ip netns exec "$SRV" "$@"; }
fwsn() { ip netns exec "$SRV" "$BIN" --state-dir "$STATE" "$@"; }
# The admin connection over IPv4 / IPv6.
can4() { ip netns exec "$CLI" socat -T 2 -u TCP4:$V4:2222,connect-timeout=1 - 2>/dev/null | grep -qx ok; }
can6() { ip netns exec "$CLI" socat -T 2 -u "TCP6:[$V6]:2222,connect-timeout=1" - 2>/dev/null | grep -qx ok; }
both_work() { can4 && can6; }
both_blocked() { ! can4 && ! can6; }
# wait_for SECONDS COMMAND...: polls until COMMAND succeeds. SECONDS only bounds a hang: the
# tests wait on state (rules, records, log lines), never on how fast something happens.
wait_for() {
	local until=$((SECONDS + $1)); shift
	until "$@"; do [ "$SECONDS" -ge "$until" ] && return 1; sleep 0.2; done
}
# Every backend's rules, without counters and comments: equal texts mean equal rules.
rules() {
	local tool
	for tool in iptables-legacy ip6tables-legacy iptables-nft ip6tables-nft; do
		echo "== $tool"; srv "$tool-save" 2>/dev/null | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
	done
	echo "== nft"; srv nft list ruleset 2>/dev/null | grep -v 'counter packets'
}
# Each case starts from the baseline rules in every backend and a fresh state directory.
CASE=0
new_case() {
	local tool
	CASE=$((CASE + 1))
	STATE=$WORK/state-$CASE
	OUT=$WORK/out-$CASE
	srv nft delete table inet fwsn_test 2>/dev/null
	for tool in iptables-legacy ip6tables-legacy iptables-nft ip6tables-nft; do
		srv "$tool-restore" <"$DATA/baseline.rules" || ko "case $CASE: baseline for $tool"
	done
	BASELINE=$(rules)
	echo "-- $1"
}
same_as_baseline() { [ "$(rules)" = "$BASELINE" ]; }
# Starts `apply` in the background (its pid in APID) and waits until the rules are in. setsid
# gives it a process group of its own, as a login shell's job has; the pid is also the group id.
apply_bg() {
	setsid ip netns exec "$SRV" "$BIN" --state-dir "$STATE" apply "$@" >"$OUT" 2>&1 & APID=$!
	BACKGROUND+=($APID)
	wait_for 60 grep -qs '^Applied' "$OUT"
}
# reap VAR PID: waits for a background job and stores its exit status in VAR.
reap() { { wait "$2"; } 2>/dev/null; printf -v "$1" %d $?; }
json() { fwsn status --json | "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
# logged_at PATTERN: the UTC time (seconds since the epoch) of the last log line with PATTERN.
logged_at() {
	local stamp
	stamp=$(grep -- "$1" "$STATE/log" | tail -n 1 | cut -c1-19)
	[ -n "$stamp" ] && date -u -d "$stamp" +%s
}
# deadline: the apply's rollback time as it logged it ("rollback at ... UTC"), in seconds.
deadline() { date -u -d "$(sed -n 's/.*, rollback at \(.*\) UTC$/\1/p' "$STATE/log" | tail -n 1)" +%s; }
# past SECONDS: the clock has passed SECONDS (since the epoch).
past() { [ "$(date +%s)" -gt "$1" ]; }

# 1-6: nobody confirms; the old rules come back, also when the session dies right after apply.
rollback_case() {
	local backend=$1 death=$2 before after rc
	new_case "rollback, $backend backend, apply process: $death"
	before=$(date +%s)
	case $death in
	terminal-closed)
		# A pty session like an SSH login; killing `script` closes the pty master and the
		# kernel hangs up the session (SIGHUP), exactly as a dropped connection does.
		# Its stdin is a FIFO held open here, so it sees no EOF before the kill.
		mkfifo "$WORK/tty-in" && exec 7<>"$WORK/tty-in"
		script -qefc "ip netns exec $SRV $BIN --state-dir $STATE apply --backend $backend --timeout 4s $DATA/block" \
			"$OUT" >/dev/null 2>&1 <&7 & APID=$!
		BACKGROUND+=($APID)
		wait_for 60 grep -qs '^Applied' "$OUT" ;;
	*) apply_bg --backend "$backend" --timeout 4s "$DATA/block" ;;
	esac
	after=$(date +%s)
	check "applied" grep -qs '^Applied' "$OUT"
	# The deadline is 4 s after the moment apply ran, which lies between before and after.
	check "the logged deadline is 4 s after apply ran" \
		eval '[ "$(deadline)" -ge $((before + 4)) ] && [ "$(deadline)" -le $((after + 4)) ]'
	check "IPv4 and IPv6 blocked during the timeout" both_blocked
	case $death in
	waits) ;;
	SIGHUP | SIGKILL)
		# To the whole process group, as a hangup or a killed job control shell delivers it.
		kill -s "${death#SIG}" -- "-$APID"
		reap rc "$APID"
		check "apply process killed by $death (exit $rc)" test "$rc" -gt 128
		check "still blocked after the kill" both_blocked ;;
	terminal-closed)
		kill -9 "$APID"; { wait "$APID"; } 2>/dev/null; exec 7<&-
		check "no fw-safetynet apply left" wait_for 60 eval "! pgrep -f 'fw-safetynet --state-dir $STATE apply' >/dev/null"
		check "still blocked after the terminal closed" both_blocked ;;
	esac
	check "IPv4 and IPv6 work again after the timeout" wait_for 60 both_work
	# The watchdog may still be restoring the backends after the one that blocked.
	check "every backend's rules are the baseline again" wait_for 60 same_as_baseline
	if [ "$death" = waits ]; then
		reap rc "$APID"
		check "unconfirmed apply exits 3 (got $rc)" test "$rc" -eq 3
		check "apply reports the rollback" grep -q 'rolled back to snapshot 1' "$OUT"
	fi
	check "rollback logged" wait_for 60 grep -q 'deadline reached: apply reset to snapshot 1' "$STATE/log"
	check "not before the deadline" \
		eval '[ "$(logged_at "deadline reached: apply reset")" -ge "$(deadline)" ]'
}
rollback_case nft waits
rollback_case legacy waits
rollback_case nft SIGHUP
rollback_case nft SIGKILL
rollback_case legacy SIGKILL
rollback_case nft terminal-closed

# 7: confirm from a second session keeps the rules past the deadline.
new_case "confirm from another session"
apply_bg --backend nft --timeout 3s "$DATA/block"
check "confirm succeeds" eval "fwsn confirm >/dev/null"
reap rc "$APID"
check "apply exits 0 once confirmed" test "$rc" -eq 0
check "its watchdog exited" wait_for 60 eval "! pgrep -f -- '--state-dir $STATE __watchdog' >/dev/null"
check "the clock passes the deadline" wait_for 60 past "$(deadline)"
check "IPv4 and IPv6 still blocked after the deadline" both_blocked
check "the new rules stay" grep -q 'dport 2222 -j REJECT' <(srv ip6tables-nft-save 2>/dev/null)
check "a second confirm finds nothing" eval "! fwsn confirm 2>/dev/null"

# 8: interactive confirmation on the terminal that ran apply: 'yes' is typed once it asks.
new_case "interactive confirm"
mkfifo "$WORK/tty-yes" && exec 8<>"$WORK/tty-yes"
script -qefc "ip netns exec $SRV $BIN --state-dir $STATE apply --backend legacy --timeout 4s $DATA/block" \
	"$OUT" >/dev/null 2>&1 <&8 & APID=$!
BACKGROUND+=($APID)
wait_for 60 grep -qs 'Keep the new rules' "$OUT" && echo yes >&8
reap rc "$APID"
exec 8<&-
check "typing 'yes' confirmed (exit $rc)" eval "test $rc -eq 0 && grep -q 'Confirmed' '$OUT'"
check "the clock passes the deadline" wait_for 60 past "$(deadline)"
check "rules kept after the deadline" both_blocked

# 9: native nftables ruleset.
new_case "native nftables ruleset rolls back"
apply_bg --nft --timeout 3s "$DATA/native/ruleset.nft"
check "blocked by the nft table" both_blocked
check "works again after the timeout" wait_for 60 both_work
check "the native table is gone again" wait_for 60 same_as_baseline
wait "$APID"

# 10-11: broken rulesets change nothing.
new_case "broken ruleset (nft backend)"
fwsn apply --backend nft --timeout 3s "$DATA/broken" >"$OUT" 2>&1
check "refused with exit 1" test $? -eq 1
check "the restore tool's message and line are shown" grep -q 'COMMIT expected at line 5' "$OUT"
check "nothing changed (not even the valid IPv4 part)" same_as_baseline
check "no apply pending" test "$(json "d['apply']")" = None
fwsn apply --backend legacy -6 --timeout 3s "$DATA/bad-target.rules" >"$OUT" 2>&1
check "legacy: unknown target refused with the line" grep -q 'Error occurred at line: 6' "$OUT"
fwsn apply --backend nft -6 --timeout 3s "$DATA/bad-target.rules" >"$OUT" 2>&1
check "nft: what only the real restore rejects is refused too" grep -q 'Nothing was changed' "$OUT"
check "nothing changed" same_as_baseline
check "connection fine" both_work

# 12: two applies at the same time: exactly one goes through.
new_case "concurrent applies"
fwsn apply --backend nft --timeout 3s "$DATA/block" >"$OUT.a" 2>&1 & A=$!
fwsn apply --backend nft --timeout 3s "$DATA/block" >"$OUT.b" 2>&1 & B=$!
BACKGROUND+=($A $B)
reap RA $A
reap RB $B
check "one rolled back (3), one refused (1): got $RA $RB" test "$((RA * RB))" -eq 3
check "refusal says why" grep -q 'another apply is pending' "$OUT.a" "$OUT.b"
check "baseline again" same_as_baseline
apply_bg --backend nft --timeout 20s "$DATA/block"
fwsn apply --backend nft "$DATA/block" >"$OUT.c" 2>&1
check "a later second apply is refused" test $? -eq 1
check "restore is refused while an apply is pending" eval "! fwsn restore 1 2>/dev/null"
check "rollback undoes the pending apply now" eval "fwsn rollback >/dev/null"
reap rc "$APID"
check "apply exits 3 after rollback" test "$rc" -eq 3
check "baseline after rollback" same_as_baseline

# 13: a killed watchdog shows in status; the waiting apply rolls back itself.
new_case "watchdog killed"
apply_bg --backend nft --timeout 3s "$DATA/block"
WPID=$(json "d['apply']['watchdog_pid']")
kill -9 "$WPID"
check "status shows the dead watchdog" wait_for 60 eval "fwsn status | grep -q 'WATCHDOG NOT RUNNING'"
check "the foreground apply rolls back after the deadline" wait_for 60 both_work
check "... and logs that it did" grep -q 'foreground, watchdog missing: apply reset to snapshot 1' "$STATE/log"
reap rc "$APID"
check "apply exits 3" test "$rc" -eq 3

# 14-16: arm / disarm.
new_case "arm --open fires"
apply_bg --backend nft --timeout 20s "$DATA/block" && fwsn confirm >/dev/null
wait "$APID"
check "arm succeeds" eval "fwsn arm --in 2s --open >$OUT"
check "status --json shows it armed with a live watchdog" test "$(json "d['armed']['watchdog_running']")" = True
check "still blocked right after arming" both_blocked
check "the reset fires and opens the firewall" wait_for 60 both_work
# The firewall opens before the record goes, so wait for that too.
check "no longer armed" wait_for 60 eval "test \"\$(json \"d['armed']\")\" = None"
check "the rules before the reset are a snapshot" eval "fwsn list | grep -q 'before armed reset'"

new_case "arm (to the rules of now) fires after a confirmed lockout"
check "arm succeeds" eval "fwsn arm --in 3s >$OUT"
apply_bg --backend legacy --timeout 20s "$DATA/block" && fwsn confirm >/dev/null
wait "$APID"
check "locked out" both_blocked
check "the reset fires" wait_for 60 both_work
check "the rules are those of arm time" wait_for 60 same_as_baseline

new_case "disarm"
apply_bg --backend nft --timeout 20s "$DATA/block" && fwsn confirm >/dev/null
wait "$APID"
fwsn arm --in 2s --open >/dev/null
WPID=$(json "d['armed']['watchdog_pid']")
check "disarm succeeds" eval "fwsn disarm | grep -q Disarmed"
# Once its watchdog is gone the reset cannot fire any more.
check "the watchdog exited" wait_for 60 eval "! kill -0 $WPID 2>/dev/null"
check "the reset did not fire" both_blocked
check "... nor is one logged" eval "! grep -q 'deadline reached: arm' '$STATE/log'"

new_case "re-arm replaces the pending reset"
fwsn arm --in 1h --open >/dev/null
OLD=$(json "d['armed']['watchdog_pid']")
check "re-arm says so" eval "fwsn arm --in 2s --to '$DATA/block' --backend nft | grep -q Re-armed"
check "the first watchdog exited" wait_for 60 eval "! kill -0 $OLD 2>/dev/null"
check "the new reset fires" wait_for 60 both_blocked

new_case "arm --to RULESET"
fwsn arm --in 2s --to "$DATA/block" --backend nft >/dev/null
check "the reset applies the ruleset" wait_for 60 both_blocked

# 17: --persistent writes a systemd timer. This machine has no systemd, so no reboot: the units
# are checked by systemd-analyze, and the command the service runs is run here by hand.
new_case "arm --persistent (no systemd here: units checked, their command run by hand)"
apply_bg --backend nft --timeout 20s "$DATA/block" && fwsn confirm >/dev/null
wait "$APID"
UNITS=$WORK/units
mkdir "$UNITS"
fwsn arm --in 1h --open --persistent --unit-dir "$UNITS" >"$OUT" 2>&1
check "missing systemd is reported" grep -q 'systemd is not running' "$OUT"
check "status shows the timer" eval "fwsn status | grep -q 'persistent: systemd timer'"
check "systemd-analyze verify accepts both units" \
	systemd-analyze verify "$UNITS/fw-safetynet-arm.timer" "$UNITS/fw-safetynet-arm.service"
WHEN=$(sed -n 's/^OnCalendar=//p' "$UNITS/fw-safetynet-arm.timer")
check "OnCalendar is the deadline, in the future ($WHEN)" \
	eval "systemd-analyze calendar '$WHEN' | grep -q 'Next elapse: [A-Z]'"
check "the timer catches up after downtime" grep -qx 'Persistent=true' "$UNITS/fw-safetynet-arm.timer"
EXEC=$(sed -n 's/^ExecStart=//p' "$UNITS/fw-safetynet-arm.service")
check "the service fires this state directory" test "$EXEC" = "\"$BIN\" --state-dir \"$STATE\" fire"
check "still blocked before the timer" both_blocked
srv sh -c "$EXEC" >/dev/null
check "the service's command carries out the reset" both_work
check "and removes the units" test -z "$(ls "$UNITS")"
check "no longer armed" test "$(json "d['armed']")" = None
fwsn arm --in 1h --open --persistent --unit-dir "$UNITS" >/dev/null 2>&1
fwsn disarm >/dev/null
check "disarm removes the units" test -z "$(ls "$UNITS")"

# 18: list and restore N.
new_case "list and restore"
apply_bg --backend nft --timeout 20s "$DATA/block" && fwsn confirm >/dev/null
wait "$APID"
check "list shows the snapshot" eval "fwsn list | grep -q 'before apply of $DATA/block'"
check "restore 1 succeeds" eval "fwsn restore 1 >/dev/null"
check "restored" both_work
check "restored exactly" same_as_baseline
check "restore of a missing snapshot fails clearly" eval "fwsn restore 99 2>&1 | grep -q 'no snapshot 99'"

new_case "output to a reader that went away"
# into_closed_pipe CMD...: CMD's stdout is a pipe whose reader is already closed, so every write
# meets EPIPE, as `status | head -1` can; stderr goes to $WORK/pipe.err.
into_closed_pipe() {
	"$PY" -c 'import os, subprocess, sys
r, w = os.pipe()
os.close(r)
sys.exit(subprocess.call(sys.argv[1:], stdout=w))' "$@" 2>"$WORK/pipe.err"
}
for cmd in status list; do
	check "$cmd into a closed pipe: exit 0, no panic" \
		eval 'into_closed_pipe ip netns exec "$SRV" "$BIN" --state-dir "$STATE" $cmd && ! grep -q panicked "$WORK/pipe.err"'
done

finish
