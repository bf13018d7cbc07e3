// SPDX-License-Identifier: GPL-2.0-only
//! The password: from a file, the command line, the environment or a no-echo prompt.
//! Every copy we make lives in a buffer that is wiped when dropped.

use std::ffi::c_int;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::OnceLock;

use zeroize::Zeroizing;

use xa_cli::secret::SecretOption;
use xa_cli::{Error, failure, say, usage};

pub const ENV_VAR: &str = "SYSRQ_PASSWORD";
/// The module keeps the password in a 64-byte buffer with its NUL.
const MAX_LEN: usize = shim::sysrq::MAX_PASSWORD;
/// Room to read a line and still tell "too long" from "just fits".
const BUF_LEN: usize = 128;

pub struct Password {
    buf: Zeroizing<[u8; BUF_LEN]>,
    len: usize,
}

impl Password {
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Checks what the module can match: it cuts its parameter at the first newline and
    /// a module parameter cannot hold a NUL.
    fn from_line(line: &[u8], origin: &str) -> Result<Password, Error> {
        if line.is_empty() {
            return Err(usage!("the password from {origin} is empty"));
        }
        if line.len() > MAX_LEN {
            return Err(usage!(
                "the password from {origin} is longer than {MAX_LEN} bytes, the module's limit"
            ));
        }
        if line.iter().any(|&b| b == b'\n' || b == 0) {
            return Err(usage!(
                "the password from {origin} contains a newline or NUL byte"
            ));
        }
        let mut password = Password {
            buf: Zeroizing::new([0; BUF_LEN]),
            len: line.len(),
        };
        password.buf[..line.len()].copy_from_slice(line);
        Ok(password)
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Resolves the password source in its documented order: option, environment, prompt.
pub fn obtain(option: Option<SecretOption>) -> Result<Password, Error> {
    match option {
        Some(SecretOption::File(path)) => from_file(&path),
        Some(SecretOption::Argument(bytes)) => {
            say!(
                "send_sysrq: warning: a password on the command line is visible to other users; \
                 use --password-file or {ENV_VAR}"
            );
            Password::from_line(&bytes, "--password")
        }
        None => match std::env::var_os(ENV_VAR) {
            Some(value) => {
                let bytes = Zeroizing::new(value.into_vec());
                Password::from_line(&bytes, ENV_VAR)
            }
            None => prompt(),
        },
    }
}

fn from_file(path: &Path) -> Result<Password, Error> {
    let shown = path.display();
    let mut file =
        File::open(path).map_err(|e| failure!("cannot open password file {shown}: {e}"))?;
    // Like ssh with its keys, point out a secret others can read (pipes and terminals are fine).
    if let Ok(meta) = file.metadata()
        && meta.is_file()
        && meta.permissions().mode() & 0o077 != 0
    {
        say!("send_sysrq: warning: password file {shown} is accessible by other users (chmod 600)");
    }
    let mut buf = Zeroizing::new([0; BUF_LEN]);
    let line = read_line(&mut file, &mut buf[..])
        .map_err(|e| failure!("cannot read password file {shown}: {e}"))?;
    let origin = format!("{shown}");
    match line {
        Some(line) => Password::from_line(line, &origin),
        None => Err(usage!(
            "the password from {origin} is longer than {MAX_LEN} bytes, the module's limit"
        )),
    }
}

/// Reads up to the first newline (excluded) or EOF into `buf`; `None` if the line does not fit.
fn read_line<'a>(reader: &mut impl Read, buf: &'a mut [u8]) -> io::Result<Option<&'a [u8]>> {
    let mut filled = 0;
    loop {
        if let Some(end) = buf[..filled].iter().position(|&b| b == b'\n') {
            return Ok(Some(&buf[..end]));
        }
        if filled == buf.len() {
            return Ok(None);
        }
        match reader.read(&mut buf[filled..]) {
            Ok(0) => return Ok(Some(&buf[..filled])),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// The terminal and the settings to put back if a signal ends us while echo is off.
static TTY_SAVED: OnceLock<(c_int, libc::termios)> = OnceLock::new();
/// Signals that end the process by default and can come from the terminal or a supervisor.
const FATAL_SIGNALS: [c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

extern "C" fn restore_tty_and_die(sig: c_int) {
    if let Some((fd, saved)) = TTY_SAVED.get() {
        // Safety: tcsetattr, write, signal and raise are async-signal-safe; `saved` is a fully
        // initialised termios that is never written again after being stored.
        unsafe {
            libc::tcsetattr(*fd, libc::TCSAFLUSH, saved);
            libc::write(*fd, b"\n".as_ptr().cast(), 1);
        }
    }
    // Safety: as above. The signal is blocked while its handler runs, so the raised one is
    // delivered with the default action (ending the process) as soon as we return.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
}

/// Restores terminal settings and signal dispositions when the prompt ends on any path.
struct PromptGuard {
    fd: c_int,
    saved: libc::termios,
    old_actions: [(c_int, libc::sigaction); FATAL_SIGNALS.len()],
}

impl Drop for PromptGuard {
    fn drop(&mut self) {
        // Safety: fd is the open /dev/tty (the File outlives this guard), `saved` came from
        // tcgetattr on it, and each old action came from sigaction.
        unsafe {
            libc::tcsetattr(self.fd, libc::TCSAFLUSH, &self.saved);
            for (sig, old) in &self.old_actions {
                libc::sigaction(*sig, old, std::ptr::null_mut());
            }
        }
    }
}

fn prompt() -> Result<Password, Error> {
    let mut tty = OpenOptions::new().read(true).write(true).open("/dev/tty").map_err(|e| {
        failure!("no password given and no terminal to ask for one (/dev/tty: {e}); use --password-file or {ENV_VAR}")
    })?;
    let fd = tty.as_raw_fd();
    // Safety: termios is plain integers; tcgetattr fills it completely on success.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    // Safety: fd is open for the lifetime of `tty`; `saved` is a valid termios to write.
    if unsafe { libc::tcgetattr(fd, &mut saved) } != 0 {
        return Err(failure!(
            "cannot read terminal settings: {}",
            io::Error::last_os_error()
        ));
    }
    // The handler needs the settings before echo goes off; only one prompt per process.
    if TTY_SAVED.set((fd, saved)).is_err() {
        return Err(failure!("the password prompt can run only once"));
    }
    // Safety: sigaction is plain data; zeroed is a valid empty action to be filled by sigaction.
    let mut guard = PromptGuard {
        fd,
        saved,
        old_actions: FATAL_SIGNALS.map(|s| (s, unsafe { std::mem::zeroed() })),
    };
    // Safety: `action` is initialised before use; the handler only calls async-signal-safe
    // functions; each old action is stored for the guard to put back.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = restore_tty_and_die as extern "C" fn(c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        for (sig, old) in &mut guard.old_actions {
            libc::sigaction(*sig, std::ptr::null(), old);
            // Keep a signal ignored if it was (e.g. SIGHUP under nohup).
            if old.sa_sigaction != libc::SIG_IGN {
                libc::sigaction(*sig, &action, std::ptr::null_mut());
            }
        }
    }
    let mut quiet = saved;
    quiet.c_lflag &= !(libc::ECHO | libc::ECHOE | libc::ECHOK | libc::ECHONL);
    // Safety: fd is the open terminal; `quiet` is a valid termios derived from tcgetattr's.
    if unsafe { libc::tcsetattr(fd, libc::TCSAFLUSH, &quiet) } != 0 {
        return Err(failure!(
            "cannot turn terminal echo off: {}",
            io::Error::last_os_error()
        ));
    }
    tty.write_all(b"Password: ")
        .map_err(|e| failure!("cannot write to the terminal: {e}"))?;
    let mut buf = Zeroizing::new([0; BUF_LEN]);
    let line =
        read_line(&mut tty, &mut buf[..]).map_err(|e| failure!("cannot read the password: {e}"));
    // The user's Enter was not echoed.
    let _ = tty.write_all(b"\n");
    drop(guard);
    match line? {
        Some(line) => Password::from_line(line, "the terminal"),
        None => Err(usage!(
            "the password from the terminal is longer than {MAX_LEN} bytes, the module's limit"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_line_stops_at_newline_eof_or_full_buffer() {
        let mut buf = [0u8; 8];
        assert_eq!(
            read_line(&mut &b"abc\ndef"[..], &mut buf).unwrap(),
            Some(&b"abc"[..])
        );
        assert_eq!(
            read_line(&mut &b"abc"[..], &mut buf).unwrap(),
            Some(&b"abc"[..])
        );
        assert_eq!(
            read_line(&mut &b"1234567\n"[..], &mut buf).unwrap(),
            Some(&b"1234567"[..])
        );
        assert_eq!(read_line(&mut &b"12345678"[..], &mut buf).unwrap(), None);
        assert_eq!(read_line(&mut &b""[..], &mut buf).unwrap(), Some(&b""[..]));
    }

    #[test]
    fn line_limits() {
        assert_eq!(
            Password::from_line(&[b'x'; MAX_LEN], "t")
                .unwrap()
                .as_bytes(),
            &[b'x'; MAX_LEN]
        );
        assert!(matches!(
            Password::from_line(&[b'x'; MAX_LEN + 1], "t"),
            Err(Error::Usage(_))
        ));
        assert!(matches!(
            Password::from_line(b"", "t"),
            Err(Error::Usage(_))
        ));
        assert!(matches!(
            Password::from_line(b"a\nb", "t"),
            Err(Error::Usage(_))
        ));
        assert!(matches!(
            Password::from_line(b"a\0b", "t"),
            Err(Error::Usage(_))
        ));
    }

    #[test]
    fn debug_never_shows_the_password() {
        let p = Password::from_line(b"hunter2", "t").unwrap();
        assert!(!format!("{p:?}").contains("hunter2"));
    }
}
