// SPDX-License-Identifier: GPL-2.0-only
//! The shim's C interface (kmod-c/include/xa_shim.h) for the kernel modules.
//!
//! Only integers and pointers cross it. Every pointer is checked for null
//! (and the output for alignment) before use, and lengths are bounded by the
//! shim itself. Built by build-object.sh with flags that keep it free of
//! SSE/x87 code (sse2 disabled: rustc warns this will become a hard error,
//! harmless while no float crosses the boundary, a known long-term risk).
#![no_std]

use core::ffi::{c_char, c_int};
use shim::hash::Hash;
use shim::sysrq;

/// bindgen's view of xa_shim.h: the types, constants and declarations.
#[allow(non_camel_case_types, non_upper_case_globals, dead_code, clippy::all)]
mod sys {
    include!(concat!(env!("OUT_DIR"), "/xa_shim.rs"));
}

use sys::*;

mod pknock;
mod account;
mod packet;
mod reply;
mod geoip;

// The shim mirrors these limits; the header is the source of truth.
const _: () = {
    assert!(sysrq::MAX_REQUEST == XA_SYSRQ_MAX_REQUEST as usize);
    assert!(sysrq::MAX_PASSWORD == XA_SYSRQ_MAX_PASSWORD as usize);
    assert!(sysrq::MAX_DST == XA_SYSRQ_MAX_DST as usize);
};

/// Compiles only when both arguments have the same type.
const fn same_type<T: Copy>(_: T, _: T) {}

// Each exported function has exactly the type of the header's prototype
// (bindgen's declaration of the same symbol): any mismatch fails to compile.
const _: () = {
    same_type(
        sys::xa_hash_from_name as unsafe extern "C" fn(_, _) -> _,
        xa_hash_from_name,
    );
    same_type(
        sys::xa_hash_digest_len as unsafe extern "C" fn(_) -> _,
        xa_hash_digest_len,
    );
    same_type(
        sys::xa_sysrq_verify as unsafe extern "C" fn(_, _, _, _, _, _, _, _) -> _,
        xa_sysrq_verify,
    );
    same_type(
        sys::xa_sysrq_seqno as unsafe extern "C" fn(_, _, _) -> _,
        xa_sysrq_seqno,
    );
};

fn hash_from_id(id: c_int) -> Option<Hash> {
    match u32::try_from(id).ok()? {
        XA_HASH_SHA1 => Some(Hash::Sha1),
        XA_HASH_SHA224 => Some(Hash::Sha224),
        XA_HASH_SHA256 => Some(Hash::Sha256),
        XA_HASH_SHA384 => Some(Hash::Sha384),
        XA_HASH_SHA512 => Some(Hash::Sha512),
        _ => None,
    }
}

fn hash_id(hash: Hash) -> xa_hash {
    match hash {
        Hash::Sha1 => XA_HASH_SHA1,
        Hash::Sha224 => XA_HASH_SHA224,
        Hash::Sha256 => XA_HASH_SHA256,
        Hash::Sha384 => XA_HASH_SHA384,
        Hash::Sha512 => XA_HASH_SHA512,
    }
}

fn status(error: sysrq::Error) -> xa_sysrq_status {
    match error {
        sysrq::Error::Empty => XA_SYSRQ_E_EMPTY,
        sysrq::Error::TooLong => XA_SYSRQ_E_TOO_LONG,
        sysrq::Error::Format => XA_SYSRQ_E_FORMAT,
        sysrq::Error::Seqno => XA_SYSRQ_E_SEQNO,
        sysrq::Error::ShortDigest => XA_SYSRQ_E_SHORT_DIGEST,
        sysrq::Error::BadDigest => XA_SYSRQ_E_BAD_DIGEST,
        sysrq::Error::Argument => XA_SYSRQ_E_ARGUMENT,
    }
}

/// Enum values are small non-negative constants; C returns them as `int`.
fn to_c_int(value: u32) -> c_int {
    c_int::try_from(value).unwrap_or(c_int::MAX)
}

/// The `len` bytes at `ptr`, or `None` for a null pointer with a non-zero
/// length or a length no slice can have.
///
/// # Safety
/// A non-null `ptr` must point to `len` readable bytes that stay unchanged for `'a`.
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if ptr.is_null() || len > isize::MAX as usize {
        return None;
    }
    // Safety: non-null, length bounded by isize::MAX, and the caller guarantees
    // `len` readable, unchanging bytes; u8 has no alignment requirement.
    Some(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// The `len` bytes at `ptr`, writable, or `None` as [`bytes`] gives it.
///
/// # Safety
/// A non-null `ptr` must point to `len` writable bytes that nothing else
/// reads or writes for `'a`.
unsafe fn bytes_mut<'a>(ptr: *mut u8, len: usize) -> Option<&'a mut [u8]> {
    if len == 0 {
        return Some(&mut []);
    }
    if ptr.is_null() || len > isize::MAX as usize {
        return None;
    }
    // Safety: non-null, length bounded by isize::MAX, and the caller guarantees
    // `len` writable bytes with no other access; u8 has no alignment requirement.
    Some(unsafe { core::slice::from_raw_parts_mut(ptr, len) })
}

/// `int xa_hash_from_name(const char *name, size_t name_len)`
///
/// # Safety
/// `name` must be null or point to `name_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_hash_from_name(name: *const c_char, name_len: usize) -> c_int {
    // Safety: forwarded from this function's contract.
    let hash = unsafe { bytes(name.cast(), name_len) }.and_then(Hash::from_name);
    to_c_int(hash.map_or(XA_HASH_NONE, hash_id))
}

/// `size_t xa_hash_digest_len(int hash)`
///
/// # Safety
/// None: takes no pointer (unsafe only to match the other exports' declarations).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_hash_digest_len(hash: c_int) -> usize {
    hash_from_id(hash).map_or(0, Hash::digest_len)
}

/// `int xa_sysrq_seqno(payload, payload_len, seqno)`
///
/// # Safety
/// `payload` must be null or point to `payload_len` readable bytes not
/// modified during the call; `seqno` must be null or point to a writable
/// `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_sysrq_seqno(
    payload: *const u8,
    payload_len: usize,
    seqno: *mut u64,
) -> c_int {
    // Safety: forwarded from this function's contract.
    let Some(payload) = (unsafe { bytes(payload, payload_len) }) else {
        return to_c_int(XA_SYSRQ_E_ARGUMENT);
    };
    if seqno.is_null() || !seqno.is_aligned() {
        return to_c_int(XA_SYSRQ_E_ARGUMENT);
    }
    match sysrq::peek_seqno(payload) {
        Ok(value) => {
            // Safety: non-null and aligned (checked above), writable by contract.
            unsafe { seqno.write(value) };
            to_c_int(XA_SYSRQ_OK)
        }
        Err(error) => to_c_int(status(error)),
    }
}

/// `int xa_sysrq_verify(int hash, payload, payload_len, dst, dst_len, password, password_len, out)`
///
/// # Safety
/// Each of `payload`, `dst`, `password` must be null or point to its length
/// of readable bytes not modified during the call; `out` must be null or
/// point to a writable `struct xa_sysrq_request`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_sysrq_verify(
    hash: c_int,
    payload: *const u8,
    payload_len: usize,
    dst: *const u8,
    dst_len: usize,
    password: *const u8,
    password_len: usize,
    out: *mut xa_sysrq_request,
) -> c_int {
    // Safety: each pointer/length pair is forwarded from this function's contract.
    let (payload, dst, password) = unsafe {
        (
            bytes(payload, payload_len),
            bytes(dst, dst_len),
            bytes(password, password_len),
        )
    };
    let (Some(hash), Some(payload), Some(dst), Some(password)) =
        (hash_from_id(hash), payload, dst, password)
    else {
        return to_c_int(XA_SYSRQ_E_ARGUMENT);
    };
    if out.is_null() || !out.is_aligned() {
        return to_c_int(XA_SYSRQ_E_ARGUMENT);
    }
    let request = match sysrq::verify(hash, payload, dst, password) {
        Ok(request) => request,
        Err(error) => return to_c_int(status(error)),
    };
    // Offsets are below XA_SYSRQ_MAX_REQUEST, so they always fit.
    let (Ok(keys_off), Ok(keys_len)) = (
        u32::try_from(request.keys.start),
        u32::try_from(request.keys.len()),
    ) else {
        return to_c_int(XA_SYSRQ_E_TOO_LONG);
    };
    // Safety: `out` is non-null and aligned (checked above) and the caller
    // guarantees it points to a writable struct xa_sysrq_request.
    unsafe {
        out.write(xa_sysrq_request {
            seqno: request.seqno,
            keys_off,
            keys_len,
        })
    };
    to_c_int(XA_SYSRQ_OK)
}

unsafe extern "C" {
    /// Never linked: build-object.sh fails when the optimised object still
    /// references it, which proves no panic path survived.
    fn xa_shim_panic();
}

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    // Safety: xa_shim_panic takes no arguments; the build guarantees the call is unreachable.
    unsafe { xa_shim_panic() };
    // Safety: ud2 raises #UD and never returns.
    unsafe { core::arch::asm!("ud2", options(noreturn, nomem, nostack)) }
}
