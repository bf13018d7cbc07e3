// SPDX-License-Identifier: GPL-2.0-only
//! A small getopt_long: clustered short options, `-cFILE`, `--long=value`, `--long value`, `--`.

/// One accepted option: its long name (the key), its short letter if any, whether it takes a value.
pub struct Spec {
    pub long: &'static str,
    pub short: Option<char>,
    pub value: bool,
}

impl Spec {
    /// An option without a value.
    pub const fn flag(long: &'static str, short: Option<char>) -> Spec {
        Spec {
            long,
            short,
            value: false,
        }
    }

    /// An option that takes a value.
    pub const fn with_value(long: &'static str, short: Option<char>) -> Spec {
        Spec {
            long,
            short,
            value: true,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Arg {
    Opt(&'static str, Option<String>),
    Positional(String),
}

pub fn parse(args: &[String], specs: &[Spec]) -> Result<Vec<Arg>, String> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--" {
            out.extend(it.by_ref().cloned().map(Arg::Positional));
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let spec = specs
                .iter()
                .find(|s| s.long == name)
                .ok_or_else(|| format!("unrecognized option '--{name}'"))?;
            let value = match (spec.value, inline) {
                (true, Some(v)) => Some(v),
                (true, None) => Some(
                    it.next()
                        .cloned()
                        .ok_or_else(|| format!("option '--{name}' requires an argument"))?,
                ),
                (false, Some(_)) => {
                    return Err(format!("option '--{name}' doesn't allow an argument"));
                }
                (false, None) => None,
            };
            out.push(Arg::Opt(spec.long, value));
        } else if a.len() > 1 && a.starts_with('-') {
            let chars = a[1..].char_indices();
            for (i, c) in chars {
                let spec = specs
                    .iter()
                    .find(|s| s.short == Some(c))
                    .ok_or_else(|| format!("invalid option -- '{c}'"))?;
                if spec.value {
                    let rest = &a[1 + i + c.len_utf8()..];
                    let v = if rest.is_empty() {
                        it.next()
                            .cloned()
                            .ok_or_else(|| format!("option requires an argument -- '{c}'"))?
                    } else {
                        rest.to_string()
                    };
                    out.push(Arg::Opt(spec.long, Some(v)));
                    break;
                }
                out.push(Arg::Opt(spec.long, None));
            }
        } else {
            out.push(Arg::Positional(a.clone()));
        }
    }
    Ok(out)
}

/// Parses a numeric option value with a message naming the option.
pub fn number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("option --{name}: '{value}' is not a valid number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[Spec] = &[
        Spec::flag("verbose", Some('v')),
        Spec::with_value("config", Some('c')),
        Spec::flag("check", None),
    ];

    fn p(args: &[&str]) -> Result<Vec<Arg>, String> {
        parse(
            &args.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            SPECS,
        )
    }

    #[test]
    fn forms() {
        use Arg::*;
        assert_eq!(
            p(&[
                "-vcf",
                "x",
                "--config=a",
                "--config",
                "b",
                "--check",
                "-",
                "--",
                "-v"
            ])
            .unwrap(),
            [
                Opt("verbose", None),
                Opt("config", Some("f".into())),
                Positional("x".into()),
                Opt("config", Some("a".into())),
                Opt("config", Some("b".into())),
                Opt("check", None),
                Positional("-".into()),
                Positional("-v".into())
            ]
        );
        assert_eq!(p(&["-x"]).unwrap_err(), "invalid option -- 'x'");
        assert_eq!(
            p(&["-c"]).unwrap_err(),
            "option requires an argument -- 'c'"
        );
        assert_eq!(p(&["--nope"]).unwrap_err(), "unrecognized option '--nope'");
        assert_eq!(
            p(&["--check=1"]).unwrap_err(),
            "option '--check' doesn't allow an argument"
        );
        assert_eq!(
            p(&["--config"]).unwrap_err(),
            "option '--config' requires an argument"
        );
    }
}
