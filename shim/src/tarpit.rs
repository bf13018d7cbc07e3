// SPDX-License-Identifier: GPL-2.0-only
//! TARPIT: what each mode answers to a TCP segment, keeping no state.
//!
//! Upstream's modes (xtables-addons 3.31), with its defects fixed:
//! - **tarpit** (default): a SYN gets a SYN-ACK with window 5; a SYN-ACK gets
//!   an RST; any other segment with ACK and without FIN or RST gets an ACK
//!   with window 0 that acknowledges nothing new, so the peer's data waits in
//!   a zero window (persist state) for as long as it keeps the connection.
//!   RST, FIN and segments with neither SYN nor ACK get nothing.
//! - **honeypot**: behaves like a listening host: a SYN gets a SYN-ACK with a
//!   random initial sequence number; an ACK gets an ACK (acknowledging the
//!   payload when it is over 100 bytes); a FIN gets an RST; a SYN-ACK gets an
//!   RST whose acknowledgment number is 0xdeadbeef. Windows are the peer's,
//!   randomised as upstream does; TTL 128. Upstream compared and wrote
//!   0xdeadbeef and the windows in mixed byte orders and answered segments
//!   without SYN, ACK or FIN with a flagless segment: here the numbers are
//!   what they say and such segments get nothing.
//! - **reset**: REJECT's `tcp-reset` ([`reply::reset`]). Upstream's RST to a
//!   SYN carries no ACK, which the peer ignores (its connect times out instead
//!   of being refused), and upstream answers RSTs too, so two such hosts
//!   could bounce RSTs forever: here a SYN gets an RST+ACK and an RST nothing.

use crate::packet::{Ip, tcp};
use crate::reply::{self, TcpAnswer, occupied_end};

/// TARPIT's modes, numbered as `struct xt_tarpit_tginfo`'s `variant`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `--tarpit` (0, the default).
    Tarpit,
    /// `--honeypot` (1).
    Honeypot,
    /// `--reset` (2).
    Reset,
}

impl Mode {
    /// The mode of a rule's `variant`; `None` for a value no plugin writes
    /// (checkentry refuses it; upstream sent flagless segments for it).
    #[must_use]
    pub fn from_variant(variant: u8) -> Option<Mode> {
        match variant {
            0 => Some(Mode::Tarpit),
            1 => Some(Mode::Honeypot),
            2 => Some(Mode::Reset),
            _ => None,
        }
    }
}

/// The window of a tarpit SYN-ACK: small but open, so the handshake completes.
pub const SYN_ACK_WINDOW: u16 = 5;
/// Honeypot replies' TTL / hop limit.
pub const HONEYPOT_TTL: u8 = 128;
/// The acknowledgment number of a honeypot's RST to a SYN-ACK ("see if they ack it").
pub const HONEYPOT_MARK: u32 = 0xdead_beef;
/// Honeypot ACKs acknowledge payloads longer than this.
pub const HONEYPOT_ACK_OVER: usize = 100;

/// What `mode` answers to `seg` (carried by `ip`); `random` gives the
/// honeypot its initial sequence number (low 32 bits) and window bits.
#[must_use]
pub fn answer(mode: Mode, ip: &Ip, seg: &tcp::Segment, random: u64) -> Option<TcpAnswer> {
    match mode {
        Mode::Tarpit => tarpit(seg),
        Mode::Honeypot => honeypot(ip, seg, random),
        Mode::Reset => reply::reset(seg),
    }
}

fn tarpit(seg: &tcp::Segment) -> Option<TcpAnswer> {
    let (syn, ack) = (seg.has(tcp::SYN), seg.has(tcp::ACK));
    if seg.has(tcp::RST) || seg.has(tcp::FIN) || !(syn || ack) {
        return None;
    }
    let (seq, ack_seq, flags, window) = match (syn, ack) {
        (true, true) => (seg.ack, 0, tcp::RST, 0),
        (true, false) => (0, seg.seq.wrapping_add(1), tcp::SYN | tcp::ACK, SYN_ACK_WINDOW),
        _ => (seg.ack, seg.seq, tcp::ACK, 0),
    };
    Some(TcpAnswer {
        seq,
        ack: ack_seq,
        flags,
        window,
        hop_limit: None,
        id: 0,
    })
}

fn honeypot(ip: &Ip, seg: &tcp::Segment, random: u64) -> Option<TcpAnswer> {
    if seg.has(tcp::RST) || seg.seq == HONEYPOT_MARK {
        return None;
    }
    let isn = random as u32;
    let window = honeypot_window(seg.window, (random >> 32) as u32);
    let (syn, ack) = (seg.has(tcp::SYN), seg.has(tcp::ACK));
    let (seq, ack_seq, flags, window) = if seg.has(tcp::FIN) {
        (seg.ack, seg.ack, tcp::RST, 0)
    } else if syn && ack {
        (seg.ack, HONEYPOT_MARK, tcp::RST | tcp::PSH, 0)
    } else if syn {
        (isn, seg.seq.wrapping_add(1), tcp::SYN | tcp::ACK, window)
    } else if ack {
        let acked = if seg.payload_len > HONEYPOT_ACK_OVER {
            occupied_end(seg)
        } else {
            seg.seq
        };
        (seg.ack, acked, tcp::ACK, window)
    } else {
        return None;
    };
    Some(TcpAnswer {
        seq,
        ack: ack_seq,
        flags,
        window,
        hop_limit: Some(HONEYPOT_TTL),
        // Upstream's ~id + 1: the original's identification negated.
        id: ip.id.wrapping_neg(),
    })
}

/// Upstream's honeypot window, `window & (r - 15)` with `r` random in 0..32,
/// computed in host order: about half the time the peer's window with a few
/// low bits cleared, otherwise at most 16.
#[must_use]
pub fn honeypot_window(window: u16, random: u32) -> u16 {
    let mask = (random % 32).wrapping_sub(15);
    // The low 16 bits of the mask: what `&` with a 16-bit window keeps.
    window & (mask & 0xffff) as u16
}
