// SPDX-License-Identifier: GPL-2.0-only
//! The two kinds of failure and their exit codes (documented in send_sysrq(8)).

use std::fmt;

#[derive(Debug)]
pub enum Error {
    /// Bad command line or bad input (keys, hash, port, password): exit code 2.
    Usage(String),
    /// The request could not be prepared or sent (resolution, state file, socket): exit code 1.
    Failure(String),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            Error::Failure(_) => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(msg) | Error::Failure(msg) => f.write_str(msg),
        }
    }
}

/// Shorthand for a `Usage` error built with `format!`.
macro_rules! usage {
    ($($arg:tt)*) => { $crate::error::Error::Usage(format!($($arg)*)) };
}

/// Shorthand for a `Failure` error built with `format!`.
macro_rules! failure {
    ($($arg:tt)*) => { $crate::error::Error::Failure(format!($($arg)*)) };
}

/// `eprintln!` without its panic when standard error is unwritable (a closed pipe):
/// a diagnostic that cannot be shown must not turn into a crash.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub(crate) use {failure, say, usage};
