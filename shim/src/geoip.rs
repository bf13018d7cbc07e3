// SPDX-License-Identifier: GPL-2.0-only
//! The geoip and asn matches' databases: upstream's range files, their union, and the
//! lookup the kernel does per packet.
//!
//! A database is one file per country code (or AS number) and family, as upstream's
//! `xt_geoip_build` writes them: `CC.iv4` holds 8-byte records `begin, end` (IPv4 addresses,
//! big-endian, inclusive), `CC.iv6` 32-byte records of two IPv6 addresses. There is no header:
//! the record count is the file size divided by the record size.
//!
//! - [`file`]: validates such a file (whole records, every range `begin <= end`, ranges in
//!   ascending order without overlap) and reads its ranges.
//! - [`merge`]: the union of several files' ranges (a rule names up to 31 codes) as one sorted
//!   list of disjoint, non-adjacent ranges; the same coalescing serves the database builder.
//! - [`eytzinger`]: that list in Eytzinger (breadth-first) order, and the branch-free search
//!   for the range holding an address: one search per packet, whatever the number of codes,
//!   where upstream binary-searches every code's ranges in turn.
//!
//! Addresses are unsigned integers in host order ([`Addr`]: `u32` for IPv4, `u128` for IPv6),
//! compared as the big-endian byte strings they come from.

pub mod eytzinger;
pub mod file;
pub mod merge;
#[cfg(test)]
mod tests;

/// An address of one family: an unsigned integer whose order is the address order.
pub trait Addr: Copy + Ord + Default + core::fmt::Debug {
    /// Bytes of one address in a file and on the wire (4 or 16).
    const BYTES: usize;
    /// The lowest address.
    const MIN: Self;
    /// The highest address.
    const MAX: Self;
    /// The address stored big-endian in `bytes`, `None` unless exactly [`Self::BYTES`] long.
    fn from_be_slice(bytes: &[u8]) -> Option<Self>;
    /// Writes the address big-endian into `out` (exactly [`Self::BYTES`] long); `None`
    /// (nothing written) for another length.
    fn write_be(self, out: &mut [u8]) -> Option<()>;
    /// The next address, `None` after [`Self::MAX`].
    fn successor(self) -> Option<Self>;
}

macro_rules! addr_impl {
    ($t:ty) => {
        impl Addr for $t {
            const BYTES: usize = core::mem::size_of::<$t>();
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;

            fn from_be_slice(bytes: &[u8]) -> Option<Self> {
                bytes.try_into().ok().map(<$t>::from_be_bytes)
            }

            fn write_be(self, out: &mut [u8]) -> Option<()> {
                let out: &mut [u8; core::mem::size_of::<$t>()] = out.try_into().ok()?;
                *out = self.to_be_bytes();
                Some(())
            }

            fn successor(self) -> Option<Self> {
                self.checked_add(1)
            }
        }
    };
}

addr_impl!(u32);
addr_impl!(u128);

/// An IPv6 address as two host-order halves, high first: the kernel's layout of one (eight-
/// byte aligned, where a `u128` wants sixteen); arrays compare element by element, so the
/// order is the address order.
impl Addr for [u64; 2] {
    const BYTES: usize = 16;
    const MIN: Self = [0, 0];
    const MAX: Self = [u64::MAX, u64::MAX];

    fn from_be_slice(bytes: &[u8]) -> Option<Self> {
        let bytes: &[u8; 16] = bytes.try_into().ok()?;
        let (hi, lo) = bytes.split_at(8);
        Some([u64::from_be_bytes(hi.try_into().ok()?), u64::from_be_bytes(lo.try_into().ok()?)])
    }

    fn write_be(self, out: &mut [u8]) -> Option<()> {
        let out: &mut [u8; 16] = out.try_into().ok()?;
        let (hi, lo) = out.split_at_mut(8);
        hi.copy_from_slice(&self[0].to_be_bytes());
        lo.copy_from_slice(&self[1].to_be_bytes());
        Some(())
    }

    fn successor(self) -> Option<Self> {
        match self[1].checked_add(1) {
            Some(lo) => Some([self[0], lo]),
            None => self[0].checked_add(1).map(|hi| [hi, 0]),
        }
    }
}

/// An inclusive range of addresses, `begin <= end` wherever this module produces one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Range<A> {
    /// The first address in the range.
    pub begin: A,
    /// The last address in the range.
    pub end: A,
}

impl<A: Addr> Range<A> {
    /// The range `begin..=end`.
    pub const fn new(begin: A, end: A) -> Self {
        Range { begin, end }
    }

    /// Whether `addr` lies in the range.
    pub fn contains(&self, addr: A) -> bool {
        self.begin <= addr && addr <= self.end
    }
}

/// Most files one union takes: a geoip rule names up to 31 countries (revision 2), an asn
/// rule up to 15 numbers.
pub const MAX_SOURCES: usize = 31;
