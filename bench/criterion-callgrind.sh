#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Instructions per iteration of criterion benchmarks, counted by callgrind: a figure the host's
# load does not change (criterion's times on this shared machine do).
#
#   bench/criterion-callgrind.sh BENCH-BINARY CASE...
#
# BENCH-BINARY is a criterion benchmark built by `cargo bench --no-run` (its path is printed
# there); CASE a benchmark's full name (group/name). Each case runs under callgrind for
# criterion's warm-up only (--profile-time 1). Prints "CASE INSTRUCTIONS ITERATIONS": the
# instructions executed inside criterion's Bencher::iter divided by the iterations, which are
# the call count of the functions Bencher::iter calls once per iteration (the largest such
# count: every routine calls at least one function of the code measured). The timing calls
# and the loop around the routine are part of the figure (a few instructions per iteration).
set -euo pipefail
[ $# -ge 2 ] || { sed -n '3,13s/^# \{0,1\}//p' "$0" >&2; exit 2; }
bin=$1
shift
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for case in "$@"; do
	valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$bin" --bench --profile-time 1 "^$case\$" \
		>"$out/log" 2>&1 || { cat "$out/log" >&2; exit 1; }
	callgrind_annotate --inclusive=yes --tree=caller "$out/cg" | awk -v c="$case" '
		# "N (P%)  *  ???:criterion::bencher::Bencher<M>::iter [...]": its inclusive count
		$3 == "*" && $4 ~ /Bencher<M>::iter$/ { gsub(",", "", $1); ir = $1 }
		# "N (P%)  < ???:criterion::bencher::Bencher<M>::iter (CALLSx) [...]": a callee of it
		$3 == "<" && $4 ~ /Bencher<M>::iter$/ { n = $5; gsub(/[(),x]/, "", n); if (n + 0 > calls) calls = n + 0 }
		END {
			if (!ir || !calls) { print c ": no Bencher::iter or no callee in the profile" > "/dev/stderr"; exit 1 }
			printf "%s %.0f %d\n", c, ir / calls, calls
		}'
done
