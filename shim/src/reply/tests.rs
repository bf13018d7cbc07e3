// SPDX-License-Identifier: GPL-2.0-only
use super::*;
use crate::craft::{self, L4, Packet};
use crate::tarpit::{self, Mode};
use std::vec;
use std::vec::Vec;

const CLIENT: Addr = Addr::V4([192, 0, 2, 1]);
const SERVER: Addr = Addr::V4([198, 51, 100, 2]);

fn v6(last: u8) -> Addr {
    let mut a = [0u8; 16];
    a[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
    a[15] = last;
    Addr::V6(a)
}

fn family(p: &Packet) -> Family {
    if matches!(p.src, Addr::V4(_)) { Family::V4 } else { Family::V6 }
}

fn segment(flags: u8, seq: u32, ack: u32, payload: &[u8]) -> Packet {
    let mut p = Packet::tcp(CLIENT, SERVER, 40000, 80, flags);
    if let L4::Tcp { seq: s, ack: a, payload: d, .. } = &mut p.l4 {
        *s = seq;
        *a = ack;
        *d = payload.to_vec();
    }
    p
}

/// The reply and its bytes, after checking what every reply must satisfy.
fn answer(target: TcpTarget, p: &Packet, random: u64) -> Result<(Reply, Vec<u8>), Refusal> {
    let bytes = p.build();
    let mut out = [0xa5u8; 80];
    let reply = tcp(family(p), target, &bytes, bytes.len(), random, &mut out)?;
    let len = reply.header_len;
    assert_eq!(len, if family(p) == Family::V4 { 40 } else { 60 });
    assert!(out[len..].iter().all(|&b| b == 0xa5), "wrote beyond the reply");
    assert_eq!((reply.payload.clone(), reply.checksum_len), (0..0, bytes.len() - reply.l4_off));
    let ip = packet::locate(family(p), &out[..len], len).unwrap();
    assert_eq!((ip.src, ip.dst, ip.proto, ip.len), (p.dst, p.src, proto::TCP, len));
    if family(p) == Family::V4 {
        assert!(craft::ipv4_header_ok(&out[..20]));
    }
    assert!(craft::l4_checksum_ok(&ip.src, &ip.dst, proto::TCP, &out[ip.l4_off..len]));
    let seg = tcp::parse(&ip, &out[..len]).unwrap();
    let L4::Tcp { sport, dport, .. } = p.l4 else { unreachable!() };
    assert_eq!((seg.sport, seg.dport, seg.header_len), (dport, sport, 20));
    Ok((reply, out[..len].to_vec()))
}

/// (flags, seq, ack, window) of a reply.
fn fields(bytes: &[u8]) -> (u8, u32, u32, u16) {
    let t = &bytes[bytes.len() - 20..];
    (
        t[13],
        u32::from_be_bytes(t[4..8].try_into().unwrap()),
        u32::from_be_bytes(t[8..12].try_into().unwrap()),
        u16::from_be_bytes([t[14], t[15]]),
    )
}

const SYN: u8 = tcp::SYN;
const ACK: u8 = tcp::ACK;
const RST: u8 = tcp::RST;
const FIN: u8 = tcp::FIN;
const PSH: u8 = tcp::PSH;

#[test]
fn tarpit_syn_ack_known_answer() {
    let (reply, bytes) = answer(TcpTarget::Tarpit(Mode::Tarpit), &segment(SYN, 1000, 0, b""), 0).unwrap();
    assert_eq!(reply.hop_limit, None);
    #[rustfmt::skip]
    let expected = [
        0x45, 0, 0, 40, 0, 0, 0x40, 0, 0, 6, 0x00, 0x00, 198, 51, 100, 2, 192, 0, 2, 1,
        0, 80, 0x9c, 0x40, 0, 0, 0, 0, 0, 0, 0x03, 0xe9, 0x50, 0x12, 0, 5, 0x00, 0x00, 0, 0,
    ];
    let mut masked = bytes.clone();
    masked[10..12].fill(0);
    masked[36..38].fill(0);
    assert_eq!(masked, expected);
    assert_eq!(reply.l4_off, 20);
}

#[test]
fn tarpit_mode() {
    let t = TcpTarget::Tarpit(Mode::Tarpit);
    let f = |flags, payload: &[u8]| answer(t, &segment(flags, 500, 9000, payload), 7).map(|(_, b)| fields(&b));
    assert_eq!(f(SYN, b""), Ok((SYN | ACK, 0, 501, 5)));
    assert_eq!(f(SYN | ACK, b""), Ok((RST, 9000, 0, 0)));
    assert_eq!(f(ACK, b""), Ok((ACK, 9000, 500, 0)));
    // Data is never acknowledged: the peer keeps it in a zero window.
    assert_eq!(f(ACK | PSH, b"GET / HTTP/1.0\r\n"), Ok((ACK, 9000, 500, 0)));
    for flags in [RST, RST | ACK, FIN, FIN | ACK, 0, PSH, SYN | FIN, SYN | RST] {
        assert_eq!(f(flags, b""), Err(Refusal::NoAnswer), "flags {flags:#x}");
    }
}

#[test]
fn reset_mode_is_rejects_tcp_reset() {
    let t = TcpTarget::Tarpit(Mode::Reset);
    let f = |flags, payload: &[u8]| answer(t, &segment(flags, 500, 9000, payload), 7).map(|(_, b)| fields(&b));
    // A SYN gets an RST+ACK the client accepts: connect() is refused.
    assert_eq!(f(SYN, b""), Ok((RST | ACK, 0, 501, 0)));
    assert_eq!(f(SYN | FIN, b"ab"), Ok((RST | ACK, 0, 504, 0)));
    assert_eq!(f(ACK, b"abc"), Ok((RST, 9000, 0, 0)));
    assert_eq!(f(0, b"abc"), Ok((RST | ACK, 0, 503, 0)));
    assert_eq!(f(RST, b""), Err(Refusal::NoAnswer));
    assert_eq!(f(RST | ACK, b""), Err(Refusal::NoAnswer));
}

#[test]
fn honeypot_mode() {
    let t = TcpTarget::Tarpit(Mode::Honeypot);
    let random = 0x0000_0010_1234_5678; // window bits 16: mask 1
    let mut p = segment(SYN, 500, 0, b"");
    if let L4::Tcp { window, .. } = &mut p.l4 {
        *window = 0x00ff;
    }
    p.id = 0x0102;
    let (reply, bytes) = answer(t, &p, random).unwrap();
    assert_eq!(fields(&bytes), (SYN | ACK, 0x1234_5678, 501, 0x00ff & 1));
    assert_eq!(reply.hop_limit, Some(128));
    assert_eq!((bytes[8], u16::from_be_bytes([bytes[4], bytes[5]])), (128, 0xfefe));
    let f = |flags, payload: &[u8]| answer(t, &segment(flags, 500, 9000, payload), random).map(|(_, b)| fields(&b));
    assert_eq!(f(SYN | ACK, b""), Ok((RST | PSH, 9000, 0xdead_beef, 0)));
    assert_eq!(f(FIN | ACK, b""), Ok((RST, 9000, 9000, 0)));
    assert_eq!(f(ACK, &[b'x'; 100]), Ok((ACK, 9000, 500, 64240 & 1)));
    assert_eq!(f(ACK, &[b'x'; 101]), Ok((ACK, 9000, 601, 64240 & 1)));
    assert_eq!(f(RST, b""), Err(Refusal::NoAnswer));
    assert_eq!(f(PSH, b""), Err(Refusal::NoAnswer));
    assert_eq!(
        answer(t, &segment(ACK, 0xdead_beef, 1, b""), random).map(|_| ()),
        Err(Refusal::NoAnswer)
    );
}

#[test]
fn honeypot_window_as_upstream_in_host_order() {
    // r < 15: the mask clears some of the low 4 bits; r == 15: 0; r > 15: at most 16.
    assert_eq!(tarpit::honeypot_window(0xffff, 0), 0xfff1);
    assert_eq!(tarpit::honeypot_window(0xffff, 14), 0xffff);
    assert_eq!(tarpit::honeypot_window(0xffff, 15), 0);
    assert_eq!(tarpit::honeypot_window(0xffff, 31), 16);
    assert_eq!(tarpit::honeypot_window(0xffff, 32 + 16), 1);
}

#[test]
fn delude() {
    let f = |flags, payload: &[u8], random| {
        answer(TcpTarget::Delude, &segment(flags, 500, 9000, payload), random).map(|(_, b)| fields(&b))
    };
    assert_eq!(f(SYN, b"", 0xffff_ffff_8765_4321), Ok((SYN | ACK, 0x8765_4321, 501, 0)));
    assert_eq!(f(SYN, b"", 7), Ok((SYN | ACK, 7, 501, 0)));
    assert_eq!(f(SYN, b"ab", 7), Ok((SYN | ACK, 7, 503, 0)));
    assert_eq!(f(ACK, b"", 7), Ok((RST, 9000, 0, 0)));
    assert_eq!(f(SYN | ACK, b"", 7), Ok((RST, 9000, 0, 0)));
    assert_eq!(f(SYN | FIN, b"", 7), Ok((RST | ACK, 0, 502, 0)));
    assert_eq!(f(RST, b"", 7), Err(Refusal::NoAnswer));
}

#[test]
fn ipv6_replies() {
    for target in [
        TcpTarget::Tarpit(Mode::Tarpit),
        TcpTarget::Tarpit(Mode::Honeypot),
        TcpTarget::Tarpit(Mode::Reset),
        TcpTarget::Delude,
    ] {
        let p = Packet::tcp(v6(1), v6(2), 40000, 22, SYN);
        let (reply, bytes) = answer(target, &p, 1).unwrap();
        assert_eq!((reply.l4_off, bytes[6], u16::from_be_bytes([bytes[4], bytes[5]])), (40, 6, 20));
        assert_eq!(bytes[7], if target == TcpTarget::Tarpit(Mode::Honeypot) { 128 } else { 0 });
    }
}

#[test]
fn refusals() {
    let tarpit = TcpTarget::Tarpit(Mode::Tarpit);
    let syn = || segment(SYN, 1, 0, b"");
    let mut p = syn();
    p.fragment = Some((0, true));
    assert_eq!(answer(tarpit, &p, 0).map(|_| ()), Err(Refusal::Fragment));
    p.fragment = Some((1, false));
    assert_eq!(answer(TcpTarget::Delude, &p, 0).map(|_| ()), Err(Refusal::Fragment));
    let mut p = syn();
    p.ipv4_options = vec![1, 1, 1, 0];
    assert_eq!(answer(tarpit, &p, 0).map(|_| ()), Err(Refusal::Options));
    assert!(answer(TcpTarget::Delude, &p, 0).is_ok(), "DELUDE builds its own header");
    let mut p = Packet::tcp(v6(1), v6(2), 1, 2, SYN);
    p.ext_headers = vec![(proto::DSTOPTS, vec![0; 6])];
    assert_eq!(answer(tarpit, &p, 0).map(|_| ()), Err(Refusal::Options));
    assert!(answer(TcpTarget::Delude, &p, 0).is_ok());
    p.ext_headers.clear();
    p.fragment = Some((0, false));
    assert_eq!(answer(TcpTarget::Delude, &p, 0).map(|_| ()), Err(Refusal::Fragment));
    for (src, dst) in [
        (Addr::V4([224, 0, 0, 1]), SERVER),
        (CLIENT, Addr::V4([255, 255, 255, 255])),
        (Addr::V4([0, 0, 0, 0]), SERVER),
        (CLIENT, Addr::V4([239, 9, 9, 9])),
    ] {
        let p = Packet::tcp(src, dst, 1, 2, SYN);
        assert_eq!(answer(tarpit, &p, 0).map(|_| ()), Err(Refusal::Address));
    }
    let mut m = [0u8; 16];
    m[0] = 0xff;
    let p = Packet::tcp(v6(1), Addr::V6(m), 1, 2, SYN);
    assert_eq!(answer(tarpit, &p, 0).map(|_| ()), Err(Refusal::Address));
    assert_eq!(
        answer(tarpit, &Packet::tcp(CLIENT, SERVER, 0, 80, SYN), 0).map(|_| ()),
        Err(Refusal::Port)
    );
    assert_eq!(
        answer(tarpit, &Packet::tcp(CLIENT, SERVER, 80, 0, SYN), 0).map(|_| ()),
        Err(Refusal::Port)
    );
    let udp = Packet::udp(CLIENT, SERVER, 1, 2, b"x").build();
    let mut out = [0u8; 60];
    assert_eq!(tcp(Family::V4, tarpit, &udp, udp.len(), 0, &mut out), Err(Refusal::Protocol));
    let syn = syn().build();
    assert_eq!(
        tcp(Family::V4, tarpit, &syn, syn.len(), 0, &mut out[..39]),
        Err(Refusal::Argument)
    );
    assert_eq!(
        tcp(Family::V4, tarpit, &syn[..39], 39, 0, &mut out),
        Err(Refusal::Malformed(packet::Error::Length))
    );
}

fn echo(p: &Packet) -> Result<(Reply, Vec<u8>), Refusal> {
    let bytes = p.build();
    let mut out = [0x5au8; 64];
    let reply = crate::echo::reply(family(p), &bytes, bytes.len(), &mut out)?;
    assert!(out[reply.header_len..].iter().all(|&b| b == 0x5a), "wrote beyond the header");
    let mut whole = out[..reply.header_len].to_vec();
    assert_eq!(&whole[whole.len() - 2..], &[0, 0], "the checksum waits for the payload");
    whole.extend(&bytes[reply.payload.clone()]);
    assert!(reply.fill_checksum);
    fill_l4_checksum(family(p), &mut whole).unwrap();
    Ok((reply, whole))
}

#[test]
fn echo_swaps_and_fills_the_checksum() {
    for (src, dst) in [(CLIENT, SERVER), (v6(1), v6(2))] {
        let mut p = Packet::udp(src, dst, 5000, 7, b"hello, echo");
        p.tos = 0x28;
        p.flow_label = 0xbeef;
        let (reply, whole) = echo(&p).unwrap();
        let mut expected = Packet::udp(dst, src, 7, 5000, b"hello, echo");
        expected.tos = 0x28;
        expected.ttl = 0;
        if family(&p) == Family::V4 {
            expected.flow_label = 0;
        } else {
            expected.flow_label = 0xbeef;
            expected.id = 0;
        }
        assert_eq!(whole, expected.build(), "{src:?}");
        assert_eq!(reply.checksum_len, 8 + 11);
        assert_eq!(reply.hop_limit, None);
    }
}

#[test]
fn echo_refusals() {
    let mut p = Packet::udp(CLIENT, SERVER, 5000, 7, b"abc");
    p.udp_len = Some(100);
    assert_eq!(echo(&p).map(|_| ()), Err(Refusal::Malformed(packet::Error::Length)));
    p.udp_len = Some(7);
    assert_eq!(echo(&p).map(|_| ()), Err(Refusal::Malformed(packet::Error::Length)));
    // A length shorter than the packet: only the datagram is echoed.
    p.udp_len = Some(9);
    let (reply, whole) = echo(&p).unwrap();
    assert_eq!((reply.payload.len(), whole.len(), reply.checksum_len), (1, 29, 9));
    let mut p = Packet::udp(CLIENT, SERVER, 7, 7, b"abc");
    assert_eq!(echo(&p).map(|_| ()), Err(Refusal::Port));
    p = Packet::udp(CLIENT, SERVER, 0, 7, b"abc");
    assert_eq!(echo(&p).map(|_| ()), Err(Refusal::Port));
    p = Packet::udp(CLIENT, Addr::V4([10, 255, 255, 255]), 5000, 7, b"abc");
    assert!(echo(&p).is_ok(), "a subnet broadcast looks unicast: the module checks the route");
    p = Packet::udp(CLIENT, Addr::V4([255, 255, 255, 255]), 5000, 7, b"abc");
    assert_eq!(echo(&p).map(|_| ()), Err(Refusal::Address));
    p = Packet::udp(CLIENT, SERVER, 5000, 7, b"abc");
    p.fragment = Some((0, true));
    assert_eq!(echo(&p).map(|_| ()), Err(Refusal::Fragment));
    p = Packet::udp(v6(1), v6(2), 5000, 7, b"abc");
    p.zero_udp_checksum = true;
    assert_eq!(echo(&p).map(|_| ()), Err(Refusal::Checksum));
    p = Packet::udp(CLIENT, SERVER, 5000, 7, b"abc");
    p.zero_udp_checksum = true;
    let (reply, whole) = echo(&p).unwrap();
    assert_eq!(reply.checksum_len, 0, "no checksum to verify");
    assert!(craft::l4_checksum_ok(&SERVER, &CLIENT, proto::UDP, &whole[20..]));
    let tcp_packet = Packet::tcp(CLIENT, SERVER, 1, 7, SYN);
    assert_eq!(echo(&tcp_packet).map(|_| ()), Err(Refusal::Protocol));
    let bytes = Packet::udp(CLIENT, SERVER, 5000, 7, b"abc").build();
    assert_eq!(
        crate::echo::reply(Family::V4, &bytes, bytes.len(), &mut [0u8; 27]),
        Err(Refusal::Argument)
    );
}

#[test]
fn echo_ipv6_extension_headers_allowed() {
    let mut p = Packet::udp(v6(1), v6(2), 5000, 7, b"abc");
    p.ext_headers = vec![(proto::HOPOPTS, vec![0; 6]), (proto::DSTOPTS, vec![0; 6])];
    let (reply, whole) = echo(&p).unwrap();
    assert_eq!((reply.l4_off, reply.header_len, whole.len()), (56, 48, 51));
    assert_eq!(whole[6], proto::UDP);
}

#[test]
fn fill_checksum_refusals() {
    let mut frag = Packet::udp(CLIENT, SERVER, 5000, 7, b"abc");
    frag.fragment = Some((0, true));
    let mut bytes = frag.build();
    assert_eq!(fill_l4_checksum(Family::V4, &mut bytes), Err(Refusal::Fragment));
    let mut raw = Packet::udp(CLIENT, SERVER, 5000, 7, b"abc");
    raw.l4 = L4::Raw(47, vec![0; 8]);
    assert_eq!(fill_l4_checksum(Family::V4, &mut raw.build()), Err(Refusal::Protocol));
    let mut short = Packet::tcp(CLIENT, SERVER, 1, 2, SYN).build();
    short.truncate(30);
    short[2..4].copy_from_slice(&30u16.to_be_bytes());
    assert_eq!(
        fill_l4_checksum(Family::V4, &mut short),
        Err(Refusal::Malformed(packet::Error::Truncated))
    );
    // A TCP packet gets its TCP checksum back, even from a wrong one.
    let mut p = Packet::tcp(CLIENT, SERVER, 1, 2, SYN);
    p.checksum_delta = 77;
    let mut bytes = p.build();
    fill_l4_checksum(Family::V4, &mut bytes).unwrap();
    assert!(craft::l4_checksum_ok(&CLIENT, &SERVER, proto::TCP, &bytes[20..]));
}
