#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Builds the fuzz targets with libFuzzer instrumentation on a stable toolchain (no cargo-fuzz, no nightly):
# the same sancov flags cargo-fuzz passes, minus its -Z sanitizer (the shim has no unsafe code).
# Usage: build.sh [DIR]: the fuzz crate in DIR, by default this one (knockd's fuzz/build.sh
# passes its own).
set -eu
cd "${1:-$(dirname "$0")}"
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares"
exec cargo build --release --target x86_64-unknown-linux-gnu --bins
