// SPDX-License-Identifier: GPL-2.0-only
//! The IPv4 header (RFC 791).

use super::{Addr, Error, Fragment, Ip, be16, bytes_at};

/// Length of the header without options.
pub const HEADER_LEN: usize = 20;

/// The flags and fragment offset field: the "more fragments" flag.
const MORE_FRAGMENTS: u16 = 0x2000;
/// The flags and fragment offset field: the offset, in 8-byte units.
const OFFSET_MASK: u16 = 0x1fff;

pub(super) fn locate(head: &[u8], total: usize) -> Result<Ip, Error> {
    let h: [u8; HEADER_LEN] = bytes_at(head, 0, total)?;
    if h[0] >> 4 != 4 {
        return Err(Error::Version);
    }
    let header_len = usize::from(h[0] & 0x0f) * 4;
    let len = usize::from(be16([h[2], h[3]]));
    if header_len < HEADER_LEN || len < header_len || len > total {
        return Err(Error::Length);
    }
    let frag = be16([h[6], h[7]]);
    let fragment = if frag & OFFSET_MASK != 0 {
        Fragment::Later
    } else if frag & MORE_FRAGMENTS != 0 {
        Fragment::First
    } else {
        Fragment::None
    };
    Ok(Ip {
        src: Addr::V4([h[12], h[13], h[14], h[15]]),
        dst: Addr::V4([h[16], h[17], h[18], h[19]]),
        len,
        l4_off: header_len,
        proto: h[9],
        fragment,
        options: header_len > HEADER_LEN,
        ttl: h[8],
        tos: h[1],
        id: be16([h[4], h[5]]),
        flow_label: 0,
    })
}
