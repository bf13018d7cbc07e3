// SPDX-License-Identifier: GPL-2.0-only
//! Fuzzes `shim::pknock::check_spa` + `on_packet` (knock sequences, SPA, --checkip) with
//! arbitrary rules and packet streams, checking the state invariants and the
//! SPA verdicts against a reference HMAC computed with the crates directly.
#![no_main]

use hmac::{Hmac, KeyInit, Mac};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use shim::pknock::{self, Event, Mode, Packet, Peer, Rule, Status, spa};

#[derive(Arbitrary, Debug)]
enum RuleKind {
    Knock { ports: Vec<u16>, max_time: Option<u8>, strict: bool },
    Spa { port: u16, open: Vec<u8>, close: Vec<u8> },
    CheckIp,
}

#[derive(Arbitrary, Debug)]
struct Step {
    /// Seconds since the previous packet on the monotonic clock (its
    /// absolute value); the wall clock moves by `delta`, so a negative step
    /// sets it back.
    delta: i16,
    dport: u16,
    payload: Option<Vec<u8>>,
    /// Replace the payload by a valid SPA packet: (close secret?, minutes before now).
    forge: Option<(bool, u8)>,
    /// Send from the other address.
    other_src: bool,
}

#[derive(Arbitrary, Debug)]
struct Input {
    kind: RuleKind,
    autoclose: u8,
    v6: bool,
    start: u32,
    steps: Vec<Step>,
}

fn reference_hex(secret: &[u8], src: &[u8], minute: u32) -> Vec<u8> {
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret).expect("any key length");
    mac.update(src);
    mac.update(&minute.to_le_bytes());
    mac.finalize().into_bytes().iter().flat_map(|b| format!("{b:02x}").into_bytes()).collect()
}

/// The minute a payload authenticates for `secret` at `now`, by the reference.
fn reference_minute(secret: &[u8], src: &[u8], payload: &[u8], now: i64) -> Option<u32> {
    if payload.len() != spa::PAYLOAD_LEN {
        return None;
    }
    let current = u32::try_from(now.div_euclid(60)).unwrap_or(if now < 0 { 0 } else { u32::MAX });
    [Some(current), current.checked_sub(1)]
        .into_iter()
        .flatten()
        .find(|&m| reference_hex(secret, src, m) == payload[..spa::HEX_LEN])
}

fuzz_target!(|input: Input| {
    let ports: Vec<u16>;
    let mode = match &input.kind {
        RuleKind::Knock { ports: p, max_time, strict } => {
            ports = p.iter().copied().take(15).collect();
            if ports.is_empty() {
                return;
            }
            Mode::Knock { ports: &ports, max_time: max_time.map(u32::from), strict: *strict }
        }
        RuleKind::Spa { port, open, close } => Mode::Spa { port: *port, open, close },
        RuleKind::CheckIp => Mode::CheckIp,
    };
    let rule = Rule { mode, autoclose: u32::from(input.autoclose) };
    let (src, other): (&[u8], &[u8]) = if input.v6 {
        (&[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2], &[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3])
    } else {
        (&[192, 0, 2, 2], &[192, 0, 2, 3])
    };
    let mut peer = Peer::default();
    let mut now = i64::from(input.start);
    // Monotonic seconds: never back, and unrelated to the wall clock.
    let mut mono = 0i64;
    for step in &input.steps {
        now += i64::from(step.delta);
        mono += i64::from(step.delta.unsigned_abs());
        let mut payload = step.payload.clone();
        if let (Some((close, back)), Mode::Spa { open, close: c, .. }) = (step.forge, rule.mode) {
            let minute = u32::try_from(now.div_euclid(60) - i64::from(back)).unwrap_or(0);
            payload = spa::payload(if close { c } else { open }, src, minute).map(|p| p.to_vec());
        }
        let from = if step.other_src { other } else { src };
        let packet = Packet { src: from, dport: step.dport, payload: payload.as_deref() };
        let before = peer;
        let event = pknock::on_packet(&rule, &mut peer, &packet, &pknock::check_spa(&rule, &packet, now), mono);
        // Autoclose follows the monotonic clock only.
        if event == Event::Expired {
            assert!(rule.autoclose != 0 && mono - before.login > i64::from(rule.autoclose) * 60);
        }

        // Only an allowed peer matches, and a match changes nothing.
        if event == Event::Pass {
            assert_eq!(before.status, Status::Allowed);
            assert_eq!(peer, before);
        }
        match peer.status {
            Status::Init => assert_eq!(peer.knocks, 0, "{event:?}"),
            Status::Matching => assert!(peer.knocks >= 1),
            Status::Allowed => assert!(peer.knocks >= 1),
        }
        // SPA minutes only move forward.
        assert!(peer.open_minute >= before.open_minute && peer.close_minute >= before.close_minute);
        match rule.mode {
            Mode::Knock { ports, .. } => {
                assert!(peer.knocks as usize <= ports.len());
                assert_eq!(peer.status == Status::Allowed && before.status != Status::Allowed, event == Event::Opened);
                if event == Event::Opened {
                    assert_eq!(ports.last(), Some(&step.dport));
                }
            }
            Mode::Spa { port, open, close } => {
                let payload = payload.as_deref().unwrap_or_default();
                if event == Event::Opened {
                    let minute = reference_minute(open, from, payload, now).expect("opened by a valid packet");
                    assert!(step.dport == port && minute > before.open_minute && minute == peer.open_minute);
                } else if before.status != Status::Allowed && step.dport == port && packet.payload.is_some() {
                    // A valid open packet is refused only as a replay.
                    if let Some(minute) = reference_minute(open, from, payload, now) {
                        assert!(minute <= before.open_minute && event == Event::SpaReplay);
                    }
                }
                if event == Event::Opened {
                    // Replay: close the peer (with this minute's close packet), then resend the
                    // accepted open packet: it must not open again.
                    let mut probe = peer;
                    if let Some(close_packet) = spa::payload(close, from, spa::minute_of(now)) {
                        let closing = Packet { payload: Some(&close_packet), ..packet };
                        pknock::on_packet(&rule, &mut probe, &closing, &pknock::check_spa(&rule, &closing, now), mono);
                    }
                    let again = pknock::on_packet(&rule, &mut probe, &packet, &pknock::check_spa(&rule, &packet, now), mono);
                    assert_ne!(again, Event::Opened, "replayed open packet accepted");
                }
                if event == Event::Closed {
                    let minute = reference_minute(close, from, payload, now).expect("closed by a valid packet");
                    assert!(minute > before.close_minute && before.status == Status::Allowed);
                }
            }
            Mode::CheckIp => {
                assert!(matches!(event, Event::None | Event::Pass | Event::Expired));
                if before.status != Status::Allowed {
                    assert_eq!(peer, before);
                }
            }
        }
    }
});
