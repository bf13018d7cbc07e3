// SPDX-License-Identifier: GPL-2.0-only
//! Bounded, panic-free appending into a caller's buffer.

/// Appends to a fixed buffer; every write either fits entirely or fails.
pub(crate) struct Cursor<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(buf: &'a mut [u8]) -> Cursor<'a> {
        Cursor { buf, pos: 0 }
    }

    /// Appends `bytes`, or returns `None` (writing nothing) when they do not fit.
    pub(crate) fn put(&mut self, bytes: &[u8]) -> Option<()> {
        let end = self.pos.checked_add(bytes.len())?;
        let slot = self.buf.get_mut(self.pos..end)?;
        for (dst, src) in slot.iter_mut().zip(bytes) {
            *dst = *src;
        }
        self.pos = end;
        Some(())
    }

    /// Appends the decimal form of `value`.
    pub(crate) fn put_decimal(&mut self, mut value: u64) -> Option<()> {
        let mut digits = [0u8; 20]; // u64::MAX has 20 digits
        let mut len = 0;
        for slot in digits.iter_mut().rev() {
            *slot = b'0' + (value % 10) as u8;
            value /= 10;
            len += 1;
            if value == 0 {
                break;
            }
        }
        self.put(digits.get(digits.len().checked_sub(len)?..)?)
    }

    /// Bytes written so far.
    pub(crate) fn len(&self) -> usize {
        self.pos
    }
}

#[cfg(test)]
mod tests {
    use super::Cursor;

    #[test]
    fn writes_until_full() {
        let mut buf = [0u8; 8];
        let mut cursor = Cursor::new(&mut buf);
        assert_eq!(cursor.put(b"ab"), Some(()));
        assert_eq!(cursor.put_decimal(0), Some(()));
        assert_eq!(cursor.put_decimal(1234), Some(()));
        assert_eq!(cursor.put(b"xyz"), None);
        assert_eq!(cursor.put(b"x"), Some(()));
        assert_eq!(cursor.len(), 8);
        assert_eq!(&buf, b"ab01234x");
    }

    #[test]
    fn decimal_extremes() {
        let mut buf = [0u8; 20];
        let mut cursor = Cursor::new(&mut buf);
        assert_eq!(cursor.put_decimal(u64::MAX), Some(()));
        assert_eq!(&buf, b"18446744073709551615");
        assert_eq!(Cursor::new(&mut [0u8; 19]).put_decimal(u64::MAX), None);
    }
}
