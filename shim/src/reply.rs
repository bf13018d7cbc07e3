// SPDX-License-Identifier: GPL-2.0-only
//! Replies a target sends for the host: the checks every reply passes and the
//! headers it gets.
//!
//! A reply target (TARPIT, DELUDE, ECHO, CHAOS) hands over the packet as
//! [`packet::locate`] reads it and gets back the reply's IP and L4 headers,
//! written into the caller's buffer with their checksums, or the reason no
//! reply is due ([`Refusal`]). The rules every reply follows:
//! - the addresses are swapped, and neither may be multicast, broadcast or
//!   unspecified ([`Addr::is_unicast`]); ports are swapped and neither is 0;
//! - fragments are never answered (a later one has no L4 header, a first one
//!   not the whole datagram);
//! - the original's L4 checksum must verify: the module checks it with the
//!   kernel's checksum helpers at [`Reply::l4_off`] over
//!   [`Reply::checksum_len`] bytes before sending, and sends nothing if not;
//! - the TTL (hop limit) is the route's unless [`Reply::hop_limit`] says;
//!   the module sets it after routing and fixes the IPv4 header checksum;
//! - a reply with a payload (ECHO) gets its L4 checksum from
//!   [`fill_l4_checksum`] once the module appended the payload.
//!
//! What each target answers is in its own module: [`crate::tarpit`],
//! [`crate::delude`], [`crate::echo`]. The module allocates the reply
//! (`header_len` + `payload` bytes), copies the header and, for ECHO, the
//! original's payload bytes `payload` after it, then routes and sends it.

#[cfg(test)]
mod tests;

use crate::csum::Sum;
use crate::packet::{self, Addr, Family, Fragment, Ip, ipv4, ipv6, proto, tcp, udp};
use core::fmt;
use core::ops::Range;

/// Longest reply header: IPv6 and TCP.
pub const MAX_TCP_REPLY: usize = 60;
/// Longest ECHO reply header: IPv6 and UDP.
pub const MAX_UDP_HEADER: usize = 48;

/// Why no reply is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// The segment is well-formed, but the target answers nothing to it (an
    /// RST, or what the mode ignores).
    NoAnswer,
    /// The headers do not parse.
    Malformed(packet::Error),
    /// A fragment.
    Fragment,
    /// IPv4 options or IPv6 extension headers, refused by TARPIT as upstream does.
    Options,
    /// Not the protocol the target answers (TCP or UDP).
    Protocol,
    /// A source or destination that is not unicast.
    Address,
    /// Port 0, or (ECHO) a datagram from its own destination port.
    Port,
    /// An IPv6 UDP datagram without a checksum (not allowed, RFC 8200 8.1).
    Checksum,
    /// The output buffer is too small, or a mode unknown.
    Argument,
}

impl From<packet::Error> for Refusal {
    fn from(error: packet::Error) -> Refusal {
        match error {
            packet::Error::Fragment => Refusal::Fragment,
            packet::Error::Argument => Refusal::Argument,
            other => Refusal::Malformed(other),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NoAnswer => f.write_str("no answer due"),
            Refusal::Malformed(e) => write!(f, "malformed: {e}"),
            Refusal::Fragment => f.write_str("fragment"),
            Refusal::Options => f.write_str("IP options or extension headers"),
            Refusal::Protocol => f.write_str("wrong protocol"),
            Refusal::Address => f.write_str("not a unicast address"),
            Refusal::Port => f.write_str("port 0 or own port"),
            Refusal::Checksum => f.write_str("IPv6 UDP without checksum"),
            Refusal::Argument => f.write_str("bad argument"),
        }
    }
}

/// A reply written into the caller's buffer.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reply {
    /// Bytes of header written at the start of the buffer.
    pub header_len: usize,
    /// Offset of the original's L4 header (from its network header).
    pub l4_off: usize,
    /// Bytes from `l4_off` the original's L4 checksum covers; 0 when it has
    /// none to verify (an IPv4 UDP checksum of 0).
    pub checksum_len: usize,
    /// The original's bytes (from its network header) that follow the
    /// header in the reply: ECHO's payload; empty for TCP replies.
    pub payload: Range<usize>,
    /// TTL / hop limit already in the header; `None`: the route's.
    pub hop_limit: Option<u8>,
    /// The L4 checksum covers the payload the module appends: it is 0 in
    /// the header, and [`fill_l4_checksum`] computes it over the whole reply.
    pub fill_checksum: bool,
}

impl Reply {
    /// Length of the whole reply.
    #[must_use]
    pub fn len(&self) -> usize {
        self.header_len + self.payload.len()
    }

    /// Whether the reply is empty (never: a reply has at least its headers).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A TCP segment a target answers with; ports and addresses are the
/// original's, swapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TcpAnswer {
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number (sent even without ACK, as upstream does).
    pub ack: u32,
    /// Flags ([`tcp::SYN`] ...).
    pub flags: u8,
    /// Window.
    pub window: u16,
    /// TTL / hop limit; `None`: the route's.
    pub hop_limit: Option<u8>,
    /// IPv4 identification (IPv6 has none).
    pub id: u16,
}

/// The answer REJECT's `tcp-reset` gives, which a peer accepts in any state
/// (RFC 9293 3.10.7): none to an RST; to a segment with ACK, an RST at its
/// acknowledgment number; otherwise an RST+ACK acknowledging everything the
/// segment occupied (SYN, FIN and payload).
#[must_use]
pub fn reset(seg: &tcp::Segment) -> Option<TcpAnswer> {
    if seg.has(tcp::RST) {
        return None;
    }
    let (seq, ack, flags) = if seg.has(tcp::ACK) {
        (seg.ack, 0, tcp::RST)
    } else {
        (0, occupied_end(seg), tcp::RST | tcp::ACK)
    };
    Some(TcpAnswer {
        seq,
        ack,
        flags,
        window: 0,
        hop_limit: None,
        id: 0,
    })
}

/// The sequence number after everything `seg` occupies: SYN and FIN count one
/// each, payload bytes one each.
#[must_use]
pub fn occupied_end(seg: &tcp::Segment) -> u32 {
    let controls = u32::from(seg.has(tcp::SYN)) + u32::from(seg.has(tcp::FIN));
    // The payload is under 2^16 bytes: the truncation only wraps, as sequence numbers do.
    seg.seq.wrapping_add(controls).wrapping_add(seg.payload_len as u32)
}

/// Which TCP target answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TcpTarget {
    /// TARPIT in one of its modes.
    Tarpit(crate::tarpit::Mode),
    /// DELUDE.
    Delude,
}

/// The reply `target` gives to a TCP packet of `total` bytes whose first
/// bytes are `head`, written into `out`. `random` supplies the bits an answer
/// needs (initial sequence numbers, honeypot windows).
pub fn tcp(
    family: Family,
    target: TcpTarget,
    head: &[u8],
    total: usize,
    random: u64,
    out: &mut [u8],
) -> Result<Reply, Refusal> {
    let ip = checked_ip(family, head, total, proto::TCP)?;
    if ip.options && matches!(target, TcpTarget::Tarpit(_)) {
        return Err(Refusal::Options);
    }
    let seg = tcp::parse(&ip, head)?;
    if seg.sport == 0 || seg.dport == 0 {
        return Err(Refusal::Port);
    }
    let answer = match target {
        TcpTarget::Tarpit(mode) => crate::tarpit::answer(mode, &ip, &seg, random),
        TcpTarget::Delude => crate::delude::answer(&seg, random),
    }
    .ok_or(Refusal::NoAnswer)?;
    let header_len = write_tcp(&ip, &seg, &answer, out).ok_or(Refusal::Argument)?;
    Ok(Reply {
        header_len,
        l4_off: ip.l4_off,
        checksum_len: ip.l4_len(),
        payload: 0..0,
        hop_limit: answer.hop_limit,
        fill_checksum: false,
    })
}

/// Writes the TCP or UDP checksum of a packet built whole in `packet` (IP
/// header first), as a reply whose [`Reply::fill_checksum`] is set needs once
/// its payload is in place.
pub fn fill_l4_checksum(family: Family, packet: &mut [u8]) -> Result<(), Refusal> {
    let ip = packet::locate(family, packet, packet.len())?;
    if ip.fragment != Fragment::None {
        return Err(Refusal::Fragment);
    }
    let at = match ip.proto {
        proto::TCP => 16,
        proto::UDP => 6,
        _ => return Err(Refusal::Protocol),
    };
    let l4_len = ip.l4_len();
    let mut sum = match (ip.src, ip.dst) {
        (Addr::V4(src), Addr::V4(dst)) => {
            let len = u16::try_from(l4_len).map_err(|_| Refusal::Argument)?;
            Sum::pseudo_v4(src, dst, ip.proto, len)
        }
        (Addr::V6(src), Addr::V6(dst)) => {
            let len = u32::try_from(l4_len).map_err(|_| Refusal::Argument)?;
            Sum::pseudo_v6(&src, &dst, ip.proto, len)
        }
        _ => return Err(Refusal::Argument),
    };
    let l4 = packet.get_mut(ip.l4_off..ip.len).ok_or(Refusal::Argument)?;
    let field = at..at + 2;
    l4.get_mut(field.clone())
        .ok_or(Refusal::Malformed(packet::Error::Truncated))?
        .fill(0);
    sum.add(l4);
    let check = if ip.proto == proto::UDP { sum.udp_checksum() } else { sum.checksum() };
    l4.get_mut(field)
        .ok_or(Refusal::Malformed(packet::Error::Truncated))?
        .copy_from_slice(&check.to_be_bytes());
    Ok(())
}

/// The IP header(s) of a packet a target may answer: parsed, of protocol
/// `l4`, not a fragment, between unicast addresses.
pub(crate) fn checked_ip(family: Family, head: &[u8], total: usize, l4: u8) -> Result<Ip, Refusal> {
    let ip = packet::locate(family, head, total)?;
    if ip.proto != l4 {
        return Err(Refusal::Protocol);
    }
    if ip.fragment != Fragment::None {
        return Err(Refusal::Fragment);
    }
    if !ip.src.is_unicast() || !ip.dst.is_unicast() {
        return Err(Refusal::Address);
    }
    Ok(ip)
}

/// The reply's IP header fields beyond the swapped addresses.
pub(crate) struct IpFields {
    /// L4 protocol.
    pub proto: u8,
    /// Bytes after the IP header (L4 header and payload).
    pub l4_len: usize,
    /// TTL / hop limit (0 when the route decides).
    pub ttl: u8,
    /// TOS / traffic class.
    pub tos: u8,
    /// IPv4 identification.
    pub id: u16,
    /// IPv4 "don't fragment".
    pub dont_fragment: bool,
    /// IPv6 flow label.
    pub flow_label: u32,
}

/// Writes the IP header of a reply to `ip` (addresses swapped) at the start
/// of `out`; returns its length and the checksum of the L4 pseudo-header.
pub(crate) fn write_ip(ip: &Ip, fields: &IpFields, out: &mut [u8]) -> Option<(usize, Sum)> {
    match (ip.dst, ip.src) {
        (Addr::V4(src), Addr::V4(dst)) => {
            let total = u16::try_from(ipv4::HEADER_LEN + fields.l4_len).ok()?;
            let l4_len = u16::try_from(fields.l4_len).ok()?;
            let h: &mut [u8; ipv4::HEADER_LEN] = out.get_mut(..ipv4::HEADER_LEN)?.try_into().ok()?;
            let frag: u16 = if fields.dont_fragment { 0x4000 } else { 0 };
            h[0] = 0x45;
            h[1] = fields.tos;
            h[2..4].copy_from_slice(&total.to_be_bytes());
            h[4..6].copy_from_slice(&fields.id.to_be_bytes());
            h[6..8].copy_from_slice(&frag.to_be_bytes());
            h[8] = fields.ttl;
            h[9] = fields.proto;
            h[10..12].fill(0);
            h[12..16].copy_from_slice(&src);
            h[16..20].copy_from_slice(&dst);
            let mut sum = Sum::new();
            sum.add(h);
            h[10..12].copy_from_slice(&sum.checksum().to_be_bytes());
            Some((ipv4::HEADER_LEN, Sum::pseudo_v4(src, dst, fields.proto, l4_len)))
        }
        (Addr::V6(src), Addr::V6(dst)) => {
            let payload_len = u16::try_from(fields.l4_len).ok()?;
            let h: &mut [u8; ipv6::HEADER_LEN] = out.get_mut(..ipv6::HEADER_LEN)?.try_into().ok()?;
            let flow = fields.flow_label & 0x000f_ffff;
            let first = 6u32 << 28 | u32::from(fields.tos) << 20 | flow;
            h[0..4].copy_from_slice(&first.to_be_bytes());
            h[4..6].copy_from_slice(&payload_len.to_be_bytes());
            h[6] = fields.proto;
            h[7] = fields.ttl;
            h[8..24].copy_from_slice(&src);
            h[24..40].copy_from_slice(&dst);
            Some((ipv6::HEADER_LEN, Sum::pseudo_v6(&src, &dst, fields.proto, u32::from(payload_len))))
        }
        _ => None,
    }
}

/// Writes the whole TCP reply (IP header and a 20-byte TCP header without
/// options) into `out`; returns its length.
fn write_tcp(ip: &Ip, seg: &tcp::Segment, answer: &TcpAnswer, out: &mut [u8]) -> Option<usize> {
    let fields = IpFields {
        proto: proto::TCP,
        l4_len: tcp::HEADER_LEN,
        ttl: answer.hop_limit.unwrap_or(0),
        tos: 0,
        id: answer.id,
        dont_fragment: true,
        flow_label: 0,
    };
    let (ip_len, mut sum) = write_ip(ip, &fields, out)?;
    let end = ip_len.checked_add(tcp::HEADER_LEN)?;
    let t: &mut [u8; tcp::HEADER_LEN] = out.get_mut(ip_len..end)?.try_into().ok()?;
    t[0..2].copy_from_slice(&seg.dport.to_be_bytes());
    t[2..4].copy_from_slice(&seg.sport.to_be_bytes());
    t[4..8].copy_from_slice(&answer.seq.to_be_bytes());
    t[8..12].copy_from_slice(&answer.ack.to_be_bytes());
    t[12] = (tcp::HEADER_LEN as u8 / 4) << 4;
    t[13] = answer.flags;
    t[14..16].copy_from_slice(&answer.window.to_be_bytes());
    t[16..20].fill(0);
    sum.add(t);
    t[16..18].copy_from_slice(&sum.checksum().to_be_bytes());
    Some(end)
}

/// Writes the IP and UDP headers of a datagram answering `dgram` (ports
/// swapped, the same length, checksum 0 until [`fill_l4_checksum`]) into
/// `out`; returns their length.
pub(crate) fn write_udp_header(
    ip: &Ip,
    fields: &IpFields,
    dgram: &udp::Datagram,
    out: &mut [u8],
) -> Option<usize> {
    let (ip_len, _) = write_ip(ip, fields, out)?;
    let end = ip_len.checked_add(udp::HEADER_LEN)?;
    let u: &mut [u8; udp::HEADER_LEN] = out.get_mut(ip_len..end)?.try_into().ok()?;
    u[0..2].copy_from_slice(&dgram.dport.to_be_bytes());
    u[2..4].copy_from_slice(&dgram.sport.to_be_bytes());
    u[4..6].copy_from_slice(&dgram.len.to_be_bytes());
    u[6..8].fill(0);
    Some(end)
}
