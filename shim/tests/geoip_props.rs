// SPDX-License-Identifier: GPL-2.0-only
//! Properties of the geoip/asn database code against a direct model: a range list is a set of
//! addresses, and every step (file validation, union, Eytzinger layout, search) must keep it.
use proptest::prelude::*;
use shim::geoip::file::{RangeFile, write};
use shim::geoip::merge::{Coalesce, union};
use shim::geoip::{Addr, MAX_SOURCES, Range, eytzinger};

/// Random ranges over a small address span, so that they overlap often; on a grid of 8, and
/// most ending just before a grid point, so that they also touch often.
fn ranges(span: u32, max: usize) -> impl Strategy<Value = Vec<Range<u32>>> {
    prop::collection::vec((0..span / 8, 0..span / 32, any::<bool>()), 0..max).prop_map(|v| {
        v.into_iter()
            .map(|(x, y, touching)| {
                let begin = 8 * x;
                Range::new(begin, begin + 8 * y + if touching { 7 } else { 3 })
            })
            .collect()
    })
}

/// A valid file of the set of addresses `ranges` covers: sorted and coalesced.
fn file_bytes<A: Addr>(mut ranges: Vec<Range<A>>) -> Vec<u8> {
    ranges.sort();
    let merged: Vec<_> = Coalesce::new(ranges.into_iter()).collect();
    let mut out = vec![0; merged.len() * 2 * A::BYTES];
    assert_eq!(write(merged, &mut out), Some(out.len()));
    out
}

/// The test's address types as `u128`, for neighbours of an address.
trait Wide: Addr {
    fn wide(self) -> u128;
    fn narrow(v: u128) -> Self;
}

impl Wide for u32 {
    fn wide(self) -> u128 {
        self.into()
    }
    fn narrow(v: u128) -> Self {
        v as u32
    }
}

impl Wide for u128 {
    fn wide(self) -> u128 {
        self
    }
    fn narrow(v: u128) -> Self {
        v
    }
}

/// The addresses where membership may change: every range's edges and their neighbours.
fn probes<A: Wide>(ranges: &[Range<A>], extra: &[A]) -> Vec<A> {
    let mut p: Vec<A> = extra.to_vec();
    for r in ranges {
        p.extend([r.begin, r.end]);
        p.extend(r.end.successor());
        p.extend(r.begin.wide().checked_sub(1).map(A::narrow));
    }
    p
}

/// Membership by the model: any input range holds the address.
fn model<A: Addr>(inputs: &[Vec<Range<A>>], addr: A) -> bool {
    inputs
        .iter()
        .flatten()
        .any(|r| r.begin <= addr && addr <= r.end)
}

/// Union + layout + search of `inputs` (each made a valid file) agree with the model.
fn check_union<A: Wide>(inputs: Vec<Vec<Range<A>>>, extra: &[A]) -> Result<(), TestCaseError> {
    let files: Vec<Vec<u8>> = inputs.iter().map(|r| file_bytes(r.clone())).collect();
    for f in &files {
        RangeFile::<A>::parse(f).expect("a coalesced file is valid");
    }
    let merged: Vec<Range<A>> = union::<A>(files.iter().map(Vec::as_slice)).unwrap().collect();
    for pair in merged.windows(2) {
        // Ascending, disjoint and not even adjacent.
        prop_assert!(
            pair[0]
                .end
                .successor()
                .is_some_and(|after| after < pair[1].begin)
        );
    }
    let mut begins = vec![A::MIN; merged.len() + 1];
    let mut ends = vec![A::MIN; merged.len() + 1];
    eytzinger::write(merged.iter().copied(), &mut begins, &mut ends).unwrap();
    prop_assert_eq!(
        eytzinger::ranges(&begins, &ends).collect::<Vec<_>>(),
        merged.clone()
    );
    let all: Vec<Range<A>> = inputs.iter().flatten().copied().collect();
    for addr in probes(&all, extra) {
        let want = model(&inputs, addr);
        prop_assert_eq!(
            eytzinger::contains(&begins, &ends, addr),
            want,
            "addr {:?}",
            addr
        );
        prop_assert_eq!(merged.iter().any(|r| r.contains(addr)), want);
    }
    Ok(())
}

proptest! {
    #[test]
    fn union_v4(inputs in prop::collection::vec(ranges(4096, 40), 0..=MAX_SOURCES), extra: Vec<u32>) {
        check_union(inputs, &extra)?;
    }

    #[test]
    fn union_v4_wide(inputs in prop::collection::vec(
        prop::collection::vec(any::<(u32, u32)>().prop_map(|(a, b)| Range::new(a.min(b), a.max(b))), 0..20),
        1..4), extra: Vec<u32>) {
        check_union(inputs, &extra)?;
    }

    #[test]
    fn union_v6(inputs in prop::collection::vec(
        prop::collection::vec((any::<u128>(), 0u128..1 << 100, any::<bool>()).prop_map(|(b, len, top)| {
            let b = if top { b | (u128::MAX << 120) } else { b };
            Range::new(b, b.saturating_add(len))
        }), 0..20), 0..8), extra: Vec<u128>) {
        check_union(inputs, &extra)?;
    }

    /// Any bytes: refused, or a file of ascending disjoint ranges of the bytes' size.
    #[test]
    fn any_file(bytes in prop::collection::vec(any::<u8>(), 0..200), sorted: bool) {
        // Sorting the 8-byte records' first byte makes valid files likelier.
        let mut bytes = bytes;
        if sorted {
            let mut records: Vec<Vec<u8>> = bytes.chunks(8).map(|c| c.to_vec()).collect();
            records.sort();
            bytes = records.concat();
        }
        if let Ok(file) = RangeFile::<u32>::parse(&bytes) {
            prop_assert_eq!(file.len() * 8, bytes.len());
            let ranges: Vec<_> = file.ranges().collect();
            prop_assert!(ranges.iter().all(|r| r.begin <= r.end));
            prop_assert!(ranges.windows(2).all(|p| p[0].end < p[1].begin));
        }
        let _ = RangeFile::<u128>::parse(&bytes).map(|f| f.ranges().count());
    }

    /// Arrays of any contents: the search never faults, and finds a range only if it holds
    /// the address.
    #[test]
    fn search_any_arrays(begins: Vec<u32>, ends: Vec<u32>, addr: u32) {
        if eytzinger::contains(&begins, &ends, addr) {
            let k = eytzinger::first_end_at_least(&ends[..begins.len().min(ends.len())], addr);
            prop_assert!(begins[k] <= addr && addr <= ends[k]);
        }
    }
}
