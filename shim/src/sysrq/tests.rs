// SPDX-License-Identifier: GPL-2.0-only
use super::*;
use std::process::Command;

const DST: &[u8] = b"127.0.0.1";
const PASSWORD: &[u8] = b"secret";

fn build(hash: Hash, keys: &[u8], seqno: u64, salt: &[u8]) -> Vec<u8> {
    let mut out = [0u8; MAX_REQUEST];
    let len =
        write_request(hash, keys, seqno, salt, DST, PASSWORD, &mut out).expect("valid request");
    out[..len].to_vec()
}

fn check(payload: &[u8]) -> Result<Request, Error> {
    verify(Hash::Sha1, payload, DST, PASSWORD)
}

/// Upstream's documented recipe, run by a real shell and coreutils:
/// `req="s,<seqno>,<salt>"; echo "$req,$(echo -n $req,<dst>,<pw> | sha1sum | cut -c1-40)"`.
fn shell_recipe(tool: &str, hex_len: usize, req: &str) -> Vec<u8> {
    let script = format!(
        "req='{req}'; echo \"$req,$(echo -n \"$req,{dst},{pw}\" | {tool} | cut -c1-{hex_len})\"",
        dst = std::str::from_utf8(DST).unwrap(),
        pw = std::str::from_utf8(PASSWORD).unwrap(),
    );
    let output = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .output()
        .expect("run sh");
    assert!(output.status.success(), "{script}: {output:?}");
    output.stdout
}

#[test]
fn accepts_upstream_shell_recipe() {
    for (hash, tool) in [
        (Hash::Sha1, "sha1sum"),
        (Hash::Sha256, "sha256sum"),
        (Hash::Sha512, "sha512sum"),
    ] {
        let request = shell_recipe(tool, 2 * hash.digest_len(), "sb,1700000000,a1B2c3");
        assert_eq!(
            request.last(),
            Some(&b'\n'),
            "echo appends a newline, which must be ignored"
        );
        let verified = verify(hash, &request, DST, PASSWORD).expect("upstream recipe verifies");
        assert_eq!(verified.seqno, 1_700_000_000);
        assert_eq!(verified.keys(&request), b"sb");
        // Our builder produces the same bytes, without the newline.
        assert_eq!(
            build(hash, b"sb", 1_700_000_000, b"a1B2c3"),
            request[..request.len() - 1]
        );
    }
}

#[test]
fn accepts_empty_keys_and_salt() {
    let request = build(Hash::Sha1, b"", 7, b"");
    assert!(request.starts_with(b",7,,"));
    assert_eq!(
        check(&request),
        Ok(Request {
            seqno: 7,
            keys: 0..0
        })
    );
}

#[test]
fn accepts_leading_zeros_and_max_seqno() {
    let mut request = b"s,0009,x,".to_vec();
    request.extend_from_slice(secret_digest(Hash::Sha1, b"s,0009,x,", DST, PASSWORD).as_bytes());
    assert_eq!(check(&request).map(|r| r.seqno), Ok(9));
    let request = build(Hash::Sha1, b"s", MAX_SEQNO, b"x");
    assert_eq!(check(&request).map(|r| r.seqno), Ok(MAX_SEQNO));
}

#[test]
fn accepts_every_hash_and_ipv6_dst() {
    let dst = format_dst_v6(&std::net::Ipv6Addr::LOCALHOST.octets());
    for hash in Hash::ALL {
        let mut out = [0u8; MAX_REQUEST];
        let len =
            write_request(hash, b"b", 1, b"salt", dst.as_bytes(), PASSWORD, &mut out).unwrap();
        assert_eq!(
            verify(hash, &out[..len], dst.as_bytes(), PASSWORD).map(|r| r.seqno),
            Ok(1)
        );
        // Another hash, destination or password never verifies.
        for other in Hash::ALL.into_iter().filter(|&other| other != hash) {
            assert!(verify(other, &out[..len], dst.as_bytes(), PASSWORD).is_err());
        }
        assert_eq!(
            verify(hash, &out[..len], DST, PASSWORD),
            Err(Error::BadDigest)
        );
        assert_eq!(
            verify(hash, &out[..len], dst.as_bytes(), b"secreT"),
            Err(Error::BadDigest)
        );
    }
}

/// (payload, dst, password, expected error)
type Case<'a> = (&'a [u8], &'a [u8], &'a [u8], Error);

#[test]
fn each_error_is_reachable() {
    let good = build(Hash::Sha1, b"s", 12, b"salt");
    let mut truncated = good.clone();
    truncated.pop();
    let cases: &[Case] = &[
        (b"", DST, PASSWORD, Error::Empty),
        (&[b'a'; MAX_REQUEST + 1], DST, PASSWORD, Error::TooLong),
        (b"s,12,salt", DST, PASSWORD, Error::Format),
        (b"no commas at all", DST, PASSWORD, Error::Format),
        (b"s,,salt,", DST, PASSWORD, Error::Seqno),
        (b"s,1x2,salt,", DST, PASSWORD, Error::Seqno),
        (b"s,-1,salt,", DST, PASSWORD, Error::Seqno),
        (b"s,9223372036854775808,salt,", DST, PASSWORD, Error::Seqno),
        (
            b"s,99999999999999999999999,salt,",
            DST,
            PASSWORD,
            Error::Seqno,
        ),
        (b"s,12,salt,", DST, PASSWORD, Error::ShortDigest),
        (&truncated, DST, PASSWORD, Error::ShortDigest),
        (&good, DST, b"wrong", Error::BadDigest),
        (&good, b"127.0.0.2", PASSWORD, Error::BadDigest),
        (&good, b"", PASSWORD, Error::Argument),
        (&good, &[b'1'; MAX_DST + 1], PASSWORD, Error::Argument),
        (&good, DST, b"", Error::Argument),
        (&good, DST, &[b'p'; MAX_PASSWORD + 1], Error::Argument),
    ];
    for (i, &(payload, dst, password, expected)) in cases.iter().enumerate() {
        assert_eq!(
            verify(Hash::Sha1, payload, dst, password),
            Err(expected),
            "case {i}"
        );
    }
    // Upstream compares against lowercase hex with strncmp: an uppercase digest is refused.
    let split = good.len() - 40;
    let mut upper_digest = good[..split].to_vec();
    upper_digest.extend(good[split..].to_ascii_uppercase());
    assert_ne!(upper_digest, good, "the digest has letters");
    assert_eq!(check(&upper_digest), Err(Error::BadDigest));
    // Limits are inclusive.
    assert!(check(&good).is_ok());
    let long_password = [b'p'; MAX_PASSWORD];
    let mut out = [0u8; MAX_REQUEST];
    let len = write_request(Hash::Sha1, b"s", 1, b"", DST, &long_password, &mut out).unwrap();
    assert!(verify(Hash::Sha1, &out[..len], DST, &long_password).is_ok());
}

#[test]
fn request_of_max_length_is_accepted_and_one_more_refused() {
    // keys "s", seqno "1": 2 + 2 + salt + 1 + 40 = MAX_REQUEST.
    let salt = vec![b'x'; MAX_REQUEST - 45];
    let request = build(Hash::Sha1, b"s", 1, &salt);
    assert_eq!(request.len(), MAX_REQUEST);
    assert!(check(&request).is_ok());
    let mut out = [0u8; MAX_REQUEST + 1];
    let salt = vec![b'x'; MAX_REQUEST - 44];
    assert_eq!(
        write_request(Hash::Sha1, b"s", 1, &salt, DST, PASSWORD, &mut out),
        Err(BuildError::TooLong)
    );
}

#[test]
fn write_request_refuses_bad_arguments() {
    let mut out = [0u8; MAX_REQUEST];
    let mut write = |keys: &[u8], seqno, salt: &[u8], dst: &[u8], password: &[u8]| {
        write_request(Hash::Sha1, keys, seqno, salt, dst, password, &mut out)
    };
    assert_eq!(
        write(b"s,b", 1, b"x", DST, PASSWORD),
        Err(BuildError::KeysComma)
    );
    assert_eq!(
        write(b"s", 1, b"x,y", DST, PASSWORD),
        Err(BuildError::SaltComma)
    );
    assert_eq!(
        write(b"s", MAX_SEQNO + 1, b"x", DST, PASSWORD),
        Err(BuildError::Seqno)
    );
    assert_eq!(write(b"s", 1, b"x", b"", PASSWORD), Err(BuildError::Dst));
    assert_eq!(
        write(b"s", 1, b"x", &[b'1'; MAX_DST + 1], PASSWORD),
        Err(BuildError::Dst)
    );
    assert_eq!(write(b"s", 1, b"x", DST, b""), Err(BuildError::Password));
    assert_eq!(
        write(b"s", 1, b"x", DST, &[b'p'; MAX_PASSWORD + 1]),
        Err(BuildError::Password)
    );
    let mut small = [0u8; 45];
    assert_eq!(
        write_request(Hash::Sha1, b"s", 1, b"x", DST, PASSWORD, &mut small),
        Err(BuildError::BufferTooSmall)
    );
    let mut exact = [0u8; 46];
    assert_eq!(
        write_request(Hash::Sha1, b"s", 1, b"x", DST, PASSWORD, &mut exact),
        Ok(46)
    );
}

#[test]
fn errors_display() {
    assert_eq!(
        Error::Seqno.to_string(),
        "sequence number is not a decimal number up to 9223372036854775807"
    );
    assert_eq!(
        BuildError::KeysComma.to_string(),
        "SysRq keys must not contain a comma"
    );
}
