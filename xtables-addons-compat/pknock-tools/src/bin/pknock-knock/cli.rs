// SPDX-License-Identifier: GPL-2.0-only
//! Command-line parsing, with the parser every tool here uses (xa_cli::getopt, glibc's
//! getopt_long rules), which hands the --secret value straight to a wiped buffer.

use std::ffi::OsString;
use std::net::IpAddr;
use std::time::Duration;

use xa_cli::getopt::Opt;
use xa_cli::secret::SecretOption;
use xa_cli::{Client, Common, Error, Family, Sink, usage};

pub const USAGE: &str = "Usage: pknock-knock [OPTION]... HOST PORT[,PORT]...";

pub const HELP: &str = "\
Usage: pknock-knock [OPTION]... HOST PORT[,PORT]...
Knock on the ports of a host protected by the pknock match, in order, or send it one
SPA packet (single packet authorization) that opens or closes it.

  HOST                    destination host name or address (IPv4 or IPv6)
  PORT[,PORT]...          the rule's --knockports, in order (SPA: its one port)

Knocks (the default):
  -u, --udp               knock with empty UDP datagrams (default: TCP connection attempts)
  -d, --delay MS          pause between knocks, in milliseconds (default 100)
  -w, --wait MS           how long a TCP knock waits for an answer (default 200)

SPA (when a secret is given): one UDP datagram of 64 hex digits of
HMAC-SHA256(secret, source address || minutes since the epoch) and a newline.
The rule's --opensecret opens, its --closesecret closes.
  -f, --secret-file FILE  read the secret from the first line of FILE (- for stdin)
      --secret SECRET     the secret on the command line (visible to other users)
      --at SECONDS        authenticate for this time (seconds since the epoch), not now

Common:
  -4, --ipv4              use IPv4 only
  -6, --ipv6              use IPv6 only
  -s, --source ADDR       send from this local address (SPA: the address authenticated;
                          default: the one the system picks for HOST)
  -n, --dry-run           print what would be sent (SPA: the payload), send nothing
  -v, --verbose           say what is sent where
  -h, --help              show this help and exit
  -V, --version           show the version and exit

Exit status: 0 sent, 1 could not send, 2 bad arguments or input.
";

#[derive(Debug)]
pub struct Options {
    pub host: String,
    pub ports: Vec<u16>,
    pub family: Option<Family>,
    pub source: Option<IpAddr>,
    pub udp: bool,
    pub delay: Duration,
    pub wait: Duration,
    pub secret: Option<SecretOption>,
    pub at: Option<i64>,
    pub dry_run: bool,
    pub verbose: bool,
}

pub type Command = xa_cli::Command<Options>;

/// Its options besides the common ones (-4, -6, -n, -v, -h, -V).
const OPTIONS: &[Opt<&str>] = &[
    Opt::named_flag("udp", Some(b'u')),
    Opt::named_value("delay", Some(b'd')),
    Opt::named_value("wait", Some(b'w')),
    Opt::named_value("source", Some(b's')),
    Opt::named_value("secret-file", Some(b'f')),
    Opt::named_value("secret", None),
    Opt::named_value("at", None),
];

#[derive(Default)]
struct Builder {
    common: Common,
    source: Option<IpAddr>,
    udp: bool,
    delay: Option<Duration>,
    wait: Option<Duration>,
    secret: Option<SecretOption>,
    at: Option<i64>,
}

pub fn parse<I: IntoIterator<Item = OsString>>(args: I) -> Result<Command, Error> {
    xa_cli::parse_client::<Builder, _>(args)
}

impl Sink for Builder {
    fn common(&mut self) -> &mut Common {
        &mut self.common
    }

    fn flag(&mut self, _udp: &'static str) -> Result<(), Error> {
        // --udp is its only flag besides the common ones.
        self.udp = true;
        Ok(())
    }

    fn value(&mut self, name: &'static str, value: OsString) -> Result<(), Error> {
        if name == "secret" || name == "secret-file" {
            return SecretOption::set(&mut self.secret, name, value);
        }
        let text = value.to_str().unwrap_or("");
        match name {
            "delay" | "wait" => {
                let ms: u32 = text
                    .parse()
                    .ok()
                    .filter(|&ms| ms <= 60_000)
                    .ok_or_else(|| usage!("--{name}: '{text}' is not 0 to 60000 milliseconds"))?;
                let d = Some(Duration::from_millis(u64::from(ms)));
                if name == "delay" {
                    self.delay = d
                } else {
                    self.wait = d
                }
            }
            "source" => {
                let ip: IpAddr = text
                    .parse()
                    .map_err(|_| usage!("--source: '{text}' is not an IP address"))?;
                self.source = Some(ip);
            }
            _ => {
                self.at = Some(text.parse().map_err(|_| {
                    usage!("--at: '{text}' is not a time in seconds since the epoch")
                })?);
            }
        }
        Ok(())
    }
}

impl Client for Builder {
    const OPTIONS: &'static [Opt<&'static str>] = OPTIONS;
    type Options = Options;

    fn finish(mut self) -> Result<Command, Error> {
        let (host, ports) = self.common.host_and("PORT[,PORT]...")?;
        let ports = parse_ports(&ports.to_string_lossy())?;
        let spa = self.secret.is_some();
        if spa && ports.len() != 1 {
            return Err(usage!(
                "SPA goes to one port (the rule's --knockports), got {}",
                ports.len()
            ));
        }
        if !spa && self.at.is_some() {
            return Err(usage!(
                "--at only applies to SPA (give --secret-file or --secret)"
            ));
        }
        if spa && (self.udp || self.delay.is_some() || self.wait.is_some()) {
            return Err(usage!(
                "--udp, --delay and --wait apply to knocks, not to SPA"
            ));
        }
        Ok(Command::Send(Options {
            host,
            ports,
            family: self.common.family,
            source: self.source,
            udp: self.udp,
            delay: self.delay.unwrap_or(Duration::from_millis(100)),
            wait: self.wait.unwrap_or(Duration::from_millis(200)),
            secret: self.secret,
            at: self.at,
            dry_run: self.common.dry_run,
            verbose: self.common.verbose,
        }))
    }
}

/// `PORT[,PORT]...`, each 1 to 65535 (port 0 cannot be the destination of a packet).
fn parse_ports(list: &str) -> Result<Vec<u16>, Error> {
    list.split(',')
        .map(|p| {
            p.parse::<u16>()
                .ok()
                .filter(|&n| n != 0)
                .ok_or_else(|| usage!("'{p}' is not a port number (1 to 65535)"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Command, Error> {
        parse(args.iter().map(OsString::from))
    }

    fn options(args: &[&str]) -> Options {
        match run(args) {
            Ok(Command::Send(o)) => o,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    #[test]
    fn knock_defaults_and_options() {
        let o = options(&["10.0.0.1", "4002,4001,4004"]);
        assert_eq!(o.ports, [4002, 4001, 4004]);
        assert!(!o.udp && o.secret.is_none() && !o.dry_run);
        assert_eq!((o.delay.as_millis(), o.wait.as_millis()), (100, 200));
        let o = options(&["-un6d", "5", "--wait=0", "-s", "::1", "[::1]", "1"]);
        assert!(o.udp && o.dry_run);
        assert_eq!(o.family, Some(Family::V6));
        assert_eq!(
            (o.host.as_str(), o.delay.as_millis(), o.wait.as_millis()),
            ("::1", 5, 0)
        );
        assert_eq!(o.source, Some("::1".parse().unwrap()));
    }

    #[test]
    fn spa_options() {
        let o = options(&["--secret=s3", "--at", "60", "h", "4000"]);
        assert!(matches!(o.secret, Some(SecretOption::Argument(ref s)) if s.as_slice() == b"s3"));
        assert_eq!(o.at, Some(60));
        let o = options(&["-f", "/x", "h", "4000"]);
        assert!(matches!(o.secret, Some(SecretOption::File(ref p)) if p.as_os_str() == "/x"));
    }

    #[test]
    fn bad_command_lines_are_usage_errors() {
        for args in [
            &[][..],
            &["h"],
            &["h", "1", "2"],
            &["h", "0"],
            &["h", "1,,2"],
            &["h", "65536"],
            &["", "1"],
            &["-4", "-6", "h", "1"],
            &["--secret", "a", "h", "1,2"],
            &["--secret", "a", "-f", "x", "h", "1"],
            &["--secret", "a", "-u", "h", "1"],
            &["--at", "5", "h", "1"],
            &["--at", "x", "--secret", "a", "h", "1"],
            &["-d", "60001", "h", "1"],
            &["-s", "nowhere", "h", "1"],
            &["--bogus", "h", "1"],
            &["-x", "h", "1"],
            &["--udp=1", "h", "1"],
            &["h", "1", "-d"],
        ] {
            assert!(matches!(run(args), Err(Error::Usage(_))), "{args:?}");
        }
    }

    #[test]
    fn help_and_version_win() {
        assert!(matches!(run(&["h", "-h"]), Ok(Command::Help)));
        assert!(matches!(run(&["-V"]), Ok(Command::Version)));
    }
}
