//! Calendar dates (`YYYY-MM-DD`) without a clock or a date library.

use std::fmt;

/// A proleptic-Gregorian calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, 0000–9999.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31 depending on the month.
    pub day: u8,
}

impl Date {
    /// Parses exactly `YYYY-MM-DD`, rejecting impossible days such as `2026-02-30`.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        Date::from_parts(&s[0..4], &s[5..7], &s[8..10])
    }

    /// Parses the compact `YYYYMMDD` form used in finding file names.
    pub fn parse_compact(s: &str) -> Option<Date> {
        if s.len() != 8 {
            return None;
        }
        Date::from_parts(s.get(0..4)?, s.get(4..6)?, s.get(6..8)?)
    }

    fn from_parts(y: &str, m: &str, d: &str) -> Option<Date> {
        let all_digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
        if !(all_digits(y) && all_digits(m) && all_digits(d)) {
            return None;
        }
        let year: u16 = y.parse().ok()?;
        let month: u8 = m.parse().ok()?;
        let day: u8 = d.parse().ok()?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// The `YYYY-MM-DD` bytes, built without the formatting machinery (dates
    /// are written for every document a scan keeps).
    fn iso_bytes(self) -> [u8; 10] {
        let digit = |n: u16| b'0' + (n % 10) as u8;
        let (y, m, d) = (self.year, u16::from(self.month), u16::from(self.day));
        [
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(d / 10),
            digit(d),
        ]
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.iso_bytes();
        f.pad(std::str::from_utf8(&bytes).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_pads_every_part() {
        let date = |year, month, day| Date { year, month, day };
        assert_eq!(date(7, 3, 9).to_string(), "0007-03-09");
        assert_eq!(date(9999, 12, 31).to_string(), "9999-12-31");
        assert_eq!(date(2026, 4, 28).to_string(), "2026-04-28");
        assert_eq!(format!("[{:>12}]", date(2026, 4, 28)), "[  2026-04-28]");
    }

    #[test]
    fn parse_dates() {
        let check = |s: &str, ok: bool| assert_eq!(Date::parse(s).is_some(), ok, "{s}");
        check("2026-04-28", true);
        check("2024-02-29", true);
        check("2026-02-29", false);
        check("2000-02-29", true);
        check("1900-02-29", false);
        check("2026-13-01", false);
        check("2026-4-28", false);
        check("2026-04-28x", false);
        check("２026-04-28", false);
        assert_eq!(
            Date::parse_compact("20260428")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2026-04-28")
        );
    }
}

/// Days since 1970-01-01 of a calendar date (negative before it).
pub fn days_since_epoch(date: Date) -> i64 {
    // Howard Hinnant's days_from_civil, for the proleptic Gregorian calendar.
    let (y, m, d) = (
        i64::from(date.year),
        i64::from(date.month),
        i64::from(date.day),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Seconds since the Unix epoch of an RFC 3339 date-time as GitHub writes
/// them (`2026-04-29T14:32:18Z`, a fraction or a `±HH:MM` offset allowed);
/// `None` for anything else.
pub fn epoch_seconds(s: &str) -> Option<i64> {
    if !crate::operator::settings::is_rfc3339(s) {
        return None;
    }
    let date = Date::parse(&s[..10])?;
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<i64>().ok());
    let clock = num(11..13)? * 3600 + num(14..16)? * 60 + num(17..19)?;
    let offset = match s.rfind(['+', '-']).filter(|i| *i >= 19) {
        Some(i) => {
            let sign = if s.as_bytes()[i] == b'-' { -1 } else { 1 };
            sign * (num(i + 1..i + 3)? * 3600 + num(i + 4..i + 6)? * 60)
        }
        None => 0,
    };
    Some(days_since_epoch(date) * 86_400 + clock - offset)
}

#[cfg(test)]
mod epoch_tests {
    use super::*;

    #[test]
    fn epoch_seconds_reads_github_timestamps() {
        for (input, expected) in [
            ("1970-01-01T00:00:00Z", Some(0)),
            ("2026-04-29T14:32:18Z", Some(1_777_473_138)),
            ("2026-04-29T14:32:18.5Z", Some(1_777_473_138)),
            ("2026-04-29T16:32:18+02:00", Some(1_777_473_138)),
            ("2026-04-29T09:32:18-05:00", Some(1_777_473_138)),
            ("2000-02-29T00:00:00Z", Some(951_782_400)),
            ("2026-02-30T00:00:00Z", None),
            ("2026-04-29", None),
            ("yesterday", None),
        ] {
            assert_eq!(epoch_seconds(input), expected, "{input}");
        }
    }
}
