//! Authorization headers: SSWS API tokens, and OAuth 2.0 client credentials with a
//! `private_key_jwt` assertion, with the access token cached and renewed before it expires.
//!
//! Single flight: the cache sits behind an async mutex that is held while a token is fetched, so
//! concurrent requests that find no valid token queue behind one fetch and then reuse its result.

use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use url::Url;

use super::config::{Credentials, OAuthConfig, DEFAULT_SCOPES};
use super::error::OktaError;
use super::org_url::OrgUrl;
use super::retry::{retry_delay, Failure, RetryPolicy};
use super::stats::Stats;

/// Renew this long before the token expires.
const RENEW_BEFORE: Duration = Duration::from_secs(5 * 60);
/// Lifetime of the client assertion.
const ASSERTION_LIFETIME_SECS: i64 = 5 * 60;

pub(crate) enum Auth {
    Ssws(HeaderValue),
    OAuth(Box<OAuthState>),
}

pub(crate) struct OAuthState {
    client_id: String,
    key: EncodingKey,
    alg: Algorithm,
    kid: Option<String>,
    scope: String,
    token_url: Url,
    cache: tokio::sync::Mutex<Option<CachedToken>>,
}

struct CachedToken {
    header: HeaderValue,
    renew_at: Instant,
    generation: u64,
}

/// The header to send and which token generation it is (to invalidate exactly that one on 401).
pub(crate) struct AuthHeader {
    pub value: HeaderValue,
    pub generation: Option<u64>,
}

#[derive(Serialize)]
struct AssertionClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    iat: i64,
    exp: i64,
    jti: String,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct TokenError {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
}

fn sensitive_header(scheme: &str, token: &str) -> Result<HeaderValue, OktaError> {
    let mut v = HeaderValue::from_str(&format!("{scheme} {token}"))
        .map_err(|_| OktaError::Config(format!("the {scheme} token contains characters not allowed in a header")))?;
    // Hyper and reqwest print sensitive values as "Sensitive" in Debug output.
    v.set_sensitive(true);
    Ok(v)
}

impl Auth {
    pub(crate) fn new(credentials: &Credentials, org: &OrgUrl) -> Result<Self, OktaError> {
        match credentials {
            Credentials::Ssws(token) => {
                let t = token.expose_secret().trim();
                if t.is_empty() {
                    return Err(OktaError::Config("the SSWS API token is empty".into()));
                }
                Ok(Auth::Ssws(sensitive_header("SSWS", t)?))
            }
            Credentials::OAuth(cfg) => Ok(Auth::OAuth(Box::new(OAuthState::new(cfg, org)?))),
        }
    }

    pub(crate) async fn header(&self, http: &reqwest::Client, policy: &RetryPolicy, stats: &Stats) -> Result<AuthHeader, OktaError> {
        match self {
            Auth::Ssws(v) => Ok(AuthHeader { value: v.clone(), generation: None }),
            Auth::OAuth(o) => o.header(http, policy, stats).await,
        }
    }

    /// Forget the token of `generation` after a 401, so the next call fetches a new one.
    /// Returns whether a retry with a new token makes sense.
    pub(crate) async fn invalidate(&self, generation: Option<u64>) -> bool {
        match (self, generation) {
            (Auth::OAuth(o), Some(g)) => {
                let mut cache = o.cache.lock().await;
                if cache.as_ref().is_some_and(|c| c.generation == g) {
                    *cache = None;
                }
                true
            }
            _ => false,
        }
    }
}

impl OAuthState {
    fn new(cfg: &OAuthConfig, org: &OrgUrl) -> Result<Self, OktaError> {
        if cfg.client_id.trim().is_empty() {
            return Err(OktaError::Config("the OAuth client_id is empty".into()));
        }
        let pem = cfg.private_key_pem.expose_secret().as_bytes();
        // PKCS#8 PEMs name their algorithm by OID, so trying RSA first then EC is unambiguous.
        let (key, alg) = if let Ok(k) = EncodingKey::from_rsa_pem(pem) {
            (k, Algorithm::RS256)
        } else if let Ok(k) = EncodingKey::from_ec_pem(pem) {
            (k, Algorithm::ES256)
        } else {
            return Err(OktaError::Config(
                "the OAuth private key is not a PEM-encoded RSA or EC private key (expected \
                 -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)"
                    .into(),
            ));
        };
        let token_url = org.base.join("oauth2/v1/token").map_err(|e| OktaError::Config(format!("cannot build the token URL: {e}")))?;
        let scopes: Vec<&str> =
            if cfg.scopes.is_empty() { DEFAULT_SCOPES.to_vec() } else { cfg.scopes.iter().map(String::as_str).collect() };
        let state = OAuthState {
            client_id: cfg.client_id.clone(),
            key,
            alg,
            kid: cfg.key_id.clone(),
            scope: scopes.join(" "),
            token_url,
            cache: tokio::sync::Mutex::new(None),
        };
        // The PEM wrapper parsed, but the key material is only checked when signing: sign once
        // now so a broken key is a configuration error at construction, not at the first call.
        state.assertion().map_err(|_| {
            OktaError::Config(format!(
                "the OAuth private key cannot sign {:?} assertions (RSA keys sign RS256, EC keys must be P-256 for ES256)",
                alg
            ))
        })?;
        Ok(state)
    }

    fn assertion(&self) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp();
        let claims = AssertionClaims {
            iss: &self.client_id,
            sub: &self.client_id,
            aud: self.token_url.as_str(),
            iat: now,
            exp: now + ASSERTION_LIFETIME_SECS,
            jti: uuid::Uuid::new_v4().to_string(),
        };
        let mut header = Header::new(self.alg);
        header.kid = self.kid.clone();
        jsonwebtoken::encode(&header, &claims, &self.key)
    }

    async fn header(&self, http: &reqwest::Client, policy: &RetryPolicy, stats: &Stats) -> Result<AuthHeader, OktaError> {
        let mut cache = self.cache.lock().await;
        if let Some(c) = cache.as_ref() {
            if Instant::now() < c.renew_at {
                return Ok(AuthHeader { value: c.header.clone(), generation: Some(c.generation) });
            }
        }
        let generation = cache.as_ref().map_or(0, |c| c.generation + 1);
        let (token, expires_in) = self.fetch(http, policy, stats).await?;
        let header = sensitive_header("Bearer", token.expose_secret())?;
        let renew_in = renew_after(expires_in);
        *cache = Some(CachedToken { header: header.clone(), renew_at: Instant::now() + renew_in, generation });
        tracing::debug!(expires_in_s = expires_in.as_secs(), "obtained an OAuth access token");
        Ok(AuthHeader { value: header, generation: Some(generation) })
    }

    async fn fetch(&self, http: &reqwest::Client, policy: &RetryPolicy, stats: &Stats) -> Result<(SecretString, Duration), OktaError> {
        let mut retries = 0;
        loop {
            let assertion = self.assertion().map_err(|e| OktaError::Config(format!("cannot sign the OAuth client assertion: {e}")))?;
            let form = [
                ("grant_type", "client_credentials"),
                ("scope", self.scope.as_str()),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", assertion.as_str()),
            ];
            stats.token_request();
            let failure = match http.post(self.token_url.clone()).form(&form).send().await {
                Err(e) => Failure::Transport(super::client::transport_kind(&e)),
                Ok(resp) => {
                    let status = resp.status();
                    match resp.bytes().await {
                        Err(e) => Failure::Transport(super::client::transport_kind(&e)),
                        Ok(body) if status.is_success() => return parse_token(&body),
                        Ok(_) if status.is_server_error() || status.as_u16() == 429 => Failure::Status(status.as_u16()),
                        Ok(body) => {
                            let err: TokenError =
                                serde_json::from_slice(&body).unwrap_or(TokenError { error: None, error_description: None });
                            return Err(OktaError::OAuth {
                                status: Some(status.as_u16()),
                                error: err.error.unwrap_or_else(|| "token request refused".into()),
                                description: err.error_description,
                            });
                        }
                    }
                }
            };
            let jitter = rand::random::<f64>();
            match retry_delay(failure, retries, policy, jitter) {
                Some(d) => {
                    retries += 1;
                    tracing::debug!(?failure, delay_ms = d.as_millis() as u64, "retrying the OAuth token request");
                    tokio::time::sleep(d).await;
                }
                None => {
                    let (status, error) = match failure {
                        Failure::Status(s) => (Some(s), format!("token endpoint answered {s}")),
                        Failure::Transport(k) => (None, format!("token endpoint unreachable ({k})")),
                    };
                    return Err(OktaError::OAuth { status, error, description: None });
                }
            }
        }
    }
}

/// When to fetch a new token: 5 minutes before expiry, or half-way for tokens that live less
/// than 10 minutes.
fn renew_after(expires_in: Duration) -> Duration {
    if expires_in > RENEW_BEFORE * 2 {
        expires_in - RENEW_BEFORE
    } else {
        expires_in / 2
    }
}

fn parse_token(body: &[u8]) -> Result<(SecretString, Duration), OktaError> {
    // Never echo the body or serde's message: either could contain the token.
    let t: TokenResponse = serde_json::from_slice(body).map_err(|_| OktaError::OAuth {
        status: Some(200),
        error: "the token response is not the expected JSON (access_token, expires_in)".into(),
        description: None,
    })?;
    if let Some(tt) = t.token_type.as_deref() {
        if !tt.eq_ignore_ascii_case("bearer") {
            return Err(OktaError::OAuth {
                status: Some(200),
                error: format!("unsupported token_type {tt:?} (only Bearer is supported; DPoP is not)"),
                description: None,
            });
        }
    }
    let expires_in = Duration::from_secs(t.expires_in.unwrap_or(3600));
    Ok((SecretString::from(t.access_token), expires_in))
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Ssws(_) => f.write_str("Ssws([REDACTED])"),
            Auth::OAuth(o) => f
                .debug_struct("OAuth")
                .field("client_id", &o.client_id)
                .field("alg", &o.alg)
                .field("kid", &o.kid)
                .field("scope", &o.scope)
                .field("token_url", &o.token_url.as_str())
                .field("key", &"[REDACTED]")
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::okta::normalize_org_url;

    fn oauth(pem: &str) -> Result<Auth, OktaError> {
        let org = normalize_org_url("https://acme.okta.com").unwrap();
        Auth::new(&Credentials::OAuth(OAuthConfig::new("cid", pem.into())), &org)
    }

    #[test]
    fn picks_the_algorithm_from_the_key() {
        let rsa = include_str!("../../tests/fixtures/okta/rsa_private.pem");
        let ec = include_str!("../../tests/fixtures/okta/ec_private.pem");
        match oauth(rsa).unwrap() {
            Auth::OAuth(o) => assert_eq!(o.alg, Algorithm::RS256),
            _ => unreachable!(),
        }
        match oauth(ec).unwrap() {
            Auth::OAuth(o) => assert_eq!(o.alg, Algorithm::ES256),
            _ => unreachable!(),
        }
    }

    #[test]
    fn bad_keys_are_config_errors_without_the_key() {
        for pem in ["", "not a key", "-----BEGIN PRIVATE KEY-----\nAAAAsecretstuff\n-----END PRIVATE KEY-----\n"] {
            let e = oauth(pem).unwrap_err();
            assert!(matches!(e, OktaError::Config(_)), "{e:?}");
            assert!(!e.to_string().contains("secretstuff"));
        }
        let rsa_pub = include_str!("../../tests/fixtures/okta/rsa_public.pem");
        assert!(matches!(oauth(rsa_pub).unwrap_err(), OktaError::Config(_)));
    }

    #[test]
    fn empty_ssws_token_is_rejected_and_debug_redacts() {
        let org = normalize_org_url("https://acme.okta.com").unwrap();
        assert!(Auth::new(&Credentials::Ssws("  ".into()), &org).is_err());
        let a = Auth::new(&Credentials::Ssws("tok-123".into()), &org).unwrap();
        assert!(!format!("{a:?}").contains("tok-123"));
    }

    #[test]
    fn tokens_are_renewed_five_minutes_early() {
        assert_eq!(renew_after(Duration::from_secs(3600)), Duration::from_secs(3300));
        assert_eq!(renew_after(Duration::from_secs(601)), Duration::from_secs(301));
        assert_eq!(renew_after(Duration::from_secs(300)), Duration::from_secs(150));
        assert_eq!(renew_after(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn token_response_parsing() {
        let (t, d) = parse_token(br#"{"token_type":"Bearer","expires_in":3600,"access_token":"abc","scope":"x"}"#).unwrap();
        assert_eq!(t.expose_secret(), "abc");
        assert_eq!(d, Duration::from_secs(3600));
        let e = parse_token(br#"{"token_type":"Bearer","access_token":7}"#).unwrap_err();
        assert!(e.is_auth());
        assert!(parse_token(br#"{"token_type":"DPoP","access_token":"abc"}"#).is_err());
    }
}
