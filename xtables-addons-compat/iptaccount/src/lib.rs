// SPDX-License-Identifier: GPL-2.0-only
//! iptaccount: shows the per-IP counters of the ACCOUNT target's kernel tables through
//! libxt_ACCOUNT_cl's functions. Upstream's flags and output byte for byte, plus JSON, Prometheus text
//! format and a read-only HTTP endpoint for scrapers. The binary (main.rs) is the driver.

pub mod args;
pub mod http;
pub mod render;
pub mod session;

use render::Table;
use session::Session;

/// Reads `table`, or every table when None, flushing when asked. A table that vanishes
/// between listing and reading (its last rule deleted) is left out; any other failed read
/// (a named table that does not exist, no free kernel handle) is an error
/// ("table NAME: message").
pub fn read_tables(
    session: &mut Session,
    table: Option<&[u8]>,
    flush: bool,
) -> Result<Vec<Table>, String> {
    let failed = |name: &[u8], e| format!("table {}: {e}", String::from_utf8_lossy(name));
    if let Some(name) = table {
        let records = session.read(name, flush).map_err(|e| failed(name, e))?;
        return Ok(vec![Table {
            name: name.to_vec(),
            records,
        }]);
    }
    let names = session.table_names().map_err(|e| e.to_string())?;
    let mut tables = Vec::with_capacity(names.len());
    for name in names {
        match session.read(&name, flush) {
            Ok(records) => tables.push(Table { name, records }),
            Err(e) => {
                let still_there = session.table_names().map_err(|e| e.to_string())?;
                if still_there.contains(&name) {
                    return Err(failed(&name, e));
                }
            }
        }
    }
    Ok(tables)
}
