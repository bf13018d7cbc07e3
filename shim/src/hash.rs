// SPDX-License-Identifier: GPL-2.0-only
//! The hash algorithms SYSRQ (and later pknock) authenticate with, without
//! allocation or dynamic dispatch.

use crate::hex;
use core::fmt;
use digest::Digest as _;
use zeroize::Zeroize;

/// A hash algorithm, named as the kernel crypto API names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Hash {
    /// SHA-1 (upstream xt_SYSRQ's default).
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

/// Longest digest of any [`Hash`](enum@Hash), in bytes.
pub const MAX_DIGEST_LEN: usize = 64;

impl Hash {
    /// Every algorithm, in the order of `enum xa_hash`.
    pub const ALL: [Hash; 5] = [
        Hash::Sha1,
        Hash::Sha224,
        Hash::Sha256,
        Hash::Sha384,
        Hash::Sha512,
    ];

    /// Looks an algorithm up by its kernel crypto name (`"sha1"`, `"sha256"`, ...).
    #[must_use]
    pub fn from_name(name: &[u8]) -> Option<Hash> {
        Hash::ALL
            .into_iter()
            .find(|hash| hash.name().as_bytes() == name)
    }

    /// The kernel crypto name, as accepted by the module's `hash=` parameter.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "sha1",
            Hash::Sha224 => "sha224",
            Hash::Sha256 => "sha256",
            Hash::Sha384 => "sha384",
            Hash::Sha512 => "sha512",
        }
    }

    /// Digest size in bytes.
    #[must_use]
    pub const fn digest_len(self) -> usize {
        match self {
            Hash::Sha1 => 20,
            Hash::Sha224 => 28,
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }

    /// A fresh incremental hasher for this algorithm.
    #[must_use]
    pub fn hasher(self) -> Hasher {
        match self {
            Hash::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            Hash::Sha224 => Hasher::Sha224(sha2::Sha224::new()),
            Hash::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Hash::Sha384 => Hasher::Sha384(sha2::Sha384::new()),
            Hash::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    /// One-shot digest of the concatenation of `parts`.
    #[must_use]
    pub fn digest(self, parts: &[&[u8]]) -> Digest {
        let mut hasher = self.hasher();
        for part in parts {
            hasher.update(part);
        }
        hasher.finalize()
    }
}

/// Incremental hasher over the [`Hash`](enum@Hash) variants. Its state is wiped on drop,
/// since it usually has absorbed a password.
pub enum Hasher {
    /// SHA-1 state.
    Sha1(sha1::Sha1),
    /// SHA-224 state.
    Sha224(sha2::Sha224),
    /// SHA-256 state.
    Sha256(sha2::Sha256),
    /// SHA-384 state.
    Sha384(sha2::Sha384),
    /// SHA-512 state.
    Sha512(sha2::Sha512),
}

impl Hasher {
    /// Absorbs `data`.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha224(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    /// Finishes the hash.
    #[must_use]
    pub fn finalize(self) -> Digest {
        match self {
            Hasher::Sha1(h) => Digest::from_slice(&h.finalize()),
            Hasher::Sha224(h) => Digest::from_slice(&h.finalize()),
            Hasher::Sha256(h) => Digest::from_slice(&h.finalize()),
            Hasher::Sha384(h) => Digest::from_slice(&h.finalize()),
            Hasher::Sha512(h) => Digest::from_slice(&h.finalize()),
        }
    }

    /// The algorithm this hasher computes.
    #[must_use]
    pub fn algorithm(&self) -> Hash {
        match self {
            Hasher::Sha1(_) => Hash::Sha1,
            Hasher::Sha224(_) => Hash::Sha224,
            Hasher::Sha256(_) => Hash::Sha256,
            Hasher::Sha384(_) => Hash::Sha384,
            Hasher::Sha512(_) => Hash::Sha512,
        }
    }
}

impl fmt::Debug for Hasher {
    // The state is derived from secrets: show the algorithm only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hasher")
            .field("algorithm", &self.algorithm())
            .finish_non_exhaustive()
    }
}

/// A finished digest (up to [`MAX_DIGEST_LEN`] bytes), wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Digest {
    bytes: [u8; MAX_DIGEST_LEN],
    len: usize,
}

impl Digest {
    fn from_slice(digest: &[u8]) -> Digest {
        let mut bytes = [0u8; MAX_DIGEST_LEN];
        let mut len = 0;
        for (dst, src) in bytes.iter_mut().zip(digest) {
            *dst = *src;
            len += 1;
        }
        Digest { bytes, len }
    }

    /// The digest bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// The lowercase hex form, as upstream compares and `sha1sum` prints it.
    #[must_use]
    pub fn to_hex(&self) -> HexDigest {
        let mut hex = HexDigest {
            text: [0u8; 2 * MAX_DIGEST_LEN],
            len: 0,
        };
        hex.len = hex::encode_lower(self.as_bytes(), &mut hex.text).unwrap_or(0);
        hex
    }
}

/// Lowercase hex text of a [`Digest`], wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct HexDigest {
    text: [u8; 2 * MAX_DIGEST_LEN],
    len: usize,
}

impl HexDigest {
    /// The hex digits (ASCII `0-9a-f`).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.text.get(..self.len).unwrap_or(&[])
    }
}

impl Drop for HexDigest {
    fn drop(&mut self) {
        self.text.zeroize();
    }
}

impl fmt::Debug for HexDigest {
    // Same reason as for `Digest`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HexDigest")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl Drop for Digest {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for Digest {
    // A verifier's expected digest is as good as a valid request: never print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Digest")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::{Hash, MAX_DIGEST_LEN};

    fn hex_digest(hash: Hash, parts: &[&[u8]]) -> String {
        String::from_utf8(hash.digest(parts).to_hex().as_bytes().to_vec()).expect("hex is ASCII")
    }

    /// Published vectors (FIPS 180-2 appendices / RFC 6234 section 8.5): one test per algorithm.
    macro_rules! vectors {
        ($($name:ident: $hash:expr => [$abc:expr, $two_block:expr];)*) => {$(
            #[test]
            fn $name() {
                const TWO_BLOCK: &[u8] = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
                assert_eq!(hex_digest($hash, &[b"abc"]), $abc);
                assert_eq!(hex_digest($hash, &[TWO_BLOCK]), $two_block);
                // Incremental updates split at every position give the same digest.
                for split in 0..=TWO_BLOCK.len() {
                    let (a, b) = TWO_BLOCK.split_at(split);
                    assert_eq!(hex_digest($hash, &[a, b]), $two_block);
                }
                assert_eq!(hex_digest($hash, &[b"abc"]).len(), 2 * $hash.digest_len());
            }
        )*};
    }

    vectors! {
        sha1_vectors: Hash::Sha1 => [
            "a9993e364706816aba3e25717850c26c9cd0d89d",
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"];
        sha224_vectors: Hash::Sha224 => [
            "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
            "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525"];
        sha256_vectors: Hash::Sha256 => [
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"];
        sha384_vectors: Hash::Sha384 => [
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
            "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b"];
        sha512_vectors: Hash::Sha512 => [
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445"];
    }

    #[test]
    fn names_round_trip() {
        for hash in Hash::ALL {
            assert_eq!(Hash::from_name(hash.name().as_bytes()), Some(hash));
            assert!(hash.digest_len() <= MAX_DIGEST_LEN);
        }
        assert_eq!(Hash::from_name(b"md5"), None);
        assert_eq!(Hash::from_name(b"SHA1"), None);
        assert_eq!(Hash::from_name(b"sha1\0"), None);
        assert_eq!(Hash::from_name(b""), None);
    }

    #[test]
    fn debug_hides_state() {
        let digest = Hash::Sha1.digest(&[b"secret"]);
        assert_eq!(format!("{digest:?}"), "Digest { len: 20, .. }");
        assert_eq!(
            format!("{:?}", digest.to_hex()),
            "HexDigest { len: 40, .. }"
        );
        assert_eq!(
            format!("{:?}", Hash::Sha256.hasher()),
            "Hasher { algorithm: Sha256, .. }"
        );
    }
}
