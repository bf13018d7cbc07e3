// SPDX-License-Identifier: GPL-2.0-only
//! The knock client: knockd's `knock` command line, plus tportknockd frames (`tcp:110:up`, sent
//! as hand-made TCP headers on a raw socket), one-time sequence files, and the SPA datagram of
//! the pknock match (`--secret-file`), built and sent as pknock-knock sends it.

use std::ffi::OsString;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use pknock_tools::secret;
use pknock_tools::spa::Datagram;
use xa_cli::getopt::{self, Arg, Opt, getopt};
use xa_cli::net::{self, resolve};
use xa_cli::secret::SecretOption;
use xa_cli::{Error, Family, failure};

use crate::config::{FlagMatch, Proto, TCP_SYN};
use crate::{conf_knockd, conf_tport, packet};

/// How one knock is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    /// A connection attempt (the kernel's SYN), as knockd's knock does.
    Connect(u16),
    Udp(u16),
    /// A raw TCP header with exactly these flags.
    Raw(u16, u8),
    /// The pknock match's SPA datagram (UDP).
    Spa(u16),
}

impl Hit {
    fn describe(self) -> (&'static str, u16) {
        match self {
            Hit::Connect(p) | Hit::Raw(p, _) => ("tcp", p),
            Hit::Udp(p) | Hit::Spa(p) => ("udp", p),
        }
    }
}

/// Parses `PORT[:PROTO]` (knock) or `PROTO:PORT[:FLAGS]` (tportknockd).
pub fn parse_hit(text: &str, udp_default: bool) -> Result<Hit, String> {
    let first = text.split(':').next().unwrap_or_default();
    if Proto::parse(first).is_some() {
        let k = conf_tport::parse_frame(text)?;
        return Ok(match k.proto {
            Proto::Udp => Hit::Udp(k.port),
            // "Any flags" still has to send something: a SYN.
            Proto::Tcp if k.flags == FlagMatch::ANY => Hit::Raw(k.port, TCP_SYN),
            Proto::Tcp => Hit::Raw(k.port, k.flags.value),
        });
    }
    let (port, proto) = match text.split_once(':') {
        Some((p, proto)) => (
            p,
            Some(
                Proto::parse(proto)
                    .ok_or_else(|| format!("'{text}': unknown protocol '{proto}'"))?,
            ),
        ),
        None => (text, None),
    };
    let port = crate::config::parse_port(port).map_err(|e| format!("'{text}': {e}"))?;
    Ok(
        match proto.unwrap_or(if udp_default { Proto::Udp } else { Proto::Tcp }) {
            Proto::Tcp => Hit::Connect(port),
            Proto::Udp => Hit::Udp(port),
        },
    )
}

/// In knockd 0.8's knock's order, which its ambiguity messages list.
const OPTIONS: &[Opt<&str>] = &[
    Opt::named_flag("verbose", Some(b'v')),
    Opt::named_flag("udp", Some(b'u')),
    Opt::named_value("delay", Some(b'd')),
    Opt::named_flag("help", Some(b'h')),
    Opt::named_flag("version", Some(b'V')),
    Opt::named_flag("ipv4", Some(b'4')),
    Opt::named_flag("ipv6", Some(b'6')),
    Opt::named_value("one-time", Some(b'o')),
    Opt::named_value("secret-file", None),
    Opt::named_value("secret", None),
    Opt::named_value("at", None),
];
const USAGE: &str = "\
usage: knock [options] <host> <port[:proto]> [port[:proto]] ...
       knock [options] <host> <proto:port[:flags]> ...
       knock [options] -o <file> <host>
options:
  -u, --udp              make all ports hits use UDP (default is TCP)
  -d, --delay <t>        wait <t> milliseconds between port hits
  -4, --ipv4             Force usage of IPv4
  -6, --ipv6             Force usage of IPv6
  -o, --one-time <file>  knock the first unused sequence of a knockd one-time
                         sequences file, then mark it used ('#')
      --secret-file <file>  send the pknock match's SPA datagram to the one port,
                         with the secret on the first line of <file> (- for stdin)
      --secret <secret>  the same with the secret on the command line
      --at <seconds>     SPA for this time (seconds since the epoch), not now
  -v, --verbose          be verbose
  -V, --version          display version
  -h, --help             this help

proto:port[:flags] is a tportknockd frame: flags any of fsrpau (FIN SYN RST PSH
ACK URG), x (all), n (none, the default) or i (any: sends SYN); TCP frames are
sent from a raw socket and need CAP_NET_RAW.

example:  knock myserver.example.com 123:tcp 456:udp 789:tcp
          knock myserver.example.com tcp:110:x tcp:110:up udp:1234
          knock --secret-file /etc/knock.secret myserver.example.com 4000
";

fn random_u32() -> u32 {
    let mut b = [0u8; 4];
    // Safety: getrandom writes at most b.len() bytes into `b`.
    let n = unsafe { libc::getrandom(b.as_mut_ptr().cast(), b.len(), 0) };
    if n == 4 {
        u32::from_ne_bytes(b)
    } else {
        std::process::id().wrapping_mul(2_654_435_761)
    }
}

fn send_raw(dst: IpAddr, port: u16, flags: u8) -> Result<(), Error> {
    let raw_error = |e: io::Error| failure!("tcp {}:{port}: {e}", fmt_addr(dst));
    // The source address the kernel would use towards `dst` (needed for the TCP checksum).
    let src = net::udp_to(SocketAddr::new(dst, 9), None)?
        .local_addr()
        .map_err(raw_error)?
        .ip();
    let sport = 1024 + (random_u32() % 60000) as u16;
    let header = packet::tcp_header(src, dst, sport, port, random_u32(), flags);
    let fd = net::socket_for(dst, libc::SOCK_RAW, libc::IPPROTO_TCP).map_err(raw_error)?;
    let (sa, len) = net::sockaddr(SocketAddr::new(dst, 0));
    // Safety: `header` and `sa` are valid for the lengths given.
    let sent = unsafe {
        libc::sendto(
            fd.as_raw_fd(),
            header.as_ptr().cast(),
            header.len(),
            0,
            (&sa as *const libc::sockaddr_storage).cast(),
            len,
        )
    };
    if sent < 0 {
        Err(raw_error(io::Error::last_os_error()))
    } else {
        Ok(())
    }
}

fn hit(dst: IpAddr, h: Hit) -> Result<(), Error> {
    match h {
        // Only the SYN matters: give up at once, as knockd's knock does with a non-blocking
        // connect.
        Hit::Connect(port) => {
            net::tcp_knock(SocketAddr::new(dst, port), None, Duration::from_millis(1))
        }
        Hit::Udp(port) => net::send(&net::udp_to(SocketAddr::new(dst, port), None)?, &[]),
        Hit::Raw(port, flags) => send_raw(dst, port, flags),
        Hit::Spa(_) => Err(failure!("an SPA hit needs its secret")),
    }
}

struct Request {
    host: String,
    hits: Vec<Hit>,
    delay: Duration,
    family: Option<Family>,
    verbose: bool,
    one_time: Option<(PathBuf, u64)>,
    spa: Option<(SecretOption, Option<i64>)>,
}

fn parse_args(argv: impl IntoIterator<Item = OsString>) -> Result<Option<Request>, String> {
    let (mut udp, mut delay, mut family, mut verbose, mut one_time) =
        (false, 0u64, None, false, None);
    let (mut secret, mut at) = (None, None);
    let mut positional = Vec::new();
    for a in getopt(argv, OPTIONS) {
        match a.map_err(|e| e.to_string())? {
            Arg::Opt("help", _) => {
                print!("{USAGE}");
                return Ok(None);
            }
            Arg::Opt("version", _) => {
                println!("knock (xtables-addons-rs) {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            Arg::Opt("udp", _) => udp = true,
            Arg::Opt("delay", v) => {
                delay = getopt::number("delay", &getopt::text("delay", v.unwrap_or_default())?)?
            }
            Arg::Opt("ipv4", _) => family = Some(Family::V4),
            Arg::Opt("ipv6", _) => family = Some(Family::V6),
            Arg::Opt("verbose", _) => verbose = true,
            Arg::Opt("one-time", v) => one_time = v.map(PathBuf::from),
            Arg::Opt(name @ ("secret" | "secret-file"), Some(v)) => {
                SecretOption::set(&mut secret, name, v).map_err(|e| e.to_string())?
            }
            Arg::Opt("at", v) => {
                at = Some(getopt::number(
                    "at",
                    &getopt::text("at", v.unwrap_or_default())?,
                )?)
            }
            Arg::Opt(other, _) => return Err(format!("unhandled option --{other}")),
            Arg::Operand(p) => positional.push(
                p.into_string()
                    .map_err(|p| format!("'{}' is not valid UTF-8", p.to_string_lossy()))?,
            ),
        }
    }
    let (host, ports) = positional.split_first().ok_or("missing host")?;
    let mut hits = ports
        .iter()
        .map(|p| parse_hit(p, udp))
        .collect::<Result<Vec<_>, _>>()?;
    let one_time = match one_time {
        Some(path) => {
            if !hits.is_empty() {
                return Err("-o takes the ports from the file; give no ports".into());
            }
            let (seq, offset) = conf_knockd::next_one_time(&path)?
                .ok_or_else(|| format!("no unused sequence left in {}", path.display()))?;
            hits = seq
                .iter()
                .map(|&(proto, port)| {
                    if proto == Proto::Udp {
                        Hit::Udp(port)
                    } else {
                        Hit::Connect(port)
                    }
                })
                .collect();
            Some((path, offset))
        }
        None if hits.is_empty() => return Err("missing ports".into()),
        None => None,
    };
    let spa = match secret {
        Some(secret) => {
            hits = match (&hits[..], &one_time) {
                (&[Hit::Connect(port) | Hit::Udp(port)], None) => vec![Hit::Spa(port)],
                _ => return Err("SPA goes to one port (the rule's --knockports), in UDP".into()),
            };
            Some((secret, at))
        }
        None if at.is_some() => {
            return Err("--at only applies to SPA (give --secret-file or --secret)".into());
        }
        None => None,
    };
    Ok(Some(Request {
        host: host.clone(),
        hits,
        delay: Duration::from_millis(delay),
        family,
        verbose,
        one_time,
        spa,
    }))
}

pub fn main() -> ExitCode {
    let req = match parse_args(std::env::args_os().skip(1)) {
        Ok(Some(r)) => r,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("knock: {e}");
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // Read before resolving, as send_sysrq reads its password: a bad secret fails first.
    let spa = match req.spa {
        Some((secret, at)) => match secret::obtain(secret, "knock") {
            Ok(secret) => Some((secret, at)),
            Err(e) => {
                eprintln!("knock: {e}");
                return ExitCode::from(e.exit_code());
            }
        },
        None => None,
    };
    let dst = match resolve(&req.host, req.family) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("knock: Failed to resolve hostname '{}': {e}", req.host);
            return ExitCode::from(1);
        }
    };
    for (i, &h) in req.hits.iter().enumerate() {
        if i > 0 && !req.delay.is_zero() {
            std::thread::sleep(req.delay);
        }
        let (proto, port) = h.describe();
        let sent = match (h, &spa) {
            (Hit::Spa(port), Some((secret, at))) => {
                Datagram::new(secret, SocketAddr::new(dst, port), None, *at).and_then(|d| {
                    if req.verbose {
                        println!(
                            "hitting {proto} {}:{port} SPA for {}, minute {}",
                            fmt_addr(dst),
                            d.source,
                            d.minute
                        );
                    }
                    d.send()
                })
            }
            _ => {
                if req.verbose {
                    match h {
                        Hit::Raw(_, flags) => println!(
                            "hitting {proto} {}:{port} flags 0x{flags:02x}",
                            fmt_addr(dst)
                        ),
                        _ => println!("hitting {proto} {}:{port}", fmt_addr(dst)),
                    }
                }
                hit(dst, h)
            }
        };
        if let Err(e) = sent {
            eprintln!("knock: {e}");
            return ExitCode::from(1);
        }
    }
    if let Some((path, offset)) = req.one_time
        && let Err(e) = conf_knockd::mark_one_time_used(&path, offset)
    {
        eprintln!(
            "knock: cannot mark the sequence used in {}: {e}",
            path.display()
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn fmt_addr(a: IpAddr) -> String {
    match a {
        IpAddr::V4(v) => v.to_string(),
        IpAddr::V6(v) => format!("[{v}]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knock_and_tport_syntax() {
        assert_eq!(parse_hit("7000", false), Ok(Hit::Connect(7000)));
        assert_eq!(parse_hit("7000", true), Ok(Hit::Udp(7000)));
        assert_eq!(parse_hit("7000:udp", false), Ok(Hit::Udp(7000)));
        assert_eq!(parse_hit("7000:TCP", true), Ok(Hit::Connect(7000)));
        assert_eq!(parse_hit("udp:1234", false), Ok(Hit::Udp(1234)));
        assert_eq!(parse_hit("tcp:543", false), Ok(Hit::Raw(543, 0)));
        assert_eq!(parse_hit("tcp:110:up", false), Ok(Hit::Raw(110, 0x28)));
        assert_eq!(parse_hit("tcp:110:x", false), Ok(Hit::Raw(110, 0x3f)));
        assert_eq!(parse_hit("tcp:110:i", false), Ok(Hit::Raw(110, TCP_SYN)));
        assert!(parse_hit("7000:icmp", false).is_err());
        assert!(parse_hit("tcp:110:q", false).is_err());
        assert!(parse_hit("0", false).is_err());
    }

    #[test]
    fn command_line() {
        let a = |v: &[&str]| parse_args(v.iter().map(OsString::from));
        let r = a(&["-u", "-d", "100", "-6", "h", "1", "2:tcp"])
            .unwrap()
            .unwrap();
        assert_eq!(
            (r.hits, r.delay, r.family),
            (
                vec![Hit::Udp(1), Hit::Connect(2)],
                Duration::from_millis(100),
                Some(Family::V6)
            )
        );
        let r = a(&["--secret", "s", "h", "4000:udp"]).unwrap().unwrap();
        assert_eq!(r.hits, [Hit::Spa(4000)]);
        assert!(matches!(r.spa, Some((SecretOption::Argument(_), None))));
        let r = a(&["--secret-file=f", "--at", "60", "h", "4000"])
            .unwrap()
            .unwrap();
        assert!(matches!(r.spa, Some((SecretOption::File(_), Some(60)))));
        assert_eq!(a(&["h"]).err().unwrap(), "missing ports");
        assert_eq!(a(&[]).err().unwrap(), "missing host");
        assert!(
            a(&["-d", "x", "h", "1"])
                .err()
                .unwrap()
                .contains("not a valid number")
        );
    }
}
