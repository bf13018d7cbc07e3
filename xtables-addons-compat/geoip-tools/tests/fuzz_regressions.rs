// SPDX-License-Identifier: GPL-2.0-only
//! Inputs on which the fuzz targets (fuzz/) once found a panic, read again on every test run:
//! fuzz/regressions/TARGET/ holds them, one file each, as libFuzzer saved them. Each must be
//! read to an error or a result, never a panic.

use std::fs;
use std::path::PathBuf;

use geoip_tools::db::{Asn, Country, Database};
use geoip_tools::input::{self, Source};
use geoip_tools::mmdb::Mmdb;

fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            (path.display().to_string(), fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no regression inputs", dir.display());
    files
}

#[test]
fn mmdb_input() {
    for (name, bytes) in regressions("mmdb_input") {
        if let Ok(db) = Mmdb::open(&bytes) {
            if let Ok(networks) = db.networks() {
                let v4 = networks.v4.iter().map(|(_, o)| *o);
                let offsets = v4.chain(networks.v6.iter().map(|(_, o)| *o));
                for offset in offsets.take(64) {
                    let _ = db.record(offset);
                }
            }
        }
        let src = Source { name, bytes };
        let _ = input::mmdb_country(&src, &mut Database::<Country>::default());
        let _ = input::mmdb_asn(&src, &mut Database::<Asn>::default());
    }
}
