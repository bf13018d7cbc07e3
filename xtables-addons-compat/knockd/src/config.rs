// SPDX-License-Identifier: GPL-2.0-only
//! The configuration model shared by both config formats, and format detection.

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::command::CommandLine;
use crate::{conf_knockd, conf_tport};

pub const TCP_FIN: u8 = 0x01;
pub const TCP_SYN: u8 = 0x02;
pub const TCP_RST: u8 = 0x04;
pub const TCP_PSH: u8 = 0x08;
pub const TCP_ACK: u8 = 0x10;
pub const TCP_URG: u8 = 0x20;
/// The six classic flags; ECE and CWR never take part in matching.
pub const TCP_ALL: u8 = 0x3f;

/// Most knocks in one sequence (knockd's limit).
pub const MAX_SEQUENCE: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Proto {
    Tcp,
    Udp,
}

impl Proto {
    pub fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }

    pub fn parse(s: &str) -> Option<Proto> {
        match s.to_ascii_lowercase().as_str() {
            "tcp" => Some(Proto::Tcp),
            "udp" => Some(Proto::Udp),
            _ => None,
        }
    }
}

/// A TCP flag test: the packet's flags masked with `mask` must equal `value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlagMatch {
    pub mask: u8,
    pub value: u8,
}

impl FlagMatch {
    pub const ANY: FlagMatch = FlagMatch { mask: 0, value: 0 };

    /// Exactly these flags and no other of the six.
    pub fn exact(flags: u8) -> FlagMatch {
        FlagMatch {
            mask: TCP_ALL,
            value: flags & TCP_ALL,
        }
    }

    pub fn matches(self, flags: u8) -> bool {
        flags & self.mask == self.value
    }
}

/// One knock: a packet to `port` over `proto` whose TCP flags pass `flags`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Knock {
    pub proto: Proto,
    pub port: u16,
    pub flags: FlagMatch,
}

/// Letters of tportknockd's flag syntax, in the order they are printed.
const FLAG_LETTERS: [(char, u8); 6] = [
    ('f', TCP_FIN),
    ('s', TCP_SYN),
    ('r', TCP_RST),
    ('p', TCP_PSH),
    ('a', TCP_ACK),
    ('u', TCP_URG),
];

impl fmt::Display for Knock {
    /// tportknockd's `proto:port[:flags]` form, which says everything about the knock.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.proto.name(), self.port)?;
        if self.proto == Proto::Udp {
            return Ok(());
        }
        let FlagMatch { mask, value } = self.flags;
        if mask == 0 {
            return f.write_str(":i");
        }
        if mask == TCP_ALL {
            return match value {
                0 => f.write_str(":n"),
                TCP_ALL => f.write_str(":x"),
                v => {
                    f.write_str(":")?;
                    FLAG_LETTERS
                        .iter()
                        .filter(|(_, b)| v & b != 0)
                        .try_for_each(|(c, _)| write!(f, "{c}"))
                }
            };
        }
        // knockd's partial tests: set flags, then !flags.
        let names = ["fin", "syn", "rst", "psh", "ack", "urg"];
        let mut sep = ":";
        for (i, name) in names.iter().enumerate() {
            let bit = 1u8 << i;
            if mask & bit != 0 {
                let bang = if value & bit != 0 { "" } else { "!" };
                write!(f, "{sep}{bang}{name}")?;
                sep = ",";
            }
        }
        Ok(())
    }
}

impl Knock {
    pub fn matches(&self, proto: Proto, port: u16, flags: u8) -> bool {
        self.proto == proto
            && self.port == port
            && (proto == Proto::Udp || self.flags.matches(flags))
    }
}

/// A knock sequence and what it does.
#[derive(Clone, Debug)]
pub struct Door {
    pub name: String,
    /// Config line of the section header, for messages.
    pub line: usize,
    pub sequence: Vec<Knock>,
    pub seq_timeout: Duration,
    pub start_v4: Option<CommandLine>,
    pub start_v6: Option<CommandLine>,
    pub stop_v4: Option<CommandLine>,
    pub stop_v6: Option<CommandLine>,
    pub cmd_timeout: Duration,
    pub one_time: Option<PathBuf>,
    pub target: Option<IpAddr>,
    /// knockd's `tcpflags`, kept to build the TCP knocks of the next one-time sequence.
    pub tcp_flags: FlagMatch,
    /// tportknockd semantics: a packet to one of the door's ports with other flags breaks the
    /// sequence. knockd semantics (false): such a packet is not a knock at all and is ignored.
    pub strict_flags: bool,
}

impl Door {
    /// Whether the packet concerns this door at all (it may still be the wrong knock).
    pub fn relevant(&self, proto: Proto, port: u16, flags: u8) -> bool {
        self.sequence.iter().any(|k| {
            k.proto == proto
                && k.port == port
                && (self.strict_flags || proto == Proto::Udp || k.flags.matches(flags))
        })
    }

    pub fn start_command(&self, ip: &IpAddr) -> Option<&CommandLine> {
        if ip.is_ipv4() {
            self.start_v4.as_ref()
        } else {
            self.start_v6.as_ref()
        }
    }

    pub fn stop_command(&self, ip: &IpAddr) -> Option<&CommandLine> {
        if ip.is_ipv4() {
            self.stop_v4.as_ref()
        } else {
            self.stop_v6.as_ref()
        }
    }

    pub fn sequence_text(&self) -> String {
        self.sequence
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Global options (knockd's `[options]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub use_syslog: bool,
    pub log_file: Option<PathBuf>,
    pub pid_file: Option<PathBuf>,
    pub interface: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Config {
    pub options: Options,
    pub doors: Vec<Door>,
}

/// One problem in a config file; `line` 0 means the file as a whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub line: usize,
    pub message: String,
}

impl ConfigError {
    pub fn new(line: usize, message: impl Into<String>) -> Self {
        ConfigError {
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "config: {}", self.message)
        } else {
            write!(f, "config: line {}: {}", self.line, self.message)
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Knockd,
    Tport,
}

/// Both formats are accepted by both command lines: the first section marker tells them apart.
pub fn detect(text: &str) -> Format {
    match text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with('<') || l.starts_with('['))
    {
        Some(l) if l.starts_with('<') => Format::Tport,
        _ => Format::Knockd,
    }
}

/// Parses config text; relative paths inside it (one-time sequence files) are read as given.
pub fn parse(text: &str) -> Result<Config, Vec<ConfigError>> {
    match detect(text) {
        Format::Knockd => conf_knockd::parse(text),
        Format::Tport => conf_tport::parse(text),
    }
}

pub fn load(path: &Path) -> Result<Config, Vec<ConfigError>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![ConfigError::new(
            0,
            format!("cannot read {}: {e}", path.display()),
        )]
    })?;
    parse(&text)
}

/// Parses a whole number of seconds.
pub fn parse_seconds(value: &str) -> Result<Duration, String> {
    match value.trim().parse::<u32>() {
        Ok(n) => Ok(Duration::from_secs(n.into())),
        Err(_) => Err(format!("'{value}' is not a number of seconds")),
    }
}

pub fn parse_port(value: &str) -> Result<u16, String> {
    match value.trim().parse::<u16>() {
        Ok(0) | Err(_) => Err(format!("'{}' is not a port number (1-65535)", value.trim())),
        Ok(p) => Ok(p),
    }
}

pub fn parse_bool(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "on" | "1" => Ok(true),
        "no" | "false" | "off" | "0" => Ok(false),
        _ => Err(format!("'{}' is not yes or no", value.trim())),
    }
}

/// Checks that hold for both formats once a door is complete.
pub fn check_door(door: &Door, errors: &mut Vec<ConfigError>) {
    if door.sequence.is_empty() {
        errors.push(ConfigError::new(
            door.line,
            format!("'{}' has an empty knock sequence", door.name),
        ));
    }
}

pub fn check_unique_names(doors: &[Door], errors: &mut Vec<ConfigError>) {
    for (i, d) in doors.iter().enumerate() {
        if let Some(first) = doors[..i].iter().find(|o| o.name == d.name) {
            errors.push(ConfigError::new(
                d.line,
                format!("'{}' already defined on line {}", d.name, first.line),
            ));
        }
    }
}

/// Human-readable summary used by the check modes.
pub fn describe(config: &Config) -> String {
    let mut out = String::new();
    for d in &config.doors {
        out.push_str(&format!(
            "{} (line {}): sequence {}, timeout {}s\n",
            d.name,
            d.line,
            d.sequence_text(),
            d.seq_timeout.as_secs()
        ));
        if let Some(p) = &d.one_time {
            out.push_str(&format!("  one-time sequences from {}\n", p.display()));
        }
        if let Some(t) = &d.target {
            out.push_str(&format!("  target {t}\n"));
        }
        let cmds = [
            ("start", &d.start_v4),
            ("start (IPv6)", &d.start_v6),
            ("stop", &d.stop_v4),
            ("stop (IPv6)", &d.stop_v6),
        ];
        for (what, cmd) in cmds {
            if let Some(c) = cmd {
                out.push_str(&format!("  {what}: {c}\n"));
            }
        }
        if d.stop_v4.is_some() || d.stop_v6.is_some() {
            out.push_str(&format!("  stop after {}s\n", d.cmd_timeout.as_secs()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knock_display_round_trips_tport_syntax() {
        let k = |flags| Knock {
            proto: Proto::Tcp,
            port: 110,
            flags,
        };
        assert_eq!(
            k(FlagMatch::exact(TCP_URG | TCP_PSH)).to_string(),
            "tcp:110:pu"
        );
        assert_eq!(k(FlagMatch::exact(0)).to_string(), "tcp:110:n");
        assert_eq!(k(FlagMatch::exact(TCP_ALL)).to_string(), "tcp:110:x");
        assert_eq!(k(FlagMatch::ANY).to_string(), "tcp:110:i");
        assert_eq!(
            k(FlagMatch {
                mask: TCP_SYN | TCP_ACK,
                value: TCP_SYN
            })
            .to_string(),
            "tcp:110:syn,!ack"
        );
    }

    /// Arbitrary lines built from config syntax never panic either parser.
    #[test]
    fn junk_configs() {
        let pieces = [
            "[",
            "]",
            "<",
            ">",
            "</",
            "=",
            ",",
            ":",
            "!",
            "#",
            " ",
            "\n",
            "'",
            "\"",
            "\\",
            "%IP%",
            ";",
            "tcp",
            "udp",
            "sequence",
            "tcpflags",
            "syn",
            "x",
            "n",
            "i",
            "frap",
            "65536",
            "0",
            "7000",
            "options",
            "command",
            "start_command",
            "one_time_sequences",
            "/nonexistent",
            "timeout",
            "use_shell",
            "yes",
            "é",
            "\0",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(seed % 40) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let _ = parse(&text);
            let _ = conf_knockd::parse(&text);
            let _ = conf_tport::parse(&text);
        }
    }

    #[test]
    fn detects_format() {
        assert_eq!(detect("# c\n\n<E>\n</E>\n"), Format::Tport);
        assert_eq!(detect("timeout = 1\n<E>\n"), Format::Tport);
        assert_eq!(detect("[options]\n"), Format::Knockd);
    }
}
