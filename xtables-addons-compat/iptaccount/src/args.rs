// SPDX-License-Identifier: GPL-2.0-only
//! Command line: upstream's getopt flags (`-u -h -a -l NAME -f -c -s`, clustered like
//! `-fsl NAME` or `-lNAME`) and the long options of the machine-readable outputs, read by
//! the parser of every tool here (xa_cli::getopt, glibc's rules and messages, as upstream's).

use std::ffi::OsString;
use std::fmt;
use std::net::SocketAddr;
use std::os::unix::ffi::OsStringExt;

use xa_cli::getopt::{Arg, Opt, OptError, getopt};

/// A machine-readable output instead of upstream's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON document.
    Json,
    /// Prometheus text exposition format.
    Prometheus,
}

/// A valid command line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Args {
    /// -u: show the kernel's read-handle usage.
    pub handle_usage: bool,
    /// -h: free all kernel read handles.
    pub free_handles: bool,
    /// -a: list the table names.
    pub list_tables: bool,
    /// -l NAME: the table to show.
    pub table: Option<Vec<u8>>,
    /// -f: zero the counters while reading them.
    pub flush: bool,
    /// -c: read every second until interrupted.
    pub repeat: bool,
    /// -s: CSV lines.
    pub csv: bool,
    /// --json / --prometheus (upstream's text when None).
    pub format: Option<Format>,
    /// --listen ADDR:PORT: serve Prometheus metrics over HTTP.
    pub listen: Option<SocketAddr>,
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// No arguments: upstream prints its usage.
    Usage,
    /// --help: usage and the long options.
    Help,
    Run(Args),
}

/// A command line error (exit status 2, usage follows).
#[derive(Debug, PartialEq, Eq)]
pub struct ArgError(pub String);

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<OptError> for ArgError {
    fn from(e: OptError) -> ArgError {
        ArgError(e.to_string())
    }
}

fn err(msg: impl Into<String>) -> ArgError {
    ArgError(msg.into())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    HandleUsage,
    FreeHandles,
    ListTables,
    Table,
    Flush,
    Repeat,
    Csv,
    Help,
    Json,
    Prometheus,
    Listen,
}

/// Upstream's getopt string "uhacfsl:" (short options only: its -h is not help), and the
/// long options of ours.
const OPTIONS: &[Opt<Key>] = &[
    Opt::flag(Key::HandleUsage, None, Some(b'u')),
    Opt::flag(Key::FreeHandles, None, Some(b'h')),
    Opt::flag(Key::ListTables, None, Some(b'a')),
    Opt::flag(Key::Repeat, None, Some(b'c')),
    Opt::flag(Key::Flush, None, Some(b'f')),
    Opt::flag(Key::Csv, None, Some(b's')),
    Opt::value(Key::Table, None, Some(b'l')),
    Opt::flag(Key::Help, Some("help"), None),
    Opt::flag(Key::Json, Some("json"), None),
    Opt::flag(Key::Prometheus, Some("prometheus"), None),
    Opt::value(Key::Listen, Some("listen"), None),
];

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, ArgError> {
    let mut args = args.into_iter().peekable();
    if args.peek().is_none() {
        return Ok(Command::Usage);
    }
    let mut a = Args::default();
    for arg in getopt(args, OPTIONS) {
        let (key, value) = match arg? {
            Arg::Opt(key, value) => (key, value.map(OsString::into_vec).unwrap_or_default()),
            // Upstream ignores operands; one is most likely a mistake.
            Arg::Operand(o) => {
                return Err(err(format!("unexpected argument '{}'", o.to_string_lossy())));
            }
        };
        match key {
            Key::HandleUsage => a.handle_usage = true,
            Key::FreeHandles => a.free_handles = true,
            Key::ListTables => a.list_tables = true,
            Key::Table => a.table = Some(value),
            Key::Flush => a.flush = true,
            Key::Repeat => a.repeat = true,
            Key::Csv => a.csv = true,
            Key::Help => return Ok(Command::Help),
            Key::Json => set_format(&mut a, Format::Json)?,
            Key::Prometheus => set_format(&mut a, Format::Prometheus)?,
            Key::Listen => {
                let text = String::from_utf8_lossy(&value).into_owned();
                let addr = text.parse().map_err(|_| {
                    err(format!(
                        "--listen {text}: expected ADDRESS:PORT, e.g. 127.0.0.1:9469 or [::1]:9469"
                    ))
                })?;
                a.listen = Some(addr);
            }
        }
    }
    check(&a)?;
    Ok(Command::Run(a))
}

fn set_format(a: &mut Args, f: Format) -> Result<(), ArgError> {
    if a.format.is_some_and(|old| old != f) {
        return Err(err("--json and --prometheus exclude each other"));
    }
    a.format = Some(f);
    Ok(())
}

/// Combinations that have no sensible meaning.
fn check(a: &Args) -> Result<(), ArgError> {
    let machine = a.format.is_some() || a.listen.is_some();
    if machine && (a.handle_usage || a.free_handles || a.list_tables || a.repeat || a.csv) {
        return Err(err(
            "--json, --prometheus and --listen show counters only: not with -u, -h, -a, -c or -s",
        ));
    }
    if a.listen.is_some() {
        if a.format == Some(Format::Json) {
            return Err(err("--listen serves Prometheus metrics: not with --json"));
        }
        // A scrape must never change the counters (read-only endpoint).
        if a.flush {
            return Err(err("--listen is read-only: not with -f"));
        }
    }
    if let Some(name) = &a.table {
        if name.is_empty() {
            return Err(err("-l: empty table name"));
        }
        if name.len() > account_cl_abi::TABLE_NAME_MAX {
            return Err(err(format!(
                "-l: table name longer than {} bytes",
                account_cl_abi::TABLE_NAME_MAX
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Command, ArgError> {
        parse(args.iter().map(OsString::from))
    }

    fn run(args: &[&str]) -> Args {
        match p(args) {
            Ok(Command::Run(a)) => a,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    #[test]
    fn upstream_flags() {
        assert_eq!(p(&[]), Ok(Command::Usage));
        let a = run(&["-l", "lo", "-f", "-s"]);
        assert_eq!(
            (a.table.as_deref(), a.flush, a.csv),
            (Some(&b"lo"[..]), true, true)
        );
        let a = run(&["-fsllo"]);
        assert_eq!(
            (a.table.as_deref(), a.flush, a.csv),
            (Some(&b"lo"[..]), true, true)
        );
        let a = run(&["-uha"]);
        assert!(a.handle_usage && a.free_handles && a.list_tables && a.table.is_none());
        assert!(run(&["-c", "-l", "x"]).repeat);
        // `--` ends the options, as getopt (and so upstream) has it.
        assert_eq!(run(&["--"]), Args::default());
    }

    #[test]
    fn long_options() {
        assert_eq!(p(&["--help"]), Ok(Command::Help));
        assert_eq!(run(&["--json"]).format, Some(Format::Json));
        assert_eq!(
            run(&["--prometheus", "-l", "t"]).format,
            Some(Format::Prometheus)
        );
        assert_eq!(
            run(&["--listen=[::1]:9469"]).listen,
            Some("[::1]:9469".parse().unwrap())
        );
        assert_eq!(
            run(&["--listen", "127.0.0.1:1"]).listen,
            Some("127.0.0.1:1".parse().unwrap())
        );
        // Unambiguous abbreviations, as getopt_long.
        assert_eq!(run(&["--prom"]).format, Some(Format::Prometheus));
    }

    #[test]
    fn errors() {
        for bad in [
            &["-x"][..],
            &["-l"],
            &["stray"],
            &["--", "stray"],
            &["--nope"],
            &["--json=1"],
            &["--listen"],
            &["--listen", "localhost"],
            &["--listen", "1.2.3.4"],
            &["--json", "--prometheus"],
            &["--json", "-u"],
            &["--prometheus", "-c"],
            &["--listen", "127.0.0.1:1", "-f"],
            &["--listen", "127.0.0.1:1", "--json"],
            &["-l", ""],
            &["-l", "0123456789abcdef0123456789abcdef"],
        ] {
            assert!(p(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(p(&["-x"]), Err(ArgError("invalid option -- 'x'".into())));
        assert_eq!(
            p(&["--json=1"]),
            Err(ArgError("option '--json' doesn't allow an argument".into()))
        );
        assert!(p(&["-l", "0123456789abcdef0123456789abcde"]).is_ok());
    }
}
