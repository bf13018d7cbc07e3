// SPDX-License-Identifier: GPL-2.0-only
//! Fuzzes the xt_ACCOUNT IPv6 decisions (`shim::account::v6`): rule
//! validation, which addresses of a table a packet counts for, and the keyed
//! bucket hash, against a direct model (u128 masks, core's SipHasher).
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use shim::account::Error;
use shim::account::v6::{Hits6, check_rule6, hash};

#[derive(Arbitrary, Debug)]
struct Input {
    net: [u8; 16],
    prefix: u8,
    name: Vec<u8>,
    src: [u8; 16],
    dst: [u8; 16],
    key: [u64; 2],
}

/// The rule's verdict by the model: name first, then prefix, then host bits.
fn model_check(input: &Input) -> Result<(), Error> {
    match input.name.iter().take(32).position(|&b| b == 0) {
        None => return Err(Error::NameLong),
        Some(0) => return Err(Error::NameEmpty),
        Some(_) => {}
    }
    if input.prefix > 128 {
        return Err(Error::Prefix);
    }
    if u128::from_be_bytes(input.net) & host_mask(input.prefix.into()) != 0 {
        return Err(Error::HostBits);
    }
    Ok(())
}

fn host_mask(prefix: u32) -> u128 {
    u128::MAX.checked_shr(prefix).unwrap_or(0)
}

#[allow(deprecated)] // SipHasher is SipHash-2-4; deprecated only as a HashMap hasher.
fn model_hash(key: [u64; 2], addr: &[u8; 16]) -> u64 {
    use std::hash::{Hasher, SipHasher};
    let mut h = SipHasher::new_with_keys(key[0], key[1]);
    h.write(addr);
    h.finish()
}

fuzz_target!(|input: Input| {
    let verdict = check_rule6(input.net, input.prefix.into(), &input.name);
    assert_eq!(verdict.map(|_| ()), model_check(&input));
    for addr in [&input.src, &input.dst] {
        assert_eq!(hash(input.key, addr), model_hash(input.key, addr));
    }
    let Ok(net) = verdict else { return };
    let inside = |a: [u8; 16]| {
        (u128::from_be_bytes(a) ^ u128::from_be_bytes(input.net)) & !host_mask(input.prefix.into()) == 0
    };
    let want = if input.prefix == 0 {
        Hits6 { src: Some([0; 16]), dst: None }
    } else {
        Hits6 {
            src: inside(input.src).then_some(input.src),
            dst: inside(input.dst).then_some(input.dst),
        }
    };
    assert_eq!(net.classify(input.src, input.dst), want);
});
