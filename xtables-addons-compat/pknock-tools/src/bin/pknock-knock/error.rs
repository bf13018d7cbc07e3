// SPDX-License-Identifier: GPL-2.0-only
//! Failures of pknock-knock and their exit codes (documented in pknock-knock(8)).

use std::fmt;

#[derive(Debug)]
pub enum Error {
    /// Bad command line or input (ports, secret, addresses): exit code 2.
    Usage(String),
    /// Nothing or not everything could be sent (resolution, sockets): exit code 1.
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

macro_rules! usage {
    ($($arg:tt)*) => { $crate::error::Error::Usage(format!($($arg)*)) };
}

macro_rules! failure {
    ($($arg:tt)*) => { $crate::error::Error::Failure(format!($($arg)*)) };
}

/// A diagnostic on stderr that cannot panic when stderr is closed.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub(crate) use {failure, say, usage};
