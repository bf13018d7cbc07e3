// SPDX-License-Identifier: GPL-2.0-only
//! The state directory: the lock, the pending apply and the armed reset (one record each), the
//! outcome of the last apply, snapshots and the log. Records are small `key=value` files replaced
//! by rename, so a reader sees the old or the new record, never half of one; every
//! read-modify-write runs under the directory's flock.

use crate::timefmt::{format_utc, now_ms};
use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

pub const DEFAULT_DIR: &str = "/var/lib/fw-safetynet";

pub struct StateDir {
    pub path: PathBuf,
}

/// Held while the state or the firewall is being changed; released on drop (flock(2)).
pub struct Lock {
    _file: File,
}

/// The two kinds of pending rollback; each has its own record and watchdog.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Slot {
    Apply,
    Arm,
}

impl Slot {
    pub fn name(self) -> &'static str {
        match self {
            Self::Apply => "apply",
            Self::Arm => "arm",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Apply, Self::Arm]
            .into_iter()
            .find(|s| s.name() == name)
    }

    fn file(self) -> &'static str {
        match self {
            Self::Apply => "pending-apply",
            Self::Arm => "armed",
        }
    }
}

/// What happens when a pending record expires.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Action {
    /// Restore this snapshot exactly.
    Snapshot(u32),
    /// Apply the ruleset stored in the state directory's `arm-target/`.
    Ruleset,
    /// Empty every table of every backend and delete native nft tables.
    Open,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Pending {
    /// Unique per apply/arm; the watchdog keeps watching only while the record holds its token.
    pub token: String,
    pub deadline_ms: u64,
    pub watchdog_pid: u32,
    pub action: Action,
    /// What was applied or armed, for humans.
    pub source: String,
    /// Where systemd units were installed, for an arm that must survive a reboot.
    pub unit_dir: Option<PathBuf>,
}

impl Pending {
    fn to_record(&self) -> String {
        let action = match self.action {
            Action::Snapshot(id) => format!("snapshot {id}"),
            Action::Ruleset => "ruleset".into(),
            Action::Open => "open".into(),
        };
        let mut text = format!(
            "token={}\ndeadline_ms={}\nwatchdog_pid={}\naction={action}\nsource={}\n",
            self.token,
            self.deadline_ms,
            self.watchdog_pid,
            one_line(&self.source)
        );
        if let Some(dir) = &self.unit_dir {
            text += &format!("unit_dir={}\n", dir.display());
        }
        text
    }

    fn from_record(text: &str) -> Option<Self> {
        let fields = parse_record(text);
        let action = match *fields.get("action")? {
            "ruleset" => Action::Ruleset,
            "open" => Action::Open,
            other => Action::Snapshot(other.strip_prefix("snapshot ")?.parse().ok()?),
        };
        Some(Self {
            token: fields.get("token")?.to_string(),
            deadline_ms: fields.get("deadline_ms")?.parse().ok()?,
            watchdog_pid: fields.get("watchdog_pid")?.parse().ok()?,
            action,
            source: fields.get("source")?.to_string(),
            unit_dir: fields.get("unit_dir").map(PathBuf::from),
        })
    }

    /// Whether the watchdog process still runs: its command line carries the token, which guards
    /// against a recycled pid.
    pub fn watchdog_running(&self) -> bool {
        fs::read(format!("/proc/{}/cmdline", self.watchdog_pid)).is_ok_and(|cmdline| {
            cmdline
                .split(|&b| b == 0)
                .any(|arg| arg == self.token.as_bytes())
        })
    }

    pub fn describe_action(&self) -> String {
        match self.action {
            Action::Snapshot(id) => format!("snapshot {id}"),
            Action::Ruleset => format!("ruleset {}", self.source),
            Action::Open => "open (accept everything)".into(),
        }
    }
}

pub fn parse_record(text: &str) -> HashMap<&str, &str> {
    text.lines().filter_map(|l| l.split_once('=')).collect()
}

/// Record values are single lines.
pub fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

pub fn new_token() -> String {
    format!("fwsn-{:x}-{:x}", now_ms(), std::process::id())
}

impl StateDir {
    /// Opens the state directory, creating it (mode 0700: snapshots reveal the firewall).
    pub fn open(path: &Path) -> Result<Self, String> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(path.join("snapshots"))
            .map_err(|e| format!("state directory {}: {e}", path.display()))?;
        // The watchdog runs from / and needs an absolute path.
        let path = fs::canonicalize(path)
            .map_err(|e| format!("state directory {}: {e}", path.display()))?;
        Ok(Self { path })
    }

    pub fn lock(&self) -> Result<Lock, String> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(self.path.join("lock"))
            .map_err(|e| format!("{}/lock: {e}", self.path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                eprintln!("fw-safetynet: waiting for another fw-safetynet command to finish...");
                file.lock()
                    .map_err(|e| format!("{}/lock: {e}", self.path.display()))?;
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(format!("{}/lock: {e}", self.path.display()));
            }
        }
        Ok(Lock { _file: file })
    }

    pub fn snapshots_dir(&self) -> PathBuf {
        self.path.join("snapshots")
    }

    pub fn arm_target_dir(&self) -> PathBuf {
        self.path.join("arm-target")
    }

    pub fn log_path(&self) -> PathBuf {
        self.path.join("log")
    }

    /// Appends a timestamped line to the log; the log is a record for humans, so a failure to
    /// write it is reported but never stops a rollback.
    pub fn log(&self, message: &str) {
        let line = format!(
            "{} UTC [{}] {}\n",
            format_utc(now_ms()),
            std::process::id(),
            one_line(message)
        );
        if let Err(e) = self
            .open_log()
            .and_then(|mut f| f.write_all(line.as_bytes()).map_err(|e| e.to_string()))
        {
            eprintln!("fw-safetynet: {e}");
        }
    }

    /// The log, opened for appending; also the watchdog's stdout and stderr.
    pub fn open_log(&self) -> Result<File, String> {
        OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(self.log_path())
            .map_err(|e| format!("{}: {e}", self.log_path().display()))
    }

    pub fn read_pending(&self, slot: Slot) -> Result<Option<Pending>, String> {
        let file = self.path.join(slot.file());
        match fs::read_to_string(&file) {
            Ok(text) => Pending::from_record(&text).map(Some).ok_or_else(|| {
                format!(
                    "{}: corrupt record; remove it after checking the rules",
                    file.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}: {e}", file.display())),
        }
    }

    pub fn write_pending(&self, slot: Slot, pending: &Pending) -> Result<(), String> {
        self.replace_file(slot.file(), &pending.to_record())
    }

    pub fn remove_pending(&self, slot: Slot) -> Result<(), String> {
        let file = self.path.join(slot.file());
        match fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(format!("{}: {e}", file.display()))
            }
            _ => Ok(()),
        }
    }

    /// How the apply with this token ended, for its foreground process (which may be waiting).
    pub fn write_outcome(&self, token: &str, outcome: &str) -> Result<(), String> {
        self.replace_file(
            "outcome",
            &format!("token={token}\noutcome={}\n", one_line(outcome)),
        )
    }

    pub fn read_outcome(&self, token: &str) -> Option<String> {
        let text = fs::read_to_string(self.path.join("outcome")).ok()?;
        let fields = parse_record(&text);
        (fields.get("token") == Some(&token))
            .then(|| fields.get("outcome").unwrap_or(&"").to_string())
    }

    fn replace_file(&self, name: &str, text: &str) -> Result<(), String> {
        let tmp = self.path.join(format!(".{name}.tmp"));
        let file = self.path.join(name);
        fs::write(&tmp, text)
            .and_then(|()| fs::rename(&tmp, &file))
            .map_err(|e| format!("{}: {e}", file.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_round_trips() {
        for action in [Action::Snapshot(12), Action::Ruleset, Action::Open] {
            let p = Pending {
                token: "fwsn-1-2".into(),
                deadline_ms: 1_795_850_043_000,
                watchdog_pid: 4242,
                action,
                source: "/etc/ipt\nables".into(),
                unit_dir: Some("/etc/systemd/system".into()),
            };
            let back = Pending::from_record(&p.to_record()).expect("parses");
            assert_eq!(
                back,
                Pending {
                    source: "/etc/ipt ables".into(),
                    ..p
                }
            );
        }
    }

    #[test]
    fn corrupt_records_are_rejected() {
        for text in [
            "",
            "token=x\n",
            "token=x\ndeadline_ms=1\nwatchdog_pid=1\naction=snapshot x\nsource=s\n",
        ] {
            assert_eq!(Pending::from_record(text), None, "{text:?}");
        }
    }
}
