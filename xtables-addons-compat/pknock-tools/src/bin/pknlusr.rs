// SPDX-License-Identifier: GPL-2.0-only
//! pknlusr: prints the notifications the xt_pknock module sends on the kernel connector
//! (netlink) when a peer completes its knock sequence or SPA open. Same command line, output
//! and exit codes as upstream's pknlusr; beyond it, IPv6 peers (the longer message of
//! xt_pknock.h), a line flushed per notification (so it can feed a pipe), and a lost-message
//! warning instead of an exit when the socket buffer overflows. See pknlusr(8).

use std::io::{self, Write};
use std::mem::{offset_of, size_of};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::ExitCode;

use pknock_tools::{cn_msg, xt_pknock_nl_msg, xt_pknock_nl_msg6};

/// Upstream's default group: the module's nl_multicast_group must be set to the same.
const DEFAULT_GROUP: u32 = 1;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let program = args
        .first()
        .and_then(|a| a.rsplit('/').next())
        .unwrap_or("pknlusr")
        .to_owned();
    // Not through xa_cli::getopt: upstream reads its one argument as it is, without getopt,
    // so `pknlusr -1` is a bad group ("Group ID invalid."), not an unknown option.
    let group = match args.get(1..).unwrap_or_default() {
        [] => DEFAULT_GROUP,
        [flag] if flag == "-h" || flag == "--help" => {
            println!(
                "{program} [ group-id ]\nPrint pknock notifications received on netlink connector group group-id (1 to 32, default 1)."
            );
            return ExitCode::SUCCESS;
        }
        [group] => match parse_group(group) {
            Some(g) => g,
            None => {
                eprintln!("Group ID invalid.");
                return ExitCode::FAILURE;
            }
        },
        _ => {
            eprintln!("{program} [ group-id ]");
            return ExitCode::FAILURE;
        }
    };
    match listen(group) {
        Ok(()) => ExitCode::SUCCESS,
        Err((call, e)) => {
            // perror()'s format, as upstream.
            eprintln!("{call}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A netlink multicast group: 1 to 32 (bit group-1 of the bind mask).
fn parse_group(text: &str) -> Option<u32> {
    text.parse::<u32>().ok().filter(|g| (1..=32).contains(g))
}

/// Receives and prints until the socket is closed; the failing call and error otherwise.
fn listen(group: u32) -> Result<(), (&'static str, io::Error)> {
    // Safety: socket() takes no pointers; a non-negative result is a new descriptor.
    let fd = unsafe {
        libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
            libc::NETLINK_CONNECTOR,
        )
    };
    if fd < 0 {
        return Err(("socket()", io::Error::last_os_error()));
    }
    // Safety: fd is a valid descriptor nothing else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    // Safety: all-zero is a valid sockaddr_nl (plain integers).
    let mut addr: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
    addr.nl_family = libc::AF_NETLINK as libc::sa_family_t;
    addr.nl_groups = 1 << (group - 1);
    let len = size_of::<libc::sockaddr_nl>() as libc::socklen_t;
    // Safety: addr is a sockaddr_nl of len bytes, alive during the call.
    if unsafe { libc::bind(fd.as_raw_fd(), (&raw const addr).cast(), len) } != 0 {
        return Err(("bind()", io::Error::last_os_error()));
    }
    let mut buf = vec![0u8; 8192];
    let mut out = io::stdout().lock();
    loop {
        // Safety: buf is writable for its whole length.
        let n = unsafe { libc::recv(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
        if n == 0 {
            return Ok(());
        }
        let Ok(n) = usize::try_from(n) else {
            let e = io::Error::last_os_error();
            match e.raw_os_error() {
                Some(libc::EINTR) => continue,
                Some(libc::ENOBUFS) => {
                    eprintln!("pknlusr: notifications were lost (socket receive buffer overrun)");
                    continue;
                }
                _ => return Err(("recv()", e)),
            }
        };
        for note in notifications(buf.get(..n).unwrap_or_default()) {
            // A closed stdout (the reader went away) ends us like upstream's SIGPIPE would.
            if out.write_all(&note).and_then(|()| out.flush()).is_err() {
                return Ok(());
            }
        }
    }
}

/// The printed lines of the pknock messages in one datagram: netlink messages, each a
/// connector header and an xt_pknock message. Anything malformed is skipped.
fn notifications(mut datagram: &[u8]) -> Vec<Vec<u8>> {
    const NLMSG_HDRLEN: usize = size_of::<libc::nlmsghdr>();
    let mut lines = Vec::new();
    while datagram.len() >= NLMSG_HDRLEN {
        let Some(len) = u32_at(datagram, offset_of!(libc::nlmsghdr, nlmsg_len)) else {
            break;
        };
        let len = len as usize;
        let Some(message) = datagram.get(NLMSG_HDRLEN..len) else {
            break;
        };
        if let Some(line) = connector_message(message) {
            lines.push(line);
        }
        // NLMSG_ALIGN: messages start on 4-byte boundaries.
        datagram = datagram.get(len.next_multiple_of(4)..).unwrap_or_default();
    }
    lines
}

fn connector_message(message: &[u8]) -> Option<Vec<u8>> {
    let data_len = u16_at(message, offset_of!(cn_msg, len))?;
    let data = message
        .get(size_of::<cn_msg>()..)?
        .get(..usize::from(data_len))?;
    let name_field = data.get(..size_of::<xt_pknock_nl_msg>())?;
    let name_len = offset_of!(xt_pknock_nl_msg, peer_ip);
    let name = name_field.get(..name_len)?;
    let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
    let v4: [u8; 4] = data.get(name_len..name_len + 4)?.try_into().ok()?;
    let ip = match data.get(offset_of!(xt_pknock_nl_msg6, peer_ip6)..size_of::<xt_pknock_nl_msg6>())
    {
        // The longer message: an IPv6 peer (peer_ip is 0 then).
        Some(v6) if data.len() == size_of::<xt_pknock_nl_msg6>() => {
            Ipv6Addr::from(<[u8; 16]>::try_from(v6).ok()?).to_string()
        }
        _ => Ipv4Addr::from(v4).to_string(),
    };
    let mut line = b"rule_name: ".to_vec();
    line.extend_from_slice(name);
    line.extend_from_slice(format!(" - ip {ip}\n").as_bytes());
    Some(line)
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A netlink message with a connector header around `data`, padded to 4 bytes.
    fn message(data: &[u8]) -> Vec<u8> {
        let len = size_of::<libc::nlmsghdr>() + size_of::<cn_msg>() + data.len();
        let mut m = vec![0u8; len.next_multiple_of(4)];
        m[..4].copy_from_slice(&(len as u32).to_ne_bytes());
        let cn = size_of::<libc::nlmsghdr>();
        let at = cn + offset_of!(cn_msg, len);
        m[at..at + 2].copy_from_slice(&(data.len() as u16).to_ne_bytes());
        m[cn + size_of::<cn_msg>()..len].copy_from_slice(data);
        m
    }

    fn pknock(name: &[u8], v4: [u8; 4], v6: Option<[u8; 16]>) -> Vec<u8> {
        let mut d = vec![0u8; 32];
        d[..name.len()].copy_from_slice(name);
        d.extend_from_slice(&v4);
        if let Some(v6) = v6 {
            d.extend_from_slice(&v6);
        }
        d
    }

    #[test]
    fn prints_upstream_lines_ipv4_and_ipv6() {
        let mut dgram = message(&pknock(b"SSH", [127, 0, 0, 2], None));
        let v6: Ipv6Addr = "fd00::2".parse().unwrap();
        dgram.extend(message(&pknock(b"web-6", [0; 4], Some(v6.octets()))));
        let lines = notifications(&dgram);
        assert_eq!(
            lines,
            [
                b"rule_name: SSH - ip 127.0.0.2\n".to_vec(),
                b"rule_name: web-6 - ip fd00::2\n".to_vec()
            ]
        );
    }

    #[test]
    fn unterminated_names_and_garbage_are_bounded() {
        let lines = notifications(&message(&pknock(&[b'x'; 32], [1, 2, 3, 4], None)));
        assert_eq!(lines.len(), 1);
        assert!(
            lines[0]
                .starts_with(&[b"rule_name: ".as_slice(), &[b'x'; 32], b" - ip 1.2.3.4"].concat())
        );
        assert!(notifications(&message(b"short")).is_empty());
        for cut in 0..40 {
            let m = message(&pknock(b"a", [1; 4], None));
            let _ = notifications(&m[..cut]);
        }
        let mut huge = message(&pknock(b"a", [1; 4], None));
        huge[..4].copy_from_slice(&u32::MAX.to_ne_bytes());
        assert!(notifications(&huge).is_empty());
    }

    #[test]
    fn random_datagrams_never_panic() {
        // A fixed xorshift sequence: reproducible, no test dependency.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let valid = message(&pknock(b"r", [1; 4], None));
        for _ in 0..20_000 {
            let mut d = valid.clone();
            let len = (next() % 120) as usize;
            d.resize(len, 0);
            for _ in 0..(next() % 4) {
                if !d.is_empty() {
                    let at = (next() as usize) % d.len();
                    d[at] = next() as u8;
                }
            }
            let _ = notifications(&d);
        }
    }

    #[test]
    fn groups() {
        assert_eq!(parse_group("1"), Some(1));
        assert_eq!(parse_group("32"), Some(32));
        for bad in ["0", "33", "-1", "", "x", "1x"] {
            assert_eq!(parse_group(bad), None, "{bad}");
        }
    }
}
