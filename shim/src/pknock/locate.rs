// SPDX-License-Identifier: GPL-2.0-only
//! Where the fields the match reads lie in a packet, and which of them the
//! rule needs, decided before the module copies a byte of payload, reads a
//! clock or takes a lock. Built on [`packet::locate`] (IP headers, IPv4
//! options, IPv6 extension headers, fragments).

use super::{Mode, Rule, spa};
use crate::packet::{self, Addr, Family, Fragment, proto, udp};
use core::ops::Range;

/// The fields of one packet that a rule looks at.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fields {
    /// Source address.
    pub src: Addr,
    /// [`proto::TCP`], [`proto::UDP`] or [`proto::UDPLITE`].
    pub proto: u8,
    /// Destination port.
    pub dport: u16,
    /// The payload's offsets from the network header, only when the rule
    /// verifies SPA payloads and this one is exactly [`spa::PAYLOAD_LEN`]
    /// bytes long: any other payload is ordinary traffic for every rule, so
    /// it is never read.
    pub spa_payload: Option<Range<usize>>,
    /// Whether the packet can start a peer the rule does not know yet (the
    /// first port of the sequence, an SPA payload to the SPA port). When it
    /// cannot and the rule has no entry for its source, it changes nothing.
    pub may_start: bool,
}

/// Why a packet has no fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Skip {
    /// Not TCP, UDP or UDP-Lite, a later fragment, headers the parser
    /// refuses, or a UDP header cut short: the rule does not match.
    Ignore,
    /// TCP, UDP or UDP-Lite whose ports lie beyond the packet's end: drop
    /// it (the match's hotdrop, as upstream's).
    Unreadable,
}

/// The fields of the `family` packet of `total` bytes whose first bytes are
/// `head`, for `rule`.
///
/// A first fragment counts (its ports are there). A UDP payload ends where
/// the length field says when the field is a possible one (8 up to the
/// bytes after the UDP header's start), else at the end of the packet;
/// UDP-Lite's length field is its checksum coverage, so its payload is the
/// rest of the packet.
pub fn locate(rule: &Rule<'_>, family: Family, head: &[u8], total: usize) -> Result<Fields, Skip> {
    let ip = packet::locate(family, head, total).map_err(|_| Skip::Ignore)?;
    if ip.fragment == Fragment::Later
        || !matches!(ip.proto, proto::TCP | proto::UDP | proto::UDPLITE)
    {
        return Err(Skip::Ignore);
    }
    let end = |len: usize| ip.l4_off.checked_add(len).filter(|&end| end <= ip.len);
    let ports = end(4).ok_or(Skip::Unreadable)?;
    let dport = match head.get(ip.l4_off..ports) {
        Some(&[_, _, hi, lo]) => u16::from_be_bytes([hi, lo]),
        _ => return Err(Skip::Ignore),
    };
    let payload = if ip.proto == proto::TCP {
        None
    } else {
        let start = end(udp::HEADER_LEN).ok_or(Skip::Ignore)?;
        let field = match head.get(ip.l4_off + 4..ip.l4_off + 6) {
            Some(&[hi, lo]) => usize::from(u16::from_be_bytes([hi, lo])),
            _ => return Err(Skip::Ignore),
        };
        let stop = match end(field) {
            Some(stop) if ip.proto == proto::UDP && field >= udp::HEADER_LEN => stop,
            _ => ip.len,
        };
        Some(start..stop)
    };
    let spa_payload =
        payload.filter(|p| matches!(rule.mode, Mode::Spa { .. }) && p.len() == spa::PAYLOAD_LEN);
    let may_start = match rule.mode {
        Mode::Knock { ports, .. } => ports.first() == Some(&dport),
        Mode::Spa { port, .. } => dport == port && spa_payload.is_some(),
        Mode::CheckIp => false,
    };
    Ok(Fields {
        src: ip.src,
        proto: ip.proto,
        dport,
        spa_payload,
        may_start,
    })
}
