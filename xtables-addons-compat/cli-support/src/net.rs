// SPDX-License-Identifier: GPL-2.0-only
//! The clients' network: host names to addresses, and the sockets that send knocks and
//! datagrams, the same way in every client.

use std::fmt;
use std::io;
use std::mem::size_of;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::Duration;

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
        return Err(usage!(
            "--source is an {} address but {flag} was given",
            s.name()
        ));
    }
    resolve(host, family.or(source_family)).map_err(|e| match e {
        Unresolved::Lookup(e) => failure!("cannot resolve {host}: {e}"),
        Unresolved::NoAddress(_) => failure!("{host} has {e}"),
    })
}

fn unspecified(like: IpAddr) -> IpAddr {
    match like {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    }
}

/// A UDP socket bound to `source` (or any address) and connected to `dst`. Connecting
/// makes the kernel choose the source address now, so SPA can authenticate that address.
pub fn udp_to(dst: SocketAddr, source: Option<IpAddr>) -> Result<UdpSocket, Error> {
    let local = source.unwrap_or(unspecified(dst.ip()));
    let socket =
        UdpSocket::bind((local, 0)).map_err(|e| failure!("cannot bind to {local}: {e}"))?;
    socket
        .connect(dst)
        .map_err(|e| failure!("no route to {dst}: {e}"))?;
    Ok(socket)
}

/// Sends one datagram on a connected socket.
pub fn send(socket: &UdpSocket, payload: &[u8]) -> Result<(), Error> {
    match socket.send(payload) {
        Ok(n) if n == payload.len() => Ok(()),
        Ok(n) => Err(failure!("sent only {n} of {} bytes", payload.len())),
        Err(e) => Err(failure!("cannot send: {e}")),
    }
}

/// A close-on-exec socket of `kind` (SOCK_STREAM, SOCK_RAW, ... with flags) and `protocol` in
/// the family of `dst`.
pub fn socket_for(dst: IpAddr, kind: libc::c_int, protocol: libc::c_int) -> io::Result<OwnedFd> {
    let domain = if dst.is_ipv4() {
        libc::AF_INET
    } else {
        libc::AF_INET6
    };
    // Safety: socket() takes no pointers; a non-negative result is a new descriptor we own.
    let fd = unsafe { libc::socket(domain, kind | libc::SOCK_CLOEXEC, protocol) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // Safety: fd is a valid descriptor that nothing else owns (just created).
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A TCP knock: one connection attempt (its SYN is the knock), given up after `wait`.
/// Whether the port answers does not matter; a knocked port is usually filtered.
pub fn tcp_knock(dst: SocketAddr, source: Option<IpAddr>, wait: Duration) -> Result<(), Error> {
    let fd = socket_for(dst.ip(), libc::SOCK_STREAM | libc::SOCK_NONBLOCK, 0)
        .map_err(|e| failure!("cannot create a TCP socket: {e}"))?;
    if let Some(src) = source {
        let (addr, len) = sockaddr(SocketAddr::new(src, 0));
        // Safety: addr is a sockaddr_storage holding a sockaddr of `len` bytes.
        if unsafe { libc::bind(fd.as_raw_fd(), (&raw const addr).cast(), len) } != 0 {
            return Err(failure!(
                "cannot bind to {src}: {}",
                io::Error::last_os_error()
            ));
        }
    }
    let (addr, len) = sockaddr(dst);
    // Safety: as for bind.
    if unsafe { libc::connect(fd.as_raw_fd(), (&raw const addr).cast(), len) } != 0 {
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINPROGRESS) {
            return Err(failure!("cannot knock on {dst}: {e}"));
        }
    }
    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLOUT,
        revents: 0,
    };
    let ms = libc::c_int::try_from(wait.as_millis()).unwrap_or(libc::c_int::MAX);
    // Safety: one valid pollfd. The outcome (answer, refusal, timeout) is not needed.
    unsafe { libc::poll(&raw mut pfd, 1, ms) };
    Ok(())
}

/// `dst` as a C socket address and its length.
pub fn sockaddr(dst: SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // Safety: all-zero is a valid sockaddr_storage (plain integers).
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match dst {
        SocketAddr::V4(v4) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: v4.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(v4.ip().octets()),
                },
                sin_zero: [0; 8],
            };
            // Safety: sockaddr_storage is larger than and aligned for any sockaddr.
            unsafe { (&raw mut storage).cast::<libc::sockaddr_in>().write(sin) };
            size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(v6) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: v6.port().to_be(),
                sin6_flowinfo: v6.flowinfo(),
                sin6_addr: libc::in6_addr {
                    s6_addr: v6.ip().octets(),
                },
                sin6_scope_id: v6.scope_id(),
            };
            // Safety: as above.
            unsafe { (&raw mut storage).cast::<libc::sockaddr_in6>().write(sin6) };
            size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, len as libc::socklen_t)
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
        assert!(matches!(
            resolve("no.such.host.invalid", None),
            Err(Unresolved::Lookup(_))
        ));
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
        assert!(
            message(destination("no.such.host.invalid", None, None))
                .starts_with("cannot resolve no.such.host.invalid: ")
        );
    }

    #[test]
    fn udp_to_loopback_picks_a_source() {
        let s = udp_to("127.0.0.1:9".parse().unwrap(), None).unwrap();
        assert_eq!(
            s.local_addr().unwrap().ip(),
            "127.0.0.1".parse::<IpAddr>().unwrap()
        );
    }
}
