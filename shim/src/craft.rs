// SPDX-License-Identifier: GPL-2.0-only
//! Test support (feature `craft`, never in the kernel object): builds IPv4 and
//! IPv6 packets with TCP or UDP, with IP options, extension headers, fragment
//! fields, lying lengths and bad checksums on request, and checks packets'
//! checksums with a plain word-by-word sum that shares no code with
//! [`crate::csum`]. Used by the unit and property tests, the fuzz targets and
//! the benchmarks.

use crate::packet::{Addr, proto};
use std::vec::Vec;

/// The L4 part of a crafted packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum L4 {
    /// A TCP segment.
    Tcp {
        /// Source port.
        sport: u16,
        /// Destination port.
        dport: u16,
        /// Sequence number.
        seq: u32,
        /// Acknowledgment number.
        ack: u32,
        /// Flags byte.
        flags: u8,
        /// Window.
        window: u16,
        /// Option bytes (padded to a multiple of 4 with zeros).
        options: Vec<u8>,
        /// Payload.
        payload: Vec<u8>,
    },
    /// A UDP datagram.
    Udp {
        /// Source port.
        sport: u16,
        /// Destination port.
        dport: u16,
        /// Payload.
        payload: Vec<u8>,
    },
    /// Any protocol, bytes as given.
    Raw(u8, Vec<u8>),
}

/// A packet to build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    /// Source address (its family is the packet's).
    pub src: Addr,
    /// Destination address (same family as `src`).
    pub dst: Addr,
    /// TTL / hop limit.
    pub ttl: u8,
    /// TOS / traffic class.
    pub tos: u8,
    /// IPv4 identification.
    pub id: u16,
    /// IPv6 flow label.
    pub flow_label: u32,
    /// IPv4 option bytes (padded to a multiple of 4 with zeros).
    pub ipv4_options: Vec<u8>,
    /// IPv6 extension headers before the L4 header: (type, body after the
    /// two-byte next-header/length prefix), each padded to its unit.
    pub ext_headers: Vec<(u8, Vec<u8>)>,
    /// Fragment offset (8-byte units) and "more fragments": IPv4 fields, or
    /// an IPv6 fragment header after the other extension headers.
    pub fragment: Option<(u16, bool)>,
    /// The L4 part.
    pub l4: L4,
    /// Store this in the UDP length field instead of the true length.
    pub udp_len: Option<u16>,
    /// Add this to the L4 checksum (0: correct); UDP's 0 stays 0 when `zero_udp_checksum`.
    pub checksum_delta: u16,
    /// Send UDP without a checksum (field 0).
    pub zero_udp_checksum: bool,
}

impl Packet {
    /// A TCP segment `src:sport` → `dst:dport` with `flags`, no payload.
    #[must_use]
    pub fn tcp(src: Addr, dst: Addr, sport: u16, dport: u16, flags: u8) -> Packet {
        Packet::with_l4(
            src,
            dst,
            L4::Tcp {
                sport,
                dport,
                seq: 0x0102_0304,
                ack: 0,
                flags,
                window: 64240,
                options: Vec::new(),
                payload: Vec::new(),
            },
        )
    }

    /// A UDP datagram `src:sport` → `dst:dport` carrying `payload`.
    #[must_use]
    pub fn udp(src: Addr, dst: Addr, sport: u16, dport: u16, payload: &[u8]) -> Packet {
        Packet::with_l4(
            src,
            dst,
            L4::Udp {
                sport,
                dport,
                payload: payload.to_vec(),
            },
        )
    }

    fn with_l4(src: Addr, dst: Addr, l4: L4) -> Packet {
        Packet {
            src,
            dst,
            ttl: 64,
            tos: 0,
            id: 0x1234,
            flow_label: 0,
            ipv4_options: Vec::new(),
            ext_headers: Vec::new(),
            fragment: None,
            l4,
            udp_len: None,
            checksum_delta: 0,
            zero_udp_checksum: false,
        }
    }

    /// The packet's bytes, from the IP header on.
    #[must_use]
    pub fn build(&self) -> Vec<u8> {
        let (l4_proto, mut l4) = self.l4_bytes();
        let check_at = match self.l4 {
            L4::Tcp { .. } => Some(16),
            L4::Udp { .. } => Some(6),
            L4::Raw(..) => None,
        };
        if let Some(at) = check_at {
            let l4_len = l4.len() as u32;
            let mut words = pseudo_words(&self.src, &self.dst, l4_proto, l4_len);
            words.extend(words_of(&l4));
            let mut check = !fold(&words);
            if matches!(self.l4, L4::Udp { .. }) && check == 0 {
                check = 0xffff;
            }
            check = check.wrapping_add(self.checksum_delta);
            if self.zero_udp_checksum {
                check = 0;
            }
            l4[at..at + 2].copy_from_slice(&check.to_be_bytes());
        }
        match (self.src, self.dst) {
            (Addr::V4(src), Addr::V4(dst)) => self.ipv4(src, dst, l4_proto, &l4),
            (Addr::V6(src), Addr::V6(dst)) => self.ipv6(src, dst, l4_proto, &l4),
            _ => panic!("mixed address families"),
        }
    }

    fn l4_bytes(&self) -> (u8, Vec<u8>) {
        match &self.l4 {
            L4::Tcp {
                sport,
                dport,
                seq,
                ack,
                flags,
                window,
                options,
                payload,
            } => {
                let mut opts = options.clone();
                while !opts.len().is_multiple_of(4) {
                    opts.push(0);
                }
                let doff = (20 + opts.len()) / 4;
                let mut t = Vec::new();
                t.extend(sport.to_be_bytes());
                t.extend(dport.to_be_bytes());
                t.extend(seq.to_be_bytes());
                t.extend(ack.to_be_bytes());
                t.push((doff as u8) << 4);
                t.push(*flags);
                t.extend(window.to_be_bytes());
                t.extend([0, 0, 0, 0]);
                t.extend(opts);
                t.extend(payload);
                (proto::TCP, t)
            }
            L4::Udp {
                sport,
                dport,
                payload,
            } => {
                let len = self.udp_len.unwrap_or((8 + payload.len()) as u16);
                let mut u = Vec::new();
                u.extend(sport.to_be_bytes());
                u.extend(dport.to_be_bytes());
                u.extend(len.to_be_bytes());
                u.extend([0, 0]);
                u.extend(payload);
                (proto::UDP, u)
            }
            L4::Raw(p, bytes) => (*p, bytes.clone()),
        }
    }

    fn ipv4(&self, src: [u8; 4], dst: [u8; 4], l4_proto: u8, l4: &[u8]) -> Vec<u8> {
        let mut opts = self.ipv4_options.clone();
        while !opts.len().is_multiple_of(4) {
            opts.push(0);
        }
        let ihl = (20 + opts.len()) / 4;
        let total = (ihl * 4 + l4.len()) as u16;
        let frag = self
            .fragment
            .map_or(0, |(off, more)| (off & 0x1fff) | if more { 0x2000 } else { 0 });
        let mut h = Vec::new();
        h.push(0x40 | ihl as u8);
        h.push(self.tos);
        h.extend(total.to_be_bytes());
        h.extend(self.id.to_be_bytes());
        h.extend(frag.to_be_bytes());
        h.push(self.ttl);
        h.push(l4_proto);
        h.extend([0, 0]);
        h.extend(src);
        h.extend(dst);
        h.extend(opts);
        let check = !fold(&words_of(&h));
        h[10..12].copy_from_slice(&check.to_be_bytes());
        h.extend(l4);
        h
    }

    fn ipv6(&self, src: [u8; 16], dst: [u8; 16], l4_proto: u8, l4: &[u8]) -> Vec<u8> {
        let mut chain: Vec<(u8, Vec<u8>)> = self.ext_headers.clone();
        if let Some((off, more)) = self.fragment {
            let field = (off << 3) | u16::from(more);
            let mut body = field.to_be_bytes().to_vec();
            body.extend(0xabcd_0001u32.to_be_bytes());
            chain.push((proto::FRAGMENT, body));
        }
        let mut ext = Vec::new();
        for (i, (kind, body)) in chain.iter().enumerate() {
            let next = chain.get(i + 1).map_or(l4_proto, |(k, _)| *k);
            let unit = if *kind == proto::AH { 4 } else { 8 };
            let mut h = vec_of(&[next, 0]);
            h.extend(body);
            while !h.len().is_multiple_of(unit) || h.len() < 8 {
                h.push(0);
            }
            h[1] = match *kind {
                proto::AH => (h.len() / 4 - 2) as u8,
                proto::FRAGMENT => 0,
                _ => (h.len() / 8 - 1) as u8,
            };
            ext.extend(h);
        }
        let first_next = chain.first().map_or(l4_proto, |(k, _)| *k);
        let payload_len = (ext.len() + l4.len()) as u16;
        let first = 6u32 << 28 | u32::from(self.tos) << 20 | (self.flow_label & 0xfffff);
        let mut h = Vec::new();
        h.extend(first.to_be_bytes());
        h.extend(payload_len.to_be_bytes());
        h.push(first_next);
        h.push(self.ttl);
        h.extend(src);
        h.extend(dst);
        h.extend(ext);
        h.extend(l4);
        h
    }
}

fn vec_of(bytes: &[u8]) -> Vec<u8> {
    bytes.to_vec()
}

/// 16-bit big-endian words of `bytes`, an odd last byte padded with zero.
fn words_of(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks(2)
        .map(|c| u32::from(c[0]) << 8 | u32::from(*c.get(1).unwrap_or(&0)))
        .collect()
}

fn pseudo_words(src: &Addr, dst: &Addr, l4_proto: u8, l4_len: u32) -> Vec<u32> {
    let mut bytes = Vec::new();
    match (src, dst) {
        (Addr::V4(s), Addr::V4(d)) => {
            bytes.extend(s);
            bytes.extend(d);
            bytes.extend([0, l4_proto]);
            bytes.extend((l4_len as u16).to_be_bytes());
        }
        (Addr::V6(s), Addr::V6(d)) => {
            bytes.extend(s);
            bytes.extend(d);
            bytes.extend(l4_len.to_be_bytes());
            bytes.extend([0, 0, 0, l4_proto]);
        }
        _ => panic!("mixed address families"),
    }
    words_of(&bytes)
}

/// Ones' complement sum of 16-bit words, folded.
fn fold(words: &[u32]) -> u16 {
    let mut sum: u64 = words.iter().map(|&w| u64::from(w)).sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum as u16
}

/// Whether an IPv4 header's checksum verifies.
#[must_use]
pub fn ipv4_header_ok(header: &[u8]) -> bool {
    fold(&words_of(header)) == 0xffff
}

/// Whether the TCP or UDP checksum of `l4` (the whole L4 part) verifies for
/// the given addresses; a UDP checksum of 0 verifies only over IPv4.
#[must_use]
pub fn l4_checksum_ok(src: &Addr, dst: &Addr, l4_proto: u8, l4: &[u8]) -> bool {
    if l4_proto == proto::UDP && l4.get(6..8) == Some(&[0, 0]) {
        return matches!(src, Addr::V4(_));
    }
    let mut words = pseudo_words(src, dst, l4_proto, l4.len() as u32);
    words.extend(words_of(l4));
    fold(&words) == 0xffff
}
