// SPDX-License-Identifier: GPL-2.0-only
//! xa_pknock_*: the pknock state machine (shim::pknock) behind the C
//! interface of kmod-c/include/xa_shim_pknock.h.

use crate::packet::family_from_c;
use crate::sys::*;
use crate::{bytes, same_type, to_c_int};
use core::ffi::c_int;
use shim::packet::Addr;
use shim::pknock::locate::{self, Skip};
use shim::pknock::{self, Event, Mode, Packet, Peer, Rule, Spa, Status};

// The shim's SPA constants must be the header's.
const _: () = {
    assert!(pknock::spa::PAYLOAD_LEN == XT_PKNOCK_SPA_PAYLOAD_LEN as usize);
    assert!(pknock::spa::HEX_LEN == XT_PKNOCK_SPA_HEX_LEN as usize);
    // Each export has exactly the type of the header's prototype.
    same_type(
        crate::sys::xa_pknock_locate as unsafe extern "C" fn(_, _, _, _, _, _) -> _,
        xa_pknock_locate,
    );
    same_type(
        crate::sys::xa_pknock_spa_check as unsafe extern "C" fn(_, _, _, _) -> _,
        xa_pknock_spa_check,
    );
    same_type(
        crate::sys::xa_pknock_packet as unsafe extern "C" fn(_, _, _, _, _, _) -> _,
        xa_pknock_packet,
    );
    same_type(
        crate::sys::xa_pknock_peer_live as unsafe extern "C" fn(_, _, _, _, _) -> _,
        xa_pknock_peer_live,
    );
};

fn status_from_c(status: u32) -> Option<Status> {
    match status {
        XA_PKNOCK_ST_INIT => Some(Status::Init),
        XA_PKNOCK_ST_MATCHING => Some(Status::Matching),
        XA_PKNOCK_ST_ALLOWED => Some(Status::Allowed),
        _ => None,
    }
}

fn status_to_c(status: Status) -> u32 {
    match status {
        Status::Init => XA_PKNOCK_ST_INIT,
        Status::Matching => XA_PKNOCK_ST_MATCHING,
        Status::Allowed => XA_PKNOCK_ST_ALLOWED,
    }
}

fn peer_from_c(peer: &xa_pknock_peer) -> Option<Peer> {
    Some(Peer {
        status: status_from_c(peer.status)?,
        knocks: peer.knocks,
        last_knock: peer.last_knock,
        login: peer.login,
        open_minute: peer.open_minute,
        close_minute: peer.close_minute,
    })
}

fn event_to_c(event: Event) -> xa_pknock_event {
    match event {
        Event::None => XA_PKNOCK_EV_NONE,
        Event::Progress => XA_PKNOCK_EV_PROGRESS,
        Event::Opened => XA_PKNOCK_EV_OPENED,
        Event::Reset => XA_PKNOCK_EV_RESET,
        Event::Closed => XA_PKNOCK_EV_CLOSED,
        Event::Pass => XA_PKNOCK_EV_PASS,
        Event::Expired => XA_PKNOCK_EV_EXPIRED,
        Event::SpaLength => XA_PKNOCK_EV_SPA_LENGTH,
        Event::SpaDigest => XA_PKNOCK_EV_SPA_DIGEST,
        Event::SpaReplay => XA_PKNOCK_EV_SPA_REPLAY,
    }
}

/// The `len` first bytes of a fixed-size C `char` array, `None` if `len` is too large.
fn prefix(array: &[core::ffi::c_char], len: u32) -> Option<&[u8]> {
    c_chars_as_bytes(array).get(..usize::try_from(len).ok()?)
}

/// `c_char` is `i8` or `u8` depending on the target; both have the layout of `u8`.
fn c_chars_as_bytes(array: &[core::ffi::c_char]) -> &[u8] {
    // Safety: c_char and u8 have the same size and alignment, every bit
    // pattern is valid for both, and the length is unchanged.
    unsafe { core::slice::from_raw_parts(array.as_ptr().cast(), array.len()) }
}

fn has(info: &xt_pknock_mtinfo, option: u32) -> bool {
    u32::from(info.option) & option != 0
}

/// The shim's rule for the match data; `None` for data checkentry refuses.
fn rule_from_info(info: &xt_pknock_mtinfo, autoclose: u32) -> Option<Rule<'_>> {
    let mode = if has(info, XT_PKNOCK_CHECKIP) {
        Mode::CheckIp
    } else if has(info, XT_PKNOCK_OPENSECRET) {
        Mode::Spa {
            port: *info.port.first()?,
            open: prefix(&info.open_secret, info.open_secret_len)?,
            close: prefix(&info.close_secret, info.close_secret_len)?,
        }
    } else {
        let ports = info.port.get(..usize::from(info.ports_count))?;
        if ports.is_empty() {
            return None;
        }
        Mode::Knock {
            ports,
            max_time: has(info, XT_PKNOCK_TIME).then_some(info.max_time),
            strict: has(info, XT_PKNOCK_STRICT),
        }
    };
    Some(Rule { mode, autoclose })
}

/// The shim's view of a C packet; `None` for a null pointer or a bad length.
///
/// # Safety
/// `pkt->src` / `pkt->payload` must be null or point to their lengths of
/// readable bytes that live as long as `pkt`.
unsafe fn packet_from_c(pkt: &xa_pknock_packet) -> Option<Packet<'_>> {
    // Safety: forwarded from this function's contract.
    let src = unsafe { bytes(pkt.src, pkt.src_len) }?;
    let payload = if pkt.payload.is_null() {
        None
    } else {
        // Safety: forwarded from this function's contract.
        Some(unsafe { bytes(pkt.payload, pkt.payload_len) }?)
    };
    (src.len() == 4 || src.len() == 16).then_some(Packet {
        src,
        dport: pkt.dport,
        payload,
    })
}

/// A minute as C sees it: 0 for none (minute 0, 1970-01-01 00:00, is never accepted).
fn minute_to_c(minute: Option<u32>) -> u32 {
    minute.unwrap_or(0)
}

fn minute_from_c(minute: u32) -> Option<u32> {
    (minute != 0).then_some(minute)
}

/// `int xa_pknock_locate(info, family, pkt, pkt_len, l3_len, out)`
///
/// # Safety
/// `info` null or a valid rule; `pkt` null or `pkt_len` readable bytes that
/// nobody changes during the call; `out` null or a writable
/// `struct xa_pknock_fields`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_pknock_locate(
    info: *const xt_pknock_mtinfo,
    family: c_int,
    pkt: *const u8,
    pkt_len: usize,
    l3_len: usize,
    out: *mut xa_pknock_fields,
) -> c_int {
    let argument = to_c_int(XA_PKNOCK_LOC_ARGUMENT);
    if !info.is_aligned() || out.is_null() || !out.is_aligned() {
        return argument;
    }
    // Safety: aligned (checked); the caller guarantees null or valid.
    let Some(info) = (unsafe { info.as_ref() }) else {
        return argument;
    };
    // Safety: forwarded from this function's contract.
    let (Some(family), Some(head), Some(rule)) = (
        family_from_c(family),
        unsafe { bytes(pkt, pkt_len) },
        rule_from_info(info, 0),
    ) else {
        return argument;
    };
    let fields = match locate::locate(&rule, family, head, l3_len) {
        Ok(fields) => fields,
        Err(Skip::Ignore) => return to_c_int(XA_PKNOCK_LOC_IGNORE),
        Err(Skip::Unreadable) => return to_c_int(XA_PKNOCK_LOC_UNREADABLE),
    };
    let mut src = [0u8; 16];
    let src_len = match fields.src {
        Addr::V4(a) => {
            src[..4].copy_from_slice(&a);
            4
        }
        Addr::V6(a) => {
            src = a;
            16
        }
    };
    let (payload_off, payload_len) = match &fields.spa_payload {
        Some(p) => match (u32::try_from(p.start), u32::try_from(p.len())) {
            (Ok(off), Ok(len)) => (off, len),
            _ => return argument,
        },
        None => (0, 0),
    };
    let c = xa_pknock_fields {
        src,
        src_len,
        payload_off,
        payload_len,
        dport: fields.dport,
        proto: fields.proto,
        may_start: u8::from(fields.may_start),
    };
    // Safety: non-null and aligned (checked), writable per the contract.
    unsafe { out.write(c) };
    to_c_int(XA_PKNOCK_LOC_OK)
}

/// `int xa_pknock_spa_check(info, pkt, wall, spa)`
///
/// # Safety
/// Each pointer must be null or valid for its type (`spa` writable);
/// `pkt->src` / `pkt->payload` must be null or point to their lengths of
/// readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_pknock_spa_check(
    info: *const xt_pknock_mtinfo,
    pkt: *const xa_pknock_packet,
    wall: i64,
    spa: *mut xa_pknock_spa,
) -> c_int {
    let argument = to_c_int(XA_PKNOCK_EV_ARGUMENT);
    if !info.is_aligned() || !pkt.is_aligned() || !spa.is_aligned() {
        return argument;
    }
    // Safety: aligned (checked), and the caller guarantees null or valid.
    let (Some(info), Some(pkt), Some(out)) =
        (unsafe { info.as_ref() }, unsafe { pkt.as_ref() }, unsafe {
            spa.as_mut()
        })
    else {
        return argument;
    };
    // Safety: forwarded from this function's contract.
    let (Some(packet), Some(rule)) = (unsafe { packet_from_c(pkt) }, rule_from_info(info, 0))
    else {
        return argument;
    };
    let verdict = pknock::check_spa(&rule, &packet, wall);
    *out = xa_pknock_spa {
        open_minute: minute_to_c(verdict.open),
        close_minute: minute_to_c(verdict.close),
    };
    to_c_int(XA_PKNOCK_EV_NONE)
}

/// `int xa_pknock_packet(info, autoclose, peer, pkt, spa, now)`
///
/// # Safety
/// Each pointer must be null or valid for its type (`peer` writable and not
/// accessed concurrently); `pkt->src` / `pkt->payload` must be null or point
/// to their lengths of readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_pknock_packet(
    info: *const xt_pknock_mtinfo,
    autoclose: u32,
    peer: *mut xa_pknock_peer,
    pkt: *const xa_pknock_packet,
    spa: *const xa_pknock_spa,
    now: i64,
) -> c_int {
    let argument = to_c_int(XA_PKNOCK_EV_ARGUMENT);
    if !info.is_aligned() || !peer.is_aligned() || !pkt.is_aligned() || !spa.is_aligned() {
        return argument;
    }
    // Safety: aligned (checked), and the caller guarantees null or valid,
    // with exclusive access to *peer for the call.
    let (Some(info), Some(c_peer), Some(pkt), Some(spa)) = (
        unsafe { info.as_ref() },
        unsafe { peer.as_mut() },
        unsafe { pkt.as_ref() },
        unsafe { spa.as_ref() },
    ) else {
        return argument;
    };
    // Safety: forwarded from this function's contract.
    let (Some(packet), Some(rule), Some(mut state)) = (
        unsafe { packet_from_c(pkt) },
        rule_from_info(info, autoclose),
        peer_from_c(c_peer),
    ) else {
        return argument;
    };
    let verdict = Spa {
        open: minute_from_c(spa.open_minute),
        close: minute_from_c(spa.close_minute),
    };
    let event = pknock::on_packet(&rule, &mut state, &packet, &verdict, now);
    *c_peer = xa_pknock_peer {
        last_knock: state.last_knock,
        login: state.login,
        status: status_to_c(state.status),
        knocks: state.knocks,
        open_minute: state.open_minute,
        close_minute: state.close_minute,
    };
    to_c_int(event_to_c(event))
}

/// `int xa_pknock_peer_live(peer, max_time, autoclose, now, wall)`
///
/// # Safety
/// `peer` must be null or point to a readable `struct xa_pknock_peer`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_pknock_peer_live(
    peer: *const xa_pknock_peer,
    max_time: u32,
    autoclose: u32,
    now: i64,
    wall: i64,
) -> c_int {
    if !peer.is_aligned() {
        return 0;
    }
    // Safety: aligned (checked); the caller guarantees null or readable.
    let Some(state) = unsafe { peer.as_ref() }.and_then(peer_from_c) else {
        return 0;
    };
    c_int::from(state.worth_keeping(max_time, autoclose, now, wall))
}
