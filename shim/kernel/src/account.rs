// SPDX-License-Identifier: GPL-2.0-only
//! xt_ACCOUNT's exports (kmod-c/include/xa_shim_account.h).

use crate::sys::{self, *};
use crate::{same_type, to_c_int};
use core::ffi::{c_char, c_int, c_uint};
use shim::account::v6::{self, Addr, Net6};
use shim::account::{self, Net};

// The shim mirrors this limit; the header is the source of truth.
const _: () = assert!(account::MAX_HOST_BITS == XA_ACCOUNT_MAX_SLOT_BITS);

// Each export has exactly the type of the header's prototype.
const _: () = {
    same_type(
        sys::xa_account_check as unsafe extern "C" fn(_, _, _, _, _) -> _,
        xa_account_check,
    );
    same_type(
        sys::xa_account_net_init as unsafe extern "C" fn(_, _, _) -> _,
        xa_account_net_init,
    );
    same_type(
        sys::xa_account_classify_net as unsafe extern "C" fn(_, _, _) -> _,
        xa_account_classify_net,
    );
    same_type(
        sys::xa_account_slot_addr as unsafe extern "C" fn(_, _, _, _) -> _,
        xa_account_slot_addr,
    );
    same_type(
        sys::xa_account6_check as unsafe extern "C" fn(_, _, _, _) -> _,
        xa_account6_check,
    );
    same_type(
        sys::xa_account6_classify as unsafe extern "C" fn(_, _, _, _, _, _) -> _,
        xa_account6_classify,
    );
    same_type(
        sys::xa_account6_hash as unsafe extern "C" fn(_, _) -> _,
        xa_account6_hash,
    );
};

fn status(error: account::Error) -> xa_account_status {
    match error {
        account::Error::NameEmpty => XA_ACCOUNT_E_NAME_EMPTY,
        account::Error::NameLong => XA_ACCOUNT_E_NAME_LONG,
        account::Error::Mask => XA_ACCOUNT_E_MASK,
        account::Error::TooBig => XA_ACCOUNT_E_TOO_BIG,
        account::Error::HostBits => XA_ACCOUNT_E_HOST_BITS,
        account::Error::Prefix => XA_ACCOUNT_E_PREFIX,
    }
}

/// The network of a table the C side validated with xa_account_check(); the
/// arguments arrive in network byte order.
fn net(net_ip: u32, net_mask: u32) -> Option<Net> {
    Net::new(u32::from_be(net_ip), u32::from_be(net_mask)).ok()
}

/// `int xa_account_check(net_ip, net_mask, name, name_size, slot_bits)`
///
/// # Safety
/// `name` must be null or point to `name_size` readable bytes; `slot_bits`
/// must be null or point to a writable `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_account_check(
    net_ip: u32,
    net_mask: u32,
    name: *const c_char,
    name_size: usize,
    slot_bits: *mut u32,
) -> c_int {
    // Safety: forwarded from this function's contract.
    let Some(name) = (unsafe { crate::bytes(name.cast(), name_size) }) else {
        return to_c_int(XA_ACCOUNT_E_ARGUMENT);
    };
    if slot_bits.is_null() || !slot_bits.is_aligned() {
        return to_c_int(XA_ACCOUNT_E_ARGUMENT);
    }
    match account::check_rule(u32::from_be(net_ip), u32::from_be(net_mask), name) {
        Ok(net) => {
            // Safety: non-null and aligned (checked above), writable by contract.
            unsafe { slot_bits.write(net.slot_bits()) };
            to_c_int(XA_ACCOUNT_OK)
        }
        Err(error) => to_c_int(status(error)),
    }
}

/// `int xa_account_net_init(net_ip, net_mask, net)`
///
/// # Safety
/// `net` must be null or point to a writable `struct xa_account_net`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_account_net_init(
    net_ip: u32,
    net_mask: u32,
    net: *mut xa_account_net,
) -> c_int {
    if net.is_null() || !net.is_aligned() {
        return to_c_int(XA_ACCOUNT_E_ARGUMENT);
    }
    match Net::new(u32::from_be(net_ip), u32::from_be(net_mask)) {
        Ok(valid) => {
            // Safety: non-null and aligned (checked above), writable by contract.
            unsafe {
                net.write(xa_account_net {
                    addr: valid.addr(),
                    mask: valid.mask(),
                })
            };
            to_c_int(XA_ACCOUNT_OK)
        }
        Err(error) => to_c_int(status(error)),
    }
}

/// `struct xa_account_hits xa_account_classify_net(net, saddr, daddr)`:
/// no pointer, so nothing the caller passes can make it touch memory.
#[unsafe(no_mangle)]
pub extern "C" fn xa_account_classify_net(
    net: xa_account_net,
    saddr: u32,
    daddr: u32,
) -> xa_account_hits {
    let hits =
        account::classify_masked(net.addr, net.mask, u32::from_be(saddr), u32::from_be(daddr));
    let bit = |hit: Option<u32>, bit| if hit.is_some() { bit } else { 0 };
    xa_account_hits {
        which: bit(hits.src, XA_ACCOUNT_HIT_SRC) | bit(hits.dst, XA_ACCOUNT_HIT_DST),
        src_slot: hits.src.unwrap_or(0),
        dst_slot: hits.dst.unwrap_or(0),
    }
}

/// `int xa_account_slot_addr(net_ip, net_mask, slot, addr)`
///
/// # Safety
/// `addr` must be null or point to a writable `uint32_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_account_slot_addr(
    net_ip: u32,
    net_mask: u32,
    slot: u32,
    addr: *mut u32,
) -> c_int {
    if addr.is_null() || !addr.is_aligned() {
        return 0;
    }
    match net(net_ip, net_mask).and_then(|net| net.slot_addr(slot)) {
        Some(value) => {
            // Safety: non-null and aligned (checked above), writable by contract.
            unsafe { addr.write(value) };
            1
        }
        None => 0,
    }
}

/// The 16 bytes of an IPv6 address at `addr`, or `None` for a null pointer.
///
/// # Safety
/// `addr` must be null or point to 16 readable bytes.
unsafe fn addr6(addr: *const u8) -> Option<Addr> {
    if addr.is_null() {
        return None;
    }
    // Safety: non-null and 16 readable bytes by contract; [u8; 16] has
    // alignment 1.
    Some(unsafe { addr.cast::<Addr>().read() })
}

/// `int xa_account6_check(net_addr, prefix_len, name, name_size)`
///
/// # Safety
/// `net_addr` must be null or point to 16 readable bytes, `name` null or
/// to `name_size` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_account6_check(
    net_addr: *const u8,
    prefix_len: u32,
    name: *const c_char,
    name_size: usize,
) -> c_int {
    // Safety: forwarded from this function's contract.
    let (Some(addr), Some(name)) = (unsafe { addr6(net_addr) }, unsafe {
        crate::bytes(name.cast(), name_size)
    }) else {
        return to_c_int(XA_ACCOUNT_E_ARGUMENT);
    };
    match v6::check_rule6(addr, prefix_len, name) {
        Ok(_) => to_c_int(XA_ACCOUNT_OK),
        Err(error) => to_c_int(status(error)),
    }
}

/// `unsigned int xa_account6_classify(net_addr, prefix_len, saddr, daddr, src_key, dst_key)`
///
/// # Safety
/// `net_addr`, `saddr` and `daddr` must each be null or point to 16
/// readable bytes; `src_key` and `dst_key` null or to 16 writable bytes
/// that none of the inputs overlap.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_account6_classify(
    net_addr: *const u8,
    prefix_len: u32,
    saddr: *const u8,
    daddr: *const u8,
    src_key: *mut u8,
    dst_key: *mut u8,
) -> c_uint {
    // Safety: forwarded from this function's contract.
    let inputs = unsafe { (addr6(net_addr), addr6(saddr), addr6(daddr)) };
    let (Some(net), Some(saddr), Some(daddr)) = inputs else {
        return 0;
    };
    let Ok(net) = Net6::new(net, prefix_len) else {
        return 0;
    };
    if src_key.is_null() || dst_key.is_null() {
        return 0;
    }
    let hits = net.classify(saddr, daddr);
    let mut result = 0;
    if let Some(key) = hits.src {
        // Safety: non-null, 16 writable bytes by contract, alignment 1.
        unsafe { src_key.cast::<Addr>().write(key) };
        result |= XA_ACCOUNT_HIT_SRC;
    }
    if let Some(key) = hits.dst {
        // Safety: as above.
        unsafe { dst_key.cast::<Addr>().write(key) };
        result |= XA_ACCOUNT_HIT_DST;
    }
    result
}

/// `uint64_t xa_account6_hash(key, addr)`
///
/// # Safety
/// `key` must be null or point to two readable `uint64_t`, `addr` null or
/// to 16 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_account6_hash(key: *const u64, addr: *const u8) -> u64 {
    if key.is_null() || !key.is_aligned() {
        return 0;
    }
    // Safety: non-null and aligned (checked above), two readable u64 by contract.
    let key = unsafe { key.cast::<[u64; 2]>().read() };
    // Safety: forwarded from this function's contract.
    match unsafe { addr6(addr) } {
        Some(addr) => v6::hash(key, &addr),
        None => 0,
    }
}
