// SPDX-License-Identifier: GPL-2.0-only
//! The commands.

use crate::backend::Flavour;
use crate::cli::Args;
use crate::parts;
use crate::ruleset::{FileKind, Ruleset};
use crate::snapshot::Snapshot;
use crate::state::{Action, DEFAULT_DIR, Pending, Slot, StateDir, new_token};
use crate::systemd;
use crate::timefmt::{format_utc, now_ms, parse_duration};
use crate::watchdog;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

pub const EXIT_ERROR: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
/// `apply` ended in a rollback (no confirmation, or `rollback`).
pub const EXIT_ROLLED_BACK: u8 = 3;

const DEFAULT_TIMEOUT: &str = "60s";
const DEFAULT_ARM_IN: &str = "5m";
/// How long after the deadline a waiting `apply` rolls back by itself when its watchdog has not.
const FOREGROUND_GRACE_MS: u64 = 2000;

pub fn run(args: &Args) -> Result<u8, String> {
    let state = StateDir::open(args.state_dir.as_deref().unwrap_or(Path::new(DEFAULT_DIR)))?;
    match args.command.as_str() {
        "apply" => apply(&state, args),
        "confirm" => confirm(&state),
        "rollback" => rollback(&state),
        "arm" => arm(&state, args),
        "disarm" => disarm(&state),
        "fire" => fire(&state),
        "status" => status(&state, args.json),
        "list" => list(&state),
        "restore" => restore(&state, &args.positional[0]),
        "__watchdog" => run_watchdog(&state, &args.positional),
        other => Err(format!("unknown command '{other}'")), // cli::parse lets none through
    }
}

fn load_ruleset(path: &Path, args: &Args) -> Result<Ruleset, String> {
    let flavour = match &args.backend {
        Some(name) => Flavour::parse(name)?,
        None => Flavour::system_default()?,
    };
    let kind = match (args.ipv6, args.nft) {
        (true, _) => FileKind::Ipv6,
        (_, true) => FileKind::Nft,
        _ => FileKind::Ipv4,
    };
    Ruleset::load(path, kind, flavour)
}

fn in_secs(deadline_ms: u64) -> String {
    let secs = deadline_ms.saturating_sub(now_ms()).div_ceil(1000);
    match secs {
        0 => "overdue".into(),
        s if s < 120 => format!("in {s}s"),
        s => format!("in {}m{:02}s", s / 60, s % 60),
    }
}

fn describe_pending(slot: Slot, pending: &Pending) -> String {
    let what = match slot {
        Slot::Apply => format!(
            "apply of {}, rollback to {}",
            pending.source,
            pending.describe_action()
        ),
        Slot::Arm => format!("reset to {}", pending.describe_action()),
    };
    let watchdog = if pending.watchdog_running() {
        format!("watchdog pid {}", pending.watchdog_pid)
    } else {
        format!("WATCHDOG NOT RUNNING (pid {})", pending.watchdog_pid)
    };
    format!(
        "{what} at {} UTC ({}), {watchdog}",
        format_utc(pending.deadline_ms),
        in_secs(pending.deadline_ms)
    )
}

fn apply(state: &StateDir, args: &Args) -> Result<u8, String> {
    let timeout = parse_duration(args.timeout.as_deref().unwrap_or(DEFAULT_TIMEOUT), 1)?;
    let ruleset = load_ruleset(Path::new(&args.positional[0]), args)?;
    let lock = state.lock()?;
    if let Some(pending) = state.read_pending(Slot::Apply)? {
        return Err(format!(
            "another apply is pending, refusing a second one:\n  {}\n\
             Run 'fw-safetynet confirm' or 'fw-safetynet rollback' first.",
            describe_pending(Slot::Apply, &pending)
        ));
    }
    ruleset.check()?;
    let source = ruleset.source.display().to_string();
    let snapshot = Snapshot::take(state, &format!("before apply of {source}"))?;
    let pending = watchdog::start(
        state,
        Slot::Apply,
        Pending {
            token: new_token(),
            deadline_ms: now_ms() + timeout * 1000,
            watchdog_pid: 0,
            action: Action::Snapshot(snapshot.id),
            source: source.clone(),
            unit_dir: None,
        },
    )?;
    for (backend, text) in &ruleset.parts {
        if let Err(e) = backend.load(text, false) {
            // The restore tool rejected what its --test accepted (iptables-nft does not
            // resolve jump targets in --test): undo whatever was already committed.
            // Should the undo fail, the record stays and the watchdog tries again at the deadline.
            let undo = snapshot.restore();
            state.log(&format!("apply of {source} failed: {e}"));
            return Err(match undo {
                Ok(()) => {
                    state.remove_pending(Slot::Apply)?;
                    format!("{source}: rejected by {e}\nNothing was changed.")
                }
                Err(u) => format!(
                    "{source}: rejected by {e}\nRestoring snapshot {} FAILED too (the watchdog \
                     retries at the deadline):\n{u}",
                    snapshot.id
                ),
            });
        }
    }
    state.log(&format!(
        "applied {source}, old rules in snapshot {}, rollback at {} UTC",
        snapshot.id,
        format_utc(pending.deadline_ms)
    ));
    drop(lock);
    say!(
        "Applied {source}; the old rules are snapshot {}.\n\
         Rolling back in {timeout}s unless confirmed (answer 'yes' here, or run 'fw-safetynet confirm').",
        snapshot.id
    );
    wait_for_outcome(state, &pending)
}

/// The foreground half of `apply`: waits for `confirm` (from here when interactive, or from any
/// session) or for the rollback. Killing it changes nothing: the watchdog owns the deadline.
fn wait_for_outcome(state: &StateDir, pending: &Pending) -> Result<u8, String> {
    let (answers, answered) = mpsc::channel();
    if std::io::stdin().is_terminal() {
        eprint!("Keep the new rules? Type 'yes': ");
        std::thread::spawn(move || {
            for line in std::io::stdin().lines().map_while(Result::ok) {
                if answers.send(line).is_err() {
                    break;
                }
            }
        });
    }
    loop {
        if let Ok(line) = answered.try_recv() {
            if line.trim() == "yes" {
                // Too late (already rolled back) is reported; the outcome below says the rest.
                if let Err(e) = confirm(state) {
                    eprintln!("fw-safetynet: {e}");
                }
            } else {
                eprint!("Type 'yes' to keep the new rules: ");
            }
        }
        match state.read_pending(Slot::Apply)? {
            Some(p) if p.token == pending.token => {
                if now_ms() >= pending.deadline_ms + FOREGROUND_GRACE_MS {
                    eprintln!(
                        "\nfw-safetynet: the watchdog did not roll back; rolling back myself"
                    );
                    watchdog::expire(
                        state,
                        Slot::Apply,
                        Some(&pending.token),
                        "foreground, watchdog missing",
                    )?;
                }
            }
            _ => {
                let outcome = state
                    .read_outcome(&pending.token)
                    .unwrap_or_else(|| "ended (no outcome recorded)".into());
                say!("\n{}: {outcome}", pending.source);
                return Ok(if outcome == "confirmed" {
                    0
                } else {
                    EXIT_ROLLED_BACK
                });
            }
        }
        std::thread::sleep(watchdog::POLL);
    }
}

fn confirm(state: &StateDir) -> Result<u8, String> {
    let _lock = state.lock()?;
    let Some(pending) = state.read_pending(Slot::Apply)? else {
        return Err(
            "nothing to confirm: no apply is pending (see 'fw-safetynet status' and the log)"
                .into(),
        );
    };
    // Outcome first: see watchdog::expire.
    state.write_outcome(&pending.token, "confirmed")?;
    state.remove_pending(Slot::Apply)?;
    state.log(&format!("confirmed apply of {}", pending.source));
    say!(
        "Confirmed: keeping the rules of {} ({} holds the old ones).",
        pending.source,
        pending.describe_action()
    );
    Ok(0)
}

fn rollback(state: &StateDir) -> Result<u8, String> {
    match watchdog::expire(state, Slot::Apply, None, "rollback command")? {
        Some(done) => {
            say!("{done}");
            Ok(0)
        }
        None => Err("nothing to roll back: no apply is pending".into()),
    }
}

fn arm(state: &StateDir, args: &Args) -> Result<u8, String> {
    let delay = parse_duration(args.arm_in.as_deref().unwrap_or(DEFAULT_ARM_IN), 60)?;
    let target = args
        .to
        .as_deref()
        .map(|path| load_ruleset(path, args))
        .transpose()?;
    if let Some(ruleset) = &target {
        ruleset.check()?;
    }
    let unit_dir = args.persistent.then(|| {
        args.unit_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(systemd::DEFAULT_UNIT_DIR))
    });
    let _lock = state.lock()?;
    let previous = state.read_pending(Slot::Arm)?;
    let (action, source) = match &target {
        Some(ruleset) => {
            let dir = state.arm_target_dir();
            if dir.exists() {
                std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            parts::write(&dir, &ruleset.parts)?;
            (Action::Ruleset, ruleset.source.display().to_string())
        }
        None if args.open => (Action::Open, "open".to_string()),
        None => {
            let snapshot = Snapshot::take(state, "known-good rules for arm")?;
            (
                Action::Snapshot(snapshot.id),
                format!("snapshot {}", snapshot.id),
            )
        }
    };
    let deadline_ms = now_ms() + delay * 1000;
    if let Some(old_dir) = previous.as_ref().and_then(|p| p.unit_dir.as_ref())
        && unit_dir.as_ref() != Some(old_dir)
    {
        systemd::remove(old_dir)?;
    }
    if let Some(dir) = &unit_dir
        && let Some(warning) = systemd::install(dir, &state.path, deadline_ms)?
    {
        eprintln!("fw-safetynet: warning: {warning}");
    }
    let pending = watchdog::start(
        state,
        Slot::Arm,
        Pending {
            token: new_token(),
            deadline_ms,
            watchdog_pid: 0,
            action,
            source,
            unit_dir,
        },
    )?;
    let verb = if previous.is_some() {
        "Re-armed"
    } else {
        "Armed"
    };
    state.log(&format!("armed: {}", describe_pending(Slot::Arm, &pending)));
    say!(
        "{verb}: {}. Run 'fw-safetynet disarm' to cancel.",
        describe_pending(Slot::Arm, &pending)
    );
    Ok(0)
}

fn disarm(state: &StateDir) -> Result<u8, String> {
    let _lock = state.lock()?;
    let Some(pending) = state.read_pending(Slot::Arm)? else {
        say!("Nothing is armed.");
        return Ok(0);
    };
    state.remove_pending(Slot::Arm)?;
    if let Some(dir) = &pending.unit_dir {
        systemd::remove(dir)?;
    }
    state.log(&format!(
        "disarmed the reset to {}",
        pending.describe_action()
    ));
    say!(
        "Disarmed: the reset to {} ({}) will not happen.",
        pending.describe_action(),
        in_secs(pending.deadline_ms)
    );
    Ok(0)
}

fn fire(state: &StateDir) -> Result<u8, String> {
    match watchdog::expire(state, Slot::Arm, None, "fire command")? {
        Some(done) => say!("{done}"),
        None => say!("Nothing is armed."),
    }
    Ok(0)
}

fn status(state: &StateDir, json: bool) -> Result<u8, String> {
    let apply = state.read_pending(Slot::Apply)?;
    let armed = state.read_pending(Slot::Arm)?;
    let ids = Snapshot::ids(state)?;
    if json {
        let record = |slot: Slot, p: &Option<Pending>| match p {
            None => "null".to_string(),
            Some(p) => format!(
                "{{\"source\":{},\"action\":{},\"deadline\":{},\"deadline_unix_ms\":{},\"remaining_ms\":{},\
                 \"watchdog_pid\":{},\"watchdog_running\":{}{}}}",
                json_string(&p.source),
                json_string(&p.describe_action()),
                json_string(&format!("{}Z", format_utc(p.deadline_ms).replace(' ', "T"))),
                p.deadline_ms,
                p.deadline_ms.saturating_sub(now_ms()),
                p.watchdog_pid,
                p.watchdog_running(),
                match (slot, &p.unit_dir) {
                    (Slot::Arm, Some(dir)) => format!(
                        ",\"persistent_unit_dir\":{}",
                        json_string(&dir.display().to_string())
                    ),
                    (Slot::Arm, None) => ",\"persistent_unit_dir\":null".into(),
                    _ => String::new(),
                }
            ),
        };
        say!(
            "{{\"state_dir\":{},\"apply\":{},\"armed\":{},\"snapshots\":{},\"latest_snapshot\":{}}}",
            json_string(&state.path.display().to_string()),
            record(Slot::Apply, &apply),
            record(Slot::Arm, &armed),
            ids.len(),
            ids.last().map_or("null".into(), |id| id.to_string())
        );
        return Ok(0);
    }
    match &apply {
        Some(p) => say!("Pending: {}", describe_pending(Slot::Apply, p)),
        None => say!("No apply pending."),
    }
    match &armed {
        Some(p) => {
            say!("Armed: {}", describe_pending(Slot::Arm, p));
            if let Some(dir) = &p.unit_dir {
                say!("  persistent: systemd timer in {}", dir.display());
            }
        }
        None => say!("Not armed."),
    }
    say!(
        "{} snapshot(s) in {}.",
        ids.len(),
        state.snapshots_dir().display()
    );
    Ok(0)
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out += "\\\"",
            '\\' => out += "\\\\",
            c if (c as u32) < 0x20 => out += &format!("\\u{:04x}", c as u32),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(state: &StateDir) -> Result<u8, String> {
    let ids = Snapshot::ids(state)?;
    if ids.is_empty() {
        say!("No snapshots.");
        return Ok(0);
    }
    say!("{:>4}  {:<19}  REASON / TABLES", "ID", "TIME (UTC)");
    for id in ids {
        let snapshot = Snapshot::load(state, id)?;
        say!(
            "{id:>4}  {}  {}\n{:27}{}",
            format_utc(snapshot.time_ms),
            snapshot.reason,
            "",
            snapshot.summary()
        );
    }
    Ok(0)
}

fn restore(state: &StateDir, id: &str) -> Result<u8, String> {
    let id: u32 = id
        .parse()
        .map_err(|_| format!("invalid snapshot number '{id}' (see 'fw-safetynet list')"))?;
    let _lock = state.lock()?;
    let snapshot = Snapshot::load(state, id)?;
    if let Some(pending) = state.read_pending(Slot::Apply)? {
        return Err(format!(
            "an apply is pending; confirm or roll it back first:\n  {}",
            describe_pending(Slot::Apply, &pending)
        ));
    }
    let before = Snapshot::take(state, &format!("before restore of snapshot {id}"))?;
    snapshot.restore()?;
    state.log(&format!(
        "restored snapshot {id}; the rules before are snapshot {}",
        before.id
    ));
    say!(
        "Restored snapshot {id}; the rules before are snapshot {}.",
        before.id
    );
    Ok(0)
}

fn run_watchdog(state: &StateDir, args: &[String]) -> Result<u8, String> {
    let slot = Slot::from_name(&args[0]).ok_or_else(|| format!("unknown slot '{}'", args[0]))?;
    let deadline_ms = args[2]
        .parse()
        .map_err(|_| format!("invalid deadline '{}'", args[2]))?;
    if let Err(e) = watchdog::watch(state, slot, &args[1], deadline_ms) {
        state.log(&format!("watchdog for {}: {e}", slot.name()));
        return Err(e);
    }
    Ok(0)
}
