// SPDX-License-Identifier: GPL-2.0-only
//! Fuzzes the CSV reader and the DB-IP and MaxMind CSV inputs of the builders on arbitrary
//! bytes: no panic; record lines ascend within the input's line count; every record, written
//! back with every field quoted, reads back as the same fields; and whatever a builder
//! accepts becomes files the kernel module's validator (shim::geoip::file) accepts.
#![no_main]

use geoip_tools::csv::Reader;
use geoip_tools::db::{Asn, Country, Database, Key, file_bytes, normalize};
use geoip_tools::input::{self, Progress, Source};
use libfuzzer_sys::fuzz_target;
use shim::geoip::file::RangeFile;

fn quoted(fields: &[String]) -> String {
    let f: Vec<String> = fields
        .iter()
        .map(|f| format!("\"{}\"", f.replace('"', "\"\"")))
        .collect();
    f.join(",") + "\n"
}

fn files_valid<K: Key>(db: Database<K>) {
    for (_, mut e) in db.entries {
        let v4 = file_bytes(&normalize(&mut e.v4));
        let v6 = file_bytes(&normalize(&mut e.v6));
        assert!(RangeFile::<u32>::parse(&v4).is_ok());
        assert!(RangeFile::<u128>::parse(&v6).is_ok());
    }
}

fuzz_target!(|bytes: &[u8]| {
    let mut reader = Reader::new(bytes);
    let mut last = 0;
    while let Some(record) = reader.next_record() {
        let Ok((line, fields)) = record else { break };
        assert!(line > last && line <= reader.lines());
        last = line;
        let text = quoted(&fields);
        let mut again = Reader::new(text.as_bytes());
        let (_, round) = again.next_record().unwrap().unwrap();
        assert_eq!(round, fields);
    }
    let src = Source {
        name: "fuzz".into(),
        bytes: bytes.to_vec(),
    };
    let quiet = Progress::new(true);
    let mut db = Database::<Country>::default();
    if input::dbip(&src, &mut db, &quiet).is_ok() {
        files_valid(db);
    }
    let mut db = Database::<Asn>::default();
    let mut zone = Vec::new();
    if input::maxmind_asn(&src, &mut db, Some(&mut zone), &quiet).is_ok() {
        files_valid(db);
    }
});
