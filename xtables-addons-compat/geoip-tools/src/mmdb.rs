// SPDX-License-Identifier: GPL-2.0-only
//! A reader of MaxMind DB files (`.mmdb`: GeoLite2/GeoIP2 Country and ASN, DB-IP's lite
//! databases), enough to list every network with its record: the metadata, the binary search
//! tree (24-, 28- and 32-bit records) and the data section's types. Written for untrusted
//! files: every offset is checked, nesting and the tree walk are bounded, nothing is allocated
//! by a size the file claims before the bytes are there.
//!
//! Format: <https://maxmind.github.io/MaxMind-DB/>.

use std::collections::HashMap;
use std::fmt;

use shim::geoip::Range;

/// Marks the start of the metadata, near the end of the file.
const METADATA_MARKER: &[u8] = b"\xab\xcd\xefMaxMind.com";
/// The metadata is within the last 128 KiB.
const METADATA_MAX: usize = 128 * 1024;
/// Deepest nesting of maps and arrays decoded (real records nest 3 deep).
const MAX_DEPTH: u32 = 32;
/// Most values decoded for one record (a GeoLite2 City record has about 100): pointers let a
/// small file describe an exponentially large record.
const MAX_VALUES: u32 = 65_536;

/// Why a file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MmdbError(pub String);

impl fmt::Display for MmdbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn err<T>(what: impl Into<String>) -> Result<T, MmdbError> {
    Err(MmdbError(what.into()))
}

/// A decoded value of the data section.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Map(Vec<(String, Value)>),
    Array(Vec<Value>),
    String(String),
    Bytes(Vec<u8>),
    Uint(u128),
    Int(i32),
    Double(f64),
    Float(f32),
    Bool(bool),
}

impl Value {
    /// The value at `path` through nested maps.
    pub fn get(&self, path: &[&str]) -> Option<&Value> {
        path.iter().try_fold(self, |v, key| match v {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        })
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_uint(&self) -> Option<u128> {
        match self {
            Value::Uint(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

/// An opened database.
pub struct Mmdb<'a> {
    tree: &'a [u8],
    data: &'a [u8],
    node_count: u32,
    record_size: u32,
    ip_version: u32,
    /// The `database_type` metadata, e.g. "GeoLite2-Country".
    pub database_type: String,
}

/// Whether `bytes` look like a MaxMind DB (the metadata marker near the end).
pub fn is_mmdb(bytes: &[u8]) -> bool {
    find_metadata(bytes).is_some()
}

fn find_metadata(bytes: &[u8]) -> Option<usize> {
    let from = bytes.len().saturating_sub(METADATA_MAX);
    let tail = bytes.get(from..)?;
    tail.windows(METADATA_MARKER.len())
        .rposition(|w| w == METADATA_MARKER)
        .map(|i| from + i + METADATA_MARKER.len())
}

impl<'a> Mmdb<'a> {
    /// Opens the database in `bytes`.
    pub fn open(bytes: &'a [u8]) -> Result<Self, MmdbError> {
        let Some(meta_start) = find_metadata(bytes) else {
            return err("no MaxMind DB metadata (not an .mmdb file?)");
        };
        let meta = Decoder::new(&bytes[meta_start..]).decode(0, 0)?.0;
        let uint = |key: &str| -> Result<u128, MmdbError> {
            meta.get(&[key])
                .and_then(Value::as_uint)
                .ok_or_else(|| MmdbError(format!("metadata has no {key}")))
        };
        let major = uint("binary_format_major_version")?;
        if major != 2 {
            return err(format!("binary format version {major}, not 2"));
        }
        let node_count = u32::try_from(uint("node_count")?)
            .map_err(|_| MmdbError("node_count out of range".into()))?;
        let record_size = uint("record_size")?;
        let ip_version = uint("ip_version")?;
        if !matches!(record_size, 24 | 28 | 32) {
            return err(format!("record size {record_size} (24, 28 or 32 expected)"));
        }
        if !matches!(ip_version, 4 | 6) {
            return err(format!("ip_version {ip_version}"));
        }
        let database_type = meta
            .get(&["database_type"])
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let record_size = record_size as u32;
        let tree_len = u64::from(node_count) * u64::from(record_size) / 4;
        let data_start = tree_len + 16;
        let meta_marker = (meta_start - METADATA_MARKER.len()) as u64;
        if data_start > meta_marker {
            return err(format!(
                "search tree of {node_count} nodes is larger than the file"
            ));
        }
        Ok(Mmdb {
            tree: &bytes[..tree_len as usize],
            data: &bytes[data_start as usize..meta_marker as usize],
            node_count,
            record_size,
            ip_version: ip_version as u32,
            database_type,
        })
    }

    /// The two records of node `n`.
    fn node(&self, n: u32) -> Result<[u32; 2], MmdbError> {
        let size = self.record_size as usize / 4;
        let start = n as usize * size;
        let Some(b) = self.tree.get(start..start + size) else {
            return err(format!("node {n} is outside the search tree"));
        };
        let be = |s: &[u8]| s.iter().fold(0u32, |v, &x| v << 8 | u32::from(x));
        Ok(match self.record_size {
            24 => [be(&b[0..3]), be(&b[3..6])],
            28 => [
                u32::from(b[3] >> 4) << 24 | be(&b[0..3]),
                u32::from(b[3] & 0x0f) << 24 | be(&b[4..7]),
            ],
            _ => [be(&b[0..4]), be(&b[4..8])],
        })
    }

    /// Every network with data, in address order, as IPv4 and IPv6 ranges (a database's IPv4
    /// networks live at `::/96`; its aliases are skipped, see [`is_alias`]), each
    /// with the offset of its record for [`Mmdb::record`].
    pub fn networks(&self) -> Result<Networks, MmdbError> {
        let bits = if self.ip_version == 4 { 32 } else { 128 };
        let ipv4_start = if bits == 128 {
            self.walk_zeros(96)?
        } else {
            None
        };
        let mut out = Networks::default();
        // (node, depth, prefix): prefix holds the bits above depth, left-aligned in 128 bits.
        let mut stack = vec![(0u32, 0u32, 0u128)];
        let mut visits = 0u64;
        while let Some((node, depth, prefix)) = stack.pop() {
            visits += 1;
            if visits > 2 * u64::from(self.node_count) + 2 {
                return err("search tree revisits nodes (not a tree)");
            }
            if depth == bits {
                return err(format!("search tree deeper than {bits} bits"));
            }
            let records = self.node(node)?;
            // Right first on the stack, so that the left (lower) half is listed first.
            for (bit, &record) in records.iter().enumerate().rev() {
                let child_prefix = prefix | (bit as u128) << (127 - depth);
                let child_depth = depth + 1;
                if bits == 128 && is_alias(child_prefix, child_depth) && Some(record) == ipv4_start
                {
                    continue;
                }
                if record < self.node_count {
                    stack.push((record, child_depth, child_prefix));
                } else if record > self.node_count {
                    // Data pointers skip the 16-byte separator after the tree.
                    let Some(offset) = (record - self.node_count).checked_sub(16) else {
                        return err(format!("node {node} points into the separator ({record})"));
                    };
                    out.push(bits, child_prefix, child_depth, offset);
                }
            }
        }
        out.v4.sort_by_key(|(r, _)| *r);
        out.v6.sort_by_key(|(r, _)| *r);
        Ok(out)
    }

    /// The node reached from the root by `n` zero bits (the IPv4 subtree at n = 96), if any.
    fn walk_zeros(&self, n: u32) -> Result<Option<u32>, MmdbError> {
        let mut node = 0;
        for _ in 0..n {
            let [left, _] = self.node(node)?;
            if left >= self.node_count {
                return Ok(None);
            }
            node = left;
        }
        Ok(Some(node))
    }

    /// The record at data offset `offset`.
    pub fn record(&self, offset: u32) -> Result<Value, MmdbError> {
        Decoder::new(self.data)
            .decode(offset as usize, 0)
            .map(|(v, _)| v)
    }
}

/// `::ffff:0:0/96`, `2001::/32` (Teredo) and `2002::/16` (6to4), where MaxMind's writer
/// aliases the IPv4 subtree.
fn is_alias(prefix: u128, depth: u32) -> bool {
    (depth == 96 && prefix == 0xffffu128 << 32)
        || (depth == 32 && prefix == 0x2001u128 << 112)
        || (depth == 16 && prefix == 0x2002u128 << 112)
}

/// The networks of a database by family, each with its record's offset.
#[derive(Debug, Default)]
pub struct Networks {
    pub v4: Vec<(Range<u32>, u32)>,
    pub v6: Vec<(Range<u128>, u32)>,
}

impl Networks {
    fn push(&mut self, bits: u32, prefix: u128, depth: u32, offset: u32) {
        let host = u128::MAX.checked_shr(depth).unwrap_or(0);
        if bits == 32 {
            let begin = (prefix >> 96) as u32;
            let end = ((prefix | host) >> 96) as u32;
            self.v4.push((Range::new(begin, end), offset));
            return;
        }
        let (begin, end) = (prefix, prefix | host);
        const V4_END: u128 = u32::MAX as u128;
        if begin <= V4_END {
            self.v4
                .push((Range::new(begin as u32, end.min(V4_END) as u32), offset));
        }
        if end > V4_END {
            self.v6
                .push((Range::new(begin.max(V4_END + 1), end), offset));
        }
    }
}

/// Decodes values of one section (data or metadata); pointers are relative to its start.
struct Decoder<'a> {
    section: &'a [u8],
    /// Values decoded so far, against [`MAX_VALUES`].
    values: std::cell::Cell<u32>,
}

impl<'a> Decoder<'a> {
    fn new(section: &'a [u8]) -> Self {
        Decoder {
            section,
            values: std::cell::Cell::new(0),
        }
    }
}

impl Decoder<'_> {
    fn byte(&self, at: usize) -> Result<u8, MmdbError> {
        match self.section.get(at) {
            Some(&b) => Ok(b),
            None => err(format!("data offset {at} is past the end of the section")),
        }
    }

    fn bytes(&self, at: usize, len: usize) -> Result<&[u8], MmdbError> {
        match at
            .checked_add(len)
            .and_then(|end| self.section.get(at..end))
        {
            Some(b) => Ok(b),
            None => err(format!(
                "{len} bytes at data offset {at} run past the end of the section"
            )),
        }
    }

    fn be(&self, at: usize, len: usize) -> Result<u128, MmdbError> {
        Ok(self
            .bytes(at, len)?
            .iter()
            .fold(0u128, |v, &x| v << 8 | u128::from(x)))
    }

    /// The value at `at` and the offset after it.
    fn decode(&self, at: usize, depth: u32) -> Result<(Value, usize), MmdbError> {
        if depth > MAX_DEPTH {
            return err(format!(
                "values nested deeper than {MAX_DEPTH} at data offset {at}"
            ));
        }
        self.values.set(self.values.get() + 1);
        if self.values.get() > MAX_VALUES {
            return err(format!("record of more than {MAX_VALUES} values"));
        }
        let control = self.byte(at)?;
        let mut pos = at + 1;
        let mut kind = u32::from(control >> 5);
        if kind == 0 {
            kind = 7 + u32::from(self.byte(pos)?);
            pos += 1;
        }
        if kind == 1 {
            // Pointer: the value is elsewhere; decoding continues after the pointer.
            let size = usize::from((control >> 3) & 3);
            let low = u128::from(control & 7);
            let (target, len) = match size {
                0 => ((low << 8 | self.be(pos, 1)?), 1),
                1 => ((low << 16 | self.be(pos, 2)?) + 2048, 2),
                2 => ((low << 24 | self.be(pos, 3)?) + 526_336, 3),
                _ => (self.be(pos, 4)?, 4),
            };
            let target = usize::try_from(target).unwrap_or(usize::MAX);
            if self.byte(target)? >> 5 == 1 {
                return err(format!("pointer at data offset {at} points to a pointer"));
            }
            let (value, _) = self.decode(target, depth + 1)?;
            return Ok((value, pos + len));
        }
        let mut size = usize::from(control & 0x1f);
        match size {
            29 => {
                size = 29 + self.be(pos, 1)? as usize;
                pos += 1;
            }
            30 => {
                size = 285 + self.be(pos, 2)? as usize;
                pos += 2;
            }
            31 => {
                size = 65_821 + self.be(pos, 3)? as usize;
                pos += 3;
            }
            _ => {}
        }
        let value = match kind {
            2 => Value::String(
                String::from_utf8(self.bytes(pos, size)?.to_vec())
                    .map_err(|_| MmdbError(format!("string at data offset {at} is not UTF-8")))?,
            ),
            3 | 15 => {
                let want = if kind == 3 { 8 } else { 4 };
                if size != want {
                    return err(format!("float of {size} bytes at data offset {at}"));
                }
                let raw = self.be(pos, size)?;
                if kind == 3 {
                    Value::Double(f64::from_bits(raw as u64))
                } else {
                    Value::Float(f32::from_bits(raw as u32))
                }
            }
            4 => Value::Bytes(self.bytes(pos, size)?.to_vec()),
            5 | 6 | 9 | 10 | 8 => {
                let max = match kind {
                    5 => 2,
                    6 | 8 => 4,
                    9 => 8,
                    _ => 16,
                };
                if size > max {
                    return err(format!("integer of {size} bytes at data offset {at}"));
                }
                let raw = self.be(pos, size)?;
                if kind == 8 {
                    Value::Int(raw as u32 as i32)
                } else {
                    Value::Uint(raw)
                }
            }
            7 => {
                let mut entries = Vec::new();
                for _ in 0..size {
                    let (key, next) = self.decode(pos, depth + 1)?;
                    let Value::String(key) = key else {
                        return err(format!("map key at data offset {pos} is not a string"));
                    };
                    let (value, next) = self.decode(next, depth + 1)?;
                    entries.push((key, value));
                    pos = next;
                }
                return Ok((Value::Map(entries), pos));
            }
            11 => {
                let mut items = Vec::new();
                for _ in 0..size {
                    let (value, next) = self.decode(pos, depth + 1)?;
                    items.push(value);
                    pos = next;
                }
                return Ok((Value::Array(items), pos));
            }
            14 => {
                if size > 1 {
                    return err(format!("boolean of value {size} at data offset {at}"));
                }
                return Ok((Value::Bool(size == 1), pos));
            }
            other => return err(format!("unknown data type {other} at data offset {at}")),
        };
        Ok((value, pos + size))
    }
}

/// Records already decoded, by offset: networks share few distinct records.
pub struct RecordCache<'m, 'a, T> {
    db: &'m Mmdb<'a>,
    seen: HashMap<u32, T>,
}

impl<'m, 'a, T: Clone> RecordCache<'m, 'a, T> {
    pub fn new(db: &'m Mmdb<'a>) -> Self {
        RecordCache {
            db,
            seen: HashMap::new(),
        }
    }

    /// `extract` of the record at `offset`, decoded once.
    pub fn get(
        &mut self,
        offset: u32,
        extract: impl FnOnce(&Value) -> Result<T, MmdbError>,
    ) -> Result<T, MmdbError> {
        if let Some(t) = self.seen.get(&offset) {
            return Ok(t.clone());
        }
        let t = extract(&self.db.record(offset)?)?;
        self.seen.insert(offset, t.clone());
        Ok(t)
    }
}
