// SPDX-License-Identifier: GPL-2.0-only
//! ECHO (RFC 862): the UDP payload goes back to its sender.
//!
//! Stricter than upstream (3.31), whose module trusted the UDP length (a
//! length beyond the packet made it copy from a NULL pointer), answered
//! fragments, and echoed to and from any address: the length must fit the
//! packet, fragments and non-unicast addresses get nothing, and neither does
//! a datagram from port 0 (no reply expected) or from its own destination
//! port (two echo services would bounce it forever). An IPv6 datagram without
//! a checksum is refused as the IPv6 stack refuses it.
//!
//! The reply's UDP checksum is computed over the whole reply once the module
//! appended the payload ([`crate::reply::fill_l4_checksum`]): the original's
//! field cannot be reused, as a locally sent datagram may carry only the
//! pseudo-header's sum there (checksum offload).

use crate::packet::{Family, proto, udp};
use crate::reply::{IpFields, Refusal, Reply, checked_ip, write_udp_header};

/// The reply to a UDP packet of `total` bytes whose first bytes are `head`:
/// its IP and UDP headers are written into `out`, and the payload to append
/// is the original's [`Reply::payload`].
pub fn reply(family: Family, head: &[u8], total: usize, out: &mut [u8]) -> Result<Reply, Refusal> {
    let ip = checked_ip(family, head, total, proto::UDP)?;
    let dgram = udp::parse(&ip, head)?;
    if dgram.sport == 0 || dgram.dport == 0 || dgram.sport == dgram.dport {
        return Err(Refusal::Port);
    }
    if family == Family::V6 && dgram.check == 0 {
        return Err(Refusal::Checksum);
    }
    let fields = IpFields {
        proto: proto::UDP,
        l4_len: usize::from(dgram.len),
        ttl: 0,
        tos: ip.tos,
        id: ip.id,
        dont_fragment: false,
        flow_label: ip.flow_label,
    };
    let header_len = write_udp_header(&ip, &fields, &dgram, out).ok_or(Refusal::Argument)?;
    let payload_start = ip.l4_off + udp::HEADER_LEN;
    Ok(Reply {
        header_len,
        l4_off: ip.l4_off,
        checksum_len: if dgram.check == 0 { 0 } else { usize::from(dgram.len) },
        payload: payload_start..payload_start + dgram.payload_len(),
        hop_limit: None,
        fill_checksum: true,
    })
}
