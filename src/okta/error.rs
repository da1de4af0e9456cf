//! The error type of the Okta client, and parsing of Okta's error envelope.
//!
//! Every variant carries the URL it concerns, already redacted (see [`redact_url`]), so an error can
//! be printed or logged as is. Tokens and keys never reach an error: the client never puts a header
//! or a token response body into one.

use serde_json::Value;

/// Errors from the Okta API client.
#[derive(Debug, thiserror::Error)]
pub enum OktaError {
    /// 401: the token is invalid, expired or revoked (Okta `E0000011`).
    #[error("Okta rejected the credentials (401{}) for {url}: {}", code_suffix(error_code), error_summary)]
    Unauthorized { url: String, error_code: Option<String>, error_summary: String, error_id: Option<String> },
    /// 403: the token lacks the permission (Okta `E0000006`). Steps may degrade on this.
    #[error("Okta denied permission (403{}) for {url}: {}", code_suffix(error_code), error_summary)]
    Forbidden { url: String, error_code: Option<String>, error_summary: String, error_id: Option<String> },
    /// 404: the object does not exist (Okta `E0000007`), e.g. deleted mid-sync.
    #[error("Okta object not found (404{}) at {url}: {}", code_suffix(error_code), error_summary)]
    NotFound { url: String, error_code: Option<String>, error_summary: String, error_id: Option<String> },
    /// Still rate limited (429) after the client's budget of waits was spent.
    #[error("Okta rate limit still exceeded for {url} after {attempts} waits")]
    RateLimited { url: String, attempts: u32 },
    /// Any other non-success answer from Okta.
    #[error("Okta API error {status}{} for {url}: {}", code_suffix(error_code), error_summary)]
    Api { status: u16, error_code: Option<String>, error_summary: String, error_id: Option<String>, url: String },
    /// The request did not complete: unreachable host, timeout, connection reset, cut-off body.
    #[error("request to {url} failed ({kind}) after {attempts} attempt(s): {message}")]
    Transport { url: String, kind: TransportKind, message: String, attempts: u32 },
    /// A response body did not have the expected shape.
    #[error("could not decode the response of {url} at `{path}`: {message}")]
    Decode { url: String, path: String, message: String },
    /// Invalid configuration (org URL, private key, request path ...).
    #[error("invalid Okta client configuration: {0}")]
    Config(String),
    /// The OAuth token endpoint refused or failed to issue an access token.
    #[error("Okta OAuth token request failed{}: {error}{}", status.map(|s| format!(" ({s})")).unwrap_or_default(), description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    OAuth { status: Option<u16>, error: String, description: Option<String> },
    /// A `next` link pointed away from the org; following it would send the token elsewhere.
    #[error("refusing to follow a pagination link to another origin: {link} (org is {org})")]
    ForeignLink { link: String, org: String },
}

fn code_suffix(code: &Option<String>) -> String {
    code.as_deref().map(|c| format!(", {c}")).unwrap_or_default()
}

/// What kind of transport failure happened; drives the retry decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TransportKind {
    /// The request (or its body) took longer than the configured timeout.
    Timeout,
    /// Could not connect (refused, DNS, TLS handshake).
    Connect,
    /// The connection broke while sending or receiving: reset, closed, incomplete body.
    Interrupted,
    /// A 200 body that is not valid JSON (usually a truncated page).
    TruncatedBody,
    /// Anything else reqwest reports (builder errors, redirects...).
    Other,
}

impl std::fmt::Display for TransportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TransportKind::Timeout => "timeout",
            TransportKind::Connect => "connect",
            TransportKind::Interrupted => "connection interrupted",
            TransportKind::TruncatedBody => "truncated body",
            TransportKind::Other => "other",
        })
    }
}

impl OktaError {
    /// 403: the caller may degrade ("roles unknown") instead of failing.
    pub fn is_forbidden(&self) -> bool {
        matches!(self, OktaError::Forbidden { .. })
    }

    /// 404: the object vanished (or never existed).
    pub fn is_not_found(&self) -> bool {
        matches!(self, OktaError::NotFound { .. })
    }

    /// An authentication failure: 401 from the API or a failed OAuth token request.
    pub fn is_auth(&self) -> bool {
        matches!(self, OktaError::Unauthorized { .. } | OktaError::OAuth { .. })
    }

    /// The Okta `errorCode` (e.g. `E0000007`), when the server sent one.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            OktaError::Unauthorized { error_code, .. }
            | OktaError::Forbidden { error_code, .. }
            | OktaError::NotFound { error_code, .. }
            | OktaError::Api { error_code, .. } => error_code.as_deref(),
            _ => None,
        }
    }

    /// Build the typed error for a non-success, non-429 status with its (possibly odd) body.
    pub(crate) fn from_status(status: u16, body: &[u8], url: String) -> OktaError {
        let parsed = parse_error_body(body);
        let error_summary = parsed.summary.unwrap_or_else(|| fallback_summary(status, body));
        let error_code = parsed.code;
        let error_id = parsed.id;
        match status {
            401 => OktaError::Unauthorized { url, error_code, error_summary, error_id },
            403 => OktaError::Forbidden { url, error_code, error_summary, error_id },
            404 => OktaError::NotFound { url, error_code, error_summary, error_id },
            _ => OktaError::Api { status, error_code, error_summary, error_id, url },
        }
    }
}

/// The useful parts of Okta's error envelope
/// (`{"errorCode","errorSummary","errorLink","errorId","errorCauses"}`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: Option<String>,
    pub summary: Option<String>,
    pub id: Option<String>,
    /// `errorCauses[].errorSummary`, whether `errorCauses` is an array or a single object.
    pub causes: Vec<String>,
}

/// Parse an error body leniently: non-JSON, missing fields, `errorCauses` as an object or an array
/// all yield whatever could be found, never an error.
pub fn parse_error_body(body: &[u8]) -> ErrorBody {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return ErrorBody::default();
    };
    let text = |k: &str| match map.get(k) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let cause_text = |v: &Value| match v {
        Value::Object(o) => o.get("errorSummary").and_then(Value::as_str).map(str::to_owned),
        Value::String(s) => Some(s.clone()),
        _ => None,
    };
    let causes = match map.get("errorCauses") {
        Some(Value::Array(items)) => items.iter().filter_map(cause_text).collect(),
        Some(v @ Value::Object(_)) => cause_text(v).into_iter().collect(),
        _ => Vec::new(),
    };
    let mut summary = text("errorSummary");
    if !causes.is_empty() {
        let joined = causes.join("; ");
        summary = Some(match summary {
            Some(s) => format!("{s} ({joined})"),
            None => joined,
        });
    }
    ErrorBody { code: text("errorCode"), summary, id: text("errorId"), causes }
}

/// Summary for a body that is not an Okta envelope: the start of the text, or the status reason.
fn fallback_summary(status: u16, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() || text.starts_with('{') || text.starts_with('<') {
        return reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("unknown error").to_owned();
    }
    text.chars().take(200).collect()
}

/// Query parameter names whose values are never shown in errors or logs.
const SECRET_PARAMS: &[&str] =
    &["token", "access_token", "client_assertion", "client_secret", "password", "secret", "api_key", "apikey", "key"];

/// The URL as safe to print: no userinfo, and values of secret-looking query parameters replaced.
pub fn redact_url(url: &url::Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    if u.query().is_some() {
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let secret = SECRET_PARAMS.iter().any(|s| k.eq_ignore_ascii_case(s));
                (k.into_owned(), if secret { "REDACTED".to_owned() } else { v.into_owned() })
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    u.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_standard_envelope() {
        let body = br#"{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: x (User)","errorLink":"E0000007","errorId":"oaetx9g","errorCauses":[]}"#;
        let e = parse_error_body(body);
        assert_eq!(e.code.as_deref(), Some("E0000007"));
        assert_eq!(e.summary.as_deref(), Some("Not found: Resource not found: x (User)"));
        assert_eq!(e.id.as_deref(), Some("oaetx9g"));
        assert!(e.causes.is_empty());
    }

    #[test]
    fn error_causes_as_object_or_array_and_no_error_link() {
        let obj =
            br#"{"errorCode":"E0000001","errorSummary":"Api validation failed","errorCauses":{"errorSummary":"login: already exists"}}"#;
        let e = parse_error_body(obj);
        assert_eq!(e.causes, vec!["login: already exists"]);
        assert_eq!(e.summary.as_deref(), Some("Api validation failed (login: already exists)"));

        let arr = br#"{"errorCode":"E0000001","errorSummary":"bad","errorCauses":[{"errorSummary":"a"},{"errorSummary":"b"}]}"#;
        assert_eq!(parse_error_body(arr).causes, vec!["a", "b"]);
    }

    #[test]
    fn non_json_and_empty_bodies() {
        assert_eq!(parse_error_body(b"<html>502 Bad Gateway</html>"), ErrorBody::default());
        assert_eq!(parse_error_body(b""), ErrorBody::default());
        assert_eq!(parse_error_body(b"[1,2]"), ErrorBody::default());
        let e = OktaError::from_status(502, b"<html>oops</html>", "u".into());
        assert!(e.to_string().contains("Bad Gateway"), "{e}");
        let e = OktaError::from_status(500, b"upstream timed out", "u".into());
        assert!(e.to_string().contains("upstream timed out"), "{e}");
    }

    #[test]
    fn typed_statuses() {
        let e = OktaError::from_status(403, br#"{"errorCode":"E0000006","errorSummary":"You do not have permission"}"#, "u".into());
        assert!(e.is_forbidden() && !e.is_not_found() && !e.is_auth());
        assert_eq!(e.error_code(), Some("E0000006"));
        assert!(OktaError::from_status(404, b"", "u".into()).is_not_found());
        assert!(OktaError::from_status(401, b"", "u".into()).is_auth());
        assert!(matches!(OktaError::from_status(400, b"{}", "u".into()), OktaError::Api { status: 400, .. }));
    }

    #[test]
    fn redacts_secret_query_params_and_userinfo() {
        let u = url::Url::parse("https://me:pw@acme.okta.com/x?limit=2&access_token=abc&after=z").unwrap();
        let r = redact_url(&u);
        assert_eq!(r, "https://acme.okta.com/x?limit=2&access_token=REDACTED&after=z");
    }
}
