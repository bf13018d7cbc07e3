// SPDX-License-Identifier: GPL-2.0-only
//! What the tools share around their command lines: the command-line parser of every tool
//! ([`getopt`]), the two kinds of failure and their exit codes, the `main` wrapper that
//! reports errors, and for the network clients (send_sysrq, pknock-knock, knock) the flags
//! they all take (-4 -6 -n -v -h -V), the HOST operand and its resolution ([`net`]).

pub mod getopt;
pub mod net;
pub mod secret;

use std::ffi::OsString;
use std::fmt;
use std::io::Write as _;
use std::net::IpAddr;
use std::process::ExitCode;

use getopt::{Arg, Opt, OptError, getopt};

#[derive(Debug)]
pub enum Error {
    /// Bad command line or bad input: exit code 2, followed by the usage line.
    Usage(String),
    /// The work could not be done (resolution, files, sockets): exit code 1.
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
#[macro_export]
macro_rules! usage {
    ($($arg:tt)*) => { $crate::Error::Usage(format!($($arg)*)) };
}

/// Shorthand for a `Failure` error built with `format!`.
#[macro_export]
macro_rules! failure {
    ($($arg:tt)*) => { $crate::Error::Failure(format!($($arg)*)) };
}

/// `eprintln!` without its panic when standard error is unwritable (a closed pipe):
/// a diagnostic that cannot be shown must not turn into a crash.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Runs a tool's `run` and turns its error into a message on stderr (with the usage line
/// and a pointer to --help for usage errors) and the exit code.
pub fn main(prog: &str, usage: &str, run: impl FnOnce() -> Result<(), Error>) -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            say!("{prog}: {e}");
            if let Error::Usage(_) = e {
                say!("{usage}\nTry '{prog} --help' for more information.");
            }
            ExitCode::from(e.exit_code())
        }
    }
}

/// Writes all of `bytes` to standard output.
pub fn print(bytes: &[u8]) -> Result<(), Error> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|e| failure!("cannot write to standard output: {e}"))
}

/// Prints the --version line. All tools share the workspace's version.
pub fn print_version(prog: &str) -> Result<(), Error> {
    print(format!("{prog} (xtables-addons-rs) {}\n", env!("CARGO_PKG_VERSION")).as_bytes())
}

/// Address family forced with -4 / -6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    /// The family of an address.
    pub fn of(ip: IpAddr) -> Family {
        match ip {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        }
    }

    /// "IPv4" or "IPv6".
    pub fn name(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
}

impl From<OptError> for Error {
    fn from(e: OptError) -> Error {
        Error::Usage(e.to_string())
    }
}

/// The options every client takes besides its own, by long name.
const COMMON_OPTS: &[Opt<&str>] = &[
    Opt::named_flag("ipv4", Some(b'4')),
    Opt::named_flag("ipv6", Some(b'6')),
    Opt::named_flag("dry-run", Some(b'n')),
    Opt::named_flag("verbose", Some(b'v')),
    Opt::named_flag("help", Some(b'h')),
    Opt::named_flag("version", Some(b'V')),
];

/// What every client's command line has: the operands and what the common flags ask for.
#[derive(Debug, Default)]
pub struct Common {
    /// Everything not an option, and everything after `--`, in order.
    pub operands: Vec<OsString>,
    pub family: Option<Family>,
    pub dry_run: bool,
    pub verbose: bool,
    pub help: bool,
    pub version: bool,
}

impl Common {
    fn set(&mut self, name: &str) -> Result<(), Error> {
        match name {
            "ipv4" | "ipv6" => {
                let family = if name == "ipv4" {
                    Family::V4
                } else {
                    Family::V6
                };
                if self.family.is_some_and(|f| f != family) {
                    return Err(usage!("-4 and -6 exclude each other"));
                }
                self.family = Some(family);
            }
            "dry-run" => self.dry_run = true,
            "verbose" => self.verbose = true,
            "help" => self.help = true,
            _ => self.version = true,
        }
        Ok(())
    }
}

/// What a command line asks for: help, the version, or the tool's work with its options.
#[derive(Debug)]
pub enum Command<O> {
    Send(O),
    Help,
    Version,
}

impl Common {
    /// --help, else --version, when given: they win over whatever else is wrong.
    pub fn help_or_version<O>(&self) -> Option<Command<O>> {
        if self.help {
            Some(Command::Help)
        } else if self.version {
            Some(Command::Version)
        } else {
            None
        }
    }

    /// The two operands every client takes, HOST (parsed) and another (named `second` in the
    /// message when the count is wrong).
    pub fn host_and(&mut self, second: &str) -> Result<(String, OsString), Error> {
        let mut operands = std::mem::take(&mut self.operands).into_iter();
        let (Some(host), Some(other), None) = (operands.next(), operands.next(), operands.next())
        else {
            return Err(usage!("expected exactly two arguments, HOST and {second}"));
        };
        Ok((host_operand(host)?, other))
    }
}

/// The HOST operand: a name or an address, also the bracketed IPv6 literal of URLs and ssh
/// (`[::1]`).
fn host_operand(host: OsString) -> Result<String, Error> {
    let host = host
        .into_string()
        .map_err(|h| usage!("invalid host name '{}'", h.to_string_lossy()))?;
    let host = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(inner) => inner.to_owned(),
        None => host,
    };
    if host.is_empty() {
        return Err(usage!("HOST is empty"));
    }
    Ok(host)
}

/// Receives the options and operands `parse` finds, in command-line order.
pub trait Sink {
    /// Where the operands and the common flags (-4, -6, -n, -v, -h, -V) go.
    fn common(&mut self) -> &mut Common;
    /// A flag of the tool's own, by its long name (a tool without any need not implement it).
    fn flag(&mut self, _name: &'static str) -> Result<(), Error> {
        Ok(())
    }
    /// An option with its value, by its long name.
    fn value(&mut self, name: &'static str, value: OsString) -> Result<(), Error>;
}

/// Reads a client's command line with [`getopt`]: the tool's own options `opts` (keyed by
/// long name) and the common ones.
pub fn parse<I: IntoIterator<Item = OsString>>(
    args: I,
    opts: &[Opt<&'static str>],
    sink: &mut impl Sink,
) -> Result<(), Error> {
    let all = [COMMON_OPTS, opts].concat();
    for arg in getopt(args, &all) {
        match arg? {
            Arg::Operand(operand) => sink.common().operands.push(operand),
            Arg::Opt(name, Some(value)) => sink.value(name, value)?,
            Arg::Opt(name, None) if COMMON_OPTS.iter().any(|o| o.key == name) => {
                sink.common().set(name)?
            }
            Arg::Opt(name, None) => sink.flag(name)?,
        }
    }
    Ok(())
}

/// A client's command line as [`parse_client`] reads it: a [`Sink`] for the options, made into
/// the tool's options once every argument is read.
pub trait Client: Sink + Default {
    /// The tool's own options besides the common ones.
    const OPTIONS: &'static [Opt<&'static str>];
    /// What the tool does its work with.
    type Options;
    /// The options, from everything read (neither help nor version was asked for).
    fn finish(self) -> Result<Command<Self::Options>, Error>;
}

/// Reads a client's command line into a fresh `C`: help or the version when asked for (they win
/// over whatever else is wrong), else what `C::finish` makes of it.
pub fn parse_client<C: Client, I: IntoIterator<Item = OsString>>(
    args: I,
) -> Result<Command<C::Options>, Error> {
    let mut client = C::default();
    parse(args, C::OPTIONS, &mut client)?;
    if let Some(command) = client.common().help_or_version() {
        return Ok(command);
    }
    client.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Seen(Vec<String>, Common);

    impl Sink for Seen {
        fn common(&mut self) -> &mut Common {
            &mut self.1
        }
        fn flag(&mut self, name: &'static str) -> Result<(), Error> {
            self.0.push(name.to_owned());
            Ok(())
        }
        fn value(&mut self, name: &'static str, value: OsString) -> Result<(), Error> {
            self.0.push(format!("{name}={}", value.to_string_lossy()));
            Ok(())
        }
    }

    const OPTS: &[Opt<&str>] = &[
        Opt::named_value("port", Some(b'p')),
        Opt::named_value("hash", None),
        Opt::named_flag("udp", Some(b'u')),
    ];

    fn parsed(args: &[&str]) -> Result<Seen, String> {
        let mut seen = Seen::default();
        parse(args.iter().map(OsString::from), OPTS, &mut seen)
            .map(|()| seen)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn own_and_common_options() {
        let seen = parsed(&["-unp1", "a", "--hash=x=y", "--port", "2", "--", "-v"]).unwrap();
        assert_eq!(seen.0, ["udp", "port=1", "hash=x=y", "port=2"]);
        assert_eq!(seen.1.operands, ["a", "-v"]);
        assert!(seen.1.dry_run && !seen.1.verbose && seen.1.family.is_none());
        let seen = parsed(&["-", "--verbose", "-6V", "--ipv6", "--help"]).unwrap();
        assert!(seen.0.is_empty());
        let c = seen.1;
        assert_eq!(c.operands, ["-"]);
        assert!(c.verbose && c.version && c.help && c.family == Some(Family::V6));
    }

    #[test]
    fn errors_are_usage_errors() {
        let error = |args: &[&str]| {
            let mut seen = Seen::default();
            match parse(args.iter().map(OsString::from), OPTS, &mut seen) {
                Err(Error::Usage(m)) => m,
                other => panic!("{args:?}: {other:?}"),
            }
        };
        assert_eq!(error(&["--port"]), "option '--port' requires an argument");
        assert_eq!(error(&["--bogus"]), "unrecognized option '--bogus'");
        assert_eq!(error(&["-vx"]), "invalid option -- 'x'");
        assert_eq!(error(&["-4", "--ipv6"]), "-4 and -6 exclude each other");
    }

    #[test]
    fn host() {
        let host = |h: &str| host_operand(OsString::from(h)).map_err(|e| e.to_string());
        assert_eq!(host("[::1]").unwrap(), "::1");
        assert_eq!(host("example.org").unwrap(), "example.org");
        assert_eq!(host("").unwrap_err(), "HOST is empty");
        assert_eq!(host("[]").unwrap_err(), "HOST is empty");
    }

    #[test]
    fn exit_codes() {
        assert_eq!((usage!("a").exit_code(), failure!("b").exit_code()), (2, 1));
    }
}
