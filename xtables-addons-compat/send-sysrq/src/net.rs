// SPDX-License-Identifier: GPL-2.0-only
//! Choosing the destination address and sending the request over UDP.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};

use xa_cli::Family;
use xa_cli::{Error, failure, usage};

/// Resolves `host` and picks the address the request goes to: the first one of the forced
/// family, else of the source address's family, else the first one. IPv4-mapped IPv6
/// addresses become IPv4, as the kernel sees an IPv4 packet and hashes an IPv4 address.
pub fn resolve(
    host: &str,
    port: u16,
    family: Option<Family>,
    source: Option<IpAddr>,
) -> Result<SocketAddr, Error> {
    let source_family = source.map(|s| if s.is_ipv4() { Family::V4 } else { Family::V6 });
    if let (Some(f), Some(s)) = (family, source_family)
        && f != s
    {
        return Err(usage!(
            "--source is an {} address but {} was given",
            name(s),
            flag(f)
        ));
    }
    let wanted = family.or(source_family);
    let addrs = (host, port)
        .to_socket_addrs()
        .map_err(|e| failure!("cannot resolve {host}: {e}"))?;
    let mut addrs = addrs.map(unmap);
    let found = match wanted {
        None => addrs.next(),
        Some(f) => addrs.find(|a| (f == Family::V4) == a.is_ipv4()),
    };
    found.ok_or_else(|| match wanted {
        Some(f) => failure!("{host} has no {} address", name(f)),
        None => failure!("{host} has no address"),
    })
}

fn unmap(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V6(v6) => match v6.ip().to_ipv4_mapped() {
            Some(v4) => SocketAddr::new(IpAddr::V4(v4), v6.port()),
            None => addr,
        },
        SocketAddr::V4(_) => addr,
    }
}

fn name(f: Family) -> &'static str {
    match f {
        Family::V4 => "IPv4",
        Family::V6 => "IPv6",
    }
}

fn flag(f: Family) -> &'static str {
    match f {
        Family::V4 => "-4",
        Family::V6 => "-6",
    }
}

/// Sends `payload` as one datagram to `dst`, from `source` if given.
pub fn send(payload: &[u8], dst: SocketAddr, source: Option<IpAddr>) -> Result<(), Error> {
    let local = source.unwrap_or(match dst {
        SocketAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        SocketAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    });
    let socket =
        UdpSocket::bind((local, 0)).map_err(|e| failure!("cannot bind to {local}: {e}"))?;
    let sent = socket
        .send_to(payload, dst)
        .map_err(|e| failure!("cannot send to {dst}: {e}"))?;
    if sent != payload.len() {
        return Err(failure!(
            "sent only {sent} of {} bytes to {dst}",
            payload.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_families() {
        let v4: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let v6: SocketAddr = "[::1]:9".parse().unwrap();
        assert_eq!(resolve("127.0.0.1", 9, None, None).unwrap(), v4);
        assert_eq!(resolve("::1", 9, Some(Family::V6), None).unwrap(), v6);
        assert_eq!(
            resolve("::1", 9, None, Some("::1".parse().unwrap())).unwrap(),
            v6
        );
        assert_eq!(resolve("::ffff:127.0.0.1", 9, None, None).unwrap(), v4);
        assert!(
            matches!(resolve("127.0.0.1", 9, Some(Family::V6), None), Err(Error::Failure(m)) if m.contains("no IPv6"))
        );
        assert!(matches!(
            resolve("::1", 9, Some(Family::V4), Some("::1".parse().unwrap())),
            Err(Error::Usage(m)) if m.contains("--source")
        ));
    }
}
