// SPDX-License-Identifier: GPL-2.0-only
//! The TCP header (RFC 9293).

use super::{Error, Fragment, Ip, be16, bytes_at};

/// Length of the header without options.
pub const HEADER_LEN: usize = 20;

/// FIN flag.
pub const FIN: u8 = 0x01;
/// SYN flag.
pub const SYN: u8 = 0x02;
/// RST flag.
pub const RST: u8 = 0x04;
/// PSH flag.
pub const PSH: u8 = 0x08;
/// ACK flag.
pub const ACK: u8 = 0x10;

/// A TCP header, checked against the packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Segment {
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number.
    pub ack: u32,
    /// The flags byte (CWR ECE URG ACK PSH RST SYN FIN).
    pub flags: u8,
    /// Window.
    pub window: u16,
    /// Header length with options (data offset × 4), 20..=60.
    pub header_len: usize,
    /// Payload bytes after the header, to the end of the packet.
    pub payload_len: usize,
}

impl Segment {
    /// Whether every flag of `flags` is set.
    #[must_use]
    pub fn has(&self, flags: u8) -> bool {
        self.flags & flags == flags
    }
}

/// Reads the TCP header at `ip.l4_off` of the packet whose first bytes are `head`.
pub fn parse(ip: &Ip, head: &[u8]) -> Result<Segment, Error> {
    if ip.fragment == Fragment::Later {
        return Err(Error::Fragment);
    }
    let h: [u8; HEADER_LEN] = bytes_at(head, ip.l4_off, ip.len)?;
    let header_len = usize::from(h[12] >> 4) * 4;
    if header_len < HEADER_LEN {
        return Err(Error::Length);
    }
    let payload_len = ip.l4_len().checked_sub(header_len).ok_or(Error::Truncated)?;
    Ok(Segment {
        sport: be16([h[0], h[1]]),
        dport: be16([h[2], h[3]]),
        seq: u32::from_be_bytes([h[4], h[5], h[6], h[7]]),
        ack: u32::from_be_bytes([h[8], h[9], h[10], h[11]]),
        flags: h[13],
        window: be16([h[14], h[15]]),
        header_len,
        payload_len,
    })
}
