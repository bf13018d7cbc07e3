// SPDX-License-Identifier: GPL-2.0-only
//! Snapshots: the full rules of every available backend at one moment, kept as
//! `snapshots/<id>/<backend>` files plus a `meta` record (time, reason).

use crate::backend::{self, Backend};
use crate::parts;
use crate::state::{Action, Slot, StateDir, one_line, parse_record};
use crate::timefmt::now_ms;
use std::fs;

/// Snapshots kept; older ones are pruned unless a pending rollback still needs them.
const KEEP: usize = 50;

pub struct Snapshot {
    pub id: u32,
    pub time_ms: u64,
    pub reason: String,
    pub parts: Vec<(Backend, String)>,
}

impl Snapshot {
    /// Saves every available backend. Must run under the state lock (ids are allocated here).
    pub fn take(state: &StateDir, reason: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        for backend in Backend::ALL.into_iter().filter(|b| b.available()) {
            let text = backend
                .save()
                .map_err(|e| format!("cannot snapshot the current rules: {e}"))?;
            parts.push((backend, text));
        }
        let id = Self::ids(state)?.last().map_or(1, |last| last + 1);
        let snapshot = Self {
            id,
            time_ms: now_ms(),
            reason: one_line(reason),
            parts,
        };
        // Written under a temporary name and renamed, so a crash never leaves half a snapshot.
        let tmp = state.snapshots_dir().join(format!(".{id}.tmp"));
        let _ = fs::remove_dir_all(&tmp);
        parts::write(&tmp, &snapshot.parts)?;
        let meta = format!("time_ms={}\nreason={}\n", snapshot.time_ms, snapshot.reason);
        fs::write(tmp.join("meta"), meta).map_err(|e| format!("{}/meta: {e}", tmp.display()))?;
        let dir = state.snapshots_dir().join(id.to_string());
        fs::rename(&tmp, &dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Self::prune(state)?;
        Ok(snapshot)
    }

    pub fn load(state: &StateDir, id: u32) -> Result<Self, String> {
        let dir = state.snapshots_dir().join(id.to_string());
        let meta = fs::read_to_string(dir.join("meta")).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("no snapshot {id} (see 'fw-safetynet list')"),
            _ => format!("{}/meta: {e}", dir.display()),
        })?;
        let fields = parse_record(&meta);
        let time_ms = fields.get("time_ms").and_then(|t| t.parse().ok());
        let time_ms = time_ms.ok_or_else(|| format!("{}/meta: corrupt", dir.display()))?;
        let reason = fields.get("reason").unwrap_or(&"").to_string();
        Ok(Self {
            id,
            time_ms,
            reason,
            parts: parts::read(&dir)?,
        })
    }

    /// Snapshot ids in increasing order.
    pub fn ids(state: &StateDir) -> Result<Vec<u32>, String> {
        let dir = state.snapshots_dir();
        let entries = fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut ids: Vec<u32> = entries
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect();
        ids.sort_unstable();
        Ok(ids)
    }

    fn prune(state: &StateDir) -> Result<(), String> {
        let ids = Self::ids(state)?;
        let mut needed = Vec::new();
        for slot in [Slot::Apply, Slot::Arm] {
            if let Some(pending) = state.read_pending(slot)?
                && let Action::Snapshot(id) = pending.action
            {
                needed.push(id);
            }
        }
        let excess = ids.len().saturating_sub(KEEP);
        for id in ids
            .into_iter()
            .take(excess)
            .filter(|id| !needed.contains(id))
        {
            let dir = state.snapshots_dir().join(id.to_string());
            fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        Ok(())
    }

    /// Puts every backend back exactly as it was, with its counters.
    pub fn restore(&self) -> Result<(), String> {
        backend::set_exactly(&self.parts, true)
    }

    /// `iptables-nft: filter nat; nft: inet fw`, or `no rules`.
    pub fn summary(&self) -> String {
        let used: Vec<String> = self
            .parts
            .iter()
            .filter_map(|(backend, text)| {
                let tables = backend.table_names(text);
                (!tables.is_empty()).then(|| format!("{}: {}", backend.name(), tables.join(" ")))
            })
            .collect();
        if used.is_empty() {
            "no rules".into()
        } else {
            used.join("; ")
        }
    }
}
