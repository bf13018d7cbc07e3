#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark: our knockd and Debian's knockd on the same interface, fed the same traffic in one run.
# Each of SOURCES forged sources sends the 3-knock sequence (every knock logs a Stage line, every
# sequence an OPEN SESAME), each knock followed by NOISE packets to a port no door uses.
# Reported per daemon: knocks handled (Stage lines in its log), CPU time, knocks per CPU second.
#   tests/host/knockd/bench.sh [SOURCES [NOISE]]     (results go to bench/knockd.md by hand)
set -eu
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
BIN=${KNOCKD_BIN:-$ROOT/target/release}
DATA=$ROOT/tests/host/knockd
SOURCES=${1:-50000}
NOISE=${2:-1}
S=kbenchS$$
C=kbenchC$$
TMP=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in $(ip netns pids "$S" 2>/dev/null) $(ip netns pids "$C" 2>/dev/null); do kill -9 "$p" || true; done
	ip netns del "$S" 2>/dev/null || true
	ip netns del "$C" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

ip netns add "$S"
ip netns add "$C"
ip link add vS netns "$S" type veth peer name vC netns "$C"
ip -n "$S" addr add 10.77.0.1/16 dev vS
ip -n "$C" addr add 10.77.0.2/16 dev vC
ip -n "$S" link set vS up
ip -n "$C" link set vC up
# No replies to the forged sources (no ARP storm).
ip netns exec "$S" iptables -w -A OUTPUT -d 10.77.0.0/16 -j DROP
cat >"$TMP/bench.conf" <<EOF
[bench]
	sequence    = 7000,8000,9000
	seq_timeout = 60
	tcpflags    = syn
EOF
sleep 1

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
start() {
	ip netns exec "$S" "$@" >/dev/null 2>&1 &
	pids+=($!)
}
start /usr/sbin/knockd -i vS -c "$TMP/bench.conf" -g "$TMP/debian.log"
DEB=$!
start "$BIN/knockd" -i vS -c "$TMP/bench.conf" -g "$TMP/ours.log"
OURS=$!
sleep 1
grep -q "starting up" "$TMP/debian.log" && grep -q "starting up" "$TMP/ours.log"
d0=$(ticks $DEB)
o0=$(ticks $OURS)
ip netns exec "$C" /usr/bin/python3 "$DATA/rawsend.py" bench 10.77.0.1 "$SOURCES" "$NOISE" 7000,8000,9000 | tee "$TMP/sent"
# Let both drain their rings.
prev=
while :; do
	sleep 2
	now="$(wc -l <"$TMP/debian.log") $(wc -l <"$TMP/ours.log")"
	[ "$now" = "$prev" ] && break
	prev=$now
done
d1=$(ticks $DEB)
o1=$(ticks $OURS)
kill -USR1 $OURS
sleep 0.5
hz=$(getconf CLK_TCK)
knocks=$((SOURCES * 3))
report() {
	local name=$1 log=$2 t=$3
	local stages opens
	stages=$(grep -c ": Stage " "$log" || true)
	opens=$(grep -c "OPEN SESAME" "$log" || true)
	awk -v n="$name" -v s="$stages" -v o="$opens" -v t="$t" -v hz="$hz" -v k="$knocks" 'BEGIN {
		cpu = t / hz
		printf "| %s | %d of %d | %d | %.2f s | %s |\n", n, s, k, o, cpu, (cpu > 0 ? sprintf("%.0f", s / cpu) : "n/a")
	}'
}
echo
echo "$(nproc) CPUs, $(uname -r), $SOURCES sources x 3 knocks, $NOISE noise packet(s) per knock; $(cat "$TMP/sent")"
echo
echo "| daemon | knocks handled | doors opened | CPU time | knocks per CPU second |"
echo "|---|---|---|---|---|"
report "Debian knockd 0.8 (libpcap)" "$TMP/debian.log" $((d1 - d0))
report "knockd (this crate, TPACKET_V3 + BPF)" "$TMP/ours.log" $((o1 - o0))
echo
grep "statistics:" "$TMP/ours.log" | sed 's/^\[[^]]*\] /ours: /'
