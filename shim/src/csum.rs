// SPDX-License-Identifier: GPL-2.0-only
//! The Internet checksum (RFC 1071) of IPv4 headers and of TCP/UDP over the
//! IPv4 and IPv6 pseudo-headers, and its incremental update (RFC 1624).
//!
//! [`Sum`] accumulates 16-bit big-endian words in ones' complement: feed it
//! the pseudo-header ([`Sum::pseudo_v4`], [`Sum::pseudo_v6`]) and the bytes
//! in any number of pieces of any length, then take [`Sum::checksum`] (the
//! value for the checksum field, computed with that field zero) or ask
//! [`Sum::verifies`] (over bytes that include the field). Pieces may split a
//! 16-bit word: an odd piece leaves its last byte pending for the next one.
//!
//! [`update`] changes a stored checksum when a 16-bit word of the data it
//! covers changes, without summing the rest again; [`update_bytes`] does it
//! for an even-aligned run of bytes (an address, a port pair).

/// A running ones' complement sum of 16-bit big-endian words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sum {
    /// Unfolded: 32-bit words are added as they come and folded at the end
    /// (2^16 ≡ 1 modulo 0xffff, so this equals summing 16-bit words). A u64
    /// carries 2^32 words before it could overflow: more than any packet.
    acc: u64,
    /// The previous piece had an odd length; its last byte is in `acc` as the
    /// high half of a word whose low half is the next byte.
    odd: bool,
}

impl Sum {
    /// An empty sum.
    #[must_use]
    pub const fn new() -> Sum {
        Sum { acc: 0, odd: false }
    }

    /// The IPv4 pseudo-header: addresses, protocol and the L4 length.
    #[must_use]
    pub fn pseudo_v4(src: [u8; 4], dst: [u8; 4], proto: u8, l4_len: u16) -> Sum {
        let mut sum = Sum::new();
        sum.add(&src);
        sum.add(&dst);
        sum.add_u16(u16::from(proto));
        sum.add_u16(l4_len);
        sum
    }

    /// The IPv6 pseudo-header (RFC 8200 8.1): addresses, the 32-bit L4
    /// length and the next header.
    #[must_use]
    pub fn pseudo_v6(src: &[u8; 16], dst: &[u8; 16], proto: u8, l4_len: u32) -> Sum {
        let mut sum = Sum::new();
        sum.add(src);
        sum.add(dst);
        sum.add(&l4_len.to_be_bytes());
        sum.add_u16(u16::from(proto));
        sum
    }

    /// Adds `bytes`, continuing a word left open by an odd previous piece.
    pub fn add(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        if self.odd
            && let Some((&low, tail)) = rest.split_first()
        {
            self.acc += u64::from(low);
            self.odd = false;
            rest = tail;
        }
        let mut words = rest.chunks_exact(4);
        for word in &mut words {
            if let Ok(word) = <[u8; 4]>::try_from(word) {
                self.acc += u64::from(u32::from_be_bytes(word));
            }
        }
        let mut pairs = words.remainder().chunks_exact(2);
        for pair in &mut pairs {
            if let Ok(pair) = <[u8; 2]>::try_from(pair) {
                self.acc += u64::from(u16::from_be_bytes(pair));
            }
        }
        if let Some(&high) = pairs.remainder().first() {
            self.acc += u64::from(high) << 8;
            self.odd = true;
        }
    }

    /// Adds one 16-bit word (on a word boundary: the previous pieces had an
    /// even length in total).
    pub fn add_u16(&mut self, word: u16) {
        self.add(&word.to_be_bytes());
    }

    /// The ones' complement sum folded to 16 bits.
    #[must_use]
    pub fn fold(self) -> u16 {
        let mut acc = self.acc;
        while acc > 0xffff {
            acc = (acc & 0xffff) + (acc >> 16);
        }
        // The loop leaves at most 0xffff.
        u16::try_from(acc).unwrap_or(u16::MAX)
    }

    /// The checksum field's value for data summed with that field zero.
    #[must_use]
    pub fn checksum(self) -> u16 {
        !self.fold()
    }

    /// The checksum as UDP stores it: a computed 0 is sent as 0xffff, since 0
    /// means "no checksum" (RFC 768; RFC 8200 8.1 for IPv6).
    #[must_use]
    pub fn udp_checksum(self) -> u16 {
        match self.checksum() {
            0 => 0xffff,
            check => check,
        }
    }

    /// Whether data summed with its checksum field included verifies: the
    /// sum is 0xffff (negative zero).
    #[must_use]
    pub fn verifies(self) -> bool {
        self.fold() == 0xffff
    }
}

/// The checksum `check` after a covered 16-bit word changed from `old` to
/// `new` (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')).
#[must_use]
pub fn update(check: u16, old: u16, new: u16) -> u16 {
    let mut sum = Sum::new();
    sum.add_u16(!check);
    sum.add_u16(!old);
    sum.add_u16(new);
    sum.checksum()
}

/// The checksum `check` after covered bytes starting on a 16-bit boundary
/// changed from `old` to `new` (same length, even; `None` otherwise).
#[must_use]
pub fn update_bytes(check: u16, old: &[u8], new: &[u8]) -> Option<u16> {
    if old.len() != new.len() || !old.len().is_multiple_of(2) {
        return None;
    }
    let mut sum = Sum::new();
    sum.add_u16(!check);
    for (o, n) in old.chunks_exact(2).zip(new.chunks_exact(2)) {
        let (Ok(o), Ok(n)) = (<[u8; 2]>::try_from(o), <[u8; 2]>::try_from(n)) else {
            return None;
        };
        sum.add_u16(!u16::from_be_bytes(o));
        sum.add_u16(u16::from_be_bytes(n));
    }
    Some(sum.checksum())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 1071 section 3's example: the words 0001 f203 f4f5 f6f7 sum to ddf2.
    #[test]
    fn rfc1071_example() {
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        let mut sum = Sum::new();
        sum.add(&data);
        assert_eq!(sum.fold(), 0xddf2);
        assert_eq!(sum.checksum(), 0x220d);
        // Split at every position, odd ones included: the same sum.
        for cut in 0..=data.len() {
            let mut split = Sum::new();
            split.add(&data[..cut]);
            split.add(&data[cut..]);
            assert_eq!(split.fold(), 0xddf2, "cut at {cut}");
        }
    }

    /// A real IPv4 header (Wikipedia's example): checksum b861, and it verifies.
    #[test]
    fn ipv4_header_known_answer() {
        let mut header = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        let mut sum = Sum::new();
        sum.add(&header);
        assert_eq!(sum.checksum(), 0xb861);
        header[10..12].copy_from_slice(&0xb861u16.to_be_bytes());
        let mut check = Sum::new();
        check.add(&header);
        assert!(check.verifies());
        header[8] = 0x3f; // TTL decremented: the stored checksum no longer fits
        let mut stale = Sum::new();
        stale.add(&header);
        assert!(!stale.verifies());
    }

    /// An odd length pads with a zero byte (RFC 1071 4.1); an odd piece
    /// followed by another continues the word.
    #[test]
    fn odd_lengths() {
        let mut a = Sum::new();
        a.add(&[0xab]);
        assert_eq!(a.fold(), 0xab00);
        a.add(&[0xcd, 0x12]);
        let mut b = Sum::new();
        b.add(&[0xab, 0xcd, 0x12]);
        assert_eq!(a, b);
        assert_eq!(b.fold(), 0xabcd + 0x1200);
    }

    #[test]
    fn folds_carries() {
        let mut sum = Sum::new();
        sum.add(&[0xff; 4096]);
        assert_eq!(sum.fold(), 0xffff);
        sum.add_u16(1);
        assert_eq!(sum.fold(), 1);
    }

    #[test]
    fn udp_zero_becomes_ffff() {
        // Data whose checksum computes to 0: its sum folds to 0xffff.
        let mut sum = Sum::new();
        sum.add_u16(0xffff);
        assert_eq!(sum.checksum(), 0);
        assert_eq!(sum.udp_checksum(), 0xffff);
    }

    /// RFC 1624 section 4's example: HC 0xdd2f, m 0x5555 -> 0x3285, HC' 0x0000.
    #[test]
    fn rfc1624_example() {
        assert_eq!(update(0xdd2f, 0x5555, 0x3285), 0x0000);
        assert_eq!(
            update_bytes(0xdd2f, &[0x55, 0x55], &[0x32, 0x85]),
            Some(0x0000)
        );
        assert_eq!(update_bytes(0, &[1, 2, 3], &[4, 5, 6]), None);
        assert_eq!(update_bytes(0, &[1, 2], &[3, 4, 5, 6]), None);
    }

    #[test]
    fn pseudo_headers() {
        // 192.0.2.1 -> 198.51.100.2, TCP, 20 bytes: summed by hand.
        let v4 = Sum::pseudo_v4([192, 0, 2, 1], [198, 51, 100, 2], 6, 20);
        assert_eq!(
            v4.fold(),
            fold_words(&[0xc000, 0x0201, 0xc633, 0x6402, 6, 20])
        );
        let mut src = [0u8; 16];
        let mut dst = [0u8; 16];
        src[..2].copy_from_slice(&[0x20, 0x01]);
        src[15] = 1;
        dst[..2].copy_from_slice(&[0xfe, 0x80]);
        dst[15] = 2;
        let v6 = Sum::pseudo_v6(&src, &dst, 17, 0x0001_0008);
        assert_eq!(
            v6.fold(),
            fold_words(&[0x2001, 1, 0xfe80, 2, 1, 8, 17])
        );
    }

    fn fold_words(words: &[u32]) -> u16 {
        let mut acc: u32 = words.iter().sum();
        while acc > 0xffff {
            acc = (acc & 0xffff) + (acc >> 16);
        }
        acc as u16
    }
}
