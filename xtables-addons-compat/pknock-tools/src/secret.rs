// SPDX-License-Identifier: GPL-2.0-only
//! The SPA secret: from a file (or stdin) or the command line, kept in wiped buffers.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use zeroize::Zeroizing;

use xa_cli::secret::SecretOption;
use xa_cli::{Error, failure, say, usage};

/// The module keeps a secret in a 32-byte field with its NUL.
const MAX_LEN: usize = crate::XT_PKNOCK_MAX_PASSWD_LEN as usize;

/// The secret `option` names; `prog` is the tool that warns about a file others can read.
pub fn obtain(option: SecretOption, prog: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
    match option {
        SecretOption::Argument(bytes) => check(bytes, "--secret"),
        SecretOption::File(path) if path.as_os_str() == "-" => {
            read_first_line(io::stdin().lock(), "standard input")
        }
        SecretOption::File(path) => from_file(&path, prog),
    }
}

fn from_file(path: &Path, prog: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
    let shown = path.display();
    let file = File::open(path).map_err(|e| failure!("cannot open secret file {shown}: {e}"))?;
    if let Ok(meta) = file.metadata()
        && meta.is_file()
        && meta.permissions().mode() & 0o077 != 0
    {
        say!("{prog}: warning: secret file {shown} is accessible by other users (chmod 600)");
    }
    read_first_line(file, &shown.to_string())
}

/// The first line (without its newline) of at most MAX_LEN bytes; more is an error.
fn read_first_line(reader: impl Read, origin: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mut buf = Zeroizing::new(Vec::with_capacity(MAX_LEN + 2));
    // One byte more than a secret and its newline: enough to tell "too long".
    reader
        .take(MAX_LEN as u64 + 2)
        .read_to_end(&mut buf)
        .map_err(|e| failure!("cannot read the secret from {origin}: {e}"))?;
    if let Some(end) = buf.iter().position(|&b| b == b'\n') {
        buf.truncate(end);
    }
    check(buf, origin)
}

/// What the rule can hold: 1 to 31 bytes, no NUL (the kernel field is a C string).
fn check(secret: Zeroizing<Vec<u8>>, origin: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
    if secret.is_empty() || secret.len() > MAX_LEN || secret.contains(&0) {
        return Err(usage!(
            "the secret from {origin} must be 1 to {MAX_LEN} bytes without NUL, as in the rule"
        ));
    }
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_within_limits() {
        let ok = |input: &[u8]| read_first_line(input, "t").map(|s| s.to_vec());
        assert_eq!(ok(b"s3cret\nignored").unwrap(), b"s3cret");
        assert_eq!(ok(b"no-newline").unwrap(), b"no-newline");
        assert_eq!(ok(&[b'x'; 31]).unwrap(), [b'x'; 31]);
        assert!(ok(&[b'x'; 32]).is_err());
        assert!(ok(b"\nsecond").is_err());
        assert!(ok(b"").is_err());
        assert!(ok(b"a\0b").is_err());
    }
}
