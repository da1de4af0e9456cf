//! Query-string values for Okta list calls.

use chrono::{DateTime, FixedOffset};

/// Percent-encodes a query parameter value.
pub(crate) fn url_encode(s: &str) -> String {
    // RFC 3986 unreserved characters stay as they are; every other byte is percent-encoded.
    const RESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
    percent_encoding::utf8_percent_encode(s, RESERVED).to_string()
}

/// A time as Okta's `since`/`until` parameters take it: UTC, milliseconds, `Z` (ISO 8601).
pub(super) fn okta_time(t: DateTime<FixedOffset>) -> String {
    t.to_utc().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A filter expression `a eq "x" or a eq "y" ...`, the form Okta's `filter` parameter takes.
pub(super) fn any_of(attribute: &str, values: &[&str]) -> String {
    values.iter().map(|v| format!("{attribute} eq \"{v}\"")).collect::<Vec<_>>().join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_filters_and_times() {
        assert_eq!(url_encode("status eq \"X\""), "status%20eq%20%22X%22");
        assert_eq!(url_encode("a-b_c.d~e"), "a-b_c.d~e");
        let t = DateTime::parse_from_rfc3339("2026-10-01T12:00:00.5+02:00").unwrap();
        assert_eq!(okta_time(t), "2026-10-01T10:00:00.500Z");
        assert_eq!(any_of("eventType", &["a", "b"]), "eventType eq \"a\" or eventType eq \"b\"");
        assert_eq!(any_of("status", &["X"]), "status eq \"X\"");
    }
}
