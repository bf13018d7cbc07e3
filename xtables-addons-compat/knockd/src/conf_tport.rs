// SPDX-License-Identifier: GPL-2.0-only
//! tportknockd's config: `<NAME>` ... `</NAME>` blocks of `key = value` lines.
//!
//! A frame is `proto:port[:flags]`; TCP flags are letters of `fsrpau` (FIN SYN RST PSH ACK URG)
//! meaning exactly those flags, or one of `x` (all six), `n` (none) and `i` (any). No flags given
//! means `n`. `#` starts a comment at the start of a line, and after the value of the numeric and
//! sequence keys (a command may contain `#`).

use std::time::Duration;

use crate::command::CommandLine;
use crate::config::{
    self, Config, ConfigError, Door, FlagMatch, Knock, MAX_SEQUENCE, Options, Proto, TCP_ACK,
    TCP_ALL, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG,
};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(25);
const DEFAULT_DELAY: Duration = Duration::from_secs(10);

/// Parses one `proto:port[:flags]` frame.
pub fn parse_frame(text: &str) -> Result<Knock, String> {
    let mut parts = text.split(':');
    let proto_text = parts.next().unwrap_or_default();
    let proto = Proto::parse(proto_text)
        .ok_or_else(|| format!("'{text}': unknown protocol '{proto_text}' (tcp or udp)"))?;
    let port = config::parse_port(
        parts
            .next()
            .ok_or_else(|| format!("'{text}': missing port"))?,
    )
    .map_err(|e| format!("'{text}': {e}"))?;
    let flags_text = parts.next();
    if parts.next().is_some() {
        return Err(format!("'{text}': too many fields (proto:port[:flags])"));
    }
    let flags = match (proto, flags_text) {
        (Proto::Udp, Some(_)) => return Err(format!("'{text}': UDP knocks have no flags")),
        (Proto::Udp, None) | (Proto::Tcp, None) => FlagMatch::exact(0),
        (Proto::Tcp, Some(f)) => parse_flags(f).map_err(|e| format!("'{text}': {e}"))?,
    };
    Ok(Knock {
        proto,
        port,
        flags: if proto == Proto::Udp {
            FlagMatch::ANY
        } else {
            flags
        },
    })
}

fn parse_flags(text: &str) -> Result<FlagMatch, String> {
    match text {
        "" => return Err("empty flags".into()),
        "x" => return Ok(FlagMatch::exact(TCP_ALL)),
        "n" => return Ok(FlagMatch::exact(0)),
        "i" => return Ok(FlagMatch::ANY),
        _ => {}
    }
    let mut bits = 0u8;
    for c in text.chars() {
        bits |= match c {
            'f' => TCP_FIN,
            's' => TCP_SYN,
            'r' => TCP_RST,
            'p' => TCP_PSH,
            'a' => TCP_ACK,
            'u' => TCP_URG,
            'x' | 'n' | 'i' => {
                return Err(format!("flag '{c}' cannot be combined with other flags"));
            }
            _ => {
                return Err(format!(
                    "unknown flag '{c}' (one of fsrpau, or x, n, i alone)"
                ));
            }
        };
    }
    Ok(FlagMatch::exact(bits))
}

pub fn parse_sequence(text: &str) -> Result<Vec<Knock>, String> {
    let seq = text
        .split_whitespace()
        .map(parse_frame)
        .collect::<Result<Vec<_>, _>>()?;
    if seq.is_empty() {
        return Err("empty sequence".into());
    }
    if seq.len() > MAX_SEQUENCE {
        return Err(format!(
            "too many knocks in sequence (at most {MAX_SEQUENCE})"
        ));
    }
    Ok(seq)
}

fn strip_comment(v: &str) -> &str {
    v.split('#').next().unwrap_or_default().trim()
}

struct Block {
    door: Door,
    start: Option<(String, usize)>,
    stop: Option<(String, usize)>,
    use_shell: bool,
}

fn directive(b: &mut Block, key: &str, value: &str, line: usize) -> Result<(), String> {
    match key {
        "sequence" => b.door.sequence = parse_sequence(strip_comment(value))?,
        "timeout" => b.door.seq_timeout = config::parse_seconds(strip_comment(value))?,
        "command_delay" => b.door.cmd_timeout = config::parse_seconds(strip_comment(value))?,
        "start_command" => b.start = Some((value.to_string(), line)),
        "stop_command" => b.stop = Some((value.to_string(), line)),
        "use_shell" => b.use_shell = config::parse_bool(strip_comment(value))?,
        _ => return Err(format!("unknown key '{key}'")),
    }
    Ok(())
}

fn finish(mut b: Block, errors: &mut Vec<ConfigError>) -> Door {
    let parse = |cmd: &Option<(String, usize)>, errors: &mut Vec<ConfigError>| {
        let (text, line) = cmd.as_ref()?;
        CommandLine::parse(text, b.use_shell)
            .map_err(|e| errors.push(ConfigError::new(*line, e)))
            .ok()
    };
    b.door.start_v4 = parse(&b.start, errors);
    b.door.stop_v4 = parse(&b.stop, errors);
    if b.start.is_none() {
        errors.push(ConfigError::new(
            b.door.line,
            format!("'{}' has no start_command", b.door.name),
        ));
    }
    b.door.start_v6 = b.door.start_v4.clone();
    b.door.stop_v6 = b.door.stop_v4.clone();
    config::check_door(&b.door, errors);
    b.door
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

pub fn parse(text: &str) -> Result<Config, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let mut doors = Vec::new();
    let mut current: Option<Block> = None;

    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if let Some(tag) = l.strip_prefix('<').and_then(|r| r.strip_suffix('>')) {
            if let Some(name) = tag.strip_prefix('/') {
                match current.take() {
                    Some(b) if b.door.name == name => doors.push(finish(b, &mut errors)),
                    Some(b) => {
                        errors.push(ConfigError::new(
                            line,
                            format!(
                                "</{name}> does not close <{}> (line {})",
                                b.door.name, b.door.line
                            ),
                        ));
                        current = Some(b);
                    }
                    None => errors.push(ConfigError::new(
                        line,
                        format!("</{name}> without <{name}>"),
                    )),
                }
                continue;
            }
            if let Some(b) = current.take() {
                errors.push(ConfigError::new(
                    line,
                    format!(
                        "<{tag}> inside <{}> (line {}): close it first",
                        b.door.name, b.door.line
                    ),
                ));
                doors.push(finish(b, &mut errors));
            }
            if !valid_name(tag) {
                errors.push(ConfigError::new(
                    line,
                    format!("bad event name '{tag}' (letters, digits, _ - .)"),
                ));
            }
            current = Some(Block {
                door: Door {
                    name: tag.to_string(),
                    line,
                    sequence: Vec::new(),
                    seq_timeout: DEFAULT_TIMEOUT,
                    start_v4: None,
                    start_v6: None,
                    stop_v4: None,
                    stop_v6: None,
                    cmd_timeout: DEFAULT_DELAY,
                    one_time: None,
                    target: None,
                    tcp_flags: FlagMatch::ANY,
                    strict_flags: true,
                },
                start: None,
                stop: None,
                use_shell: false,
            });
            continue;
        }
        let Some(b) = current.as_mut() else {
            errors.push(ConfigError::new(
                line,
                "directive outside an <EVENT> ... </EVENT> block",
            ));
            continue;
        };
        let Some((key, value)) = l.split_once('=') else {
            errors.push(ConfigError::new(
                line,
                format!("syntax error: expected 'key = value', got '{l}'"),
            ));
            continue;
        };
        if let Err(e) = directive(b, &key.trim().to_ascii_lowercase(), value.trim(), line) {
            errors.push(ConfigError::new(line, e));
        }
    }
    if let Some(b) = current.take() {
        errors.push(ConfigError::new(
            b.door.line,
            format!("<{}> is never closed", b.door.name),
        ));
        doors.push(finish(b, &mut errors));
    }
    if doors.is_empty() && errors.is_empty() {
        errors.push(ConfigError::new(0, "no events: nothing to listen for"));
    }
    config::check_unique_names(&doors, &mut errors);
    errors.sort_by_key(|e| e.line);
    if errors.is_empty() {
        Ok(Config {
            options: Options::default(),
            doors,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_examples() {
        let text = "\
# tportknockd examples
<SSH>
  sequence = udp:1234 tcp:543 tcp:543:i tcp:123:frap tcp:434:x tcp:2345:n  # mixed
  timeout = 10
  start_command = /usr/sbin/iptables -I INPUT -s %IP% -p tcp --dport 22 -j ACCEPT
  stop_command  = /usr/sbin/iptables -D INPUT -s %IP% -p tcp --dport 22 -j ACCEPT
  command_delay = 5
</SSH>
<FLAGS>
  sequence = tcp:110:x tcp:110:up tcp:110:up tcp:110:n tcp:110:i
  timeout = 10
  start_command = /bin/true %IP%
</FLAGS>
";
        let c = parse(text).unwrap();
        assert_eq!(c.doors.len(), 2);
        let d = &c.doors[0];
        assert_eq!(
            d.sequence_text(),
            "udp:1234 tcp:543:n tcp:543:i tcp:123:frpa tcp:434:x tcp:2345:n"
        );
        assert_eq!(d.seq_timeout, Duration::from_secs(10));
        assert_eq!(d.cmd_timeout, Duration::from_secs(5));
        assert!(d.strict_flags && d.stop_v4.is_some() && d.start_v6.is_some());
        assert_eq!(
            c.doors[1].sequence_text(),
            "tcp:110:x tcp:110:pu tcp:110:pu tcp:110:n tcp:110:i"
        );
        assert!(c.doors[1].stop_v4.is_none());
    }

    #[test]
    fn reports_every_bad_line() {
        let text = "\
timeout = 3
<A>
  sequence = tcp:1 udp:2:s tcp:3:q tcp
  sequence = icmp:1
  sequence = tcp:1:xn
  timeout = 1.5
  start_command = echo $HOME
  colour = blue
  just words
</B>
</A>
</A>
<bad name>
</bad name>
<C>
  sequence = tcp:5
";
        let errs = parse(text).unwrap_err();
        let got: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        let want = [
            "config: line 1: directive outside an <EVENT> ... </EVENT> block",
            "config: line 2: 'A' has an empty knock sequence",
            "config: line 3: 'udp:2:s': UDP knocks have no flags",
            "config: line 4: 'icmp:1': unknown protocol 'icmp' (tcp or udp)",
            "config: line 5: 'tcp:1:xn': flag 'x' cannot be combined with other flags",
            "config: line 6: '1.5' is not a number of seconds",
            "config: line 7: '$' needs a shell: quote it, or set use_shell = yes to run the command through /bin/sh",
            "config: line 8: unknown key 'colour'",
            "config: line 9: syntax error: expected 'key = value', got 'just words'",
            "config: line 10: </B> does not close <A> (line 2)",
            "config: line 12: </A> without <A>",
            "config: line 13: bad event name 'bad name' (letters, digits, _ - .)",
            "config: line 13: 'bad name' has no start_command",
            "config: line 13: 'bad name' has an empty knock sequence",
            "config: line 15: <C> is never closed",
            "config: line 15: 'C' has no start_command",
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn frames() {
        assert_eq!(parse_frame("TCP:80").unwrap().flags, FlagMatch::exact(0));
        assert_eq!(
            parse_frame("tcp:80:sa").unwrap().flags,
            FlagMatch::exact(TCP_SYN | TCP_ACK)
        );
        assert!(parse_frame("tcp:0").is_err());
        assert!(parse_frame("tcp:80:s:1").is_err());
        assert!(parse_frame("tcp:80:").is_err());
    }
}
