// SPDX-License-Identifier: GPL-2.0-only
//! xa_udp_payload: the packet locators (shim::packet) behind the C interface
//! of kmod-c/include/xa_shim_packet.h.

use crate::sys::*;
use crate::{bytes, same_type, to_c_int};
use core::ffi::c_int;
use shim::packet::{Error, Family, udp};

// Each export has the header's type.
const _: () = {
    same_type(
        crate::sys::xa_udp_payload as unsafe extern "C" fn(_, _, _, _, _) -> _,
        xa_udp_payload,
    );
};

/// The family of an `XA_FAMILY_*` value.
pub(crate) fn family_from_c(family: c_int) -> Option<Family> {
    match u32::try_from(family).ok()? {
        XA_FAMILY_IPV4 => Some(Family::V4),
        XA_FAMILY_IPV6 => Some(Family::V6),
        _ => None,
    }
}

fn status(error: Error) -> xa_packet_status {
    match error {
        Error::Truncated => XA_PACKET_E_TRUNCATED,
        Error::BeyondHead => XA_PACKET_E_BEYOND_HEAD,
        Error::Version => XA_PACKET_E_VERSION,
        Error::Length => XA_PACKET_E_LENGTH,
        Error::Jumbo => XA_PACKET_E_JUMBO,
        Error::Fragment => XA_PACKET_E_FRAGMENT,
        Error::Argument => XA_PACKET_E_ARGUMENT,
    }
}

/// The C view of a payload; `None` if an offset does not fit 32 bits (never:
/// packets are under 2^17 bytes).
fn payload_to_c(p: &udp::Payload) -> Option<xa_udp_payload> {
    Some(xa_udp_payload {
        l4_off: u32::try_from(p.l4_off).ok()?,
        payload_off: u32::try_from(p.payload.start).ok()?,
        payload_len: u32::try_from(p.payload.len()).ok()?,
        proto: p.proto,
    })
}

/// `int xa_udp_payload(family, pkt, pkt_len, l3_len, out)`
///
/// # Safety
/// `pkt` must be null or point to `pkt_len` readable bytes that nobody else
/// changes during the call; `out` null or a writable `struct xa_udp_payload`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_udp_payload(
    family: c_int,
    pkt: *const u8,
    pkt_len: usize,
    l3_len: usize,
    out: *mut xa_udp_payload,
) -> c_int {
    let argument = to_c_int(XA_PACKET_E_ARGUMENT);
    if out.is_null() || !out.is_aligned() {
        return argument;
    }
    // Safety: forwarded from this function's contract.
    let (Some(family), Some(head)) = (family_from_c(family), unsafe { bytes(pkt, pkt_len) }) else {
        return argument;
    };
    let found = udp::payload(family, head, l3_len).map_err(|e| match e {
        udp::PayloadError::Malformed(error) => status(error),
        udp::PayloadError::Fragment => XA_PACKET_E_FRAGMENT,
        udp::PayloadError::Protocol => XA_PACKET_E_PROTOCOL,
    });
    match found.and_then(|p| payload_to_c(&p).ok_or(XA_PACKET_E_ARGUMENT)) {
        Ok(p) => {
            // Safety: non-null and aligned (checked), writable per the contract.
            unsafe { out.write(p) };
            to_c_int(XA_PACKET_OK)
        }
        Err(status) => to_c_int(status),
    }
}
