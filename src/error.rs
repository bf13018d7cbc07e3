// SPDX-License-Identifier: GPL-2.0-only
//! Errors of extension callbacks and how they reach the user: `xt_params->exit_err`.

use core::ffi::{CStr, c_char};
use core::fmt;

use crate::sys;

/// Longest message kept, in bytes; longer messages are cut and end in "...". Small enough
/// that `Result<_, Error>` stays cheap to return (clippy's result_large_err).
const CAPACITY: usize = 119;

/// An error of a parse or final-check callback: a message for the user.
///
/// iptables prints it as `iptables v1.8.9 (nf_tables): NAME: message` and exits with status 2
/// (`PARAMETER_PROBLEM`). It needs no allocation: the text is kept in a fixed buffer.
///
/// ```
/// let port = 70000;
/// let e = xtables::Error::fmt(format_args!("port {port} is out of range"));
/// assert_eq!(e.message(), b"port 70000 is out of range");
/// ```
#[derive(Clone)]
pub struct Error {
    len: u8,
    // One more than CAPACITY: the NUL terminator handed to C.
    buf: [u8; CAPACITY + 1],
}

impl Error {
    /// An error with a fixed message.
    pub fn new(message: &str) -> Self {
        let mut e = Self::empty();
        e.push(message.as_bytes());
        e
    }

    /// An error with a formatted message: `Error::fmt(format_args!("bad port {}", p))`.
    pub fn fmt(args: fmt::Arguments<'_>) -> Self {
        let mut e = Self::empty();
        // Our write_str never fails; a Display impl that fails just ends the message early.
        let _ = fmt::write(&mut e, args);
        e
    }

    /// The message bytes (without the terminating NUL).
    pub fn message(&self) -> &[u8] {
        self.buf.get(..usize::from(self.len)).unwrap_or_default()
    }

    const fn empty() -> Self {
        Self {
            len: 0,
            buf: [0; CAPACITY + 1],
        }
    }

    /// Appends bytes, replacing NULs (they would cut the C string) and cutting at CAPACITY.
    fn push(&mut self, bytes: &[u8]) {
        const ELLIPSIS: &[u8] = b"...";
        for &b in bytes {
            let len = usize::from(self.len);
            if len == CAPACITY {
                let tail = CAPACITY - ELLIPSIS.len();
                for (dst, src) in self.buf.iter_mut().skip(tail).zip(ELLIPSIS) {
                    *dst = *src;
                }
                return;
            }
            if let Some(slot) = self.buf.get_mut(len) {
                *slot = if b == 0 { b'?' } else { b };
                self.len += 1;
            }
        }
    }

    /// The message as a C string. `buf` is zeroed at creation and `len` never reaches its
    /// last byte, so there is always a NUL.
    fn as_c_str(&self) -> &CStr {
        CStr::from_bytes_until_nul(&self.buf).unwrap_or(c"(error message lost)")
    }

    /// Reports the error the way iptables does and ends the process (status 2).
    pub(crate) fn exit(&self, ext_name: &CStr) -> ! {
        let msg = self.as_c_str();
        // Safety: xt_params is set by iptables (xtables_init_all/xtables_set_params) before any
        // extension callback runs; we only read it. exit_err is printf-like and gets a fixed
        // format with two NUL-terminated strings that live until it returns (it never does).
        unsafe {
            let params = sys::xt_params;
            if let Some(exit_err) = params.as_ref().and_then(|p| p.exit_err) {
                exit_err(
                    sys::PARAMETER_PROBLEM,
                    c"%s: %s".as_ptr(),
                    ext_name.as_ptr(),
                    msg.as_ptr(),
                );
            }
        }
        // Without iptables' globals (a program that did not set them), still fail loudly.
        let mut line = Error::fmt(format_args!("{}: ", Escaped(ext_name.to_bytes())));
        line.push(msg.to_bytes());
        line.push(b"\n");
        // Safety: stderr is the C library's stream; fputs gets a NUL-terminated string.
        unsafe {
            sys::fputs(line.as_c_str().as_ptr(), sys::stderr);
            sys::exit(sys::PARAMETER_PROBLEM as i32)
        }
    }
}

impl fmt::Write for Error {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push(s.as_bytes());
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({})", Escaped(self.message()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&Escaped(self.message()), f)
    }
}

/// Displays bytes of unknown encoding (a command-line argument, a name from the kernel):
/// valid UTF-8 as is, every other byte as `\xNN`.
///
/// ```
/// let e = xtables::Error::fmt(format_args!("bad name \"{}\"", xtables::Escaped(b"a\xffb")));
/// assert_eq!(e.message(), b"bad name \"a\\xffb\"");
/// ```
pub struct Escaped<'a>(pub &'a [u8]);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.0.utf8_chunks() {
            f.write_str(chunk.valid())?;
            for b in chunk.invalid() {
                write!(f, "\\x{b:02x}")?;
            }
        }
        Ok(())
    }
}

/// A panic is a bug in the plugin: say where, then abort (never unwind into C).
pub(crate) fn abort_on_bug(info: &core::panic::PanicInfo<'_>) -> ! {
    let mut line = match info.location() {
        Some(at) => Error::fmt(format_args!(
            "xtables plugin: BUG: panic at {}:{}",
            at.file(),
            at.line()
        )),
        None => Error::new("xtables plugin: BUG: panic"),
    };
    line.push(b"\n");
    // Safety: C stdio calls with the C library's own streams and a NUL-terminated string;
    // stdout is flushed so what the plugin printed so far is not lost.
    unsafe {
        sys::fflush(sys::stdout);
        sys::fputs(line.as_c_str().as_ptr(), sys::stderr);
        sys::abort()
    }
}

/// Reads a C string pointer handed to us by libxtables; NULL reads as empty.
///
/// # Safety
/// `p` must be NULL or point to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn c_str<'a>(p: *const c_char) -> &'a CStr {
    if p.is_null() {
        c""
    } else {
        // Safety: non-NULL and NUL-terminated per this function's contract.
        unsafe { CStr::from_ptr(p) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn formats_and_terminates() {
        let e = Error::fmt(format_args!("bad port \"{}\" ({})", "x", 7));
        assert_eq!(e.message(), b"bad port \"x\" (7)");
        assert_eq!(e.as_c_str().to_bytes(), e.message());
    }

    #[test]
    fn long_messages_are_cut_with_ellipsis() {
        let long: Vec<u8> = std::iter::repeat_n(b'a', 1000).collect();
        let e = Error::fmt(format_args!("{}", Escaped(&long)));
        assert_eq!(e.message().len(), CAPACITY);
        assert!(e.message().ends_with(b"aaa..."));
        assert_eq!(e.as_c_str().to_bytes().len(), CAPACITY);
    }

    #[test]
    fn nul_bytes_cannot_cut_the_c_string() {
        let e = Error::new("a\0b");
        assert_eq!(e.as_c_str().to_bytes(), b"a?b");
    }

    #[test]
    fn escapes_invalid_utf8_only() {
        let e = Error::fmt(format_args!("{}", Escaped("é\u{1}".as_bytes())));
        assert_eq!(e.message(), "é\u{1}".as_bytes());
        let e = Error::fmt(format_args!("{}", Escaped(b"\xc3(\x80")));
        assert_eq!(e.message(), b"\\xc3(\\x80");
    }

    #[test]
    fn debug_and_display_show_the_message() {
        let e = Error::new("no");
        assert_eq!(std::format!("{e}"), "no");
        assert_eq!(std::format!("{e:?}"), "Error(no)");
    }
}
