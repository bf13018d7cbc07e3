// SPDX-License-Identifier: GPL-2.0-only
//! The IPv6 header (RFC 8200) and the extension headers before the L4 header.

use super::{Addr, Error, Fragment, Ip, be16, bytes_at, proto};

/// Length of the fixed header.
pub const HEADER_LEN: usize = 40;

pub(super) fn locate(head: &[u8], total: usize) -> Result<Ip, Error> {
    let h: [u8; HEADER_LEN] = bytes_at(head, 0, total)?;
    if h[0] >> 4 != 6 {
        return Err(Error::Version);
    }
    let payload_len = usize::from(be16([h[4], h[5]]));
    if payload_len == 0 && h[6] == proto::HOPOPTS {
        // The real length is in a jumbo payload option (RFC 2675).
        return Err(Error::Jumbo);
    }
    let len = HEADER_LEN + payload_len;
    if len > total {
        return Err(Error::Length);
    }
    let mut src = [0u8; 16];
    let mut dst = [0u8; 16];
    src.copy_from_slice(&h[8..24]);
    dst.copy_from_slice(&h[24..40]);
    let (l4_off, next, fragment) = skip_extension_headers(head, len, h[6])?;
    Ok(Ip {
        src: Addr::V6(src),
        dst: Addr::V6(dst),
        len,
        l4_off,
        proto: next,
        fragment,
        options: l4_off > HEADER_LEN,
        ttl: h[7],
        tos: (h[0] << 4) | (h[1] >> 4),
        id: 0,
        flow_label: u32::from(h[1] & 0x0f) << 16 | u32::from(be16([h[2], h[3]])),
    })
}

/// Walks the extension headers the kernel's ipv6_skip_exthdr() knows
/// (hop-by-hop, routing, fragment, destination options, AH) from the first
/// next header `next`. Returns the L4 offset, the L4 protocol and the fragment
/// position. After the fragment header of a later fragment the walk stops:
/// what follows is payload, not a header. Every step moves at least 8 bytes
/// forward within `len`, so the walk ends.
fn skip_extension_headers(head: &[u8], len: usize, mut next: u8) -> Result<(usize, u8, Fragment), Error> {
    let mut off = HEADER_LEN;
    let mut fragment = Fragment::None;
    loop {
        let step = match next {
            proto::HOPOPTS | proto::ROUTING | proto::DSTOPTS => {
                let [nh, units] = bytes_at::<2>(head, off, len)?;
                next = nh;
                (usize::from(units) + 1) * 8
            }
            proto::AH => {
                let [nh, units] = bytes_at::<2>(head, off, len)?;
                next = nh;
                (usize::from(units) + 2) * 4
            }
            proto::FRAGMENT => {
                let f: [u8; 8] = bytes_at(head, off, len)?;
                next = f[0];
                fragment = if be16([f[2], f[3]]) >> 3 != 0 {
                    Fragment::Later
                } else {
                    Fragment::First
                };
                8
            }
            _ => return Ok((off, next, fragment)),
        };
        off += step;
        if off > len {
            return Err(Error::Truncated);
        }
        if fragment == Fragment::Later {
            return Ok((off, next, fragment));
        }
    }
}
