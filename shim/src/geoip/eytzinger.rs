// SPDX-License-Identifier: GPL-2.0-only
//! Sorted ranges in Eytzinger order, searched without data-dependent branches.
//!
//! `n` ranges are stored in two arrays of `n + 1` addresses, `ends` and `begins`, both in the
//! breadth-first order of the implicit binary search tree over the ranges (slot 1 the root,
//! slots `2k` and `2k + 1` the children of slot `k`; slot 0 unused). A search reads `ends`
//! only, level by level: the first levels share a few cache lines across all packets, and the
//! next slot follows from a comparison instead of a branch. It finds the first range whose end
//! is at least the address, then compares that range's begin. Ranges are disjoint and sorted,
//! so their ends are sorted too.

use core::fmt;

use super::{Addr, Range};

/// Why ranges cannot be laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutError {
    /// `begins` and `ends` differ in length, or have no slot 0.
    Slots,
    /// The ranges were fewer or more than the slots.
    Count,
    /// A range ends before it begins, or does not begin after the previous one ends.
    Order,
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LayoutError::Slots => "the two arrays differ in length",
            LayoutError::Count => "the number of ranges is not the number of slots",
            LayoutError::Order => "the ranges are not ascending and disjoint",
        })
    }
}

/// Slots `1..=n` of the tree in sorted (in-order) order.
#[derive(Clone, Debug)]
struct InOrder {
    next: usize,
    n: usize,
}

impl InOrder {
    fn new(n: usize) -> Self {
        InOrder {
            next: leftmost(1, n),
            n,
        }
    }
}

/// The leftmost slot of the subtree at `k` (`k` itself when it has no left child); 0 for an
/// empty tree.
fn leftmost(mut k: usize, n: usize) -> usize {
    if k > n {
        return 0;
    }
    // 2k <= n < usize::MAX / 2: n counts array slots.
    while k.checked_mul(2).is_some_and(|left| left <= n) {
        k *= 2;
    }
    k
}

impl Iterator for InOrder {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let k = self.next;
        if k == 0 {
            return None;
        }
        let right = k.checked_mul(2).and_then(|l| l.checked_add(1));
        self.next = match right {
            Some(right) if right <= self.n => leftmost(right, self.n),
            // Up past every ancestor we are the right child of, then one more: the first
            // ancestor whose left subtree we leave (0 past the root).
            _ => k.checked_shr(k.trailing_ones() + 1).unwrap_or(0),
        };
        Some(k)
    }
}

/// Writes `ranges` (ascending, disjoint; exactly `ends.len() - 1` of them) into `begins` and
/// `ends` in Eytzinger order. Slot 0 of both gets `A::MIN`. On error the arrays hold a partial
/// layout that [`contains`] still searches without fault, but not as a set of the ranges.
pub fn write<A: Addr>(
    ranges: impl IntoIterator<Item = Range<A>>,
    begins: &mut [A],
    ends: &mut [A],
) -> Result<(), LayoutError> {
    if begins.len() != ends.len() || ends.is_empty() {
        return Err(LayoutError::Slots);
    }
    let n = ends.len() - 1;
    let mut slots = InOrder::new(n);
    let mut previous: Option<Range<A>> = None;
    for range in ranges {
        let fits = previous.is_none_or(|p| p.end < range.begin);
        if range.begin > range.end || !fits {
            return Err(LayoutError::Order);
        }
        let k = slots.next().ok_or(LayoutError::Count)?;
        let (Some(begin), Some(end)) = (begins.get_mut(k), ends.get_mut(k)) else {
            return Err(LayoutError::Slots);
        };
        *begin = range.begin;
        *end = range.end;
        previous = Some(range);
    }
    if slots.next().is_some() {
        return Err(LayoutError::Count);
    }
    if let (Some(begin), Some(end)) = (begins.first_mut(), ends.first_mut()) {
        *begin = A::MIN;
        *end = A::MIN;
    }
    Ok(())
}

/// The slot of the first range (in sorted order) whose end is at least `addr`, 0 if none.
/// Searches slots `1..ends.len()`.
pub fn first_end_at_least<A: Addr>(ends: &[A], addr: A) -> usize {
    let mut k = 1usize;
    // Each step goes to the left child (2k) when this end is at least addr, else to the right
    // (2k + 1). k < ends.len() <= isize::MAX, so 2k + 1 cannot overflow.
    while let Some(&end) = ends.get(k) {
        k = 2 * k + usize::from(end < addr);
    }
    // The trailing one bits are the steps right since the last step left; dropping them and
    // that step gives the slot where we last went left: the first end >= addr (0: none).
    k.checked_shr(k.trailing_ones() + 1).unwrap_or(0)
}

/// Whether `addr` lies in one of the ranges laid out in `begins` and `ends` by [`write`].
/// Any contents and lengths are searched without fault (only slots present in both arrays are
/// read).
pub fn contains<A: Addr>(begins: &[A], ends: &[A], addr: A) -> bool {
    let n = begins.len().min(ends.len());
    let k = first_end_at_least(ends.get(..n).unwrap_or(&[]), addr);
    k != 0 && begins.get(k).is_some_and(|&begin| begin <= addr)
}

/// The ranges of a layout in ascending order (slots `1..` of `begins` and `ends`).
pub fn ranges<'a, A: Addr>(begins: &'a [A], ends: &'a [A]) -> impl Iterator<Item = Range<A>> + 'a {
    let n = begins.len().min(ends.len()).saturating_sub(1);
    InOrder::new(n).filter_map(move |k| Some(Range::new(*begins.get(k)?, *ends.get(k)?)))
}
