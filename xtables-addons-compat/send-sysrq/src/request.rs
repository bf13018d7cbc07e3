// SPDX-License-Identifier: GPL-2.0-only
//! Building the request. The format and the digest are the shim's (shared with the kernel
//! module); this file only supplies the inputs: a random salt and the destination's text.

use std::io;
use std::net::IpAddr;

use shim::hash::Hash;
use shim::sysrq::{self, BuildError, DstText};

use crate::password::Password;
use xa_cli::{Error, failure, usage};

/// Random bytes in the salt; sent as twice as many hex digits.
const SALT_BYTES: usize = 8;

/// A salt of fresh random bytes from the kernel, in lowercase hex.
pub fn salt() -> Result<[u8; 2 * SALT_BYTES], Error> {
    let mut random = [0u8; SALT_BYTES];
    let mut filled = 0;
    while filled < SALT_BYTES {
        let rest = &mut random[filled..];
        // Safety: `rest` is a valid writable buffer of rest.len() bytes.
        let n = unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) };
        match usize::try_from(n) {
            Ok(n) => filled += n,
            Err(_) => {
                let e = io::Error::last_os_error();
                if e.kind() != io::ErrorKind::Interrupted {
                    return Err(failure!("cannot get random bytes for the salt: {e}"));
                }
            }
        }
    }
    let mut hex = [0u8; 2 * SALT_BYTES];
    match shim::hex::encode_lower(&random, &mut hex) {
        Some(len) if len == hex.len() => Ok(hex),
        _ => Err(failure!("cannot hex-encode the salt")),
    }
}

/// The destination address as the module prints it (`%pI4`, or `%pI6` in full form):
/// the module hashes this text, so the client must hash the same.
pub fn dst_text(ip: IpAddr) -> DstText {
    match ip {
        IpAddr::V4(v4) => sysrq::format_dst_v4(&v4.octets()),
        IpAddr::V6(v6) => sysrq::format_dst_v6(&v6.octets()),
    }
}

/// Looks a hash up by the module's name for it.
pub fn hash_by_name(name: &str) -> Result<Hash, Error> {
    Hash::from_name(name.as_bytes()).ok_or_else(|| {
        let known: Vec<&str> = Hash::ALL.iter().map(|h| h.name()).collect();
        usage!("unknown hash '{name}' (known: {})", known.join(", "))
    })
}

/// The complete request payload, "<keys>,<seqno>,<salt>,<hex digest>".
pub fn build(
    hash: Hash,
    keys: &str,
    seqno: u64,
    salt: &[u8],
    dst: &DstText,
    password: &Password,
) -> Result<Vec<u8>, Error> {
    let mut out = vec![0u8; sysrq::MAX_REQUEST];
    let len = sysrq::write_request(
        hash,
        keys.as_bytes(),
        seqno,
        salt,
        dst.as_bytes(),
        password.as_bytes(),
        &mut out,
    )
    .map_err(|e| match e {
        BuildError::TooLong => usage!(
            "KEYS is too long: the request would exceed {} bytes",
            sysrq::MAX_REQUEST
        ),
        e => failure!("cannot build the request: {e}"),
    })?;
    out.truncate(len);
    Ok(out)
}
