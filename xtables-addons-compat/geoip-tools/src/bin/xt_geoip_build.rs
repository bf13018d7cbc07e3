// SPDX-License-Identifier: GPL-2.0-only
//! xt_geoip_build: see geoip_tools::build and xt_geoip_build(1).
use geoip_tools::{Kind, build, build_usage};

const PROG: &str = "xt_geoip_build";

fn main() -> std::process::ExitCode {
    xa_cli::main(PROG, &build_usage(PROG, Kind::Geoip), || {
        build(PROG, Kind::Geoip, false, std::env::args_os().skip(1))
    })
}
