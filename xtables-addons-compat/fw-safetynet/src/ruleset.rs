// SPDX-License-Identifier: GPL-2.0-only
//! RULESET arguments: what the admin asks to apply (or to reset to), one text per backend.

use crate::backend::{Backend, Flavour};
use std::fs;
use std::path::{Path, PathBuf};

/// File names looked for in a RULESET directory: Debian's iptables-persistent names, so
/// `/etc/iptables` can be passed as is, plus a native nftables file.
pub const DIR_V4: &str = "rules.v4";
pub const DIR_V6: &str = "rules.v6";
pub const DIR_NFT: &str = "ruleset.nft";

/// What a single RULESET file holds (a directory says it through its file names).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FileKind {
    Ipv4,
    Ipv6,
    Nft,
}

pub struct Ruleset {
    pub source: PathBuf,
    pub parts: Vec<(Backend, String)>,
}

impl Ruleset {
    pub fn load(path: &Path, kind: FileKind, flavour: Flavour) -> Result<Self, String> {
        let read = |p: &Path| fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
        let backend_of = |kind| match kind {
            FileKind::Ipv4 => Backend::iptables(flavour, false),
            FileKind::Ipv6 => Backend::iptables(flavour, true),
            FileKind::Nft => Backend::Nft,
        };
        let meta = fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut parts = Vec::new();
        if meta.is_dir() {
            for (name, kind) in [
                (DIR_V4, FileKind::Ipv4),
                (DIR_V6, FileKind::Ipv6),
                (DIR_NFT, FileKind::Nft),
            ] {
                let file = path.join(name);
                if file.exists() {
                    parts.push((backend_of(kind), read(&file)?));
                }
            }
            if parts.is_empty() {
                return Err(format!(
                    "{}: no {DIR_V4}, {DIR_V6} or {DIR_NFT} in this directory",
                    path.display()
                ));
            }
        } else {
            parts.push((backend_of(kind), read(path)?));
        }
        for (backend, _) in &parts {
            if !backend.available() {
                return Err(format!(
                    "{}: the {} tools are not installed",
                    path.display(),
                    backend.name()
                ));
            }
        }
        Ok(Self {
            source: path.to_path_buf(),
            parts,
        })
    }

    /// Dry-runs every part; on failure nothing has been changed.
    pub fn check(&self) -> Result<(), String> {
        for (backend, text) in &self.parts {
            backend.check(text).map_err(|e| {
                format!(
                    "{}: rejected by {e}\nNothing was changed.",
                    self.source.display()
                )
            })?;
        }
        Ok(())
    }
}
