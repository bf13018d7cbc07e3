// SPDX-License-Identifier: GPL-2.0-only
//! Runs door commands without blocking the capture loop: start commands are spawned, reaped when
//! they exit, and the stop command is scheduled `cmd_timeout` after the start command ended (as in
//! knockd). Commands for one address run one after the other, in order. On shutdown, pending stop
//! commands run at once so no door stays open.

use std::collections::VecDeque;
use std::net::IpAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::command::CommandLine;
use crate::config::Door;
use crate::log::Logger;

struct Stop {
    door: String,
    src: IpAddr,
    cmd: CommandLine,
    delay: Duration,
}

struct Running {
    child: Child,
    door: String,
    src: IpAddr,
    then: Option<Stop>,
}

/// A command waiting for an earlier command for the same address to finish.
struct Queued {
    door: String,
    src: IpAddr,
    cmd: CommandLine,
    then: Option<Stop>,
}

#[derive(Default)]
pub struct Runner {
    running: Vec<Running>,
    pending: Vec<(Instant, Stop)>,
    queued: VecDeque<Queued>,
}

impl Runner {
    /// Runs the door's start command for `src` and arranges its stop command.
    pub fn open(&mut self, door: &Door, src: IpAddr, now: Instant, log: &mut Logger) {
        let stop = door.stop_command(&src).map(|cmd| Stop {
            door: door.name.clone(),
            src,
            cmd: cmd.clone(),
            delay: door.cmd_timeout,
        });
        match door.start_command(&src) {
            Some(cmd) => self.spawn(&door.name, src, cmd, stop, log),
            None => self.pending.extend(stop.map(|s| (now + s.delay, s))),
        }
    }

    fn spawn(
        &mut self,
        door: &str,
        src: IpAddr,
        cmd: &CommandLine,
        then: Option<Stop>,
        log: &mut Logger,
    ) {
        // One address's commands run one at a time, in order: a close knock right after an open
        // knock must not delete a rule the still-running open command has yet to add.
        if self.running.iter().any(|r| r.src == src) {
            self.queued.push_back(Queued {
                door: door.to_string(),
                src,
                cmd: cmd.clone(),
                then,
            });
            return;
        }
        let Some(r) = cmd.render(&src) else {
            log.error(&format!(
                "{door}: refusing to run command: bad address {src}"
            ));
            return;
        };
        log.event(&format!("{door}: running command: {}", r.display));
        let Some((prog, args)) = r.argv.split_first() else {
            return;
        };
        match Command::new(prog).args(args).stdin(Stdio::null()).spawn() {
            Ok(child) => self.running.push(Running {
                child,
                door: door.to_string(),
                src,
                then,
            }),
            Err(e) => {
                log.error(&format!("{door}: cannot run {prog}: {e}"));
                // The stop command still runs: the start command may have half-worked.
                self.pending
                    .extend(then.map(|s| (Instant::now() + s.delay, s)));
            }
        }
    }

    /// Reaps finished commands and runs due stop commands.
    pub fn poll(&mut self, now: Instant, log: &mut Logger) {
        let mut i = 0;
        while i < self.running.len() {
            match self.running[i].child.try_wait() {
                Ok(None) => i += 1,
                result => {
                    let r = self.running.swap_remove(i);
                    match result {
                        Ok(Some(status)) if !status.success() => log.error(&format!(
                            "{}: command returned non-zero status code ({})",
                            r.door,
                            status
                                .code()
                                .map_or_else(|| "killed".to_string(), |c| c.to_string())
                        )),
                        Err(e) => log.error(&format!("{}: cannot wait for command: {e}", r.door)),
                        _ => {}
                    }
                    self.pending.extend(r.then.map(|s| (now + s.delay, s)));
                }
            }
        }
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|(at, _)| *at <= now);
        self.pending = later;
        for q in std::mem::take(&mut self.queued) {
            self.spawn(&q.door, q.src, &q.cmd, q.then, log);
        }
        for (_, s) in due {
            log.event(&format!("{}: {}: command timeout", s.src, s.door));
            self.spawn(&s.door, s.src, &s.cmd, None, log);
        }
    }

    /// When `poll` next has something to do; `None` if only child exits are awaited.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.pending.iter().map(|(at, _)| *at).min()
    }

    pub fn busy(&self) -> bool {
        !self.running.is_empty()
    }

    /// Waits for running commands and runs every pending stop command now.
    pub fn shutdown(&mut self, log: &mut Logger) {
        while !self.running.is_empty() || !self.pending.is_empty() || !self.queued.is_empty() {
            for r in &mut self.running {
                let _ = r.child.wait();
            }
            let now = Instant::now();
            for (at, _) in &mut self.pending {
                *at = now;
            }
            self.poll(Instant::now(), log);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;

    #[test]
    fn one_address_runs_in_order_and_stops_follow() {
        let out = std::env::temp_dir().join(format!("knockd-runner-{}", std::process::id()));
        let _ = std::fs::remove_file(&out);
        let f = out.display();
        let conf = format!(
            "[slow]\nsequence = 1\ncommand = /bin/sh -c \"sleep 0.3; echo open %IP% >> {f}\"\n\
             stop_command = /bin/sh -c \"echo stop %IP% >> {f}\"\ncmd_timeout = 0\n\
             [fast]\nsequence = 2\ncommand = /bin/sh -c \"echo close %IP% >> {f}\"\n"
        );
        let doors = config::parse(&conf).unwrap().doors;
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.2".parse().unwrap(), "10.0.0.3".parse().unwrap());
        let mut r = Runner::default();
        let mut log = Logger::new(false, false);
        let now = Instant::now();
        r.open(&doors[0], a, now, &mut log);
        r.open(&doors[1], a, now, &mut log);
        r.open(&doors[1], b, now, &mut log);
        let deadline = Instant::now() + Duration::from_secs(5);
        while (r.busy() || r.next_deadline().is_some() || !r.queued.is_empty())
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(20));
            r.poll(Instant::now(), &mut log);
        }
        let text = std::fs::read_to_string(&out).unwrap();
        std::fs::remove_file(&out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert_eq!(lines[0], "close 10.0.0.3", "another address does not wait");
        let pos = |l: &str| lines.iter().position(|x| *x == l).unwrap();
        assert!(pos("open 10.0.0.2") < pos("close 10.0.0.2"), "{text}");
        assert!(pos("open 10.0.0.2") < pos("stop 10.0.0.2"), "{text}");
    }
}
