// SPDX-License-Identifier: GPL-2.0-only
//! Fuzzes the MaxMind DB reader on arbitrary bytes (seed it with real files, see README.md):
//! no panic, no runaway work (nesting, pointer loops, tree cycles are bounded); the networks
//! come out in order, each range within its family; and whatever the country and ASN inputs
//! accept becomes files the kernel module's validator (shim::geoip::file) accepts.
#![no_main]

use geoip_tools::db::{Asn, Country, Database, Key, file_bytes, normalize};
use geoip_tools::input::{self, Source};
use geoip_tools::mmdb::Mmdb;
use libfuzzer_sys::fuzz_target;
use shim::geoip::file::RangeFile;

fn files_valid<K: Key>(db: Database<K>) {
    for (_, mut e) in db.entries {
        assert!(RangeFile::<u32>::parse(&file_bytes(&normalize(&mut e.v4))).is_ok());
        assert!(RangeFile::<u128>::parse(&file_bytes(&normalize(&mut e.v6))).is_ok());
    }
}

fuzz_target!(|bytes: &[u8]| {
    if let Ok(db) = Mmdb::open(bytes) {
        if let Ok(networks) = db.networks() {
            assert!(networks.v4.windows(2).all(|p| p[0].0 <= p[1].0));
            assert!(
                networks
                    .v6
                    .iter()
                    .all(|(r, _)| r.begin <= r.end && r.begin > u128::from(u32::MAX))
            );
            let offsets = networks
                .v4
                .iter()
                .map(|(_, o)| *o)
                .chain(networks.v6.iter().map(|(_, o)| *o));
            for offset in offsets.take(64) {
                let _ = db.record(offset);
            }
        }
    }
    let src = Source {
        name: "fuzz".into(),
        bytes: bytes.to_vec(),
    };
    let mut db = Database::<Country>::default();
    if input::mmdb_country(&src, &mut db).is_ok() {
        files_valid(db);
    }
    let mut db = Database::<Asn>::default();
    if input::mmdb_asn(&src, &mut db).is_ok() {
        files_valid(db);
    }
});
