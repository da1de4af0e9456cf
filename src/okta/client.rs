//! The client: one GET with rate limiting, retries and typed errors, and the list streams built on it.
//!
//! Layers, in order, for every attempt: rate-limit admission for the bucket (waiting here does not
//! hold an in-flight slot), the in-flight semaphore, the auth header, the request with its timeout.
//! Then the response is classified: 429 → wait for the window (own budget); 5xx, transport
//! failures and truncated JSON → jittered exponential backoff (`retry`); other statuses → typed errors.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::stream::{self, Stream, TryStreamExt};
use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION};
use serde::de::DeserializeOwned;
use tokio::sync::Semaphore;
use url::Url;

use super::auth::Auth;
use super::config::ClientConfig;
use super::error::{redact_url, OktaError, TransportKind};
use super::limits::{bucket_for_path, now_epoch_ms, wait_after_429, Bucket, Limiter, RateLimitHeaders};
use super::org_url::{normalize_org_url, OrgUrl};
use super::page::{resolve_next, BodyPage, HeaderPaged, Page};
use super::retry::{backoff, retry_delay, Failure, RetryPolicy};
use super::stats::{ClientStats, Stats};

/// 429s waited out per request before giving up with [`OktaError::RateLimited`]. Larger than the
/// error budget: a 429 is the server asking us to wait, not a failure.
pub const MAX_RATE_LIMIT_WAITS: u32 = 20;

/// A client for the Okta management API. Cheap to clone; clones share limits, token and stats.
#[derive(Clone, Debug)]
pub struct OktaClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    org: OrgUrl,
    http: reqwest::Client,
    auth: Auth,
    limiter: Limiter,
    slots: Semaphore,
    policy: RetryPolicy,
    stats: Stats,
}

/// The state of a list stream between pages.
enum Next {
    Url(Url),
    Done,
    /// Yield this error next, then end.
    Fail(OktaError),
}

impl Next {
    fn start(url: Result<Url, OktaError>) -> Self {
        match url {
            Ok(u) => Next::Url(u),
            Err(e) => Next::Fail(e),
        }
    }
}

/// How one attempt ended.
enum Outcome<T> {
    Done(T, HeaderMap),
    /// Worth retrying after backoff; carries the error to return if the budget is spent.
    Retry(Failure, OktaError),
    /// The server asked us to wait (429).
    RateLimited(RateLimitHeaders),
    /// 401 with an OAuth token that may have been revoked early: fetch a new one and try again.
    Reauth(Option<u64>, OktaError),
    Fail(OktaError),
}

impl OktaClient {
    /// Validate the configuration (org URL, credentials, private key) and build the client.
    /// Makes no network call.
    pub fn new(config: ClientConfig) -> Result<Self, OktaError> {
        let org = normalize_org_url(&config.org_url)?;
        if config.max_in_flight == 0 {
            return Err(OktaError::Config("max_in_flight must be at least 1".into()));
        }
        if !(config.rate_limit_share > 0.0 && config.rate_limit_share <= 1.0) {
            return Err(OktaError::Config(format!("rate_limit_share must be in (0, 1], got {}", config.rate_limit_share)));
        }
        if config.request_timeout.is_zero() {
            return Err(OktaError::Config("request_timeout must be positive".into()));
        }
        let auth = Auth::new(&config.credentials, &org)?;
        let http = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout.min(Duration::from_secs(30)))
            // Never follow redirects: the Authorization header must go to the org only.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| OktaError::Config(format!("cannot build the HTTP client: {e}")))?;
        let policy = RetryPolicy {
            max_retries: config.max_retries,
            base: config.backoff_base,
            cap: config.backoff_cap.max(config.backoff_base),
            jitter: super::retry::POLICY.jitter,
        };
        Ok(OktaClient {
            inner: Arc::new(Inner {
                org,
                http,
                auth,
                limiter: Limiter::new(config.rate_limit_share),
                slots: Semaphore::new(config.max_in_flight),
                policy,
                stats: Stats::default(),
            }),
        })
    }

    pub fn org(&self) -> &OrgUrl {
        &self.inner.org
    }

    /// GET one JSON document: a single object, or a non-paged array (factors, roles).
    pub async fn get_json<T: DeserializeOwned>(&self, path_and_query: &str) -> Result<T, OktaError> {
        let url = self.inner.url_for(path_and_query)?;
        self.inner.get::<T>(&url).await.map(|(v, _)| v)
    }

    /// Every item of a list paged with `Link: <...>; rel="next"` headers, across all pages.
    pub fn list<T>(&self, path_and_query: &str) -> impl Stream<Item = Result<T, OktaError>> + Send + 'static
    where
        T: DeserializeOwned + Send + 'static,
    {
        self.list_pages::<T>(path_and_query).map_ok(|page| stream::iter(page.into_iter().map(Ok))).try_flatten()
    }

    /// The same as [`OktaClient::list`], one page at a time.
    ///
    /// Stops at the first page without a `next` link, and also at an empty page or a `next` link
    /// that points at the page itself: System Log polling queries always send `next`, even when
    /// caught up, and following it would never end.
    pub fn list_pages<T>(&self, path_and_query: &str) -> impl Stream<Item = Result<Vec<T>, OktaError>> + Send + 'static
    where
        T: DeserializeOwned + Send + 'static,
    {
        self.pages::<HeaderPaged<T>>(path_and_query)
    }

    /// One page of a System Log polling query at `cursor` (a path with its query: the start of the query, or the
    /// path of a `next` link it gave), and the path of the page's own `next` link. A polling query always has
    /// one, even when caught up: the caller decides when to stop, and keeps the last link to go on from later.
    pub async fn poll_page<T>(&self, cursor: &str) -> Result<PolledPage<T>, OktaError>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let url = self.inner.url_for(cursor)?;
        let (page, headers) = self.inner.get::<HeaderPaged<T>>(&url).await?;
        let (items, href) = page.split(&headers);
        let next = match href {
            None => None,
            Some(link) => {
                let next = resolve_next(&url, &link)
                    .map_err(|link| OktaError::ForeignLink { link: redact_str(&link), org: self.inner.org.base.to_string() })?;
                Some(match next.query() {
                    Some(q) => format!("{}?{q}", next.path()),
                    None => next.path().to_string(),
                })
            }
        };
        Ok(PolledPage { items, next })
    }

    /// Every item of a list paged in the body: `{"value":[...],"_links":{"next":{"href":...}}}`
    /// (e.g. `/api/v1/iam/assignees/users`).
    pub fn list_body_paged<T>(&self, path_and_query: &str) -> impl Stream<Item = Result<T, OktaError>> + Send + 'static
    where
        T: DeserializeOwned + Send + 'static,
    {
        self.pages::<BodyPage<T>>(path_and_query).map_ok(|page| stream::iter(page.into_iter().map(Ok))).try_flatten()
    }

    /// The page loop both paging styles share: fetch, split into items and `next`, follow.
    fn pages<P>(&self, path_and_query: &str) -> impl Stream<Item = Result<Vec<P::Item>, OktaError>> + Send + 'static
    where
        P: Page + Send + 'static,
    {
        let inner = self.inner.clone();
        let start = Next::start(inner.url_for(path_and_query));
        stream::try_unfold((inner, start), |(inner, next)| async move {
            let url = match next {
                Next::Done => return Ok(None),
                Next::Fail(e) => return Err(e),
                Next::Url(url) => url,
            };
            let (page, headers) = inner.get::<P>(&url).await?;
            let (items, href) = page.split(&headers);
            let next = inner.follow(&url, href.as_deref(), items.is_empty());
            Ok(Some((items, (inner, next))))
        })
    }

    /// A snapshot of the call counters.
    pub fn stats(&self) -> ClientStats {
        self.inner.stats.snapshot()
    }
}

/// One page of a polling query, from [`OktaClient::poll_page`].
#[derive(Debug)]
pub struct PolledPage<T> {
    pub items: Vec<T>,
    /// The path and query of the page's `next` link.
    pub next: Option<String>,
}

impl Inner {
    /// Turn `/api/v1/...` into a URL on the org; anything that would leave the org is refused.
    fn url_for(&self, path_and_query: &str) -> Result<Url, OktaError> {
        if !path_and_query.starts_with('/') || path_and_query.starts_with("//") {
            return Err(OktaError::Config(format!(
                "request path must start with a single '/', e.g. /api/v1/users; got {path_and_query:?}"
            )));
        }
        let url =
            self.org.base.join(path_and_query).map_err(|e| OktaError::Config(format!("invalid request path {path_and_query:?}: {e}")))?;
        if url.origin() != self.org.base.origin() {
            return Err(OktaError::Config(format!("request path {path_and_query:?} leaves the org")));
        }
        Ok(url)
    }

    /// What to fetch after `current`, given its `next` link. A refused link becomes an error
    /// yielded after the current page's items, so nothing already fetched is lost.
    fn follow(&self, current: &Url, link: Option<&str>, page_empty: bool) -> Next {
        let Some(link) = link else { return Next::Done };
        match resolve_next(current, link) {
            Err(link) => Next::Fail(OktaError::ForeignLink { link: redact_str(&link), org: self.org.base.to_string() }),
            Ok(next) if page_empty || &next == current => Next::Done,
            Ok(next) => Next::Url(next),
        }
    }

    /// GET `url` and decode the body as `T`, with rate limiting and retries.
    async fn get<T: DeserializeOwned>(&self, url: &Url) -> Result<(T, HeaderMap), OktaError> {
        let bucket = bucket_for_path(url.path());
        let shown = redact_url(url);
        let mut retries = 0u32;
        let mut waits = 0u32;
        let mut reauthed = false;
        let mut retry_for: Option<Option<String>> = None;
        let mut first = true;
        loop {
            if !first {
                self.stats.retry(bucket);
            }
            first = false;
            let outcome = self.attempt::<T>(url, &shown, bucket, retry_for.as_ref().map(|id| (id.as_deref(), waits))).await;
            let (failure, err) = match outcome {
                Outcome::Done(v, h) => return Ok((v, h)),
                Outcome::Fail(e) => {
                    self.stats.error(bucket);
                    return Err(e);
                }
                Outcome::Reauth(generation, e) => {
                    if !reauthed && self.auth.invalidate(generation).await {
                        reauthed = true;
                        continue;
                    }
                    self.stats.error(bucket);
                    return Err(e);
                }
                Outcome::RateLimited(h) => {
                    self.stats.rate_limited(bucket);
                    if waits >= MAX_RATE_LIMIT_WAITS {
                        self.stats.error(bucket);
                        return Err(OktaError::RateLimited { url: shown, attempts: waits });
                    }
                    let wait = match wait_after_429(&h, now_epoch_ms()) {
                        Some(w) => {
                            self.limiter.rate_limited(bucket, &h, w);
                            w
                        }
                        // Concurrency 429 or no reset information: back off with jitter.
                        None => backoff(waits, &self.policy, rand::random::<f64>()),
                    };
                    waits += 1;
                    retry_for = Some(h.request_id);
                    tracing::debug!(url = %shown, bucket = %bucket, wait_ms = wait.as_millis() as u64, waits, concurrency = h.limit == Some(0), "429 received; waiting");
                    let t0 = Instant::now();
                    tokio::time::sleep(wait).await;
                    self.stats.waited(bucket, t0.elapsed());
                    continue;
                }
                Outcome::Retry(f, e) => (f, e),
            };
            match retry_delay(failure, retries, &self.policy, rand::random::<f64>()) {
                Some(delay) => {
                    retries += 1;
                    tracing::debug!(url = %shown, bucket = %bucket, ?failure, retries, delay_ms = delay.as_millis() as u64, "retrying");
                    tokio::time::sleep(delay).await;
                }
                None => {
                    self.stats.error(bucket);
                    return Err(match err {
                        OktaError::Transport { url, kind, message, .. } => {
                            OktaError::Transport { url, kind, message, attempts: retries + 1 }
                        }
                        other => other,
                    });
                }
            }
        }
    }

    /// One HTTP attempt. `retry_of_429` is `(X-Okta-Retry-For, X-Okta-Retry-Count)` when this
    /// retries a 429.
    async fn attempt<T: DeserializeOwned>(
        &self,
        url: &Url,
        shown: &str,
        bucket: Bucket,
        retry_of_429: Option<(Option<&str>, u32)>,
    ) -> Outcome<T> {
        let t0 = Instant::now();
        let _admitted = self.limiter.acquire(bucket).await;
        let waited = t0.elapsed();
        if waited >= Duration::from_millis(1) {
            self.stats.waited(bucket, waited);
        }
        let _slot = self.slots.acquire().await.expect("the in-flight semaphore is never closed");
        let auth = match self.auth.header(&self.http, &self.policy, &self.stats).await {
            Ok(a) => a,
            Err(e) => return Outcome::Fail(e),
        };
        let mut req = self.http.get(url.clone()).header(AUTHORIZATION, auth.value).header(ACCEPT, "application/json");
        if let Some((retry_for, count)) = retry_of_429 {
            if let Some(id) = retry_for {
                req = req.header("X-Okta-Retry-For", id);
            }
            req = req.header("X-Okta-Retry-Count", count.to_string());
        }
        self.stats.request(bucket);
        let path = url.path();
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => {
                let kind = transport_kind(&e);
                tracing::debug!(method = "GET", path, bucket = %bucket, error = %kind, "request failed");
                return Outcome::Retry(Failure::Transport(kind), self.transport_error(shown, kind, e));
            }
        };
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let rl = RateLimitHeaders::from_headers(&headers);
        self.limiter.observe(bucket, &rl);
        tracing::debug!(
            method = "GET",
            path,
            status,
            bucket = %bucket,
            remaining = rl.remaining,
            limit = rl.limit,
            "okta request"
        );
        if status == 429 {
            return Outcome::RateLimited(rl);
        }
        let body: Bytes = match resp.bytes().await {
            Ok(b) => b,
            Err(e) => {
                let kind = transport_kind(&e);
                return Outcome::Retry(Failure::Transport(kind), self.transport_error(shown, kind, e));
            }
        };
        if (200..300).contains(&status) {
            return match decode::<T>(&body, shown) {
                Ok(v) => Outcome::Done(v, headers),
                Err(DecodeFailure::Truncated(message)) => Outcome::Retry(
                    Failure::Transport(TransportKind::TruncatedBody),
                    OktaError::Transport { url: shown.to_owned(), kind: TransportKind::TruncatedBody, message, attempts: 1 },
                ),
                Err(DecodeFailure::Shape(e)) => Outcome::Fail(e),
            };
        }
        let err = OktaError::from_status(status, &body, shown.to_owned());
        let failure = Failure::Status(status);
        if status == 401 {
            Outcome::Reauth(auth.generation, err)
        } else if super::retry::is_retryable(failure) {
            Outcome::Retry(failure, err)
        } else {
            Outcome::Fail(err)
        }
    }

    fn transport_error(&self, shown: &str, kind: TransportKind, e: reqwest::Error) -> OktaError {
        OktaError::Transport { url: shown.to_owned(), kind, message: error_chain(e), attempts: 1 }
    }
}

enum DecodeFailure {
    /// Not JSON at all, or cut off: worth another try.
    Truncated(String),
    /// Valid JSON of the wrong shape: retrying will not help.
    Shape(OktaError),
}

/// Nesting kept when a body is deeper than serde_json's recursion limit (128); deeper values become `null`.
const MAX_JSON_DEPTH: usize = 100;

fn decode<T: DeserializeOwned>(body: &[u8], shown: &str) -> Result<T, DecodeFailure> {
    match decode_exact(body, shown) {
        // A profile nested deeper than the parser allows is hostile data, not a broken response: keep the
        // rest of the page (nothing that deep is stored anyway) instead of failing the whole list.
        Err(DecodeFailure::Truncated(m)) if m.contains("recursion limit exceeded") => {
            decode_exact(&flatten_deep_json(body, MAX_JSON_DEPTH), shown)
        }
        r => r,
    }
}

/// Replaces every value nested deeper than `max` with `null`, leaving the rest of the document as it is.
fn flatten_deep_json(body: &[u8], max: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut skip_from: Option<usize> = None; // depth at which skipping started
    for &b in body {
        if in_string {
            if skip_from.is_none() {
                out.push(b);
            }
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max && skip_from.is_none() {
                    skip_from = Some(depth);
                    out.extend_from_slice(b"null");
                }
            }
            b'}' | b']' => {
                let closing = skip_from == Some(depth);
                depth = depth.saturating_sub(1);
                if closing {
                    skip_from = None;
                    continue;
                }
            }
            _ => {}
        }
        if skip_from.is_none() {
            out.push(b);
        }
    }
    out
}

fn decode_exact<T: DeserializeOwned>(body: &[u8], shown: &str) -> Result<T, DecodeFailure> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                DecodeFailure::Shape(OktaError::Decode { url: shown.to_owned(), path, message: inner.to_string() })
            }
            _ => DecodeFailure::Truncated(format!("invalid JSON at `{path}`: {inner}")),
        }
    })?;
    de.end().map_err(|e| DecodeFailure::Truncated(format!("trailing data after the JSON document: {e}")))?;
    Ok(value)
}

/// Classify a reqwest error for the retry decision.
pub(crate) fn transport_kind(e: &reqwest::Error) -> TransportKind {
    if e.is_timeout() {
        TransportKind::Timeout
    } else if e.is_connect() {
        TransportKind::Connect
    } else if e.is_builder() || e.is_redirect() || e.is_status() {
        TransportKind::Other
    } else {
        // Request/body/decode errors: reset connections, closed sockets, incomplete bodies.
        TransportKind::Interrupted
    }
}

/// The error and its sources, without the URL (the caller adds a redacted one).
fn error_chain(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

fn redact_str(link: &str) -> String {
    Url::parse(link).map(|u| redact_url(&u)).unwrap_or_else(|_| "<unparsable link>".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::okta::{ClientConfig, Credentials};

    fn client() -> OktaClient {
        OktaClient::new(ClientConfig::new("https://acme.okta.com", Credentials::Ssws("t".into()))).unwrap()
    }

    #[test]
    fn request_paths_stay_on_the_org() {
        let c = client();
        assert_eq!(c.inner.url_for("/api/v1/users?limit=2").unwrap().as_str(), "https://acme.okta.com/api/v1/users?limit=2");
        assert!(c.inner.url_for("api/v1/users").is_err());
        assert!(c.inner.url_for("//evil.example.com/x").is_err());
        assert!(c.inner.url_for("https://evil.example.com/x").is_err());
    }

    #[test]
    fn config_validation() {
        let mut cfg = ClientConfig::new("https://acme.okta.com", Credentials::Ssws("t".into()));
        cfg.max_in_flight = 0;
        assert!(OktaClient::new(cfg.clone()).is_err());
        cfg.max_in_flight = 1;
        cfg.rate_limit_share = 0.0;
        assert!(OktaClient::new(cfg.clone()).is_err());
        cfg.rate_limit_share = 1.0;
        assert!(OktaClient::new(cfg).is_ok());
    }

    #[test]
    fn decode_survives_nesting_deeper_than_the_parser_limit() {
        let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
        let body = format!(r#"[{{"id":"a","deep":{deep},"s":"x]\"[{{"}},{{"id":"b"}}]"#);
        let Ok(r) = decode::<Vec<serde_json::Value>>(body.as_bytes(), "u") else { panic!("decodes") };
        assert_eq!(r.len(), 2);
        assert_eq!(r[0]["s"], "x]\"[{");
        assert_eq!(r[1]["id"], "b");
        assert!(matches!(decode::<Vec<serde_json::Value>>(&body.as_bytes()[..40], "u"), Err(DecodeFailure::Truncated(_))));
    }

    #[test]
    fn decode_distinguishes_truncation_from_shape() {
        let r = decode::<Vec<serde_json::Value>>(br#"[{"id":1},{"id""#, "u");
        assert!(matches!(r, Err(DecodeFailure::Truncated(_))));
        let r = decode::<Vec<serde_json::Value>>(b"", "u");
        assert!(matches!(r, Err(DecodeFailure::Truncated(_))));
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct U {
            id: String,
        }
        match decode::<Vec<U>>(br#"[{"id":"a"},{"id":5}]"#, "https://acme.okta.com/api/v1/users") {
            Err(DecodeFailure::Shape(OktaError::Decode { path, url, .. })) => {
                assert_eq!(path, "[1].id");
                assert_eq!(url, "https://acme.okta.com/api/v1/users");
            }
            _ => panic!("expected a shape error"),
        }
    }

    #[test]
    fn client_is_send_sync_and_streams_are_send_static() {
        fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
        fn assert_stream<S: Stream + Send + 'static>(_: S) {}
        assert_send_sync::<OktaClient>();
        let c = client();
        assert_stream(c.list::<serde_json::Value>("/api/v1/users"));
        assert_stream(c.list_pages::<serde_json::Value>("/api/v1/users"));
        assert_stream(c.list_body_paged::<serde_json::Value>("/api/v1/iam/assignees/users"));
        fn assert_send<F: std::future::Future + Send>(_: F) {}
        assert_send(c.get_json::<serde_json::Value>("/api/v1/org"));
    }
}
