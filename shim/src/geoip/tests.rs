// SPDX-License-Identifier: GPL-2.0-only
use super::eytzinger::{self, LayoutError};
use super::file::{FileError, RangeFile, write};
use super::merge::{Coalesce, UnionError, union};
use super::*;
use std::vec;
use std::vec::Vec;

fn r4(begin: u32, end: u32) -> Range<u32> {
    Range::new(begin, end)
}

fn bytes4(ranges: &[(u32, u32)]) -> Vec<u8> {
    ranges
        .iter()
        .flat_map(|&(b, e)| b.to_be_bytes().into_iter().chain(e.to_be_bytes()))
        .collect()
}

#[test]
fn file_accepts_upstreams_format() {
    // 1.0.0.0-1.0.0.255 and 1.0.4.0-1.0.8.255, as upstream's xt_geoip_build writes them.
    let bytes = [1, 0, 0, 0, 1, 0, 0, 0xff, 1, 0, 4, 0, 1, 0, 8, 0xff];
    let file = RangeFile::<u32>::parse(&bytes).unwrap();
    assert_eq!(file.len(), 2);
    let ranges: Vec<_> = file.ranges().collect();
    assert_eq!(
        ranges,
        [r4(0x0100_0000, 0x0100_00ff), r4(0x0100_0400, 0x0100_08ff)]
    );
    assert!(RangeFile::<u32>::parse(&[]).unwrap().is_empty());
    let v6 = [
        [0x20, 1, 0x0d, 0xb8].as_slice(),
        &[0; 12],
        &[0x20, 1, 0x0d, 0xb8],
        &[0xff; 12],
    ]
    .concat();
    let file = RangeFile::<u128>::parse(&v6).unwrap();
    assert_eq!(
        file.ranges().collect::<Vec<_>>(),
        [Range::new(
            0x2001_0db8u128 << 96,
            (0x2001_0db8u128 << 96) | (u128::MAX >> 32)
        )]
    );
}

#[test]
fn file_refuses_what_upstream_searches_blindly() {
    let parse = |r: &[(u32, u32)]| RangeFile::<u32>::parse(&bytes4(r)).map(|f| f.len());
    assert_eq!(parse(&[(1, 2), (3, 4)]), Ok(2)); // adjacent is fine
    assert_eq!(parse(&[(5, 5)]), Ok(1));
    assert_eq!(
        parse(&[(1, 2), (4, 3)]),
        Err(FileError::Reversed { index: 1 })
    );
    assert_eq!(
        parse(&[(5, 6), (1, 2)]),
        Err(FileError::Unsorted { index: 1 })
    );
    assert_eq!(
        parse(&[(1, 5), (5, 6)]),
        Err(FileError::Overlap { index: 1 })
    );
    assert_eq!(
        parse(&[(1, 9), (2, 3)]),
        Err(FileError::Overlap { index: 1 })
    );
    assert_eq!(
        parse(&[(1, 2), (1, 2)]),
        Err(FileError::Overlap { index: 1 })
    );
    let mut cut = bytes4(&[(1, 2)]);
    cut.pop();
    assert_eq!(
        RangeFile::<u32>::parse(&cut).map(|f| f.len()),
        Err(FileError::Truncated { len: 7, record: 8 })
    );
    assert_eq!(
        RangeFile::<u128>::parse(&[0; 16]).map(|f| f.len()),
        Err(FileError::Truncated {
            len: 16,
            record: 32
        })
    );
}

#[test]
fn file_round_trip() {
    let ranges = [r4(0, 0), r4(2, 0x7fff_ffff), r4(0x8000_0000, u32::MAX)];
    let mut out = [0u8; 24];
    assert_eq!(write(ranges, &mut out), Some(24));
    assert_eq!(
        RangeFile::<u32>::parse(&out)
            .unwrap()
            .ranges()
            .collect::<Vec<_>>(),
        ranges
    );
    assert_eq!(write(ranges, &mut [0u8; 23]), None);
}

#[test]
fn coalesce_merges_overlapping_and_adjacent() {
    let input = [
        r4(1, 3),
        r4(2, 2),
        r4(4, 6),
        r4(8, 9),
        r4(8, 12),
        r4(9, 5),
        r4(20, 20),
    ];
    let merged: Vec<_> = Coalesce::new(input.into_iter()).collect();
    assert_eq!(merged, [r4(1, 6), r4(8, 12), r4(20, 20)]);
    let top: Vec<_> = Coalesce::new([r4(0, u32::MAX), r4(7, 9)].into_iter()).collect();
    assert_eq!(top, [r4(0, u32::MAX)]);
    assert_eq!(Coalesce::new([r4(3, 2)].into_iter()).count(), 0);
}

#[test]
fn union_of_files() {
    let a = bytes4(&[(1, 2), (10, 20), (40, 40)]);
    let b = bytes4(&[(3, 5), (15, 30)]);
    let c = bytes4(&[]);
    let files = [&a[..], &b, &c];
    let merged: Vec<_> = union::<u32>(files).unwrap().collect();
    assert_eq!(merged, [r4(1, 5), r4(10, 30), r4(40, 40)]);
    let many = vec![&c[..]; MAX_SOURCES + 1];
    assert_eq!(union::<u32>(many.iter().copied()).err(), Some(UnionError::TooManySources));
    assert_eq!(union::<u32>(many[..MAX_SOURCES].iter().copied()).unwrap().count(), 0);
    let bad = bytes4(&[(5, 1)]);
    assert_eq!(
        union::<u32>([&a[..], &bad]).err(),
        Some(UnionError::File { index: 1, error: FileError::Reversed { index: 0 } })
    );
}

/// Lays `ranges` out and returns the two arrays.
fn layout(ranges: &[Range<u32>]) -> (Vec<u32>, Vec<u32>) {
    let mut begins = vec![0; ranges.len() + 1];
    let mut ends = vec![0; ranges.len() + 1];
    eytzinger::write(ranges.iter().copied(), &mut begins, &mut ends).unwrap();
    (begins, ends)
}

#[test]
fn eytzinger_order() {
    let ranges: Vec<_> = (0..6).map(|i| r4(10 * i, 10 * i + 5)).collect();
    let (begins, ends) = layout(&ranges);
    // Tree of 6: in-order slots 4 2 5 1 6 3.
    assert_eq!(begins, [0, 30, 10, 50, 0, 20, 40]);
    assert_eq!(ends, [0, 35, 15, 55, 5, 25, 45]);
    assert_eq!(
        eytzinger::ranges(&begins, &ends).collect::<Vec<_>>(),
        ranges
    );
}

#[test]
fn eytzinger_lookup_every_address() {
    for n in 0..40u32 {
        let ranges: Vec<_> = (0..n).map(|i| r4(4 * i + 1, 4 * i + 2)).collect();
        let (begins, ends) = layout(&ranges);
        for addr in 0..4 * n + 4 {
            let want = ranges.iter().any(|r| r.contains(addr));
            assert_eq!(
                eytzinger::contains(&begins, &ends, addr),
                want,
                "n {n} addr {addr}"
            );
        }
    }
    let (begins, ends) = layout(&[r4(0, 0), r4(u32::MAX, u32::MAX)]);
    for (addr, want) in [
        (0, true),
        (1, false),
        (u32::MAX - 1, false),
        (u32::MAX, true),
    ] {
        assert_eq!(eytzinger::contains(&begins, &ends, addr), want);
    }
}

#[test]
fn eytzinger_refuses_bad_input() {
    let mut b = [0u32; 3];
    let mut e = [0u32; 3];
    let mut write = |r: &[Range<u32>]| eytzinger::write(r.iter().copied(), &mut b, &mut e);
    assert_eq!(write(&[r4(1, 2)]), Err(LayoutError::Count));
    assert_eq!(
        write(&[r4(1, 2), r4(3, 4), r4(5, 6)]),
        Err(LayoutError::Count)
    );
    assert_eq!(write(&[r4(1, 2), r4(2, 4)]), Err(LayoutError::Order));
    assert_eq!(write(&[r4(3, 4), r4(1, 2)]), Err(LayoutError::Order));
    assert_eq!(write(&[r4(2, 1), r4(3, 4)]), Err(LayoutError::Order));
    assert_eq!(write(&[r4(1, 2), r4(3, 4)]), Ok(()));
    assert_eq!(
        eytzinger::write([], &mut [0u32; 2], &mut [0u32; 1]),
        Err(LayoutError::Slots)
    );
    assert_eq!(
        eytzinger::write([], &mut [0u32; 0], &mut [0u32; 0]),
        Err(LayoutError::Slots)
    );
    assert_eq!(eytzinger::write([], &mut [7u32; 1], &mut [7u32; 1]), Ok(()));
    // Arrays of any length and content are searched without fault.
    assert!(!eytzinger::contains::<u32>(&[], &[], 5));
    assert!(!eytzinger::contains::<u32>(&[0, 9, 9], &[0], 5));
    let _ = eytzinger::contains::<u32>(&[0, 9, 1, 2, 3], &[0, 1, 2, 3], 2);
}

#[test]
fn halves_order_as_u128() {
    let values = [0u128, 1, u64::MAX as u128, 1 << 64, (1 << 64) + 1, u128::MAX - 1, u128::MAX];
    for &a in &values {
        let h = <[u64; 2]>::from_be_slice(&a.to_be_bytes()).unwrap();
        assert_eq!(h, [(a >> 64) as u64, a as u64]);
        let mut back = [0u8; 16];
        h.write_be(&mut back).unwrap();
        assert_eq!(u128::from_be_bytes(back), a);
        let succ = h.successor().map(|s| (u128::from(s[0]) << 64) | u128::from(s[1]));
        assert_eq!(succ, a.checked_add(1));
        for &b in &values {
            let hb = <[u64; 2]>::from_be_slice(&b.to_be_bytes()).unwrap();
            assert_eq!(h.cmp(&hb), a.cmp(&b));
        }
    }
}
