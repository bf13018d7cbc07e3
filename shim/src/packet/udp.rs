// SPDX-License-Identifier: GPL-2.0-only
//! The UDP header (RFC 768).

use super::{Error, Fragment, Ip, be16, bytes_at};

/// Length of the header.
pub const HEADER_LEN: usize = 8;

/// A UDP header, checked against the packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Datagram {
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// The length field: header and payload, 8..=the bytes after `l4_off`.
    pub len: u16,
    /// The checksum field (0: none, allowed over IPv4 only).
    pub check: u16,
}

impl Datagram {
    /// Payload bytes (the length field minus the header).
    #[must_use]
    pub fn payload_len(&self) -> usize {
        usize::from(self.len).saturating_sub(HEADER_LEN)
    }
}

/// Reads the UDP header at `ip.l4_off` of the packet whose first bytes are
/// `head`. The length field must cover the header and fit in the packet;
/// bytes after it (allowed, as the kernel allows them) are not the datagram's.
pub fn parse(ip: &Ip, head: &[u8]) -> Result<Datagram, Error> {
    if ip.fragment == Fragment::Later {
        return Err(Error::Fragment);
    }
    let h: [u8; HEADER_LEN] = bytes_at(head, ip.l4_off, ip.len)?;
    let len = be16([h[4], h[5]]);
    if usize::from(len) < HEADER_LEN || usize::from(len) > ip.l4_len() {
        return Err(Error::Length);
    }
    Ok(Datagram {
        sport: be16([h[0], h[1]]),
        dport: be16([h[2], h[3]]),
        len,
        check: be16([h[6], h[7]]),
    })
}
