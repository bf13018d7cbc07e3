// SPDX-License-Identifier: GPL-2.0-only
//! xa_tcp_reply / xa_udp_echo: the reply builders (shim::reply, shim::echo)
//! behind the C interface of kmod-c/include/xa_shim_reply.h.

use crate::packet::family_from_c;
use crate::sys::*;
use crate::{bytes, bytes_mut, same_type, to_c_int};
use core::ffi::c_int;
use shim::reply::{self, Refusal, Reply, TcpTarget};
use shim::tarpit::Mode;

// The header's limits are the shim's; each export has the header's type.
const _: () = {
    assert!(reply::MAX_TCP_REPLY == XA_REPLY_TCP_MAX as usize);
    assert!(reply::MAX_UDP_HEADER == XA_REPLY_UDP_HEADER_MAX as usize);
    same_type(
        crate::sys::xa_tcp_reply as unsafe extern "C" fn(_, _, _, _, _, _, _, _, _) -> _,
        xa_tcp_reply,
    );
    same_type(
        crate::sys::xa_udp_echo as unsafe extern "C" fn(_, _, _, _, _, _, _) -> _,
        xa_udp_echo,
    );
    same_type(
        crate::sys::xa_l4_checksum_fill as unsafe extern "C" fn(_, _, _) -> _,
        xa_l4_checksum_fill,
    );
};

fn target_from_c(answer: c_int) -> Option<TcpTarget> {
    match u32::try_from(answer).ok()? {
        XA_TCP_TARPIT => Some(TcpTarget::Tarpit(Mode::Tarpit)),
        XA_TCP_HONEYPOT => Some(TcpTarget::Tarpit(Mode::Honeypot)),
        XA_TCP_RESET => Some(TcpTarget::Tarpit(Mode::Reset)),
        XA_TCP_DELUDE => Some(TcpTarget::Delude),
        _ => None,
    }
}

fn status(refusal: Refusal) -> xa_reply_status {
    match refusal {
        Refusal::NoAnswer => XA_REPLY_NONE,
        Refusal::Malformed(_) => XA_REPLY_E_MALFORMED,
        Refusal::Fragment => XA_REPLY_E_FRAGMENT,
        Refusal::Options => XA_REPLY_E_OPTIONS,
        Refusal::Protocol => XA_REPLY_E_PROTOCOL,
        Refusal::Address => XA_REPLY_E_ADDRESS,
        Refusal::Port => XA_REPLY_E_PORT,
        Refusal::Checksum => XA_REPLY_E_CHECKSUM,
        Refusal::Argument => XA_REPLY_E_ARGUMENT,
    }
}

/// The C view of a reply; `None` if an offset does not fit 32 bits (never:
/// packets are under 2^17 bytes).
fn reply_to_c(r: &Reply) -> Option<xa_reply> {
    Some(xa_reply {
        header_len: u32::try_from(r.header_len).ok()?,
        l4_off: u32::try_from(r.l4_off).ok()?,
        checksum_len: u32::try_from(r.checksum_len).ok()?,
        payload_off: u32::try_from(r.payload.start).ok()?,
        payload_len: u32::try_from(r.payload.len()).ok()?,
        hop_limit: r.hop_limit.unwrap_or(0),
        fill_checksum: u8::from(r.fill_checksum),
    })
}

/// Runs `build` on the checked arguments and stores its reply in `*reply`.
///
/// # Safety
/// As the exports below: `pkt` null or `pkt_len` readable bytes, `out` null
/// or `out_len` writable bytes not aliasing `pkt`, `reply` null or writable.
unsafe fn run(
    pkt: *const u8,
    pkt_len: usize,
    out: *mut u8,
    out_len: usize,
    reply: *mut xa_reply,
    build: impl FnOnce(&[u8], &mut [u8]) -> Result<Reply, Refusal>,
) -> c_int {
    let argument = to_c_int(XA_REPLY_E_ARGUMENT);
    if reply.is_null() || !reply.is_aligned() {
        return argument;
    }
    // Safety: forwarded from this function's contract.
    let (Some(pkt), Some(out)) = (unsafe { bytes(pkt, pkt_len) }, unsafe { bytes_mut(out, out_len) }) else {
        return argument;
    };
    let result = build(pkt, out).and_then(|r| reply_to_c(&r).ok_or(Refusal::Argument));
    match result {
        Ok(r) => {
            // Safety: non-null and aligned (checked), writable per the contract.
            unsafe { reply.write(r) };
            to_c_int(XA_REPLY_OK)
        }
        Err(refusal) => to_c_int(status(refusal)),
    }
}

/// `int xa_tcp_reply(family, answer, pkt, pkt_len, l3_len, random, out, out_len, reply)`
///
/// # Safety
/// `pkt` must be null or point to `pkt_len` readable bytes and `out` to
/// `out_len` writable bytes, neither changed by anyone else during the call
/// nor overlapping; `reply` null or a writable `struct xa_reply`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_tcp_reply(
    family: c_int,
    answer: c_int,
    pkt: *const u8,
    pkt_len: usize,
    l3_len: usize,
    random: u64,
    out: *mut u8,
    out_len: usize,
    reply: *mut xa_reply,
) -> c_int {
    let (Some(family), Some(target)) = (family_from_c(family), target_from_c(answer)) else {
        return to_c_int(XA_REPLY_E_ARGUMENT);
    };
    // Safety: forwarded from this function's contract.
    unsafe {
        run(pkt, pkt_len, out, out_len, reply, |head, out| {
            reply::tcp(family, target, head, l3_len, random, out)
        })
    }
}

/// `int xa_udp_echo(family, pkt, pkt_len, l3_len, out, out_len, reply)`
///
/// # Safety
/// As [`xa_tcp_reply`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_udp_echo(
    family: c_int,
    pkt: *const u8,
    pkt_len: usize,
    l3_len: usize,
    out: *mut u8,
    out_len: usize,
    reply: *mut xa_reply,
) -> c_int {
    let Some(family) = family_from_c(family) else {
        return to_c_int(XA_REPLY_E_ARGUMENT);
    };
    // Safety: forwarded from this function's contract.
    unsafe {
        run(pkt, pkt_len, out, out_len, reply, |head, out| {
            shim::echo::reply(family, head, l3_len, out)
        })
    }
}

/// `int xa_l4_checksum_fill(family, pkt, len)`
///
/// # Safety
/// `pkt` must be null or point to `len` writable bytes that nothing else
/// reads or writes during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_l4_checksum_fill(family: c_int, pkt: *mut u8, len: usize) -> c_int {
    // Safety: forwarded from this function's contract.
    let (Some(family), Some(pkt)) = (family_from_c(family), unsafe { bytes_mut(pkt, len) }) else {
        return to_c_int(XA_REPLY_E_ARGUMENT);
    };
    match reply::fill_l4_checksum(family, pkt) {
        Ok(()) => to_c_int(XA_REPLY_OK),
        Err(refusal) => to_c_int(status(refusal)),
    }
}
