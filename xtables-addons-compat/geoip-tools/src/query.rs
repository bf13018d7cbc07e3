// SPDX-License-Identifier: GPL-2.0-only
//! Reading a database directory: upstream's dump (`start-end` lines, as xt_geoip_query and
//! xt_asn_fetch print them), which keys hold an address, and the exports of a union of keys
//! as an nftables interval set or an ipset restore file.

use std::fmt::Write as _;
use std::fs;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use shim::geoip::file::RangeFile;
use shim::geoip::merge::union;
use shim::geoip::{Addr, MAX_SOURCES, Range};

/// IPv4 or IPv6, as the files' suffixes (`.iv4`, `.iv6`) name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn suffix(self) -> &'static str {
        match self {
            Family::V4 => "iv4",
            Family::V6 => "iv6",
        }
    }
}

/// An address as glibc's `inet_ntop` prints it (and so upstream's Perl tools): IPv6 in
/// RFC 5952's compressed form, but with an embedded dotted quad for `::a.b.c.d` and
/// `::ffff:a.b.c.d`.
pub fn ntop4(addr: u32) -> String {
    Ipv4Addr::from(addr).to_string()
}

/// See [`ntop4`].
pub fn ntop6(addr: u128) -> String {
    let words: [u16; 8] = std::array::from_fn(|i| (addr >> (112 - 16 * i)) as u16);
    // The longest run of two or more zero words (the first of equal ones) is written "::".
    let (mut best, mut run) = ((0usize, 0usize), (0usize, 0usize));
    for (i, &w) in words.iter().enumerate() {
        if w == 0 {
            run = if run.1 == 0 {
                (i, 1)
            } else {
                (run.0, run.1 + 1)
            };
            if run.1 > best.1 {
                best = run;
            }
        } else {
            run = (0, 0);
        }
    }
    if best.1 < 2 {
        best = (usize::MAX, 0);
    }
    let mut out = String::new();
    for (i, &w) in words.iter().enumerate() {
        if best.1 > 0 && i >= best.0 && i < best.0 + best.1 {
            if i == best.0 {
                out.push(':');
            }
            continue;
        }
        if i != 0 {
            out.push(':');
        }
        if i == 6 && best.0 == 0 && (best.1 == 6 || (best.1 == 5 && words[5] == 0xffff)) {
            out.push_str(&ntop4(addr as u32));
            return out;
        }
        let _ = write!(out, "{w:x}");
    }
    if best.1 > 0 && best.0 + best.1 == 8 {
        out.push(':');
    }
    out
}

/// An address of either family as text.
pub trait Show: Addr {
    fn show(self) -> String;
    const BITS: u32;
}

impl Show for u32 {
    fn show(self) -> String {
        ntop4(self)
    }
    const BITS: u32 = 32;
}

impl Show for u128 {
    fn show(self) -> String {
        ntop6(self)
    }
    const BITS: u32 = 128;
}

/// Upstream's dump of one file: `start-end` per whole record, in file order, unchecked; then
/// whether a partial record was left over ("Short read" upstream).
pub fn dump<A: Show>(bytes: &[u8], out: &mut String) -> bool {
    let record = 2 * A::BYTES;
    for r in bytes.chunks_exact(record) {
        let (b, e) = r.split_at(A::BYTES);
        // chunks_exact: both halves have exactly A::BYTES.
        if let (Some(b), Some(e)) = (A::from_be_slice(b), A::from_be_slice(e)) {
            let _ = writeln!(out, "{}-{}", b.show(), e.show());
        }
    }
    !bytes.len().is_multiple_of(record)
}

/// A file's path in `dir`.
pub fn path(dir: &Path, key: &str, family: Family) -> PathBuf {
    dir.join(format!("{key}.{}", family.suffix()))
}

/// Reads a file; the error names it.
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(bytes)
}

/// Validates `bytes` (from `path`) as a file of family `A`.
pub fn parse<'a, A: Addr>(path: &Path, bytes: &'a [u8]) -> Result<RangeFile<'a, A>, String> {
    RangeFile::parse(bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// The keys (file names before `.iv4`/`.iv6`) of `dir` whose files of `addr`'s family hold
/// it, sorted as `cmp` orders keys. Every file of that family is validated.
pub fn lookup(dir: &Path, addr: IpAddr) -> Result<Vec<String>, String> {
    let family = match addr {
        IpAddr::V4(_) => Family::V4,
        IpAddr::V6(_) => Family::V6,
    };
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = entry.file_name();
        let Some(key) = name
            .to_str()
            .and_then(|n| n.strip_suffix(&format!(".{}", family.suffix())))
        else {
            continue;
        };
        if key.starts_with('.') {
            continue; // a builder's temporary file
        }
        let path = entry.path();
        let bytes = read_file(&path)?;
        let hit = match addr {
            IpAddr::V4(a) => parse::<u32>(&path, &bytes)?
                .ranges()
                .any(|r| r.contains(a.into())),
            IpAddr::V6(a) => parse::<u128>(&path, &bytes)?
                .ranges()
                .any(|r| r.contains(a.into())),
        };
        if hit {
            found.push(key.to_owned());
        }
    }
    Ok(found)
}

/// The union of `keys`' files of family `A` in `dir`.
pub fn union_of<A: Addr>(
    dir: &Path,
    keys: &[String],
    family: Family,
) -> Result<Vec<Range<A>>, String> {
    if keys.len() > MAX_SOURCES {
        return Err(format!("at most {MAX_SOURCES} codes at once"));
    }
    let files: Vec<(PathBuf, Vec<u8>)> = keys
        .iter()
        .map(|k| {
            let p = path(dir, k, family);
            read_file(&p).map(|b| (p, b))
        })
        .collect::<Result<_, _>>()?;
    // Each file checked here for an error that names it; then at most MAX_SOURCES valid ones.
    for (p, b) in &files {
        parse::<A>(p, b)?;
    }
    Ok(union::<A>(files.iter().map(|(_, b)| b.as_slice()))
        .map(Iterator::collect)
        .unwrap_or_default())
}

/// An nftables interval set of `ranges` named `name`, to `include` inside a table block.
pub fn nft_set<A: Show>(name: &str, ranges: &[Range<A>], out: &mut String) {
    let kind = if A::BITS == 32 {
        "ipv4_addr"
    } else {
        "ipv6_addr"
    };
    let _ = writeln!(out, "set {name} {{\n\ttype {kind}\n\tflags interval");
    if !ranges.is_empty() {
        out.push_str("\telements = {\n");
        for (i, r) in ranges.iter().enumerate() {
            let sep = if i + 1 == ranges.len() { "" } else { "," };
            if r.begin == r.end {
                let _ = writeln!(out, "\t\t{}{sep}", r.begin.show());
            } else {
                let _ = writeln!(out, "\t\t{}-{}{sep}", r.begin.show(), r.end.show());
            }
        }
        out.push_str("\t}\n");
    }
    out.push_str("}\n");
}

/// The CIDR blocks covering `r` exactly, fewest first to last.
pub fn cidrs<A: Show>(r: Range<A>) -> Vec<(A, u32)> {
    let wide = |a: A| {
        let mut b = [0u8; 16];
        let _ = a.write_be(&mut b[16 - A::BYTES..]);
        u128::from_be_bytes(b)
    };
    let narrow = |v: u128| A::from_be_slice(&v.to_be_bytes()[16 - A::BYTES..]);
    let (mut begin, end) = (wide(r.begin), wide(r.end));
    let mut out = Vec::new();
    loop {
        // The largest block aligned at begin that stays within end.
        let mut size_bits = begin.trailing_zeros().min(A::BITS);
        while size_bits > 0 && (begin | (u128::MAX.checked_shr(128 - size_bits).unwrap_or(0))) > end
        {
            size_bits -= 1;
        }
        if let Some(a) = narrow(begin) {
            out.push((a, A::BITS - size_bits));
        }
        let last = begin
            | u128::MAX
                .checked_shr(128 - size_bits)
                .filter(|_| size_bits > 0)
                .unwrap_or(0);
        if last >= end {
            return out;
        }
        begin = last + 1;
    }
}

/// An ipset restore file: a `hash:net` set named `name` holding `ranges` as CIDR blocks.
pub fn ipset<A: Show>(name: &str, ranges: &[Range<A>], out: &mut String) {
    let blocks: Vec<(A, u32)> = ranges.iter().flat_map(|&r| cidrs(r)).collect();
    let family = if A::BITS == 32 { "inet" } else { "inet6" };
    let maxelem = blocks.len().max(65536);
    let _ = writeln!(
        out,
        "create {name} hash:net family {family} hashsize 1024 maxelem {maxelem}"
    );
    for (addr, prefix) in blocks {
        let _ = writeln!(out, "add {name} {}/{prefix}", addr.show());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv6Addr;

    #[test]
    fn ntop_is_glibcs() {
        for (text, want) in [
            ("::", "::"),
            ("::1", "::1"),
            ("1::", "1::"),
            ("2001:db8::1", "2001:db8::1"),
            ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"),
            ("2001:0:0:1:0:0:1:1", "2001::1:0:0:1:1"),
            ("1:0:1:1:1:1:1:1", "1:0:1:1:1:1:1:1"),
            ("::ffff:1.2.3.4", "::ffff:1.2.3.4"),
            ("::1.2.3.4", "::1.2.3.4"),
            ("::0.0.0.2", "::2"),
            ("::ffff:0:0", "::ffff:0.0.0.0"),
            ("::1:0:0:0", "::1:0:0:0"),
            ("ffff::", "ffff::"),
        ] {
            let a: Ipv6Addr = text.parse().unwrap();
            assert_eq!(ntop6(a.into()), want, "{text}");
        }
    }

    #[test]
    fn cidr_blocks() {
        let c = |b: u32, e: u32| {
            cidrs(Range::new(b, e))
                .into_iter()
                .map(|(a, p)| format!("{}/{p}", ntop4(a)))
                .collect::<Vec<_>>()
        };
        assert_eq!(c(0x0a00_0000, 0x0a00_00ff), ["10.0.0.0/24"]);
        assert_eq!(
            c(0x0a00_0001, 0x0a00_0004),
            ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/32"]
        );
        assert_eq!(c(0, u32::MAX), ["0.0.0.0/0"]);
        assert_eq!(c(u32::MAX, u32::MAX), ["255.255.255.255/32"]);
        let v6 = cidrs(Range::new(0u128, u128::MAX));
        assert_eq!(v6, [(0, 0)]);
        assert_eq!(cidrs(Range::new(1u128, 1)), [(1, 128)]);
    }

    #[test]
    fn nft_and_ipset_text() {
        let mut out = String::new();
        nft_set(
            "geo_v4",
            &[
                Range::new(0x0a00_0000u32, 0x0a00_00ff),
                Range::new(0x0b00_0001, 0x0b00_0001),
            ],
            &mut out,
        );
        assert_eq!(
            out,
            "set geo_v4 {\n\ttype ipv4_addr\n\tflags interval\n\telements = {\n\t\t10.0.0.0-10.0.0.255,\n\t\t11.0.0.1\n\t}\n}\n"
        );
        out.clear();
        nft_set::<u128>("e", &[], &mut out);
        assert_eq!(out, "set e {\n\ttype ipv6_addr\n\tflags interval\n}\n");
        out.clear();
        ipset("geo", &[Range::new(0x0a00_0001u32, 0x0a00_0002)], &mut out);
        assert_eq!(
            out,
            "create geo hash:net family inet hashsize 1024 maxelem 65536\nadd geo 10.0.0.1/32\nadd geo 10.0.0.2/32\n"
        );
    }
}
