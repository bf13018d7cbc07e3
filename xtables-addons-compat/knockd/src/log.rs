// SPDX-License-Identifier: GPL-2.0-only
//! knockd-style logging: syslog (LOG_NOTICE) and/or a file with `[YYYY-MM-DD HH:MM] ` stamps,
//! plus verbose copies on stdout and debug lines.

use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub struct Logger {
    syslog: bool,
    /// Buffered: the daemon flushes once per batch of packets, not once per line.
    file: Option<(PathBuf, BufWriter<File>)>,
    pub verbose: bool,
    pub debug: bool,
}

fn timestamp() -> String {
    // Safety: time(NULL) and localtime_r on a local tm are always valid.
    let tm = unsafe {
        let t = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        libc::localtime_r(&t, &mut tm);
        tm
    };
    format!(
        "[{:04}-{:02}-{:02} {:02}:{:02}]",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min
    )
}

impl Logger {
    pub fn new(verbose: bool, debug: bool) -> Self {
        Logger {
            syslog: false,
            file: None,
            verbose,
            debug,
        }
    }

    /// Turns syslog on under `ident`; openlog keeps the pointer, so the name lives forever.
    pub fn open_syslog(&mut self, ident: &str) {
        if !self.syslog {
            let ident: &'static CString =
                Box::leak(Box::new(CString::new(ident).unwrap_or_default()));
            // Safety: `ident` is a NUL-terminated string that is never freed.
            unsafe { libc::openlog(ident.as_ptr(), libc::LOG_PID, libc::LOG_DAEMON) };
            self.syslog = true;
        }
    }

    /// Opens (or reopens, after a reload) the log file in append mode.
    pub fn open_file(&mut self, path: &Path) -> std::io::Result<()> {
        let f = OpenOptions::new().create(true).append(true).open(path)?;
        self.file = Some((path.to_path_buf(), BufWriter::new(f)));
        Ok(())
    }

    pub fn close_file(&mut self) {
        self.flush();
        self.file = None;
    }

    /// Writes out buffered log lines; called after every batch of packets.
    pub fn flush(&mut self) {
        if let Some((_, f)) = &mut self.file {
            // As for a full disk below: logging problems must not stop the daemon.
            let _ = f.flush();
        }
    }

    pub fn file_path(&self) -> Option<&Path> {
        self.file.as_ref().map(|(p, _)| p.as_path())
    }

    /// An event worth keeping: to syslog and the log file, and to stdout when verbose.
    pub fn event(&mut self, msg: &str) {
        if self.syslog
            && let Ok(c) = CString::new(msg)
        {
            // Safety: constant "%s" format with one valid C string argument.
            unsafe { libc::syslog(libc::LOG_NOTICE, c"%s".as_ptr(), c.as_ptr()) };
        }
        if let Some((_, f)) = &mut self.file {
            // A full disk must not stop the daemon; the line is lost.
            let _ = writeln!(f, "{} {msg}", timestamp());
        }
        if self.verbose {
            println!("{msg}");
        }
    }

    /// An error: always on stderr, and logged like an event.
    pub fn error(&mut self, msg: &str) {
        eprintln!("{msg}");
        let verbose = std::mem::replace(&mut self.verbose, false);
        self.event(msg);
        self.verbose = verbose;
    }

    pub fn debug(&self, msg: impl FnOnce() -> String) {
        if self.debug {
            println!("{}", msg());
        }
    }
}
