// SPDX-License-Identifier: GPL-2.0-only
//! The geoip and asn database tools, upstream's names and flags without Perl:
//! `xt_geoip_build` (DB-IP CSV, and MaxMind CSV or `.mmdb`), `xt_geoip_build_maxmind`,
//! `xt_asn_build` (MaxMind ASN CSV or `.mmdb`), `xt_geoip_query` and `xt_asn_fetch` (dump,
//! look up an address, export as an nftables set or an ipset restore file).
//!
//! Exit status: 0 on success, 1 when the work fails (unreadable or malformed input, unwritable
//! output: upstream exits 1 or dies), 2 for a bad command line.

pub mod csv;
pub mod db;
pub mod input;
pub mod mmdb;
pub mod query;

use std::ffi::OsString;
use std::io::{self, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use xa_cli::getopt::Opt;
use xa_cli::{Common, Error, Sink, failure, usage};

use db::{Asn, Country, Database, Key, Output};
use input::{Locations, Progress, Source};
use query::Family;

/// Which database a tool works on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Countries: `/usr/share/xt_geoip`, `CC.iv4`.
    Geoip,
    /// AS numbers: `/usr/share/xt_asn`, `64500.iv4`.
    Asn,
}

impl Kind {
    /// Where the kernel module (and `-s`) finds the files.
    pub fn system_dir(self) -> &'static str {
        match self {
            Kind::Geoip => "/usr/share/xt_geoip",
            Kind::Asn => "/usr/share/xt_asn",
        }
    }

    /// A key operand in its file-name form: a country code upper-cased, a number as decimal.
    fn key(self, text: &str) -> Option<String> {
        match self {
            Kind::Geoip => Country::parse(text).map(|c| c.to_string()),
            Kind::Asn => Asn::parse(text).map(|a| a.to_string()),
        }
    }
}

/// Options of the builders.
#[derive(Default)]
struct BuildArgs {
    common: Common,
    target: Option<String>,
    input: Option<String>,
    source_dir: Option<String>,
    locations: Option<String>,
    zone: Option<String>,
    quiet: bool,
}

impl Sink for BuildArgs {
    fn common(&mut self) -> &mut Common {
        &mut self.common
    }

    fn flag(&mut self, name: &'static str) -> Result<(), Error> {
        match name {
            "quiet" => self.quiet = true,
            // -s: the system directory (applied after all options, where -D may override it).
            _ => self.target = Some(String::new()),
        }
        Ok(())
    }

    fn value(&mut self, name: &'static str, value: OsString) -> Result<(), Error> {
        let value = value
            .into_string()
            .map_err(|v| usage!("--{name}: \"{}\" is not UTF-8", v.to_string_lossy()))?;
        let slot = match name {
            "target-dir" => &mut self.target,
            "input" => &mut self.input,
            "source-dir" => &mut self.source_dir,
            "locations" => &mut self.locations,
            _ => &mut self.zone,
        };
        *slot = Some(value);
        Ok(())
    }
}

/// Usage lines of the builders.
pub fn build_usage(prog: &str, kind: Kind) -> String {
    match kind {
        Kind::Geoip => {
            format!("Usage: {prog} [-D DIR | -s] [-i FILE|- | -S DIR] [-L LOCATIONS.csv] [-q] [-n]")
        }
        Kind::Asn => {
            format!("Usage: {prog} [-D DIR | -s] [-i FILE|- | -S DIR] [-O ZONEFILE] [-q] [-n]")
        }
    }
}

fn build_help(prog: &str, kind: Kind) -> String {
    let what = match kind {
        Kind::Geoip => {
            "Builds the xt_geoip database (CC.iv4, CC.iv6 per country) from DB-IP's country CSV
(-i, default dbip-country-lite.csv), MaxMind's GeoLite2 country CSVs (-S DIR, or -i BLOCKS.csv
with -L LOCATIONS.csv) or a country .mmdb file (-i)."
        }
        Kind::Asn => {
            "Builds the xt_asn database (N.iv4, N.iv6 per AS number) from MaxMind's GeoLite2 ASN
CSVs (-S DIR, default .; or -i BLOCKS.csv) or an ASN .mmdb file (-i)."
        }
    };
    let zone = if kind == Kind::Asn {
        "  -O, --zone-file FILE   also write DNS records (APL, TXT) per network\n"
    } else {
        "  -L, --locations FILE   GeoLite2-Country-Locations-en.csv for -i BLOCKS.csv\n"
    };
    format!(
        "{}\n\n{what}\n\n  -D, --target-dir DIR   where to write the files (default .)\n  \
         -s, --system           -D {}\n  -i, --input FILE       input file, - for standard input\n  \
         -S, --source-dir DIR   directory of MaxMind's CSV files\n{zone}  \
         -q, --quiet            no per-file lines, no progress\n  \
         -n, --dry-run          read and check the input, write nothing\n  \
         -h, --help             this text\n  -V, --version          the version\n\n\
         Every file is replaced atomically. Rules already loaded keep the old data until\n\
         reloaded: echo reload > /proc/net/{} (see {}(8)).\n",
        build_usage(prog, kind),
        kind.system_dir(),
        if kind == Kind::Geoip {
            "xt_geoip"
        } else {
            "xt_asn"
        },
        if kind == Kind::Geoip {
            "xt_geoip"
        } else {
            "xt_asn"
        },
    )
}

/// The builders: `xt_geoip_build` (and, with `maxmind`, `xt_geoip_build_maxmind`, which
/// reads MaxMind's CSV directory by default), `xt_asn_build`.
pub fn build(
    prog: &str,
    kind: Kind,
    maxmind: bool,
    args: impl IntoIterator<Item = OsString>,
) -> Result<(), Error> {
    let mut a = BuildArgs::default();
    let input_list = if kind == Kind::Asn {
        Opt::named_value("zone-file", Some(b'O'))
    } else {
        Opt::named_value("locations", Some(b'L'))
    };
    let opts = [
        Opt::named_value("target-dir", Some(b'D')),
        Opt::named_value("input", Some(b'i')),
        Opt::named_value("source-dir", Some(b'S')),
        input_list,
        Opt::named_flag("quiet", Some(b'q')),
        Opt::named_flag("system", Some(b's')),
    ];
    xa_cli::parse(args, &opts, &mut a)?;
    if let Some(cmd) = a.common.help_or_version::<()>() {
        return match cmd {
            xa_cli::Command::Help => xa_cli::print(build_help(prog, kind).as_bytes()),
            _ => xa_cli::print_version(prog),
        };
    }
    if a.common.verbose || a.common.family.is_some() {
        return Err(usage!("-v, -4 and -6 are not options of {prog}"));
    }
    if let Some(extra) = a.common.operands.first() {
        return Err(usage!(
            "unexpected argument \"{}\"",
            extra.to_string_lossy()
        ));
    }
    if a.input.is_some() && a.source_dir.is_some() {
        return Err(usage!("-i and -S exclude each other"));
    }
    let target = match a.target.as_deref() {
        Some("") => kind.system_dir().to_owned(),
        Some(dir) => dir.to_owned(),
        None => ".".to_owned(),
    };
    let out = Output {
        dir: Path::new(&target),
        quiet: a.quiet,
        dry_run: a.common.dry_run,
    };
    if let Some(src) = &a.source_dir
        && !Path::new(src).is_dir()
    {
        return Err(failure!("Source directory \"{src}\" does not exist."));
    }
    if !out.dir.is_dir() {
        return Err(failure!("Target directory \"{target}\" does not exist."));
    }
    let progress = Progress::new(a.quiet);
    let stdout = io::stdout();
    let mut log = stdout.lock();
    match kind {
        Kind::Geoip => {
            let mut db = Database::<Country>::default();
            let maxmind_dir = a
                .source_dir
                .clone()
                .or_else(|| (maxmind && a.input.is_none()).then(|| ".".into()));
            if let Some(dir) = maxmind_dir {
                let dir = PathBuf::from(dir);
                let locations = a.locations.clone().map_or_else(
                    || dir.join("GeoLite2-Country-Locations-en.csv"),
                    PathBuf::from,
                );
                let locations =
                    Locations::read(&read(&locations)?, &mut db).map_err(Error::Failure)?;
                for blocks in [
                    "GeoLite2-Country-Blocks-IPv4.csv",
                    "GeoLite2-Country-Blocks-IPv6.csv",
                ] {
                    let src = read(&dir.join(blocks))?;
                    input::maxmind_country(&src, &locations, &mut db, &progress)
                        .map_err(Error::Failure)?;
                }
            } else {
                let src = Source::read(a.input.as_deref().unwrap_or("dbip-country-lite.csv"))
                    .map_err(Error::Failure)?;
                if src.is_mmdb() {
                    input::mmdb_country(&src, &mut db).map_err(Error::Failure)?;
                } else if let Err(e) = src.check_text() {
                    return Err(Error::Failure(e));
                } else if input::has_network_header(&src) {
                    let Some(loc) = &a.locations else {
                        return Err(usage!(
                            "{}: a MaxMind blocks CSV needs its locations file: -L FILE",
                            src.name
                        ));
                    };
                    let locations =
                        Locations::read(&read(Path::new(loc))?, &mut db).map_err(Error::Failure)?;
                    input::maxmind_country(&src, &locations, &mut db, &progress)
                        .map_err(Error::Failure)?;
                } else {
                    input::dbip(&src, &mut db, &progress).map_err(Error::Failure)?;
                }
            }
            write(db, &out, &mut log)
        }
        Kind::Asn => {
            let mut db = Database::<Asn>::default();
            let mut zone = a.zone.as_ref().map(|_| Vec::new());
            if let Some(file) = &a.input {
                let src = Source::read(file).map_err(Error::Failure)?;
                if src.is_mmdb() {
                    if a.zone.is_some() {
                        return Err(usage!(
                            "-O needs CSV input (a .mmdb has no organisation per network here)"
                        ));
                    }
                    input::mmdb_asn(&src, &mut db).map_err(Error::Failure)?;
                } else {
                    src.check_text().map_err(Error::Failure)?;
                    input::maxmind_asn(&src, &mut db, zone.as_mut(), &progress)
                        .map_err(Error::Failure)?;
                }
            } else {
                let dir = PathBuf::from(a.source_dir.as_deref().unwrap_or("."));
                for blocks in [
                    "GeoLite2-ASN-Blocks-IPv4.csv",
                    "GeoLite2-ASN-Blocks-IPv6.csv",
                ] {
                    let src = read(&dir.join(blocks))?;
                    input::maxmind_asn(&src, &mut db, zone.as_mut(), &progress)
                        .map_err(Error::Failure)?;
                }
            }
            if let (Some(path), Some(zone)) = (&a.zone, zone)
                && !out.dry_run
            {
                db::replace(Path::new(path), &zone).map_err(|e| failure!("{path}: {e}"))?;
            }
            write(db, &out, &mut log)
        }
    }
}

fn read(path: &Path) -> Result<Source, Error> {
    Source::read(&path.to_string_lossy()).map_err(Error::Failure)
}

fn write<K: Key>(db: Database<K>, out: &Output, log: &mut impl Write) -> Result<(), Error> {
    db.write(out, log).map_err(|e| failure!("{e}"))
}

/// Options of the query tools.
#[derive(Default)]
struct QueryArgs {
    common: Common,
    dir: Option<String>,
    lookups: Vec<String>,
    nft: Option<String>,
    ipset: Option<String>,
}

impl Sink for QueryArgs {
    fn common(&mut self) -> &mut Common {
        &mut self.common
    }

    fn value(&mut self, name: &'static str, value: OsString) -> Result<(), Error> {
        let value = value
            .into_string()
            .map_err(|v| usage!("--{name}: \"{}\" is not UTF-8", v.to_string_lossy()))?;
        match name {
            "database-dir" => self.dir = Some(value),
            "lookup" => self.lookups.push(value),
            "nft" => self.nft = Some(value),
            _ => self.ipset = Some(value),
        }
        Ok(())
    }
}

pub fn query_usage(prog: &str, kind: Kind) -> String {
    let key = if kind == Kind::Geoip { "CC" } else { "ASN" };
    format!(
        "Usage: {prog} [-D DIR] [-4] [-6] {key}...\n       {prog} [-D DIR] -l ADDRESS...\n       \
         {prog} [-D DIR] [-4] [-6] --nft NAME|--ipset NAME {key}..."
    )
}

fn query_help(prog: &str, kind: Kind) -> String {
    let key = if kind == Kind::Geoip {
        "country"
    } else {
        "AS number"
    };
    format!(
        "{}\n\nDumps each {key}'s ranges (IPv4, then IPv6) as start-end lines, as upstream's tool.\n\n  \
         -D, --database-dir DIR  the database (default .; the module reads {})\n  \
         -4, --ipv4              IPv4 only\n  -6, --ipv6              IPv6 only\n  \
         -l, --lookup ADDRESS    print \"ADDRESS KEY[,KEY...]\" (\"-\" for none); repeatable\n  \
         --nft NAME              the union of the operands as nftables sets NAME_v4, NAME_v6\n  \
         --ipset NAME            the same as an ipset restore file (sets NAME_v4, NAME_v6)\n  \
         -h, --help              this text\n  -V, --version           the version\n",
        query_usage(prog, kind),
        kind.system_dir()
    )
}

/// `xt_geoip_query`, `xt_asn_fetch`.
pub fn query(
    prog: &str,
    kind: Kind,
    args: impl IntoIterator<Item = OsString>,
) -> Result<(), Error> {
    let mut a = QueryArgs::default();
    let opts = [
        Opt::named_value("database-dir", Some(b'D')),
        Opt::named_value("lookup", Some(b'l')),
        Opt::named_value("nft", None),
        Opt::named_value("ipset", None),
    ];
    xa_cli::parse(args, &opts, &mut a)?;
    if let Some(cmd) = a.common.help_or_version::<()>() {
        return match cmd {
            xa_cli::Command::Help => xa_cli::print(query_help(prog, kind).as_bytes()),
            _ => xa_cli::print_version(prog),
        };
    }
    if a.common.dry_run || a.common.verbose {
        return Err(usage!("-n and -v are not options of {prog}"));
    }
    let dir_text = a.dir.clone().unwrap_or_else(|| ".".into());
    let dir = Path::new(&dir_text);
    if !dir.is_dir() {
        // Upstream's words, typo included.
        return Err(failure!("Target directory {dir_text} does not exit."));
    }
    let families: Vec<Family> = match a.common.family {
        Some(xa_cli::Family::V4) => vec![Family::V4],
        Some(xa_cli::Family::V6) => vec![Family::V6],
        None => vec![Family::V4, Family::V6],
    };
    let mut out = String::new();
    if !a.lookups.is_empty() {
        if a.nft.is_some() || a.ipset.is_some() || !a.common.operands.is_empty() {
            return Err(usage!("-l takes no other operation or operand"));
        }
        for text in &a.lookups {
            let addr: IpAddr = text
                .parse()
                .map_err(|_| usage!("\"{text}\" is not an IPv4 or IPv6 address"))?;
            let mut keys = query::lookup(dir, addr).map_err(Error::Failure)?;
            sort_keys(kind, &mut keys);
            let keys = if keys.is_empty() {
                "-".to_owned()
            } else {
                keys.join(",")
            };
            out.push_str(&format!("{text} {keys}\n"));
        }
        return xa_cli::print(out.as_bytes());
    }
    let mut keys = Vec::new();
    for op in &a.common.operands {
        let text = op.to_string_lossy();
        let key = kind.key(&text).ok_or_else(|| match kind {
            Kind::Geoip => failure!("Invalid country code '{text}'"),
            Kind::Asn => failure!("Invalid ASN '{text}'"),
        })?;
        keys.push(key);
    }
    if let Some((name, nft)) = a
        .nft
        .as_ref()
        .map(|n| (n, true))
        .or(a.ipset.as_ref().map(|n| (n, false)))
    {
        if a.nft.is_some() && a.ipset.is_some() {
            return Err(usage!("--nft and --ipset exclude each other"));
        }
        if keys.is_empty() {
            return Err(usage!("which codes? (operands)"));
        }
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            || name.is_empty()
        {
            return Err(usage!("set name \"{name}\": letters, digits, _ and - only"));
        }
        for &family in &families {
            let set = format!("{name}_{}", if family == Family::V4 { "v4" } else { "v6" });
            match family {
                Family::V4 => {
                    let ranges =
                        query::union_of::<u32>(dir, &keys, family).map_err(Error::Failure)?;
                    if nft {
                        query::nft_set(&set, &ranges, &mut out)
                    } else {
                        query::ipset(&set, &ranges, &mut out)
                    }
                }
                Family::V6 => {
                    let ranges =
                        query::union_of::<u128>(dir, &keys, family).map_err(Error::Failure)?;
                    if nft {
                        query::nft_set(&set, &ranges, &mut out)
                    } else {
                        query::ipset(&set, &ranges, &mut out)
                    }
                }
            }
        }
        return xa_cli::print(out.as_bytes());
    }
    // Upstream's dump: per operand, the IPv4 file must exist (even for -6), then each file.
    for (key, op) in keys.iter().zip(&a.common.operands) {
        let op = op.to_string_lossy();
        let what = match kind {
            Kind::Geoip => format!("'{op}'"),
            Kind::Asn => format!("ASN '{op}'"),
        };
        if !query::path(dir, key, Family::V4).is_file() {
            xa_cli::print(out.as_bytes())?;
            return Err(match kind {
                Kind::Geoip => failure!("Can't find data for country '{op}'"),
                Kind::Asn => failure!("Can't find data for ASN '{op}'"),
            });
        }
        for &family in &families {
            let bytes = query::read_file(&query::path(dir, key, family)).map_err(Error::Failure)?;
            let short = match family {
                Family::V4 => query::dump::<u32>(&bytes, &mut out),
                Family::V6 => query::dump::<u128>(&bytes, &mut out),
            };
            if short {
                xa_cli::print(out.as_bytes())?;
                return Err(failure!("Short read on file for {what}"));
            }
        }
    }
    xa_cli::print(out.as_bytes())
}

fn sort_keys(kind: Kind, keys: &mut [String]) {
    match kind {
        Kind::Geoip => keys.sort(),
        Kind::Asn => keys.sort_by_key(|k| k.parse::<u64>().unwrap_or(u64::MAX)),
    }
}
