// SPDX-License-Identifier: GPL-2.0-only
//! Cost of authenticating one typical SYSRQ request (what the kernel does per packet).

use criterion::{Criterion, criterion_group, criterion_main};
use shim::hash::Hash;
use shim::sysrq;
use std::hint::black_box;
use std::time::Duration;

const DST: &[u8] = b"192.168.100.200";
const PASSWORD: &[u8] = b"correct horse battery staple";

fn verify_request(c: &mut Criterion) {
    let mut group = c.benchmark_group("sysrq_verify");
    for hash in [Hash::Sha1, Hash::Sha256, Hash::Sha512] {
        let mut buf = [0u8; sysrq::MAX_REQUEST];
        // keys "h", a 10-digit seqno, a 16-character salt.
        let len = sysrq::write_request(
            hash,
            b"h",
            1_764_316_800,
            b"Zx8c2LqP0vW4nB7e",
            DST,
            PASSWORD,
            &mut buf,
        )
        .expect("valid request");
        let request = &buf[..len];
        group.bench_function(hash.name(), |b| {
            b.iter(|| {
                sysrq::verify(
                    black_box(hash),
                    black_box(request),
                    black_box(DST),
                    black_box(PASSWORD),
                )
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // Short runs: the whole `cargo bench -p shim` finishes in about a minute.
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = verify_request
}
criterion_main!(benches);
