// SPDX-License-Identifier: GPL-2.0-only
//! Unions of ranges as one ascending list of disjoint, non-adjacent ranges.
//!
//! [`Coalesce`] merges an iterator of ranges sorted by `begin` (overlapping or adjacent ones
//! become one); [`Union`] feeds it from several validated files at once (a k-way merge by
//! `begin`), so a rule's codes become one list without a buffer of their own. Files are
//! validated on the way in. The database
//! builder coalesces its sorted input rows the same way.

use super::file::{self, FileError, RangeFile};
use super::{Addr, MAX_SOURCES, Range};

/// Merges ranges arriving in ascending order of `begin` (ends in any order, invalid ranges
/// with `begin > end` skipped) into ascending, disjoint, non-adjacent ranges. Input out of
/// order is not detected here: a caller that cannot guarantee the order sorts first.
#[derive(Clone, Debug)]
pub struct Coalesce<I: Iterator> {
    input: I,
    pending: Option<I::Item>,
}

impl<A: Addr, I: Iterator<Item = Range<A>>> Coalesce<I> {
    /// Coalesces `input`.
    pub fn new(input: I) -> Self {
        Coalesce {
            input,
            pending: None,
        }
    }
}

/// Whether `next` (with `next.begin >= current.begin`) touches or overlaps `current`.
fn touches<A: Addr>(current: &Range<A>, next: &Range<A>) -> bool {
    current
        .end
        .successor()
        .is_none_or(|after| next.begin <= after)
}

impl<A: Addr, I: Iterator<Item = Range<A>>> Iterator for Coalesce<I> {
    type Item = Range<A>;

    fn next(&mut self) -> Option<Range<A>> {
        for range in self.input.by_ref() {
            if range.begin > range.end {
                continue;
            }
            match &mut self.pending {
                None => self.pending = Some(range),
                Some(current) if touches(current, &range) => {
                    current.end = current.end.max(range.end);
                }
                Some(current) => return Some(core::mem::replace(current, range)),
            }
        }
        self.pending.take()
    }
}

/// The ranges of up to [`MAX_SOURCES`] validated files in ascending order of `begin`: the
/// input of [`Union`].
#[derive(Clone, Debug)]
pub struct MergeByBegin<'a, A> {
    /// What is left to read of each file (whole records).
    rest: [&'a [u8]; MAX_SOURCES],
    _addr: core::marker::PhantomData<A>,
}

impl<A: Addr> Iterator for MergeByBegin<'_, A> {
    type Item = Range<A>;

    fn next(&mut self) -> Option<Range<A>> {
        // At most 31 heads: a linear scan beats a heap at this size.
        let (slot, head) = self
            .rest
            .iter()
            .enumerate()
            .filter_map(|(i, rest)| file::first::<A>(rest).map(|head| (i, head)))
            .min_by_key(|(_, head)| head.begin)?;
        if let Some(rest) = self.rest.get_mut(slot) {
            *rest = rest.get(2 * A::BYTES..).unwrap_or(&[]);
        }
        Some(head)
    }
}

/// The union of several files' ranges: ascending, disjoint, non-adjacent.
pub type Union<'a, A> = Coalesce<MergeByBegin<'a, A>>;

/// Why files cannot be united.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnionError {
    /// More than [`MAX_SOURCES`] files.
    TooManySources,
    /// File `index` (from 0) is not a valid file.
    File {
        /// Which file.
        index: usize,
        /// What is wrong with it.
        error: FileError,
    },
}

/// The union of the ranges of the files whose bytes `files` yields, each validated by
/// [`RangeFile::parse`] first. Keeps only the files' slices (one array of [`MAX_SOURCES`]),
/// so that the kernel can call it on a small stack.
pub fn union<'a, A: Addr>(
    files: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Union<'a, A>, UnionError> {
    let mut rest: [&'a [u8]; MAX_SOURCES] = [&[]; MAX_SOURCES];
    for (index, bytes) in files.into_iter().enumerate() {
        let slot = rest.get_mut(index).ok_or(UnionError::TooManySources)?;
        *slot = RangeFile::<A>::parse(bytes)
            .map_err(|error| UnionError::File { index, error })?
            .bytes();
    }
    Ok(Coalesce::new(MergeByBegin {
        rest,
        _addr: core::marker::PhantomData,
    }))
}
