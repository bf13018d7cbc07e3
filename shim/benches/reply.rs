// SPDX-License-Identifier: GPL-2.0-only
//! Cost of the shim's part of answering one packet (what xa_reply.c calls per packet): parse
//! the headers and write the reply's with checksums. A TARPIT SYN (IPv4, IPv6), a TARPIT ACK
//! with 1400 bytes of data (the window the module reads holds only the headers), DELUDE's
//! SYN-ACK, an ECHO reply's headers, and the L4 locator alone on an IPv6 packet with
//! extension headers.

use criterion::{Criterion, criterion_group, criterion_main};
use shim::craft::{L4, Packet};
use shim::packet::{self, Addr, Family, proto, tcp};
use shim::reply::{self, MAX_TCP_REPLY, TcpTarget};
use shim::tarpit::Mode;
use std::hint::black_box;
use std::time::Duration;

/// The window xa_skb_head() reads (XA_SKB_HEAD_MAX).
const HEAD: usize = 256;

fn v6(last: u8) -> Addr {
    let mut a = [0u8; 16];
    a[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
    a[15] = last;
    Addr::V6(a)
}

fn replies(c: &mut Criterion) {
    let v4 = (Addr::V4([192, 0, 2, 1]), Addr::V4([198, 51, 100, 2]));
    let mut data = Packet::tcp(v4.0, v4.1, 40000, 80, tcp::ACK | tcp::PSH);
    if let L4::Tcp { payload, .. } = &mut data.l4 {
        *payload = vec![b'x'; 1400];
    }
    let cases = [
        ("tarpit_syn_v4", Family::V4, TcpTarget::Tarpit(Mode::Tarpit), Packet::tcp(v4.0, v4.1, 40000, 80, tcp::SYN)),
        ("tarpit_syn_v6", Family::V6, TcpTarget::Tarpit(Mode::Tarpit), Packet::tcp(v6(1), v6(2), 40000, 80, tcp::SYN)),
        ("tarpit_data_v4", Family::V4, TcpTarget::Tarpit(Mode::Tarpit), data),
        ("delude_syn_v4", Family::V4, TcpTarget::Delude, Packet::tcp(v4.0, v4.1, 40000, 80, tcp::SYN)),
    ];
    let mut group = c.benchmark_group("reply");
    for (name, family, target, p) in cases {
        let bytes = p.build();
        let head = &bytes[..bytes.len().min(HEAD)];
        let mut out = [0u8; MAX_TCP_REPLY];
        group.bench_function(name, |b| {
            b.iter(|| {
                reply::tcp(black_box(family), target, black_box(head), bytes.len(), 0x1234_5678, &mut out)
            })
        });
    }
    let echo = Packet::udp(v4.0, v4.1, 5000, 7, &[b'e'; 512]).build();
    let mut out = [0u8; MAX_TCP_REPLY];
    group.bench_function("echo_v4", |b| {
        b.iter(|| shim::echo::reply(Family::V4, black_box(&echo[..HEAD]), echo.len(), &mut out))
    });
    let mut ext = Packet::tcp(v6(1), v6(2), 40000, 80, tcp::SYN);
    ext.ext_headers = vec![(proto::HOPOPTS, vec![0; 6]), (proto::DSTOPTS, vec![0; 14])];
    let ext = ext.build();
    group.bench_function("locate_v6_two_ext_headers", |b| {
        b.iter(|| packet::locate(Family::V6, black_box(&ext), ext.len()))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = replies
}
criterion_main!(benches);
