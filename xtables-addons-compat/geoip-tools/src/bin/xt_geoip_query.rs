// SPDX-License-Identifier: GPL-2.0-only
//! xt_geoip_query: see geoip_tools::query and xt_geoip_query(1).
use geoip_tools::{Kind, query, query_usage};

const PROG: &str = "xt_geoip_query";

fn main() -> std::process::ExitCode {
    xa_cli::main(PROG, &query_usage(PROG, Kind::Geoip), || {
        query(PROG, Kind::Geoip, std::env::args_os().skip(1))
    })
}
