#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark: how long after its deadline an unconfirmed apply is rolled back (the watchdog polls
# every 100 ms, then restores every backend). In a network namespace of its own: RUNS times, an
# apply with --timeout 2s of tests/host/fw-safetynet/block (nft backend), then the time from the
# recorded deadline until iptables-nft-save shows the baseline again. Prints one line per run
# and the median. Not a test: the numbers go to bench/fw-safetynet.md by hand.
#   tests/host/fw-safetynet/bench.sh [RUNS]
set -eu
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
BIN=$ROOT/target/release/fw-safetynet
DATA=$ROOT/tests/host/fw-safetynet
RUNS=${1:-10}
NS=fwsn-bench-$$
STATE=$(mktemp -d)
trap 'ip netns del "$NS" 2>/dev/null; rm -rf "$STATE"' EXIT
ip netns add "$NS"
in_ns() { ip netns exec "$NS" "$@"; }
now_ms() { date +%s%3N; }
for run in $(seq "$RUNS"); do
	in_ns iptables-nft-restore <"$DATA/baseline.rules"
	baseline=$(in_ns iptables-nft-save | grep '^-A')
	in_ns "$BIN" --state-dir "$STATE" apply --backend nft --timeout 2s "$DATA/block" >/dev/null 2>&1 &
	apply=$!
	until deadline=$(in_ns "$BIN" --state-dir "$STATE" status --json 2>/dev/null |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["apply"]["deadline_unix_ms"])' 2>/dev/null); do
		sleep 0.01
	done
	until [ "$(in_ns iptables-nft-save | grep '^-A')" = "$baseline" ]; do sleep 0.01; done
	echo "run $run: baseline back $(($(now_ms) - deadline)) ms after the deadline"
	wait "$apply" || true
done | tee /dev/stderr | sed 's/.* back \([0-9-]*\) ms.*/\1/' | sort -n | awk '{ v[NR] = $1 } END { print "median:", v[int((NR + 1) / 2)], "ms" }'
