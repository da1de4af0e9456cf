//! Okta rate-limit buckets, header parsing, the 429 wait formula (all pure), and the adaptive
//! per-bucket limiter.
//!
//! Why not `governor`: a governor quota is fixed at construction, while Okta tells us the real
//! budget (`X-Rate-Limit-Limit/Remaining/Reset`) on every response and the window is anchored to
//! Okta's clock, not ours. Rebuilding a GCRA limiter per response would still pace against a
//! guessed window. Instead each bucket keeps the last reported window and admits a request only
//! while `remaining - reserve - in_flight > 0`, where `reserve` is the part of the bucket we leave
//! to others (`1 - rate_limit_share`). When the share is used up, requests wait until the window
//! resets. Bursting inside the budget keeps a bucket busy; waiting at the edge means `Remaining`
//! never reaches 0 on our account, so 429s only come from traffic we cannot see.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use serde::Serialize;
use tokio::sync::Notify;

/// Okta's rate-limit buckets, as far as a read-only collector cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    Users,
    Groups,
    Apps,
    Logs,
    Other,
}

impl Bucket {
    pub const ALL: [Bucket; 5] = [Bucket::Users, Bucket::Groups, Bucket::Apps, Bucket::Logs, Bucket::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Users => "users",
            Bucket::Groups => "groups",
            Bucket::Apps => "apps",
            Bucket::Logs => "logs",
            Bucket::Other => "other",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The bucket a request path counts against: `/api/v1/apps*` → Apps, `/api/v1/users*` → Users,
/// `/api/v1/groups*` → Groups, `/api/v1/logs*` → Logs, anything else → Other. A query string is
/// ignored; matching is per path segment (`/api/v1/usersettings` is not Users).
pub fn bucket_for_path(path: &str) -> Bucket {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let Some(rest) = path.strip_prefix("/api/v1/") else {
        return Bucket::Other;
    };
    let first = rest.split('/').next().unwrap_or_default();
    match first {
        "apps" => Bucket::Apps,
        "users" => Bucket::Users,
        "groups" => Bucket::Groups,
        "logs" => Bucket::Logs,
        _ => Bucket::Other,
    }
}

/// The rate-limit related headers of one response. Every field is optional: a response without
/// them must not break anything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimitHeaders {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// `X-Rate-Limit-Reset`, epoch seconds.
    pub reset: Option<i64>,
    /// The response `Date`, epoch milliseconds.
    pub date_ms: Option<i64>,
    /// `X-Sim-Rate-Limit-Reset-Ms`: the simulator's exact (time-scaled) reset, epoch milliseconds.
    pub sim_reset_ms: Option<i64>,
    /// `X-Okta-Request-Id`, echoed in `X-Okta-Retry-For`.
    pub request_id: Option<String>,
}

impl RateLimitHeaders {
    pub(crate) fn from_headers(h: &HeaderMap) -> Self {
        let text = |name: &str| h.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
        // Duplicated headers arrive comma-joined (Okta bug OKTA-112507); the first value wins.
        let first = |name: &str| text(name).and_then(|s| s.split(',').next()).map(str::trim);
        RateLimitHeaders {
            limit: first("x-rate-limit-limit").and_then(|s| s.parse().ok()),
            remaining: first("x-rate-limit-remaining").and_then(|s| s.parse().ok()),
            reset: first("x-rate-limit-reset").and_then(|s| s.parse().ok()),
            date_ms: text("date").and_then(parse_http_date_ms),
            sim_reset_ms: first("x-sim-rate-limit-reset-ms").and_then(|s| s.parse().ok()),
            request_id: text("x-okta-request-id").map(str::to_owned),
        }
    }

    /// A concurrency 429 reports `X-Rate-Limit-Limit: 0`; its reset is only an estimate.
    pub(crate) fn is_concurrency_limit(&self) -> bool {
        self.limit == Some(0)
    }
}

/// RFC 1123 / RFC 2822 date to epoch milliseconds.
pub(crate) fn parse_http_date_ms(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc2822(s.trim()).ok().map(|d| d.timestamp_millis())
}

/// Upper bound for any single computed wait; a reset far in the future is a bogus header.
const MAX_RESET_WAIT: Duration = Duration::from_secs(120);

/// How long to wait until the window in these headers has reset, or `None` when they do not say.
///
/// - `X-Sim-Rate-Limit-Reset-Ms` wins: wait until it plus 50 ms (local simulator, same clock).
/// - Otherwise the Okta SDK formula against the server's clock: `reset*1000 − Date + 1000` ms.
/// - Without `Date`, the local clock stands in for it.
pub fn reset_wait(h: &RateLimitHeaders, now_epoch_ms: i64) -> Option<Duration> {
    let ms = if let Some(sim) = h.sim_reset_ms {
        sim + 50 - now_epoch_ms
    } else {
        let reset_ms = h.reset?.checked_mul(1000)?;
        reset_ms - h.date_ms.unwrap_or(now_epoch_ms) + 1000
    };
    Some(Duration::from_millis(ms.max(0) as u64).min(MAX_RESET_WAIT))
}

/// The wait after a 429, or `None` when the caller should back off exponentially instead
/// (a concurrency 429, or no usable reset information).
pub fn wait_after_429(h: &RateLimitHeaders, now_epoch_ms: i64) -> Option<Duration> {
    if h.is_concurrency_limit() {
        return None;
    }
    reset_wait(h, now_epoch_ms)
}

pub(crate) fn now_epoch_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The last known rate-limit window of one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    limit: u64,
    remaining: u64,
    reset_at: Instant,
    /// Identifies the window (reset time in ms); a larger key is a newer window.
    key: i64,
}

/// Admission decision for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Go,
    WaitUntil(Instant),
    /// Nothing is known about this bucket yet and a probe request is in flight.
    WaitForResponse,
}

#[derive(Debug, Default)]
struct State {
    /// Whether any response was seen; until then one request probes the bucket.
    seen_response: bool,
    window: Option<Window>,
    in_flight: u64,
    blocked_until: Option<Instant>,
}

/// Okta windows last a minute; used when we must assume the length of a fresh window.
const DEFAULT_WINDOW: Duration = Duration::from_secs(60);

impl State {
    fn decide(&mut self, share: f64, now: Instant) -> Decision {
        if let Some(b) = self.blocked_until {
            if b > now {
                return Decision::WaitUntil(b);
            }
            self.blocked_until = None;
        }
        if !self.seen_response {
            return if self.in_flight == 0 { Decision::Go } else { Decision::WaitForResponse };
        }
        let Some(w) = self.window.as_mut() else {
            return Decision::Go;
        };
        if now >= w.reset_at {
            // The window has reset: assume a full one until a response tells us better. Bumping
            // the key makes late answers from the old window stale.
            w.remaining = w.limit;
            w.reset_at = now + DEFAULT_WINDOW;
            w.key = w.key.saturating_add(1);
        }
        let allowed = ((w.limit as f64 * share).floor() as u64).clamp(1, w.limit.max(1));
        let reserve = w.limit.saturating_sub(allowed);
        let budget = w.remaining as i128 - reserve as i128 - self.in_flight as i128;
        if budget > 0 {
            Decision::Go
        } else {
            Decision::WaitUntil(w.reset_at)
        }
    }

    fn rate_limited(&mut self, h: &RateLimitHeaders, now: Instant, now_ms: i64, wait: Duration) {
        let until = now + wait;
        self.blocked_until = Some(self.blocked_until.map_or(until, |b| b.max(until)));
        if let Some(limit) = h.limit.filter(|&l| l > 0) {
            let key = h.sim_reset_ms.or_else(|| h.reset.map(|r| r * 1000)).unwrap_or(now_ms);
            self.window = Some(Window { limit, remaining: 0, reset_at: until, key });
        }
    }

    fn observe(&mut self, h: &RateLimitHeaders, now: Instant, now_ms: i64) {
        self.seen_response = true;
        let (Some(limit), Some(remaining)) = (h.limit, h.remaining) else {
            return;
        };
        if limit == 0 {
            return; // concurrency 429: says nothing about the window
        }
        let wait = reset_wait(h, now_ms).unwrap_or(DEFAULT_WINDOW);
        let key = h.sim_reset_ms.or_else(|| h.reset.map(|r| r * 1000)).unwrap_or(now_ms + 60_000);
        let fresh = Window { limit, remaining, reset_at: now + wait, key };
        match self.window.as_mut() {
            Some(w) if key == w.key => {
                w.remaining = w.remaining.min(remaining);
                w.limit = limit;
            }
            Some(w) if key < w.key => {}
            _ => self.window = Some(fresh),
        }
    }
}

/// One adaptive limiter per bucket (see the module docs for why not governor).
#[derive(Debug)]
pub(crate) struct Limiter {
    share: f64,
    buckets: [BucketLimiter; 5],
}

#[derive(Debug, Default)]
struct BucketLimiter {
    state: Mutex<State>,
    /// Wakes waiters whenever the state may have improved (response seen, request finished).
    changed: Notify,
}

/// Counts a request as in flight against its bucket until dropped.
pub(crate) struct LimitPermit<'a> {
    bucket: &'a BucketLimiter,
}

impl Drop for LimitPermit<'_> {
    fn drop(&mut self) {
        if let Ok(mut st) = self.bucket.state.lock() {
            st.in_flight = st.in_flight.saturating_sub(1);
        }
        self.bucket.changed.notify_waiters();
    }
}

impl Limiter {
    pub(crate) fn new(share: f64) -> Self {
        let share = if share.is_finite() { share.clamp(0.01, 1.0) } else { 0.5 };
        Limiter { share, buckets: Default::default() }
    }

    /// Wait until the bucket admits one more request.
    pub async fn acquire(&self, bucket: Bucket) -> LimitPermit<'_> {
        let b = &self.buckets[bucket.index()];
        loop {
            let (decision, notified) = {
                let mut st = b.state.lock().expect("limiter state poisoned");
                let d = st.decide(self.share, Instant::now());
                if d == Decision::Go {
                    st.in_flight += 1;
                    return LimitPermit { bucket: b };
                }
                // Created under the lock so a notification after unlocking is not missed.
                (d, b.changed.notified())
            };
            match decision {
                Decision::WaitUntil(t) => {
                    tracing::debug!(bucket = %bucket, wait_ms = t.saturating_duration_since(Instant::now()).as_millis() as u64, "waiting for the rate-limit window");
                    tokio::select! {
                        _ = notified => {}
                        _ = tokio::time::sleep_until(t.into()) => {}
                    }
                }
                _ => notified.await,
            }
        }
    }

    /// Record a response's headers.
    pub(crate) fn observe(&self, bucket: Bucket, h: &RateLimitHeaders) {
        let b = &self.buckets[bucket.index()];
        if let Ok(mut st) = b.state.lock() {
            st.observe(h, Instant::now(), now_epoch_ms());
        }
        b.changed.notify_waiters();
    }

    /// After a 429 that says when the window resets: nobody uses the bucket for `wait`, and the
    /// 429's window replaces what we believed (it is the server's latest word, even if an earlier
    /// response claimed a later reset).
    pub(crate) fn rate_limited(&self, bucket: Bucket, h: &RateLimitHeaders, wait: Duration) {
        let b = &self.buckets[bucket.index()];
        if let Ok(mut st) = b.state.lock() {
            st.rate_limited(h, Instant::now(), now_epoch_ms(), wait);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_by_path() {
        assert_eq!(bucket_for_path("/api/v1/apps"), Bucket::Apps);
        assert_eq!(bucket_for_path("/api/v1/apps/0oa1/users?limit=50"), Bucket::Apps);
        assert_eq!(bucket_for_path("/api/v1/users?limit=200"), Bucket::Users);
        assert_eq!(bucket_for_path("/api/v1/users/00u1/factors"), Bucket::Users);
        assert_eq!(bucket_for_path("/api/v1/groups/rules"), Bucket::Groups);
        assert_eq!(bucket_for_path("/api/v1/logs?since=x"), Bucket::Logs);
        assert_eq!(bucket_for_path("/api/v1/org"), Bucket::Other);
        assert_eq!(bucket_for_path("/api/v1/iam/assignees/users"), Bucket::Other);
        assert_eq!(bucket_for_path("/oauth2/v1/token"), Bucket::Other);
        assert_eq!(bucket_for_path("/api/v1/usersx"), Bucket::Other);
        assert_eq!(bucket_for_path(""), Bucket::Other);
    }

    fn headers(pairs: &[(&str, &str)]) -> RateLimitHeaders {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.append(reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
        }
        RateLimitHeaders::from_headers(&m)
    }

    #[test]
    fn parses_headers_and_tolerates_missing_or_odd_ones() {
        let h = headers(&[
            ("X-Rate-Limit-Limit", "600"),
            ("X-Rate-Limit-Remaining", "599"),
            ("X-Rate-Limit-Reset", "1447534590, 1447534590"),
            ("Date", "Sat, 14 Nov 2015 20:55:30 GMT"),
            ("x-okta-request-id", "req1"),
        ]);
        assert_eq!(h.limit, Some(600));
        assert_eq!(h.remaining, Some(599));
        assert_eq!(h.reset, Some(1447534590));
        assert_eq!(h.date_ms, Some(1447534530000));
        assert_eq!(h.request_id.as_deref(), Some("req1"));
        assert_eq!(headers(&[]), RateLimitHeaders::default());
        assert_eq!(headers(&[("X-Rate-Limit-Limit", "lots")]).limit, None);
    }

    #[test]
    fn wait_after_429_uses_reset_minus_date_plus_one_second() {
        let h = headers(&[("X-Rate-Limit-Limit", "1"), ("X-Rate-Limit-Reset", "1447534590"), ("Date", "Sat, 14 Nov 2015 20:55:30 GMT")]);
        // Local clock is irrelevant when Date is present: 60 s + 1 s.
        assert_eq!(wait_after_429(&h, 0), Some(Duration::from_secs(61)));
        let h = headers(&[("X-Rate-Limit-Limit", "1"), ("X-Rate-Limit-Reset", "100")]);
        assert_eq!(wait_after_429(&h, 99_500), Some(Duration::from_millis(1500)));
        // A reset in the past still waits the skew second, never negative.
        assert_eq!(wait_after_429(&h, 200_000), Some(Duration::ZERO));
        assert_eq!(wait_after_429(&headers(&[("X-Rate-Limit-Reset", "100")]), 100_000), Some(Duration::from_secs(1)));
        // Far-future resets are capped.
        assert_eq!(wait_after_429(&h, -10_000_000), Some(MAX_RESET_WAIT));
    }

    #[test]
    fn simulator_header_wins() {
        let h = headers(&[
            ("X-Rate-Limit-Reset", "1447534590"),
            ("Date", "Sat, 14 Nov 2015 20:55:30 GMT"),
            ("X-Sim-Rate-Limit-Reset-Ms", "5000"),
        ]);
        assert_eq!(wait_after_429(&h, 4_000), Some(Duration::from_millis(1050)));
    }

    #[test]
    fn concurrency_429_and_missing_headers_back_off() {
        let h = headers(&[("X-Rate-Limit-Limit", "0"), ("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", "1506461721")]);
        assert!(h.is_concurrency_limit());
        assert_eq!(wait_after_429(&h, 0), None);
        assert_eq!(wait_after_429(&RateLimitHeaders::default(), 0), None);
    }

    #[test]
    fn limiter_probes_then_spends_only_its_share() {
        let share = 0.5;
        let t0 = Instant::now();
        let mut st = State::default();
        assert_eq!(st.decide(share, t0), Decision::Go);
        st.in_flight = 1;
        assert_eq!(st.decide(share, t0), Decision::WaitForResponse);
        // limit 10, share 0.5 → keep 5 in reserve; remaining 8 → 3 more may go.
        let h = RateLimitHeaders { limit: Some(10), remaining: Some(8), reset: Some(100), ..Default::default() };
        st.observe(&h, t0, 99_000);
        st.in_flight = 0;
        for _ in 0..3 {
            assert_eq!(st.decide(share, t0), Decision::Go);
            st.in_flight += 1;
        }
        let reset_at = t0 + Duration::from_millis(2000);
        assert_eq!(st.decide(share, t0), Decision::WaitUntil(reset_at));
        // A late, higher `remaining` of the same window does not raise our estimate.
        st.observe(&RateLimitHeaders { remaining: Some(9), ..h.clone() }, t0, 99_000);
        assert_eq!(st.decide(share, t0), Decision::WaitUntil(reset_at));
        // After the reset the window is assumed full again.
        st.in_flight = 0;
        assert_eq!(st.decide(share, reset_at), Decision::Go);
        // A stale answer from the old window is ignored.
        st.observe(&RateLimitHeaders { remaining: Some(0), ..h.clone() }, reset_at, 101_000);
        assert_eq!(st.decide(share, reset_at), Decision::Go);
    }

    #[test]
    fn limiter_without_headers_does_not_pace() {
        let mut st = State::default();
        let t0 = Instant::now();
        st.observe(&RateLimitHeaders::default(), t0, 0);
        st.in_flight = 100;
        assert_eq!(st.decide(0.5, t0), Decision::Go);
    }

    #[test]
    fn a_429_overrides_an_optimistic_window() {
        let t0 = Instant::now();
        let mut st = State::default();
        st.observe(&RateLimitHeaders { limit: Some(600), remaining: Some(500), reset: Some(160), ..Default::default() }, t0, 100_000);
        let h429 =
            RateLimitHeaders { limit: Some(600), remaining: Some(0), reset: Some(160), sim_reset_ms: Some(100_300), ..Default::default() };
        st.rate_limited(&h429, t0, 100_000, Duration::from_millis(350));
        let until = t0 + Duration::from_millis(350);
        assert_eq!(st.decide(0.5, t0), Decision::WaitUntil(until));
        assert_eq!(st.decide(0.5, until), Decision::Go);
    }

    #[test]
    fn blocked_bucket_waits() {
        let mut st = State { seen_response: true, ..Default::default() };
        let t0 = Instant::now();
        st.blocked_until = Some(t0 + Duration::from_secs(1));
        assert_eq!(st.decide(0.5, t0), Decision::WaitUntil(t0 + Duration::from_secs(1)));
        assert_eq!(st.decide(0.5, t0 + Duration::from_secs(1)), Decision::Go);
    }
}
