// SPDX-License-Identifier: GPL-2.0-only
//! xt_ACCOUNT arithmetic: which table a rule's network gives, and which
//! counters of the table a packet updates.
//!
//! Semantics are upstream xtables-addons 3.23's (revision 1, IPv4):
//! - a table covers `net/prefix` with a prefix of 0 or 8..=32, so at most
//!   2^24 addresses; every address has one slot, its offset in the network;
//! - a packet counts as source traffic for its source address and as
//!   destination traffic for its destination address, each only when that
//!   address lies in the network (both, for traffic inside the network);
//! - `0.0.0.0/0` is special: every packet counts as source traffic of the one
//!   slot 0 (address 0.0.0.0), never as destination traffic;
//! - bytes are the IP header's total length; counters wrap at 2^64.
//!
//! Stricter than upstream, which accepts what its own plugin never sends: a
//! non-contiguous mask, a prefix of 1..=7 (upstream then silently accounts
//! the low 8 bits only) and host bits in the network address are refused.
//! Addresses are `u32` in host order; the C glue converts from `__be32`.
//! IPv6 (an extension, target revision 2) is in [`v6`].

#[cfg(test)]
mod tests;
pub mod v6;

use core::fmt;

/// Size of the table name buffer, NUL included (`ACCOUNT_TABLE_NAME_LEN`).
pub const NAME_SIZE: usize = 32;
/// Shortest prefix other than 0: a /8 has 2^24 addresses.
pub const MIN_PREFIX: u32 = 8;
/// Most host bits a table can have (32 - [`MIN_PREFIX`]).
pub const MAX_HOST_BITS: u32 = 32 - MIN_PREFIX;

/// Why a rule's `struct ipt_acc_info` is refused; one variant per
/// `enum xa_account_status` error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// The table name is empty (`XA_ACCOUNT_E_NAME_EMPTY`).
    NameEmpty,
    /// No NUL in the name buffer (`XA_ACCOUNT_E_NAME_LONG`).
    NameLong,
    /// The netmask's one bits are not contiguous (`XA_ACCOUNT_E_MASK`).
    Mask,
    /// A prefix of 1 to 7: more than 2^24 addresses (`XA_ACCOUNT_E_TOO_BIG`).
    TooBig,
    /// The network address has bits outside the mask (`XA_ACCOUNT_E_HOST_BITS`).
    HostBits,
    /// An IPv6 prefix length above 128 (`XA_ACCOUNT_E_PREFIX`).
    Prefix,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Error::NameEmpty => "table name is empty",
            Error::NameLong => "table name is not NUL-terminated within 32 bytes",
            Error::Mask => "netmask is not contiguous",
            Error::TooBig => "network larger than /8",
            Error::HostBits => "network address has host bits set",
            Error::Prefix => "IPv6 prefix length above 128",
        })
    }
}

/// An accounted network, validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Net {
    addr: u32,
    mask: u32,
}

/// What one packet does to a table: the slots whose source and destination
/// counters it increments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Hits {
    /// Slot whose source counters grow, if any.
    pub src: Option<u32>,
    /// Slot whose destination counters grow, if any.
    pub dst: Option<u32>,
}

impl Net {
    /// Validates a network given as address and netmask (host order).
    pub fn new(addr: u32, mask: u32) -> Result<Net, Error> {
        let prefix = mask.leading_ones();
        // A contiguous mask is all ones followed by all zeros.
        if mask.checked_shl(prefix).unwrap_or(0) != 0 {
            return Err(Error::Mask);
        }
        if prefix != 0 && prefix < MIN_PREFIX {
            return Err(Error::TooBig);
        }
        if addr & !mask != 0 {
            return Err(Error::HostBits);
        }
        Ok(Net { addr, mask })
    }

    /// The network address (host order).
    #[must_use]
    pub fn addr(self) -> u32 {
        self.addr
    }

    /// The netmask (host order); 0 for `0.0.0.0/0`.
    #[must_use]
    pub fn mask(self) -> u32 {
        self.mask
    }

    /// The prefix length: 0 or 8..=32.
    #[must_use]
    pub fn prefix(self) -> u32 {
        self.mask.leading_ones()
    }

    /// log2 of the number of slots: 0 for /0 (one slot) and /32, else 32 - prefix.
    #[must_use]
    pub fn slot_bits(self) -> u32 {
        if self.mask == 0 {
            0
        } else {
            self.mask.count_zeros()
        }
    }

    /// Which counters a packet from `src` to `dst` updates.
    #[must_use]
    pub fn classify(self, src: u32, dst: u32) -> Hits {
        classify_masked(self.addr, self.mask, src, dst)
    }

    /// The address a slot stands for in the records userspace reads, or
    /// `None` for a slot outside the table.
    #[must_use]
    pub fn slot_addr(self, slot: u32) -> Option<u32> {
        (u64::from(slot) < 1u64 << self.slot_bits()).then_some(self.addr | slot)
    }
}

/// Which counters a packet from `src` to `dst` updates in the table of the
/// network [`Net::addr`]/[`Net::mask`] gave: [`Net::classify`] without
/// validating the network again, for the kernel's per-packet path (which
/// validates it once, when the rule is added). Total for any two words: for
/// ones no [`Net`] has, the slots are still bits outside `mask`, which the
/// caller range-checks against its table like any slot.
#[must_use]
pub fn classify_masked(addr: u32, mask: u32, src: u32, dst: u32) -> Hits {
    // 0.0.0.0/0: every packet is source traffic of slot 0.
    if mask == 0 {
        return Hits {
            src: Some(0),
            dst: None,
        };
    }
    let slot = |a: u32| (a & mask == addr).then_some(a & !mask);
    Hits {
        src: slot(src),
        dst: slot(dst),
    }
}

/// Validates a rule: its network and its NUL-terminated, non-empty table
/// name (the whole `table_name` buffer; bytes after the NUL are ignored, as
/// upstream compares names with `strncmp`).
pub fn check_rule(addr: u32, mask: u32, name: &[u8]) -> Result<Net, Error> {
    check_name(name)?;
    Net::new(addr, mask)
}

/// A table name buffer must hold a NUL within [`NAME_SIZE`] bytes, not first.
fn check_name(name: &[u8]) -> Result<(), Error> {
    match name.iter().take(NAME_SIZE).position(|&b| b == 0) {
        None => Err(Error::NameLong),
        Some(0) => Err(Error::NameEmpty),
        Some(_) => Ok(()),
    }
}

