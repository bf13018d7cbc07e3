// SPDX-License-Identifier: GPL-2.0-only
//! Properties of the packet parsers and the reply builders: on any input no
//! reply exceeds its bounds or points outside the packet; on well-formed
//! packets every reply's checksums verify (by an independent sum) and its
//! addresses and ports are the original's swapped. The UDP payload locator
//! finds a datagram's payload byte for byte, behind any options.
use proptest::prelude::*;
use shim::craft::{self, L4, Packet};
use shim::packet::{self, Addr, Family, proto, tcp, udp};
use shim::reply::{self, MAX_TCP_REPLY, MAX_UDP_HEADER, Refusal, Reply, TcpTarget};
use shim::tarpit::Mode;

fn unicast_v4() -> impl Strategy<Value = Addr> {
    (1u8..224, any::<[u8; 3]>()).prop_map(|(a, [b, c, d])| Addr::V4([a, b, c, d]))
}

fn unicast_v6() -> impl Strategy<Value = Addr> {
    any::<[u8; 16]>()
        .prop_filter("unicast", |a| Addr::V6(*a).is_unicast())
        .prop_map(Addr::V6)
}

fn addresses() -> impl Strategy<Value = (Addr, Addr)> {
    prop_oneof![(unicast_v4(), unicast_v4()), (unicast_v6(), unicast_v6())]
}

fn target() -> impl Strategy<Value = TcpTarget> {
    prop_oneof![
        Just(TcpTarget::Tarpit(Mode::Tarpit)),
        Just(TcpTarget::Tarpit(Mode::Honeypot)),
        Just(TcpTarget::Tarpit(Mode::Reset)),
        Just(TcpTarget::Delude),
    ]
}

prop_compose! {
    fn tcp_packet()((src, dst) in addresses(), sport in 1u16.., dport in 1u16.., flags: u8,
                    seq: u32, ack: u32, window: u16, options in prop::collection::vec(any::<u8>(), 0..=40),
                    payload in prop::collection::vec(any::<u8>(), 0..300)) -> Packet {
        let mut p = Packet::tcp(src, dst, sport, dport, flags);
        p.l4 = L4::Tcp { sport, dport, seq, ack, flags, window, options, payload };
        p
    }
}

prop_compose! {
    fn udp_packet()((src, dst) in addresses(), sport in 1u16.., dport in 1u16..,
                    payload in prop::collection::vec(any::<u8>(), 0..600), tos: u8, flow in 0u32..1 << 20,
                    id: u16) -> Packet {
        let mut p = Packet::udp(src, dst, sport, dport, &payload);
        p.tos = tos;
        p.flow_label = flow;
        p.id = id;
        p
    }
}

fn family(addr: &Addr) -> Family {
    match addr {
        Addr::V4(_) => Family::V4,
        Addr::V6(_) => Family::V6,
    }
}

/// What every reply must satisfy whatever the input: it fits `out`, nothing
/// beyond it was written, and every range it names lies within the packet.
fn bounded(reply: &Reply, out: &[u8], cap: usize, total: usize) -> Result<(), TestCaseError> {
    prop_assert!(reply.header_len <= cap);
    prop_assert!(out[reply.header_len..].iter().all(|&b| b == 0xa5), "wrote past the header");
    prop_assert!(reply.l4_off + reply.checksum_len <= total);
    prop_assert!(reply.payload.start <= reply.payload.end && reply.payload.end <= total);
    prop_assert!(reply.len() <= 65535 + 40);
    Ok(())
}

/// A reply's IP header verifies and its L4 checksum verifies over `whole`.
fn checksums_verify(whole: &[u8], l4_proto: u8) -> Result<packet::Ip, TestCaseError> {
    let fam = if whole[0] >> 4 == 4 { Family::V4 } else { Family::V6 };
    let ip = packet::locate(fam, whole, whole.len()).map_err(|e| TestCaseError::fail(format!("{e}")))?;
    if fam == Family::V4 {
        prop_assert!(craft::ipv4_header_ok(&whole[..20]), "IPv4 header checksum");
    }
    prop_assert!(craft::l4_checksum_ok(&ip.src, &ip.dst, l4_proto, &whole[ip.l4_off..ip.len]), "L4 checksum");
    Ok(ip)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any bytes, any claimed length, any target: no panic, and a reply (if
    /// any) stays in its bounds.
    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200), extra in 0usize..100,
                       v6: bool, t in target(), random: u64, cap in 0usize..=80) {
        let fam = if v6 { Family::V6 } else { Family::V4 };
        let total = bytes.len() + extra;
        let mut out = vec![0xa5u8; cap];
        if let Ok(r) = reply::tcp(fam, t, &bytes, total, random, &mut out) {
            bounded(&r, &out, cap, total)?;
        }
        let mut out = vec![0xa5u8; cap];
        if let Ok(r) = shim::echo::reply(fam, &bytes, total, &mut out) {
            bounded(&r, &out, cap, total)?;
        }
    }

    /// A well-formed packet with some bytes overwritten (lengths, offsets,
    /// flags, versions...): no panic, and a reply stays in its bounds.
    #[test]
    fn mutated_packets(p in prop_oneof![tcp_packet(), udp_packet()], t in target(),
                       edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
                       head_cut: prop::sample::Index, cap in 0usize..=80) {
        let mut bytes = p.build();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let fam = family(&p.src);
        // The module's window may hold fewer bytes than the packet has.
        let head = &bytes[..head_cut.index(bytes.len() + 1).min(bytes.len())];
        let mut out = vec![0xa5u8; cap];
        if let Ok(r) = reply::tcp(fam, t, head, bytes.len(), 3, &mut out) {
            bounded(&r, &out, cap, bytes.len())?;
        }
        let mut out = vec![0xa5u8; cap];
        if let Ok(r) = shim::echo::reply(fam, head, bytes.len(), &mut out) {
            bounded(&r, &out, cap, bytes.len())?;
        }
    }

    /// Well-formed TCP: every reply verifies and mirrors the original.
    #[test]
    fn tcp_replies_verify(p in tcp_packet(), t in target(), random: u64) {
        let bytes = p.build();
        let fam = family(&p.src);
        let mut out = [0xa5u8; MAX_TCP_REPLY + 8];
        match reply::tcp(fam, t, &bytes, bytes.len(), random, &mut out) {
            Ok(r) => {
                bounded(&r, &out, MAX_TCP_REPLY, bytes.len())?;
                prop_assert_eq!(r.checksum_len, bytes.len() - r.l4_off);
                let ip = checksums_verify(&out[..r.header_len], proto::TCP)?;
                prop_assert_eq!((ip.src, ip.dst), (p.dst, p.src));
                let seg = tcp::parse(&ip, &out[..r.header_len]).unwrap();
                let L4::Tcp { sport, dport, flags, .. } = p.l4 else { unreachable!() };
                prop_assert_eq!((seg.sport, seg.dport), (dport, sport));
                // Never an RST for an RST, never a reply without a flag.
                prop_assert!(flags & tcp::RST == 0 && seg.flags != 0);
            }
            Err(Refusal::NoAnswer) => {}
            Err(e) => prop_assert!(false, "well-formed segment refused: {e}"),
        }
    }

    /// Well-formed UDP: the echo (header + the original's payload) verifies,
    /// mirrors the original and carries its payload byte for byte.
    #[test]
    fn echo_replies_verify(p in udp_packet()) {
        let bytes = p.build();
        let fam = family(&p.src);
        let mut out = [0xa5u8; MAX_UDP_HEADER + 8];
        let L4::Udp { sport, dport, ref payload } = p.l4 else { unreachable!() };
        match shim::echo::reply(fam, &bytes, bytes.len(), &mut out) {
            Ok(r) => {
                bounded(&r, &out, MAX_UDP_HEADER, bytes.len())?;
                let mut whole = out[..r.header_len].to_vec();
                whole.extend(&bytes[r.payload.clone()]);
                prop_assert!(r.fill_checksum);
                reply::fill_l4_checksum(fam, &mut whole).map_err(|e| TestCaseError::fail(format!("{e}")))?;
                let ip = checksums_verify(&whole, proto::UDP)?;
                prop_assert_eq!((ip.src, ip.dst, ip.len), (p.dst, p.src, whole.len()));
                prop_assert_eq!(&whole[ip.l4_off..ip.l4_off + 4], &[dport.to_be_bytes(), sport.to_be_bytes()].concat()[..]);
                prop_assert_eq!(&whole[ip.l4_off + 8..], &payload[..]);
            }
            Err(Refusal::Port) => prop_assert!(sport == dport),
            Err(e) => prop_assert!(false, "well-formed datagram refused: {e}"),
        }
    }

    /// A well-formed packet cut short (the packet as the module sees it ends
    /// early) is never answered.
    #[test]
    fn truncated_never_answered(p in prop_oneof![tcp_packet(), udp_packet()], cut: prop::sample::Index, t in target()) {
        let bytes = p.build();
        let n = cut.index(bytes.len());
        let fam = family(&p.src);
        let mut out = [0u8; MAX_TCP_REPLY];
        prop_assert!(reply::tcp(fam, t, &bytes[..n], n, 1, &mut out).is_err());
        prop_assert!(shim::echo::reply(fam, &bytes[..n], n, &mut out).is_err());
    }

    /// The payload of a well-formed UDP datagram, or the same bytes as
    /// UDP-Lite, is found byte for byte behind IPv4 options or IPv6
    /// extension headers; cut short, it is not found.
    #[test]
    fn udp_payload_found(p in udp_packet(), lite: bool, options in 0usize..4, cut: prop::sample::Index) {
        let mut p = p;
        let fam = family(&p.src);
        match fam {
            Family::V4 => p.ipv4_options = vec![1; options * 4],
            Family::V6 => p.ext_headers = vec![(proto::DSTOPTS, vec![1, 4, 0, 0, 0, 0]); options],
        }
        let L4::Udp { ref payload, .. } = p.l4 else { unreachable!() };
        let payload = payload.clone();
        let mut bytes = p.build();
        let l4_off = bytes.len() - payload.len() - udp::HEADER_LEN;
        if lite {
            let l4 = bytes[l4_off..].to_vec();
            p.l4 = L4::Raw(proto::UDPLITE, l4);
            bytes = p.build();
        }
        let found = udp::payload(fam, &bytes, bytes.len()).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(found.proto, if lite { proto::UDPLITE } else { proto::UDP });
        prop_assert_eq!(found.l4_off, l4_off);
        prop_assert_eq!(&bytes[found.payload], &payload[..]);
        let n = cut.index(bytes.len());
        prop_assert!(udp::payload(fam, &bytes[..n], n).is_err());
    }

    /// A corrupted L4 checksum changes nothing the shim decides: it is the
    /// module's to verify, at the offset and over the length the reply names.
    #[test]
    fn checksum_range_names_the_original(p in prop_oneof![tcp_packet(), udp_packet()], delta in 1u16..0xffff) {
        let mut bad = p.clone();
        bad.checksum_delta = delta;
        let (good, bad) = (p.build(), bad.build());
        let fam = family(&p.src);
        let mut out = [0u8; MAX_TCP_REPLY];
        if let Ok(r) = shim::echo::reply(fam, &bad, bad.len(), &mut out) {
            if r.checksum_len == 0 {
                // The delta wrapped the field to 0: an IPv4 datagram without a checksum.
                prop_assert_eq!(fam, Family::V4);
                prop_assert_eq!(&bad[r.l4_off + 6..r.l4_off + 8], &[0u8, 0][..]);
            } else {
                let range = r.l4_off..r.l4_off + r.checksum_len;
                prop_assert!(!craft::l4_checksum_ok(&p.src, &p.dst, proto::UDP, &bad[range.clone()]));
                prop_assert!(craft::l4_checksum_ok(&p.src, &p.dst, proto::UDP, &good[range]));
            }
        }
        if let Ok(r) = reply::tcp(fam, TcpTarget::Delude, &bad, bad.len(), 1, &mut out) {
            prop_assert!(!craft::l4_checksum_ok(&p.src, &p.dst, proto::TCP, &bad[r.l4_off..r.l4_off + r.checksum_len]));
        }
    }
}
