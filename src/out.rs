// SPDX-License-Identifier: GPL-2.0-only
//! Output of help, print and save callbacks through C stdio.

use core::fmt;

use crate::sys;

/// Longest string [`Out::save_string`] writes; the kernel structs' strings are far shorter.
const SAVE_STRING_MAX: usize = 255;

/// Where help, print (`iptables -L`) and save (`iptables -S`, `iptables-save`) text goes.
///
/// It writes through C stdio, the same `stdout` buffer iptables itself uses, so the text is
/// never reordered against iptables' own output (Rust's `print!` would buffer separately).
/// Supports `write!`: `let _ = write!(out, " --time {}", t);` (writing cannot fail).
pub struct Out {
    // Only this crate creates one, while iptables is in a callback that may print.
    _private: (),
}

impl Out {
    pub(crate) const fn new() -> Self {
        Self { _private: () }
    }

    /// Writes text as is.
    pub fn str(&mut self, s: &str) {
        self.raw(s.as_bytes());
    }

    /// Writes bytes from a fixed-size C string field (e.g. a name from the kernel), up to the
    /// first NUL or the end of the field: the field may come without a terminator.
    pub fn c_field(&mut self, field: &[u8]) {
        self.raw(until_nul(field));
    }

    /// Writes `" value"`, quoted and escaped for iptables-restore when needed
    /// (`xtables_save_string`), from a fixed-size C string field that may lack a terminator.
    /// Text beyond 255 bytes is cut.
    pub fn save_string(&mut self, field: &[u8]) {
        let mut buf = [0u8; SAVE_STRING_MAX + 1];
        // The last byte of buf stays 0: the terminator.
        for (dst, src) in buf.iter_mut().take(SAVE_STRING_MAX).zip(until_nul(field)) {
            *dst = *src;
        }
        // Safety: buf is NUL-terminated (see above) and outlives the call.
        unsafe { sys::xtables_save_string(buf.as_ptr().cast()) };
    }

    fn raw(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        // Safety: fwrite reads exactly bytes.len() bytes from a live slice; stdout is the C
        // library's stream, valid for the whole process.
        unsafe { sys::fwrite(bytes.as_ptr().cast(), 1, bytes.len() as _, sys::stdout) };
    }
}

impl fmt::Write for Out {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.str(s);
        Ok(())
    }
}

/// The bytes of `field` before its first NUL (all of it if there is none).
pub(crate) fn until_nul(field: &[u8]) -> &[u8] {
    match field.iter().position(|&b| b == 0) {
        Some(n) => field.split_at(n).0,
        None => field,
    }
}

#[cfg(test)]
mod tests {
    use super::until_nul;

    #[test]
    fn until_nul_is_bounded() {
        assert_eq!(until_nul(b"abc\0def"), b"abc");
        assert_eq!(until_nul(b"abc"), b"abc");
        assert_eq!(until_nul(b"\0"), b"");
        assert_eq!(until_nul(b""), b"");
    }
}
