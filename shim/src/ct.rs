// SPDX-License-Identifier: GPL-2.0-only
//! Constant-time comparison of secrets.

use core::hint::black_box;

/// Whether `a` and `b` are equal, in time independent of their contents.
///
/// The lengths are not secret (they are fixed by the hash algorithm), so a
/// length mismatch returns early; equal-length inputs are always compared in
/// full, without a data-dependent branch.
#[must_use]
pub fn eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a
        .iter()
        .zip(b)
        // black_box keeps the optimiser from turning the fold into an early-exit loop.
        .fold(0u8, |acc, (x, y)| black_box(acc | (x ^ y)));
    black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::eq;

    #[test]
    fn equal_and_unequal() {
        assert!(eq(b"", b""));
        assert!(eq(b"abc", b"abc"));
        assert!(!eq(b"abc", b"abd"));
        assert!(!eq(b"abc", b"xbc"));
        assert!(!eq(b"abc", b"ab"));
    }
}
