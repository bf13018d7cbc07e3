// SPDX-License-Identifier: GPL-2.0-only
//! What the geoip and asn plugins (`libxt_geoip.so`, `libxt_asn.so`) share: upstream's
//! comma-separated list (at most N items counting repetitions, repetitions then dropped) and
//! the check that the database file the kernel module will read is there.
//!
//! The plugins put no pointer in the rule: the kernel module reads `DIR/KEY.iv4` or
//! `.iv6` itself when the rule is added (see xt_geoip(8)). The check here only turns a
//! missing or unreadable file into a clear error before the kernel refuses the rule.
#![no_std]

use core::ffi::{CStr, c_char};
use core::fmt::{self, Write};

use xtables::{Error, Escaped};

#[allow(non_camel_case_types, non_upper_case_globals, dead_code, clippy::all)]
mod libc {
    include!(concat!(env!("OUT_DIR"), "/libc.rs"));
}

/// Splits `arg` at commas into at most `out.len()` items parsed by `item` (`Ok(None)`: an
/// item to drop, e.g. a repetition); returns how many were kept. More than `out.len()` items,
/// repetitions included, is upstream's error `too_many`.
pub fn parse_list<K: Copy>(
    arg: &[u8],
    out: &mut [K],
    too_many: &str,
    mut item: impl FnMut(&[u8], &[K]) -> Result<Option<K>, Error>,
) -> Result<usize, Error> {
    let mut kept = 0;
    for (i, token) in arg.split(|&b| b == b',').enumerate() {
        if i == out.len() {
            return Err(Error::new(too_many));
        }
        let seen = out.get(..kept).unwrap_or_default();
        if let Some(key) = item(token, seen)?
            && let Some(slot) = out.get_mut(kept)
        {
            *slot = key;
            kept += 1;
        }
    }
    Ok(kept)
}

/// A path buffer: the longest is "/usr/share/xt_asn/4294967295.iv6".
struct Path {
    buf: [u8; 64],
    len: usize,
}

impl Write for Path {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // Keep the last byte for the NUL.
        let end = self.len + s.len();
        if end >= self.buf.len() {
            return Err(fmt::Error);
        }
        let slot = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Fails with "Could not open DIR/KEY.ivN: REASON" unless the file is readable.
pub fn check_readable(dir: &str, key: impl fmt::Display, v6: bool) -> Result<(), Error> {
    let mut path = Path {
        buf: [0; 64],
        len: 0,
    };
    let suffix = if v6 { "iv6" } else { "iv4" };
    if write!(path, "{dir}/{key}.{suffix}").is_err() {
        return Err(Error::new("database path too long"));
    }
    let shown = path.buf.get(..path.len).unwrap_or_default();
    // Safety: buf is zeroed beyond len (len < buf.len()), so the path is NUL-terminated;
    // access() only reads it.
    if unsafe { libc::access(path.buf.as_ptr().cast::<c_char>(), libc::R_OK as i32) } == 0 {
        return Ok(());
    }
    // Safety: errno is this thread's; strerror returns a NUL-terminated string that stays
    // valid until the next strerror call, and we copy it at once.
    let reason = unsafe {
        let msg = libc::strerror(*libc::__errno_location());
        if msg.is_null() {
            c"unknown error"
        } else {
            CStr::from_ptr(msg)
        }
    };
    Err(Error::fmt(format_args!(
        "Could not open {}: {}",
        Escaped(shown),
        Escaped(reason.to_bytes())
    )))
}
