// SPDX-License-Identifier: GPL-2.0-only
//! The firewall backends and their save/restore tools. Every change goes through a restore tool
//! (`*-restore`, `nft -f`), which commits a whole table set in one transaction, never rule by rule.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Backend {
    Ipt4Legacy,
    Ipt6Legacy,
    Ipt4Nft,
    Ipt6Nft,
    /// Native nftables tables, i.e. every table except the ones iptables-nft manages.
    Nft,
}

impl Backend {
    pub const ALL: [Backend; 5] = [
        Self::Ipt4Legacy,
        Self::Ipt6Legacy,
        Self::Ipt4Nft,
        Self::Ipt6Nft,
        Self::Nft,
    ];

    /// Also the file name of this backend's part in snapshots.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ipt4Legacy => "iptables-legacy",
            Self::Ipt6Legacy => "ip6tables-legacy",
            Self::Ipt4Nft => "iptables-nft",
            Self::Ipt6Nft => "ip6tables-nft",
            Self::Nft => "nft",
        }
    }

    /// The iptables backend of the given flavour ("legacy" or "nft") for IPv4 or IPv6.
    pub fn iptables(flavour: Flavour, ipv6: bool) -> Self {
        match (flavour, ipv6) {
            (Flavour::Legacy, false) => Self::Ipt4Legacy,
            (Flavour::Legacy, true) => Self::Ipt6Legacy,
            (Flavour::Nft, false) => Self::Ipt4Nft,
            (Flavour::Nft, true) => Self::Ipt6Nft,
        }
    }

    /// `save` or `restore` tool; nft does both.
    fn tool(self, action: &str) -> String {
        match self {
            Self::Nft => "nft".to_string(),
            _ => format!("{}-{action}", self.name()),
        }
    }

    /// Whether this machine has the tools for this backend.
    pub fn available(self) -> bool {
        find_in_path(&self.tool("save")).is_some()
    }

    /// The current rules, with counters, in the form the restore tool takes back.
    pub fn save(self) -> Result<String, String> {
        match self {
            Self::Nft => {
                let mut text = String::new();
                for (family, name) in native_nft_tables()? {
                    text += &run("nft", &["list", "table", &family, &name], None)?;
                }
                Ok(text)
            }
            _ => run(&self.tool("save"), &["-c"], None),
        }
    }

    /// Checks `text` with the restore tool's dry-run mode; the error carries the tool's message,
    /// which names the offending line.
    pub fn check(self, text: &str) -> Result<(), String> {
        match self {
            Self::Nft => run("nft", &["-c", "-f", "-"], Some(text)),
            _ => run(&self.tool("restore"), &["--test"], Some(text)),
        }
        .map(drop)
    }

    /// Commits `text` atomically. `counters` restores the packet counters saved by `save`.
    pub fn load(self, text: &str, counters: bool) -> Result<(), String> {
        let args: &[&str] = match (self, counters) {
            (Self::Nft, _) => &["-f", "-"],
            (_, true) => &["-c"],
            (_, false) => &[],
        };
        run(&self.tool("restore"), args, Some(text)).map(drop)
    }

    /// Names of the tables in a `save` text (`family name` for nft).
    pub fn table_names(self, text: &str) -> Vec<String> {
        match self {
            Self::Nft => nft_tables_in(text)
                .into_iter()
                .map(|(f, n)| format!("{f} {n}"))
                .collect(),
            _ => ipt_tables_in(text)
                .into_iter()
                .map(|t| t.name.to_string())
                .collect(),
        }
    }

    /// Text that makes the backend hold exactly `wanted` (a `save` output, possibly empty): tables
    /// that exist now but are absent from `wanted` are emptied with every built-in chain set to
    /// ACCEPT (iptables) or deleted (nft), because a restore tool leaves unmentioned tables alone.
    pub fn exact_text(self, wanted: &str, current: &str) -> String {
        match self {
            Self::Nft => {
                let mut text: String = nft_tables_in(current)
                    .iter()
                    .map(|(f, n)| format!("delete table {f} {n}\n"))
                    .collect();
                text += wanted;
                text
            }
            _ => {
                let keep: BTreeSet<&str> =
                    ipt_tables_in(wanted).into_iter().map(|t| t.name).collect();
                let mut text = wanted.to_string();
                for table in ipt_tables_in(current)
                    .into_iter()
                    .filter(|t| !keep.contains(t.name))
                {
                    text += &format!("*{}\n", table.name);
                    for chain in table.builtin_chains {
                        text += &format!(":{chain} ACCEPT [0:0]\n");
                    }
                    text += "COMMIT\n";
                }
                text
            }
        }
    }
}

/// Makes each backend hold exactly its text (see `exact_text`). Each backend is one atomic
/// restore; one that fails does not stop the others, since a rollback must get as far as it can.
pub fn set_exactly(parts: &[(Backend, String)], counters: bool) -> Result<(), String> {
    let mut errors = Vec::new();
    for (backend, wanted) in parts {
        let result = backend.save().and_then(|current| {
            let text = backend.exact_text(wanted, &current);
            if text.trim().is_empty() {
                Ok(())
            } else {
                backend.load(&text, counters)
            }
        });
        if let Err(e) = result {
            errors.push(format!("{}: {e}", backend.name()));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flavour {
    Legacy,
    Nft,
}

impl Flavour {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "legacy" => Ok(Self::Legacy),
            "nft" => Ok(Self::Nft),
            _ => Err(format!("invalid backend '{text}': use legacy or nft")),
        }
    }

    /// The flavour `iptables` itself runs (Debian's alternatives choice), as `iptables -V` reports it.
    pub fn system_default() -> Result<Self, String> {
        let version = run("iptables", &["-V"], None).map_err(|e| format!("{e}; pass --backend"))?;
        if version.contains("(legacy)") {
            Ok(Self::Legacy)
        } else if version.contains("(nf_tables)") {
            Ok(Self::Nft)
        } else {
            Err(format!(
                "cannot tell the iptables backend from '{}'; pass --backend",
                version.trim()
            ))
        }
    }
}

struct IptTable<'a> {
    name: &'a str,
    builtin_chains: Vec<&'a str>,
}

/// Tables of an iptables-save text; built-in chains are the ones with a policy (user chains have `-`).
fn ipt_tables_in(save: &str) -> Vec<IptTable<'_>> {
    let mut tables: Vec<IptTable> = Vec::new();
    for line in save.lines() {
        if let Some(name) = line.strip_prefix('*') {
            tables.push(IptTable {
                name: name.trim(),
                builtin_chains: Vec::new(),
            });
        } else if let (Some(chain), Some(table)) = (line.strip_prefix(':'), tables.last_mut()) {
            let mut words = chain.split_whitespace();
            if let (Some(name), Some(policy)) = (words.next(), words.next())
                && policy != "-"
            {
                table.builtin_chains.push(name);
            }
        }
    }
    tables
}

/// `(family, name)` of every top-level `table` in an nft listing.
fn nft_tables_in(listing: &str) -> Vec<(String, String)> {
    listing
        .lines()
        .filter_map(|line| {
            let mut words = line.strip_prefix("table ")?.split_whitespace();
            Some((words.next()?.to_string(), words.next()?.to_string()))
        })
        .collect()
}

/// nft tables that are not iptables-nft's own (those are saved and restored by iptables-nft).
fn native_nft_tables() -> Result<Vec<(String, String)>, String> {
    let mut xtables = BTreeSet::new();
    for (backend, family) in [(Backend::Ipt4Nft, "ip"), (Backend::Ipt6Nft, "ip6")] {
        if backend.available() {
            for table in ipt_tables_in(&backend.save()?) {
                xtables.insert((family.to_string(), table.name.to_string()));
            }
        }
    }
    let all = nft_tables_in(&run("nft", &["list", "tables"], None)?);
    Ok(all.into_iter().filter(|t| !xtables.contains(t)).collect())
}

pub fn find_in_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    // sbin is often missing from a non-login root PATH (su, cron), but the tools live there.
    let extra = ["/usr/sbin", "/sbin"].map(PathBuf::from);
    std::env::split_paths(&path)
        .chain(extra)
        .map(|dir| dir.join(program))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Runs a tool, feeding `input` on stdin; returns its stdout, or an error with its stderr.
pub fn run(program: &str, args: &[&str], input: Option<&str>) -> Result<String, String> {
    let path = find_in_path(program).ok_or_else(|| format!("{program}: not found"))?;
    let mut child = Command::new(path)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{program}: {e}"))?;
    // A thread writes stdin so that a tool filling its stdout pipe first cannot deadlock us.
    let writer = match (input, child.stdin.take()) {
        (Some(text), Some(mut stdin)) => {
            let text = text.to_string();
            Some(std::thread::spawn(move || stdin.write_all(text.as_bytes())))
        }
        _ => None,
    };
    let output = child
        .wait_with_output()
        .map_err(|e| format!("{program}: {e}"))?;
    let written = writer.map(|w| w.join());
    let command = format!("{program} {}", args.join(" "));
    let command = command.trim_end();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(match stderr.trim_end() {
            "" => format!("{command}: {}", output.status),
            message => format!("{command}:\n{message}"),
        });
    }
    if let Some(Ok(Err(e))) = written {
        return Err(format!("{command}: writing its input: {e}"));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAVE: &str = "# Generated\n*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n\
                        *filter\n:INPUT DROP [3:180]\n:FORWARD ACCEPT [0:0]\n:mine - [0:0]\n\
                        -A INPUT -j mine\nCOMMIT\n";

    #[test]
    fn exact_text_resets_tables_missing_from_the_wanted_state() {
        let wanted = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\nCOMMIT\n";
        let text = Backend::Ipt4Nft.exact_text(wanted, SAVE);
        assert_eq!(
            text,
            format!("{wanted}*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n")
        );
    }

    #[test]
    fn open_text_empties_every_table_and_drops_user_chains() {
        let text = Backend::Ipt6Legacy.exact_text("", SAVE);
        assert!(
            text.contains("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\nCOMMIT\n"),
            "{text}"
        );
        assert!(!text.contains("mine") && !text.contains("DROP"), "{text}");
    }

    #[test]
    fn nft_exact_text_deletes_current_native_tables_first() {
        let current = "table inet fw {\n\tchain input {\n\t}\n}\ntable ip6 other {\n}\n";
        let wanted = "table inet fw {\n}\n";
        assert_eq!(
            Backend::Nft.exact_text(wanted, current),
            format!("delete table inet fw\ndelete table ip6 other\n{wanted}")
        );
    }

    #[test]
    fn iptables_backends_by_flavour_and_family() {
        assert_eq!(
            Backend::iptables(Flavour::Legacy, true).name(),
            "ip6tables-legacy"
        );
        assert_eq!(
            Backend::iptables(Flavour::Nft, false).name(),
            "iptables-nft"
        );
    }
}
