// SPDX-License-Identifier: GPL-2.0-only
//! The watchdog: a detached process that owns a pending rollback's deadline.
//!
//! It is this same binary re-executed as `__watchdog SLOT TOKEN DEADLINE_MS`, in a new session
//! (setsid: no controlling terminal, so a closed terminal or dropped SSH connection sends it no
//! SIGHUP, and signals to the foreground's process group do not reach it), with SIGHUP ignored as
//! well, stdio on the state directory's log and / as its working directory. Killing the foreground
//! command, even with SIGKILL, leaves it running; it is reparented to init. It polls the record
//! of its slot: when the record is gone or holds another token (confirmed, disarmed, re-armed),
//! it exits; at the deadline it takes the lock and carries out the record's action.
//! If the watchdog itself is killed, `status` shows it and the foreground `apply` (when still
//! alive) carries out the rollback itself shortly after the deadline.

use crate::backend::{self, Backend};
use crate::parts;
use crate::snapshot::Snapshot;
use crate::state::{Action, Pending, Slot, StateDir};
use crate::systemd;
use crate::timefmt::now_ms;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

pub const POLL: Duration = Duration::from_millis(100);

/// Writes `pending` (with its token) and starts its watchdog; the record is written first so the
/// watchdog never sees a missing record and exits early, then again with the watchdog's pid.
pub fn start(state: &StateDir, slot: Slot, mut pending: Pending) -> Result<Pending, String> {
    state.write_pending(slot, &pending)?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find my own executable: {e}"))?;
    let log = state.open_log()?;
    let log2 = log
        .try_clone()
        .map_err(|e| format!("{}: {e}", state.log_path().display()))?;
    let mut command = Command::new(exe);
    command
        .arg("--state-dir")
        .arg(&state.path)
        .args([
            "__watchdog",
            slot.name(),
            &pending.token,
            &pending.deadline_ms.to_string(),
        ])
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log2);
    // Safety: runs in the forked child before exec; setsid(2) and signal(2) are
    // async-signal-safe and touch no memory shared with the parent. The child is never a
    // process-group leader (fresh pid), so setsid cannot fail with EPERM.
    unsafe {
        command.pre_exec(|| {
            if libc::setsid() < 0 || libc::signal(libc::SIGHUP, libc::SIG_IGN) == libc::SIG_ERR {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = command.spawn();
    let child = match child {
        Ok(child) => child,
        Err(e) => {
            state.remove_pending(slot)?;
            return Err(format!("cannot start the watchdog: {e}"));
        }
    };
    pending.watchdog_pid = child.id();
    state.write_pending(slot, &pending)?;
    Ok(pending)
}

/// The watchdog's main loop.
pub fn watch(state: &StateDir, slot: Slot, token: &str, deadline_ms: u64) -> Result<(), String> {
    let mut read_error_logged = false;
    loop {
        // An unreadable record keeps the watchdog going (better a rollback than none); the
        // error is logged once, not every poll.
        match state.read_pending(slot) {
            Ok(Some(pending)) if pending.token == token => {}
            Ok(_) => return Ok(()),
            Err(e) if !read_error_logged => {
                state.log(&format!("watchdog: {e}"));
                read_error_logged = true;
            }
            Err(_) => {}
        }
        if now_ms() >= deadline_ms {
            return expire(state, slot, Some(token), "deadline reached").map(drop);
        }
        std::thread::sleep(POLL);
    }
}

/// Carries out the pending action of `slot` now, if the record still holds `token` (any record
/// when `token` is None). Returns what was done, or None when nothing was pending.
pub fn expire(
    state: &StateDir,
    slot: Slot,
    token: Option<&str>,
    why: &str,
) -> Result<Option<String>, String> {
    let _lock = state.lock()?;
    let Some(pending) = state.read_pending(slot)? else {
        return Ok(None);
    };
    if token.is_some_and(|t| t != pending.token) {
        return Ok(None);
    }
    let result = match slot {
        Slot::Apply => perform(state, &pending.action),
        Slot::Arm => {
            // The reset matters more than the record of what it replaced: a failed snapshot
            // is logged and the reset goes ahead.
            let reason = format!("before armed reset to {}", pending.describe_action());
            if let Err(e) = Snapshot::take(state, &reason) {
                state.log(&format!("no snapshot before the armed reset: {e}"));
            }
            perform(state, &pending.action)
        }
    };
    let done = match &result {
        Ok(()) => format!(
            "{why}: {} reset to {}",
            slot.name(),
            pending.describe_action()
        ),
        Err(e) => format!(
            "{why}: {} reset to {} FAILED: {e}",
            slot.name(),
            pending.describe_action()
        ),
    };
    state.log(&done);
    // The outcome is written before the record goes: a waiting `apply` reads it as soon as
    // the record is gone, without the lock.
    if slot == Slot::Apply {
        let outcome = match &result {
            Ok(()) => format!("rolled back to {}", pending.describe_action()),
            Err(e) => format!("rollback FAILED: {e}"),
        };
        state.write_outcome(&pending.token, &outcome)?;
    }
    // The record goes even after a failure: retrying a failing restore in a loop helps nobody,
    // and the log, the outcome and `list` tell the admin what to restore by hand.
    state.remove_pending(slot)?;
    if let Some(dir) = &pending.unit_dir {
        systemd::remove(dir)?;
    }
    result.map(|()| Some(done))
}

fn perform(state: &StateDir, action: &Action) -> Result<(), String> {
    match action {
        Action::Snapshot(id) => Snapshot::load(state, *id)?.restore(),
        Action::Ruleset => {
            for (backend, text) in parts::read(&state.arm_target_dir())? {
                backend
                    .load(&text, false)
                    .map_err(|e| format!("{}: {e}", backend.name()))?;
            }
            Ok(())
        }
        Action::Open => {
            let everything: Vec<(Backend, String)> = Backend::ALL
                .into_iter()
                .filter(|b| b.available())
                .map(|b| (b, String::new()))
                .collect();
            backend::set_exactly(&everything, false)
        }
    }
}
