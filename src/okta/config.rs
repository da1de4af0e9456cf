//! Client configuration. Secrets are `SecretString`s and every `Debug` here redacts them.

use std::fmt;
use std::time::Duration;

use secrecy::SecretString;

/// The read scopes the collector needs.
pub const DEFAULT_SCOPES: &[&str] =
    &["okta.users.read", "okta.groups.read", "okta.apps.read", "okta.roles.read", "okta.logs.read", "okta.orgs.read", "okta.policies.read"];

/// Default share of each Okta rate-limit bucket to use. Okta caps one token at 50 % of a bucket by
/// default (okta-api.md §2), so asking for more only produces 429s.
pub const DEFAULT_RATE_LIMIT_SHARE: f64 = 0.5;
/// Default cap on concurrent Okta requests per account.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 16;

/// How the client authenticates.
#[derive(Clone)]
pub enum Credentials {
    /// An API token, sent as `Authorization: SSWS <token>`.
    Ssws(SecretString),
    /// An OAuth 2.0 service app using client credentials with a `private_key_jwt` assertion.
    OAuth(OAuthConfig),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Ssws(_) => f.write_str("Ssws([REDACTED])"),
            Credentials::OAuth(o) => f.debug_tuple("OAuth").field(o).finish(),
        }
    }
}

/// OAuth 2.0 service-app settings.
#[derive(Clone)]
pub struct OAuthConfig {
    pub client_id: String,
    /// PEM private key: RSA (RS256) or EC P-256 (ES256), PKCS#8 or PKCS#1 (RSA).
    pub private_key_pem: SecretString,
    /// `kid` of the key in the app's JWKS, put in the assertion header when set.
    pub key_id: Option<String>,
    /// Scopes to request; empty means [`DEFAULT_SCOPES`].
    pub scopes: Vec<String>,
}

impl OAuthConfig {
    /// Settings with the default scopes.
    pub fn new(client_id: impl Into<String>, private_key_pem: SecretString) -> Self {
        OAuthConfig {
            client_id: client_id.into(),
            private_key_pem,
            key_id: None,
            scopes: DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl fmt::Debug for OAuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthConfig")
            .field("client_id", &self.client_id)
            .field("private_key_pem", &"[REDACTED]")
            .field("key_id", &self.key_id)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// Everything the client needs. Build with [`ClientConfig::new`] and adjust fields.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The org, as the user typed it (validated by [`super::normalize_org_url`]).
    pub org_url: String,
    pub credentials: Credentials,
    /// Fraction of each rate-limit bucket (as reported by `X-Rate-Limit-Limit`) this client uses.
    pub rate_limit_share: f64,
    /// Maximum concurrent HTTP requests.
    pub max_in_flight: usize,
    /// Timeout of one attempt, including reading the body.
    pub request_timeout: Duration,
    /// Retries after the first attempt for 5xx and transport failures (429s have their own budget).
    pub max_retries: u32,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    pub user_agent: String,
}

impl ClientConfig {
    pub fn new(org_url: impl Into<String>, credentials: Credentials) -> Self {
        ClientConfig {
            org_url: org_url.into(),
            credentials,
            rate_limit_share: DEFAULT_RATE_LIMIT_SHARE,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            request_timeout: Duration::from_secs(60),
            max_retries: super::retry::POLICY.max_retries,
            backoff_base: super::retry::POLICY.base,
            backoff_cap: super::retry::POLICY.cap,
            user_agent: format!("oktagraph/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let c = ClientConfig::new("acme.okta.com", Credentials::Ssws("sekret-token-1".into()));
        let s = format!("{c:?}");
        assert!(!s.contains("sekret-token-1") && s.contains("REDACTED"), "{s}");
        let o = OAuthConfig::new("cid", "-----BEGIN PRIVATE KEY-----sekretkey".into());
        let c = ClientConfig::new("acme.okta.com", Credentials::OAuth(o));
        let s = format!("{c:?} {c:#?}");
        assert!(!s.contains("sekretkey") && s.contains("cid"), "{s}");
    }
}
