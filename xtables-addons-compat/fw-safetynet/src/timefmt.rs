// SPDX-License-Identifier: GPL-2.0-only
//! Wall-clock time: deadlines are stored as Unix milliseconds so that every session (and a
//! systemd timer after a reboot) agrees on them; durations as typed by the admin.

use std::time::{SystemTime, UNIX_EPOCH};

/// Longest accepted delay: a week. Anything longer is almost certainly a typo.
const MAX_DURATION_SECS: u64 = 7 * 24 * 3600;

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Parses `90`, `90s`, `5m`, `2h`; a bare number is in `bare_unit_secs` (1 for `--timeout`,
/// 60 for `--in`). Returns seconds, at least 1.
pub fn parse_duration(text: &str, bare_unit_secs: u64) -> Result<u64, String> {
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    };
    let unit_secs = match unit {
        "" => bare_unit_secs,
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => {
            return Err(format!(
                "invalid duration '{text}': use a number with an optional s, m or h suffix"
            ));
        }
    };
    let value: u64 = digits.parse().map_err(|_| {
        format!("invalid duration '{text}': use a number with an optional s, m or h suffix")
    })?;
    match value.checked_mul(unit_secs) {
        Some(0) => Err(format!(
            "invalid duration '{text}': must be at least one second"
        )),
        Some(secs) if secs <= MAX_DURATION_SECS => Ok(secs),
        _ => Err(format!("invalid duration '{text}': at most 7 days")),
    }
}

/// `YYYY-MM-DD HH:MM:SS` in UTC (the caller appends the zone marker its format needs).
pub fn format_utc(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86400, secs % 86400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90", 1), Ok(90));
        assert_eq!(parse_duration("5", 60), Ok(300));
        assert_eq!(parse_duration("30s", 60), Ok(30));
        assert_eq!(parse_duration("2m", 1), Ok(120));
        assert_eq!(parse_duration("1h", 1), Ok(3600));
        for bad in [
            "",
            "s",
            "0",
            "0s",
            "-5",
            "5x",
            "1.5m",
            "5 m",
            "99999999999999999999",
            "8000000h",
        ] {
            assert!(parse_duration(bad, 1).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn utc_dates() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00:00");
        assert_eq!(format_utc(1_795_850_043_000), "2026-11-28 07:14:03");
    }
}
