// SPDX-License-Identifier: GPL-2.0-only
use super::*;
use proptest::prelude::*;

const fn ip(a: u8, b: u8, c: u8, d: u8) -> u32 {
    u32::from_be_bytes([a, b, c, d])
}

fn mask(prefix: u32) -> u32 {
    u32::MAX.checked_shl(32 - prefix).unwrap_or(0)
}

#[test]
fn valid_networks() {
    for prefix in [0, 8, 9, 16, 23, 24, 31, 32] {
        let net = Net::new(ip(10, 0, 0, 0) & mask(prefix), mask(prefix)).unwrap();
        assert_eq!(net.prefix(), prefix);
    }
    assert_eq!(Net::new(0, 0).unwrap().slot_bits(), 0);
    assert_eq!(Net::new(ip(10, 0, 0, 0), mask(8)).unwrap().slot_bits(), 24);
    assert_eq!(Net::new(ip(10, 1, 2, 3), mask(32)).unwrap().slot_bits(), 0);
}

#[test]
fn refused_networks() {
    assert_eq!(Net::new(0, ip(255, 0, 255, 0)), Err(Error::Mask));
    assert_eq!(Net::new(0, 1), Err(Error::Mask));
    for prefix in 1..MIN_PREFIX {
        assert_eq!(Net::new(0, mask(prefix)), Err(Error::TooBig));
    }
    assert_eq!(Net::new(ip(10, 0, 0, 1), mask(24)), Err(Error::HostBits));
    assert_eq!(Net::new(ip(1, 2, 3, 4), 0), Err(Error::HostBits));
}

#[test]
fn names() {
    let mut name = [0u8; NAME_SIZE];
    assert_eq!(check_rule(0, 0, &name), Err(Error::NameEmpty));
    name[..2].copy_from_slice(b"lo");
    assert!(check_rule(0, 0, &name).is_ok());
    name = [b'a'; NAME_SIZE];
    assert_eq!(check_rule(0, 0, &name), Err(Error::NameLong));
    name[NAME_SIZE - 1] = 0;
    assert!(check_rule(0, 0, &name).is_ok());
    // A NUL only beyond the 32-byte buffer does not count.
    let mut long = [b'a'; NAME_SIZE + 1];
    long[NAME_SIZE] = 0;
    assert_eq!(check_rule(0, 0, &long), Err(Error::NameLong));
    assert_eq!(check_rule(0, 0, &[]), Err(Error::NameLong));
}

#[test]
fn slash_zero_counts_everything_as_source_of_slot_zero() {
    let net = Net::new(0, 0).unwrap();
    let hits = net.classify(ip(1, 2, 3, 4), ip(5, 6, 7, 8));
    assert_eq!(
        hits,
        Hits {
            src: Some(0),
            dst: None
        }
    );
    assert_eq!(net.slot_addr(0), Some(0));
    assert_eq!(net.slot_addr(1), None);
}

#[test]
fn inside_outside() {
    let net = Net::new(ip(127, 0, 0, 0), mask(24)).unwrap();
    let hits = net.classify(ip(127, 0, 0, 1), ip(127, 0, 0, 2));
    assert_eq!(
        hits,
        Hits {
            src: Some(1),
            dst: Some(2)
        }
    );
    let hits = net.classify(ip(127, 0, 1, 1), ip(127, 0, 0, 200));
    assert_eq!(
        hits,
        Hits {
            src: None,
            dst: Some(200)
        }
    );
    assert_eq!(
        net.classify(ip(8, 8, 8, 8), ip(9, 9, 9, 9)),
        Hits::default()
    );
    assert_eq!(net.slot_addr(255), Some(ip(127, 0, 0, 255)));
    assert_eq!(net.slot_addr(256), None);
}

#[test]
fn slash_eight_slots() {
    let net = Net::new(ip(10, 0, 0, 0), mask(8)).unwrap();
    let hits = net.classify(ip(10, 1, 2, 3), ip(10, 255, 255, 255));
    assert_eq!(
        hits,
        Hits {
            src: Some(0x01_02_03),
            dst: Some(0xff_ff_ff)
        }
    );
    assert_eq!(net.slot_addr(0xff_ff_ff), Some(ip(10, 255, 255, 255)));
    assert_eq!(net.slot_addr(1 << 24), None);
}

#[test]
fn net_words_for_the_kernel() {
    let net = Net::new(ip(10, 1, 0, 0), mask(16)).unwrap();
    assert_eq!((net.addr(), net.mask()), (ip(10, 1, 0, 0), mask(16)));
    assert_eq!(Net::new(0, 0).unwrap().mask(), 0);
    assert_eq!(
        Net::new(ip(10, 1, 2, 3), mask(32)).unwrap().mask(),
        u32::MAX
    );
}

proptest! {
    /// Validated once, a network classifies packets exactly as it did when
    /// validated each time; any other words are harmless: slots hold only
    /// bits outside the mask, and at most slot 0 for a zero mask.
    #[test]
    fn classify_masked_any_words(addr: u32, m: u32, src: u32, dst: u32) {
        let hits = classify_masked(addr, m, src, dst);
        if let Ok(net) = Net::new(addr, m) {
            prop_assert_eq!(hits, net.classify(src, dst));
        }
        for slot in [hits.src, hits.dst].into_iter().flatten() {
            prop_assert_eq!(slot & m, 0);
        }
        if m == 0 {
            prop_assert_eq!(hits, Hits { src: Some(0), dst: None });
        }
    }
}
