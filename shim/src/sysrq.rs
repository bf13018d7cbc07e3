// SPDX-License-Identifier: GPL-2.0-only
//! The xt_SYSRQ request: a UDP payload `"<keys>,<seqno>,<salt>,<hex>"` where
//! `<hex>` is the lowercase hex `HASH("<keys>,<seqno>,<salt>," "<dst>,<password>")`
//! and `<dst>` is the packet's destination address as `%pI4` / `%pI6` prints it.
//!
//! Accepts every request upstream xt_SYSRQ accepts from a sane client (empty
//! keys or salt, any bytes after the digest such as `echo`'s newline) and is
//! stricter where upstream is defective: the seqno must be 1+ ASCII digits and
//! at most `i64::MAX`, sizes are bounded, and the digest is compared in
//! constant time.

mod dst;

pub use dst::{DstText, format_dst_v4, format_dst_v6};

use crate::ct;
use crate::cursor::Cursor;
use crate::hash::{Hash, HexDigest};
use core::fmt;
use core::ops::Range;

/// Longest request considered (`XA_SYSRQ_MAX_REQUEST`).
pub const MAX_REQUEST: usize = 512;
/// Longest password (`XA_SYSRQ_MAX_PASSWORD`; upstream's buffer is 64 bytes with the NUL).
pub const MAX_PASSWORD: usize = 63;
/// Longest destination text, the full `%pI6` form (`XA_SYSRQ_MAX_DST`).
pub const MAX_DST: usize = 39;
/// Largest sequence number (upstream's `long` module parameter).
pub const MAX_SEQNO: u64 = i64::MAX as u64;

/// An authenticated request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Sequence number, at most [`MAX_SEQNO`]. The caller must check that it
    /// is greater than the last accepted one, and store it, atomically.
    pub seqno: u64,
    /// Where the SysRq key characters are in the payload (always starts at 0).
    pub keys: Range<usize>,
}

impl Request {
    /// The SysRq key characters, given the payload that was verified.
    #[must_use]
    pub fn keys<'a>(&self, payload: &'a [u8]) -> &'a [u8] {
        payload.get(self.keys.clone()).unwrap_or(&[])
    }
}

/// Why [`verify`] refused a request; one variant per `enum xa_sysrq_status` error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// No payload (`XA_SYSRQ_E_EMPTY`).
    Empty,
    /// Payload longer than [`MAX_REQUEST`] (`XA_SYSRQ_E_TOO_LONG`).
    TooLong,
    /// Fewer than three commas (`XA_SYSRQ_E_FORMAT`).
    Format,
    /// Seqno empty, not decimal, or above [`MAX_SEQNO`] (`XA_SYSRQ_E_SEQNO`).
    Seqno,
    /// Fewer hex digits than the hash produces (`XA_SYSRQ_E_SHORT_DIGEST`).
    ShortDigest,
    /// The digest does not match (`XA_SYSRQ_E_BAD_DIGEST`).
    BadDigest,
    /// Password or destination empty or too long (`XA_SYSRQ_E_ARGUMENT`).
    Argument,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Error::Empty => "empty request",
            Error::TooLong => "request longer than 512 bytes",
            Error::Format => "request is not \"<keys>,<seqno>,<salt>,<digest>\"",
            Error::Seqno => "sequence number is not a decimal number up to 9223372036854775807",
            Error::ShortDigest => "digest shorter than the hash produces",
            Error::BadDigest => "digest does not match",
            Error::Argument => "password or destination address empty or too long",
        })
    }
}

/// Why [`write_request`] could not build a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BuildError {
    /// The keys contain a comma.
    KeysComma,
    /// The salt contains a comma.
    SaltComma,
    /// The seqno is above [`MAX_SEQNO`].
    Seqno,
    /// The destination text is empty or longer than [`MAX_DST`].
    Dst,
    /// The password is empty or longer than [`MAX_PASSWORD`].
    Password,
    /// The request would be longer than [`MAX_REQUEST`].
    TooLong,
    /// The output buffer is too small for the request.
    BufferTooSmall,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BuildError::KeysComma => "SysRq keys must not contain a comma",
            BuildError::SaltComma => "salt must not contain a comma",
            BuildError::Seqno => "sequence number above 9223372036854775807",
            BuildError::Dst => "destination address text empty or longer than 39 bytes",
            BuildError::Password => "password empty or longer than 63 bytes",
            BuildError::TooLong => "request would be longer than 512 bytes",
            BuildError::BufferTooSmall => "output buffer too small",
        })
    }
}

/// The request fields, borrowed from the payload.
struct Fields<'a> {
    keys: &'a [u8],
    seqno: &'a [u8],
    /// Everything the digest covers from the payload: up to and including the third comma.
    signed: &'a [u8],
    /// Everything after the third comma: the digest, then ignored bytes.
    rest: &'a [u8],
}

/// Splits at the first comma, dropping it.
fn split_comma(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let pos = bytes.iter().position(|&b| b == b',')?;
    let (head, tail) = bytes.split_at_checked(pos)?;
    Some((head, tail.get(1..)?))
}

impl<'a> Fields<'a> {
    fn parse(payload: &'a [u8]) -> Option<Fields<'a>> {
        let (keys, tail) = split_comma(payload)?;
        let (seqno, tail) = split_comma(tail)?;
        let (_salt, rest) = split_comma(tail)?;
        let signed = payload.get(..payload.len().checked_sub(rest.len())?)?;
        Some(Fields {
            keys,
            seqno,
            signed,
            rest,
        })
    }
}

/// Parses 1+ ASCII digits into a value up to [`MAX_SEQNO`].
fn parse_seqno(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |value, &digit| {
        if !digit.is_ascii_digit() {
            return None;
        }
        let value = value
            .checked_mul(10)?
            .checked_add(u64::from(digit.wrapping_sub(b'0')))?;
        (value <= MAX_SEQNO).then_some(value)
    })
}

fn secret_digest(hash: Hash, signed: &[u8], dst: &[u8], password: &[u8]) -> HexDigest {
    hash.digest(&[signed, dst, b",", password]).to_hex()
}

fn valid_len(bytes: &[u8], max: usize) -> bool {
    !bytes.is_empty() && bytes.len() <= max
}

/// The fields of a request of the right form, and its seqno.
fn parse(payload: &[u8]) -> Result<(Fields<'_>, u64), Error> {
    if payload.is_empty() {
        return Err(Error::Empty);
    }
    if payload.len() > MAX_REQUEST {
        return Err(Error::TooLong);
    }
    let fields = Fields::parse(payload).ok_or(Error::Format)?;
    let seqno = parse_seqno(fields.seqno).ok_or(Error::Seqno)?;
    Ok((fields, seqno))
}

/// The sequence number of a request, parsed as [`verify`] parses it but not
/// authenticated: for refusing a seqno already used before hashing anything,
/// as upstream does, so that a replayed request costs no digest. The error is
/// the one [`verify`] gives the same payload with a valid destination and
/// password, up to the seqno (what it finds wrong with the digest comes later).
///
/// ```
/// use shim::sysrq::{peek_seqno, Error};
/// assert_eq!(peek_seqno(b"s,42,salt,0123"), Ok(42));
/// assert_eq!(peek_seqno(b"s,42"), Err(Error::Format));
/// ```
pub fn peek_seqno(payload: &[u8]) -> Result<u64, Error> {
    parse(payload).map(|(_, seqno)| seqno)
}

/// Parses and authenticates one request.
///
/// `dst` is the packet's destination address text (see [`format_dst_v4`],
/// [`format_dst_v6`]), `password` the shared secret (without upstream's
/// trailing newline). Does not check the seqno against a stored one.
///
/// ```
/// use shim::{hash::Hash, sysrq};
/// let mut buf = [0u8; sysrq::MAX_REQUEST];
/// let len = sysrq::write_request(Hash::Sha1, b"s", 42, b"salt", b"10.0.0.1", b"secret", &mut buf).unwrap();
/// let request = sysrq::verify(Hash::Sha1, &buf[..len], b"10.0.0.1", b"secret").unwrap();
/// assert_eq!((request.seqno, request.keys(&buf)), (42, &b"s"[..]));
/// assert_eq!(sysrq::verify(Hash::Sha1, &buf[..len], b"10.0.0.2", b"secret"), Err(sysrq::Error::BadDigest));
/// ```
pub fn verify(hash: Hash, payload: &[u8], dst: &[u8], password: &[u8]) -> Result<Request, Error> {
    if !valid_len(dst, MAX_DST) || !valid_len(password, MAX_PASSWORD) {
        return Err(Error::Argument);
    }
    let (fields, seqno) = parse(payload)?;
    let received = fields
        .rest
        .get(..2 * hash.digest_len())
        .ok_or(Error::ShortDigest)?;
    let expected = secret_digest(hash, fields.signed, dst, password);
    if !ct::eq(received, expected.as_bytes()) {
        return Err(Error::BadDigest);
    }
    Ok(Request {
        seqno,
        keys: 0..fields.keys.len(),
    })
}

/// Builds a request into `out` (no trailing newline) and returns its length.
///
/// `keys` and `salt` may be empty but must not contain a comma; the salt
/// should be fresh random text so that equal requests never repeat.
pub fn write_request(
    hash: Hash,
    keys: &[u8],
    seqno: u64,
    salt: &[u8],
    dst: &[u8],
    password: &[u8],
    out: &mut [u8],
) -> Result<usize, BuildError> {
    if keys.contains(&b',') {
        return Err(BuildError::KeysComma);
    }
    if salt.contains(&b',') {
        return Err(BuildError::SaltComma);
    }
    if seqno > MAX_SEQNO {
        return Err(BuildError::Seqno);
    }
    if !valid_len(dst, MAX_DST) {
        return Err(BuildError::Dst);
    }
    if !valid_len(password, MAX_PASSWORD) {
        return Err(BuildError::Password);
    }
    // Build in a MAX_REQUEST scratch buffer so "too long" and "buffer too small" stay distinct.
    let mut request = [0u8; MAX_REQUEST];
    let mut cursor = Cursor::new(&mut request);
    let mut put_prefix = || -> Option<usize> {
        cursor.put(keys)?;
        cursor.put(b",")?;
        cursor.put_decimal(seqno)?;
        cursor.put(b",")?;
        cursor.put(salt)?;
        cursor.put(b",")?;
        Some(cursor.len())
    };
    let signed_len = put_prefix().ok_or(BuildError::TooLong)?;
    let (signed, digest_slot) = request
        .split_at_mut_checked(signed_len)
        .ok_or(BuildError::TooLong)?;
    let digest = secret_digest(hash, signed, dst, password);
    let mut cursor = Cursor::new(digest_slot);
    cursor.put(digest.as_bytes()).ok_or(BuildError::TooLong)?;
    let len = signed_len
        .checked_add(cursor.len())
        .ok_or(BuildError::TooLong)?;
    let built = request.get(..len).ok_or(BuildError::TooLong)?;
    Cursor::new(out)
        .put(built)
        .ok_or(BuildError::BufferTooSmall)?;
    Ok(len)
}

#[cfg(test)]
mod tests;
