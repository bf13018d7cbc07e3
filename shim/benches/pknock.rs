// SPDX-License-Identifier: GPL-2.0-only
//! Per-packet cost of the pknock match: a packet that is not a knock
//! (the common case on a busy server) and a full SPA verification.

use criterion::{Criterion, criterion_group, criterion_main};
use shim::pknock::{self, Event, Mode, Packet, Peer, Rule, spa};
use std::hint::black_box;
use std::time::Duration;

const SRC: &[u8] = &[192, 168, 100, 200];
const NOW: i64 = 1_795_852_800;

fn per_packet(c: &mut Criterion) {
    let mut group = c.benchmark_group("pknock");
    let ports = [4002, 4001, 4004];
    let knock = Rule {
        mode: Mode::Knock {
            ports: &ports,
            max_time: Some(10),
            strict: true,
        },
        autoclose: 60,
    };
    let other = Packet {
        src: SRC,
        dport: 443,
        payload: None,
    };
    group.bench_function("non_knock", |b| {
        b.iter(|| {
            let mut peer = Peer::default();
            let spa = pknock::check_spa(black_box(&knock), black_box(&other), NOW);
            let event =
                pknock::on_packet(black_box(&knock), &mut peer, black_box(&other), &spa, NOW);
            assert_eq!(event, Event::None);
        })
    });
    let spa_rule = Rule {
        mode: Mode::Spa {
            port: 4000,
            open: b"opensecret",
            close: b"closesecret",
        },
        autoclose: 60,
    };
    // Built for the previous minute: the worst case, both minutes are hashed.
    let payload = spa::payload(b"opensecret", SRC, spa::minute_of(NOW) - 1).expect("IPv4 source");
    let open = Packet {
        src: SRC,
        dport: 4000,
        payload: Some(&payload),
    };
    group.bench_function("spa_open_previous_minute", |b| {
        b.iter(|| {
            let mut peer = Peer::default();
            let spa = pknock::check_spa(black_box(&spa_rule), black_box(&open), NOW);
            let event =
                pknock::on_packet(black_box(&spa_rule), &mut peer, black_box(&open), &spa, NOW);
            assert_eq!(event, Event::Opened);
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3));
    targets = per_packet
}
criterion_main!(benches);
