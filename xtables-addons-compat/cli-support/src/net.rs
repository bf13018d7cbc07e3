// SPDX-License-Identifier: GPL-2.0-only
//! Host names to addresses, the same way in every client.

use std::fmt;
use std::io;
use std::net::{IpAddr, ToSocketAddrs};

use crate::{Error, Family, failure, usage};

/// Why a host has no address to send to.
#[derive(Debug)]
pub enum Unresolved {
    /// The resolver failed (unknown name, no network, ...).
    Lookup(io::Error),
    /// The host has addresses, but none of the wanted family (or none at all).
    NoAddress(Option<Family>),
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unresolved::Lookup(e) => e.fmt(f),
            Unresolved::NoAddress(Some(family)) => write!(f, "no {} address", family.name()),
            Unresolved::NoAddress(None) => f.write_str("no address"),
        }
    }
}

/// The address of `host` (a name or a literal) to send to: the first one of `family`, else
/// the first one. IPv4-mapped IPv6 addresses count as IPv4, since the packet sent to them is
/// IPv4 (and the receiving module hashes or authenticates the 4-byte address).
pub fn resolve(host: &str, family: Option<Family>) -> Result<IpAddr, Unresolved> {
    let addrs = (host, 0).to_socket_addrs().map_err(Unresolved::Lookup)?;
    let mut addrs = addrs.map(|a| unmap(a.ip()));
    let found = match family {
        None => addrs.next(),
        Some(f) => addrs.find(|&ip| Family::of(ip) == f),
    };
    found.ok_or(Unresolved::NoAddress(family))
}

/// What a client sends to: the address of `host` in the family of -4/-6 (`family`), else in
/// that of `--source`; the two must agree. The errors are the clients' own.
pub fn destination(
    host: &str,
    family: Option<Family>,
    source: Option<IpAddr>,
) -> Result<IpAddr, Error> {
    let source_family = source.map(Family::of);
    if let (Some(f), Some(s)) = (family, source_family)
        && f != s
    {
        let flag = if f == Family::V4 { "-4" } else { "-6" };
        return Err(usage!("--source is an {} address but {flag} was given", s.name()));
    }
    resolve(host, family.or(source_family)).map_err(|e| match e {
        Unresolved::Lookup(e) => failure!("cannot resolve {host}: {e}"),
        Unresolved::NoAddress(_) => failure!("{host} has {e}"),
    })
}

fn unmap(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_families() {
        let v4: IpAddr = "127.0.0.1".parse().unwrap();
        let v6: IpAddr = "::1".parse().unwrap();
        assert_eq!(resolve("127.0.0.1", None).unwrap(), v4);
        assert_eq!(resolve("::ffff:127.0.0.1", None).unwrap(), v4);
        assert_eq!(resolve("::ffff:127.0.0.1", Some(Family::V4)).unwrap(), v4);
        assert_eq!(resolve("::1", Some(Family::V6)).unwrap(), v6);
        let e = resolve("127.0.0.1", Some(Family::V6)).unwrap_err();
        assert_eq!(e.to_string(), "no IPv6 address");
        assert!(matches!(resolve("no.such.host.invalid", None), Err(Unresolved::Lookup(_))));
    }

    #[test]
    fn destination_family_from_the_flags_or_the_source() {
        let v6: IpAddr = "::1".parse().unwrap();
        assert_eq!(destination("::1", None, Some(v6)).unwrap(), v6);
        let message = |r: Result<IpAddr, Error>| r.unwrap_err().to_string();
        assert_eq!(
            message(destination("::1", Some(Family::V4), Some(v6))),
            "--source is an IPv6 address but -4 was given"
        );
        assert_eq!(
            message(destination("127.0.0.1", None, Some(v6))),
            "127.0.0.1 has no IPv6 address"
        );
        assert!(message(destination("no.such.host.invalid", None, None))
            .starts_with("cannot resolve no.such.host.invalid: "));
    }
}
