// SPDX-License-Identifier: GPL-2.0-only
//! xt_pknock's per-peer state machine: port-knock sequences (strict or not,
//! with a time limit between knocks), SPA open/close packets, autoclose and
//! the `--checkip` test. Pure functions over explicit state and explicit
//! times, so every transition is testable on the host; the kernel module
//! only stores [`Peer`]s.
//!
//! Two clocks: SPA payloads name wall-clock minutes since the epoch
//! (upstream's wire format), so [`check_spa`] and the replay memory of
//! [`Peer::worth_keeping`] take wall-clock seconds (`wall`); every interval
//! (`--time`, `--autoclose`) is measured on a monotonic clock (`now`,
//! seconds since boot in the kernel), so setting the wall clock back never
//! extends an allowance.
//!
//! A packet goes through two calls: [`check_spa`] computes the SPA HMACs
//! from the rule and the packet alone (the expensive part, no peer state:
//! the module calls it before it locks the peer table), then [`on_packet`]
//! applies the verdict to the peer's state.
//!
//! Differences from upstream 3.23 (all deliberate):
//! - the time limit is checked before every knock, the last one included
//!   (3.23 accepts a late final knock);
//! - in strict mode a wrong knock restarts the sequence, and if it is the
//!   first port it counts as a new first knock;
//! - SPA minutes are wall-clock minutes, the current and the previous one
//!   are accepted, and a minute once accepted (open or close) is never
//!   accepted again for that peer;
//! - time limits and autoclose run on a monotonic clock: setting the wall
//!   clock back never extends an allowance.

pub mod locate;
pub mod spa;

/// A peer's progress, as `/proc/net/xt_pknock/<name>` shows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Status {
    /// No sequence in progress.
    #[default]
    Init,
    /// Part of the sequence knocked.
    Matching,
    /// Sequence complete (or SPA open accepted): the peer may pass.
    Allowed,
}

/// What the module remembers about one source address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Peer {
    /// Current status.
    pub status: Status,
    /// Knocks accepted in the current sequence (`accepted_knock_count`).
    pub knocks: u32,
    /// Time of the last accepted knock.
    pub last_knock: i64,
    /// Time the peer became [`Status::Allowed`].
    pub login: i64,
    /// Latest SPA minute accepted to open (0: none); never accepted again.
    pub open_minute: u32,
    /// Latest SPA minute accepted to close (0: none); never accepted again.
    pub close_minute: u32,
}

/// What kind of rule sees the packet.
#[derive(Clone, Copy, Debug)]
pub enum Mode<'a> {
    /// `--knockports`: a sequence of destination ports.
    Knock {
        /// The sequence, 1 to 15 ports.
        ports: &'a [u16],
        /// `--time`: longest pause between two knocks, in seconds.
        max_time: Option<u32>,
        /// `--strict`: a wrong port restarts the sequence.
        strict: bool,
    },
    /// `--knockports P --opensecret --closesecret`: SPA packets to port P.
    Spa {
        /// The one knock port.
        port: u16,
        /// Secret of open packets.
        open: &'a [u8],
        /// Secret of close packets.
        close: &'a [u8],
    },
    /// `--checkip`: only tests whether the peer is allowed.
    CheckIp,
}

/// One rule's view of the state machine.
#[derive(Clone, Copy, Debug)]
pub struct Rule<'a> {
    /// The rule kind.
    pub mode: Mode<'a>,
    /// `--autoclose` of the rule set sharing the name, in minutes (0: never).
    pub autoclose: u32,
}

/// The parts of a packet the state machine looks at.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    /// Source address, 4 or 16 bytes, network order.
    pub src: &'a [u8],
    /// Destination port.
    pub dport: u16,
    /// UDP (or UDP-Lite) payload; `None` for TCP.
    pub payload: Option<&'a [u8]>,
}

/// What a packet did; only [`Event::Pass`] makes the match true.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// Nothing: not a knock for this peer, state unchanged.
    None,
    /// A knock was accepted, the sequence is not complete.
    Progress,
    /// The peer became allowed (sequence complete or SPA open accepted).
    Opened,
    /// The sequence was abandoned: wrong port in strict mode, or too slow.
    Reset,
    /// An SPA close packet was accepted.
    Closed,
    /// The peer is allowed: the match is true.
    Pass,
    /// The autoclose time passed: the peer is no longer allowed.
    Expired,
    /// SPA packet of the wrong length.
    SpaLength,
    /// SPA packet whose HMAC matches neither this minute nor the last.
    SpaDigest,
    /// SPA packet already accepted once (or older than the last accepted).
    SpaReplay,
}

impl Event {
    /// Whether the rule matches the packet.
    #[must_use]
    pub fn matches(self) -> bool {
        self == Event::Pass
    }
}

fn restart(peer: &mut Peer) {
    peer.status = Status::Init;
    peer.knocks = 0;
}

fn seconds(minutes: u32) -> i64 {
    i64::from(minutes).saturating_mul(60)
}

/// Whether `limit` seconds have passed since `since` (a clock set back
/// counts as no time passed).
fn passed(since: i64, limit: i64, now: i64) -> bool {
    now.saturating_sub(since) > limit
}

fn autoclosed(peer: &Peer, autoclose: u32, now: i64) -> bool {
    autoclose != 0 && passed(peer.login, seconds(autoclose), now)
}

/// Counts one knock on the expected port.
fn accept_knock(peer: &mut Peer, total: usize, now: i64) -> Event {
    peer.knocks = peer.knocks.saturating_add(1);
    peer.last_knock = now;
    if usize::try_from(peer.knocks).is_ok_and(|knocks| knocks >= total) {
        peer.status = Status::Allowed;
        peer.login = now;
        Event::Opened
    } else {
        peer.status = Status::Matching;
        Event::Progress
    }
}

fn knock(
    peer: &mut Peer,
    ports: &[u16],
    max_time: Option<u32>,
    strict: bool,
    dport: u16,
    now: i64,
) -> Event {
    let timed_out = peer.status == Status::Matching
        && max_time.is_some_and(|limit| passed(peer.last_knock, i64::from(limit), now));
    if timed_out {
        restart(peer);
    }
    let expected = usize::try_from(peer.knocks).ok().and_then(|i| ports.get(i));
    if expected == Some(&dport) {
        return accept_knock(peer, ports.len(), now);
    }
    if peer.status == Status::Matching {
        if !strict {
            return Event::None;
        }
        restart(peer);
        if ports.first() == Some(&dport) {
            return accept_knock(peer, ports.len(), now);
        }
        return Event::Reset;
    }
    if timed_out { Event::Reset } else { Event::None }
}

/// What the SPA HMACs say about one packet ([`check_spa`]): the minute its
/// payload authenticates under each secret, if any. Depends on the rule and
/// the packet only, never on the peer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Spa {
    /// Minute of a valid open packet (to the rule's port).
    pub open: Option<u32>,
    /// Minute of a valid close packet (to any port: an allowed peer's).
    pub close: Option<u32>,
}

/// Verifies the SPA HMACs of `packet` for an `--opensecret` rule at
/// wall-clock time `wall` (seconds since the epoch): the open secret for a
/// payload sent to the rule's port, the close secret for any payload it does
/// not open. Anything that cannot be an SPA packet (another kind of rule,
/// TCP, a payload not [`spa::PAYLOAD_LEN`] bytes long) costs no hashing.
#[must_use]
pub fn check_spa(rule: &Rule<'_>, packet: &Packet<'_>, wall: i64) -> Spa {
    let (Mode::Spa { port, open, close }, Some(payload)) = (rule.mode, packet.payload) else {
        return Spa::default();
    };
    if payload.len() != spa::PAYLOAD_LEN {
        return Spa::default();
    }
    let open_minute = if packet.dport == port {
        spa::verify(open, packet.src, payload, wall)
    } else {
        None
    };
    let close_minute = if open == close {
        open_minute
    } else if open_minute.is_none() {
        spa::verify(close, packet.src, payload, wall)
    } else {
        // Valid under the open secret: with another close secret it is no close packet.
        None
    };
    Spa {
        open: open_minute,
        close: close_minute,
    }
}

/// Accepts a verified `minute` unless it is not newer than `last`.
fn spa_minute(payload: &[u8], minute: Option<u32>, last: u32) -> Result<u32, Event> {
    if payload.len() != spa::PAYLOAD_LEN {
        return Err(Event::SpaLength);
    }
    match minute {
        Some(minute) if minute > last => Ok(minute),
        Some(_) => Err(Event::SpaReplay),
        None => Err(Event::SpaDigest),
    }
}

/// Runs one packet from `peer` through `rule` at monotonic time `now`, with
/// the packet's SPA verdict `spa` ([`check_spa`] of the same rule and packet;
/// [`Spa::default()`] when the rule has no secrets).
///
/// A fresh peer is `Peer::default()`; the caller should store it only when
/// [`Peer::worth_keeping`] says so, and may drop it when that turns false.
pub fn on_packet(
    rule: &Rule<'_>,
    peer: &mut Peer,
    packet: &Packet<'_>,
    spa: &Spa,
    now: i64,
) -> Event {
    if peer.status == Status::Allowed {
        if autoclosed(peer, rule.autoclose, now) {
            restart(peer);
            return Event::Expired;
        }
        if let (Mode::Spa { .. }, Some(payload)) = (rule.mode, packet.payload) {
            // Anything but a valid close packet is ordinary traffic of an allowed peer.
            if let Ok(minute) = spa_minute(payload, spa.close, peer.close_minute) {
                peer.close_minute = minute;
                restart(peer);
                return Event::Closed;
            }
        }
        return Event::Pass;
    }
    match rule.mode {
        Mode::CheckIp => Event::None,
        Mode::Knock {
            ports,
            max_time,
            strict,
        } => knock(peer, ports, max_time, strict, packet.dport, now),
        Mode::Spa { port, .. } => {
            let Some(payload) = packet.payload.filter(|_| packet.dport == port) else {
                return Event::None;
            };
            match spa_minute(payload, spa.open, peer.open_minute) {
                Ok(minute) => {
                    peer.open_minute = minute;
                    peer.knocks = 1;
                    peer.last_knock = now;
                    peer.status = Status::Allowed;
                    peer.login = now;
                    Event::Opened
                }
                Err(event) => event,
            }
        }
    }
}

impl Peer {
    /// Whether the entry still carries information at monotonic time `now`
    /// and wall-clock time `wall`: a sequence in progress within `max_time`
    /// seconds, an allowance not yet autoclosed (`autoclose` minutes, 0 =
    /// never), or an SPA minute that could still be replayed at `wall`. The
    /// module frees entries for which this is false.
    #[must_use]
    pub fn worth_keeping(&self, max_time: u32, autoclose: u32, now: i64, wall: i64) -> bool {
        let replayable = spa::minute_of(wall).saturating_sub(1);
        let live = |minute: u32| minute != 0 && minute >= replayable;
        if live(self.open_minute) || live(self.close_minute) {
            return true;
        }
        match self.status {
            Status::Init => false,
            Status::Matching => !passed(self.last_knock, i64::from(max_time), now),
            Status::Allowed => !autoclosed(self, autoclose, now),
        }
    }
}

#[cfg(test)]
mod tests;
