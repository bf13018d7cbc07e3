// SPDX-License-Identifier: GPL-2.0-only
//! A database being built: ranges collected per key (country code or AS number) and family,
//! then merged and written as upstream's files, each replaced atomically.

use std::collections::BTreeMap;
use std::fmt::{self, Display};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use shim::geoip::merge::Coalesce;
use shim::geoip::{Addr, Range, file};

/// What names a database file: `CC.iv4` or `64500.iv4`.
pub trait Key: Ord + Clone + Display {}

/// An ISO 3166 country code (or upstream's A1, A2, O1, a continent code), upper case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Country(pub [u8; 2]);

impl Country {
    /// Two ASCII letters or digits, upper-cased; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        match text.as_bytes() {
            &[a, b] if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() => {
                Some(Country([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => None,
        }
    }
}

impl Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only ever built from ASCII alphanumerics.
        write!(f, "{}{}", char::from(self.0[0]), char::from(self.0[1]))
    }
}

impl Key for Country {}

/// An AS number, 1 to 4294967295.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Asn(pub u32);

impl Asn {
    /// Decimal digits of a non-zero 32-bit number.
    pub fn parse(text: &str) -> Option<Self> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse().ok().filter(|&n| n != 0).map(Asn)
    }
}

impl Display for Asn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Key for Asn {}

/// One key's ranges as collected: unsorted, overlapping as the input has them.
#[derive(Debug, Default, Clone)]
pub struct Entry {
    pub v4: Vec<Range<u32>>,
    pub v6: Vec<Range<u128>>,
    /// A name printed after the key (upstream's MaxMind tool prints the country's).
    pub name: Option<String>,
}

/// Every key's ranges.
#[derive(Debug)]
pub struct Database<K> {
    pub entries: BTreeMap<K, Entry>,
}

impl<K: Key> Default for Database<K> {
    fn default() -> Self {
        Database {
            entries: BTreeMap::new(),
        }
    }
}

impl<K: Key> Database<K> {
    /// The entry of `key`, created empty (so that its files are written) if new.
    pub fn entry(&mut self, key: K) -> &mut Entry {
        self.entries.entry(key).or_default()
    }
}

/// `ranges` sorted and coalesced, as the files hold them.
pub fn normalize<A: Addr>(ranges: &mut [Range<A>]) -> Vec<Range<A>> {
    ranges.sort_unstable();
    Coalesce::new(ranges.iter().copied()).collect()
}

/// The bytes of a file of `ranges` (already normalized).
pub fn file_bytes<A: Addr>(ranges: &[Range<A>]) -> Vec<u8> {
    let mut out = vec![0; ranges.len() * 2 * A::BYTES];
    // Sized for exactly these ranges.
    let written = file::write(ranges.iter().copied(), &mut out);
    debug_assert_eq!(written, Some(out.len()));
    out
}

/// Where and how to write a database.
pub struct Output<'a> {
    pub dir: &'a Path,
    /// -q: no per-file lines.
    pub quiet: bool,
    /// -n: check the input, write nothing.
    pub dry_run: bool,
}

/// A failure writing a file; upstream's words.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub error: io::Error,
}

impl Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error opening {}: {}", self.path.display(), self.error)
    }
}

impl<K: Key> Database<K> {
    /// Writes `KEY.iv4` and `KEY.iv6` for every key, in key order, printing upstream's line
    /// for each (`%5u IPv4 ranges for KEY[ NAME]`) to `log` unless quiet.
    pub fn write(self, out: &Output, log: &mut impl Write) -> Result<(), WriteError> {
        for (key, mut entry) in self.entries {
            let v4 = normalize(&mut entry.v4);
            let v6 = normalize(&mut entry.v6);
            for (family, count, bytes) in [
                (4, v4.len(), file_bytes(&v4)),
                (6, v6.len(), file_bytes(&v6)),
            ] {
                if !out.quiet {
                    let name = entry
                        .name
                        .as_deref()
                        .map(|n| format!(" {n}"))
                        .unwrap_or_default();
                    // Like upstream's printf: nothing to do when the log cannot be written.
                    let _ = writeln!(log, "{count:5} IPv{family} ranges for {key}{name}");
                }
                if !out.dry_run {
                    let path = out.dir.join(format!("{key}.iv{family}"));
                    replace(&path, &bytes).map_err(|error| WriteError { path, error })?;
                }
            }
        }
        Ok(())
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, synced, then
/// renamed over `path`. A reader (or a reload of the kernel's copy) sees the old file or the
/// new one, never a part.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f: File = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(
            Country::parse("de").map(|c| c.to_string()),
            Some("DE".into())
        );
        assert_eq!(
            Country::parse("A1").map(|c| c.to_string()),
            Some("A1".into())
        );
        for bad in ["", "D", "DEU", "D-", "é", "D\u{0}"] {
            assert_eq!(Country::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Asn::parse("64500"), Some(Asn(64500)));
        assert_eq!(Asn::parse("4294967295"), Some(Asn(u32::MAX)));
        for bad in ["", "0", "00", "-1", "+1", "4294967296", "1a", " 1"] {
            assert_eq!(Asn::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn writes_atomically_and_in_order() {
        let dir = std::env::temp_dir().join(format!("geoip-db-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let mut db = Database::<Country>::default();
        let de = db.entry(Country(*b"DE"));
        de.v4
            .extend([Range::new(10, 20), Range::new(21, 30), Range::new(5, 6)]);
        db.entry(Country(*b"AT"));
        let mut log = Vec::new();
        let out = Output {
            dir: &dir,
            quiet: false,
            dry_run: false,
        };
        db.write(&out, &mut log).unwrap();
        assert_eq!(
            String::from_utf8(log).unwrap(),
            "    0 IPv4 ranges for AT\n    0 IPv6 ranges for AT\n    \
             2 IPv4 ranges for DE\n    0 IPv6 ranges for DE\n"
        );
        assert_eq!(
            fs::read(dir.join("DE.iv4")).unwrap(),
            [0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0, 10, 0, 0, 0, 30]
        );
        assert_eq!(fs::read(dir.join("AT.iv6")).unwrap(), []);
        let mut names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["AT.iv4", "AT.iv6", "DE.iv4", "DE.iv6"]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
