// SPDX-License-Identifier: GPL-2.0-only
//! The C API of libxt_ACCOUNT_cl.so.1 (include/libxt_ACCOUNT_cl.h): upstream's functions,
//! context layout and error strings, `#[no_mangle]` so that the shared library (crate
//! xt_ACCOUNT_cl) exports them and iptaccount calls the very same code. Differences that no
//! correct caller can observe: every buffer access is bounded by what was allocated,
//! whatever the kernel answers; the kernel may not shrink `data_size`; handle usage leaves
//! the read iterator alone; the table-name buffer grows when the kernel has more names than
//! fit; NULL pointers are refused instead of dereferenced.
//!
//! Extensions (IPv6 tables, our module only): `ipt_ACCOUNT_read_entries6`,
//! `ipt_ACCOUNT_get_next_entry6` and `ipt_ACCOUNT_get_table_names6`, the same machinery with
//! the IPv6 sockopts and records.
#![cfg_attr(not(test), no_std)]

/// bindgen's view of include/libxt_ACCOUNT_cl.h, kmod-c/include/xt_ACCOUNT.h and libc.
#[allow(non_camel_case_types, non_upper_case_globals, dead_code, clippy::all)]
pub mod sys {
    include!(concat!(env!("OUT_DIR"), "/libxt_ACCOUNT_cl.rs"));
}

/// The library version upstream's iptaccount prints ("1.3").
pub const VERSION: &str = match sys::LIBXT_ACCOUNT_VERSION.split_last() {
    // bindgen gives the C string with its NUL.
    Some((0, text)) => match core::str::from_utf8(text) {
        Ok(v) => v,
        Err(_) => panic!("LIBXT_ACCOUNT_VERSION is not UTF-8"),
    },
    _ => panic!("LIBXT_ACCOUNT_VERSION is not a C string"),
};

/// Longest table name in bytes.
pub const TABLE_NAME_MAX: usize = sys::ACCOUNT_TABLE_NAME_LEN as usize - 1;

use core::ffi::{CStr, c_char, c_int, c_uint, c_void};
use core::mem::size_of;
use core::ptr;

use crate::sys::ipt_acc_handle_sockopt as Handle;
use crate::sys::{ipt_ACCOUNT_context as Context, ipt_acc_handle_ip as Record};
use crate::sys::{xt_acc_handle_ip6 as Record6, xt_acc_handle6_sockopt as Handle6};

/// `handle.handle_nr` when no kernel handle is held.
const NO_HANDLE: u32 = u32::MAX;
const HANDLE_LEN: c_uint = size_of::<Handle>() as c_uint;
const RECORD_LEN: usize = size_of::<Record>();
const HANDLE6_LEN: c_uint = size_of::<Handle6>() as c_uint;
const RECORD6_LEN: usize = size_of::<Record6>();
const MIN_BUFSIZE: c_uint = sys::IPT_ACCOUNT_MIN_BUFSIZE;
/// Upstream's kernel sends at most a page of names; ours may send more.
const MAX_NAMES_BUFSIZE: c_uint = 64 * 1024;

// Upstream's messages, byte for byte: programs print them.
const E_SOCKET: &CStr =
    c"Can't open socket to kernel. Permission denied or ipt_ACCOUNT module not loaded";
const E_NOMEM: &CStr = c"Out of memory for data buffer";
/// A failed PREPARE_READ(_FLUSH): no such IPv4 table (or no module, no free handle).
pub const E_TABLE: &CStr = c"Can't get table information from kernel. Does it exist?";
const E_DATA: &CStr = c"Can't get data from kernel. Check /var/log/messages for details.";
const E_USAGE: &CStr = c"Can't get handle usage information from kernel";
const E_FREE_ALL: &CStr = c"Can't free all kernel handles";
const E_NAMES: &CStr = c"Can't get table names from kernel. Out of memory, MINBUFISZE too small?";
// The extensions' messages, in upstream's style.
/// A failed PREPARE_READ6(_FLUSH): no such IPv6 table (or no module, no free handle).
pub const E_TABLE6: &CStr = c"Can't get IPv6 table information from kernel. Does it exist?";
const E_NAMES6: &CStr = c"Can't get IPv6 table names from kernel. Is xt_ACCOUNT loaded?";
/// An IPv6 call refused by a module that answers the IPv4 ones: upstream's xt_ACCOUNT.
pub const E_NO_IPV6: &CStr =
    c"Can't get IPv6 tables from kernel: xt_ACCOUNT module has no IPv6 support";

/// The table family a read or a names call is for.
#[derive(Clone, Copy)]
enum Family {
    Ipv4,
    Ipv6,
}

impl Family {
    fn record_len(self) -> usize {
        match self {
            Family::Ipv4 => RECORD_LEN,
            Family::Ipv6 => RECORD6_LEN,
        }
    }

    fn data_op(self) -> u32 {
        match self {
            Family::Ipv4 => sys::IPT_SO_GET_ACCOUNT_GET_DATA,
            Family::Ipv6 => sys::IPT_SO_GET_ACCOUNT_GET_DATA6,
        }
    }

    fn not_found(self) -> &'static CStr {
        match self {
            Family::Ipv4 => E_TABLE,
            Family::Ipv6 => E_TABLE6,
        }
    }
}

// Each exported function has exactly the type of the header's prototype (bindgen's
// declaration of the same symbol): any mismatch fails to compile.
const fn same_type<T: Copy>(_: T, _: T) {}
macro_rules! same_types {
    ($($name:ident($($arg:tt),*) $(-> $ret:tt)?;)*) => {
        const _: () = {$(
            same_type(sys::$name as unsafe extern "C" fn($($arg),*) $(-> $ret)?, $name);
        )*};
    };
}
same_types! {
    ipt_ACCOUNT_init(_) -> _;
    ipt_ACCOUNT_deinit(_);
    ipt_ACCOUNT_free_entries(_);
    ipt_ACCOUNT_read_entries(_, _, _) -> _;
    ipt_ACCOUNT_get_next_entry(_) -> _;
    ipt_ACCOUNT_get_handle_usage(_) -> _;
    ipt_ACCOUNT_free_all_handles(_) -> _;
    ipt_ACCOUNT_get_table_names(_) -> _;
    ipt_ACCOUNT_get_next_name(_) -> _;
    ipt_ACCOUNT_read_entries6(_, _, _, _) -> _;
    ipt_ACCOUNT_get_next_entry6(_) -> _;
    ipt_ACCOUNT_get_table_names6(_) -> _;
}

fn fail(ctx: &mut Context, msg: &'static CStr) -> c_int {
    // The header's field is `char *` (upstream's ABI); callers only read it.
    ctx.error_str = msg.as_ptr().cast_mut();
    -1
}

fn errno() -> c_int {
    // Safety: glibc's per-thread errno, always a valid pointer.
    unsafe { *sys::__errno_location() }
}

/// getsockopt at level IPPROTO_IP; `len` is the buffer size in, what the kernel wrote out.
fn get(fd: c_int, opt: u32, buf: *mut c_void, len: &mut c_uint) -> bool {
    // Safety: callers pass a buffer of at least *len writable bytes.
    unsafe { sys::getsockopt(fd, sys::IPPROTO_IP as c_int, opt as c_int, buf, len) == 0 }
}

/// GET_HANDLE_USAGE: the number of handles in use, None when the kernel refuses.
fn handle_usage(fd: c_int) -> Option<u32> {
    let mut usage = Handle {
        handle_nr: NO_HANDLE,
        ..Handle::default()
    };
    let mut len = HANDLE_LEN;
    get(
        fd,
        sys::IPT_SO_GET_ACCOUNT_GET_HANDLE_USAGE,
        ptr::from_mut(&mut usage).cast(),
        &mut len,
    )
    .then_some(usage.itemcount)
}

/// The message for a failed IPv6 call (errno kept for the caller). ENOPROTOOPT means no
/// module owns the sockopt: if one answers the IPv4 calls, it is a module without IPv6
/// (upstream's); without any module, the call's ordinary message `otherwise`.
fn ipv6_error(ctx: &Context, otherwise: &'static CStr) -> &'static CStr {
    let e = errno();
    if e != sys::ENOPROTOOPT as c_int {
        return otherwise;
    }
    let module_loaded = handle_usage(ctx.sockfd).is_some();
    // Safety: glibc's per-thread errno, always a valid pointer.
    unsafe { *sys::__errno_location() = e };
    if module_loaded { E_NO_IPV6 } else { otherwise }
}

fn set(ctx: &Context, opt: u32, buf: *const c_void, len: c_uint) -> bool {
    // Safety: callers pass a buffer of len readable bytes (or NULL and 0).
    unsafe { sys::setsockopt(ctx.sockfd, sys::IPPROTO_IP as c_int, opt as c_int, buf, len) == 0 }
}

/// Gives the kernel handle back, if one is held.
fn release_handle(ctx: &mut Context) {
    if ctx.handle.handle_nr != NO_HANDLE {
        // Nothing to do on failure: the handle is then already gone (freed by -h).
        set(
            ctx,
            sys::IPT_SO_SET_ACCOUNT_HANDLE_FREE,
            ptr::from_ref(&ctx.handle).cast(),
            HANDLE_LEN,
        );
        ctx.handle.handle_nr = NO_HANDLE;
    }
}

/// Replaces the data buffer by one of `size` bytes (contents not kept).
fn replace_buffer(ctx: &mut Context, size: c_uint) -> bool {
    // Safety: data is NULL or our malloc'ed buffer; the new one is malloc'ed for size bytes.
    unsafe {
        sys::free(ctx.data);
        ctx.data_size = 0;
        ctx.data = sys::malloc(size.into());
    }
    if ctx.data.is_null() {
        return false;
    }
    ctx.data_size = size;
    true
}

/// Opens the socket (AF_INET raw, as upstream: needs root) and a MIN_BUFSIZE buffer.
///
/// # Safety
/// `ctx` is NULL (refused) or points to writable memory for a context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ipt_ACCOUNT_init(ctx: *mut Context) -> c_int {
    if ctx.is_null() {
        return -1;
    }
    // Safety: ctx is writable (caller's contract); it may be uninitialised, so write first.
    let ctx = unsafe {
        ctx.write(Context::default());
        &mut *ctx
    };
    ctx.handle.handle_nr = NO_HANDLE;
    // Safety: plain system call.
    ctx.sockfd = unsafe {
        sys::socket(
            sys::AF_INET as c_int,
            sys::SOCK_RAW as c_int,
            sys::IPPROTO_RAW as c_int,
        )
    };
    if ctx.sockfd < 0 {
        ctx.sockfd = -1;
        return fail(ctx, E_SOCKET);
    }
    if !replace_buffer(ctx, MIN_BUFSIZE) {
        // Safety: our socket, closed once.
        unsafe { sys::close(ctx.sockfd) };
        ctx.sockfd = -1;
        return fail(ctx, E_NOMEM);
    }
    0
}

/// Frees the buffer and any kernel handle, closes the socket.
///
/// # Safety
/// `ctx` is NULL (ignored) or a context set up by [`ipt_ACCOUNT_init`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ipt_ACCOUNT_deinit(ctx: *mut Context) {
    // Safety: caller's contract.
    let Some(ctx) = (unsafe { ctx.as_mut() }) else {
        return;
    };
    // Safety: our malloc'ed buffer or NULL.
    unsafe { sys::free(ctx.data) };
    ctx.data = ptr::null_mut();
    ctx.data_size = 0;
    // Safety: ctx is a valid context.
    unsafe { ipt_ACCOUNT_free_entries(ctx) };
    if ctx.sockfd >= 0 {
        // Safety: our socket, closed once.
        unsafe { sys::close(ctx.sockfd) };
    }
    ctx.sockfd = -1;
}

/// Releases the kernel handle and empties the iterator.
///
/// # Safety
/// As [`ipt_ACCOUNT_deinit`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ipt_ACCOUNT_free_entries(ctx: *mut Context) {
    // Safety: caller's contract.
    let Some(ctx) = (unsafe { ctx.as_mut() }) else {
        return;
    };
    release_handle(ctx);
    ctx.handle.itemcount = 0;
    ctx.pos = 0;
}

/// PREPARE_READ(6)(_FLUSH) of the name in `ctx.handle`: on success `ctx.handle` holds the
/// kernel's handle and record count; returns the table's uncounted packets (IPv6 only).
fn prepare_read(ctx: &mut Context, family: Family, flush: bool) -> Result<u64, &'static CStr> {
    match family {
        Family::Ipv4 => {
            let op = if flush {
                sys::IPT_SO_GET_ACCOUNT_PREPARE_READ_FLUSH
            } else {
                sys::IPT_SO_GET_ACCOUNT_PREPARE_READ
            };
            let mut len = HANDLE_LEN;
            get(
                ctx.sockfd,
                op,
                ptr::from_mut(&mut ctx.handle).cast(),
                &mut len,
            )
            .then_some(0)
            .ok_or(E_TABLE)
        }
        Family::Ipv6 => {
            let op = if flush {
                sys::IPT_SO_GET_ACCOUNT_PREPARE_READ6_FLUSH
            } else {
                sys::IPT_SO_GET_ACCOUNT_PREPARE_READ6
            };
            let mut handle = Handle6 {
                handle_nr: NO_HANDLE,
                name: ctx.handle.name,
                ..Handle6::default()
            };
            let mut len = HANDLE6_LEN;
            if !get(ctx.sockfd, op, ptr::from_mut(&mut handle).cast(), &mut len) {
                return Err(ipv6_error(ctx, E_TABLE6));
            }
            ctx.handle.handle_nr = handle.handle_nr;
            ctx.handle.itemcount = handle.itemcount;
            Ok(handle.uncounted)
        }
    }
}

/// read_entries(6): a snapshot of `table` (first 31 bytes) copied into the buffer, flushing
/// the counters unless `dont_flush`; the table's uncounted packets (IPv4: 0).
fn read_table(
    ctx: &mut Context,
    table: *const c_char,
    dont_flush: c_char,
    family: Family,
) -> Result<u64, &'static CStr> {
    if table.is_null() || ctx.data.is_null() {
        return Err(family.not_found());
    }
    release_handle(ctx);
    // strncpy semantics: at most TABLE_NAME_MAX bytes, zero-padded, so always terminated.
    ctx.handle.name = [0; TABLE_NAME_MAX + 1];
    for i in 0..TABLE_NAME_MAX {
        // Safety: table is NUL-terminated and we stop at the NUL.
        let byte = unsafe { *table.add(i) };
        if byte == 0 {
            break;
        }
        ctx.handle.name[i] = byte;
    }
    let uncounted = prepare_read(ctx, family, dont_flush == 0).inspect_err(|_| {
        ctx.handle.handle_nr = NO_HANDLE;
        ctx.handle.itemcount = 0;
    })?;
    ctx.pos = 0;
    // The kernel's count sizes the buffer, so an absurd one fails here instead of overflowing.
    let Some(needed) = (ctx.handle.itemcount as usize)
        .checked_mul(family.record_len())
        .and_then(|n| c_uint::try_from(n).ok())
    else {
        // Safety: ctx is a valid context.
        unsafe { ipt_ACCOUNT_free_entries(ctx) };
        return Err(E_NOMEM);
    };
    let needed = needed.max(MIN_BUFSIZE);
    // Reallocate when too small or more than twice too big: no churn for tables that
    // change size a little between reads.
    let resize = ctx.data_size < needed || u64::from(ctx.data_size) > 2 * u64::from(needed);
    if resize && !replace_buffer(ctx, needed) {
        // Safety: ctx is a valid context.
        unsafe { ipt_ACCOUNT_free_entries(ctx) };
        return Err(E_NOMEM);
    }
    // GET_DATA(6) takes the handle at the start of the buffer and overwrites it with records.
    // Safety: data holds at least MIN_BUFSIZE > HANDLE_LEN bytes; the handle is a local field.
    unsafe {
        ptr::copy_nonoverlapping(
            ptr::from_ref(&ctx.handle).cast::<u8>(),
            ctx.data.cast::<u8>(),
            HANDLE_LEN as usize,
        );
    }
    let mut len = ctx.data_size;
    if !get(ctx.sockfd, family.data_op(), ctx.data, &mut len) {
        // Safety: ctx is a valid context.
        unsafe { ipt_ACCOUNT_free_entries(ctx) };
        return Err(E_DATA);
    }
    // The snapshot is copied: the kernel handle is no longer needed; itemcount stays.
    release_handle(ctx);
    Ok(uncounted)
}

/// Reads a snapshot of `table` (first 31 bytes), flushing its counters unless `dont_flush`.
///
/// # Safety
/// As [`ipt_ACCOUNT_deinit`]; `table` is NULL (refused) or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ipt_ACCOUNT_read_entries(
    ctx: *mut Context,
    table: *const c_char,
    dont_flush: c_char,
) -> c_int {
    // Safety: caller's contract.
    let Some(ctx) = (unsafe { ctx.as_mut() }) else {
        return -1;
    };
    match read_table(ctx, table, dont_flush, Family::Ipv4) {
        Ok(_) => 0,
        Err(msg) => fail(ctx, msg),
    }
}

/// Extension: reads a snapshot of the IPv6 table `table` as [`ipt_ACCOUNT_read_entries`]
/// does, and on success stores its uncounted packets at `uncounted` unless NULL.
///
/// # Safety
/// As [`ipt_ACCOUNT_read_entries`]; `uncounted` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ipt_ACCOUNT_read_entries6(
    ctx: *mut Context,
    table: *const c_char,
    dont_flush: c_char,
    uncounted: *mut u64,
) -> c_int {
    // Safety: caller's contract.
    let Some(ctx) = (unsafe { ctx.as_mut() }) else {
        return -1;
    };
    match read_table(ctx, table, dont_flush, Family::Ipv6) {
        Ok(n) => {
            // Safety: NULL or writable (caller's contract).
            if let Some(out) = unsafe { uncounted.as_mut() } {
                *out = n;
            }
            0
        }
        Err(msg) => fail(ctx, msg),
    }
}

/// The next record of `family` in the buffer, NULL after the last.
fn next_record(ctx: &mut Context, family: Family) -> *mut c_void {
    let pos = ctx.pos as usize;
    let fits = (pos + 1)
        .checked_mul(family.record_len())
        .is_some_and(|end| end <= ctx.data_size as usize);
    if ctx.data.is_null() || ctx.pos >= ctx.handle.itemcount || !fits {
        return ptr::null_mut();
    }
    ctx.pos += 1;
    // Safety: the record lies inside the buffer (checked above); malloc's alignment and the
    // record sizes (40, 48) keep it 8-byte aligned.
    unsafe { ctx.data.cast::<u8>().add(pos * family.record_len()).cast() }
}

/// The next record of the last read, NULL after the last.
///
/// # Safety
/// As [`ipt_ACCOUNT_deinit`]. The record lives until the next call that reads.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ipt_ACCOUNT_get_next_entry(ctx: *mut Context) -> *mut Record {
    // Safety: caller's contract.
    match unsafe { ctx.as_mut() } {
        Some(ctx) => next_record(ctx, Family::Ipv4).cast(),
        None => ptr::null_mut(),
    }
}

/// Extension: the next record of the last [`ipt_ACCOUNT_read_entries6`], NULL after the last.
///
/// # Safety
/// As [`ipt_ACCOUNT_get_next_entry`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ipt_ACCOUNT_get_next_entry6(ctx: *mut Context) -> *mut Record6 {
    // Safety: caller's contract.
    match unsafe { ctx.as_mut() } {
        Some(ctx) => next_record(ctx, Family::Ipv6).cast(),
        None => ptr::null_mut(),
    }
}

/// How many kernel read handles are in use.
///
/// # Safety
/// As [`ipt_ACCOUNT_deinit`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ipt_ACCOUNT_get_handle_usage(ctx: *mut Context) -> c_int {
    // Safety: caller's contract.
    let Some(ctx) = (unsafe { ctx.as_mut() }) else {
        return -1;
    };
    match handle_usage(ctx.sockfd) {
        Some(n) => c_int::try_from(n).unwrap_or(c_int::MAX),
        None => fail(ctx, E_USAGE),
    }
}

/// Frees every kernel read handle.
///
/// # Safety
/// As [`ipt_ACCOUNT_deinit`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ipt_ACCOUNT_free_all_handles(ctx: *mut Context) -> c_int {
    // Safety: caller's contract.
    let Some(ctx) = (unsafe { ctx.as_mut() }) else {
        return -1;
    };
    if !set(ctx, sys::IPT_SO_SET_ACCOUNT_HANDLE_FREE_ALL, ptr::null(), 0) {
        return fail(ctx, E_FREE_ALL);
    }
    // Ours is gone too; its number may soon be another reader's.
    ctx.handle.handle_nr = NO_HANDLE;
    0
}

/// get_table_names(6): the names of `family`'s tables into the buffer.
fn read_names(ctx: &mut Context, family: Family) -> c_int {
    let (op, failed) = match family {
        Family::Ipv4 => (sys::IPT_SO_GET_ACCOUNT_GET_TABLE_NAMES, E_NAMES),
        Family::Ipv6 => (sys::IPT_SO_GET_ACCOUNT_GET_TABLE_NAMES6, E_NAMES6),
    };
    // The buffer now holds names, not records.
    release_handle(ctx);
    ctx.handle.itemcount = 0;
    ctx.pos = 0;
    loop {
        if ctx.data.is_null() {
            return fail(ctx, failed);
        }
        // A kernel that writes nothing leaves an empty list, not stale bytes.
        // Safety: data holds data_size bytes.
        unsafe { ptr::write_bytes(ctx.data.cast::<u8>(), 0, ctx.data_size as usize) };
        let mut len = ctx.data_size;
        if get(ctx.sockfd, op, ctx.data, &mut len) {
            break;
        }
        if errno() != sys::ENOMEM as c_int || ctx.data_size >= MAX_NAMES_BUFSIZE {
            let msg = match family {
                Family::Ipv4 => failed,
                Family::Ipv6 => ipv6_error(ctx, failed),
            };
            return fail(ctx, msg);
        }
        let bigger = ctx.data_size * 2;
        if !replace_buffer(ctx, bigger) {
            return fail(ctx, E_NOMEM);
        }
    }
    // The list ends inside the buffer even if the kernel filled it to the last byte.
    // Safety: data_size >= MIN_BUFSIZE > 0.
    unsafe { *ctx.data.cast::<u8>().add(ctx.data_size as usize - 1) = 0 };
    0
}

/// Reads the table names into the buffer; iterate with [`ipt_ACCOUNT_get_next_name`].
///
/// # Safety
/// As [`ipt_ACCOUNT_deinit`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ipt_ACCOUNT_get_table_names(ctx: *mut Context) -> c_int {
    // Safety: caller's contract.
    match unsafe { ctx.as_mut() } {
        Some(ctx) => read_names(ctx, Family::Ipv4),
        None => -1,
    }
}

/// Extension: reads the IPv6 table names into the buffer; iterate with
/// [`ipt_ACCOUNT_get_next_name`].
///
/// # Safety
/// As [`ipt_ACCOUNT_deinit`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ipt_ACCOUNT_get_table_names6(ctx: *mut Context) -> c_int {
    // Safety: caller's contract.
    match unsafe { ctx.as_mut() } {
        Some(ctx) => read_names(ctx, Family::Ipv6),
        None => -1,
    }
}

/// The next table name, NULL after the last.
///
/// # Safety
/// As [`ipt_ACCOUNT_deinit`], after [`ipt_ACCOUNT_get_table_names`] succeeded. The name
/// lives until the next call that reads.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ipt_ACCOUNT_get_next_name(ctx: *mut Context) -> *const c_char {
    // Safety: caller's contract.
    let Some(ctx) = (unsafe { ctx.as_mut() }) else {
        return ptr::null();
    };
    if ctx.data.is_null() || ctx.pos >= ctx.data_size {
        return ptr::null();
    }
    // Safety: pos < data_size and the buffer's last byte is NUL (get_table_names), so the
    // string ends inside the buffer.
    let name = unsafe { ctx.data.cast::<c_char>().add(ctx.pos as usize) };
    // Safety: as above.
    let len = unsafe { CStr::from_ptr(name) }.to_bytes().len();
    if len == 0 {
        return ptr::null();
    }
    ctx.pos += len as c_uint + 1;
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;

    /// The offsets upstream's x86-64 library uses (read from its machine code): programs
    /// built against it access these fields directly.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn context_layout_is_upstreams() {
        assert_eq!(offset_of!(Context, sockfd), 0);
        assert_eq!(offset_of!(Context, handle), 4);
        assert_eq!(offset_of!(Context, data_size), 0x2c);
        assert_eq!(offset_of!(Context, pos), 0x30);
        assert_eq!(offset_of!(Context, data), 0x38);
        assert_eq!(offset_of!(Context, error_str), 0x40);
        assert_eq!(size_of::<Context>(), 0x48);
        assert_eq!(RECORD_LEN, 40);
        assert_eq!(HANDLE_LEN, 40);
    }

    /// The extension's records as kmod-c/include/xt_ACCOUNT.h fixes them.
    #[test]
    fn ipv6_layout_is_the_headers() {
        assert_eq!(RECORD6_LEN, 48);
        assert_eq!(HANDLE6_LEN, 48);
        assert_eq!(offset_of!(Handle6, itemcount), 36);
        assert_eq!(offset_of!(Handle6, uncounted), 40);
        assert_eq!(offset_of!(Record6, src_packets), 16);
    }

    #[test]
    fn a_context_without_buffer_is_refused_not_dereferenced() {
        let mut ctx = Context::default();
        // Safety: a zeroed context without buffer, and NULL: every call must refuse.
        unsafe {
            assert!(ipt_ACCOUNT_get_next_entry(&mut ctx).is_null());
            assert!(ipt_ACCOUNT_get_next_name(&mut ctx).is_null());
            assert_eq!(ipt_ACCOUNT_read_entries(&mut ctx, c"x".as_ptr(), 1), -1);
            assert!(ipt_ACCOUNT_get_next_entry6(&mut ctx).is_null());
            let mut uncounted = 7;
            assert_eq!(
                ipt_ACCOUNT_read_entries6(&mut ctx, c"x".as_ptr(), 1, &mut uncounted),
                -1
            );
            assert_eq!(uncounted, 7, "written on failure");
            assert_eq!(CStr::from_ptr(ctx.error_str), E_TABLE6);
            assert_eq!(ipt_ACCOUNT_get_table_names6(&mut ctx), -1);
            assert_eq!(
                ipt_ACCOUNT_read_entries6(ptr::null_mut(), c"x".as_ptr(), 1, ptr::null_mut()),
                -1
            );
            assert_eq!(ipt_ACCOUNT_get_table_names6(ptr::null_mut()), -1);
            assert!(ipt_ACCOUNT_get_next_entry6(ptr::null_mut()).is_null());
            assert_eq!(ipt_ACCOUNT_init(ptr::null_mut()), -1);
            assert!(ipt_ACCOUNT_get_next_entry(ptr::null_mut()).is_null());
            ipt_ACCOUNT_deinit(ptr::null_mut());
        }
    }
}
