// SPDX-License-Identifier: GPL-2.0-only
use super::*;
use crate::account::NAME_SIZE;

/// An address from its eight 16-bit groups.
fn a6(groups: [u16; 8]) -> Addr {
    let mut addr = [0u8; 16];
    for (pair, group) in addr.chunks_exact_mut(2).zip(groups) {
        pair.copy_from_slice(&group.to_be_bytes());
    }
    addr
}

const DB8: [u16; 8] = [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0];

fn with(groups: [u16; 8], last: u16) -> Addr {
    let mut g = groups;
    g[7] = last;
    a6(g)
}

#[test]
fn valid_and_refused_networks() {
    for prefix in [0, 1, 7, 32, 64, 120, 127, 128] {
        let net = Net6::new(a6(DB8), prefix).ok();
        // 2001:db8:: has bits up to 29: prefixes below 29 leave host bits.
        assert_eq!(net.is_some(), prefix >= 29, "/{prefix}");
        assert!(Net6::new([0; 16], prefix).is_ok());
    }
    assert_eq!(Net6::new([0; 16], 129), Err(Error::Prefix));
    assert_eq!(Net6::new([0; 16], u32::MAX), Err(Error::Prefix));
    assert_eq!(Net6::new(with(DB8, 1), 64), Err(Error::HostBits));
    assert_eq!(Net6::new(with(DB8, 1), 127), Err(Error::HostBits));
    assert!(Net6::new(with(DB8, 1), 128).is_ok());
    assert_eq!(Net6::new([0xff; 16], 0), Err(Error::HostBits));
}

#[test]
fn names() {
    let mut name = [0u8; NAME_SIZE];
    assert_eq!(check_rule6([0; 16], 0, &name), Err(Error::NameEmpty));
    name[..2].copy_from_slice(b"t6");
    assert!(check_rule6([0; 16], 0, &name).is_ok());
    assert_eq!(check_rule6([0; 16], 129, &name), Err(Error::Prefix));
    name = [b'a'; NAME_SIZE];
    assert_eq!(check_rule6([0; 16], 0, &name), Err(Error::NameLong));
}

#[test]
fn slash_zero_counts_everything_as_source_of_unspecified() {
    let net = Net6::new([0; 16], 0).unwrap();
    assert_eq!(
        net.classify(with(DB8, 1), a6([0xfe80, 0, 0, 0, 0, 0, 0, 2])),
        Hits6 {
            src: Some([0; 16]),
            dst: None
        }
    );
}

#[test]
fn inside_outside() {
    let net = Net6::new(a6(DB8), 64).unwrap();
    let (one, two) = (with(DB8, 1), with(DB8, 2));
    let outside = a6([0x2001, 0xdb8, 0, 1, 0, 0, 0, 1]);
    assert_eq!(
        net.classify(one, two),
        Hits6 {
            src: Some(one),
            dst: Some(two)
        }
    );
    assert_eq!(
        net.classify(outside, two),
        Hits6 {
            src: None,
            dst: Some(two)
        }
    );
    assert_eq!(net.classify(outside, outside), Hits6::default());

    let host = Net6::new(one, 128).unwrap();
    assert_eq!(
        host.classify(one, two),
        Hits6 {
            src: Some(one),
            dst: None
        }
    );
    // A /120 holds the last byte's 256 addresses only.
    let net120 = Net6::new(a6(DB8), 120).unwrap();
    assert!(net120.contains(with(DB8, 0xff)));
    assert!(!net120.contains(with(DB8, 0x100)));
    assert_eq!(net120.addr(), a6(DB8));
    assert_eq!(net120.prefix(), 120);
}

/// The 64-bit SipHash-2-4 vectors of the reference implementation (key
/// 00 01 .. 0f, message 00 01 .. n-1) for the one length hashed here, 16.
#[test]
fn siphash_reference_vector() {
    let key = [0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908];
    let msg: Addr = core::array::from_fn(|i| i as u8);
    assert_eq!(hash(key, &msg), 0x3f2a_cc7f_57c2_9bdb);
}

/// The same function as core's SipHasher (SipHash-2-4) for the same bytes.
#[test]
#[allow(deprecated)]
fn siphash_matches_core() {
    use core::hash::{Hasher, SipHasher};
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..1000 {
        let key = [next(), next()];
        let addr = u128::from(next()) << 64 | u128::from(next());
        let addr = addr.to_be_bytes();
        let mut core_hash = SipHasher::new_with_keys(key[0], key[1]);
        core_hash.write(&addr);
        assert_eq!(hash(key, &addr), core_hash.finish());
    }
}
