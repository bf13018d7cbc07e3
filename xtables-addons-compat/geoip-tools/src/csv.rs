// SPDX-License-Identifier: GPL-2.0-only
//! The CSV dialect upstream's Perl tools read through Text::CSV_XS (`allow_whitespace`,
//! `binary`): comma-separated fields, `"`-quoted fields with `""` for a quote and line breaks
//! allowed inside, spaces and tabs around fields ignored, lines ending in LF or CR LF.
//!
//! Unlike upstream, whose `getline` loop silently stops at the first malformed line and builds
//! a database from what came before, every malformed record is an error naming its line.

use std::fmt;
use std::io::{BufRead, Read};

/// A malformed record or a read error, with the line it starts on (from 1).
#[derive(Debug)]
pub struct CsvError {
    /// Line of the record.
    pub line: u64,
    /// What is wrong.
    pub what: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.what)
    }
}

/// Longest record accepted: real rows are under 200 bytes; this stops an unterminated quote
/// from swallowing a whole file into memory.
pub const MAX_RECORD: usize = 64 * 1024;

/// Reads records one by one from a buffered reader.
pub struct Reader<R> {
    input: R,
    /// Lines consumed so far (Perl's `$.`).
    lines: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> Reader<R> {
    /// A reader of `input`.
    pub fn new(input: R) -> Self {
        Reader {
            input,
            lines: 0,
            buf: Vec::new(),
        }
    }

    /// Lines consumed so far: the line the last record ended on.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// The next record's fields, with the line it starts on; `None` at the end of the input.
    /// A blank line is a record of one empty field, as Text::CSV_XS reads it.
    pub fn next_record(&mut self) -> Option<Result<(u64, Vec<String>), CsvError>> {
        self.buf.clear();
        let first = self.lines + 1;
        match self.read_line() {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => return Some(Err(e)),
        }
        // Quoted fields may span lines: read on while a quote is open.
        while open_quote(&self.buf) {
            match self.read_line() {
                Ok(0) => {
                    return Some(Err(CsvError {
                        line: first,
                        what: "unterminated quoted field".into(),
                    }));
                }
                Ok(_) => {}
                Err(e) => return Some(Err(e)),
            }
        }
        let record = strip_eol(&self.buf);
        Some(
            split(record)
                .map(|fields| (first, fields))
                .map_err(|what| CsvError { line: first, what }),
        )
    }

    /// Appends one line (with its end) to the buffer; the bytes read, 0 at the end.
    fn read_line(&mut self) -> Result<usize, CsvError> {
        let line = self.lines + 1;
        let room = (MAX_RECORD + 1 - self.buf.len().min(MAX_RECORD)) as u64;
        let n = Read::take(&mut self.input, room)
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| CsvError {
                line,
                what: format!("read error: {e}"),
            })?;
        if n > 0 {
            self.lines += 1;
        }
        if self.buf.len() > MAX_RECORD {
            return Err(CsvError {
                line,
                what: format!("record longer than {MAX_RECORD} bytes"),
            });
        }
        Ok(n)
    }
}

/// Whether `text` ends inside a quoted field: only a quote that starts a field opens one.
fn open_quote(text: &[u8]) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Bare,
        Quoted,
        QuoteInQuoted,
    }
    let state = text
        .iter()
        .fold(State::FieldStart, |state, &b| match (state, b) {
            (State::FieldStart, b' ' | b'\t') => State::FieldStart,
            (State::FieldStart, b'"') | (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::FieldStart | State::Bare | State::QuoteInQuoted, b',') => State::FieldStart,
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            // Text after a closing quote or a quote inside a bare field: split() reports it.
            (State::FieldStart | State::Bare | State::QuoteInQuoted, _) => State::Bare,
        });
    state == State::Quoted
}

fn strip_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The fields of one record (its line end removed).
fn split(record: &[u8]) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut rest = record;
    loop {
        while let [b, tail @ ..] = rest {
            if !is_blank(*b) {
                break;
            }
            rest = tail;
        }
        let mut field = Vec::new();
        if let [b'"', tail @ ..] = rest {
            rest = tail;
            loop {
                match rest {
                    [b'"', b'"', tail @ ..] => {
                        field.push(b'"');
                        rest = tail;
                    }
                    [b'"', tail @ ..] => {
                        rest = tail;
                        break;
                    }
                    [b, tail @ ..] => {
                        field.push(*b);
                        rest = tail;
                    }
                    [] => return Err("unterminated quoted field".into()),
                }
            }
            while let [b, tail @ ..] = rest {
                if !is_blank(*b) {
                    break;
                }
                rest = tail;
            }
            if !matches!(rest, [] | [b',', ..]) {
                return Err(format!(
                    "text after the closing quote of field {}",
                    fields.len() + 1
                ));
            }
        } else {
            let end = rest.iter().position(|&b| b == b',').unwrap_or(rest.len());
            let (raw, tail) = rest.split_at(end);
            if raw.contains(&b'"') {
                return Err(format!("stray quote in field {}", fields.len() + 1));
            }
            if raw.iter().any(|&b| b == b'\r' || b == b'\n') {
                return Err(format!("line break in unquoted field {}", fields.len() + 1));
            }
            let trimmed = raw.iter().rposition(|&b| !is_blank(b)).map_or(0, |i| i + 1);
            field.extend_from_slice(&raw[..trimmed]);
            rest = tail;
        }
        let field = String::from_utf8(field)
            .map_err(|_| format!("field {} is not UTF-8", fields.len() + 1))?;
        fields.push(field);
        match rest {
            [] => return Ok(fields),
            [_comma, tail @ ..] => rest = tail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<Result<(u64, Vec<String>), String>> {
        let mut r = Reader::new(text.as_bytes());
        std::iter::from_fn(|| r.next_record())
            .map(|x| x.map_err(|e| e.to_string()))
            .collect()
    }

    fn ok(line: u64, fields: &[&str]) -> Result<(u64, Vec<String>), String> {
        Ok((line, fields.iter().map(|s| s.to_string()).collect()))
    }

    #[test]
    fn upstream_dialect() {
        let text =
            "1.0.0.0,1.0.0.255,AU\r\n \"2.0.0.0\" ,\t2.0.0.1 , \"F\"\"R\"\n\n\"a\nb\",c\nlast,,";
        assert_eq!(
            records(text),
            [
                ok(1, &["1.0.0.0", "1.0.0.255", "AU"]),
                ok(2, &["2.0.0.0", "2.0.0.1", "F\"R"]),
                ok(3, &[""]),
                ok(4, &["a\nb", "c"]),
                ok(6, &["last", "", ""]),
            ]
        );
    }

    #[test]
    fn malformed_records_name_their_line() {
        assert_eq!(
            records("a,b\n\"x\"y,z\nc,d\n")[1],
            Err("line 2: text after the closing quote of field 1".into())
        );
        assert_eq!(
            records("a,b\"c\n")[0],
            Err("line 1: stray quote in field 2".into())
        );
        assert_eq!(
            records("ok\n\"open,\nmore\n")[1],
            Err("line 2: unterminated quoted field".into())
        );
        assert_eq!(records("\u{0}\u{1},\"\u{ff}\"\n").len(), 1);
        let bad_utf8 = [b'a', b',', 0xff, b'\n'];
        let mut r = Reader::new(&bad_utf8[..]);
        assert_eq!(
            r.next_record().unwrap().unwrap_err().to_string(),
            "line 1: field 2 is not UTF-8"
        );
        let long = format!("\"{}", "x".repeat(MAX_RECORD + 10));
        assert!(
            records(&long)[0]
                .as_ref()
                .unwrap_err()
                .contains("longer than")
        );
    }
}
