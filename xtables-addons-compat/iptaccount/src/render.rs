// SPDX-License-Identifier: GPL-2.0-only
//! The outputs: upstream's text and CSV, JSON, Prometheus text exposition format.
//! Table names are bytes from the kernel: written raw in upstream's formats (as upstream
//! does), as (lossy) UTF-8 with escaping in JSON and Prometheus labels. Addresses of both
//! families in the same shapes, IPv6 ones in RFC 5952 text.

use std::io::{self, Write};

use crate::session::{Family, Record, Table};

/// Upstream's banner, printed first by every classic run.
pub fn banner(out: &mut impl Write) -> io::Result<()> {
    write!(
        out,
        "\nlibxt_ACCOUNT_cl userspace accounting tool v{}\n\n",
        account_cl_abi::VERSION
    )
}

/// Upstream's usage text (after the banner).
pub fn usage(out: &mut impl Write) -> io::Result<()> {
    out.write_all(
        b"Unknown command line option. Try: [-u] [-h] [-a] [-f] [-c] [-s] [-l name]\n\
        [-u] show kernel handle usage\n\
        [-h] free all kernel handles (experts only!)\n\
        \n\
        [-a] list all table names\n\
        [-l name] show data in table <name>\n\
        [-f] flush data after showing\n\
        [-c] loop every second (abort with CTRL+C)\n\
        [-s] CSV output (for spreadsheet import)\n\
        \n",
    )
}

/// The options upstream does not have (for --help).
pub fn long_help(out: &mut impl Write) -> io::Result<()> {
    out.write_all(
        b"[--json] the counters as JSON (all tables, or the -l table)\n\
        [--prometheus] the counters in Prometheus text format (all tables, or the -l table)\n\
        [--listen ADDR:PORT] serve them read-only at http://ADDR:PORT/metrics\n\
        [--help] this text\n\
        \n",
    )
}

/// Upstream's CSV header, printed before each read with `-s`.
pub fn csv_header(out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "IP;SRC packets;SRC bytes;DST packets;DST bytes")
}

/// Upstream's block of one read: "Run #N" and a line per IP (after "Showing table: NAME"),
/// or with `csv` a CSV line per IP (after [`csv_header`]).
pub fn classic_run(
    out: &mut impl Write,
    run: u32,
    records: &[Record],
    csv: bool,
) -> io::Result<()> {
    let n = records.len();
    if !csv {
        writeln!(
            out,
            "Run #{run} - {n} {} found",
            if n == 1 { "item" } else { "items" }
        )?;
    }
    for r in records {
        if csv {
            writeln!(
                out,
                "{};{};{};{};{}",
                r.ip, r.src_packets, r.src_bytes, r.dst_packets, r.dst_bytes
            )?;
        } else {
            writeln!(
                out,
                "IP: {} SRC packets: {} bytes: {} DST packets: {} bytes: {}",
                r.ip, r.src_packets, r.src_bytes, r.dst_packets, r.dst_bytes
            )?;
        }
    }
    Ok(())
}

/// A JSON string literal.
fn json_string(out: &mut String, bytes: &[u8]) {
    out.push('"');
    for c in String::from_utf8_lossy(bytes).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `{"tables":[{"name":...,"records":[{"ip":...,"src_packets":...},...]},...]}` and a
/// newline. IPv6 tables also have `"family":"ipv6","uncounted":N` after the name; IPv4 ones
/// stay as they were before IPv6 (no family: IPv4), so documents of IPv4 tables do not change.
pub fn json(tables: &[Table]) -> String {
    let mut s = String::from("{\"tables\":[");
    for (i, t) in tables.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str("{\"name\":");
        json_string(&mut s, &t.name);
        if t.family == Family::Ipv6 {
            s.push_str(&format!(
                ",\"family\":\"ipv6\",\"uncounted\":{}",
                t.uncounted
            ));
        }
        s.push_str(",\"records\":[");
        for (j, r) in t.records.iter().enumerate() {
            if j > 0 {
                s.push(',');
            }
            s.push_str(&format!(
                "{{\"ip\":\"{}\",\"src_packets\":{},\"src_bytes\":{},\"dst_packets\":{},\"dst_bytes\":{}}}",
                r.ip, r.src_packets, r.src_bytes, r.dst_packets, r.dst_bytes
            ));
        }
        s.push_str("]}");
    }
    s.push_str("]}\n");
    s
}

/// A Prometheus label value: backslash, double quote and newline escaped.
fn label_value(bytes: &[u8]) -> String {
    let mut s = String::new();
    for c in String::from_utf8_lossy(bytes).chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            c => s.push(c),
        }
    }
    s
}

/// Which counter of a record a metric family shows.
type Counter = fn(&Record) -> u64;

/// The metric families: name, help, counter.
const FAMILIES: [(&str, &str, Counter); 4] = [
    ("src_packets", "Packets with the IP as source", |r| {
        r.src_packets
    }),
    (
        "src_bytes",
        "Bytes (IP total length) with the IP as source",
        |r| r.src_bytes,
    ),
    ("dst_packets", "Packets with the IP as destination", |r| {
        r.dst_packets
    }),
    (
        "dst_bytes",
        "Bytes (IP total length) with the IP as destination",
        |r| r.dst_bytes,
    ),
];

/// Text exposition format 0.0.4: four counter families, one sample per table, IP and
/// counter, and when there are IPv6 tables the uncounted packets of each (so the output of
/// IPv4 tables does not change). Counters restart from 0 when a table is flushed (a
/// counter reset).
pub fn prometheus(tables: &[Table]) -> String {
    let mut s = String::new();
    for (name, help, value) in FAMILIES {
        s.push_str(&format!(
            "# HELP iptaccount_{name}_total {help}, since the table's last flush.\n\
             # TYPE iptaccount_{name}_total counter\n"
        ));
        for t in tables {
            let table = label_value(&t.name);
            for r in &t.records {
                s.push_str(&format!(
                    "iptaccount_{name}_total{{table=\"{table}\",ip=\"{}\"}} {}\n",
                    r.ip,
                    value(r)
                ));
            }
        }
    }
    let mut ipv6 = tables
        .iter()
        .filter(|t| t.family == Family::Ipv6)
        .peekable();
    if ipv6.peek().is_some() {
        s.push_str(
            "# HELP iptaccount_uncounted_packets_total Packets an IPv6 table did not count because it was full (xt_ACCOUNT parameter ip6_max_addresses), since its last flush.\n\
             # TYPE iptaccount_uncounted_packets_total counter\n",
        );
    }
    for t in ipv6 {
        s.push_str(&format!(
            "iptaccount_uncounted_packets_total{{table=\"{}\"}} {}\n",
            label_value(&t.name),
            t.uncounted
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    use std::process::{Command, Stdio};

    fn record(ip: IpAddr, n: u64) -> Record {
        Record {
            ip,
            src_packets: n,
            src_bytes: n * 84,
            dst_packets: n + 1,
            dst_bytes: u64::MAX - n,
        }
    }

    fn table(name: &[u8], family: Family, uncounted: u64, records: Vec<Record>) -> Table {
        Table {
            name: name.to_vec(),
            family,
            uncounted,
            records,
        }
    }

    /// Three IPv4 tables (one empty), two IPv6 ones: one full, one of ::/0.
    fn sample() -> Vec<Table> {
        let r4 = |ip: [u8; 4], n| record(Ipv4Addr::from(ip).into(), n);
        let r6 = |ip: [u16; 8], n| record(Ipv6Addr::from(ip).into(), n);
        vec![
            table(
                b"lo",
                Family::Ipv4,
                0,
                vec![r4([127, 0, 0, 1], 3), r4([127, 0, 0, 2], 0)],
            ),
            table(
                b"odd \"name\"\\\n\xff",
                Family::Ipv4,
                0,
                vec![r4([10, 1, 2, 3], 1)],
            ),
            table(b"empty", Family::Ipv4, 0, vec![]),
            table(
                b"net6",
                Family::Ipv6,
                5,
                vec![
                    r6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], 2),
                    // RFC 5952: the first of two equal zero runs is compressed, lower case.
                    r6([0x2001, 0xdb8, 0, 0, 0xabc, 0, 0, 1], 4),
                    r6([0, 0, 0, 0, 0, 0xffff, 0x0a00, 1], 6),
                ],
            ),
            table(b"all6", Family::Ipv6, 0, vec![r6([0; 8], 7)]),
        ]
    }

    #[test]
    fn classic_is_upstreams_text() {
        let t = sample();
        let mut out = Vec::new();
        classic_run(&mut out, 0, &t[0].records, false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Run #0 - 2 items found\n\
             IP: 127.0.0.1 SRC packets: 3 bytes: 252 DST packets: 4 bytes: 18446744073709551612\n\
             IP: 127.0.0.2 SRC packets: 0 bytes: 0 DST packets: 1 bytes: 18446744073709551615\n"
        );
        let mut out = Vec::new();
        classic_run(&mut out, 7, &t[1].records, true).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "10.1.2.3;1;84;2;18446744073709551614\n"
        );
    }

    #[test]
    fn classic_shows_ipv6_in_the_same_shapes() {
        let t = sample();
        let mut out = Vec::new();
        classic_run(&mut out, 1, &t[3].records, false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Run #1 - 3 items found\n\
             IP: 2001:db8::1 SRC packets: 2 bytes: 168 DST packets: 3 bytes: 18446744073709551613\n\
             IP: 2001:db8::abc:0:0:1 SRC packets: 4 bytes: 336 DST packets: 5 bytes: 18446744073709551611\n\
             IP: ::ffff:10.0.0.1 SRC packets: 6 bytes: 504 DST packets: 7 bytes: 18446744073709551609\n"
        );
        let mut out = Vec::new();
        classic_run(&mut out, 0, &t[4].records, true).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::;7;588;8;18446744073709551608\n"
        );
        let mut out = Vec::new();
        classic_run(&mut out, 0, &[t[4].records[0]], false).unwrap();
        assert!(
            String::from_utf8(out)
                .unwrap()
                .starts_with("Run #0 - 1 item found\nIP: :: SRC")
        );
    }

    /// Runs a Python snippet on `input` (stdin) and returns its stdout; python3 and
    /// python3-prometheus-client are test dependencies (scripts/debian-packages.txt).
    fn python(code: &str, input: &str) -> String {
        let mut child = Command::new("/usr/bin/python3")
            .args(["-c", code])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 (scripts/debian-packages.txt) must be installed");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "python3 rejected:\n{input}");
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn json_parses_with_pythons_parser() {
        let doc = json(&sample());
        let summary = python(
            "import json,sys\n\
             d=json.load(sys.stdin)\n\
             for t in d['tables']:\n  \
               print(repr(t['name']), t.get('family', '-'), t.get('uncounted', '-'), len(t['records']))\n  \
               for r in t['records']: print(' ', r['ip'], r['src_packets'], r['src_bytes'], r['dst_packets'], r['dst_bytes'])\n\
             print(len(d['tables']))",
            &doc,
        );
        assert_eq!(
            summary,
            "'lo' - - 2\n\
             \x20 127.0.0.1 3 252 4 18446744073709551612\n\
             \x20 127.0.0.2 0 0 1 18446744073709551615\n\
             'odd \"name\"\\\\\\n\u{fffd}' - - 1\n\
             \x20 10.1.2.3 1 84 2 18446744073709551614\n\
             'empty' - - 0\n\
             'net6' ipv6 5 3\n\
             \x20 2001:db8::1 2 168 3 18446744073709551613\n\
             \x20 2001:db8::abc:0:0:1 4 336 5 18446744073709551611\n\
             \x20 ::ffff:10.0.0.1 6 504 7 18446744073709551609\n\
             'all6' ipv6 0 1\n\
             \x20 :: 7 588 8 18446744073709551608\n5\n"
        );
    }

    /// Documents of IPv4 tables are what they were before IPv6 tables existed.
    #[test]
    fn ipv4_only_outputs_are_unchanged() {
        let t = &sample()[..1];
        assert_eq!(
            json(t),
            "{\"tables\":[{\"name\":\"lo\",\"records\":[\
             {\"ip\":\"127.0.0.1\",\"src_packets\":3,\"src_bytes\":252,\"dst_packets\":4,\"dst_bytes\":18446744073709551612},\
             {\"ip\":\"127.0.0.2\",\"src_packets\":0,\"src_bytes\":0,\"dst_packets\":1,\"dst_bytes\":18446744073709551615}]}]}\n"
        );
        let text = prometheus(t);
        assert!(!text.contains("uncounted"), "{text}");
        assert_eq!(text.lines().count(), 4 * (2 + 2), "{text}");
    }

    #[test]
    fn prometheus_parses_with_prometheus_client() {
        let text = prometheus(&sample());
        let samples = python(
            "import sys\n\
             from prometheus_client.parser import text_string_to_metric_families as parse\n\
             for f in parse(sys.stdin.read()):\n  \
               assert f.type == 'counter', f.type\n  \
               for s in f.samples: print(s.name, s.labels['table'].encode('unicode_escape').decode(), s.labels.get('ip', '-'), int(s.value))",
            &text,
        );
        let lines: Vec<&str> = samples.lines().collect();
        // 4 counters x 7 IPs (none for the empty table), uncounted of the 2 IPv6 tables.
        assert_eq!(lines.len(), 30, "{samples}");
        assert_eq!(lines[0], "iptaccount_src_packets_total lo 127.0.0.1 3");
        assert_eq!(
            lines[2],
            "iptaccount_src_packets_total odd \"name\"\\\\\\n\\ufffd 10.1.2.3 1"
        );
        assert!(lines.contains(&"iptaccount_dst_packets_total lo 127.0.0.2 1"));
        assert!(lines.contains(&"iptaccount_src_bytes_total net6 2001:db8::abc:0:0:1 336"));
        assert!(lines.contains(&"iptaccount_dst_packets_total all6 :: 8"));
        assert_eq!(
            &lines[28..],
            [
                "iptaccount_uncounted_packets_total net6 - 5",
                "iptaccount_uncounted_packets_total all6 - 0"
            ]
        );
    }
}
