// SPDX-License-Identifier: GPL-2.0-only
//! knockd.conf: `[options]` and one `[door]` section per knock, `key = value` directives.
//! Keys are case-insensitive, as in knockd. Unlike knockd, parsing goes on after an error so that
//! every bad line is reported, and numbers are checked instead of read with atoi.

use std::fs::OpenOptions;
use std::io::{Seek, SeekFrom, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::command::CommandLine;
use crate::config::{
    self, Config, ConfigError, Door, FlagMatch, Knock, MAX_SEQUENCE, Options, Proto, TCP_ACK,
    TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG,
};

const SEQ_TIMEOUT: Duration = Duration::from_secs(25);
const CMD_TIMEOUT: Duration = Duration::from_secs(10);

/// Indexes into `Section::commands`.
const START4: usize = 0;
const START6: usize = 1;
const STOP4: usize = 2;
const STOP6: usize = 3;

/// A door section while it is being read.
struct Section {
    name: String,
    line: usize,
    ports: Option<Ports>,
    one_time: Option<PathBuf>,
    seq_timeout: Duration,
    cmd_timeout: Duration,
    commands: [Option<(String, usize)>; 4],
    flags: FlagMatch,
    target: Option<IpAddr>,
    use_shell: Option<bool>,
}

/// The ports of a knockd sequence, before the door's TCP flags are applied.
pub type Ports = Vec<(Proto, u16)>;

/// Parses `port[:tcp|udp],...` (knockd's Sequence and one-time sequence lines).
pub fn parse_sequence(text: &str) -> Result<Ports, String> {
    let mut out = Vec::new();
    for item in text.split(',') {
        let item = item.trim();
        if item.is_empty() {
            return Err("empty entry in sequence".into());
        }
        let (port, proto) = match item.split_once(':') {
            Some((p, proto)) => (
                p,
                Proto::parse(proto.trim())
                    .ok_or_else(|| format!("unknown protocol '{}' in sequence", proto.trim()))?,
            ),
            None => (item, Proto::Tcp),
        };
        out.push((proto, config::parse_port(port)?));
    }
    if out.len() > MAX_SEQUENCE {
        return Err(format!(
            "too many ports in knock sequence (at most {MAX_SEQUENCE})"
        ));
    }
    Ok(out)
}

fn parse_tcpflags(value: &str) -> Result<FlagMatch, String> {
    let mut m = FlagMatch::ANY;
    for item in value.split(',') {
        let item = item.trim().to_ascii_lowercase();
        let (set, name) = match item.strip_prefix('!') {
            Some(n) => (false, n),
            None => (true, item.as_str()),
        };
        let bit = match name {
            "fin" => TCP_FIN,
            "syn" => TCP_SYN,
            "rst" => TCP_RST,
            "psh" => TCP_PSH,
            "ack" => TCP_ACK,
            "urg" => TCP_URG,
            _ => return Err(format!("unrecognized flag \"{item}\"")),
        };
        if m.mask & bit != 0 && (m.value & bit != 0) != set {
            return Err(format!("flag \"{name}\" both required and excluded"));
        }
        m.mask |= bit;
        if set {
            m.value |= bit;
        }
    }
    Ok(m)
}

/// First usable sequence in a one-time sequences file and its byte offset.
pub fn next_one_time(path: &Path) -> Result<Option<(Ports, u64)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut offset = 0u64;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if !t.is_empty()
            && !t.starts_with('#')
            && let Ok(seq) = parse_sequence(t)
        {
            return Ok(Some((seq, offset)));
        }
        offset += line.len() as u64;
    }
    Ok(None)
}

/// Disables a used sequence the way knockd does: a `#` over the first byte of its line.
pub fn mark_one_time_used(path: &Path, offset: u64) -> std::io::Result<()> {
    let mut f = OpenOptions::new().write(true).open(path)?;
    f.seek(SeekFrom::Start(offset))?;
    f.write_all(b"#")?;
    f.sync_data()
}

pub fn knocks_from(ports: &[(Proto, u16)], flags: FlagMatch) -> Vec<Knock> {
    ports
        .iter()
        .map(|&(proto, port)| Knock {
            proto,
            port,
            flags: if proto == Proto::Tcp {
                flags
            } else {
                FlagMatch::ANY
            },
        })
        .collect()
}

fn finish(s: Section, global_shell: bool, errors: &mut Vec<ConfigError>) -> Door {
    let shell = s.use_shell.unwrap_or(global_shell);
    let mut parsed: [Option<CommandLine>; 4] = Default::default();
    for (slot, cmd) in parsed.iter_mut().zip(&s.commands) {
        if let Some((text, line)) = cmd {
            if text.is_empty() {
                continue;
            }
            match CommandLine::parse(text, shell) {
                Ok(c) => *slot = Some(c),
                Err(e) => errors.push(ConfigError::new(*line, e)),
            }
        }
    }
    // A missing _6 command falls back to the IPv4 one; an empty one means "do nothing".
    for (v6, v4) in [(START6, START4), (STOP6, STOP4)] {
        if s.commands[v6].is_none() {
            parsed[v6] = parsed[v4].clone();
        }
    }
    let mut ports = s.ports.unwrap_or_default();
    if let Some(path) = &s.one_time {
        match next_one_time(path) {
            Ok(Some((seq, _))) => ports = seq,
            Ok(None) => errors.push(ConfigError::new(
                s.line,
                format!("'{}': no sequences left in {}", s.name, path.display()),
            )),
            Err(e) => errors.push(ConfigError::new(s.line, format!("'{}': {e}", s.name))),
        }
    }
    let [start_v4, start_v6, stop_v4, stop_v6] = parsed;
    let door = Door {
        sequence: knocks_from(&ports, s.flags),
        name: s.name,
        line: s.line,
        seq_timeout: s.seq_timeout,
        start_v4,
        start_v6,
        stop_v4,
        stop_v6,
        cmd_timeout: s.cmd_timeout,
        one_time: s.one_time,
        target: s.target,
        tcp_flags: s.flags,
        strict_flags: false,
    };
    config::check_door(&door, errors);
    door
}

fn door_directive(s: &mut Section, key: &str, value: &str, line: usize) -> Result<(), String> {
    match key {
        "TARGET" => {
            s.target = Some(
                value
                    .parse()
                    .map_err(|_| format!("'{value}' is not an IP address"))?,
            );
        }
        "SEQUENCE" => {
            if s.one_time.is_some() {
                return Err("sequence and one_time_sequences exclude each other".into());
            }
            s.ports = Some(parse_sequence(value)?);
        }
        "ONE_TIME_SEQUENCES" => {
            if s.ports.is_some() {
                return Err("sequence and one_time_sequences exclude each other".into());
            }
            if value.is_empty() {
                return Err("one_time_sequences needs a file name".into());
            }
            s.one_time = Some(PathBuf::from(value));
        }
        "SEQ_TIMEOUT" | "TIMEOUT" => s.seq_timeout = config::parse_seconds(value)?,
        "CMD_TIMEOUT" => s.cmd_timeout = config::parse_seconds(value)?,
        "START_COMMAND" | "COMMAND" => s.commands[START4] = Some((value.to_string(), line)),
        "START_COMMAND_6" | "COMMAND_6" => s.commands[START6] = Some((value.to_string(), line)),
        "STOP_COMMAND" => s.commands[STOP4] = Some((value.to_string(), line)),
        "STOP_COMMAND_6" => s.commands[STOP6] = Some((value.to_string(), line)),
        "TCPFLAGS" => s.flags = parse_tcpflags(value)?,
        "USE_SHELL" => s.use_shell = Some(config::parse_bool(value)?),
        _ => return Err(format!("unknown directive '{}'", key.to_ascii_lowercase())),
    }
    Ok(())
}

fn option_directive(
    o: &mut Options,
    shell: &mut bool,
    key: &str,
    value: &str,
) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("{} needs a value", key.to_ascii_lowercase()));
    }
    match key {
        "LOGFILE" => o.log_file = Some(PathBuf::from(value)),
        "PIDFILE" => o.pid_file = Some(PathBuf::from(value)),
        "INTERFACE" => o.interface = Some(value.to_string()),
        "USE_SHELL" => *shell = config::parse_bool(value)?,
        _ => return Err(format!("unknown option '{}'", key.to_ascii_lowercase())),
    }
    Ok(())
}

pub fn parse(text: &str) -> Result<Config, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let mut options = Options::default();
    let mut global_shell = false;
    let mut in_options = false;
    let mut seen_section = false;
    let mut sections: Vec<Section> = Vec::new();
    let mut current: Option<Section> = None;

    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if let Some(name) = l.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            sections.extend(current.take());
            seen_section = true;
            let name = name.trim();
            if name.is_empty() {
                errors.push(ConfigError::new(line, "bad section name"));
                in_options = false;
            } else if name == "options" {
                in_options = true;
            } else {
                in_options = false;
                current = Some(Section {
                    name: name.to_string(),
                    line,
                    ports: None,
                    one_time: None,
                    seq_timeout: SEQ_TIMEOUT,
                    cmd_timeout: CMD_TIMEOUT,
                    commands: Default::default(),
                    flags: FlagMatch::ANY,
                    target: None,
                    use_shell: None,
                });
            }
            continue;
        }
        if !seen_section {
            errors.push(ConfigError::new(
                line,
                "all directives must belong to a section",
            ));
            continue;
        }
        let (key, value) = match l.split_once('=') {
            Some((k, v)) => (k.trim().to_ascii_uppercase(), Some(v.trim())),
            None => (l.to_ascii_uppercase(), None),
        };
        let result = match (key.as_str(), value) {
            ("USESYSLOG", None) => {
                options.use_syslog = true;
                Ok(())
            }
            (_, None) => Err(format!("syntax error: expected 'key = value', got '{l}'")),
            (_, Some(v)) if in_options => {
                option_directive(&mut options, &mut global_shell, &key, v)
            }
            (_, Some(v)) => match current.as_mut() {
                Some(s) => door_directive(s, &key, v, line),
                None => Err(format!(
                    "'{}' can only be used within a door section",
                    key.to_ascii_lowercase()
                )),
            },
        };
        if let Err(e) = result {
            errors.push(ConfigError::new(line, e));
        }
    }
    sections.extend(current);
    if sections.is_empty() && errors.is_empty() {
        errors.push(ConfigError::new(
            0,
            "no door sections: nothing to listen for",
        ));
    }
    let doors: Vec<Door> = sections
        .into_iter()
        .map(|s| finish(s, global_shell, &mut errors))
        .collect();
    config::check_unique_names(&doors, &mut errors);
    errors.sort_by_key(|e| e.line);
    if errors.is_empty() {
        Ok(Config { options, doors })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "\
[options]
    logfile = /var/log/knockd.log
    UseSyslog

[openSSH]
    sequence    = 7000,8000,9000
    seq_timeout = 10
    tcpflags    = syn
    command     = /sbin/iptables -A INPUT -s %IP% --dport 22 -j ACCEPT

[closeSSH]
    Sequence    = 9000,8000:tcp,7000:UDP
    seq_timeout = 10
    TCPFlags    = syn,!ack
    start_command = /sbin/iptables -D INPUT -s %IP% --dport 22 -j ACCEPT
    start_command_6 =
    cmd_timeout = 5
    stop_command = /bin/true
";

    #[test]
    fn parses_the_example() {
        let c = parse(EXAMPLE).unwrap();
        assert!(c.options.use_syslog);
        assert_eq!(
            c.options.log_file.as_deref(),
            Some(Path::new("/var/log/knockd.log"))
        );
        assert_eq!(c.doors.len(), 2);
        let open = &c.doors[0];
        assert_eq!(open.name, "openSSH");
        assert_eq!(open.line, 5);
        assert_eq!(
            open.sequence_text(),
            "tcp:7000:syn tcp:8000:syn tcp:9000:syn"
        );
        assert_eq!(open.seq_timeout, Duration::from_secs(10));
        assert!(open.start_v4.is_some() && open.start_v6.is_some() && open.stop_v4.is_none());
        let close = &c.doors[1];
        assert_eq!(
            close.sequence_text(),
            "tcp:9000:syn,!ack tcp:8000:syn,!ack udp:7000"
        );
        assert!(close.start_v6.is_none(), "empty _6 command disables it");
        assert_eq!(close.stop_v6, close.stop_v4);
        assert_eq!(close.cmd_timeout, Duration::from_secs(5));
    }

    #[test]
    fn reports_every_bad_line() {
        let text = "\
stray = 1
[options]
    bogus = 1
[d]
    sequence = 7000,70000,abc:tcp
    sequence = 1:icmp
    seq_timeout = soon
    tcpflags = syn,foo
    command = a; b
    what
    unknown_key = 3
[]
[d]
    sequence = 1
[empty]
";
        let got: Vec<String> = parse(text)
            .unwrap_err()
            .iter()
            .map(|e| e.to_string())
            .collect();
        let want = [
            "config: line 1: all directives must belong to a section",
            "config: line 3: unknown option 'bogus'",
            "config: line 4: 'd' has an empty knock sequence",
            "config: line 5: '70000' is not a port number (1-65535)",
            "config: line 6: unknown protocol 'icmp' in sequence",
            "config: line 7: 'soon' is not a number of seconds",
            "config: line 8: unrecognized flag \"foo\"",
            "config: line 9: ';' needs a shell: quote it, or set use_shell = yes to run the command through /bin/sh",
            "config: line 10: syntax error: expected 'key = value', got 'what'",
            "config: line 11: unknown directive 'unknown_key'",
            "config: line 12: bad section name",
            "config: line 13: 'd' already defined on line 4",
            "config: line 15: 'empty' has an empty knock sequence",
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn one_time_sequences_file() {
        let dir = std::env::temp_dir().join(format!("knockd-ots-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("seq");
        std::fs::write(&f, "# used\n 1000,2000:udp\n 3000,4000\n").unwrap();
        let conf = format!(
            "[d]\none_time_sequences = {}\ncommand = /bin/true\n",
            f.display()
        );
        let c = parse(&conf).unwrap();
        assert_eq!(c.doors[0].sequence_text(), "tcp:1000:i udp:2000");
        let (_, off) = next_one_time(&f).unwrap().unwrap();
        mark_one_time_used(&f, off).unwrap();
        assert_eq!(
            next_one_time(&f).unwrap().unwrap().0,
            [(Proto::Tcp, 3000), (Proto::Tcp, 4000)]
        );
        let (_, off) = next_one_time(&f).unwrap().unwrap();
        mark_one_time_used(&f, off).unwrap();
        assert_eq!(next_one_time(&f).unwrap(), None);
        assert_eq!(
            std::fs::read_to_string(&f).unwrap(),
            "# used\n#1000,2000:udp\n#3000,4000\n"
        );
        let errs = parse(&conf).unwrap_err();
        assert!(
            errs[0]
                .to_string()
                .starts_with("config: line 1: 'd': no sequences left"),
            "{errs:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn shell_opt_in() {
        let c = parse("[options]\nuse_shell = yes\n[d]\nsequence = 1\ncommand = a %IP% && b\n")
            .unwrap();
        assert!(c.doors[0].start_v4.is_some());
        let c = parse("[d]\nsequence = 1\ncommand = a && b\nuse_shell = yes\n").unwrap();
        assert!(c.doors[0].start_v4.is_some());
    }
}
