// SPDX-License-Identifier: GPL-2.0-only
//! Fuzzes the geoip/asn database path the kernel runs on files it reads
//! (`shim::geoip`): any bytes as IPv4 and IPv6 files are refused or give
//! ascending disjoint ranges; the union of the accepted ones, laid out in
//! Eytzinger order, holds exactly the addresses some input range holds
//! (checked at every range edge and at the fuzzer's own addresses).
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use shim::geoip::file::RangeFile;
use shim::geoip::merge::union;
use shim::geoip::{Addr, Range, eytzinger};

#[derive(Arbitrary, Debug)]
struct Input {
    files: Vec<Vec<u8>>,
    probes4: Vec<u32>,
    probes6: Vec<u128>,
}

fn family<A: Addr>(files: &[Vec<u8>], probes: &[A], wide: fn(A) -> u128, narrow: fn(u128) -> A) {
    let valid: Vec<&[u8]> = files
        .iter()
        .map(Vec::as_slice)
        .filter(|f| RangeFile::<A>::parse(f).is_ok())
        .collect();
    let parsed: Vec<RangeFile<A>> = valid
        .iter()
        .filter_map(|f| RangeFile::parse(f).ok())
        .collect();
    for file in &parsed {
        let ranges: Vec<Range<A>> = file.ranges().collect();
        assert!(ranges.iter().all(|r| r.begin <= r.end));
        assert!(ranges.windows(2).all(|p| p[0].end < p[1].begin));
    }
    // All the files at once: refused exactly when one is invalid or there are too many.
    let all = union::<A>(files.iter().map(Vec::as_slice));
    let max = shim::geoip::MAX_SOURCES;
    assert_eq!(
        all.is_ok(),
        valid.len() == files.len() && files.len() <= max
    );
    let Ok(merged) = union::<A>(valid.iter().copied()) else {
        assert!(valid.len() > max);
        return;
    };
    let merged: Vec<Range<A>> = merged.collect();
    assert!(
        merged
            .windows(2)
            .all(|p| p[0].end.successor().is_some_and(|a| a < p[1].begin))
    );
    let mut begins = vec![A::MIN; merged.len() + 1];
    let mut ends = vec![A::MIN; merged.len() + 1];
    eytzinger::write(merged.iter().copied(), &mut begins, &mut ends).unwrap();
    let inputs: Vec<Range<A>> = parsed.iter().flat_map(|f| f.ranges()).collect();
    let edges = inputs.iter().flat_map(|r| {
        let (b, e) = (wide(r.begin), wide(r.end));
        [b.wrapping_sub(1), b, e, e.wrapping_add(1)]
    });
    for addr in probes.iter().copied().chain(edges.map(narrow)) {
        let want = inputs.iter().any(|r| r.contains(addr));
        assert_eq!(eytzinger::contains(&begins, &ends, addr), want, "{addr:?}");
    }
}

fuzz_target!(|input: Input| {
    family::<u32>(&input.files, &input.probes4, u128::from, |v| v as u32);
    family::<u128>(&input.files, &input.probes6, |v| v, |v| v);
});
