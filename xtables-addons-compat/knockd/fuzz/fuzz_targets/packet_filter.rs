// SPDX-License-Identifier: GPL-2.0-only
//! Fuzzes the capture path: the kernel filter (run by `bpf::run`, the model of the kernel's
//! interpreter) and the userspace parser must agree on which well-formed packets are knock
//! candidates, and
//! the tracker must stay within its capacity on any packet stream.
#![no_main]

use std::net::IpAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use knockd::bpf;
use knockd::config::{self, Door, Proto};
use knockd::packet;
use knockd::tracker::Tracker;
use libfuzzer_sys::fuzz_target;

const CONFIG: &str = "\
[syn]
sequence = 7000,8000:udp,9000
tcpflags = syn,!ack
[any]
sequence = 7000:udp,1
[v6target]
sequence = 2,3
target = fd00::9
";
const TPORT: &str = "<flags>\nsequence = tcp:110:x tcp:110:up tcp:7000:n udp:53\nstart_command = /bin/true\n</flags>\n";

struct Setup {
    doors: Vec<Door>,
    addresses: Vec<IpAddr>,
    filter: Vec<bpf::Insn>,
}

fn setup() -> &'static Setup {
    static S: OnceLock<Setup> = OnceLock::new();
    S.get_or_init(|| {
        let mut doors = config::parse(CONFIG).unwrap().doors;
        doors.extend(config::parse(TPORT).unwrap().doors);
        let addresses: Vec<IpAddr> = ["10.0.0.1", "192.168.1.1", "fd00::1", "fd00::9"].iter().map(|a| a.parse().unwrap()).collect();
        let filter = bpf::compile(&doors, &addresses, true).unwrap();
        Setup { doors, addresses, filter }
    })
}

/// Whether userspace would consider the packet at all: the filter's contract.
fn candidate(s: &Setup, bytes: &[u8]) -> bool {
    let Some(p) = packet::parse(bytes) else { return false };
    s.addresses.contains(&p.dst)
        && s.doors.iter().any(|d| d.relevant(p.proto, p.dport, p.flags))
}

fuzz_target!(|data: &[u8]| {
    let s = setup();
    // First byte picks the ethertype, the rest is the packet from its network header.
    let Some((&sel, bytes)) = data.split_first() else { return };
    let ethertype = match sel % 3 {
        0 => 0x0800,
        1 => 0x86dd,
        _ => 0x0806,
    };
    let verdict = bpf::run(&s.filter, bytes, ethertype, 0);
    let version = bytes.first().map(|b| b >> 4);
    // The filter trusts the link-layer type; the parser looks at the version nibble. Compare only
    // where they agree.
    let consistent = matches!((ethertype, version), (0x0800, Some(4)) | (0x86dd, Some(6)));
    if consistent && packet::parse(bytes).is_some() {
        // Malformed packets (which the parser refuses) may pass the filter: it is a first cut, and
        // userspace checks every length. Well-formed ones must be judged alike by both.
        let accepted = verdict != 0;
        assert_eq!(accepted, candidate(s, bytes), "filter and parser disagree: accepted={accepted}");
        if accepted {
            // What the ring hands us is cut to SNAPLEN bytes: still enough to parse.
            assert!(packet::parse(&bytes[..bytes.len().min(bpf::SNAPLEN as usize)]).is_some());
        }
    } else if ethertype == 0x0806 {
        assert_eq!(verdict, 0, "non-IP accepted");
    }

    // Any stream of parsed packets keeps the tracker within bounds.
    let mut t = Tracker::new(4);
    let mut out = Vec::new();
    let base = Instant::now();
    for (i, chunk) in bytes.chunks(3).enumerate() {
        let [a, b, c] = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let p = knockd::tracker::Packet {
            src: IpAddr::from([10, 0, 0, a % 8]),
            dst: IpAddr::from([10, 0, 0, 1]),
            proto: if b & 1 == 0 { Proto::Tcp } else { Proto::Udp },
            dport: [1, 2, 3, 53, 110, 7000, 8000, 9000][usize::from(b >> 5)],
            flags: c & 0x3f,
        };
        t.on_packet(&s.doors, &p, true, base + Duration::from_millis(i as u64 * 100), &mut out);
        assert!(t.stats().tracked <= 4);
    }
});
