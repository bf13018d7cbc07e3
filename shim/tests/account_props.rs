// SPDX-License-Identifier: GPL-2.0-only
//! Properties of the xt_ACCOUNT arithmetic against a direct model.
use proptest::prelude::*;
use shim::account::v6::{Net6, check_rule6};
use shim::account::{Error, MIN_PREFIX, Net};

fn mask(prefix: u32) -> u32 {
    u32::MAX.checked_shl(32 - prefix).unwrap_or(0)
}

proptest! {
    /// Every mask is either refused or gives back its own prefix; nothing panics.
    #[test]
    fn any_mask(addr: u32, m: u32) {
        match Net::new(addr, m) {
            Ok(net) => {
                prop_assert_eq!(mask(net.prefix()), m);
                prop_assert!(net.prefix() == 0 || net.prefix() >= MIN_PREFIX);
                prop_assert_eq!(addr & !m, 0);
            }
            Err(Error::Mask) => prop_assert_ne!(mask(m.leading_ones()), m),
            Err(Error::TooBig) => prop_assert!((1..MIN_PREFIX).contains(&m.leading_ones())),
            Err(Error::HostBits) => prop_assert_ne!(addr & !m, 0),
            Err(e) => prop_assert!(false, "unexpected {:?}", e),
        }
    }

    /// An address is in the table exactly when its network bits match; its
    /// slot is below the table size and maps back to the address.
    #[test]
    fn slot_round_trip(prefix in prop_oneof![Just(0u32), 8u32..=32], base: u32, src: u32, dst: u32) {
        let net = Net::new(base & mask(prefix), mask(prefix)).unwrap();
        let hits = net.classify(src, dst);
        if prefix == 0 {
            prop_assert_eq!(hits.src, Some(0));
            prop_assert_eq!(hits.dst, None);
        } else {
            for (addr, hit) in [(src, hits.src), (dst, hits.dst)] {
                let inside = addr & mask(prefix) == net.addr();
                prop_assert_eq!(hit.is_some(), inside);
                if let Some(slot) = hit {
                    prop_assert!(u64::from(slot) < 1u64 << net.slot_bits());
                    prop_assert_eq!(net.slot_addr(slot), Some(addr));
                }
            }
        }
    }

    /// Any IPv6 network is refused or valid for exactly the model's reasons.
    #[test]
    fn any_net6(addr: u128, prefix in 0u32..=140) {
        let host_bits = if prefix >= 128 { 0 } else { u128::MAX >> prefix };
        match check_rule6(addr.to_be_bytes(), prefix, b"t6\0") {
            Ok(net) => {
                prop_assert!(prefix <= 128 && addr & host_bits == 0);
                prop_assert_eq!(net.addr(), addr.to_be_bytes());
            }
            Err(Error::Prefix) => prop_assert!(prefix > 128),
            Err(Error::HostBits) => prop_assert!(prefix <= 128 && addr & host_bits != 0),
            Err(e) => prop_assert!(false, "unexpected {:?}", e),
        }
    }

    /// An IPv6 address counts exactly when its first prefix bits are the
    /// network's, and as itself; ::/0 counts only the source, as ::.
    #[test]
    fn classify6(prefix in 0u32..=128, base: u128, src: u128, dst: u128, src_inside: bool) {
        let host_bits = if prefix == 128 { 0 } else { u128::MAX >> prefix };
        let net = Net6::new((base & !host_bits).to_be_bytes(), prefix).unwrap();
        // Half the time a source inside: the network's bits, then src's.
        let src = if src_inside { (base & !host_bits) | (src & host_bits) } else { src };
        let hits = net.classify(src.to_be_bytes(), dst.to_be_bytes());
        if prefix == 0 {
            prop_assert_eq!(hits.src, Some([0; 16]));
            prop_assert_eq!(hits.dst, None);
        } else {
            for (addr, hit) in [(src, hits.src), (dst, hits.dst)] {
                let inside = addr & !host_bits == base & !host_bits;
                prop_assert_eq!(hit, inside.then_some(addr.to_be_bytes()));
            }
        }
    }
}
