#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Every fuzz target of the repository for a bounded smoke run: each fuzz crate (a directory
# fuzz/ with a Cargo.toml marked cargo-fuzz, built by its build.sh: libFuzzer instrumentation,
# overflow checks and debug assertions on; all into target/fuzz, so libFuzzer is compiled once),
# each [[bin]] of it for FUZZ_SECONDS (default 30) from its saved corpus, if any, into a fresh
# one. A failure (panic, overflow, oracle mismatch, libFuzzer's timeout or memory limit) fails
# the test and leaves the input in $FUZZ_ARTIFACTS (default target/fuzz-artifacts). The long
# runs and their numbers: bench/fuzz.md.
. "$(dirname "$0")/lib.sh"
SECONDS_EACH=${FUZZ_SECONDS:-30}
ARTIFACTS=${FUZZ_ARTIFACTS:-$ROOT/target/fuzz-artifacts}
[[ $SECONDS_EACH =~ ^[1-9][0-9]*$ ]] || setup_failed "FUZZ_SECONDS must be a positive number"
mkdir -p "$ARTIFACTS"
export CARGO_TARGET_DIR=$ROOT/target/fuzz

crates=$(git ls-files '*fuzz/Cargo.toml' | xargs grep -l '^cargo-fuzz = true' | xargs -n 1 dirname)
[ -n "$crates" ] || setup_failed "no fuzz crates found (git ls-files)"
for crate in $crates; do
	[ -x "$crate/build.sh" ] || setup_failed "$crate has no build.sh"
	"$crate/build.sh" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; setup_failed "$crate/build.sh"; }
	for target in $(sed -n '/^\[\[bin\]\]/,/^$/s/^name = "\(.*\)"/\1/p' "$crate/Cargo.toml"); do
		bin=$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/release/$target
		[ -x "$bin" ] || { ko "fuzz $crate $target: $bin was not built"; continue; }
		mkdir -p "$WORK/corpus/$target"
		seeds=()
		[ -d "$crate/corpus/$target" ] && seeds=("$crate/corpus/$target")
		if "$bin" "$WORK/corpus/$target" "${seeds[@]}" -max_total_time="$SECONDS_EACH" \
			-artifact_prefix="$ARTIFACTS/$target-" -print_final_stats=1 >"$WORK/$target.log" 2>&1; then
			ok "fuzz $crate $target: $(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/$target.log") runs in ${SECONDS_EACH} s, no failure"
		else
			tail -n 30 "$WORK/$target.log"
			ko "fuzz $crate $target: failed (input in $ARTIFACTS/)"
		fi
	done
done
finish
