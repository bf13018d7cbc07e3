// SPDX-License-Identifier: GPL-2.0-only
//! Lowercase hexadecimal encoding, as the kernel and `sha1sum` print digests.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Writes the lowercase hex form of `bytes` to the start of `out`.
///
/// Returns the number of bytes written (`2 * bytes.len()`), or `None` (and
/// writes nothing) when `out` is too short.
pub fn encode_lower(bytes: &[u8], out: &mut [u8]) -> Option<usize> {
    let len = bytes.len().checked_mul(2)?;
    let out = out.get_mut(..len)?;
    for (pair, byte) in out.chunks_exact_mut(2).zip(bytes) {
        for (digit, nibble) in pair.iter_mut().zip([byte >> 4, byte & 0xf]) {
            *digit = DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0');
        }
    }
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::encode_lower;

    #[test]
    fn encodes_lowercase() {
        let mut out = [0u8; 8];
        assert_eq!(encode_lower(&[0x00, 0x9f, 0xab, 0xff], &mut out), Some(8));
        assert_eq!(&out, b"009fabff");
    }

    #[test]
    fn refuses_short_buffer() {
        let mut out = [b'x'; 3];
        assert_eq!(encode_lower(&[1, 2], &mut out), None);
        assert_eq!(&out, b"xxx");
        assert_eq!(encode_lower(&[], &mut []), Some(0));
    }
}
