// SPDX-License-Identifier: GPL-2.0-only
//! Door commands: parsed once at config load, `%IP%` substituted per knock.
//!
//! Without `use_shell`, a command is split into words here (quotes and backslashes as in sh) and run
//! with execvp, so no shell ever sees it. Shell syntax that would need a shell is refused at load
//! time rather than passed on as literal words. With `use_shell`, the text goes to `/bin/sh -c`.
//! Either way `%IP%` becomes the text of an `IpAddr` taken from the packet, which can only contain
//! hex digits, `.` and `:`; `render` checks that again before substituting.

use std::fmt;
use std::net::IpAddr;

const IP_TOKEN: &str = "%IP%";

/// A configured command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandLine {
    text: String,
    shell: bool,
    words: Vec<String>,
}

/// A command ready to run: what to log and what to execute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub display: String,
    pub argv: Vec<String>,
}

impl CommandLine {
    /// Parses `text`; `shell` selects `/bin/sh -c` execution.
    pub fn parse(text: &str, shell: bool) -> Result<Self, String> {
        let words = if shell {
            Vec::new()
        } else {
            split_words(text)?
        };
        if !shell && words.is_empty() {
            return Err("empty command".into());
        }
        Ok(CommandLine {
            text: text.to_string(),
            shell,
            words,
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Substitutes `%IP%`; `None` if the address text is not plain address characters.
    pub fn render(&self, ip: &IpAddr) -> Option<Rendered> {
        let addr = ip.to_string();
        if !addr
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':')
        {
            return None;
        }
        let display = self.text.replace(IP_TOKEN, &addr);
        let argv = if self.shell {
            vec!["/bin/sh".to_string(), "-c".to_string(), display.clone()]
        } else {
            self.words
                .iter()
                .map(|w| w.replace(IP_TOKEN, &addr))
                .collect()
        };
        Some(Rendered { display, argv })
    }
}

impl fmt::Display for CommandLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)?;
        if self.shell {
            f.write_str(" (via /bin/sh)")?;
        }
        Ok(())
    }
}

/// Characters that only mean something to a shell.
fn is_shell_operator(c: char) -> bool {
    matches!(c, ';' | '&' | '|' | '<' | '>' | '`' | '$' | '(' | ')')
}

fn shell_needed(c: char) -> String {
    format!(
        "'{c}' needs a shell: quote it, or set use_shell = yes to run the command through /bin/sh"
    )
}

/// Splits like sh does for plain words, single quotes, double quotes and backslashes.
fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("unterminated single quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("unterminated double quote".into()),
                        },
                        Some(c @ ('$' | '`')) => return Err(shell_needed(c)),
                        Some(c) => word.push(c),
                        None => return Err("unterminated double quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some(c) => word.push(c),
                    None => return Err("trailing backslash".into()),
                }
            }
            c if is_shell_operator(c) => return Err(shell_needed(c)),
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn splits_and_substitutes_without_shell() {
        let c = CommandLine::parse(
            "/sbin/iptables -A INPUT -s %IP% -m comment --comment 'knock %IP%' -j ACCEPT",
            false,
        )
        .unwrap();
        let r = c.render(&ip("10.0.0.2")).unwrap();
        assert_eq!(
            r.argv,
            [
                "/sbin/iptables",
                "-A",
                "INPUT",
                "-s",
                "10.0.0.2",
                "-m",
                "comment",
                "--comment",
                "knock 10.0.0.2",
                "-j",
                "ACCEPT"
            ]
        );
        assert_eq!(
            r.display,
            "/sbin/iptables -A INPUT -s 10.0.0.2 -m comment --comment 'knock 10.0.0.2' -j ACCEPT"
        );
    }

    #[test]
    fn refuses_shell_syntax_unless_asked() {
        for bad in [
            "a; b",
            "a && b",
            "a | b",
            "a > f",
            "echo $HOME",
            "echo `id`",
            "echo \"$x\"",
            "(a)",
        ] {
            assert!(
                CommandLine::parse(bad, false)
                    .unwrap_err()
                    .contains("use_shell"),
                "{bad}"
            );
        }
        assert!(CommandLine::parse("echo 'a; b' \\| c", false).is_ok());
        let c = CommandLine::parse("a %IP% && b", true).unwrap();
        assert_eq!(
            c.render(&ip("::1")).unwrap().argv,
            ["/bin/sh", "-c", "a ::1 && b"]
        );
    }

    #[test]
    fn reports_bad_quoting() {
        assert_eq!(
            CommandLine::parse("a 'b", false).unwrap_err(),
            "unterminated single quote"
        );
        assert_eq!(
            CommandLine::parse("a \"b", false).unwrap_err(),
            "unterminated double quote"
        );
        assert_eq!(
            CommandLine::parse("a \\", false).unwrap_err(),
            "trailing backslash"
        );
        assert_eq!(
            CommandLine::parse("  ", false).unwrap_err(),
            "empty command"
        );
    }

    #[test]
    fn ipv6_substitution() {
        let c = CommandLine::parse("ip6tables -s %IP%", false).unwrap();
        assert_eq!(
            c.render(&ip("fd00::2")).unwrap().argv,
            ["ip6tables", "-s", "fd00::2"]
        );
    }
}
