// SPDX-License-Identifier: GPL-2.0-only
//! The per-host state file holding the last sequence number sent. The module accepts only
//! a seqno greater than the last one it accepted, so two requests in one second need
//! last + 1, and concurrent senders must never pick the same number: the file is locked
//! (flock) from reading the last seqno until the request has left.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use shim::sysrq::MAX_SEQNO;

use xa_cli::{Error, failure};

/// The default state directory: system-wide for root, per user otherwise (XDG base dirs).
pub fn default_dir() -> Result<PathBuf, Error> {
    // Safety: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        return Ok(PathBuf::from("/var/lib/send_sysrq"));
    }
    let absolute = |name| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    if let Some(state_home) = absolute("XDG_STATE_HOME") {
        return Ok(state_home.join("send_sysrq"));
    }
    match absolute("HOME") {
        Some(home) => Ok(home.join(".local/state/send_sysrq")),
        None => Err(failure!(
            "cannot find a state directory (HOME is not set); use --state-dir"
        )),
    }
}

/// File name for a HOST as given: lowercase (names are case-insensitive), with every byte
/// outside [a-z0-9.:_-] percent-encoded so no HOST can escape the directory.
fn file_name(host: &str) -> String {
    let mut name = String::with_capacity(host.len() + 6);
    for b in host.to_ascii_lowercase().bytes() {
        if b.is_ascii_alphanumeric() || b".:_-".contains(&b) {
            name.push(char::from(b));
        } else {
            name.push_str(&format!("%{b:02X}"));
        }
    }
    name.push_str(".seqno");
    name
}

/// An exclusively locked state file; the lock is released when this is dropped.
#[derive(Debug)]
pub struct Locked {
    file: File,
    path: PathBuf,
    /// The last seqno sent to this host, if any.
    pub last: Option<u64>,
}

impl Locked {
    /// Opens (creating if needed) and locks the state file of `host` in `dir`, waiting for
    /// any other send_sysrq holding it.
    pub fn open(dir: &Path, host: &str) -> Result<Locked, Error> {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| failure!("cannot create state directory {}: {e}", dir.display()))?;
        let path = dir.join(file_name(host));
        let shown = path.display();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .map_err(|e| failure!("cannot open state file {shown}: {e}"))?;
        loop {
            // Safety: the descriptor is open for the lifetime of `file`.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
                break;
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(failure!("cannot lock state file {shown}: {e}"));
            }
        }
        let last = read_last(&mut file, &path)?;
        Ok(Locked { file, path, last })
    }

    /// Records `seqno` as sent. Called before sending, so that a crash after the packet
    /// left can never let the number be used twice.
    pub fn record(&mut self, seqno: u64) -> Result<(), Error> {
        let shown = self.path.display();
        let text = format!("{seqno}\n");
        self.file
            .rewind()
            .and_then(|()| self.file.set_len(0))
            .and_then(|()| self.file.write_all(text.as_bytes()))
            .and_then(|()| self.file.sync_data())
            .map_err(|e| failure!("cannot write state file {shown}: {e}"))
    }
}

/// The last seqno sent to `host` without creating or locking anything (for --dry-run).
pub fn peek(dir: &Path, host: &str) -> Result<Option<u64>, Error> {
    let path = dir.join(file_name(host));
    match File::open(&path) {
        Ok(mut file) => read_last(&mut file, &path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(failure!("cannot open state file {}: {e}", path.display())),
    }
}

fn read_last(file: &mut File, path: &Path) -> Result<Option<u64>, Error> {
    let shown = path.display();
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| failure!("cannot read state file {shown}: {e}"))?;
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| {
        failure!("state file {shown} does not hold a sequence number; remove it or pass --seqno")
    })
}

/// The seqno for the next request: the override if given, else max(now, last + 1).
pub fn next_seqno(last: Option<u64>, forced: Option<u64>) -> Result<u64, Error> {
    if let Some(n) = forced {
        return Ok(n);
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| failure!("the system clock is before 1970"))?
        .as_secs();
    next_after(last, now).ok_or_else(|| {
        failure!("the last sequence number sent is the largest possible; reset the module's seqno and pass --seqno")
    })
}

fn next_after(last: Option<u64>, now: u64) -> Option<u64> {
    let next = match last {
        Some(last) => now.max(last.checked_add(1)?),
        None => now,
    };
    (next <= MAX_SEQNO).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_now_or_last_plus_one() {
        assert_eq!(next_after(None, 100), Some(100));
        assert_eq!(next_after(Some(50), 100), Some(100));
        assert_eq!(next_after(Some(100), 100), Some(101));
        assert_eq!(next_after(Some(200), 100), Some(201));
        assert_eq!(next_after(Some(MAX_SEQNO), 100), None);
        assert_eq!(next_after(Some(u64::MAX), 100), None);
    }

    #[test]
    fn file_names_stay_in_the_directory() {
        assert_eq!(file_name("Host.Example"), "host.example.seqno");
        assert_eq!(file_name("::1"), "::1.seqno");
        assert_eq!(file_name("../etc/passwd"), "..%2Fetc%2Fpasswd.seqno");
        assert_eq!(file_name("fe80::1%eth0"), "fe80::1%25eth0.seqno");
        assert_eq!(file_name("\u{e9}"), "%C3%A9.seqno");
    }
}
