// SPDX-License-Identifier: GPL-2.0-only
//! xt_ACCOUNT for IPv6 (target revision 2, an extension of upstream): which
//! addresses of a table a packet counts for, and the keyed hash that places
//! an address in the kernel's hash table of a table.
//!
//! Same semantics as IPv4: a packet counts as source traffic of its source
//! address and destination traffic of its destination address, each only
//! when that address lies in `net/prefix`; `::/0` counts every packet as
//! source traffic of the one address `::`. Any prefix 0..=128 is allowed:
//! the kernel bounds a table by the number of addresses seen, not by the
//! size of the network. Addresses are 16 bytes in network byte order.

#[cfg(test)]
mod tests;

use super::{Error, check_name};

/// Longest prefix: a single address.
pub const MAX_PREFIX: u32 = 128;

/// An IPv6 address as it is in the packet (network byte order).
pub type Addr = [u8; 16];

/// An accounted IPv6 network, validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Net6 {
    addr: u128,
    prefix: u32,
}

/// What one packet does to an IPv6 table: the addresses whose source and
/// destination counters it increments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Hits6 {
    /// Address whose source counters grow, if any.
    pub src: Option<Addr>,
    /// Address whose destination counters grow, if any.
    pub dst: Option<Addr>,
}

impl Net6 {
    /// Validates a network given as address and prefix length.
    pub fn new(addr: Addr, prefix: u32) -> Result<Net6, Error> {
        if prefix > MAX_PREFIX {
            return Err(Error::Prefix);
        }
        let addr = u128::from_be_bytes(addr);
        if addr & !mask(prefix) != 0 {
            return Err(Error::HostBits);
        }
        Ok(Net6 { addr, prefix })
    }

    /// The network address.
    #[must_use]
    pub fn addr(self) -> Addr {
        self.addr.to_be_bytes()
    }

    /// The prefix length, 0..=128.
    #[must_use]
    pub fn prefix(self) -> u32 {
        self.prefix
    }

    /// Whether `addr` lies in the network.
    #[must_use]
    pub fn contains(self, addr: Addr) -> bool {
        u128::from_be_bytes(addr) & mask(self.prefix) == self.addr
    }

    /// Which counters a packet from `src` to `dst` updates.
    #[must_use]
    pub fn classify(self, src: Addr, dst: Addr) -> Hits6 {
        if self.prefix == 0 {
            return Hits6 {
                src: Some([0; 16]),
                dst: None,
            };
        }
        Hits6 {
            src: self.contains(src).then_some(src),
            dst: self.contains(dst).then_some(dst),
        }
    }
}

/// The netmask of a prefix length of at most 128.
fn mask(prefix: u32) -> u128 {
    u128::MAX.checked_shl(MAX_PREFIX - prefix).unwrap_or(0)
}

/// Validates an IPv6 rule: its network and its table name (the whole
/// `table_name` buffer), as [`check_rule`](super::check_rule) does for IPv4.
pub fn check_rule6(addr: Addr, prefix: u32, name: &[u8]) -> Result<Net6, Error> {
    check_name(name)?;
    Net6::new(addr, prefix)
}

/// SipHash-2-4 (Aumasson and Bernstein, 2012) of one address under `key`
/// (k0, k1 as the reference code reads its 16-byte key, little-endian).
/// Keyed with a secret random key per table, so that senders cannot choose
/// addresses that land in one hash bucket.
#[must_use]
pub fn hash(key: [u64; 2], addr: &Addr) -> u64 {
    let mut s = SipState::new(key);
    // The two 8-byte message words, each read little-endian.
    let words = u128::from_le_bytes(*addr);
    s.compress(words as u64);
    s.compress((words >> 64) as u64);
    // The last block holds only the message length (16) in its top byte.
    s.compress(16u64 << 56);
    s.v[2] ^= 0xff;
    for _ in 0..4 {
        s.round();
    }
    s.v[0] ^ s.v[1] ^ s.v[2] ^ s.v[3]
}

struct SipState {
    v: [u64; 4],
}

impl SipState {
    fn new([k0, k1]: [u64; 2]) -> SipState {
        SipState {
            v: [
                k0 ^ 0x736f_6d65_7073_6575,
                k1 ^ 0x646f_7261_6e64_6f6d,
                k0 ^ 0x6c79_6765_6e65_7261,
                k1 ^ 0x7465_6462_7974_6573,
            ],
        }
    }

    fn round(&mut self) {
        let [v0, v1, v2, v3] = &mut self.v;
        *v0 = v0.wrapping_add(*v1);
        *v1 = v1.rotate_left(13) ^ *v0;
        *v0 = v0.rotate_left(32);
        *v2 = v2.wrapping_add(*v3);
        *v3 = v3.rotate_left(16) ^ *v2;
        *v0 = v0.wrapping_add(*v3);
        *v3 = v3.rotate_left(21) ^ *v0;
        *v2 = v2.wrapping_add(*v1);
        *v1 = v1.rotate_left(17) ^ *v2;
        *v2 = v2.rotate_left(32);
    }

    /// Two compression rounds over one 8-byte message word.
    fn compress(&mut self, m: u64) {
        self.v[3] ^= m;
        self.round();
        self.round();
        self.v[0] ^= m;
    }
}
