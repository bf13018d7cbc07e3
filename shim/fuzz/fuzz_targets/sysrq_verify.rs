// SPDX-License-Identifier: GPL-2.0-only
//! Fuzzes `shim::sysrq::verify` against a straightforward reference model,
//! on arbitrary payloads and on valid requests with one byte edited.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use sha1::Digest;
use shim::hash::Hash;
use shim::sysrq::{self, Error};

/// A valid request built by `write_request`, then optionally edited.
#[derive(Arbitrary, Debug)]
struct Forged {
    keys: Vec<u8>,
    seqno: u64,
    salt: Vec<u8>,
    edit: Option<(u16, u8)>,
    trailing: Vec<u8>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    hash: u8,
    dst: Vec<u8>,
    password: Vec<u8>,
    payload: Vec<u8>,
    forged: Option<Forged>,
}

fn hex_digest<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
    let mut hasher = D::new();
    for part in parts {
        hasher.update(part);
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    hex.into_bytes()
}

fn reference_digest(hash: Hash, parts: &[&[u8]]) -> Vec<u8> {
    match hash {
        Hash::Sha1 => hex_digest::<sha1::Sha1>(parts),
        Hash::Sha224 => hex_digest::<sha2::Sha224>(parts),
        Hash::Sha256 => hex_digest::<sha2::Sha256>(parts),
        Hash::Sha384 => hex_digest::<sha2::Sha384>(parts),
        Hash::Sha512 => hex_digest::<sha2::Sha512>(parts),
    }
}

/// The documented format, written the obvious way: returns (seqno, keys length).
fn reference(
    hash: Hash,
    payload: &[u8],
    dst: &[u8],
    password: &[u8],
) -> Result<(u64, usize), Error> {
    if dst.is_empty() || dst.len() > 39 || password.is_empty() || password.len() > 63 {
        return Err(Error::Argument);
    }
    if payload.is_empty() {
        return Err(Error::Empty);
    }
    if payload.len() > 512 {
        return Err(Error::TooLong);
    }
    let commas: Vec<usize> = (0..payload.len()).filter(|&i| payload[i] == b',').collect();
    if commas.len() < 3 {
        return Err(Error::Format);
    }
    let (c1, c2, c3) = (commas[0], commas[1], commas[2]);
    let seqno = std::str::from_utf8(&payload[c1 + 1..c2])
        .ok()
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
    let seqno = match seqno.and_then(|s| s.parse::<u128>().ok()) {
        Some(value) if value <= i64::MAX as u128 => value as u64,
        _ => return Err(Error::Seqno),
    };
    let need = 2 * hash.digest_len();
    let rest = &payload[c3 + 1..];
    if rest.len() < need {
        return Err(Error::ShortDigest);
    }
    let expected = reference_digest(hash, &[&payload[..=c3], dst, b",", password]);
    if rest[..need] != expected[..] {
        return Err(Error::BadDigest);
    }
    Ok((seqno, c1))
}

fn check(hash: Hash, payload: &[u8], dst: &[u8], password: &[u8]) -> bool {
    let got = sysrq::verify(hash, payload, dst, password);
    if let Ok(request) = &got {
        assert_eq!(request.keys.start, 0);
        assert!(request.keys.end <= payload.len());
        assert!(request.seqno <= sysrq::MAX_SEQNO);
        assert!(!request.keys(payload).contains(&b','));
    }
    let got = got.map(|request| (request.seqno, request.keys.end));
    assert_eq!(
        got,
        reference(hash, payload, dst, password),
        "payload {payload:?}"
    );
    got.is_ok()
}

fuzz_target!(|input: Input| {
    let hash = Hash::ALL[usize::from(input.hash) % Hash::ALL.len()];
    check(hash, &input.payload, &input.dst, &input.password);

    let Some(forged) = input.forged else { return };
    let mut out = [0u8; sysrq::MAX_REQUEST];
    let built = sysrq::write_request(
        hash,
        &forged.keys,
        forged.seqno,
        &forged.salt,
        &input.dst,
        &input.password,
        &mut out,
    );
    let Ok(len) = built else { return };
    let mut request = out[..len].to_vec();
    assert!(
        check(hash, &request, &input.dst, &input.password),
        "own request refused"
    );
    request.extend_from_slice(&forged.trailing);
    if let Some((at, byte)) = forged.edit {
        let at = usize::from(at) % len;
        let changed = request[at] != byte;
        request[at] = byte;
        let accepted = check(hash, &request, &input.dst, &input.password);
        assert!(!(changed && accepted), "edited request accepted");
    } else {
        check(hash, &request, &input.dst, &input.password);
    }
});
