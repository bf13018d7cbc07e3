// SPDX-License-Identifier: GPL-2.0-only
//! xt_geoip's and xt_asn's exports (kmod-c/include/xa_shim_geoip.h).

use crate::sys::{self, *};
use crate::{same_type, to_c_int};
use core::ffi::c_int;
use shim::geoip::file::FileError;
use shim::geoip::merge::{Union, UnionError, union};
use shim::geoip::{Addr, MAX_SOURCES, eytzinger};

// The shim mirrors this limit; the header is the source of truth.
const _: () = assert!(MAX_SOURCES == XA_GEOIP_MAX_FILES as usize);

// The layouts are read as [u64; 2] (high half first): same size, alignment and field order.
const _: () = {
    use core::mem::{align_of, offset_of, size_of};
    assert!(size_of::<xa_geoip_addr6>() == size_of::<[u64; 2]>());
    assert!(align_of::<xa_geoip_addr6>() == align_of::<[u64; 2]>());
    assert!(offset_of!(xa_geoip_addr6, hi) == 0 && offset_of!(xa_geoip_addr6, lo) == 8);
};

// Each export has exactly the type of the header's prototype.
const _: () = {
    same_type(
        sys::xa_geoip_prepare as unsafe extern "C" fn(_, _, _, _) -> _,
        xa_geoip_prepare,
    );
    same_type(
        sys::xa_geoip_layout4 as unsafe extern "C" fn(_, _, _, _, _) -> _,
        xa_geoip_layout4,
    );
    same_type(
        sys::xa_geoip_layout6 as unsafe extern "C" fn(_, _, _, _, _) -> _,
        xa_geoip_layout6,
    );
    same_type(
        sys::xa_geoip_lookup4 as unsafe extern "C" fn(_, _, _, _) -> _,
        xa_geoip_lookup4,
    );
    same_type(
        sys::xa_geoip_lookup6 as unsafe extern "C" fn(_, _, _, _) -> _,
        xa_geoip_lookup6,
    );
};

/// The bytes of each of the `nfiles` files at `files`, read one by one (no copy of the array:
/// a union keeps what it needs); `None` for a null pointer.
///
/// # Safety
/// `files` must be null or point to `nfiles` readable `struct xa_geoip_file`, each of whose
/// `data` is null or points to `len` readable bytes unchanged for `'a`.
unsafe fn file_bytes<'a>(
    files: *const xa_geoip_file,
    nfiles: usize,
) -> Option<impl Iterator<Item = &'a [u8]>> {
    if nfiles > 0 && (files.is_null() || !files.is_aligned()) {
        return None;
    }
    Some((0..nfiles).map(move |i| {
        // Safety: i < nfiles, and the caller guarantees nfiles readable entries.
        let file = unsafe { files.add(i).read() };
        // Safety: forwarded from this function's contract. A null data with a length reads
        // as a file the union refuses (one byte short of a record).
        unsafe { crate::bytes(file.data, file.len) }.unwrap_or(&[0])
    }))
}

/// Why files were refused: the status, the file and the record.
fn refusal(error: Option<UnionError>) -> (xa_geoip_status, usize, usize) {
    match error {
        None | Some(UnionError::TooManySources) => (XA_GEOIP_E_ARGUMENT, 0, 0),
        Some(UnionError::File { index, error }) => {
            let (status, record) = match error {
                FileError::Truncated { .. } => (XA_GEOIP_E_TRUNCATED, 0),
                FileError::Reversed { index } => (XA_GEOIP_E_REVERSED, index),
                FileError::Unsorted { index } => (XA_GEOIP_E_UNSORTED, index),
                FileError::Overlap { index } => (XA_GEOIP_E_OVERLAP, index),
            };
            (status, index, record)
        }
    }
}

/// The union of the files for family `A` (`Err(None)`: a null pointer). Used in place by its
/// callers: it holds 31 slices, and the kernel's stack is small.
///
/// # Safety
/// As [`file_bytes`].
unsafe fn union_of<'a, A: Addr>(
    files: *const xa_geoip_file,
    nfiles: usize,
) -> Result<Union<'a, A>, Option<UnionError>> {
    // Safety: forwarded from this function's contract.
    match unsafe { file_bytes(files, nfiles) } {
        Some(bytes) => union::<A>(bytes).map_err(Some),
        None => Err(None),
    }
}

/// Validates the files and counts their union for family `A`.
///
/// # Safety
/// As [`file_bytes`].
unsafe fn prepare<A: Addr>(
    files: *const xa_geoip_file,
    nfiles: usize,
    report: &mut xa_geoip_report,
) -> xa_geoip_status {
    // Safety: forwarded from this function's contract.
    let mut result = unsafe { union_of::<A>(files, nfiles) };
    match &mut result {
        Ok(ranges) => {
            report.ranges = ranges.by_ref().count() as u64;
            XA_GEOIP_OK
        }
        Err(error) => {
            let (status, file, record) = refusal(*error);
            report.file = file as u32;
            report.record = record as u64;
            status
        }
    }
}

/// `int xa_geoip_prepare(family, files, nfiles, report)`
///
/// # Safety
/// As [`file_bytes`]; `report` must be null or point to a writable `struct xa_geoip_report`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_geoip_prepare(
    family: c_int,
    files: *const xa_geoip_file,
    nfiles: usize,
    report: *mut xa_geoip_report,
) -> c_int {
    if report.is_null() || !report.is_aligned() {
        return to_c_int(XA_GEOIP_E_ARGUMENT);
    }
    let mut out = xa_geoip_report {
        file: 0,
        record: 0,
        ranges: 0,
    };
    // Safety (both calls): forwarded from this function's contract.
    let status = match family {
        4 => unsafe { prepare::<u32>(files, nfiles, &mut out) },
        6 => unsafe { prepare::<[u64; 2]>(files, nfiles, &mut out) },
        _ => XA_GEOIP_E_ARGUMENT,
    };
    // Safety: non-null and aligned (checked above), writable by contract.
    unsafe { report.write(out) };
    to_c_int(status)
}

/// Writes the union of the files into the two arrays of `slots` entries.
///
/// # Safety
/// As [`file_bytes`]; `begins` and `ends` must each be null or point to `slots` writable `A`
/// not otherwise referenced during the call.
unsafe fn layout<A: Addr>(
    files: *const xa_geoip_file,
    nfiles: usize,
    begins: *mut A,
    ends: *mut A,
    slots: usize,
) -> xa_geoip_status {
    let ptr_ok = |p: *mut A| !p.is_null() && p.is_aligned();
    if !ptr_ok(begins) || !ptr_ok(ends) || begins == ends || slots > isize::MAX as usize / 32 {
        return XA_GEOIP_E_ARGUMENT;
    }
    // Safety: forwarded from this function's contract.
    let mut result = unsafe { union_of::<A>(files, nfiles) };
    let ranges = match &mut result {
        Ok(ranges) => ranges,
        Err(error) => return refusal(*error).0,
    };
    // Safety: non-null, aligned, `slots` writable elements each (contract), distinct and not
    // referenced elsewhere during the call; the size bound keeps them under isize::MAX bytes.
    let (begins, ends) = unsafe {
        (
            core::slice::from_raw_parts_mut(begins, slots),
            core::slice::from_raw_parts_mut(ends, slots),
        )
    };
    // By reference: the union (an array of 31 slices) stays in this frame, not copied.
    match eytzinger::write(ranges.by_ref(), begins, ends) {
        Ok(()) => XA_GEOIP_OK,
        Err(_) => XA_GEOIP_E_LAYOUT,
    }
}

/// `int xa_geoip_layout4(files, nfiles, begins, ends, slots)`
///
/// # Safety
/// As [`layout`], with `uint32_t` arrays.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_geoip_layout4(
    files: *const xa_geoip_file,
    nfiles: usize,
    begins: *mut u32,
    ends: *mut u32,
    slots: usize,
) -> c_int {
    // Safety: forwarded from this function's contract.
    to_c_int(unsafe { layout(files, nfiles, begins, ends, slots) })
}

/// `int xa_geoip_layout6(files, nfiles, begins, ends, slots)`
///
/// # Safety
/// As [`layout`], with `struct xa_geoip_addr6` arrays.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_geoip_layout6(
    files: *const xa_geoip_file,
    nfiles: usize,
    begins: *mut xa_geoip_addr6,
    ends: *mut xa_geoip_addr6,
    slots: usize,
) -> c_int {
    // Safety: forwarded; xa_geoip_addr6 has [u64; 2]'s layout (asserted above).
    to_c_int(unsafe { layout(files, nfiles, begins.cast::<[u64; 2]>(), ends.cast(), slots) })
}

/// The two arrays of a layout, `None` for a null or misaligned pointer.
///
/// # Safety
/// Each pointer must be null or point to `slots` readable `A` unchanged during `'a`.
unsafe fn arrays<'a, A>(begins: *const A, ends: *const A, slots: usize) -> Option<(&'a [A], &'a [A])> {
    let ok = |p: *const A| !p.is_null() && p.is_aligned();
    if !ok(begins) || !ok(ends) || slots > isize::MAX as usize / 32 {
        return None;
    }
    // Safety: non-null, aligned, `slots` readable elements each (contract), below isize::MAX
    // bytes.
    Some(unsafe {
        (
            core::slice::from_raw_parts(begins, slots),
            core::slice::from_raw_parts(ends, slots),
        )
    })
}

/// `int xa_geoip_lookup4(begins, ends, slots, addr)`: addr in network order.
///
/// # Safety
/// As [`arrays`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_geoip_lookup4(
    begins: *const u32,
    ends: *const u32,
    slots: usize,
    addr: u32,
) -> c_int {
    // Safety: forwarded from this function's contract.
    match unsafe { arrays(begins, ends, slots) } {
        Some((b, e)) => c_int::from(eytzinger::contains(b, e, u32::from_be(addr))),
        None => 0,
    }
}

/// `int xa_geoip_lookup6(begins, ends, slots, addr)`: addr 16 bytes, network order.
///
/// # Safety
/// As [`arrays`]; `addr` must be null or point to 16 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xa_geoip_lookup6(
    begins: *const xa_geoip_addr6,
    ends: *const xa_geoip_addr6,
    slots: usize,
    addr: *const u8,
) -> c_int {
    // Safety: forwarded from this function's contract.
    let Some(addr) = (unsafe { crate::bytes(addr, 16) }).and_then(<[u64; 2]>::from_be_slice) else {
        return 0;
    };
    // Safety: forwarded; xa_geoip_addr6 has [u64; 2]'s layout (asserted above).
    match unsafe { arrays(begins.cast::<[u64; 2]>(), ends.cast(), slots) } {
        Some((b, e)) => c_int::from(eytzinger::contains(b, e, addr)),
        None => 0,
    }
}
