// SPDX-License-Identifier: GPL-2.0-only
use super::*;
use crate::craft::{L4, Packet};
use std::vec;
use std::vec::Vec;

const A4: Addr = Addr::V4([192, 0, 2, 1]);
const B4: Addr = Addr::V4([198, 51, 100, 2]);

fn v6(last: u8) -> Addr {
    let mut a = [0u8; 16];
    a[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
    a[15] = last;
    Addr::V6(a)
}

fn whole(family: Family, bytes: &[u8]) -> Result<Ip, Error> {
    locate(family, bytes, bytes.len())
}

#[test]
fn ipv4_tcp() {
    let mut p = Packet::tcp(A4, B4, 40000, 80, tcp::SYN);
    p.tos = 0x10;
    let bytes = p.build();
    let ip = whole(Family::V4, &bytes).unwrap();
    assert_eq!(
        ip,
        Ip {
            src: A4,
            dst: B4,
            len: 40,
            l4_off: 20,
            proto: proto::TCP,
            fragment: Fragment::None,
            options: false,
            ttl: 64,
            tos: 0x10,
            id: 0x1234,
            flow_label: 0,
        }
    );
    let seg = tcp::parse(&ip, &bytes).unwrap();
    assert_eq!(
        seg,
        tcp::Segment {
            sport: 40000,
            dport: 80,
            seq: 0x0102_0304,
            ack: 0,
            flags: tcp::SYN,
            window: 64240,
            header_len: 20,
            payload_len: 0,
        }
    );
    assert!(seg.has(tcp::SYN) && !seg.has(tcp::SYN | tcp::ACK));
}

#[test]
fn ipv4_options_and_tcp_options_and_payload() {
    let mut p = Packet::tcp(A4, B4, 1, 2, tcp::ACK | tcp::PSH);
    p.ipv4_options = vec![1, 1, 1, 1, 1, 1, 1, 0];
    if let L4::Tcp { options, payload, .. } = &mut p.l4 {
        *options = vec![2, 4, 5, 0xb4];
        *payload = b"hello".to_vec();
    }
    let bytes = p.build();
    let ip = whole(Family::V4, &bytes).unwrap();
    assert_eq!((ip.l4_off, ip.options, ip.len), (28, true, 28 + 24 + 5));
    let seg = tcp::parse(&ip, &bytes).unwrap();
    assert_eq!((seg.header_len, seg.payload_len), (24, 5));
}

#[test]
fn ipv4_fragments() {
    let mut p = Packet::tcp(A4, B4, 1, 2, tcp::SYN);
    p.fragment = Some((0, true));
    let first = p.build();
    let ip = whole(Family::V4, &first).unwrap();
    assert_eq!(ip.fragment, Fragment::First);
    assert!(tcp::parse(&ip, &first).is_ok());
    p.fragment = Some((3, false));
    let later = p.build();
    let ip = whole(Family::V4, &later).unwrap();
    assert_eq!(ip.fragment, Fragment::Later);
    assert_eq!(tcp::parse(&ip, &later), Err(Error::Fragment));
    assert_eq!(udp::parse(&ip, &later), Err(Error::Fragment));
}

#[test]
fn ipv4_bad_fields() {
    let good = Packet::tcp(A4, B4, 1, 2, tcp::SYN).build();
    let mut bad = good.clone();
    bad[0] = 0x65;
    assert_eq!(whole(Family::V4, &bad), Err(Error::Version));
    assert_eq!(whole(Family::V6, &good), Err(Error::Version));
    for ihl in [0u8, 4] {
        bad = good.clone();
        bad[0] = 0x40 | ihl;
        assert_eq!(whole(Family::V4, &bad), Err(Error::Length), "ihl {ihl}");
    }
    bad = good.clone();
    bad[0] = 0x4f; // 60-byte header in a 40-byte packet
    assert_eq!(whole(Family::V4, &bad), Err(Error::Length));
    bad = good.clone();
    bad[2..4].copy_from_slice(&41u16.to_be_bytes()); // one byte beyond the packet
    assert_eq!(whole(Family::V4, &bad), Err(Error::Length));
    bad[2..4].copy_from_slice(&19u16.to_be_bytes());
    assert_eq!(whole(Family::V4, &bad), Err(Error::Length));
    // Trailing padding beyond the total length is not part of the packet.
    let mut padded = good.clone();
    padded.extend([0; 6]);
    let ip = whole(Family::V4, &padded).unwrap();
    assert_eq!((ip.len, tcp::parse(&ip, &padded).unwrap().payload_len), (40, 0));
}

#[test]
fn truncated_anywhere_never_parses() {
    for p in [
        Packet::tcp(A4, B4, 1, 2, tcp::SYN),
        Packet::tcp(v6(1), v6(2), 1, 2, tcp::SYN),
    ] {
        let family = if matches!(p.src, Addr::V4(_)) { Family::V4 } else { Family::V6 };
        let bytes = p.build();
        for n in 0..bytes.len() {
            let cut = &bytes[..n];
            let parsed = locate(family, cut, n).and_then(|ip| tcp::parse(&ip, cut));
            assert!(
                matches!(parsed, Err(Error::Truncated | Error::Length)),
                "{family:?} cut at {n}: {parsed:?}"
            );
        }
    }
}

#[test]
fn short_head_is_beyond_head_not_truncated() {
    let bytes = Packet::tcp(v6(1), v6(2), 1, 2, tcp::SYN).build();
    assert_eq!(locate(Family::V6, &bytes[..39], bytes.len()), Err(Error::BeyondHead));
    let ip = locate(Family::V6, &bytes[..40], bytes.len()).unwrap();
    assert_eq!(tcp::parse(&ip, &bytes[..59]), Err(Error::BeyondHead));
    assert!(tcp::parse(&ip, &bytes[..60]).is_ok());
    assert_eq!(locate(Family::V6, &bytes, bytes.len() - 1), Err(Error::Argument));
}

#[test]
fn tcp_data_offset_checked() {
    let good = Packet::tcp(A4, B4, 1, 2, tcp::SYN).build();
    let ip = whole(Family::V4, &good).unwrap();
    let mut bad = good.clone();
    bad[32] = 4 << 4;
    assert_eq!(tcp::parse(&ip, &bad), Err(Error::Length));
    bad[32] = 6 << 4; // 24-byte header in 20 bytes
    assert_eq!(tcp::parse(&ip, &bad), Err(Error::Truncated));
}

#[test]
fn udp_length_checked() {
    let mut p = Packet::udp(A4, B4, 5000, 7, b"abcdef");
    let ip = whole(Family::V4, &p.build()).unwrap();
    assert_eq!(udp::parse(&ip, &p.build()).unwrap().len, 14);
    for (len, ok) in [(0u16, false), (7, false), (8, true), (13, true), (14, true), (15, false), (65535, false)] {
        p.udp_len = Some(len);
        let bytes = p.build();
        let ip = whole(Family::V4, &bytes).unwrap();
        assert_eq!(udp::parse(&ip, &bytes).is_ok(), ok, "UDP length {len}");
        if let Ok(d) = udp::parse(&ip, &bytes) {
            assert_eq!(d.payload_len(), usize::from(len) - 8);
        } else {
            assert_eq!(udp::parse(&ip, &bytes), Err(Error::Length));
        }
    }
}

#[test]
fn ipv6_plain_and_flow() {
    let mut p = Packet::udp(v6(1), v6(2), 5000, 7, b"xyz");
    p.tos = 0xb8;
    p.flow_label = 0x12345;
    p.ttl = 3;
    let bytes = p.build();
    let ip = whole(Family::V6, &bytes).unwrap();
    assert_eq!(
        (ip.l4_off, ip.len, ip.proto, ip.options, ip.tos, ip.flow_label, ip.ttl),
        (40, 51, proto::UDP, false, 0xb8, 0x12345, 3)
    );
}

#[test]
fn ipv6_extension_headers() {
    let mut p = Packet::tcp(v6(1), v6(2), 1, 2, tcp::SYN);
    p.ext_headers = vec![
        (proto::HOPOPTS, vec![1, 4, 0, 0, 0, 0]),
        (proto::ROUTING, vec![0; 22]),
        (proto::AH, vec![0; 14]),
        (proto::DSTOPTS, vec![1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    ];
    let bytes = p.build();
    let ip = whole(Family::V6, &bytes).unwrap();
    assert_eq!((ip.proto, ip.options, ip.fragment), (proto::TCP, true, Fragment::None));
    assert_eq!(ip.l4_off, 40 + 8 + 24 + 16 + 16);
    assert_eq!(tcp::parse(&ip, &bytes).unwrap().dport, 2);
    // A window ending inside the chain: beyond the head, not truncated.
    assert_eq!(locate(Family::V6, &bytes[..60], bytes.len()), Err(Error::BeyondHead));
    // A header whose length runs past the packet.
    let mut bad = bytes.clone();
    bad[41] = 200;
    assert_eq!(whole(Family::V6, &bad), Err(Error::Truncated));
}

#[test]
fn ipv6_fragment_header() {
    let mut p = Packet::tcp(v6(1), v6(2), 1, 2, tcp::SYN);
    p.fragment = Some((0, true));
    let bytes = p.build();
    let ip = whole(Family::V6, &bytes).unwrap();
    assert_eq!((ip.fragment, ip.proto, ip.l4_off), (Fragment::First, proto::TCP, 48));
    p.fragment = Some((0, false)); // atomic fragment
    assert_eq!(whole(Family::V6, &p.build()).unwrap().fragment, Fragment::First);
    p.fragment = Some((5, true));
    p.ext_headers = vec![(proto::DSTOPTS, vec![0; 6])];
    let bytes = p.build();
    let ip = whole(Family::V6, &bytes).unwrap();
    assert_eq!((ip.fragment, ip.l4_off), (Fragment::Later, 56));
    assert_eq!(tcp::parse(&ip, &bytes), Err(Error::Fragment));
}

#[test]
fn ipv6_lengths() {
    let mut bytes = Packet::udp(v6(1), v6(2), 1, 2, b"abc").build();
    let n = bytes.len();
    bytes[4..6].copy_from_slice(&((n - 40 + 1) as u16).to_be_bytes());
    assert_eq!(whole(Family::V6, &bytes), Err(Error::Length));
    bytes[4..6].copy_from_slice(&0u16.to_be_bytes());
    bytes[6] = proto::HOPOPTS;
    assert_eq!(whole(Family::V6, &bytes), Err(Error::Jumbo));
    // Payload length 0 without hop-by-hop: a packet with nothing after the header.
    bytes[6] = proto::NONE;
    let ip = whole(Family::V6, &bytes).unwrap();
    assert_eq!((ip.len, ip.l4_off, ip.proto), (40, 40, proto::NONE));
    assert_eq!(udp::parse(&ip, &bytes), Err(Error::Truncated));
}

#[test]
fn unicast_addresses() {
    let v4 = |a, b, c, d| Addr::V4([a, b, c, d]).is_unicast();
    assert!(v4(127, 0, 0, 1) && v4(10, 1, 2, 3) && v4(223, 255, 255, 254) && v4(1, 0, 0, 0));
    assert!(!v4(0, 0, 0, 0) && !v4(0, 1, 2, 3) && !v4(224, 0, 0, 1) && !v4(239, 1, 1, 1));
    assert!(!v4(240, 0, 0, 1) && !v4(255, 255, 255, 255));
    let v6 = |text: &[u16; 8]| {
        let bytes: Vec<u8> = text.iter().flat_map(|w| w.to_be_bytes()).collect();
        Addr::V6(bytes.try_into().unwrap()).is_unicast()
    };
    assert!(v6(&[0, 0, 0, 0, 0, 0, 0, 1]) && v6(&[0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]));
    assert!(v6(&[0xfe80, 0, 0, 0, 0, 0, 0, 1]) && v6(&[0, 0, 0, 0, 0, 0xfffe, 0, 1]));
    assert!(!v6(&[0; 8]) && !v6(&[0xff02, 0, 0, 0, 0, 0, 0, 1]));
    assert!(!v6(&[0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]));
}

#[test]
fn udp_payload_located() {
    let p = Packet::udp(A4, B4, 5000, 9, b"abcdef");
    let bytes = p.build();
    let found = udp::payload(Family::V4, &bytes, bytes.len()).unwrap();
    assert_eq!(found, udp::Payload { proto: proto::UDP, l4_off: 20, payload: 28..34 });
    assert_eq!(&bytes[found.payload], b"abcdef");
    // Bytes after the datagram (the length field says 12) are not its payload.
    let mut short = p.clone();
    short.udp_len = Some(12);
    let bytes = short.build();
    assert_eq!(udp::payload(Family::V4, &bytes, bytes.len()).unwrap().payload, 28..32);
    // IPv6 through extension headers.
    let mut p6 = Packet::udp(v6(1), v6(2), 5000, 9, b"xyz");
    p6.ext_headers = vec![(proto::HOPOPTS, vec![1, 4, 0, 0, 0, 0]), (proto::DSTOPTS, vec![1, 4, 0, 0, 0, 0])];
    let bytes = p6.build();
    let found = udp::payload(Family::V6, &bytes, bytes.len()).unwrap();
    assert_eq!((found.l4_off, found.payload), (56, 64..67));
}

#[test]
fn udplite_payload_is_the_rest_of_the_packet() {
    // Coverage 8 (the header only): the payload still runs to the packet's end.
    let l4 = vec![0x13, 0x88, 0, 9, 0, 8, 0, 0, b'k', b'e', b'y'];
    for (family, src, dst, l4_off) in [(Family::V4, A4, B4, 20), (Family::V6, v6(1), v6(2), 40)] {
        let mut p = Packet::udp(src, dst, 1, 2, b"");
        p.l4 = L4::Raw(proto::UDPLITE, l4.clone());
        let bytes = p.build();
        let found = udp::payload(family, &bytes, bytes.len()).unwrap();
        assert_eq!(found, udp::Payload { proto: proto::UDPLITE, l4_off, payload: l4_off + 8..l4_off + 11 });
        // A header cut short.
        p.l4 = L4::Raw(proto::UDPLITE, l4[..7].to_vec());
        let bytes = p.build();
        assert_eq!(udp::payload(family, &bytes, bytes.len()), Err(udp::PayloadError::Malformed(Error::Truncated)));
    }
}

#[test]
fn udp_payload_refusals() {
    use udp::PayloadError::{Fragment as Frag, Malformed, Protocol};
    let payload = |family, bytes: &[u8]| udp::payload(family, bytes, bytes.len());
    let mut p = Packet::udp(A4, B4, 5000, 9, b"abc");
    p.fragment = Some((0, true));
    assert_eq!(payload(Family::V4, &p.build()), Err(Frag));
    p.fragment = Some((3, false));
    assert_eq!(payload(Family::V4, &p.build()), Err(Frag));
    let mut p6 = Packet::udp(v6(1), v6(2), 5000, 9, b"abc");
    p6.fragment = Some((0, false)); // atomic: still a fragment header
    assert_eq!(payload(Family::V6, &p6.build()), Err(Frag));
    assert_eq!(payload(Family::V4, &Packet::tcp(A4, B4, 1, 2, tcp::SYN).build()), Err(Protocol));
    let mut lying = Packet::udp(A4, B4, 5000, 9, b"abc");
    lying.udp_len = Some(12);
    assert_eq!(payload(Family::V4, &lying.build()), Err(Malformed(Error::Length)));
    let bytes = Packet::udp(A4, B4, 5000, 9, b"abc").build();
    assert_eq!(udp::payload(Family::V4, &bytes[..24], bytes.len()), Err(Malformed(Error::BeyondHead)));
    assert_eq!(udp::payload(Family::V4, &bytes, bytes.len() - 1), Err(Malformed(Error::Argument)));
    let long = Packet::udp(A4, B4, 5000, 9, &[b'a'; 20]).build();
    assert_eq!(payload(Family::V6, &long), Err(Malformed(Error::Version)));
}
