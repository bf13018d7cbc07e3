// SPDX-License-Identifier: GPL-2.0-only
//! xt_asn_fetch: see geoip_tools::query and xt_asn_fetch(1).
use geoip_tools::{Kind, query, query_usage};

const PROG: &str = "xt_asn_fetch";

fn main() -> std::process::ExitCode {
    xa_cli::main(PROG, &query_usage(PROG, Kind::Asn), || {
        query(PROG, Kind::Asn, std::env::args_os().skip(1))
    })
}
