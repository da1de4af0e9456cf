//! The retry decision for Okta (pure, like Vector's `RetryLogic`); the backoff schedule is the crate's
//! one [`crate::retry`] policy.
//!
//! 429s are not decided here: they wait for the rate-limit window (see `limits`), with their own
//! larger budget. This module covers failures where the server or network misbehaved.

use std::time::Duration;

use super::error::TransportKind;

/// What went wrong with one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The server answered with this status (never 2xx here).
    Status(u16),
    /// The request did not complete.
    Transport(TransportKind),
}

pub(crate) use crate::retry::{backoff, Jitter, RetryPolicy};

/// Okta's schedule for 5xx and transport failures: 200 ms doubling to 10 s, equal jitter, 6 retries.
pub(crate) const POLICY: RetryPolicy =
    RetryPolicy { max_retries: 6, base: Duration::from_millis(200), cap: Duration::from_secs(10), jitter: Jitter::EQUAL };

/// Whether a failure is worth retrying at all, regardless of budget.
pub(crate) fn is_retryable(failure: Failure) -> bool {
    match failure {
        // 429 is retryable too, but the caller routes it to the rate-limit wait first.
        Failure::Status(s) => s >= 500 || s == 429 || s == 408,
        Failure::Transport(kind) => {
            matches!(kind, TransportKind::Timeout | TransportKind::Connect | TransportKind::Interrupted | TransportKind::TruncatedBody)
        }
    }
}

/// Decide whether to retry after the `retries_done`-th retry (0 for the first failure) and how long
/// to wait first. `jitter` is a number in `[0, 1)`, drawn by the caller, so this stays pure.
pub(crate) fn retry_delay(failure: Failure, retries_done: u32, policy: &RetryPolicy, jitter: f64) -> Option<Duration> {
    if !is_retryable(failure) {
        return None;
    }
    policy.delay(retries_done, jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: RetryPolicy =
        RetryPolicy { max_retries: 6, base: Duration::from_millis(200), cap: Duration::from_secs(10), jitter: Jitter::EQUAL };

    #[test]
    fn retries_server_errors_and_transport_failures() {
        for f in [
            Failure::Status(500),
            Failure::Status(502),
            Failure::Status(503),
            Failure::Status(504),
            Failure::Status(429),
            Failure::Transport(TransportKind::Timeout),
            Failure::Transport(TransportKind::Connect),
            Failure::Transport(TransportKind::Interrupted),
            Failure::Transport(TransportKind::TruncatedBody),
        ] {
            assert!(retry_delay(f, 0, &P, 0.5).is_some(), "{f:?}");
        }
    }

    #[test]
    fn does_not_retry_client_errors() {
        for s in [400, 401, 403, 404, 405, 409] {
            assert_eq!(retry_delay(Failure::Status(s), 0, &P, 0.5), None, "{s}");
        }
        assert_eq!(retry_delay(Failure::Transport(TransportKind::Other), 0, &P, 0.5), None);
    }

    #[test]
    fn budget_is_bounded() {
        let f = Failure::Status(503);
        assert!(retry_delay(f, 5, &P, 0.0).is_some());
        assert_eq!(retry_delay(f, 6, &P, 0.0), None);
        let none = RetryPolicy { max_retries: 0, ..P };
        assert_eq!(retry_delay(f, 0, &none, 0.0), None);
    }

    #[test]
    fn backoff_grows_with_jitter_and_caps() {
        assert_eq!(backoff(0, &P, 0.0), Duration::from_millis(100));
        assert_eq!(backoff(0, &P, 1.0), Duration::from_millis(200));
        assert_eq!(backoff(1, &P, 0.0), Duration::from_millis(200));
        assert_eq!(backoff(3, &P, 0.0), Duration::from_millis(800));
        assert_eq!(backoff(10, &P, 0.0), Duration::from_secs(5));
        assert_eq!(backoff(10, &P, 1.0), Duration::from_secs(10));
        // Exponents far past the cap saturate instead of overflowing: half the cap fixed, plus the jitter share.
        assert_eq!(backoff(40, &P, 0.5), Duration::from_millis(7500));
        assert_eq!(backoff(u32::MAX, &P, 1.0), P.cap);
        // Jitter outside [0, 1] is clamped, never a wait beyond the cap or below its fixed half.
        assert_eq!(backoff(3, &P, 7.0), Duration::from_millis(1600));
        assert_eq!(backoff(3, &P, -1.0), Duration::from_millis(800));
    }
}
