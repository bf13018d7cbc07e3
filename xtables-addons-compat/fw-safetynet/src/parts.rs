// SPDX-License-Identifier: GPL-2.0-only
//! Storing per-backend texts in a directory, one file per backend name; used by snapshots and by
//! the stored target of an armed reset.

use crate::backend::Backend;
use std::fs;
use std::path::Path;

pub fn write(dir: &Path, parts: &[(Backend, String)]) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (backend, text) in parts {
        let file = dir.join(backend.name());
        fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    Ok(())
}

pub fn read(dir: &Path) -> Result<Vec<(Backend, String)>, String> {
    let mut parts = Vec::new();
    for backend in Backend::ALL {
        let file = dir.join(backend.name());
        match fs::read_to_string(&file) {
            Ok(text) => parts.push((backend, text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{}: {e}", file.display())),
        }
    }
    Ok(parts)
}
