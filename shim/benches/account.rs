// SPDX-License-Identifier: GPL-2.0-only
//! Cost of the xt_ACCOUNT decisions the shim makes per packet and rule: classifying the
//! packet's two addresses against the table's network (IPv4: validated once, when the rule
//! is added; IPv6: validated per packet); for IPv6 also hashing each counted address to its
//! bucket. (The counters are added to inline by the kernel module.)

use criterion::{Criterion, criterion_group, criterion_main};
use shim::account::v6::{self, Net6};
use shim::account::classify_masked;
use std::hint::black_box;
use std::time::Duration;

const NET16: (u32, u32) = (0x0a01_0000, 0xffff_0000); // 10.1.0.0/16
const NET64: u128 = 0x2001_0db8_0000_0000_0000_0000_0000_0000; // 2001:db8::/64

fn per_packet(c: &mut Criterion) {
    let mut group = c.benchmark_group("account");
    group.bench_function("classify_inside", |b| {
        b.iter(|| {
            let (addr, mask) = black_box(NET16);
            classify_masked(addr, mask, black_box(0x0a01_0203), black_box(0x0a01_ff01))
        })
    });
    group.bench_function("classify_outside", |b| {
        b.iter(|| {
            let (addr, mask) = black_box(NET16);
            classify_masked(addr, mask, black_box(0x0808_0808), black_box(0x0909_0909))
        })
    });
    group.bench_function("classify6_inside_and_hash", |b| {
        let key = [0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210];
        b.iter(|| {
            let net = Net6::new(black_box(NET64).to_be_bytes(), black_box(64)).ok()?;
            let hits = net.classify(
                black_box(NET64 | 2).to_be_bytes(),
                black_box(NET64 | 0xffff).to_be_bytes(),
            );
            Some(hits.src.map(|a| v6::hash(key, &a))? ^ hits.dst.map(|a| v6::hash(key, &a))?)
        })
    });
    group.bench_function("classify6_outside", |b| {
        b.iter(|| {
            let net = Net6::new(black_box(NET64).to_be_bytes(), black_box(64)).ok();
            net.map(|net| net.classify(black_box([0x20; 16]), black_box([0x30; 16])))
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500));
    targets = per_packet
}
criterion_main!(benches);
