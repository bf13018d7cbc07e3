#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Builds the fuzz targets with libFuzzer instrumentation on a stable toolchain, with the same
# flags as shim/fuzz/build.sh (which does the work).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../../../shim/fuzz/build.sh" "$here"
