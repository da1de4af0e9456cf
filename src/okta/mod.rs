//! Okta management API client: authentication (SSWS or OAuth 2.0 `private_key_jwt`), pagination
//! (`Link` headers and body-paged lists) as typed streams, adaptive per-bucket rate limiting, retries
//! with jittered backoff, typed errors and call statistics.
//!
//! Layout: `config` (settings; secrets redacted), `org_url` (pure URL validation), `page`
//! (pure `Link` parsing), `limits` (buckets, rate-limit headers, the adaptive limiter), `retry`
//! (pure retry decision), `auth`, `client` (the request loop and streams), `error`, `stats`.
//!
//! Secrets never leave `secrecy` types except to build the `Authorization` header, which is marked
//! sensitive; no log line or error carries a token, key or client assertion.

mod auth;
mod client;
mod config;
mod error;
mod limits;
mod org_url;
mod page;
mod retry;
mod stats;

pub use client::{OktaClient, PolledPage, MAX_RATE_LIMIT_WAITS};
pub use config::{ClientConfig, Credentials, OAuthConfig, DEFAULT_MAX_IN_FLIGHT, DEFAULT_RATE_LIMIT_SHARE, DEFAULT_SCOPES};
pub use error::{parse_error_body, redact_url, ErrorBody, OktaError, TransportKind};
pub use limits::{bucket_for_path, reset_wait, wait_after_429, Bucket, RateLimitHeaders};
pub(crate) use org_url::normalize_org_url;
pub use secrecy::{ExposeSecret, SecretString};
pub(crate) use stats::{BucketStats, ClientStats};
