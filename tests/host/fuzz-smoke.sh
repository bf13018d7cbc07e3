#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Every fuzz target of the repository for a bounded smoke run: each fuzz crate (a directory
# fuzz/ with a Cargo.toml marked cargo-fuzz, built by its build.sh: libFuzzer instrumentation,
# overflow checks and debug assertions on; all into target/fuzz, so libFuzzer is compiled once),
# each [[bin]] of it for FUZZ_SECONDS (default 30; FUZZ_JOBS of them at a time, default 2) from
# its saved corpus, if any, into a fresh one. A failure (panic, overflow, oracle mismatch, libFuzzer's timeout or memory limit) fails
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
targets=()
for crate in $crates; do
	[ -x "$crate/build.sh" ] || setup_failed "$crate has no build.sh"
	"$crate/build.sh" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; setup_failed "$crate/build.sh"; }
	for target in $(sed -n '/^\[\[bin\]\]/,/^$/s/^name = "\(.*\)"/\1/p' "$crate/Cargo.toml"); do
		targets+=("$crate $target")
	done
done

# smoke CRATE TARGET: one target's run; its verdict in $WORK/TARGET.verdict (ok/ko and a line).
smoke() {
	local crate=$1 target=$2 bin=$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/release/$2 seeds=()
	if [ ! -x "$bin" ]; then
		echo "ko fuzz $crate $target: $bin was not built" >"$WORK/$target.verdict"
		return
	fi
	mkdir -p "$WORK/corpus/$target"
	[ -d "$crate/corpus/$target" ] && seeds=("$crate/corpus/$target")
	if "$bin" "$WORK/corpus/$target" "${seeds[@]}" -max_total_time="$SECONDS_EACH" \
		-artifact_prefix="$ARTIFACTS/$target-" -print_final_stats=1 >"$WORK/$target.log" 2>&1; then
		echo "ok fuzz $crate $target: $(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/$target.log") runs in ${SECONDS_EACH} s, no failure" >"$WORK/$target.verdict"
	else
		echo "ko fuzz $crate $target: failed (input in $ARTIFACTS/)" >"$WORK/$target.verdict"
	fi
}

# FUZZ_JOBS targets at a time (default 2, one per core of the machines we test on): each
# libFuzzer run is one process on one core, so the smoke runs take half the time.
jobs_max=${FUZZ_JOBS:-2}
[[ $jobs_max =~ ^[1-9][0-9]*$ ]] || setup_failed "FUZZ_JOBS must be a positive number"
for t in "${targets[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
	smoke $t &
done
wait
for t in "${targets[@]}"; do
	target=${t#* }
	read -r verdict line <"$WORK/$target.verdict"
	if [ "$verdict" = ok ]; then
		ok "$line"
	else
		[ ! -e "$WORK/$target.log" ] || tail -n 30 "$WORK/$target.log"
		ko "$line"
	fi
done
finish
