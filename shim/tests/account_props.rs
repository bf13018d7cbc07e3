//! Properties of the xt_ACCOUNT arithmetic against a direct model.
use proptest::prelude::*;
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
}
