// SPDX-License-Identifier: GPL-2.0-only
//! The UDP header (RFC 768), and where a datagram's payload lies (UDP and
//! UDP-Lite, RFC 3828, whose header is UDP's).

use super::{Error, Family, Fragment, Ip, be16, bytes_at, locate, proto};
use core::ops::Range;

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

/// Where the payload of a whole UDP or UDP-Lite datagram lies in its packet.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Payload {
    /// [`proto::UDP`] or [`proto::UDPLITE`].
    pub proto: u8,
    /// Offset of the UDP header.
    pub l4_off: usize,
    /// The payload's offsets, from the network header; within the packet.
    pub payload: Range<usize>,
}

/// Why [`payload`] found no payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PayloadError {
    /// The IP or UDP header is malformed or beyond the bytes read.
    Malformed(Error),
    /// A fragment, the first one included: the datagram is not all here.
    Fragment,
    /// Neither UDP nor UDP-Lite.
    Protocol,
}

impl From<Error> for PayloadError {
    fn from(error: Error) -> Self {
        PayloadError::Malformed(error)
    }
}

/// Locates the payload of the UDP or UDP-Lite datagram in the `family` packet
/// of `total` bytes whose first bytes are `head`. A UDP payload ends where
/// the length field says; UDP-Lite's length field is its checksum coverage
/// (0: all), so its payload is the rest of the packet.
pub fn payload(family: Family, head: &[u8], total: usize) -> Result<Payload, PayloadError> {
    let ip = locate(family, head, total)?;
    if ip.fragment != Fragment::None {
        return Err(PayloadError::Fragment);
    }
    let start = ip.l4_off + HEADER_LEN;
    let end = match ip.proto {
        proto::UDP => ip.l4_off + usize::from(parse(&ip, head)?.len),
        proto::UDPLITE => {
            bytes_at::<HEADER_LEN>(head, ip.l4_off, ip.len)?;
            ip.len
        }
        _ => return Err(PayloadError::Protocol),
    };
    Ok(Payload {
        proto: ip.proto,
        l4_off: ip.l4_off,
        payload: start..end,
    })
}
