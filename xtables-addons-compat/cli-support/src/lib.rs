// SPDX-License-Identifier: GPL-2.0-only
//! What the client tools (send_sysrq, pknock-knock) share around their command lines:
//! the two kinds of failure and their exit codes, a getopt_long-like option lexer
//! (hand-rolled: a dozen options do not justify a parser dependency, and secret values
//! must go straight into wiped buffers), and the `main` wrapper that reports errors.

use std::ffi::OsString;
use std::fmt;
use std::io::Write as _;
use std::process::ExitCode;

use zeroize::Zeroizing;

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

/// Receives the options and operands `lex` finds, in command-line order.
pub trait Sink {
    /// A flag, by its long name.
    fn flag(&mut self, name: &'static str) -> Result<(), Error>;
    /// An option with its value, by its long name.
    fn value(&mut self, name: &'static str, value: OsString) -> Result<(), Error>;
    /// An operand (anything not an option, and everything after `--`).
    fn operand(&mut self, arg: OsString);
}

/// Splits a command line the way getopt_long does with permutation: `--name VALUE`,
/// `--name=VALUE`, `-x VALUE`, `-xVALUE`, clustered short flags (`-nv`), `--` ending the options.
/// `values` lists the options that take a value (long name, short letter if any), `flags` the
/// others (long name, short letter).
pub fn lex<I: IntoIterator<Item = OsString>>(
    args: I,
    values: &[(&'static str, Option<char>)],
    flags: &[(&'static str, char)],
    sink: &mut impl Sink,
) -> Result<(), Error> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        // Options are ASCII; a non-UTF-8 argument can only be an operand or a value.
        let Some(text) = arg.to_str() else {
            sink.operand(arg);
            continue;
        };
        if text == "--" {
            args.by_ref().for_each(|a| sink.operand(a));
        } else if let Some(long) = text.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((name, value)) => (name, Some(OsString::from(value))),
                None => (long, None),
            };
            if let Some(&(name, _)) = values.iter().find(|(n, _)| *n == name) {
                let value = match inline {
                    Some(v) => {
                        // "--password=..." itself holds the secret: wipe it once copied.
                        drop(Zeroizing::new(arg.into_encoded_bytes()));
                        v
                    }
                    None => args
                        .next()
                        .ok_or_else(|| usage!("option --{name} needs a value"))?,
                };
                sink.value(name, value)?;
            } else if let Some(&(name, _)) = flags.iter().find(|(n, _)| *n == name) {
                if inline.is_some() {
                    return Err(usage!("option --{name} takes no value"));
                }
                sink.flag(name)?;
            } else {
                return Err(usage!("unknown option --{name}"));
            }
        } else if text.len() > 1 && text.starts_with('-') {
            // A cluster of short options: flags, then at most one value option taking the rest.
            for (i, c) in text[1..].char_indices() {
                if let Some(&(name, _)) = values.iter().find(|(_, s)| *s == Some(c)) {
                    let rest = &text[1 + i + c.len_utf8()..];
                    let value = if rest.is_empty() {
                        args.next()
                            .ok_or_else(|| usage!("option -{c} needs a value"))?
                    } else {
                        OsString::from(rest)
                    };
                    sink.value(name, value)?;
                    break;
                } else if let Some(&(name, _)) = flags.iter().find(|(_, s)| *s == c) {
                    sink.flag(name)?;
                } else {
                    return Err(usage!("unknown option -{c}"));
                }
            }
        } else {
            sink.operand(arg);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Seen(Vec<String>);

    impl Sink for Seen {
        fn flag(&mut self, name: &'static str) -> Result<(), Error> {
            self.0.push(name.to_owned());
            Ok(())
        }
        fn value(&mut self, name: &'static str, value: OsString) -> Result<(), Error> {
            self.0.push(format!("{name}={}", value.to_string_lossy()));
            Ok(())
        }
        fn operand(&mut self, arg: OsString) {
            self.0.push(format!("<{}>", arg.to_string_lossy()));
        }
    }

    const VALUES: &[(&str, Option<char>)] = &[("port", Some('p')), ("hash", None)];
    const FLAGS: &[(&str, char)] = &[("verbose", 'v'), ("dry-run", 'n')];

    fn lexed(args: &[&str]) -> Result<Vec<String>, String> {
        let mut seen = Seen::default();
        lex(args.iter().map(OsString::from), VALUES, FLAGS, &mut seen)
            .map(|()| seen.0)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn every_form() {
        assert_eq!(
            lexed(&[
                "-vnp1",
                "a",
                "--hash=x=y",
                "--port",
                "2",
                "-p",
                "3",
                "--",
                "-v"
            ])
            .unwrap(),
            [
                "verbose", "dry-run", "port=1", "<a>", "hash=x=y", "port=2", "port=3", "<-v>"
            ]
        );
        assert_eq!(lexed(&["-", "--verbose"]).unwrap(), ["<->", "verbose"]);
    }

    #[test]
    fn errors() {
        assert_eq!(
            lexed(&["--port"]).unwrap_err(),
            "option --port needs a value"
        );
        assert_eq!(lexed(&["-vp"]).unwrap_err(), "option -p needs a value");
        assert_eq!(
            lexed(&["--verbose=1"]).unwrap_err(),
            "option --verbose takes no value"
        );
        assert_eq!(lexed(&["--bogus"]).unwrap_err(), "unknown option --bogus");
        assert_eq!(lexed(&["-vx"]).unwrap_err(), "unknown option -x");
    }

    #[test]
    fn exit_codes() {
        assert_eq!((usage!("a").exit_code(), failure!("b").exit_code()), (2, 1));
    }
}
