// SPDX-License-Identifier: GPL-2.0-only
//! A secret named on a command line: `--NAME-file FILE` or `--NAME VALUE`, given once (send_sysrq's
//! password, the SPA secret of pknock-knock and knock). The value is kept in a wiped buffer.

use std::ffi::OsString;
use std::path::PathBuf;

use zeroize::Zeroizing;

use crate::{Error, usage};

/// Where a secret comes from.
#[derive(Debug)]
pub enum SecretOption {
    File(PathBuf),
    Argument(Zeroizing<Vec<u8>>),
}

impl SecretOption {
    /// Stores `--NAME-file` or `--NAME` (`option`, the long name getopt gave) with its `value`
    /// in `slot`, which a second one must not find filled.
    pub fn set(slot: &mut Option<SecretOption>, option: &str, value: OsString) -> Result<(), Error> {
        let base = option.strip_suffix("-file");
        if slot.is_some() {
            let name = base.unwrap_or(option);
            return Err(usage!(
                "give the {name} only once (--{name}-file or --{name})"
            ));
        }
        *slot = Some(match base {
            Some(_) => SecretOption::File(PathBuf::from(value)),
            None => SecretOption::Argument(Zeroizing::new(value.into_encoded_bytes())),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_or_argument_once() {
        let mut slot = None;
        SecretOption::set(&mut slot, "secret-file", "/x".into()).unwrap();
        assert!(matches!(slot, Some(SecretOption::File(ref p)) if p.as_os_str() == "/x"));
        let again = SecretOption::set(&mut slot, "secret", "s".into()).unwrap_err();
        assert_eq!(
            again.to_string(),
            "give the secret only once (--secret-file or --secret)"
        );
        let mut slot = None;
        SecretOption::set(&mut slot, "password", "a=b".into()).unwrap();
        assert!(matches!(slot, Some(SecretOption::Argument(ref s)) if s.as_slice() == b"a=b"));
    }
}
