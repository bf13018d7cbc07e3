// SPDX-License-Identifier: GPL-2.0-only
//! Packet bytes: parsing captured IPv4/IPv6 TCP/UDP headers (every length checked, since the
//! filter is only a first cut) and building TCP headers for flag knocks.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::config::Proto;
use crate::tracker::Packet;

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// Reads the transport header at `l4`: destination port and (TCP) flags.
fn transport(b: &[u8], l4: usize, proto: u8) -> Option<(Proto, u16, u8)> {
    match proto {
        6 => Some((Proto::Tcp, be16(b, l4 + 2)?, *b.get(l4 + 13)?)),
        17 => Some((Proto::Udp, be16(b, l4 + 2)?, 0)),
        _ => None,
    }
}

/// Parses a packet that starts at its IP header; `None` for anything that is not a knock.
pub fn parse(b: &[u8]) -> Option<Packet> {
    let version = b.first()? >> 4;
    let (src, dst, proto, l4): (IpAddr, IpAddr, u8, usize) = match version {
        4 => {
            let ihl = usize::from(b[0] & 0x0f) * 4;
            if ihl < 20 || be16(b, 6)? & 0x1fff != 0 {
                return None;
            }
            let src: [u8; 4] = b.get(12..16)?.try_into().ok()?;
            let dst: [u8; 4] = b.get(16..20)?.try_into().ok()?;
            (
                Ipv4Addr::from(src).into(),
                Ipv4Addr::from(dst).into(),
                *b.get(9)?,
                ihl,
            )
        }
        6 => {
            let src: [u8; 16] = b.get(8..24)?.try_into().ok()?;
            let dst: [u8; 16] = b.get(24..40)?.try_into().ok()?;
            (
                Ipv6Addr::from(src).into(),
                Ipv6Addr::from(dst).into(),
                *b.get(6)?,
                40,
            )
        }
        _ => return None,
    };
    let (proto, dport, flags) = transport(b, l4, proto)?;
    Some(Packet {
        src,
        dst,
        proto,
        dport,
        flags: flags & crate::config::TCP_ALL,
    })
}

/// Internet checksum over `chunks`, as if they were concatenated (each of even length but the last).
pub fn checksum(chunks: &[&[u8]]) -> u16 {
    let mut sum: u32 = 0;
    for c in chunks {
        let mut it = c.chunks_exact(2);
        for w in &mut it {
            sum += u32::from(u16::from_be_bytes([w[0], w[1]]));
        }
        if let [last] = it.remainder() {
            sum += u32::from(u16::from_be_bytes([*last, 0]));
        }
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// A 20-byte TCP header with the given flags and its checksum over the IPv4/IPv6 pseudo-header.
pub fn tcp_header(
    src: IpAddr,
    dst: IpAddr,
    sport: u16,
    dport: u16,
    seq: u32,
    flags: u8,
) -> [u8; 20] {
    let mut h = [0u8; 20];
    h[0..2].copy_from_slice(&sport.to_be_bytes());
    h[2..4].copy_from_slice(&dport.to_be_bytes());
    h[4..8].copy_from_slice(&seq.to_be_bytes());
    h[12] = 5 << 4;
    h[13] = flags;
    h[14..16].copy_from_slice(&1024u16.to_be_bytes());
    let tail = [0, 6, 0, 20];
    let sum = match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => checksum(&[&s.octets(), &d.octets(), &tail, &h]),
        (s, d) => {
            let v6 = |a: IpAddr| match a {
                IpAddr::V6(a) => a,
                IpAddr::V4(a) => a.to_ipv6_mapped(),
            };
            checksum(&[
                &v6(s).octets(),
                &v6(d).octets(),
                &[0, 0, 0, 20, 0, 0, 0, 6],
                &h,
            ])
        }
    };
    h[16..18].copy_from_slice(&sum.to_be_bytes());
    h
}

#[cfg(test)]
pub mod tests {
    use super::*;

    fn l4(src: IpAddr, dst: IpAddr, proto: u8, port: u16, flags: u8) -> Vec<u8> {
        if proto == 6 {
            tcp_header(src, dst, 40000, port, 1, flags).to_vec()
        } else {
            let mut u = vec![0x9c, 0x40, 0, 0, 0, 8, 0, 0];
            u[2..4].copy_from_slice(&port.to_be_bytes());
            u
        }
    }

    pub fn ipv4_packet(src: &str, dst: &str, proto: u8, port: u16, flags: u8) -> Vec<u8> {
        let (s, d): (Ipv4Addr, Ipv4Addr) = (src.parse().unwrap(), dst.parse().unwrap());
        let body = l4(s.into(), d.into(), proto, port, flags);
        let mut p = vec![0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, proto, 0, 0];
        p[2..4].copy_from_slice(&(20 + body.len() as u16).to_be_bytes());
        p.extend_from_slice(&s.octets());
        p.extend_from_slice(&d.octets());
        p.extend_from_slice(&body);
        p
    }

    pub fn ipv6_packet(src: &str, dst: &str, proto: u8, port: u16, flags: u8) -> Vec<u8> {
        let (s, d): (Ipv6Addr, Ipv6Addr) = (src.parse().unwrap(), dst.parse().unwrap());
        let body = l4(s.into(), d.into(), proto, port, flags);
        let mut p = vec![0x60, 0, 0, 0, 0, body.len() as u8, proto, 64];
        p.extend_from_slice(&s.octets());
        p.extend_from_slice(&d.octets());
        p.extend_from_slice(&body);
        p
    }

    #[test]
    fn parses_v4_and_v6() {
        let p = parse(&ipv4_packet("10.0.0.2", "10.0.0.1", 6, 7000, 0xd2)).unwrap();
        assert_eq!(
            (
                p.src.to_string(),
                p.dst.to_string(),
                p.proto,
                p.dport,
                p.flags
            ),
            ("10.0.0.2".into(), "10.0.0.1".into(), Proto::Tcp, 7000, 0x12)
        );
        let p = parse(&ipv6_packet("fd00::2", "fd00::1", 17, 53, 0)).unwrap();
        assert_eq!(
            (p.src.to_string(), p.proto, p.dport),
            ("fd00::2".into(), Proto::Udp, 53)
        );
    }

    #[test]
    fn rejects_junk_without_panicking() {
        let good = ipv4_packet("10.0.0.2", "10.0.0.1", 6, 7000, 2);
        for n in 0..good.len() {
            let _ = parse(&good[..n]);
        }
        assert!(
            parse(&good[..good.len() - 7]).is_none(),
            "flags byte missing"
        );
        let mut bad_ihl = good.clone();
        bad_ihl[0] = 0x44;
        assert!(parse(&bad_ihl).is_none());
        let mut frag = good.clone();
        frag[7] = 8;
        assert!(parse(&frag).is_none());
        let mut icmp = good;
        icmp[9] = 1;
        assert!(parse(&icmp).is_none());
        for b in 0..=255u8 {
            let _ = parse(&[b; 64]);
        }
    }

    /// Random bytes and random mutations of valid packets never panic the parser.
    #[test]
    fn random_input() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let valid = [
            ipv4_packet("10.0.0.2", "10.0.0.1", 6, 7000, 2),
            ipv6_packet("fd00::2", "fd00::1", 17, 53, 0),
        ];
        for round in 0..200_000 {
            let mut buf: Vec<u8> = if round % 2 == 0 {
                (0..next() % 96).map(|_| next() as u8).collect()
            } else {
                valid[round % 4 / 2].clone()
            };
            for _ in 0..next() % 4 {
                if !buf.is_empty() {
                    let at = next() as usize % buf.len();
                    buf[at] = next() as u8;
                }
            }
            buf.truncate(next() as usize % (buf.len() + 1));
            let _ = parse(&buf);
        }
    }

    #[test]
    fn tcp_checksum_verifies() {
        let (s, d): (IpAddr, IpAddr) = ("10.0.0.2".parse().unwrap(), "10.0.0.1".parse().unwrap());
        let h = tcp_header(s, d, 1234, 80, 7, 0x02);
        let (IpAddr::V4(s4), IpAddr::V4(d4)) = (s, d) else {
            unreachable!()
        };
        assert_eq!(
            checksum(&[&s4.octets(), &d4.octets(), &[0, 6, 0, 20], &h]),
            0
        );
        let (s, d): (IpAddr, IpAddr) = ("fd00::2".parse().unwrap(), "fd00::1".parse().unwrap());
        let h = tcp_header(s, d, 1234, 80, 7, 0x3f);
        let (IpAddr::V6(s6), IpAddr::V6(d6)) = (s, d) else {
            unreachable!()
        };
        assert_eq!(
            checksum(&[&s6.octets(), &d6.octets(), &[0, 0, 0, 20, 0, 0, 0, 6], &h]),
            0
        );
    }
}
