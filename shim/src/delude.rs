// SPDX-License-Identifier: GPL-2.0-only
//! DELUDE: a SYN gets a SYN-ACK, anything else what REJECT's `tcp-reset`
//! sends, so half-open scanners see every port open.
//!
//! As upstream (3.31) but for its defects: the SYN-ACK's initial sequence
//! number is random (upstream's is 0, a fingerprint), and IPv6 is answered
//! too. Upstream's TTL of 0 (a kernel WARN on 6.1) is the module's to fix:
//! every DELUDE reply takes the route's hop limit. The SYN-ACK's window is 0,
//! as upstream's: the peer completes the handshake, then its ACK gets an RST.

use crate::packet::tcp;
use crate::reply::{self, TcpAnswer, occupied_end};

/// What DELUDE answers to `seg`; `random` gives the initial sequence number.
#[must_use]
pub fn answer(seg: &tcp::Segment, random: u64) -> Option<TcpAnswer> {
    if seg.has(tcp::RST) {
        return None;
    }
    if seg.has(tcp::SYN) && !seg.has(tcp::ACK) && !seg.has(tcp::FIN) {
        return Some(TcpAnswer {
            seq: random as u32,
            ack: occupied_end(seg),
            flags: tcp::SYN | tcp::ACK,
            window: 0,
            hop_limit: None,
            id: 0,
        });
    }
    reply::reset(seg)
}
