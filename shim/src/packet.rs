// SPDX-License-Identifier: GPL-2.0-only
//! Bounded parsers of IPv4 and IPv6 packets: the IP header, the way to the
//! L4 header through IPv6 extension headers, and TCP and UDP headers.
//!
//! Every extension that looks at a packet starts here. The module hands the
//! shim the packet's first bytes from the network header (`head`, as many as
//! its window holds: `xa_skb_head()` in kmod-c/include/xa_skb.h) and the
//! number of bytes the packet really has (`total`). [`locate`] checks every
//! length against both and says where the L4 header is, which protocol it
//! is, and whether the packet is a fragment; [`tcp::parse`] and
//! [`udp::parse`] read that header. Nothing is trusted: a header that claims
//! more bytes than the packet has is [`Error::Truncated`], one that runs past
//! the window is [`Error::BeyondHead`] (a bigger window would parse it).
//! [`udp::payload`] does it all for a module that wants a datagram's payload.

pub mod ipv4;
pub mod ipv6;
pub mod tcp;
#[cfg(test)]
mod tests;
pub mod udp;

use core::fmt;

/// IP protocol numbers used by the parsers and the reply builders.
pub mod proto {
    /// IPv6 hop-by-hop options header.
    pub const HOPOPTS: u8 = 0;
    /// TCP.
    pub const TCP: u8 = 6;
    /// UDP.
    pub const UDP: u8 = 17;
    /// UDP-Lite (RFC 3828).
    pub const UDPLITE: u8 = 136;
    /// IPv6 routing header.
    pub const ROUTING: u8 = 43;
    /// IPv6 fragment header.
    pub const FRAGMENT: u8 = 44;
    /// IPsec authentication header.
    pub const AH: u8 = 51;
    /// IPv6 "no next header".
    pub const NONE: u8 = 59;
    /// IPv6 destination options header.
    pub const DSTOPTS: u8 = 60;
}

/// IPv4 or IPv6.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

/// An address as the packet carries it (network order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Addr {
    /// IPv4.
    V4([u8; 4]),
    /// IPv6.
    V6([u8; 16]),
}

impl Addr {
    /// Whether a host may send to or answer this address: not unspecified,
    /// multicast or broadcast (IPv4: not 0.0.0.0/8, 224.0.0.0/4 or
    /// 240.0.0.0/4, which holds 255.255.255.255; IPv6: not `::`, ff00::/8
    /// or an IPv4-mapped address, which never appears on the wire).
    /// A subnet's broadcast address looks like any other: only the routing
    /// table knows it, so the module checks the reply's route too.
    #[must_use]
    pub fn is_unicast(&self) -> bool {
        match self {
            Addr::V4([a, ..]) => *a != 0 && *a < 224,
            Addr::V6(a) => {
                let unspecified = a.iter().all(|&b| b == 0);
                let multicast = a[0] == 0xff;
                let mapped = a[..10].iter().all(|&b| b == 0) && a[10] == 0xff && a[11] == 0xff;
                !(unspecified || multicast || mapped)
            }
        }
    }
}

/// Where a packet lies in its original datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fragment {
    /// A whole datagram.
    None,
    /// The first fragment (offset 0): its L4 header is here, its payload is
    /// not all here. An IPv6 fragment header with offset 0 and no M flag (an
    /// atomic fragment, RFC 6946) counts as one too.
    First,
    /// A later fragment: no L4 header, only payload bytes.
    Later,
}

/// What [`locate`] found in the IP header(s).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ip {
    /// Source address.
    pub src: Addr,
    /// Destination address.
    pub dst: Addr,
    /// Bytes of the packet by its own header: the total length (IPv4), 40 +
    /// the payload length (IPv6). At most `total`; bytes after it (link-layer
    /// padding) are not part of it.
    pub len: usize,
    /// Offset of the L4 header (after IPv4 options or IPv6 extension
    /// headers), at most `len`.
    pub l4_off: usize,
    /// The L4 protocol: IPv4's protocol field, IPv6's last next header.
    pub proto: u8,
    /// Fragment position.
    pub fragment: Fragment,
    /// IPv4 options or IPv6 extension headers precede the L4 header.
    pub options: bool,
    /// TTL (IPv4) or hop limit (IPv6).
    pub ttl: u8,
    /// Type of service (IPv4) or traffic class (IPv6).
    pub tos: u8,
    /// Identification (IPv4); 0 for IPv6.
    pub id: u16,
    /// Flow label (IPv6, 20 bits); 0 for IPv4.
    pub flow_label: u32,
}

impl Ip {
    /// Bytes from the L4 header to the end of the packet (by its header).
    #[must_use]
    pub fn l4_len(&self) -> usize {
        self.len.saturating_sub(self.l4_off)
    }

    /// The family of the addresses.
    #[must_use]
    pub fn family(&self) -> Family {
        match self.src {
            Addr::V4(_) => Family::V4,
            Addr::V6(_) => Family::V6,
        }
    }
}

/// Why a packet could not be parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// A header needs more bytes than the packet has.
    Truncated,
    /// The headers continue past `head`, the bytes the caller read.
    BeyondHead,
    /// The version field is not the family's.
    Version,
    /// A length field contradicts itself or the packet: an IPv4 header
    /// length below 20 or above the total length, a total or payload length
    /// beyond the packet, a TCP data offset below 5, a UDP length below 8.
    Length,
    /// An IPv6 jumbogram (payload length 0): not supported.
    Jumbo,
    /// An L4 header was asked of a later fragment, which has none.
    Fragment,
    /// `head` is longer than `total`.
    Argument,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Error::Truncated => "header truncated",
            Error::BeyondHead => "headers beyond the bytes read",
            Error::Version => "wrong IP version",
            Error::Length => "inconsistent length field",
            Error::Jumbo => "IPv6 jumbogram",
            Error::Fragment => "no L4 header in a later fragment",
            Error::Argument => "more bytes read than the packet has",
        })
    }
}

/// Parses the IP header(s) of a `family` packet of `total` bytes whose first
/// bytes are `head`, and finds its L4 header.
pub fn locate(family: Family, head: &[u8], total: usize) -> Result<Ip, Error> {
    if head.len() > total {
        return Err(Error::Argument);
    }
    match family {
        Family::V4 => ipv4::locate(head, total),
        Family::V6 => ipv6::locate(head, total),
    }
}

/// `N` bytes of `head` at `off`: [`Error::Truncated`] when the packet (by its
/// header's length `len`) ends first, [`Error::BeyondHead`] when only `head`
/// does.
fn bytes_at<const N: usize>(head: &[u8], off: usize, len: usize) -> Result<[u8; N], Error> {
    let end = off.checked_add(N).ok_or(Error::Truncated)?;
    if end > len {
        return Err(Error::Truncated);
    }
    head.get(off..end)
        .and_then(|b| <[u8; N]>::try_from(b).ok())
        .ok_or(Error::BeyondHead)
}

fn be16(b: [u8; 2]) -> u16 {
    u16::from_be_bytes(b)
}
