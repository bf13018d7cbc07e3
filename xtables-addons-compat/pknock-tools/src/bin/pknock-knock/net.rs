// SPDX-License-Identifier: GPL-2.0-only
//! Sending knocks and SPA datagrams.

use std::io;
use std::mem::size_of;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::Duration;

use xa_cli::{Error, failure};

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

/// A TCP knock: one connection attempt (its SYN is the knock), given up after `wait`.
/// Whether the port answers does not matter; a knocked port is usually filtered.
pub fn tcp_knock(dst: SocketAddr, source: Option<IpAddr>, wait: Duration) -> Result<(), Error> {
    let domain = if dst.is_ipv4() {
        libc::AF_INET
    } else {
        libc::AF_INET6
    };
    // Safety: socket() takes no pointers; a non-negative result is a new descriptor we own.
    let fd = unsafe {
        libc::socket(
            domain,
            libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            0,
        )
    };
    if fd < 0 {
        return Err(failure!(
            "cannot create a TCP socket: {}",
            io::Error::last_os_error()
        ));
    }
    // Safety: fd is a valid descriptor that nothing else owns (just created).
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
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
fn sockaddr(dst: SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn udp_to_loopback_picks_a_source() {
        let s = udp_to("127.0.0.1:9".parse().unwrap(), None).unwrap();
        assert_eq!(
            s.local_addr().unwrap().ip(),
            "127.0.0.1".parse::<IpAddr>().unwrap()
        );
    }
}
