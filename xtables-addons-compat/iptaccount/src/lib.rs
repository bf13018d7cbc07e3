// SPDX-License-Identifier: GPL-2.0-only
//! iptaccount: shows the per-IP counters of the ACCOUNT target's kernel tables through
//! libxt_ACCOUNT_cl's functions. Upstream's flags and output byte for byte, plus JSON, Prometheus text
//! format and a read-only HTTP endpoint for scrapers. The binary (main.rs) is the driver.

/// `eprintln!` that never panics: a closed stderr (a reader gone) must not abort a
/// listener or turn a clean exit status into a panic; what cannot be written is dropped.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod args;
pub mod http;
pub mod privs;
pub mod render;
pub mod session;

use session::{Family, Session, Table};

/// Reads `table` (of either family), or every table when None (IPv4 ones, then IPv6 ones),
/// flushing when asked. A table that vanishes between listing and reading (its last rule
/// deleted) is left out; any other failed read (a named table that does not exist, no free
/// kernel handle) is an error ("table NAME: message").
pub fn read_tables(
    session: &mut Session,
    table: Option<&[u8]>,
    flush: bool,
) -> Result<Vec<Table>, String> {
    let failed = |name: &[u8], e| format!("table {}: {e}", String::from_utf8_lossy(name));
    if let Some(name) = table {
        let table = session.read_any(name, flush).map_err(|e| failed(name, e))?;
        return Ok(vec![table]);
    }
    let mut tables = Vec::new();
    for family in Family::ALL {
        let names = session.table_names(family).map_err(|e| e.to_string())?;
        for name in names {
            match session.read(family, &name, flush) {
                Ok(t) => tables.push(t),
                Err(e) => {
                    let still_there = session.table_names(family).map_err(|e| e.to_string())?;
                    if still_there.contains(&name) {
                        return Err(failed(&name, e));
                    }
                }
            }
        }
    }
    Ok(tables)
}

/// The stderr warning for a table that could not count everything, if it could not.
pub fn uncounted_warning(table: &Table) -> Option<String> {
    let n = table.uncounted;
    (n > 0).then(|| {
        format!(
            "iptaccount: warning: table {}: {n} {} not counted since the last flush: the table is full (xt_ACCOUNT parameter ip6_max_addresses)",
            String::from_utf8_lossy(&table.name),
            if n == 1 { "packet" } else { "packets" }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_only_about_uncounted_packets() {
        let mut t = Table {
            name: b"net6".to_vec(),
            family: Family::Ipv6,
            uncounted: 0,
            records: Vec::new(),
        };
        assert_eq!(uncounted_warning(&t), None);
        t.uncounted = 1;
        assert!(
            uncounted_warning(&t)
                .unwrap()
                .contains("table net6: 1 packet not counted")
        );
        t.uncounted = 12;
        assert_eq!(
            uncounted_warning(&t).unwrap(),
            "iptaccount: warning: table net6: 12 packets not counted since the last flush: \
             the table is full (xt_ACCOUNT parameter ip6_max_addresses)"
        );
    }
}
