// SPDX-License-Identifier: GPL-2.0-only
//! Fuzzes both config parsers: no panic on any text, every error carries a line inside the text,
//! and a config that parses describes itself and has only sane doors.
#![no_main]

use knockd::config::{self, MAX_SEQUENCE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // One-time sequence files are read by name: keep the fuzzer away from /dev/zero and friends.
    if text.to_ascii_lowercase().contains("one_time") {
        return;
    }
    let lines = text.lines().count();
    match config::parse(text) {
        Ok(c) => {
            let _ = config::describe(&c);
            for d in &c.doors {
                assert!(!d.sequence.is_empty() && d.sequence.len() <= MAX_SEQUENCE);
                assert!(d.line >= 1 && d.line <= lines);
                assert!(d.sequence.iter().all(|k| k.port != 0));
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in &errors {
                assert!(e.line <= lines, "error line {} beyond {lines} lines", e.line);
            }
        }
    }
});
