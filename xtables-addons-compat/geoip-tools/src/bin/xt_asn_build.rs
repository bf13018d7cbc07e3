// SPDX-License-Identifier: GPL-2.0-only
//! xt_asn_build: see geoip_tools::build and xt_asn_build(1).
use geoip_tools::{Kind, build, build_usage};

const PROG: &str = "xt_asn_build";

fn main() -> std::process::ExitCode {
    xa_cli::main(PROG, &build_usage(PROG, Kind::Asn), || {
        build(PROG, Kind::Asn, false, std::env::args_os().skip(1))
    })
}
