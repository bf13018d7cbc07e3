// SPDX-License-Identifier: GPL-2.0-only
//! Cost of the geoip/asn per-packet lookup: a rule with 10 countries of 3000 ranges each
//! (interleaved over the address space, as real countries are), searched for random
//! addresses three ways:
//! - `per_code_binary`: upstream's method, one binary search per country until one holds the
//!   address (what xt_geoip.c does per packet);
//! - `union_binary`: the countries' union as one sorted list, one binary search;
//! - `union_eytzinger`: the same union in Eytzinger order, our kernel's search.
//!
//! IPv4 and IPv6 (as the kernel stores it: two 64-bit halves) alike. A batch of 4096 addresses per iteration; the figure is per batch.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use shim::geoip::merge::Coalesce;
use shim::geoip::{Addr, Range, eytzinger};
use std::hint::black_box;

const CODES: usize = 10;
const RANGES_PER_CODE: usize = 3000;
const BATCH: usize = 4096;

/// xorshift64*: reproducible addresses without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

trait Wide: Addr {
    fn from_u128(v: u128) -> Self;
    fn random(rng: &mut Rng) -> Self;
}

impl Wide for u32 {
    fn from_u128(v: u128) -> Self {
        v as u32
    }
    fn random(rng: &mut Rng) -> Self {
        rng.next() as u32
    }
}

/// IPv6 as the kernel holds it: two host-order halves.
impl Wide for [u64; 2] {
    fn from_u128(v: u128) -> Self {
        [(v >> 64) as u64, v as u64]
    }
    fn random(rng: &mut Rng) -> Self {
        // Within 2000::/4, where the ranges are, so that both outcomes occur.
        Self::from_u128((0x2u128 << 124) | (u128::from(rng.next()) << 60) | u128::from(rng.next() >> 4))
    }
}

/// Per country, sorted disjoint ranges: the address space (of 2000::/4 for IPv6) cut into
/// 2 * CODES * RANGES_PER_CODE blocks, every second one given to a random country.
fn countries<A: Wide>(rng: &mut Rng) -> Vec<Vec<Range<A>>> {
    let blocks = (2 * CODES * RANGES_PER_CODE) as u128;
    let (base, span) = if A::BYTES == 4 {
        (0, 1u128 << 32)
    } else {
        (0x2u128 << 124, 1u128 << 124)
    };
    let step = span / blocks;
    let mut per_code = vec![Vec::new(); CODES];
    for i in (0..blocks).step_by(2) {
        let begin = base + i * step;
        let code = (rng.next() % CODES as u64) as usize;
        per_code[code].push(Range::new(
            A::from_u128(begin),
            A::from_u128(begin + step - 1),
        ));
    }
    per_code
}

/// Upstream's search of one country (xt_geoip.c's loop, written here for comparison).
fn binary<A: Addr>(ranges: &[Range<A>], addr: A) -> bool {
    let (mut lo, mut hi) = (0, ranges.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        let r = ranges[mid];
        if r.begin <= addr && addr <= r.end {
            return true;
        }
        if r.begin > addr {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    false
}

fn bench_family<A: Wide>(c: &mut Criterion, name: &str) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let per_code = countries::<A>(&mut rng);
    let mut all: Vec<Range<A>> = per_code.iter().flatten().copied().collect();
    all.sort();
    let union: Vec<Range<A>> = Coalesce::new(all.into_iter()).collect();
    let mut begins = vec![A::MIN; union.len() + 1];
    let mut ends = vec![A::MIN; union.len() + 1];
    eytzinger::write(union.iter().copied(), &mut begins, &mut ends).unwrap();
    let addrs: Vec<A> = (0..BATCH).map(|_| A::random(&mut rng)).collect();
    let expected = addrs
        .iter()
        .filter(|&&a| per_code.iter().any(|c| binary(c, a)))
        .count();
    assert!(
        expected > BATCH / 4 && expected < BATCH * 3 / 4,
        "both outcomes occur"
    );

    let mut group = c.benchmark_group(format!("geoip_{name}"));
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("per_code_binary", |b| {
        b.iter(|| {
            let hits = black_box(&addrs)
                .iter()
                .filter(|&&a| per_code.iter().any(|c| binary(c, a)))
                .count();
            assert_eq!(hits, expected);
        })
    });
    group.bench_function("union_binary", |b| {
        b.iter(|| {
            let hits = black_box(&addrs)
                .iter()
                .filter(|&&a| binary(&union, a))
                .count();
            assert_eq!(hits, expected);
        })
    });
    group.bench_function("union_eytzinger", |b| {
        b.iter(|| {
            let hits = black_box(&addrs)
                .iter()
                .filter(|&&a| eytzinger::contains(&begins, &ends, a))
                .count();
            assert_eq!(hits, expected);
        })
    });
    group.finish();
}

fn lookups(c: &mut Criterion) {
    bench_family::<u32>(c, "ipv4");
    bench_family::<[u64; 2]>(c, "ipv6");
}

criterion_group!(benches, lookups);
criterion_main!(benches);
