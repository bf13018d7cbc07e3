// SPDX-License-Identifier: GPL-2.0-only
//! The command-line parser of every tool here: getopt_long(3) as glibc does it, because the
//! tools that replace upstream's (knock, knockd, tportknockd, iptaccount) must accept what
//! theirs accept and say what theirs say, and the others should behave the same way.
//!
//! Accepted: `--name VALUE`, `--name=VALUE`, unambiguous abbreviations of long names
//! (`--del` for `--delay`), `-x VALUE`, `-xVALUE`, clusters of short flags ending in at most
//! one option with a value (`-fsl NAME`, `-fslNAME`), `-` as an operand, `--` ending the
//! options, options after operands (glibc's permutation: operands come out in order,
//! interleaved with the options). Errors read as glibc's messages, without the program name.
//!
//! Values are moved out, never copied twice: where a value is cut out of a longer argument
//! (`--secret=...`, `-xVALUE`), that argument is wiped, so a secret given on the command
//! line leaves only the copy the tool itself wipes.

use std::ffi::OsString;
use std::fmt;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use zeroize::Zeroizing;

/// One option a tool accepts. `K` identifies it to the tool (usually an enum).
#[derive(Debug, Clone, Copy)]
pub struct Opt<K> {
    pub key: K,
    /// The long name without `--` (None: short only).
    pub long: Option<&'static str>,
    pub short: Option<u8>,
    /// Whether it takes a value (glibc's required_argument; no tool needs optional ones).
    pub value: bool,
}

impl<K> Opt<K> {
    /// An option without a value: `--long` and/or `-s`.
    pub const fn flag(key: K, long: Option<&'static str>, short: Option<u8>) -> Self {
        Opt {
            key,
            long,
            short,
            value: false,
        }
    }

    /// An option with a value.
    pub const fn value(key: K, long: Option<&'static str>, short: Option<u8>) -> Self {
        Opt {
            key,
            long,
            short,
            value: true,
        }
    }
}

impl Opt<&'static str> {
    /// `--name` (and `-s`) without a value, known to the tool by its long name.
    pub const fn named_flag(name: &'static str, short: Option<u8>) -> Self {
        Opt::flag(name, Some(name), short)
    }

    /// `--name` (and `-s`) with a value, known to the tool by its long name.
    pub const fn named_value(name: &'static str, short: Option<u8>) -> Self {
        Opt::value(name, Some(name), short)
    }
}

/// What the parser finds, in command-line order.
#[derive(Debug, PartialEq, Eq)]
pub enum Arg<K> {
    /// An option and its value (for options that take one).
    Opt(K, Option<OsString>),
    /// Anything else, and everything after `--`.
    Operand(OsString),
}

/// An option's value as text (every value the tools read is text, except file names).
pub fn text(name: &str, value: OsString) -> Result<String, String> {
    value
        .into_string()
        .map_err(|v| format!("option --{name}: '{}' is not valid UTF-8", v.to_string_lossy()))
}

/// An option's value as a number.
pub fn number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("option --{name}: '{value}' is not a valid number"))
}

/// A bad command line, in glibc's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptError {
    /// `--name` (the argument as given, `=VALUE` included) is no option.
    UnknownLong(String),
    /// `--na` abbreviates several options (their long names).
    Ambiguous(String, Vec<&'static str>),
    /// `--name=VALUE` for an option without a value (its full name).
    UnexpectedValue(&'static str),
    /// `--name` without its value at the end of the command line.
    MissingLongValue(&'static str),
    /// `-x` is no option.
    UnknownShort(u8),
    /// `-x` without its value at the end of the command line.
    MissingShortValue(u8),
}

impl fmt::Display for OptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptError::UnknownLong(given) => write!(f, "unrecognized option '--{given}'"),
            OptError::Ambiguous(given, names) => {
                write!(f, "option '--{given}' is ambiguous; possibilities:")?;
                names.iter().try_for_each(|n| write!(f, " '--{n}'"))
            }
            OptError::UnexpectedValue(name) => {
                write!(f, "option '--{name}' doesn't allow an argument")
            }
            OptError::MissingLongValue(name) => write!(f, "option '--{name}' requires an argument"),
            OptError::UnknownShort(c) => write!(f, "invalid option -- '{}'", Letter(*c)),
            OptError::MissingShortValue(c) => {
                write!(f, "option requires an argument -- '{}'", Letter(*c))
            }
        }
    }
}

impl std::error::Error for OptError {}

/// A short-option byte as a letter (any byte can be typed; a non-ASCII one is shown escaped).
struct Letter(u8);

impl fmt::Display for Letter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_ascii_graphic() {
            write!(f, "{}", char::from(self.0))
        } else {
            write!(f, "\\x{:02x}", self.0)
        }
    }
}

/// Iterates over the command line `args` (without the program name) as getopt_long would
/// read it with the options `opts`. Stop at the first error.
pub fn getopt<K: Copy + PartialEq, I: IntoIterator<Item = OsString>>(
    args: I,
    opts: &[Opt<K>],
) -> Getopt<'_, K, I::IntoIter> {
    Getopt {
        args: args.into_iter(),
        opts,
        cluster: None,
        operands_only: false,
    }
}

/// The iterator of [`getopt`].
pub struct Getopt<'a, K, I> {
    args: I,
    opts: &'a [Opt<K>],
    /// A cluster of short options being read: the argument and where its next letter is.
    cluster: Option<(Zeroizing<Vec<u8>>, usize)>,
    /// After `--`.
    operands_only: bool,
}

impl<K: Copy + PartialEq, I: Iterator<Item = OsString>> Iterator for Getopt<'_, K, I> {
    type Item = Result<Arg<K>, OptError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some((arg, at)) = self.cluster.take() {
            return Some(self.short(arg, at));
        }
        let arg = self.args.next()?;
        let bytes = arg.as_bytes();
        if self.operands_only || bytes.len() < 2 || bytes[0] != b'-' {
            return Some(Ok(Arg::Operand(arg)));
        }
        if bytes == b"--" {
            self.operands_only = true;
            return self.next();
        }
        let arg = Zeroizing::new(arg.into_vec());
        Some(match arg.strip_prefix(b"--") {
            Some(_) => self.long(arg),
            None => self.short(arg, 1),
        })
    }
}

impl<K: Copy + PartialEq, I: Iterator<Item = OsString>> Getopt<'_, K, I> {
    /// `--name` or `--name=VALUE` (`arg` with its dashes).
    fn long(&mut self, arg: Zeroizing<Vec<u8>>) -> Result<Arg<K>, OptError> {
        let text = &arg[2..];
        let (name, inline) = match text.iter().position(|&b| b == b'=') {
            Some(eq) => (&text[..eq], Some(&text[eq + 1..])),
            None => (text, None),
        };
        let opt = self.find_long(name, text)?;
        let long = opt.long.unwrap_or_default();
        let value = match (opt.value, inline) {
            (false, None) => None,
            (false, Some(_)) => return Err(OptError::UnexpectedValue(long)),
            (true, Some(v)) => Some(OsString::from_vec(v.to_vec())),
            (true, None) => Some(
                self.args
                    .next()
                    .ok_or(OptError::MissingLongValue(long))?,
            ),
        };
        Ok(Arg::Opt(opt.key, value))
    }

    /// The option `name` stands for: its exact long name, else the one option it abbreviates.
    fn find_long(&self, name: &[u8], text: &[u8]) -> Result<Opt<K>, OptError> {
        let named = || self.opts.iter().filter_map(|o| Some((o, o.long?)));
        if let Some((opt, _)) = named().find(|(_, long)| long.as_bytes() == name) {
            return Ok(*opt);
        }
        let mut matches = named().filter(|(_, long)| long.as_bytes().starts_with(name));
        let Some((first, first_name)) = matches.next() else {
            return Err(OptError::UnknownLong(lossy(text)));
        };
        // As glibc: a second name for the same option is no ambiguity.
        let others: Vec<_> = matches
            .filter(|(o, _)| o.key != first.key || o.value != first.value)
            .map(|(_, long)| long)
            .collect();
        if others.is_empty() {
            return Ok(*first);
        }
        Err(OptError::Ambiguous(
            lossy(text),
            [first_name].into_iter().chain(others).collect(),
        ))
    }

    /// The short option at `arg[at]`, in a cluster that may go on after it.
    fn short(&mut self, arg: Zeroizing<Vec<u8>>, at: usize) -> Result<Arg<K>, OptError> {
        let letter = arg[at];
        let opt = *self
            .opts
            .iter()
            .find(|o| o.short == Some(letter))
            .ok_or(OptError::UnknownShort(letter))?;
        let rest = &arg[at + 1..];
        if !opt.value {
            if !rest.is_empty() {
                self.cluster = Some((arg, at + 1));
            }
            return Ok(Arg::Opt(opt.key, None));
        }
        let value = match rest {
            [] => self
                .args
                .next()
                .ok_or(OptError::MissingShortValue(letter))?,
            _ => OsString::from_vec(rest.to_vec()),
        };
        Ok(Arg::Opt(opt.key, Some(value)))
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum K {
        Delay,
        Debug,
        Udp,
        List,
        Verbose,
    }

    const OPTS: &[Opt<K>] = &[
        Opt::value(K::Delay, Some("delay"), Some(b'd')),
        Opt::flag(K::Debug, Some("debug"), Some(b'D')),
        Opt::flag(K::Udp, Some("udp"), Some(b'u')),
        // A second name of --delay, as glibc allows.
        Opt::value(K::Delay, Some("delay-ms"), None),
        Opt::value(K::List, None, Some(b'l')),
        Opt::flag(K::Verbose, Some("verbose"), None),
    ];

    type Parsed = Result<Vec<Arg<K>>, String>;

    fn parse(args: &[&str]) -> Parsed {
        getopt(args.iter().map(OsString::from), OPTS)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())
    }

    fn opt(k: K, v: Option<&str>) -> Arg<K> {
        Arg::Opt(k, v.map(OsString::from))
    }

    fn operand(v: &str) -> Arg<K> {
        Arg::Operand(OsString::from(v))
    }

    #[test]
    fn every_form() {
        assert_eq!(
            parse(&[
                "-uDd1", "a", "--delay=x=y", "--delay", "2", "-d", "3", "-", "--del", "4", "--ver",
                "-ulname", "-l", "n2", "--", "-u", "--x"
            ]),
            Ok(vec![
                opt(K::Udp, None),
                opt(K::Debug, None),
                opt(K::Delay, Some("1")),
                operand("a"),
                opt(K::Delay, Some("x=y")),
                opt(K::Delay, Some("2")),
                opt(K::Delay, Some("3")),
                operand("-"),
                // "del" abbreviates delay and delay-ms, one option: no ambiguity.
                opt(K::Delay, Some("4")),
                opt(K::Verbose, None),
                opt(K::Udp, None),
                opt(K::List, Some("name")),
                opt(K::List, Some("n2")),
                operand("-u"),
                operand("--x"),
            ])
        );
        // An empty value is a value.
        assert_eq!(parse(&["--delay="]), Ok(vec![opt(K::Delay, Some(""))]));
        assert_eq!(parse(&["-d", ""]), Ok(vec![opt(K::Delay, Some(""))]));
    }

    #[test]
    fn glibc_messages() {
        // Each as glibc 2.36's getopt_long prints it (after "PROG: ") for the same options.
        for (args, message) in [
            (&["--nope"][..], "unrecognized option '--nope'"),
            (&["--nope=1"], "unrecognized option '--nope=1'"),
            (
                &["--d"],
                "option '--d' is ambiguous; possibilities: '--delay' '--debug'",
            ),
            (
                &["--d=3"],
                "option '--d=3' is ambiguous; possibilities: '--delay' '--debug'",
            ),
            (&["--u=1"], "option '--udp' doesn't allow an argument"),
            (&["--del"], "option '--delay' requires an argument"),
            (&["-x"], "invalid option -- 'x'"),
            (&["-uDx"], "invalid option -- 'x'"),
            (&["-d"], "option requires an argument -- 'd'"),
            (&["-ul"], "option requires an argument -- 'l'"),
            (&["-\u{e9}"], "invalid option -- '\\xc3'"),
        ] {
            assert_eq!(parse(args), Err(message.to_owned()), "{args:?}");
        }
    }
}
