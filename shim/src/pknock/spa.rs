// SPDX-License-Identifier: GPL-2.0-only
//! Single Packet Authorization: the 65-byte UDP payload of an `--opensecret`
//! / `--closesecret` rule.
//!
//! Payload = the 64 lowercase hex digits of
//! `HMAC-SHA256(secret, src || minute)`, then one byte that is ignored
//! (upstream's client sends a newline). `src` is the packet's source address
//! (4 bytes, or 16 for IPv6, network order), `minute` the wall-clock minutes
//! since the epoch as a little-endian u32.

use crate::ct;
use crate::hex;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroize;

/// Length of an SPA payload.
pub const PAYLOAD_LEN: usize = 65;
/// Hex digits of the HMAC at the start of the payload.
pub const HEX_LEN: usize = 64;

/// The minute an SPA packet must name, given wall-clock seconds since the epoch.
/// Times before the epoch count as minute 0.
#[must_use]
pub fn minute_of(now: i64) -> u32 {
    u32::try_from(now.div_euclid(60)).unwrap_or(if now < 0 { 0 } else { u32::MAX })
}

/// The hex HMAC a peer at `src` must send during `minute`; `None` when `src`
/// is neither 4 nor 16 bytes long.
#[must_use]
pub fn expected_hex(secret: &[u8], src: &[u8], minute: u32) -> Option<[u8; HEX_LEN]> {
    if src.len() != 4 && src.len() != 16 {
        return None;
    }
    let tag = hmac_sha256(secret, &[src, &minute.to_le_bytes()])?;
    let mut out = [0u8; HEX_LEN];
    hex::encode_lower(&tag, &mut out)?;
    Some(out)
}

/// HMAC-SHA256 of the concatenated `parts` (RFC 2104 / 4231).
#[must_use]
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Option<[u8; 32]> {
    // HMAC accepts keys of any length: new_from_slice cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).ok()?;
    for part in parts {
        mac.update(part);
    }
    Some(mac.finalize().into_bytes().into())
}

/// Writes the payload for `minute` (the trailing byte is a newline, as
/// upstream's client sends). `None` when `src` is not 4 or 16 bytes.
#[must_use]
pub fn payload(secret: &[u8], src: &[u8], minute: u32) -> Option<[u8; PAYLOAD_LEN]> {
    let digits = expected_hex(secret, src, minute)?;
    let mut out = [b'\n'; PAYLOAD_LEN];
    out.get_mut(..HEX_LEN)?.copy_from_slice(&digits);
    Some(out)
}

/// Which minute the payload authenticates, trying `now`'s minute and then
/// the previous one (a packet sent at :59 still arrives in time).
/// The comparison is constant-time; any payload not exactly
/// [`PAYLOAD_LEN`] bytes long, or a `src` neither 4 nor 16 bytes long, is
/// refused before hashing. The key is processed once for both minutes, and
/// each expected tag (binary and hex) is wiped after its comparison.
#[must_use]
pub fn verify(secret: &[u8], src: &[u8], payload: &[u8], now: i64) -> Option<u32> {
    if payload.len() != PAYLOAD_LEN || (src.len() != 4 && src.len() != 16) {
        return None;
    }
    let received = payload.get(..HEX_LEN)?;
    // HMAC accepts keys of any length: new_from_slice cannot fail.
    let keyed = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).ok()?;
    let current = minute_of(now);
    [Some(current), current.checked_sub(1)]
        .into_iter()
        .flatten()
        .find(|&minute| {
            let mut mac = keyed.clone();
            mac.update(src);
            mac.update(&minute.to_le_bytes());
            let mut tag: [u8; 32] = mac.finalize().into_bytes().into();
            let mut digits = [0u8; HEX_LEN];
            let same = hex::encode_lower(&tag, &mut digits).is_some() && ct::eq(&digits, received);
            // Volatile writes: the optimiser cannot drop them as dead stores.
            tag.zeroize();
            digits.zeroize();
            same
        })
}
