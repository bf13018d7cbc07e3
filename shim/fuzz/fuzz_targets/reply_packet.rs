// SPDX-License-Identifier: GPL-2.0-only
//! Fuzzes the packet parsers, the UDP payload locator (`udp::payload`) and the
//! reply builders (`shim::reply::tcp` for every TARPIT mode and DELUDE,
//! `shim::echo::reply`) with arbitrary packets:
//! raw bytes, or well-formed packets with bytes overwritten; a window (`head`)
//! shorter than the packet; any output buffer size. A reply must stay in its
//! buffer and name only bytes of the packet; its IP header and L4 checksum
//! must verify by the independent sum in `shim::craft` (ECHO's once
//! `fill_l4_checksum` ran over header and payload, as the module runs it);
//! its addresses and ports are the original's swapped. A located payload lies
//! within the packet, after its UDP header, and is the one ECHO returns.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use shim::craft::{self, L4, Packet};
use shim::packet::{self, Addr, Family, proto, tcp, udp};
use shim::reply::{self, Reply, TcpTarget};
use shim::tarpit::Mode;

#[derive(Arbitrary, Debug)]
enum Bytes {
    Raw(Vec<u8>),
    Crafted {
        v6: bool,
        src: [u8; 16],
        dst: [u8; 16],
        tcp: Option<(u8, u32, u32, u16, Vec<u8>)>,
        ports: (u16, u16),
        payload: Vec<u8>,
        ipv4_options: Vec<u8>,
        ext_headers: Vec<(u8, Vec<u8>)>,
        fragment: Option<(u16, bool)>,
        udp_len: Option<u16>,
        checksum_delta: u16,
        edits: Vec<(u16, u8)>,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    v6: bool,
    target: u8,
    random: u64,
    extra: u8,
    head_cut: Option<u16>,
    cap: u8,
    bytes: Bytes,
}

fn build(bytes: Bytes) -> (Option<Family>, Vec<u8>) {
    match bytes {
        Bytes::Raw(b) => (None, b),
        Bytes::Crafted { v6, src, dst, tcp, ports, payload, ipv4_options, ext_headers, fragment, udp_len, checksum_delta, edits } => {
            let (src, dst) = if v6 {
                (Addr::V6(src), Addr::V6(dst))
            } else {
                (Addr::V4([src[0], src[1], src[2], src[3]]), Addr::V4([dst[0], dst[1], dst[2], dst[3]]))
            };
            let mut p = Packet::udp(src, dst, ports.0, ports.1, &payload);
            if let Some((flags, seq, ack, window, options)) = tcp {
                p.l4 = L4::Tcp { sport: ports.0, dport: ports.1, seq, ack, flags, window, options: options.into_iter().take(40).collect(), payload: payload.clone() };
            }
            p.ipv4_options = ipv4_options.into_iter().take(40).collect();
            p.ext_headers = ext_headers
                .into_iter()
                .take(4)
                .filter(|(kind, _)| matches!(*kind, proto::HOPOPTS | proto::ROUTING | proto::DSTOPTS | proto::AH))
                .map(|(kind, body)| (kind, body.into_iter().take(200).collect()))
                .collect();
            p.fragment = fragment;
            p.udp_len = udp_len;
            p.checksum_delta = checksum_delta;
            let mut b = p.build();
            if b.len() > 65535 {
                return (None, b);
            }
            let n = b.len().max(1);
            for (at, value) in edits {
                if let Some(byte) = b.get_mut(usize::from(at) % n) {
                    *byte = value;
                }
            }
            (Some(if v6 { Family::V6 } else { Family::V4 }), b)
        }
    }
}

/// Checks a reply's bounds; returns the reply packet (header and payload).
fn bounded(r: &Reply, out: &[u8], bytes: &[u8], total: usize) -> Vec<u8> {
    assert!(r.header_len <= out.len());
    assert!(out[r.header_len..].iter().all(|&b| b == 0xa5), "wrote past the header");
    assert!(r.l4_off + r.checksum_len <= total, "checksum range beyond the packet");
    assert!(r.payload.start <= r.payload.end && r.payload.end <= total, "payload beyond the packet");
    let mut whole = out[..r.header_len].to_vec();
    if r.payload.end <= bytes.len() {
        whole.extend(&bytes[r.payload.clone()]);
    }
    whole
}

/// The reply's headers parse, mirror `orig` and verify.
fn mirrors(fam: Family, whole: &[u8], orig: &packet::Ip, l4: u8, checksum_expected: bool) {
    let ip = packet::locate(fam, whole, whole.len()).expect("the reply parses");
    assert_eq!((ip.src, ip.dst, ip.proto, ip.len), (orig.dst, orig.src, l4, whole.len()));
    if fam == Family::V4 {
        assert!(craft::ipv4_header_ok(&whole[..20]), "IPv4 header checksum");
    }
    let ok = craft::l4_checksum_ok(&ip.src, &ip.dst, l4, &whole[ip.l4_off..]);
    assert_eq!(ok, checksum_expected, "L4 checksum");
}

fuzz_target!(|input: Input| {
    let (crafted, bytes) = build(input.bytes);
    let fam = crafted.unwrap_or(if input.v6 { Family::V6 } else { Family::V4 });
    let total = bytes.len() + usize::from(input.extra);
    let head = &bytes[..input.head_cut.map_or(bytes.len(), |c| usize::from(c).min(bytes.len()))];
    let whole_packet = head.len() == bytes.len() && total == bytes.len();
    let target = match input.target % 4 {
        0 => TcpTarget::Tarpit(Mode::Tarpit),
        1 => TcpTarget::Tarpit(Mode::Honeypot),
        2 => TcpTarget::Tarpit(Mode::Reset),
        _ => TcpTarget::Delude,
    };
    let cap = usize::from(input.cap) % 100;

    let mut out = vec![0xa5u8; cap];
    if let Ok(r) = reply::tcp(fam, target, head, total, input.random, &mut out) {
        let whole = bounded(&r, &out, &bytes, total);
        let orig = packet::locate(fam, head, total).expect("answered, so it parses");
        let seg = tcp::parse(&orig, head).expect("answered, so the TCP header parses");
        assert!(seg.flags & tcp::RST == 0 && seg.sport != 0 && seg.dport != 0);
        mirrors(fam, &whole, &orig, proto::TCP, true);
        let back = packet::locate(fam, &whole, whole.len()).and_then(|ip| tcp::parse(&ip, &whole)).unwrap();
        assert_eq!((back.sport, back.dport, back.header_len), (seg.dport, seg.sport, 20));
    }

    let located = udp::payload(fam, head, total);
    if let Ok(p) = &located {
        let ip = packet::locate(fam, head, total).expect("located, so it parses");
        assert!(p.proto == proto::UDP || p.proto == proto::UDPLITE);
        assert_eq!((p.proto, p.l4_off), (ip.proto, ip.l4_off));
        assert!(p.l4_off + udp::HEADER_LEN == p.payload.start && p.payload.end <= ip.len && ip.len <= total);
    }

    let mut out = vec![0xa5u8; cap];
    if let Ok(r) = shim::echo::reply(fam, head, total, &mut out) {
        let p = located.expect("echoed, so its payload is located");
        assert_eq!((p.proto, p.payload), (proto::UDP, r.payload.clone()));
        let whole = bounded(&r, &out, &bytes, total);
        let orig = packet::locate(fam, head, total).expect("answered, so it parses");
        let dgram = udp::parse(&orig, head).expect("answered, so the UDP header parses");
        assert!(dgram.sport != dgram.dport && dgram.sport != 0);
        if whole_packet {
            let mut whole = whole;
            assert!(r.fill_checksum);
            reply::fill_l4_checksum(fam, &mut whole).expect("the reply is fillable");
            mirrors(fam, &whole, &orig, proto::UDP, true);
        }
    }
});
