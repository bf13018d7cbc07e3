// SPDX-License-Identifier: GPL-2.0-only
//! Command-line parsing: `fw-safetynet [--state-dir DIR] COMMAND [OPTIONS] [ARGS]`, read by
//! the parser of every tool here (xa_cli::getopt: glibc's getopt_long rules and messages).

use std::ffi::OsString;
use std::path::PathBuf;

use xa_cli::getopt::{Arg, Opt, getopt};

pub const USAGE: &str = "\
Usage: fw-safetynet [--state-dir DIR] COMMAND [OPTIONS]

Apply firewall rules with automatic rollback, so a remote admin cannot lock themselves out.

Commands:
  apply [-6|--nft] [--backend legacy|nft] [--timeout DURATION] RULESET
                  snapshot all rules, apply RULESET, roll back unless confirmed in time
                  (default 60s); RULESET is a file (IPv4, or IPv6 with -6, or native nft
                  with --nft) or a directory with rules.v4, rules.v6 and/or ruleset.nft
  confirm         keep the rules of the pending apply
  rollback        undo the pending apply now
  arm [--in DURATION] [--to RULESET [-6|--nft] [--backend B] | --open] [--persistent [--unit-dir DIR]]
                  reset the firewall after DURATION (default 5m) unless disarmed: to the
                  rules of now, to RULESET, or fully open; --persistent adds a systemd timer
  disarm          cancel the armed reset
  fire            carry out the armed reset now (what the systemd timer runs)
  status [--json] show the pending apply, the armed reset and their watchdogs
  list            list the snapshots
  restore N       restore snapshot N now (after snapshotting the current rules)

DURATION is seconds for --timeout and minutes for --in, or a number with an s, m or h suffix.
The state directory defaults to /var/lib/fw-safetynet. See fw-safetynet(8).
";

#[derive(Default, Debug)]
pub struct Args {
    pub state_dir: Option<PathBuf>,
    pub command: String,
    pub positional: Vec<String>,
    pub ipv6: bool,
    pub nft: bool,
    pub backend: Option<String>,
    pub timeout: Option<String>,
    pub arm_in: Option<String>,
    pub to: Option<PathBuf>,
    pub open: bool,
    pub persistent: bool,
    pub unit_dir: Option<PathBuf>,
    pub json: bool,
    pub help: bool,
    pub version: bool,
    /// Every option given, to check it against the command.
    given: Vec<&'static str>,
}

/// The options, known by their spelling in messages.
const OPTIONS: &[Opt<&str>] = &[
    Opt::value("--state-dir", Some("state-dir"), None),
    Opt::value("--backend", Some("backend"), None),
    Opt::value("--timeout", Some("timeout"), None),
    Opt::value("--in", Some("in"), None),
    Opt::value("--to", Some("to"), None),
    Opt::value("--unit-dir", Some("unit-dir"), None),
    Opt::flag("-4", None, Some(b'4')),
    Opt::flag("-6", None, Some(b'6')),
    Opt::flag("--nft", Some("nft"), None),
    Opt::flag("--open", Some("open"), None),
    Opt::flag("--persistent", Some("persistent"), None),
    Opt::flag("--json", Some("json"), None),
    Opt::flag("--help", Some("help"), Some(b'h')),
    Opt::flag("--version", Some("version"), None),
];

/// The positional arguments each command takes (None: no such command).
fn arity(command: &str) -> Option<(usize, &'static str)> {
    match command {
        "apply" => Some((1, "one RULESET")),
        "restore" => Some((1, "one snapshot number")),
        "__watchdog" => Some((3, "SLOT TOKEN DEADLINE_MS")),
        "confirm" | "rollback" | "arm" | "disarm" | "fire" | "status" | "list" => {
            Some((0, "no arguments"))
        }
        _ => None,
    }
}

/// The options each command takes (`--state-dir`, `--help` and `--version` go with all).
fn allowed(command: &str) -> &'static [&'static str] {
    match command {
        "apply" => &["-4", "-6", "--nft", "--backend", "--timeout"],
        "arm" => &[
            "-4",
            "-6",
            "--nft",
            "--backend",
            "--in",
            "--to",
            "--open",
            "--persistent",
            "--unit-dir",
        ],
        "status" => &["--json"],
        _ => &[],
    }
}

pub fn parse(argv: impl IntoIterator<Item = OsString>) -> Result<Args, String> {
    let mut args = Args::default();
    for arg in getopt(argv, OPTIONS) {
        match arg.map_err(|e| e.to_string())? {
            Arg::Operand(word) => {
                let word = word
                    .into_string()
                    .map_err(|w| format!("'{}' is not valid UTF-8", w.to_string_lossy()))?;
                if args.command.is_empty() {
                    args.command = word;
                } else {
                    args.positional.push(word);
                }
            }
            Arg::Opt(option, Some(value)) => {
                if value.is_empty() {
                    return Err(format!("option {option} needs a non-empty value"));
                }
                let text = || {
                    value
                        .clone()
                        .into_string()
                        .map_err(|_| format!("option {option}: the value is not valid UTF-8"))
                };
                let already = match option {
                    "--state-dir" => args.state_dir.replace(value.into()).is_some(),
                    "--backend" => args.backend.replace(text()?).is_some(),
                    "--timeout" => args.timeout.replace(text()?).is_some(),
                    "--in" => args.arm_in.replace(text()?).is_some(),
                    "--to" => args.to.replace(value.into()).is_some(),
                    _ => args.unit_dir.replace(value.into()).is_some(),
                };
                if already {
                    return Err(format!("option {option} given twice"));
                }
                args.given.push(option);
            }
            Arg::Opt(flag, None) => {
                match flag {
                    "-6" => args.ipv6 = true,
                    "--nft" => args.nft = true,
                    "--open" => args.open = true,
                    "--persistent" => args.persistent = true,
                    "--json" => args.json = true,
                    "--help" => args.help = true,
                    "--version" => args.version = true,
                    _ => {} // -4: the default, accepted for symmetry with iptables-apply
                }
                args.given.push(flag);
            }
        }
    }
    if args.help || args.version {
        return Ok(args);
    }
    if args.command.is_empty() {
        return Err("no command given".into());
    }
    let (count, what) =
        arity(&args.command).ok_or_else(|| format!("unknown command '{}'", args.command))?;
    if args.positional.len() != count {
        return Err(format!("'{}' takes {what}", args.command));
    }
    let ok = allowed(&args.command);
    let global = ["--state-dir", "--help", "--version"];
    if let Some(bad) = args
        .given
        .iter()
        .find(|o| !ok.contains(o) && !global.contains(o))
    {
        return Err(format!("option {bad} does not apply to '{}'", args.command));
    }
    if args.ipv6 && args.nft {
        return Err("-6 and --nft exclude each other".into());
    }
    if args.to.is_some() && args.open {
        return Err("--to and --open exclude each other".into());
    }
    if args.unit_dir.is_some() && !args.persistent {
        return Err("--unit-dir needs --persistent".into());
    }
    if args.command == "arm"
        && args.to.is_none()
        && args
            .given
            .iter()
            .any(|o| ["-4", "-6", "--nft", "--backend"].contains(o))
    {
        return Err("-4, -6, --nft and --backend describe the --to RULESET; they need --to".into());
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> Result<Args, String> {
        parse(line.split_whitespace().map(OsString::from))
    }

    #[test]
    fn parses_commands_and_options() {
        let a = p("--state-dir /tmp/s apply -6 --timeout=5s rules").unwrap();
        assert_eq!(
            (a.command.as_str(), a.positional.as_slice()),
            ("apply", &["rules".to_string()][..])
        );
        assert!(
            a.ipv6 && a.timeout.as_deref() == Some("5s") && a.state_dir == Some("/tmp/s".into())
        );
        let a = p("arm --in 30s --open --persistent --unit-dir /tmp/u").unwrap();
        assert!(a.open && a.persistent && a.unit_dir == Some("/tmp/u".into()));
        assert!(p("status --json").unwrap().json);
        assert!(p("--help").unwrap().help);
        assert!(p("-h").unwrap().help);
        // Options anywhere, abbreviated, with `=`; `--` ends them.
        let a = p("apply --time=5s -- -rules").unwrap();
        assert_eq!((a.timeout.as_deref(), a.positional[0].as_str()), (Some("5s"), "-rules"));
    }

    #[test]
    fn rejects_bad_command_lines() {
        for line in [
            "",
            "apply --json rules",
            "apply --timeout",
            "apply --timeout 5 --timeout 6 r",
            "apply -6 --nft r",
            "arm --to r --open",
            "arm -6",
            "arm --unit-dir /x",
            "status --bogus",
            "confirm --open",
            "status --json=yes",
            "bogus",
            "apply",
            "apply a b",
            "restore",
            "list extra",
            "-x list",
            "list --state-dir=",
            "--state-dir a --state-dir b list",
        ] {
            assert!(p(line).is_err(), "{line:?} accepted");
        }
    }
}
