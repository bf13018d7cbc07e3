// SPDX-License-Identifier: GPL-2.0-only
//! Upstream's database file: records of two big-endian addresses, `begin` then `end`, no
//! header. [`RangeFile::parse`] accepts a file only when every record is whole, every range
//! has `begin <= end`, and every range starts after the previous one ends (ascending, no
//! overlap; adjacent ranges are fine). Upstream's module checks none of this and
//! binary-searches whatever it is given.

use core::fmt;
use core::marker::PhantomData;

use super::{Addr, Range};

/// Why a file is refused; `index` counts records from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileError {
    /// The size is not a multiple of the record size (8 or 32 bytes).
    Truncated {
        /// The file's size in bytes.
        len: usize,
        /// The record size of its family.
        record: usize,
    },
    /// A range ends before it begins.
    Reversed {
        /// The record.
        index: usize,
    },
    /// A range begins before the previous one.
    Unsorted {
        /// The record.
        index: usize,
    },
    /// A range begins inside the previous one.
    Overlap {
        /// The record.
        index: usize,
    },
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            FileError::Truncated { len, record } => write!(
                f,
                "{len} bytes is not a whole number of {record}-byte records (truncated?)"
            ),
            FileError::Reversed { index } => write!(f, "record {index} ends before it begins"),
            FileError::Unsorted { index } => {
                write!(
                    f,
                    "record {index} begins before the previous one (unsorted)"
                )
            }
            FileError::Overlap { index } => {
                write!(f, "record {index} overlaps the previous one")
            }
        }
    }
}

/// A validated file's records; borrowed, never copied.
#[derive(Clone, Copy, Debug)]
pub struct RangeFile<'a, A> {
    bytes: &'a [u8],
    _addr: PhantomData<A>,
}

impl<'a, A: Addr> RangeFile<'a, A> {
    /// Bytes of one record: two addresses.
    pub const RECORD: usize = 2 * A::BYTES;

    /// A file without ranges (what an empty file parses to).
    pub const EMPTY: Self = RangeFile {
        bytes: &[],
        _addr: PhantomData,
    };

    /// The file's ranges, if it is valid (see the module documentation).
    pub fn parse(bytes: &'a [u8]) -> Result<Self, FileError> {
        if !bytes.len().is_multiple_of(Self::RECORD) {
            return Err(FileError::Truncated {
                len: bytes.len(),
                record: Self::RECORD,
            });
        }
        let mut previous: Option<Range<A>> = None;
        for (index, range) in records::<A>(bytes).enumerate() {
            if range.begin > range.end {
                return Err(FileError::Reversed { index });
            }
            if let Some(prev) = previous {
                if range.begin < prev.begin {
                    return Err(FileError::Unsorted { index });
                }
                if range.begin <= prev.end {
                    return Err(FileError::Overlap { index });
                }
            }
            previous = Some(range);
        }
        Ok(RangeFile {
            bytes,
            _addr: PhantomData,
        })
    }

    /// The number of ranges.
    pub fn len(&self) -> usize {
        self.bytes.len() / Self::RECORD
    }

    /// Whether the file holds no range (an empty file is valid).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The ranges in file order: ascending, disjoint.
    pub fn ranges(&self) -> impl Iterator<Item = Range<A>> + 'a {
        records::<A>(self.bytes)
    }

    /// The file's bytes (whole records only).
    pub(super) fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// The whole records of `bytes` as ranges (a trailing partial record is not read).
pub(super) fn records<'a, A: Addr>(bytes: &'a [u8]) -> impl Iterator<Item = Range<A>> + 'a {
    bytes.chunks_exact(2 * A::BYTES).map(|record| {
        let (begin, end) = record.split_at(A::BYTES);
        // chunks_exact gives exactly 2 * BYTES bytes, split in two halves.
        Range::new(
            A::from_be_slice(begin).unwrap_or(A::MAX),
            A::from_be_slice(end).unwrap_or(A::MIN),
        )
    })
}

/// The first record of `bytes`, if it holds a whole one.
pub(super) fn first<A: Addr>(bytes: &[u8]) -> Option<Range<A>> {
    records::<A>(bytes).next()
}

/// Writes `ranges` in the file format into `out`; returns the bytes written, or `None`
/// (with `out` partly written) when they do not fit.
pub fn write<A: Addr>(ranges: impl IntoIterator<Item = Range<A>>, out: &mut [u8]) -> Option<usize> {
    let mut written = 0usize;
    let mut slots = out.chunks_exact_mut(2 * A::BYTES);
    for range in ranges {
        let (begin, end) = slots.next()?.split_at_mut(A::BYTES);
        range.begin.write_be(begin)?;
        range.end.write_be(end)?;
        written = written.checked_add(2 * A::BYTES)?;
    }
    Some(written)
}
