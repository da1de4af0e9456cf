//! `polling_interval` values: `"DISABLED"` or a humantime-like duration such as `30s`, `15m`, `1h30m`.
//!
//! Hand-written rather than a `humantime` dependency: the grammar we accept is small, and owning it lets
//! the error say exactly what was wrong (a sign, a missing unit, an unknown unit) in the config's terms.

use std::time::Duration;

/// Parses a polling interval. `Ok(None)` means polling is disabled (`"DISABLED"`, any case).
///
/// Accepts one or more `<integer><unit>` parts, spaces allowed around units, e.g. `90s`, `1h30m`,
/// `1d 12h`. Units: `s`/`sec`/`secs`/`second(s)`, `m`/`min`/`mins`/`minute(s)`, `h`/`hr`/`hrs`/`hour(s)`,
/// `d`/`day(s)`, `w`/`week(s)`. Zero, negative, unit-less or overflowing values are errors; the message is a reason
/// without the input, so callers can prefix their own context.
pub(crate) fn parse_duration(s: &str) -> Result<Option<Duration>, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("disabled") {
        return Ok(None);
    }
    if s.is_empty() {
        return Err("is empty; use a duration like \"1h\" or \"DISABLED\"".into());
    }
    let total = parse_span(s)?;
    if total == 0 {
        return Err("must be greater than zero; use \"DISABLED\" to turn polling off".into());
    }
    Ok(Some(Duration::from_secs(total)))
}

/// Parses a span of time in whole seconds: the same grammar as [`parse_duration`] (plus `w`/`week(s)`),
/// zero allowed, no `DISABLED`. Used for ages such as `purge --deleted-before 30d`.
pub(crate) fn parse_span(s: &str) -> Result<u64, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("is empty; use a duration like \"30d\" or \"12h\"".into());
    }
    if s.starts_with('-') {
        return Err("must not be negative".into());
    }
    let mut total: u64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(format!("expected a number at \"{rest}\"; use a duration like \"30s\", \"15m\" or \"1h30m\""));
        }
        let (num, after) = rest.split_at(digits);
        let after = after.trim_start();
        let unit_len = after.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (unit, after) = after.split_at(unit_len);
        let secs_per_unit = match unit.to_ascii_lowercase().as_str() {
            "s" | "sec" | "secs" | "second" | "seconds" => 1,
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600,
            "d" | "day" | "days" => 86_400,
            "w" | "week" | "weeks" => 604_800,
            "" => return Err(format!("\"{num}\" has no unit; use s, m, h, d or w (e.g. \"{num}m\")")),
            other => return Err(format!("unknown unit \"{other}\"; use s, m, h, d or w")),
        };
        let part = num.parse::<u64>().ok().and_then(|n| n.checked_mul(secs_per_unit)).and_then(|p| total.checked_add(p));
        total = part.ok_or_else(|| "is too large".to_string())?;
        rest = after;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: &str) -> u64 {
        parse_duration(s).unwrap().unwrap().as_secs()
    }

    #[test]
    fn simple_units() {
        assert_eq!(secs("30s"), 30);
        assert_eq!(secs("15m"), 900);
        assert_eq!(secs("1h"), 3600);
        assert_eq!(secs("1d"), 86_400);
        assert_eq!(secs("2 hours"), 7200);
    }

    #[test]
    fn combinations() {
        assert_eq!(secs("1h30m"), 5400);
        assert_eq!(secs("1d 12h"), 129_600);
        assert_eq!(secs(" 1m30s "), 90);
    }

    #[test]
    fn disabled_any_case() {
        assert_eq!(parse_duration("DISABLED"), Ok(None));
        assert_eq!(parse_duration("disabled"), Ok(None));
        assert_eq!(parse_duration("Disabled"), Ok(None));
    }

    #[test]
    fn rejects_negative() {
        assert!(parse_duration("-5m").unwrap_err().contains("negative"));
    }

    #[test]
    fn rejects_words_and_missing_units() {
        assert!(parse_duration("soon").unwrap_err().contains("expected a number"));
        assert!(parse_duration("15").unwrap_err().contains("no unit"));
        assert!(parse_duration("5y").unwrap_err().contains("unknown unit"));
        assert!(parse_duration("").is_err());
        assert!(parse_duration("1h-5m").is_err());
    }

    #[test]
    fn rejects_zero_and_overflow() {
        assert!(parse_duration("0s").unwrap_err().contains("greater than zero"));
        assert!(parse_duration("99999999999999999999d").unwrap_err().contains("too large"));
        assert!(parse_duration("999999999999999999d").unwrap_err().contains("too large"));
    }
}

#[cfg(test)]
mod span_tests {
    use super::parse_span;

    #[test]
    fn spans_allow_zero_and_weeks() {
        assert_eq!(parse_span("0s"), Ok(0));
        assert_eq!(parse_span("2w"), Ok(14 * 86_400));
        assert_eq!(parse_span("1d 12h"), Ok(129_600));
        assert!(parse_span("").is_err());
        assert!(parse_span("-1d").is_err());
        assert!(parse_span("10").unwrap_err().contains("no unit"));
        assert!(parse_span("3y").unwrap_err().contains("unknown unit"));
    }
}
