// SPDX-License-Identifier: GPL-2.0-only
//! Per-source knock state: one attempt per (source address, door), pure and clock-injected.
//!
//! Semantics (per door, independently for every source):
//! - a packet that is not relevant to the door (other protocol or port; for knockd doors also
//!   other TCP flags) changes nothing;
//! - the expected next knock advances the attempt; the last one opens the door;
//! - any other relevant packet ends the attempt, and starts a new one if it is the first knock
//!   (so a knocker who slips just starts again);
//! - an attempt older than the door's timeout (counted from its first knock) is dropped.
//!
//! Memory is bounded by `capacity` attempts. Eviction policy, when a new attempt finds the table
//! full: drop the oldest attempt still at stage 1; attempts that got past the first knock are never
//! evicted, and if all of them did, the new attempt is not tracked. A flood of first knocks from
//! forged sources therefore cannot push out a client who is already in the middle of a sequence,
//! and a client whose whole sequence arrives before `capacity` further first knocks gets in.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use crate::config::{Door, Proto};

/// A candidate knock, already checked to be addressed to this host (or the door's target).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub proto: Proto,
    pub dport: u16,
    pub flags: u8,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// `stage` knocks of the door's sequence done.
    Stage {
        src: IpAddr,
        door: usize,
        stage: usize,
    },
    Open {
        src: IpAddr,
        door: usize,
    },
    /// The sequence was not finished within the door's timeout.
    Timeout {
        src: IpAddr,
        door: usize,
        stage: usize,
    },
    /// A wrong knock ended the attempt.
    Broken {
        src: IpAddr,
        door: usize,
        stage: usize,
    },
}

type Key = (IpAddr, usize);

struct Attempt {
    stage: usize,
    started: Instant,
    id: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub tracked: usize,
    pub evicted: u64,
    pub refused: u64,
}

pub struct Tracker {
    attempts: HashMap<Key, Attempt>,
    /// Stage-1 attempts in creation order; entries whose attempt moved on or went are skipped.
    fresh: VecDeque<(Key, u64)>,
    capacity: usize,
    next_id: u64,
    evicted: u64,
    refused: u64,
}

impl Tracker {
    pub fn new(capacity: usize) -> Self {
        Tracker {
            attempts: HashMap::new(),
            fresh: VecDeque::new(),
            capacity: capacity.max(1),
            next_id: 0,
            evicted: 0,
            refused: 0,
        }
    }

    pub fn stats(&self) -> Stats {
        Stats {
            tracked: self.attempts.len(),
            evicted: self.evicted,
            refused: self.refused,
        }
    }

    /// Feeds one packet; events are appended to `out`.
    pub fn on_packet(
        &mut self,
        doors: &[Door],
        pkt: &Packet,
        dst_is_local: bool,
        now: Instant,
        out: &mut Vec<Event>,
    ) {
        for (index, door) in doors.iter().enumerate() {
            let addressed = match door.target {
                Some(t) => t == pkt.dst,
                None => dst_is_local,
            };
            if addressed && door.relevant(pkt.proto, pkt.dport, pkt.flags) {
                self.step(index, door, pkt, now, out);
            }
        }
    }

    fn step(
        &mut self,
        index: usize,
        door: &Door,
        pkt: &Packet,
        now: Instant,
        out: &mut Vec<Event>,
    ) {
        let src = pkt.src;
        let key = (src, index);
        let hits = |stage: usize| {
            door.sequence
                .get(stage)
                .is_some_and(|k| k.matches(pkt.proto, pkt.dport, pkt.flags))
        };
        if let Some(a) = self.attempts.get_mut(&key) {
            if now.saturating_duration_since(a.started) >= door.seq_timeout {
                out.push(Event::Timeout {
                    src,
                    door: index,
                    stage: a.stage,
                });
                self.attempts.remove(&key);
            } else if hits(a.stage) {
                a.stage += 1;
                out.push(Event::Stage {
                    src,
                    door: index,
                    stage: a.stage,
                });
                if a.stage >= door.sequence.len() {
                    out.push(Event::Open { src, door: index });
                    self.attempts.remove(&key);
                }
                return;
            } else {
                out.push(Event::Broken {
                    src,
                    door: index,
                    stage: a.stage,
                });
                self.attempts.remove(&key);
            }
        }
        if !hits(0) {
            return;
        }
        out.push(Event::Stage {
            src,
            door: index,
            stage: 1,
        });
        if door.sequence.len() == 1 {
            out.push(Event::Open { src, door: index });
            return;
        }
        if self.attempts.len() >= self.capacity && !self.evict_one() {
            self.refused += 1;
            return;
        }
        let id = self.next_id;
        self.next_id += 1;
        self.attempts.insert(
            key,
            Attempt {
                stage: 1,
                started: now,
                id,
            },
        );
        self.fresh.push_back((key, id));
        if self.fresh.len() > 2 * self.capacity + 16 {
            let attempts = &self.attempts;
            self.fresh
                .retain(|(k, id)| attempts.get(k).is_some_and(|a| a.id == *id && a.stage == 1));
        }
    }

    /// Drops the oldest stage-1 attempt; false if there is none.
    fn evict_one(&mut self) -> bool {
        while let Some((key, id)) = self.fresh.pop_front() {
            if self
                .attempts
                .get(&key)
                .is_some_and(|a| a.id == id && a.stage == 1)
            {
                self.attempts.remove(&key);
                self.evicted += 1;
                return true;
            }
        }
        false
    }

    /// Drops expired attempts (reported as timeouts); call about once a second.
    pub fn expire(&mut self, doors: &[Door], now: Instant, out: &mut Vec<Event>) {
        let timeout = |door: usize| doors.get(door).map_or(Duration::ZERO, |d| d.seq_timeout);
        self.attempts.retain(|&(src, door), a| {
            let alive = now.saturating_duration_since(a.started) < timeout(door);
            if !alive {
                out.push(Event::Timeout {
                    src,
                    door,
                    stage: a.stage,
                });
            }
            alive
        });
    }

    /// Forgets every attempt at one door (its sequence changed).
    pub fn forget_door(&mut self, door: usize) {
        self.attempts.retain(|&(_, d), _| d != door);
    }

    /// Forgets everything (the doors were reloaded).
    pub fn clear(&mut self) {
        self.attempts.clear();
        self.fresh.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{self, FlagMatch, Knock, TCP_ACK, TCP_SYN};

    fn knockd_door(ports: &[u16], timeout: u64) -> Door {
        let text = format!(
            "[d]\nsequence = {}\nseq_timeout = {timeout}\ntcpflags = syn\ncommand = /bin/true\n",
            ports
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
        config::parse(&text).unwrap().doors.remove(0)
    }

    fn tport_door(seq: &str) -> Door {
        config::parse(&format!(
            "<d>\nsequence = {seq}\ntimeout = 10\nstart_command = /bin/true\n</d>\n"
        ))
        .unwrap()
        .doors
        .remove(0)
    }

    fn pkt(src: &str, proto: Proto, port: u16, flags: u8) -> Packet {
        Packet {
            src: src.parse().unwrap(),
            dst: "10.0.0.1".parse().unwrap(),
            proto,
            dport: port,
            flags,
        }
    }

    fn syn(src: &str, port: u16) -> Packet {
        pkt(src, Proto::Tcp, port, TCP_SYN)
    }

    /// Feeds packets at the given offsets (ms) and returns the opens.
    fn run(t: &mut Tracker, doors: &[Door], pkts: &[(u64, Packet)]) -> Vec<Event> {
        let base = Instant::now();
        let mut out = Vec::new();
        for (ms, p) in pkts {
            t.on_packet(doors, p, true, base + Duration::from_millis(*ms), &mut out);
        }
        out
    }

    fn opens(events: &[Event]) -> Vec<IpAddr> {
        events
            .iter()
            .filter_map(|e| {
                if let Event::Open { src, .. } = e {
                    Some(*src)
                } else {
                    None
                }
            })
            .collect()
    }

    const A: &str = "10.0.0.2";
    const B: &str = "10.0.0.3";

    #[test]
    fn right_order_opens_with_stages() {
        let doors = [knockd_door(&[7000, 8000, 9000], 10)];
        let mut t = Tracker::new(16);
        let ev = run(
            &mut t,
            &doors,
            &[(0, syn(A, 7000)), (1, syn(A, 8000)), (2, syn(A, 9000))],
        );
        let a: IpAddr = A.parse().unwrap();
        assert_eq!(
            ev,
            [
                Event::Stage {
                    src: a,
                    door: 0,
                    stage: 1
                },
                Event::Stage {
                    src: a,
                    door: 0,
                    stage: 2
                },
                Event::Stage {
                    src: a,
                    door: 0,
                    stage: 3
                },
                Event::Open { src: a, door: 0 }
            ]
        );
        assert_eq!(t.stats().tracked, 0);
    }

    #[test]
    fn wrong_order_slow_and_restart() {
        let doors = [knockd_door(&[7000, 8000, 9000], 10)];
        let mut t = Tracker::new(16);
        assert!(
            opens(&run(
                &mut t,
                &doors,
                &[(0, syn(A, 7000)), (1, syn(A, 9000)), (2, syn(A, 8000))]
            ))
            .is_empty()
        );
        assert!(
            opens(&run(
                &mut t,
                &doors,
                &[(0, syn(A, 8000)), (1, syn(A, 9000))]
            ))
            .is_empty()
        );
        let slow = run(
            &mut t,
            &doors,
            &[(0, syn(A, 7000)), (1, syn(A, 8000)), (10_000, syn(A, 9000))],
        );
        assert!(opens(&slow).is_empty());
        assert!(slow.contains(&Event::Timeout {
            src: A.parse().unwrap(),
            door: 0,
            stage: 2
        }));
        // A wrong knock that is the first knock starts over.
        let again = run(
            &mut t,
            &doors,
            &[
                (0, syn(A, 7000)),
                (1, syn(A, 7000)),
                (2, syn(A, 8000)),
                (3, syn(A, 9000)),
            ],
        );
        assert_eq!(opens(&again).len(), 1);
    }

    #[test]
    fn knockd_ignores_other_flags_tport_does_not() {
        let doors = [knockd_door(&[7000, 8000, 9000], 10)];
        let mut t = Tracker::new(16);
        let ack = |p| pkt(A, Proto::Tcp, p, TCP_ACK);
        assert!(
            opens(&run(
                &mut t,
                &doors,
                &[(0, ack(7000)), (1, ack(8000)), (2, ack(9000))]
            ))
            .is_empty()
        );
        let mixed = [
            (0, syn(A, 7000)),
            (1, ack(9000)),
            (2, syn(A, 8000)),
            (3, syn(A, 9000)),
        ];
        assert_eq!(
            opens(&run(&mut t, &doors, &mixed)).len(),
            1,
            "ACK packets are not knocks for knockd"
        );

        let doors = [tport_door(
            "tcp:110:x tcp:110:up tcp:110:up tcp:110:n tcp:110:i",
        )];
        let f = |flags| (0, pkt(A, Proto::Tcp, 110, flags));
        let good = [f(0x3f), f(0x28), f(0x28), f(0), f(TCP_ACK)];
        assert_eq!(opens(&run(&mut t, &doors, &good)).len(), 1);
        let bad = [f(0x3f), f(0x28), f(0x20), f(0), f(TCP_ACK)];
        assert!(opens(&run(&mut t, &doors, &bad)).is_empty());
        let udp_and_ignore = tport_door("udp:1234 tcp:543 tcp:543:i tcp:123:frap");
        let seq = [
            (0, pkt(A, Proto::Udp, 1234, 0)),
            (1, pkt(A, Proto::Tcp, 543, 0)),
            (2, pkt(A, Proto::Tcp, 543, TCP_SYN | TCP_ACK)),
            (3, pkt(A, Proto::Tcp, 123, 0x1d)),
        ];
        assert_eq!(opens(&run(&mut t, &[udp_and_ignore], &seq)).len(), 1);
    }

    #[test]
    fn sources_and_doors_are_independent() {
        let doors = [
            knockd_door(&[7000, 8000, 9000], 10),
            knockd_door(&[9000, 8000, 7000], 10),
        ];
        let mut t = Tracker::new(16);
        let ev = run(
            &mut t,
            &doors,
            &[
                (0, syn(A, 7000)),
                (1, syn(B, 9000)),
                (2, syn(A, 8000)),
                (3, syn(B, 8000)),
                (4, syn(B, 7000)),
                (5, syn(A, 9000)),
            ],
        );
        assert_eq!(
            opens(&ev),
            [B.parse::<IpAddr>().unwrap(), A.parse().unwrap()]
        );
    }

    #[test]
    fn target_and_locality() {
        let mut door = knockd_door(&[1, 2], 10);
        let mut t = Tracker::new(16);
        let mut out = Vec::new();
        let now = Instant::now();
        t.on_packet(
            std::slice::from_ref(&door),
            &syn(A, 1),
            false,
            now,
            &mut out,
        );
        assert!(out.is_empty(), "not addressed to us");
        door.target = Some("10.0.0.1".parse().unwrap());
        for port in [1, 2] {
            t.on_packet(
                std::slice::from_ref(&door),
                &syn(A, port),
                false,
                now,
                &mut out,
            );
        }
        assert_eq!(opens(&out).len(), 1);
    }

    #[test]
    fn flood_is_bounded_and_spares_progressed_attempts() {
        let doors = [knockd_door(&[7000, 8000, 9000], 10)];
        let mut t = Tracker::new(100);
        let base = Instant::now();
        let mut out = Vec::new();
        t.on_packet(&doors, &syn(A, 7000), true, base, &mut out);
        t.on_packet(&doors, &syn(A, 8000), true, base, &mut out);
        for i in 0..10_000u32 {
            let src = IpAddr::from(std::net::Ipv4Addr::from(0x0b00_0000 + i));
            let p = Packet {
                src,
                ..syn(A, 7000)
            };
            t.on_packet(&doors, &p, true, base, &mut out);
            assert!(t.stats().tracked <= 100);
        }
        assert!(t.fresh.len() <= 2 * 100 + 16);
        assert_eq!(t.stats().evicted, 10_000 - 99);
        t.on_packet(&doors, &syn(A, 9000), true, base, &mut out);
        assert_eq!(opens(&out), [A.parse::<IpAddr>().unwrap()]);

        // With every slot past stage 1, new attempts are refused, not swapped in.
        let mut t = Tracker::new(2);
        for src in ["1.0.0.1", "1.0.0.2"] {
            t.on_packet(&doors, &syn(src, 7000), true, base, &mut out);
            t.on_packet(&doors, &syn(src, 8000), true, base, &mut out);
        }
        t.on_packet(&doors, &syn("1.0.0.3", 7000), true, base, &mut out);
        assert_eq!(
            t.stats(),
            Stats {
                tracked: 2,
                evicted: 0,
                refused: 1
            }
        );
    }

    #[test]
    fn expire_reports_timeouts() {
        let doors = [knockd_door(&[1, 2], 1)];
        let mut t = Tracker::new(4);
        let now = Instant::now();
        let mut out = Vec::new();
        t.on_packet(&doors, &syn(A, 1), true, now, &mut out);
        out.clear();
        t.expire(&doors, now + Duration::from_millis(500), &mut out);
        assert!(out.is_empty());
        t.expire(&doors, now + Duration::from_secs(1), &mut out);
        assert_eq!(
            out,
            [Event::Timeout {
                src: A.parse().unwrap(),
                door: 0,
                stage: 1
            }]
        );
        assert_eq!(t.stats().tracked, 0);
    }

    #[test]
    fn single_knock_door() {
        let door = Door {
            sequence: vec![Knock {
                proto: Proto::Udp,
                port: 5,
                flags: FlagMatch::ANY,
            }],
            ..knockd_door(&[1], 1)
        };
        let mut t = Tracker::new(4);
        let ev = run(&mut t, &[door], &[(0, pkt(A, Proto::Udp, 5, 0))]);
        assert_eq!(opens(&ev).len(), 1);
        assert_eq!(t.stats().tracked, 0);
    }
}
