// SPDX-License-Identifier: GPL-2.0-only
//! The destination address text that SYSRQ requests are bound to.

use super::MAX_DST;
use crate::cursor::Cursor;
use crate::hex;
use core::fmt;

/// A destination address as the kernel's `%pI4` / `%pI6` prints it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DstText {
    text: [u8; MAX_DST],
    len: usize,
}

impl DstText {
    fn build(write: impl FnOnce(&mut Cursor<'_>) -> Option<()>) -> DstText {
        let mut text = [0u8; MAX_DST];
        let mut cursor = Cursor::new(&mut text);
        // Both formats fit MAX_DST by construction; a failure would leave a short (never verifying) text.
        let _ = write(&mut cursor);
        let len = cursor.len();
        DstText { text, len }
    }

    /// The address text (ASCII).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.text.get(..self.len).unwrap_or(&[])
    }

    /// The address text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }
}

impl fmt::Debug for DstText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DstText").field(&self.as_str()).finish()
    }
}

/// `%pI4`: dotted decimal, e.g. `127.0.0.1`.
#[must_use]
pub fn format_dst_v4(addr: &[u8; 4]) -> DstText {
    DstText::build(|cursor| {
        for (i, octet) in addr.iter().enumerate() {
            if i > 0 {
                cursor.put(b".")?;
            }
            cursor.put_decimal(u64::from(*octet))?;
        }
        Some(())
    })
}

/// `%pI6`: eight groups of four lowercase hex digits, never compressed,
/// e.g. `0000:0000:0000:0000:0000:0000:0000:0001`.
#[must_use]
pub fn format_dst_v6(addr: &[u8; 16]) -> DstText {
    DstText::build(|cursor| {
        for (i, group) in addr.chunks_exact(2).enumerate() {
            if i > 0 {
                cursor.put(b":")?;
            }
            let mut digits = [0u8; 4];
            hex::encode_lower(group, &mut digits)?;
            cursor.put(&digits)?;
        }
        Some(())
    })
}

#[cfg(test)]
mod tests {
    use super::{format_dst_v4, format_dst_v6};
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn v4_matches_pi4() {
        assert_eq!(format_dst_v4(&[127, 0, 0, 1]).as_str(), "127.0.0.1");
        assert_eq!(
            format_dst_v4(&[255, 255, 255, 255]).as_str(),
            "255.255.255.255"
        );
        for addr in [[0, 0, 0, 0], [10, 10, 25, 1], [192, 168, 100, 200]] {
            assert_eq!(
                format_dst_v4(&addr).as_str(),
                Ipv4Addr::from(addr).to_string()
            );
        }
    }

    #[test]
    fn v6_is_full_lowercase_form() {
        assert_eq!(
            format_dst_v6(&Ipv6Addr::LOCALHOST.octets()).as_str(),
            "0000:0000:0000:0000:0000:0000:0000:0001"
        );
        let addr: Ipv6Addr = "2001:db8:abcd::fe:ff".parse().expect("valid address");
        let text = format_dst_v6(&addr.octets());
        assert_eq!(text.as_str(), "2001:0db8:abcd:0000:0000:0000:00fe:00ff");
        assert_eq!(text.as_bytes().len(), super::MAX_DST);
        assert_eq!(
            format!("{text:?}"),
            "DstText(\"2001:0db8:abcd:0000:0000:0000:00fe:00ff\")"
        );
    }
}
