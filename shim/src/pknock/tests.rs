// SPDX-License-Identifier: GPL-2.0-only
use super::*;
use proptest::prelude::*;
use std::process::Command;

const SSH: [u16; 3] = [4002, 4001, 4004];
const V4: &[u8] = &[127, 0, 0, 2];
const V6: &[u8] = &[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
const OPEN: &[u8] = b"foo";
const CLOSE: &[u8] = b"bar";
/// 2026-11-28 08:00:00 UTC, on a minute boundary.
const T0: i64 = 1_795_852_800;

fn ssh(strict: bool) -> Rule<'static> {
    Rule {
        mode: Mode::Knock {
            ports: &SSH,
            max_time: Some(10),
            strict,
        },
        autoclose: 60,
    }
}

fn spa_rule() -> Rule<'static> {
    Rule {
        mode: Mode::Spa {
            port: 4000,
            open: OPEN,
            close: CLOSE,
        },
        autoclose: 1,
    }
}

/// Both calls for one packet, with the wall clock and the monotonic clock equal.
fn run(rule: &Rule<'_>, peer: &mut Peer, packet: &Packet<'_>, now: i64) -> Event {
    on_packet(rule, peer, packet, &check_spa(rule, packet, now), now)
}

fn tcp(dport: u16) -> Packet<'static> {
    Packet {
        src: V4,
        dport,
        payload: None,
    }
}

/// Knocks `ports` one second apart from `start`; returns the events.
fn knocks(rule: &Rule<'_>, peer: &mut Peer, ports: &[u16], start: i64) -> Vec<Event> {
    (0i64..)
        .zip(ports)
        .map(|(i, &port)| run(rule, peer, &tcp(port), start + i))
        .collect()
}

#[test]
fn upstream_example_sequence_opens() {
    let mut peer = Peer::default();
    let events = knocks(&ssh(true), &mut peer, &SSH, T0);
    assert_eq!(events, [Event::Progress, Event::Progress, Event::Opened]);
    assert_eq!(
        (peer.status, peer.knocks, peer.login),
        (Status::Allowed, 3, T0 + 2)
    );
    assert!(run(&ssh(true), &mut peer, &tcp(22), T0 + 3).matches());
}

#[test]
fn wrong_order_does_not_open() {
    for strict in [true, false] {
        let mut peer = Peer::default();
        knocks(&ssh(strict), &mut peer, &[4001, 4002, 4004], T0);
        assert_ne!(peer.status, Status::Allowed, "strict={strict}");
        assert!(!run(&ssh(strict), &mut peer, &tcp(22), T0 + 5).matches());
    }
}

#[test]
fn stray_port_resets_only_in_strict_mode() {
    let mut peer = Peer::default();
    let events = knocks(&ssh(true), &mut peer, &[4002, 4001, 9999, 4004], T0);
    assert_eq!(
        events,
        [Event::Progress, Event::Progress, Event::Reset, Event::None]
    );
    assert_eq!(peer.status, Status::Init);

    let mut peer = Peer::default();
    let events = knocks(&ssh(false), &mut peer, &[4002, 4001, 9999, 4004], T0);
    assert_eq!(
        events,
        [Event::Progress, Event::Progress, Event::None, Event::Opened]
    );
}

#[test]
fn strict_restart_on_first_port_counts_as_first_knock() {
    let mut peer = Peer::default();
    let events = knocks(&ssh(true), &mut peer, &[4002, 4002, 4001, 4004], T0);
    assert_eq!(
        events,
        [
            Event::Progress,
            Event::Progress,
            Event::Progress,
            Event::Opened
        ]
    );
}

#[test]
fn too_slow_does_not_open_even_on_the_last_knock() {
    let rule = ssh(true);
    let mut peer = Peer::default();
    run(&rule, &mut peer, &tcp(4002), T0);
    run(&rule, &mut peer, &tcp(4001), T0 + 10);
    assert_eq!(run(&rule, &mut peer, &tcp(4004), T0 + 21), Event::Reset);
    assert_eq!(peer.status, Status::Init);
    // Exactly at the limit is still in time.
    let mut peer = Peer::default();
    let events: Vec<_> = [(4002, T0), (4001, T0 + 10), (4004, T0 + 20)]
        .into_iter()
        .map(|(port, t)| run(&rule, &mut peer, &tcp(port), t))
        .collect();
    assert_eq!(events.last(), Some(&Event::Opened));
}

#[test]
fn timed_out_sequence_can_start_again_at_once() {
    let rule = ssh(true);
    let mut peer = Peer::default();
    run(&rule, &mut peer, &tcp(4002), T0);
    let events = knocks(&rule, &mut peer, &SSH, T0 + 100);
    assert_eq!(events, [Event::Progress, Event::Progress, Event::Opened]);
}

#[test]
fn autoclose_closes() {
    let rule = Rule {
        autoclose: 1,
        ..ssh(true)
    };
    let mut peer = Peer::default();
    knocks(&rule, &mut peer, &SSH, T0);
    let login = peer.login;
    assert_eq!(run(&rule, &mut peer, &tcp(22), login + 60), Event::Pass);
    assert!(peer.worth_keeping(10, 1, login + 60, login + 60));
    assert!(!peer.worth_keeping(10, 1, login + 61, login + 61));
    assert_eq!(run(&rule, &mut peer, &tcp(22), login + 61), Event::Expired);
    assert_eq!(peer.status, Status::Init);
    assert_eq!(run(&rule, &mut peer, &tcp(22), login + 62), Event::None);
}

#[test]
fn no_autoclose_stays_open() {
    let rule = Rule {
        autoclose: 0,
        ..ssh(true)
    };
    let mut peer = Peer::default();
    knocks(&rule, &mut peer, &SSH, T0);
    assert!(run(&rule, &mut peer, &tcp(22), T0 + 10_000_000).matches());
    assert!(peer.worth_keeping(10, 0, T0 + 10_000_000, T0 + 10_000_000));
}

#[test]
fn checkip_only_checks() {
    let check = Rule {
        mode: Mode::CheckIp,
        autoclose: 60,
    };
    let mut peer = Peer::default();
    for port in SSH {
        assert_eq!(run(&check, &mut peer, &tcp(port), T0), Event::None);
    }
    assert_eq!(peer, Peer::default());
    knocks(&ssh(true), &mut peer, &SSH, T0);
    assert!(run(&check, &mut peer, &tcp(21), T0 + 5).matches());
    assert_eq!(run(&check, &mut peer, &tcp(21), T0 + 3700), Event::Expired);
}

#[test]
fn matching_peer_expires_after_max_time() {
    let mut peer = Peer::default();
    run(&ssh(true), &mut peer, &tcp(4002), T0);
    assert!(peer.worth_keeping(10, 60, T0 + 10, T0 + 10));
    assert!(!peer.worth_keeping(10, 60, T0 + 11, T0 + 11));
    assert!(!Peer::default().worth_keeping(10, 60, T0, T0));
}

fn spa(secret: &[u8], src: &[u8], minute: u32) -> [u8; spa::PAYLOAD_LEN] {
    spa::payload(secret, src, minute).expect("4- or 16-byte source")
}

fn udp<'a>(src: &'a [u8], payload: &'a [u8]) -> Packet<'a> {
    Packet {
        src,
        dport: 4000,
        payload: Some(payload),
    }
}

#[test]
fn spa_open_close_and_replay() {
    for src in [V4, V6] {
        let rule = spa_rule();
        let minute = spa::minute_of(T0);
        let open = spa(OPEN, src, minute);
        let close = spa(CLOSE, src, minute);
        let mut peer = Peer::default();
        // A close packet does nothing while the peer is not allowed.
        assert_eq!(
            run(&rule, &mut peer, &udp(src, &close), T0),
            Event::SpaDigest
        );
        assert_eq!(
            run(&rule, &mut peer, &udp(src, &open), T0 + 1),
            Event::Opened
        );
        assert_eq!(run(&rule, &mut peer, &udp(src, &open), T0 + 2), Event::Pass);
        assert_eq!(
            run(&rule, &mut peer, &udp(src, &close), T0 + 3),
            Event::Closed
        );
        assert_eq!(peer.status, Status::Init);
        assert_eq!(
            run(&rule, &mut peer, &udp(src, &open), T0 + 4),
            Event::SpaReplay
        );
        assert!(
            peer.worth_keeping(0, 1, T0 + 119, T0 + 119),
            "replay memory kept"
        );
        assert!(!peer.worth_keeping(0, 1, T0 + 120, T0 + 120));
        // Next minute: a new packet opens again; the old close is a replay.
        let open2 = spa(OPEN, src, minute + 1);
        assert_eq!(
            run(&rule, &mut peer, &udp(src, &open2), T0 + 61),
            Event::Opened
        );
        assert_eq!(
            run(&rule, &mut peer, &udp(src, &close), T0 + 62),
            Event::Pass
        );
    }
}

#[test]
fn spa_minute_window() {
    let rule = spa_rule();
    let minute = spa::minute_of(T0);
    let open = spa(OPEN, V4, minute);
    for (now, want) in [
        (T0 - 1, Event::SpaDigest),
        (T0, Event::Opened),
        (T0 + 119, Event::Opened),
        (T0 + 120, Event::SpaDigest),
    ] {
        let mut peer = Peer::default();
        assert_eq!(
            run(&rule, &mut peer, &udp(V4, &open), now),
            want,
            "now={now}"
        );
    }
}

#[test]
fn spa_refusals() {
    let rule = spa_rule();
    let minute = spa::minute_of(T0);
    let good = spa(OPEN, V4, minute);
    let cases: [(&[u8], &[u8], Event); 6] = [
        (V4, &spa(b"wrong", V4, minute), Event::SpaDigest),
        (&[127, 0, 0, 3], &good, Event::SpaDigest),
        (V4, &good[..64], Event::SpaLength),
        (V4, &[good.as_slice(), b"x"].concat(), Event::SpaLength),
        (V4, &[b'z'; 65], Event::SpaDigest),
        (V4, &good.map(|b| b.to_ascii_uppercase()), Event::SpaDigest),
    ];
    for (src, payload, want) in cases {
        let mut peer = Peer::default();
        assert_eq!(run(&rule, &mut peer, &udp(src, payload), T0), want);
        assert_eq!(peer, Peer::default(), "a refused packet leaves no state");
    }
    // Wrong port or TCP: not an SPA packet at all.
    let mut peer = Peer::default();
    let other = Packet {
        dport: 4001,
        ..udp(V4, &good)
    };
    assert_eq!(run(&rule, &mut peer, &other, T0), Event::None);
    assert_eq!(
        run(
            &rule,
            &mut peer,
            &Packet {
                payload: None,
                ..udp(V4, &good)
            },
            T0
        ),
        Event::None
    );
}

#[test]
fn spa_last_byte_is_ignored() {
    let mut payload = spa(OPEN, V4, spa::minute_of(T0));
    payload[64] = 0xff;
    assert_eq!(
        spa::verify(OPEN, V4, &payload, T0),
        Some(spa::minute_of(T0))
    );
}

#[test]
fn minute_of_edges() {
    assert_eq!(spa::minute_of(-1), 0);
    assert_eq!(spa::minute_of(59), 0);
    assert_eq!(spa::minute_of(60), 1);
    assert_eq!(spa::minute_of(i64::MAX), u32::MAX);
    assert_eq!(spa::expected_hex(OPEN, &[1, 2, 3], 0), None);
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// RFC 4231 test cases 1, 2, 3, 4, 6, 7 (case 5 is truncated output).
#[test]
fn hmac_sha256_rfc4231() {
    let big_key = [0xaa; 131];
    let cases: [(&[u8], &[u8], &str); 6] = [
        (&[0x0b; 20], b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (b"Jefe", b"what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (&[0xaa; 20], &[0xdd; 50], "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (&unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"), &[0xcd; 50], "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        (&big_key, b"Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (&big_key, b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.", "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ];
    for (key, data, want) in cases {
        assert_eq!(
            spa::hmac_sha256(key, &[data]).unwrap().to_vec(),
            unhex(want)
        );
    }
}

/// An independent implementation: Python's hmac module.
#[test]
fn spa_payload_matches_python() {
    for (src, minute) in [(V4, 29_930_880u32), (V6, 1)] {
        let script = format!(
            "import hmac,hashlib,struct,sys;print(hmac.new(b'foo', bytes.fromhex('{}') + struct.pack('<I', {minute}), hashlib.sha256).hexdigest())",
            src.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let out = Command::new("/usr/bin/python3")
            .args(["-c", &script])
            .output()
            .expect("python3");
        assert!(out.status.success(), "{out:?}");
        let mut want = out.stdout;
        assert_eq!(want.len(), 65);
        assert_eq!(spa(OPEN, src, minute).as_slice(), want.as_slice());
        want[64] = b'x';
        assert_eq!(
            spa::verify(OPEN, src, &want, i64::from(minute) * 60),
            Some(minute)
        );
    }
}

fn arb_rule() -> impl Strategy<Value = (Vec<u16>, bool, u32)> {
    (
        proptest::collection::vec(4000u16..4004, 1..5),
        any::<bool>(),
        1u32..20,
    )
}

proptest! {
    /// Strict mode opens exactly when the last ports knocked, each within
    /// the time limit of the previous one, are the sequence.
    #[test]
    fn strict_opens_only_on_the_sequence(
        (ports, _, max_time) in arb_rule(),
        steps in proptest::collection::vec((4000u16..4005, 0i64..25), 0..40),
    ) {
        let rule = Rule { mode: Mode::Knock { ports: &ports, max_time: Some(max_time), strict: true }, autoclose: 0 };
        let mut peer = Peer::default();
        let mut now = T0;
        let mut history: Vec<(u16, i64)> = Vec::new();
        for (dport, gap) in steps {
            now += gap;
            history.push((dport, now));
            let was_allowed = peer.status == Status::Allowed;
            let event = run(&rule, &mut peer, &tcp(dport), now);
            prop_assert!(peer.knocks as usize <= ports.len());
            if was_allowed {
                prop_assert_eq!(event, Event::Pass);
                continue;
            }
            if event == Event::Opened {
                let tail = &history[history.len() - ports.len()..];
                prop_assert!(tail.iter().map(|h| h.0).eq(ports.iter().copied()));
                prop_assert!(tail.windows(2).all(|w| w[1].1 - w[0].1 <= i64::from(max_time)));
            }
        }
    }

    /// Arbitrary packets never panic, and a refused SPA packet never changes the peer.
    #[test]
    fn arbitrary_spa_payloads(payload in proptest::collection::vec(any::<u8>(), 0..80), now in any::<i64>(), src6 in any::<bool>()) {
        let src = if src6 { V6 } else { V4 };
        let mut peer = Peer::default();
        let event = run(&spa_rule(), &mut peer, &udp(src, &payload), now);
        prop_assert!(matches!(event, Event::SpaLength | Event::SpaDigest));
        prop_assert_eq!(peer, Peer::default());
    }

    /// A payload is accepted from its minute's start until the end of the next minute, never outside.
    /// (Up to u32::MAX - 2: later clocks saturate to minute u32::MAX, `spa_window_saturates`.)
    #[test]
    fn spa_window(minute in 1u32..u32::MAX - 1, offset in -200i64..200) {
        let payload = spa(OPEN, V4, minute);
        let now = i64::from(minute) * 60 + offset;
        let accepted = spa::verify(OPEN, V4, &payload, now).is_some();
        prop_assert_eq!(accepted, (0..120).contains(&offset));
    }
}

/// Past minute u32::MAX (the year 10136) the clock stays at that minute: its payload and the one
/// before are accepted, an earlier one is not.
#[test]
fn spa_window_saturates() {
    let now = (i64::from(u32::MAX) + 10) * 60;
    for (minute, accepted) in [(u32::MAX, true), (u32::MAX - 1, true), (u32::MAX - 2, false)] {
        assert_eq!(spa::verify(OPEN, V4, &spa(OPEN, V4, minute), now).is_some(), accepted, "minute {minute}");
    }
}

/// Seconds since boot when the tests' wall clock reads T0.
const BOOT: i64 = 1_000;

#[test]
fn autoclose_runs_on_the_monotonic_clock() {
    // The wall clock set back an hour after the knock changes nothing.
    let rule = ssh(true);
    let mut peer = Peer::default();
    for (i, &port) in (0i64..).zip(&SSH) {
        let packet = tcp(port);
        on_packet(
            &rule,
            &mut peer,
            &packet,
            &check_spa(&rule, &packet, T0 + i),
            BOOT + i,
        );
    }
    assert_eq!((peer.status, peer.login), (Status::Allowed, BOOT + 2));
    let wall_back = T0 - 3600;
    assert!(peer.worth_keeping(10, 60, BOOT + 2 + 3600, wall_back));
    assert!(!peer.worth_keeping(10, 60, BOOT + 2 + 3601, wall_back));
    assert_eq!(
        on_packet(&rule, &mut peer, &tcp(22), &Spa::default(), BOOT + 2 + 3601),
        Event::Expired
    );
}

#[test]
fn spa_minutes_run_on_the_wall_clock() {
    let rule = spa_rule();
    let minute = spa::minute_of(T0);
    let open = spa(OPEN, V4, minute);
    let packet = udp(V4, &open);
    let verdict = check_spa(&rule, &packet, T0);
    assert_eq!(
        verdict,
        Spa {
            open: Some(minute),
            close: None
        }
    );
    let mut peer = Peer::default();
    assert_eq!(
        on_packet(&rule, &mut peer, &packet, &verdict, BOOT),
        Event::Opened
    );
    assert_eq!((peer.login, peer.open_minute), (BOOT, minute));
    // Autoclose (1 minute) on the monotonic clock, whatever the wall clock says.
    assert!(peer.worth_keeping(0, 1, BOOT + 60, T0));
    assert_eq!(
        on_packet(&rule, &mut peer, &tcp(22), &Spa::default(), BOOT + 61),
        Event::Expired
    );
    // The spent minute is remembered while the wall clock could replay it.
    assert!(peer.worth_keeping(0, 1, BOOT + 10_000, T0 + 119));
    assert!(!peer.worth_keeping(0, 1, BOOT, T0 + 120));
}

#[test]
fn check_spa_verdicts() {
    let rule = spa_rule();
    let minute = spa::minute_of(T0);
    let open = spa(OPEN, V4, minute);
    let close = spa(CLOSE, V4, minute - 1);
    let at = |dport, payload: &[u8]| {
        let packet = Packet {
            dport,
            ..udp(V4, payload)
        };
        check_spa(&rule, &packet, T0)
    };
    assert_eq!(
        at(4000, &open),
        Spa {
            open: Some(minute),
            close: None
        }
    );
    assert_eq!(
        at(4001, &open),
        Spa::default(),
        "open only on the rule's port"
    );
    assert_eq!(
        at(4000, &close),
        Spa {
            open: None,
            close: Some(minute - 1)
        }
    );
    assert_eq!(
        at(22, &close),
        Spa {
            open: None,
            close: Some(minute - 1)
        }
    );
    assert_eq!(at(4000, &open[..64]), Spa::default());
    // Not an SPA rule, or no payload: nothing to verify.
    assert_eq!(check_spa(&ssh(true), &udp(V4, &open), T0), Spa::default());
    assert_eq!(check_spa(&rule, &tcp(4000), T0), Spa::default());
    // The same secret for both: one verification serves both.
    let same = Rule {
        mode: Mode::Spa {
            port: 4000,
            open: OPEN,
            close: OPEN,
        },
        autoclose: 0,
    };
    assert_eq!(
        check_spa(&same, &udp(V4, &open), T0),
        Spa {
            open: Some(minute),
            close: Some(minute)
        }
    );
}

#[test]
fn a_close_packet_closes_from_any_port() {
    let rule = spa_rule();
    let minute = spa::minute_of(T0);
    let mut peer = Peer::default();
    assert_eq!(
        run(&rule, &mut peer, &udp(V4, &spa(OPEN, V4, minute)), T0),
        Event::Opened
    );
    let close = spa(CLOSE, V4, minute);
    let packet = Packet {
        dport: 53,
        ..udp(V4, &close)
    };
    assert_eq!(run(&rule, &mut peer, &packet, T0 + 1), Event::Closed);
}

mod fields {
    use super::*;
    use crate::craft::{L4, Packet as Crafted};
    use crate::packet::{Addr, Family, proto};
    use locate::{Fields, Skip};

    const A: Addr = Addr::V4([127, 0, 0, 2]);
    const B: Addr = Addr::V4([127, 0, 0, 1]);
    const A6: Addr = Addr::V6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    const B6: Addr = Addr::V6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

    fn at(rule: &Rule<'_>, family: Family, p: &Crafted) -> Result<Fields, Skip> {
        let bytes = p.build();
        locate::locate(rule, family, &bytes, bytes.len())
    }

    #[test]
    fn knock_rule_reads_ports_only() {
        let rule = ssh(true);
        let first = at(&rule, Family::V4, &Crafted::tcp(A, B, 40000, 4002, 0x02)).unwrap();
        assert_eq!(
            first,
            Fields {
                src: A,
                proto: proto::TCP,
                dport: 4002,
                spa_payload: None,
                may_start: true
            }
        );
        let other = at(
            &rule,
            Family::V4,
            &Crafted::udp(A, B, 40000, 4001, &[0; 65]),
        )
        .unwrap();
        assert_eq!(
            (other.proto, other.dport, other.spa_payload, other.may_start),
            (proto::UDP, 4001, None, false)
        );
        let v6 = at(&rule, Family::V6, &Crafted::tcp(A6, B6, 40000, 4002, 0x02)).unwrap();
        assert_eq!((v6.src, v6.may_start), (A6, true));
    }

    #[test]
    fn spa_rule_reads_only_spa_sized_payloads() {
        let rule = spa_rule();
        let to_port = at(
            &rule,
            Family::V4,
            &Crafted::udp(A, B, 40000, 4000, &[b'a'; 65]),
        )
        .unwrap();
        assert_eq!(
            (to_port.spa_payload, to_port.may_start),
            (Some(28..93), true)
        );
        // A close packet may come to any port; it starts nothing.
        let elsewhere = at(
            &rule,
            Family::V4,
            &Crafted::udp(A, B, 40000, 53, &[b'a'; 65]),
        )
        .unwrap();
        assert_eq!(
            (elsewhere.spa_payload, elsewhere.may_start),
            (Some(28..93), false)
        );
        for len in [0, 20, 64, 66, 1000] {
            let f = at(
                &rule,
                Family::V4,
                &Crafted::udp(A, B, 40000, 4000, &vec![b'a'; len]),
            )
            .unwrap();
            assert_eq!((f.spa_payload, f.may_start), (None, false), "{len} bytes");
        }
        let tcp = at(&rule, Family::V4, &Crafted::tcp(A, B, 40000, 4000, 0x02)).unwrap();
        assert_eq!((tcp.spa_payload, tcp.may_start), (None, false));
        let check = Rule {
            mode: Mode::CheckIp,
            autoclose: 0,
        };
        let f = at(
            &check,
            Family::V4,
            &Crafted::udp(A, B, 40000, 4000, &[b'a'; 65]),
        )
        .unwrap();
        assert_eq!((f.spa_payload, f.may_start), (None, false));
    }

    #[test]
    fn udp_length_field_and_udplite() {
        let rule = spa_rule();
        // The field bounds the payload when it can be right (link padding after it)...
        let mut p = Crafted::udp(A, B, 40000, 4000, &[b'a'; 80]);
        p.udp_len = Some(8 + 65);
        assert_eq!(at(&rule, Family::V4, &p).unwrap().spa_payload, Some(28..93));
        // ... else the payload runs to the end of the packet.
        for field in [0, 7, 8 + 81] {
            let mut p = Crafted::udp(A, B, 40000, 4000, &[b'a'; 65]);
            p.udp_len = Some(field);
            assert_eq!(
                at(&rule, Family::V4, &p).unwrap().spa_payload,
                Some(28..93),
                "field {field}"
            );
        }
        // UDP-Lite: the field is checksum coverage; the payload is the rest.
        let mut lite = vec![0x9c, 0x40, 0x0f, 0xa0, 0, 8, 0, 0];
        lite.extend_from_slice(&[b'a'; 65]);
        let f = at(
            &rule,
            Family::V6,
            &Crafted {
                l4: L4::Raw(proto::UDPLITE, lite),
                ..Crafted::tcp(A6, B6, 1, 1, 0)
            },
        )
        .unwrap();
        assert_eq!(
            (f.proto, f.dport, f.spa_payload, f.may_start),
            (proto::UDPLITE, 4000, Some(48..113), true)
        );
    }

    #[test]
    fn extension_headers_and_fragments() {
        let rule = ssh(true);
        let mut p = Crafted::tcp(A6, B6, 40000, 4002, 0x02);
        p.ext_headers = vec![(0, vec![0; 6]), (60, vec![0; 14])];
        assert_eq!(at(&rule, Family::V6, &p).unwrap().dport, 4002);
        // A first fragment carries its ports; a later one has none.
        for family_packet in [
            (Family::V4, Crafted::tcp(A, B, 40000, 4002, 0x02)),
            (Family::V6, Crafted::tcp(A6, B6, 40000, 4002, 0x02)),
        ] {
            let (family, mut p) = family_packet;
            p.fragment = Some((0, true));
            assert_eq!(at(&rule, family, &p).unwrap().dport, 4002);
            p.fragment = Some((8, false));
            assert_eq!(at(&rule, family, &p), Err(Skip::Ignore));
        }
    }

    #[test]
    fn unreadable_ports_are_dropped_short_udp_ignored() {
        let rule = ssh(true);
        let raw = |proto, bytes: &[u8]| Crafted {
            l4: L4::Raw(proto, bytes.to_vec()),
            ..Crafted::tcp(A, B, 1, 1, 0)
        };
        for p in [proto::TCP, proto::UDP, proto::UDPLITE] {
            assert_eq!(
                at(&rule, Family::V4, &raw(p, &[0x9c, 0x40, 0x0f])),
                Err(Skip::Unreadable)
            );
        }
        // Ports there but no whole UDP header: no knock, no drop (as before).
        assert_eq!(
            at(
                &rule,
                Family::V4,
                &raw(proto::UDP, &[0x9c, 0x40, 0x0f, 0xa2, 0])
            ),
            Err(Skip::Ignore)
        );
        assert_eq!(
            at(
                &rule,
                Family::V4,
                &raw(proto::TCP, &[0x9c, 0x40, 0x0f, 0xa2])
            )
            .unwrap()
            .dport,
            4002
        );
        assert_eq!(
            at(&rule, Family::V4, &raw(1, &[8, 0, 0, 0, 0, 0, 0, 0])),
            Err(Skip::Ignore)
        );
        // Truncated IP headers: ignored.
        let bytes = Crafted::tcp(A, B, 40000, 4002, 0x02).build();
        assert_eq!(
            locate::locate(&rule, Family::V4, &bytes[..10], 10),
            Err(Skip::Ignore)
        );
    }

    proptest! {
        /// Any bytes: no panic, and the offsets lie within the packet.
        #[test]
        fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200), v6 in any::<bool>(), cut in 0usize..200) {
            let family = if v6 { Family::V6 } else { Family::V4 };
            let head = &bytes[..cut.min(bytes.len())];
            if let Ok(f) = locate::locate(&spa_rule(), family, head, bytes.len()) {
                if let Some(p) = f.spa_payload {
                    prop_assert!(p.end <= bytes.len() && p.len() == spa::PAYLOAD_LEN);
                }
            }
        }
    }
}
