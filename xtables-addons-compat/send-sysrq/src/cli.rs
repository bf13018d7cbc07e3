// SPDX-License-Identifier: GPL-2.0-only
//! Command-line parsing, with the parser every tool here uses (xa_cli::getopt, glibc's
//! getopt_long rules), which hands the --password value straight to a wiped buffer.

use std::ffi::OsString;
use std::net::IpAddr;
use std::path::PathBuf;

use shim::sysrq::MAX_SEQNO;

use xa_cli::getopt::Opt;
use xa_cli::secret::SecretOption;
use xa_cli::{Client, Common, Error, Family, Sink, usage};

pub const USAGE: &str = "Usage: send_sysrq [OPTION]... HOST KEYS";

pub const HELP: &str = "\
Usage: send_sysrq [OPTION]... HOST KEYS
Send an authenticated remote SysRq request to a host running the xt_SYSRQ target.

  HOST                      destination host name or address (IPv4 or IPv6)
  KEYS                      SysRq key characters, e.g. s or sub (printable, no commas)

Options:
  -4, --ipv4                use IPv4 only
  -6, --ipv6                use IPv6 only
  -p, --port PORT           destination UDP port (default 9)
      --hash NAME           sha1 (default), sha224, sha256, sha384 or sha512;
                            must match the module's hash parameter
  -s, --source ADDR         send from this local address
  -f, --password-file FILE  read the password from the first line of FILE
      --password PW         password on the command line (visible to other users)
      --state-dir DIR       where the last sequence number sent to each host is kept
      --seqno N             use sequence number N (to resync with the module's seqno)
  -n, --dry-run             print the request instead of sending it
  -v, --verbose             say what is sent where
  -h, --help                show this help and exit
  -V, --version             show the version and exit

Without --password-file or --password, the password is taken from the environment
variable SYSRQ_PASSWORD, else asked for on the terminal.
Exit status: 0 sent, 1 could not send, 2 bad arguments or input.
";

#[derive(Debug)]
pub struct Options {
    pub host: String,
    pub keys: String,
    pub family: Option<Family>,
    pub port: u16,
    pub hash: String,
    pub source: Option<IpAddr>,
    pub password: Option<SecretOption>,
    pub state_dir: Option<PathBuf>,
    pub seqno: Option<u64>,
    pub dry_run: bool,
    pub verbose: bool,
}

pub type Command = xa_cli::Command<Options>;

/// Its options besides the common ones (-4, -6, -n, -v, -h, -V), all with a value.
const OPTIONS: &[Opt<&str>] = &[
    Opt::named_value("port", Some(b'p')),
    Opt::named_value("hash", None),
    Opt::named_value("source", Some(b's')),
    Opt::named_value("password-file", Some(b'f')),
    Opt::named_value("password", None),
    Opt::named_value("state-dir", None),
    Opt::named_value("seqno", None),
];

#[derive(Default)]
struct Builder {
    common: Common,
    port: Option<u16>,
    hash: Option<String>,
    source: Option<IpAddr>,
    password: Option<SecretOption>,
    state_dir: Option<PathBuf>,
    seqno: Option<u64>,
}

pub fn parse<I: IntoIterator<Item = OsString>>(args: I) -> Result<Command, Error> {
    xa_cli::parse_client::<Builder, _>(args)
}

impl Sink for Builder {
    fn common(&mut self) -> &mut Common {
        &mut self.common
    }

    fn value(&mut self, name: &'static str, value: OsString) -> Result<(), Error> {
        match name {
            "password-file" | "password" => SecretOption::set(&mut self.password, name, value)?,
            "state-dir" => self.state_dir = Some(PathBuf::from(value)),
            _ => {
                let text = value
                    .into_string()
                    .map_err(|v| usage!("--{name}: invalid value {}", v.to_string_lossy()))?;
                match name {
                    "port" => self.port = Some(parse_port(&text)?),
                    "hash" => self.hash = Some(text),
                    "source" => {
                        let addr = text.parse().map_err(|_| {
                            usage!("--source: '{text}' is not an IPv4 or IPv6 address")
                        })?;
                        self.source = Some(addr);
                    }
                    _ => self.seqno = Some(parse_seqno(&text)?),
                }
            }
        }
        Ok(())
    }
}

impl Client for Builder {
    const OPTIONS: &'static [Opt<&'static str>] = OPTIONS;
    type Options = Options;

    fn finish(mut self) -> Result<Command, Error> {
        let (host, keys) = self.common.host_and("KEYS")?;
        let keys = keys
            .into_string()
            .map_err(|_| usage!("KEYS must be printable ASCII characters"))?;
        check_keys(&keys)?;
        Ok(Command::Send(Options {
            host,
            keys,
            family: self.common.family,
            port: self.port.unwrap_or(9),
            hash: self.hash.unwrap_or_else(|| "sha1".to_owned()),
            source: self.source,
            password: self.password,
            state_dir: self.state_dir,
            seqno: self.seqno,
            dry_run: self.common.dry_run,
            verbose: self.common.verbose,
        }))
    }
}

fn parse_port(text: &str) -> Result<u16, Error> {
    match text.parse::<u16>() {
        Ok(port) if port != 0 => Ok(port),
        _ => Err(usage!("--port: '{text}' is not a port number (1-65535)")),
    }
}

fn parse_seqno(text: &str) -> Result<u64, Error> {
    match text.parse::<u64>() {
        Ok(n) if (1..=MAX_SEQNO).contains(&n) => Ok(n),
        _ => Err(usage!(
            "--seqno: '{text}' is not a number from 1 to {MAX_SEQNO}"
        )),
    }
}

/// Each key is one SysRq command character: the request's first field ends at the first comma,
/// so a comma cannot be a key, and only visible ASCII travels unambiguously.
fn check_keys(keys: &str) -> Result<(), Error> {
    if keys.is_empty() {
        return Err(usage!("KEYS is empty: give at least one SysRq key, e.g. s"));
    }
    if keys.contains(',') {
        return Err(usage!(
            "KEYS must not contain a comma (it separates the request's fields)"
        ));
    }
    if let Some(bad) = keys.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(usage!(
            "KEYS must be printable ASCII characters, not {bad:?}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn run(args: &[&str]) -> Result<Command, Error> {
        parse(args.iter().map(OsString::from))
    }

    fn options(args: &[&str]) -> Options {
        match run(args) {
            Ok(Command::Send(o)) => o,
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    fn usage_error(args: &[&str]) -> String {
        match run(args) {
            Err(Error::Usage(msg)) => msg,
            other => panic!("{args:?} gave {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let o = options(&["host", "s"]);
        assert_eq!(
            (o.host.as_str(), o.keys.as_str(), o.port, o.hash.as_str()),
            ("host", "s", 9, "sha1")
        );
        assert!(
            o.family.is_none() && o.source.is_none() && o.password.is_none() && o.seqno.is_none()
        );
        assert!(!o.dry_run && !o.verbose);
    }

    #[test]
    fn long_short_inline_and_clustered_forms() {
        let o = options(&[
            "-6nv",
            "-p1234",
            "--hash=sha256",
            "-s",
            "::1",
            "--seqno",
            "77",
            "h",
            "sub",
        ]);
        assert_eq!(o.family, Some(Family::V6));
        assert!(o.dry_run && o.verbose);
        assert_eq!(
            (o.port, o.hash.as_str(), o.seqno),
            (1234, "sha256", Some(77))
        );
        assert_eq!(o.source, Some("::1".parse().unwrap()));
        let o = options(&["--port", "7", "-f", "/pw", "--", "-host", "b"]);
        assert_eq!((o.port, o.host.as_str()), (7, "-host"));
        assert!(matches!(o.password, Some(SecretOption::File(p)) if p == Path::new("/pw")));
        assert_eq!(options(&["[::1]", "s"]).host, "::1");
        let o = options(&["--password=a=b", "h", "s"]);
        assert!(matches!(o.password, Some(SecretOption::Argument(p)) if p.as_slice() == b"a=b"));
    }

    #[test]
    fn help_and_version_win_over_missing_arguments() {
        assert!(matches!(run(&["--help"]), Ok(Command::Help)));
        assert!(matches!(run(&["-V", "x"]), Ok(Command::Version)));
    }

    #[test]
    fn bad_input_is_a_usage_error() {
        assert!(usage_error(&["h"]).contains("HOST and KEYS"));
        assert!(usage_error(&["h", "s", "t"]).contains("HOST and KEYS"));
        assert!(usage_error(&["h", ""]).contains("empty"));
        assert!(usage_error(&["h", "s,b"]).contains("comma"));
        assert!(usage_error(&["h", "s b"]).contains("printable"));
        assert!(usage_error(&["h", "s\u{e9}"]).contains("printable"));
        assert!(usage_error(&["", "s"]).contains("HOST"));
        assert!(usage_error(&["-p", "0", "h", "s"]).contains("port"));
        assert!(usage_error(&["-p", "65536", "h", "s"]).contains("port"));
        assert!(usage_error(&["--port"]).contains("requires an argument"));
        assert!(usage_error(&["--seqno", "9223372036854775808", "h", "s"]).contains("seqno"));
        assert!(usage_error(&["--seqno", "0", "h", "s"]).contains("seqno"));
        assert!(usage_error(&["--source", "host", "h", "s"]).contains("--source"));
        assert!(usage_error(&["-4", "-6", "h", "s"]).contains("exclude"));
        assert!(usage_error(&["-x", "h", "s"]).contains("invalid option -- 'x'"));
        assert!(usage_error(&["--bogus", "h", "s"]).contains("--bogus"));
        assert!(usage_error(&["--verbose=1", "h", "s"]).contains("doesn't allow an argument"));
        assert!(usage_error(&["--password", "a", "-f", "b", "h", "s"]).contains("only once"));
    }
}
