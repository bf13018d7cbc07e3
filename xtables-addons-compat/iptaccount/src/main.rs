// SPDX-License-Identifier: GPL-2.0-only
//! iptaccount(8). Exit status as upstream's: 255 when the library cannot start or a
//! handle/table-list call fails, 1 when reading a table fails; 2 for a bad command line
//! (upstream exits 0 there); 1 when the output cannot be written.

use std::io::{self, BufWriter, Write};
use std::net::TcpListener;
use std::process::ExitCode;
use std::thread::sleep;
use std::time::Duration;

use iptaccount::args::{self, Args, Command, Format};
use iptaccount::session::{Family, Session};
use iptaccount::{http, privs, read_tables, render, uncounted_warning};

fn main() -> ExitCode {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = match args::parse(std::env::args_os().skip(1)) {
        Ok(Command::Usage) => usage(&mut out, false).map(|()| 0),
        Ok(Command::Help) => usage(&mut out, true).map(|()| 0),
        Ok(Command::Run(a)) => match (a.listen, a.format) {
            (Some(_), _) => listen(&a),
            (None, Some(format)) => machine(&mut out, &a, format),
            (None, None) => classic(&mut out, &a),
        },
        Err(e) => {
            iptaccount::warn!("iptaccount: {e}");
            usage(&mut out, false).map(|()| 2)
        }
    };
    match result.and_then(|code| out.flush().map(|()| code)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            iptaccount::warn!("iptaccount: {e}");
            ExitCode::from(1)
        }
    }
}

fn usage(out: &mut impl Write, long: bool) -> io::Result<()> {
    render::banner(out)?;
    render::usage(out)?;
    if long {
        render::long_help(out)?;
    }
    Ok(())
}

/// Upstream's run: -u, -h, -a, then -l (every second with -c), then "Finished.".
fn classic(out: &mut impl Write, a: &Args) -> io::Result<u8> {
    render::banner(out)?;
    let mut session = match Session::open() {
        Ok(s) => s,
        Err(e) => {
            writeln!(out, "Init failed: {e}")?;
            return Ok(255);
        }
    };
    if a.handle_usage {
        match session.handle_usage() {
            Ok(n) => writeln!(out, "Current kernel handle usage: {n}")?,
            Err(e) => {
                writeln!(out, "get_handle_usage failed: {e}")?;
                return Ok(255);
            }
        }
    }
    if a.free_handles {
        match session.free_all_handles() {
            Ok(()) => writeln!(out, "Freed all handles in kernel space")?,
            Err(e) => {
                writeln!(out, "handle_free_all failed: {e}")?;
                return Ok(255);
            }
        }
    }
    if a.list_tables {
        // Both lists before any line: a failure prints no partial list, as upstream.
        let names: Result<Vec<_>, _> = Family::ALL
            .iter()
            .map(|&family| session.table_names(family))
            .collect();
        match names {
            Ok(names) => {
                for name in names.concat() {
                    out.write_all(b"Found table: ")?;
                    out.write_all(&name)?;
                    out.write_all(b"\n")?;
                }
            }
            Err(e) => {
                writeln!(out, "get_table_names failed: {e}")?;
                return Ok(255);
            }
        }
    }
    if let Some(table) = &a.table {
        for run in 0u32.. {
            // Before the read, as upstream: a failed read follows these lines.
            if a.csv {
                render::csv_header(out)?;
            } else {
                out.write_all(b"Showing table: ")?;
                out.write_all(table)?;
                out.write_all(b"\n")?;
            }
            match session.read_any(table, a.flush) {
                Ok(t) => {
                    render::classic_run(out, run, &t.records, a.csv)?;
                    if let Some(warning) = uncounted_warning(&t) {
                        // After the lines it concerns when both streams go to a terminal.
                        out.flush()?;
                        iptaccount::warn!("{warning}");
                    }
                }
                Err(e) => {
                    writeln!(out, "Read failed: {e}")?;
                    return Ok(1);
                }
            }
            if !a.repeat {
                break;
            }
            out.flush()?;
            sleep(Duration::from_secs(1));
        }
    }
    writeln!(out, "Finished.")?;
    Ok(0)
}

/// --json / --prometheus: one document, errors on stderr.
fn machine(out: &mut impl Write, a: &Args, format: Format) -> io::Result<u8> {
    let tables = Session::open()
        .map_err(|e| e.to_string())
        .and_then(|mut s| read_tables(&mut s, a.table.as_deref(), a.flush));
    let tables = match tables {
        Ok(t) => t,
        Err(e) => {
            iptaccount::warn!("iptaccount: {e}");
            return Ok(1);
        }
    };
    let doc = match format {
        Format::Json => render::json(&tables),
        Format::Prometheus => render::prometheus(&tables),
    };
    out.write_all(doc.as_bytes())?;
    Ok(0)
}

/// --listen: the HTTP endpoint, until killed.
fn listen(a: &Args) -> io::Result<u8> {
    let Some(addr) = a.listen else { return Ok(2) };
    let mut session = match Session::open() {
        Ok(s) => s,
        Err(e) => {
            iptaccount::warn!("iptaccount: {e}");
            return Ok(255);
        }
    };
    let listener = TcpListener::bind(addr)
        .map_err(|e| io::Error::new(e.kind(), format!("--listen {addr}: {e}")))?;
    // Both sockets are open: what parses requests from the network keeps CAP_NET_ADMIN only.
    let dropped = privs::keep_only_net_admin()
        .map_err(|e| io::Error::new(e.kind(), format!("--listen: dropping privileges: {e}")))?;
    let caps = if dropped.net_admin {
        "CAP_NET_ADMIN"
    } else {
        iptaccount::warn!("iptaccount: warning: no CAP_NET_ADMIN: every read will fail");
        "none"
    };
    iptaccount::warn!(
        "iptaccount: serving http://{addr}/metrics (uid {}, gid {}, capabilities: {caps})",
        dropped.uid,
        dropped.gid
    );
    let table = a.table.as_deref();
    http::serve(&listener, &mut || {
        read_tables(&mut session, table, false).map(|t| render::prometheus(&t))
    })?;
    Ok(0)
}
