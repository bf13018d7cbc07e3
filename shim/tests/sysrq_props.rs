// SPDX-License-Identifier: GPL-2.0-only
//! Properties of the SYSRQ request format over random inputs.

use proptest::prelude::*;
use shim::hash::Hash;
use shim::sysrq::{self, MAX_DST, MAX_PASSWORD, MAX_SEQNO};

fn any_hash() -> impl Strategy<Value = Hash> {
    prop::sample::select(Hash::ALL.to_vec())
}

/// Bytes without a comma (keys and salt).
fn no_comma(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>().prop_filter("no comma", |&b| b != b','), 0..=max)
}

fn non_empty(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 1..=max)
}

/// A request built by `write_request`, with everything needed to verify it.
#[derive(Debug)]
struct Built {
    hash: Hash,
    request: Vec<u8>,
    seqno: u64,
    keys: Vec<u8>,
    dst: Vec<u8>,
    password: Vec<u8>,
}

/// Payloads of about a request's form: keys, a seqno (digits, too many digits or anything),
/// salt and digest, joined by commas, or (sometimes) any bytes at all.
fn request_like() -> impl Strategy<Value = Vec<u8>> {
    let seqno = prop_oneof![
        "[0-9]{1,19}".prop_map(String::into_bytes),
        "[0-9]{19,21}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..4),
    ];
    prop_oneof![
        4 => (no_comma(8), seqno, no_comma(8), prop::collection::vec(any::<u8>(), 0..140)).prop_map(
            |(keys, seqno, salt, rest)| [keys, seqno, salt, rest].join(&b","[..])
        ),
        1 => prop::collection::vec(any::<u8>(), 0..600),
    ]
}

fn built() -> impl Strategy<Value = Built> {
    (
        any_hash(),
        no_comma(16),
        0..=MAX_SEQNO,
        no_comma(64),
        non_empty(MAX_DST),
        non_empty(MAX_PASSWORD),
    )
        .prop_map(|(hash, keys, seqno, salt, dst, password)| {
            let mut out = [0u8; sysrq::MAX_REQUEST];
            let len = sysrq::write_request(hash, &keys, seqno, &salt, &dst, &password, &mut out)
                .expect("inputs are within limits");
            Built {
                hash,
                request: out[..len].to_vec(),
                seqno,
                keys,
                dst,
                password,
            }
        })
}

proptest! {
    #[test]
    fn written_requests_verify(b in built()) {
        let request = sysrq::verify(b.hash, &b.request, &b.dst, &b.password).expect("own request verifies");
        prop_assert_eq!(request.seqno, b.seqno);
        prop_assert_eq!(request.keys(&b.request), &b.keys[..]);
        prop_assert_eq!(sysrq::peek_seqno(&b.request), Ok(b.seqno));
    }

    /// peek_seqno (the kernel refuses an old seqno with it before hashing) finds what verify
    /// finds up to the seqno, and the same seqno.
    #[test]
    fn peek_seqno_agrees_with_verify(hash in any_hash(), payload in request_like()) {
        use sysrq::Error::{Empty, Format, Seqno, TooLong};
        let peeked = sysrq::peek_seqno(&payload);
        match sysrq::verify(hash, &payload, b"10.0.0.1", b"pw") {
            Ok(request) => prop_assert_eq!(peeked, Ok(request.seqno)),
            Err(error @ (Empty | TooLong | Format | Seqno)) => prop_assert_eq!(peeked, Err(error)),
            Err(_) => prop_assert!(peeked.is_ok()),
        }
    }

    /// Every byte the digest covers or consists of is authenticated.
    #[test]
    fn any_byte_change_is_refused(b in built(), index in any::<prop::sample::Index>(), new in any::<u8>()) {
        let at = index.index(b.request.len());
        prop_assume!(b.request[at] != new);
        let mut tampered = b.request.clone();
        tampered[at] = new;
        prop_assert!(sysrq::verify(b.hash, &tampered, &b.dst, &b.password).is_err());
    }

    /// Upstream ignores what follows the digest (e.g. echo's newline); so do we.
    #[test]
    fn trailing_bytes_are_ignored(b in built(), tail in prop::collection::vec(any::<u8>(), 1..32)) {
        let mut extended = b.request.clone();
        extended.extend_from_slice(&tail);
        prop_assume!(extended.len() <= sysrq::MAX_REQUEST);
        let request = sysrq::verify(b.hash, &extended, &b.dst, &b.password).expect("trailing bytes ignored");
        prop_assert_eq!(request.seqno, b.seqno);
    }

    /// Truncating the digest is always refused as a short digest.
    #[test]
    fn truncation_is_refused(b in built(), cut in 1usize..8) {
        let short = &b.request[..b.request.len() - cut];
        prop_assert_eq!(sysrq::verify(b.hash, short, &b.dst, &b.password), Err(sysrq::Error::ShortDigest));
    }

    /// Arbitrary bytes never panic and an accepted request is well formed.
    #[test]
    fn arbitrary_payloads(hash in any_hash(), payload in prop::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(request) = sysrq::verify(hash, &payload, b"10.0.0.1", b"pw") {
            prop_assert!(request.keys.end <= payload.len() && request.seqno <= MAX_SEQNO);
        }
    }
}
