// SPDX-License-Identifier: GPL-2.0-only
//! Classic BPF filter compiled from the doors, for an AF_PACKET SOCK_DGRAM socket (the packet
//! starts at the network header; the link protocol comes from the SKF_AD_PROTOCOL extension).
//!
//! Accepted: incoming (not PACKET_OUTGOING) IPv4 first fragments or IPv6 packets without extension
//! headers, addressed to one of `addresses`, TCP or UDP to a port some door knocks on. For knockd
//! doors the TCP flags must also pass the door's `tcpflags`, as in knockd's pcap filter;
//! tportknockd doors see every flag combination, since a wrong one breaks their sequence.
//! Everything else is dropped in the kernel and never reaches the ring.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::config::{Door, FlagMatch, Proto};

/// `struct sock_filter`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Insn {
    pub code: u16,
    pub jt: u8,
    pub jf: u8,
    pub k: u32,
}

// Opcodes (linux/bpf_common.h, linux/filter.h).
const LD_W_ABS: u16 = 0x20;
const LD_H_ABS: u16 = 0x28;
const LD_B_ABS: u16 = 0x30;
const LD_H_IND: u16 = 0x48;
const LD_B_IND: u16 = 0x50;
const LD_MEM: u16 = 0x60;
const LDX_IMM: u16 = 0x01;
const LDX_B_MSH: u16 = 0xb1;
const ST: u16 = 0x02;
const AND_K: u16 = 0x54;
const JA: u16 = 0x05;
const JEQ_K: u16 = 0x15;
const JSET_K: u16 = 0x45;
const RET_K: u16 = 0x06;

const SKF_AD_OFF: u32 = 0xffff_f000; // -0x1000
const SKF_AD_PROTOCOL: u32 = SKF_AD_OFF;
const SKF_AD_PKTTYPE: u32 = SKF_AD_OFF + 4;
const PACKET_OUTGOING: u32 = 4;
const ETH_P_IP: u32 = 0x0800;
const ETH_P_IPV6: u32 = 0x86dd;

/// Bytes kept per accepted packet: enough for a 60-byte IPv4 header (or IPv6) plus TCP flags.
pub const SNAPLEN: u32 = 128;
/// Scratch memory slot holding the TCP flags while the port tables run.
const M_FLAGS: u32 = 0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Label(usize);

enum Op {
    Plain(Insn),
    /// Conditional jump: (code, k, jump-if-true, jump-if-false), `None` meaning the next insn.
    Cond(u16, u32, Option<Label>, Option<Label>),
    Jump(Label),
}

/// A tiny assembler with forward labels.
#[derive(Default)]
struct Asm {
    ops: Vec<Op>,
    labels: Vec<Option<usize>>,
}

impl Asm {
    fn label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() - 1)
    }
    fn bind(&mut self, l: Label) {
        self.labels[l.0] = Some(self.ops.len());
    }
    fn op(&mut self, code: u16, k: u32) {
        self.ops.push(Op::Plain(Insn {
            code,
            jt: 0,
            jf: 0,
            k,
        }));
    }
    fn cond(&mut self, code: u16, k: u32, jt: Option<Label>, jf: Option<Label>) {
        self.ops.push(Op::Cond(code, k, jt, jf));
    }
    fn jump(&mut self, l: Label) {
        self.ops.push(Op::Jump(l));
    }
    /// `if test(A, k) goto l` through a long jump, so `l` may be any distance away.
    fn cond_far(&mut self, code: u16, k: u32, l: Label) {
        let skip = self.label();
        self.cond(code, k, None, Some(skip));
        self.jump(l);
        self.bind(skip);
    }
    fn jeq_far(&mut self, k: u32, l: Label) {
        self.cond_far(JEQ_K, k, l);
    }

    fn finish(self) -> Result<Vec<Insn>, String> {
        let target = |l: Label, at: usize| -> Result<usize, String> {
            let to = self.labels[l.0].ok_or("internal error: unbound label")?;
            to.checked_sub(at + 1)
                .ok_or_else(|| "internal error: backward jump".to_string())
        };
        let short = |off: usize| {
            u8::try_from(off)
                .map_err(|_| "filter too large: too many doors share a port".to_string())
        };
        let mut out = Vec::with_capacity(self.ops.len());
        for (at, op) in self.ops.iter().enumerate() {
            out.push(match *op {
                Op::Plain(i) => i,
                Op::Cond(code, k, jt, jf) => {
                    let off = |l: Option<Label>| l.map_or(Ok(0), |l| target(l, at).and_then(short));
                    Insn {
                        code,
                        jt: off(jt)?,
                        jf: off(jf)?,
                        k,
                    }
                }
                Op::Jump(l) => Insn {
                    code: JA,
                    jt: 0,
                    jf: 0,
                    k: u32::try_from(target(l, at)?).map_err(|_| "filter too large".to_string())?,
                },
            });
        }
        if out.len() > 4096 {
            return Err(format!(
                "filter too large ({} instructions, the kernel takes 4096)",
                out.len()
            ));
        }
        Ok(out)
    }
}

/// Flag tests per (protocol, port): an empty list never occurs; `ANY` accepts every flag.
fn port_table(doors: &[Door]) -> BTreeMap<(Proto, u16), Vec<FlagMatch>> {
    let mut table: BTreeMap<(Proto, u16), Vec<FlagMatch>> = BTreeMap::new();
    for door in doors {
        for k in &door.sequence {
            let m = if k.proto == Proto::Udp || door.strict_flags {
                FlagMatch::ANY
            } else {
                k.flags
            };
            let tests = table.entry((k.proto, k.port)).or_default();
            if !tests.contains(&m) {
                tests.push(m);
            }
        }
    }
    for tests in table.values_mut() {
        if tests.contains(&FlagMatch::ANY) {
            *tests = vec![FlagMatch::ANY];
        }
        tests.sort();
    }
    table
}

/// Builds the filter. `addresses` are this host's (and the doors' targets); with none, nothing
/// is accepted. `ipv6` false drops all IPv6 (knockd's -4).
pub fn compile(doors: &[Door], addresses: &[IpAddr], ipv6: bool) -> Result<Vec<Insn>, String> {
    let mut a = Asm::default();
    let (reject, v4, v6, v4_dst_ok, v6_dst_ok, l4, tcp, udp) = (
        a.label(),
        a.label(),
        a.label(),
        a.label(),
        a.label(),
        a.label(),
        a.label(),
        a.label(),
    );

    a.op(LD_W_ABS, SKF_AD_PKTTYPE);
    a.jeq_far(PACKET_OUTGOING, reject);
    a.op(LD_W_ABS, SKF_AD_PROTOCOL);
    a.jeq_far(ETH_P_IP, v4);
    if ipv6 {
        a.jeq_far(ETH_P_IPV6, v6);
    }
    a.jump(reject);

    // IPv4: no later fragments, destination ours, then X = header length, A = protocol.
    a.bind(v4);
    a.op(LD_H_ABS, 6);
    a.cond_far(JSET_K, 0x1fff, reject);
    a.op(LD_W_ABS, 16);
    for addr in addresses {
        if let IpAddr::V4(v) = addr {
            a.jeq_far(u32::from(*v), v4_dst_ok);
        }
    }
    a.jump(reject);
    a.bind(v4_dst_ok);
    a.op(LDX_B_MSH, 0);
    a.op(LD_B_ABS, 9);
    a.jump(l4);

    // IPv6: all four words of the destination, then X = 40, A = next header.
    a.bind(v6);
    if ipv6 {
        for addr in addresses {
            if let IpAddr::V6(v) = addr {
                let next = a.label();
                for (i, word) in v.octets().chunks_exact(4).enumerate() {
                    let word = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
                    a.op(LD_W_ABS, 24 + 4 * i as u32);
                    a.cond(JEQ_K, word, None, Some(next));
                }
                a.jump(v6_dst_ok);
                a.bind(next);
            }
        }
    }
    a.jump(reject);
    a.bind(v6_dst_ok);
    a.op(LDX_IMM, 40);
    a.op(LD_B_ABS, 6);

    a.bind(l4);
    a.jeq_far(6, tcp);
    a.jeq_far(17, udp);
    a.jump(reject);

    let table = port_table(doors);
    for (proto, label) in [(Proto::Tcp, tcp), (Proto::Udp, udp)] {
        a.bind(label);
        if proto == Proto::Tcp {
            a.op(LD_B_IND, 13);
            a.op(ST, M_FLAGS);
        }
        a.op(LD_H_IND, 2);
        for ((_, port), tests) in table.iter().filter(|((p, _), _)| *p == proto) {
            let next = a.label();
            a.cond(JEQ_K, u32::from(*port), None, Some(next));
            for m in tests {
                if *m == FlagMatch::ANY {
                    a.op(RET_K, SNAPLEN);
                } else {
                    let no = a.label();
                    a.op(LD_MEM, M_FLAGS);
                    a.op(AND_K, u32::from(m.mask));
                    a.cond(JEQ_K, u32::from(m.value), None, Some(no));
                    a.op(RET_K, SNAPLEN);
                    a.bind(no);
                }
            }
            if !tests.contains(&FlagMatch::ANY) {
                a.op(RET_K, 0);
            }
            a.bind(next);
        }
        a.jump(reject);
    }
    a.bind(reject);
    a.op(RET_K, 0);
    a.finish()
}

/// Runs a filter the way the kernel does (for the instructions `compile` emits), as the model in
/// tests and fuzzing. `protocol` is the link-layer ethertype, `pkttype` the packet type.
#[cfg(any(test, fuzzing))]
pub fn run(prog: &[Insn], pkt: &[u8], protocol: u16, pkttype: u8) -> u32 {
    let (mut acc, mut x, mut mem, mut pc) = (0u32, 0u32, [0u32; 16], 0usize);
    let load = |off: u32, size: usize| -> Option<u32> {
        match off {
            SKF_AD_PROTOCOL => Some(u32::from(protocol)),
            SKF_AD_PKTTYPE => Some(u32::from(pkttype)),
            _ => {
                let b = pkt.get(off as usize..(off as usize).checked_add(size)?)?;
                Some(b.iter().fold(0u32, |v, &byte| (v << 8) | u32::from(byte)))
            }
        }
    };
    while let Some(i) = prog.get(pc) {
        pc += 1;
        let value = match i.code {
            LD_W_ABS => load(i.k, 4),
            LD_H_ABS => load(i.k, 2),
            LD_B_ABS => load(i.k, 1),
            LD_H_IND => load(x.wrapping_add(i.k), 2),
            LD_B_IND => load(x.wrapping_add(i.k), 1),
            LD_MEM => Some(mem[i.k as usize & 15]),
            AND_K => Some(acc & i.k),
            LDX_IMM => {
                x = i.k;
                continue;
            }
            LDX_B_MSH => {
                x = match load(i.k, 1) {
                    Some(b) => (b & 0xf) * 4,
                    None => return 0,
                };
                continue;
            }
            ST => {
                mem[i.k as usize & 15] = acc;
                continue;
            }
            JA => {
                pc += i.k as usize;
                continue;
            }
            JEQ_K | JSET_K => {
                let taken = if i.code == JEQ_K {
                    acc == i.k
                } else {
                    acc & i.k != 0
                };
                pc += usize::from(if taken { i.jt } else { i.jf });
                continue;
            }
            RET_K => return i.k,
            _ => return 0,
        };
        match value {
            Some(v) => acc = v,
            None => return 0, // out-of-bounds loads end the program with 0, as in the kernel
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;
    use crate::packet::tests::{ipv4_packet, ipv6_packet};

    fn doors() -> Vec<Door> {
        let knockd = config::parse(
            "[o]\nsequence = 7000,8000:udp\ntcpflags = syn,!ack\ncommand = /bin/true\n",
        )
        .unwrap();
        let tport =
            config::parse("<t>\nsequence = tcp:110:x udp:1234\nstart_command = /bin/true\n</t>\n")
                .unwrap();
        knockd.doors.into_iter().chain(tport.doors).collect()
    }

    fn addrs() -> Vec<IpAddr> {
        vec![
            "10.0.0.1".parse().unwrap(),
            "10.0.0.9".parse().unwrap(),
            "fd00::1".parse().unwrap(),
        ]
    }

    #[test]
    fn accepts_exactly_the_candidates() {
        let prog = compile(&doors(), &addrs(), true).unwrap();
        let v4 = |dst: &str, proto, port, flags| {
            run(
                &prog,
                &ipv4_packet("10.0.0.2", dst, proto, port, flags),
                0x0800,
                0,
            )
        };
        assert_eq!(v4("10.0.0.1", 6, 7000, 0x02), SNAPLEN);
        assert_eq!(v4("10.0.0.9", 6, 7000, 0x02), SNAPLEN);
        assert_eq!(v4("10.0.0.1", 6, 7000, 0x12), 0, "ACK excluded by !ack");
        assert_eq!(v4("10.0.0.1", 6, 7000, 0x00), 0, "SYN required");
        assert_eq!(v4("10.0.0.1", 17, 7000, 0), 0, "7000 is TCP only");
        assert_eq!(v4("10.0.0.1", 17, 8000, 0), SNAPLEN);
        assert_eq!(
            v4("10.0.0.1", 6, 110, 0x10),
            SNAPLEN,
            "tportknockd sees every flag"
        );
        assert_eq!(v4("10.0.0.1", 6, 111, 0x02), 0);
        assert_eq!(v4("10.0.0.5", 6, 7000, 0x02), 0, "not our address");
        assert_eq!(
            run(
                &prog,
                &ipv4_packet("10.0.0.2", "10.0.0.1", 6, 7000, 2),
                0x0800,
                4
            ),
            0,
            "outgoing"
        );
        assert_eq!(
            run(
                &prog,
                &ipv4_packet("10.0.0.2", "10.0.0.1", 6, 7000, 2),
                0x0806,
                0
            ),
            0,
            "not IP"
        );
        let mut frag = ipv4_packet("10.0.0.2", "10.0.0.1", 6, 7000, 2);
        frag[7] = 1;
        assert_eq!(run(&prog, &frag, 0x0800, 0), 0, "later fragment");
        let v6 = |dst: &str, port| run(&prog, &ipv6_packet("fd00::2", dst, 17, port, 0), 0x86dd, 0);
        assert_eq!(v6("fd00::1", 1234), SNAPLEN);
        assert_eq!(v6("fd00::1", 1235), 0);
        assert_eq!(v6("fd00::3", 1234), 0);
        let no6 = compile(&doors(), &addrs(), false).unwrap();
        assert_eq!(
            run(
                &no6,
                &ipv6_packet("fd00::2", "fd00::1", 17, 1234, 0),
                0x86dd,
                0
            ),
            0
        );
        assert_eq!(run(&prog, &[0x45, 0], 0x0800, 0), 0, "truncated");
    }

    #[test]
    fn no_addresses_accepts_nothing() {
        let prog = compile(&doors(), &[], true).unwrap();
        assert_eq!(
            run(
                &prog,
                &ipv4_packet("10.0.0.2", "10.0.0.1", 6, 7000, 2),
                0x0800,
                0
            ),
            0
        );
    }

    #[test]
    fn large_configs_compile() {
        let mut text = String::new();
        for d in 0..50 {
            let ports: Vec<String> = (0..32).map(|i| (1000 + d * 32 + i).to_string()).collect();
            text.push_str(&format!(
                "[d{d}]\nsequence = {}\ncommand = /bin/true\n",
                ports.join(",")
            ));
        }
        let many = config::parse(&text).unwrap().doors;
        let prog = compile(&many, &addrs(), true).unwrap();
        assert_eq!(
            run(
                &prog,
                &ipv4_packet("10.0.0.2", "10.0.0.1", 6, 2599, 2),
                0x0800,
                0
            ),
            SNAPLEN
        );
        assert_eq!(
            run(
                &prog,
                &ipv4_packet("10.0.0.2", "10.0.0.1", 6, 2600, 2),
                0x0800,
                0
            ),
            0
        );
    }
}
