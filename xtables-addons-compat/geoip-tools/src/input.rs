// SPDX-License-Identifier: GPL-2.0-only
//! The inputs the builders read: DB-IP's country CSV (upstream's xt_geoip_build), MaxMind's
//! GeoLite2 country and ASN CSVs (upstream's xt_geoip_build_maxmind, xt_asn_build) and MaxMind
//! DB files (`.mmdb`, beyond upstream). Each reader adds ranges to a [`Database`]; a malformed
//! record is an error naming the input and the line (or, in a `.mmdb`, what is wrong where).

use std::collections::HashMap;
use std::io::{self, IsTerminal, Read, Write};
use std::net::IpAddr;

use shim::geoip::Range;

use crate::csv;
use crate::db::{Asn, Country, Database};
use crate::mmdb::{Mmdb, MmdbError, RecordCache, Value};

/// Longest input read: a GeoLite2 City `.mmdb` is about 70 MB, DB-IP's country CSV 25 MB.
pub const MAX_INPUT: u64 = 1 << 30;

/// An input's bytes and the name errors give it.
pub struct Source {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Source {
    /// Reads `path`, or standard input for "-".
    pub fn read(path: &str) -> Result<Self, String> {
        let (name, mut reader): (String, Box<dyn Read>) = if path == "-" {
            ("standard input".into(), Box::new(io::stdin().lock()))
        } else {
            let f = std::fs::File::open(path).map_err(|e| format!("Cannot open {path}: {e}"))?;
            (path.to_owned(), Box::new(f))
        };
        let mut bytes = Vec::new();
        reader
            .by_ref()
            .take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{name}: read error: {e}"))?;
        if bytes.len() as u64 > MAX_INPUT {
            return Err(format!("{name}: larger than {MAX_INPUT} bytes"));
        }
        Ok(Source { name, bytes })
    }

    /// Whether the input is a MaxMind DB rather than CSV.
    pub fn is_mmdb(&self) -> bool {
        crate::mmdb::is_mmdb(&self.bytes)
    }

    /// Refuses input that is neither text nor a MaxMind DB (a NUL byte in its first 4 KiB): a
    /// truncated `.mmdb` has lost its metadata and would otherwise be read as bad CSV.
    pub fn check_text(&self) -> Result<(), String> {
        let head = &self.bytes[..self.bytes.len().min(4096)];
        if head.contains(&0) {
            return Err(self.error("binary data without MaxMind DB metadata (a truncated .mmdb?)"));
        }
        Ok(())
    }

    fn error(&self, what: impl std::fmt::Display) -> String {
        format!("{}: {what}", self.name)
    }
}

/// Upstream's progress lines on standard error: `N entries` every 4096 lines while reading
/// (on a terminal only: they are cursor movements), `N entries total` after each CSV file.
pub struct Progress {
    pub quiet: bool,
    tty: bool,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        Progress {
            quiet,
            tty: io::stderr().is_terminal(),
        }
    }

    fn line(&self, lines: u64) {
        if !self.quiet && self.tty && lines.is_multiple_of(4096) {
            let _ = write!(io::stderr(), "\r\x1b[2K{lines} entries");
        }
    }

    fn total(&self, lines: u64) {
        if !self.quiet {
            let clear = if self.tty { "\r\x1b[2K" } else { "" };
            let _ = writeln!(io::stderr(), "{clear}{lines} entries total");
        }
    }
}

/// Either family's range.
enum AnyRange {
    V4(Range<u32>),
    V6(Range<u128>),
}

fn parse_addr(text: &str) -> Result<IpAddr, String> {
    text.parse()
        .map_err(|_| format!("\"{}\" is not an IPv4 or IPv6 address", text.escape_debug()))
}

/// `first,last` of a DB-IP row: both of one family, first <= last.
fn address_range(first: &str, last: &str) -> Result<AnyRange, String> {
    match (parse_addr(first)?, parse_addr(last)?) {
        (IpAddr::V4(a), IpAddr::V4(b)) if a <= b => {
            Ok(AnyRange::V4(Range::new(a.into(), b.into())))
        }
        (IpAddr::V6(a), IpAddr::V6(b)) if a <= b => {
            Ok(AnyRange::V6(Range::new(a.into(), b.into())))
        }
        (IpAddr::V4(_), IpAddr::V4(_)) | (IpAddr::V6(_), IpAddr::V6(_)) => {
            Err(format!("range {first}-{last} ends before it begins"))
        }
        _ => Err(format!("range {first}-{last} mixes IPv4 and IPv6")),
    }
}

/// A network in CIDR notation (`1.0.0.0/24`, `2001:db8::/32`), without host bits.
fn network(text: &str) -> Result<AnyRange, String> {
    let bad = || {
        format!(
            "\"{}\" is not a network (ADDRESS/PREFIX)",
            text.escape_debug()
        )
    };
    let (addr, prefix) = text.split_once('/').ok_or_else(bad)?;
    if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let prefix: u32 = prefix.parse().map_err(|_| bad())?;
    let host_bits = |bits: u32| {
        if prefix > bits {
            Err(format!("network {text}: prefix longer than {bits} bits"))
        } else {
            Ok(u128::MAX
                .checked_shr(128 - (bits - prefix))
                .filter(|_| prefix < bits)
                .unwrap_or(0))
        }
    };
    match parse_addr(addr)? {
        IpAddr::V4(a) => {
            let host = host_bits(32)? as u32;
            let begin = u32::from(a);
            if begin & host != 0 {
                return Err(format!("network {text} has host bits set"));
            }
            Ok(AnyRange::V4(Range::new(begin, begin | host)))
        }
        IpAddr::V6(a) => {
            let host = host_bits(128)?;
            let begin = u128::from(a);
            if begin & host != 0 {
                return Err(format!("network {text} has host bits set"));
            }
            Ok(AnyRange::V6(Range::new(begin, begin | host)))
        }
    }
}

fn add<K: crate::db::Key>(db: &mut Database<K>, key: K, range: AnyRange) {
    let entry = db.entry(key);
    match range {
        AnyRange::V4(r) => entry.v4.push(r),
        AnyRange::V6(r) => entry.v6.push(r),
    }
}

/// Reads every record of a CSV input, handing each (line, fields) to `row`.
fn each_record(
    src: &Source,
    progress: &Progress,
    mut row: impl FnMut(u64, Vec<String>) -> Result<(), String>,
) -> Result<(), String> {
    let mut reader = csv::Reader::new(&src.bytes[..]);
    while let Some(record) = reader.next_record() {
        let (line, fields) = record.map_err(|e| src.error(e))?;
        row(line, fields).map_err(|e| src.error(format!("line {line}: {e}")))?;
        progress.line(reader.lines());
    }
    progress.total(reader.lines());
    Ok(())
}

/// DB-IP's country CSV: no header, `first,last,CC` per line, IPv4 and IPv6 rows mixed.
/// Upstream's tool silently drops IPv6 rows whose first address starts with `::`, and
/// treats a lower-case code as another country whose files overwrite the upper-case one's;
/// here both are what they say.
pub fn dbip(src: &Source, db: &mut Database<Country>, progress: &Progress) -> Result<(), String> {
    each_record(src, progress, |_, fields| {
        let [first, last, code] = &fields[..] else {
            return Err(format!(
                "expected 3 fields (first address, last address, country code), found {}",
                fields.len()
            ));
        };
        let country = Country::parse(code)
            .ok_or_else(|| format!("\"{}\" is not a country code", code.escape_debug()))?;
        add(db, country, address_range(first, last)?);
        Ok(())
    })
}

/// The columns of a CSV header row, by name.
struct Header(HashMap<String, usize>);

impl Header {
    fn read(src: &Source, reader: &mut csv::Reader<&[u8]>) -> Result<Self, String> {
        match reader.next_record() {
            Some(Ok((_, names))) => Ok(Header(
                names.into_iter().enumerate().map(|(i, n)| (n, i)).collect(),
            )),
            Some(Err(e)) => Err(src.error(e)),
            None => Err(src.error("empty file (a header row was expected)")),
        }
    }

    fn column(&self, src: &Source, name: &str) -> Result<usize, String> {
        self.0
            .get(name)
            .copied()
            .ok_or_else(|| src.error(format!("the header has no {name} column")))
    }
}

/// Field `i` of a row; a missing one reads as empty, as in Perl.
fn field(fields: &[String], i: usize) -> &str {
    fields.get(i).map_or("", String::as_str)
}

/// Perl truthiness of a CSV field: "" and "0" are false.
fn truthy(text: &str) -> bool {
    !text.is_empty() && text != "0"
}

/// MaxMind's `GeoLite2-Country-Locations-en.csv`: geoname id to country (or, for places
/// without one, continent) code, and the names upstream prints.
pub struct Locations {
    codes: HashMap<String, Country>,
}

impl Locations {
    /// Reads the locations file and creates every code's (empty) entry, with its name, as
    /// upstream does; A1, A2 and O1 too.
    pub fn read(src: &Source, db: &mut Database<Country>) -> Result<Self, String> {
        let mut reader = csv::Reader::new(&src.bytes[..]);
        let header = Header::read(src, &mut reader)?;
        let [id, cc, name, ct, cn] = [
            "geoname_id",
            "country_iso_code",
            "country_name",
            "continent_code",
            "continent_name",
        ]
        .map(|c| header.column(src, c));
        let (id, cc, name, ct, cn) = (id?, cc?, name?, ct?, cn?);
        let mut codes = HashMap::new();
        while let Some(record) = reader.next_record() {
            let (line, f) = record.map_err(|e| src.error(e))?;
            let (code, long) = if field(&f, cc).is_empty() && field(&f, name).is_empty() {
                (field(&f, ct), field(&f, cn))
            } else {
                (field(&f, cc), field(&f, name))
            };
            let country = Country::parse(code).ok_or_else(|| {
                src.error(format!(
                    "line {line}: \"{}\" is not a country code",
                    code.escape_debug()
                ))
            })?;
            codes.insert(field(&f, id).to_owned(), country);
            db.entry(country).name = Some(long.to_owned());
        }
        for (code, long) in [
            (*b"A1", "Anonymous Proxy"),
            (*b"A2", "Satellite Provider"),
            (*b"O1", "Other Country"),
        ] {
            db.entry(Country(code)).name = Some(long.into());
        }
        Ok(Locations { codes })
    }
}

/// A GeoLite2 country blocks CSV (`GeoLite2-Country-Blocks-IPv4.csv` or `-IPv6.csv`): header
/// row, then `network,geoname_id,registered_country_geoname_id,...,is_anonymous_proxy,
/// is_satellite_provider,...`. Upstream's mapping: proxy A1, satellite A2, the location's code,
/// else the registered country's, else O1; an unknown id is an error.
pub fn maxmind_country(
    src: &Source,
    locations: &Locations,
    db: &mut Database<Country>,
    progress: &Progress,
) -> Result<(), String> {
    let mut reader = csv::Reader::new(&src.bytes[..]);
    let header = Header::read(src, &mut reader)?;
    let net = header.column(src, "network")?;
    let id = header.column(src, "geoname_id")?;
    let rid = header.column(src, "registered_country_geoname_id")?;
    // Gone from some newer exports: absent means "no".
    let proxy = header.column(src, "is_anonymous_proxy").ok();
    let sat = header.column(src, "is_satellite_provider").ok();
    let flag = |f: &[String], col: Option<usize>| col.is_some_and(|c| truthy(field(f, c)));
    while let Some(record) = reader.next_record() {
        let (line, f) = record.map_err(|e| src.error(e))?;
        let at = |e: String| src.error(format!("line {line}: {e}"));
        let country = if flag(&f, proxy) {
            Country(*b"A1")
        } else if flag(&f, sat) {
            Country(*b"A2")
        } else {
            // Perl's `$id ||= $rid`: an empty or "0" location falls back to the registered one.
            let geoname = Some(field(&f, id))
                .filter(|s| truthy(s))
                .unwrap_or(field(&f, rid));
            if geoname.is_empty() {
                Country(*b"O1")
            } else {
                *locations
                    .codes
                    .get(geoname)
                    .ok_or_else(|| at(format!("unknown geoname id {geoname}")))?
            }
        };
        add(db, country, network(field(&f, net)).map_err(at)?);
        progress.line(reader.lines());
    }
    progress.total(reader.lines());
    Ok(())
}

/// A GeoLite2 ASN blocks CSV: header row, then `network,autonomous_system_number,
/// autonomous_system_organization`. With `zone`, upstream's DNS records for every row:
/// `ASN<TAB><TAB>IN<TAB>APL<TAB>1:NETWORK` (2: for IPv6) and `ASN<TAB><TAB>IN<TAB>TXT<TAB>"ORG"`
/// (quotes and backslashes in ORG escaped, which upstream forgets).
pub fn maxmind_asn(
    src: &Source,
    db: &mut Database<Asn>,
    mut zone: Option<&mut Vec<u8>>,
    progress: &Progress,
) -> Result<(), String> {
    let mut reader = csv::Reader::new(&src.bytes[..]);
    let header = Header::read(src, &mut reader)?;
    let net = header.column(src, "network")?;
    let asn = header.column(src, "autonomous_system_number")?;
    let org = header.column(src, "autonomous_system_organization").ok();
    while let Some(record) = reader.next_record() {
        let (line, f) = record.map_err(|e| src.error(e))?;
        let at = |e: String| src.error(format!("line {line}: {e}"));
        let text = field(&f, asn);
        let number = Asn::parse(text).ok_or_else(|| {
            at(format!(
                "\"{}\" is not an AS number (1 to 4294967295)",
                text.escape_debug()
            ))
        })?;
        let range = network(field(&f, net)).map_err(at)?;
        if let Some(zone) = zone.as_deref_mut() {
            let family = if matches!(range, AnyRange::V4(_)) {
                1
            } else {
                2
            };
            let name = org
                .map_or("", |c| field(&f, c))
                .replace('\\', "\\\\")
                .replace('"', "\\\"");
            let _ = write!(
                zone,
                "{number}\t\tIN\tAPL\t{family}:{}\n{number}\t\tIN\tTXT\t\"{name}\"\n",
                field(&f, net)
            );
        }
        add(db, number, range);
        progress.line(reader.lines());
    }
    progress.total(reader.lines());
    Ok(())
}

fn mmdb_error(src: &Source, e: MmdbError) -> String {
    src.error(e)
}

/// Every network of a MaxMind DB with the key `key_of` gives its record (`None`: skipped).
fn mmdb_networks<K: crate::db::Key>(
    src: &Source,
    db: &mut Database<K>,
    key_of: impl Fn(&Value) -> Option<K>,
) -> Result<(), String> {
    let mmdb = Mmdb::open(&src.bytes).map_err(|e| mmdb_error(src, e))?;
    let networks = mmdb.networks().map_err(|e| mmdb_error(src, e))?;
    let mut cache: RecordCache<Option<K>> = RecordCache::new(&mmdb);
    for (range, offset) in networks.v4 {
        if let Some(key) = cache
            .get(offset, |v| Ok(key_of(v)))
            .map_err(|e| mmdb_error(src, e))?
        {
            db.entry(key).v4.push(range);
        }
    }
    for (range, offset) in networks.v6 {
        if let Some(key) = cache
            .get(offset, |v| Ok(key_of(v)))
            .map_err(|e| mmdb_error(src, e))?
        {
            db.entry(key).v6.push(range);
        }
    }
    Ok(())
}

/// A country MaxMind DB (GeoLite2/GeoIP2 Country or City, DB-IP's lite country): the CSV
/// tool's mapping, with the record's `traits`, `country`, `registered_country` and `continent`.
pub fn mmdb_country(src: &Source, db: &mut Database<Country>) -> Result<(), String> {
    mmdb_networks(src, db, |record| {
        let flag = |name| record.get(&["traits", name]).and_then(Value::as_bool) == Some(true);
        if flag("is_anonymous_proxy") {
            return Some(Country(*b"A1"));
        }
        if flag("is_satellite_provider") {
            return Some(Country(*b"A2"));
        }
        let code = [
            &["country", "iso_code"][..],
            &["registered_country", "iso_code"],
            &["continent", "code"],
        ]
        .iter()
        .find_map(|path| {
            record
                .get(path)
                .and_then(Value::as_str)
                .and_then(Country::parse)
        });
        Some(code.unwrap_or(Country(*b"O1")))
    })
}

/// An ASN MaxMind DB (GeoLite2-ASN): `autonomous_system_number` of each network.
pub fn mmdb_asn(src: &Source, db: &mut Database<Asn>) -> Result<(), String> {
    mmdb_networks(src, db, |record| {
        let n = record
            .get(&["autonomous_system_number"])
            .and_then(Value::as_uint)?;
        u32::try_from(n).ok().filter(|&n| n != 0).map(Asn)
    })
}

/// Whether a CSV's first record is a MaxMind header (it names a `network` column).
pub fn has_network_header(src: &Source) -> bool {
    let mut reader = csv::Reader::new(&src.bytes[..]);
    matches!(reader.next_record(), Some(Ok((_, f))) if f.iter().any(|c| c == "network"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks() {
        let r = |t| match network(t) {
            Ok(AnyRange::V4(r)) => Ok((u128::from(r.begin), u128::from(r.end))),
            Ok(AnyRange::V6(r)) => Ok((r.begin, r.end)),
            Err(e) => Err(e),
        };
        assert_eq!(r("1.0.0.0/24"), Ok((0x0100_0000, 0x0100_00ff)));
        assert_eq!(r("0.0.0.0/0"), Ok((0, 0xffff_ffff)));
        assert_eq!(r("1.2.3.4/32"), Ok((0x0102_0304, 0x0102_0304)));
        assert_eq!(
            r("2001:db8::/32"),
            Ok((0x2001_0db8 << 96, (0x2001_0db8 << 96) | (u128::MAX >> 32)))
        );
        assert_eq!(r("::/0"), Ok((0, u128::MAX)));
        assert_eq!(r("::1/128"), Ok((1, 1)));
        assert_eq!(
            r("1.2.3.4/24"),
            Err("network 1.2.3.4/24 has host bits set".into())
        );
        assert_eq!(
            r("1.2.3.0/33"),
            Err("network 1.2.3.0/33: prefix longer than 32 bits".into())
        );
        for bad in [
            "1.2.3.0",
            "1.2.3.0/",
            "1.2.3.0/x",
            "1.2.3.0/+1",
            "x/8",
            "1.2.3.0/0008",
        ] {
            assert!(r(bad).is_err(), "{bad}");
        }
    }

    fn parse_range(first: &str, last: &str) -> Result<(u128, u128, bool), String> {
        match address_range(first, last)? {
            AnyRange::V4(r) => Ok((r.begin.into(), r.end.into(), false)),
            AnyRange::V6(r) => Ok((r.begin, r.end, true)),
        }
    }

    #[test]
    fn dbip_ranges() {
        assert_eq!(parse_range("::1", "::1"), Ok((1, 1, true)));
        assert_eq!(
            parse_range("1.0.0.0", "1.0.0.255"),
            Ok((0x0100_0000, 0x0100_00ff, false))
        );
        assert_eq!(
            parse_range("::ffff:1.2.3.4", "::ffff:1.2.3.4"),
            Ok((0xffff_0102_0304, 0xffff_0102_0304, true))
        );
        assert!(
            parse_range("1.0.0.1", "1.0.0.0")
                .unwrap_err()
                .contains("ends before")
        );
        assert!(parse_range("1.0.0.1", "::1").unwrap_err().contains("mixes"));
        assert!(
            parse_range("01.0.0.1", "1.0.0.2")
                .unwrap_err()
                .contains("not an IPv4")
        );
    }
}
