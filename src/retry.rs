//! The one retry policy for every remote call oktagraph makes: Okta, Neo4j and the alert webhook.
//! Exponential backoff from `base`, doubling to `cap`, with jitter, for a bounded number of retries.
//! Each caller decides what is worth retrying (an Okta 5xx, a Neo4j `TransientError`, a webhook 5xx) and
//! draws the jitter, so the schedule itself stays pure and testable.

use std::time::Duration;

/// How far a pause may stray from the backoff `min(cap, base * 2^n)`, as fractions of it: the pause is
/// uniform in `[low, high]` times the backoff.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Jitter {
    pub low: f64,
    pub high: f64,
}

impl Jitter {
    /// "Equal jitter": half fixed, half random. The fixed half guarantees the server a pause; the random
    /// half spreads concurrent clients apart.
    pub(crate) const EQUAL: Jitter = Jitter { low: 0.5, high: 1.0 };
    /// ±50% around the backoff, so two deadlocked writers do not collide again in step.
    pub(crate) const HALF_EITHER_WAY: Jitter = Jitter { low: 0.5, high: 1.5 };
    /// Exactly the backoff.
    pub(crate) const NONE: Jitter = Jitter { low: 1.0, high: 1.0 };
}

/// The backoff schedule and budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RetryPolicy {
    /// Retries allowed after the first attempt.
    pub max_retries: u32,
    pub base: Duration,
    pub cap: Duration,
    pub jitter: Jitter,
}

impl RetryPolicy {
    /// Attempts in all, the first one included.
    pub(crate) const fn attempts(&self) -> u32 {
        self.max_retries + 1
    }

    /// The pause before retry `retries_done + 1` of a retryable failure, or `None` when the budget is
    /// spent. `jitter` is a number in `[0, 1)` drawn by the caller.
    pub(crate) fn delay(&self, retries_done: u32, jitter: f64) -> Option<Duration> {
        (retries_done < self.max_retries).then(|| backoff(retries_done, self, jitter))
    }
}

/// The pause after the `n`-th retry (0 for the first failure): `min(cap, base * 2^n)`, scaled by the
/// policy's jitter at the point `jitter` (in `[0, 1]`) of its range.
pub(crate) fn backoff(n: u32, policy: &RetryPolicy, jitter: f64) -> Duration {
    let exp = policy.base.saturating_mul(1u32.checked_shl(n.min(31)).unwrap_or(u32::MAX));
    let full = exp.min(policy.cap);
    let jitter = jitter.clamp(0.0, 1.0);
    let Jitter { low, high } = policy.jitter;
    full.mul_f64(low) + full.mul_f64((high - low) * jitter)
}

/// A jitter point for [`backoff`], uniform in `[0, 1)`.
pub(crate) fn draw_jitter() -> f64 {
    rand::random::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: RetryPolicy =
        RetryPolicy { max_retries: 3, base: Duration::from_millis(100), cap: Duration::from_millis(400), jitter: Jitter::HALF_EITHER_WAY };

    #[test]
    fn backoff_doubles_to_the_cap_within_the_jitter_range() {
        let ms = |n, j| backoff(n, &P, j).as_millis() as u64;
        assert_eq!([ms(0, 0.0), ms(1, 0.0), ms(2, 0.0), ms(3, 0.0), ms(9, 0.0)], [50, 100, 200, 200, 200]);
        assert_eq!([ms(0, 1.0), ms(1, 1.0), ms(2, 1.0), ms(9, 1.0)], [150, 300, 600, 600]);
        assert_eq!(ms(1, 0.5), 200);
        let none = RetryPolicy { jitter: Jitter::NONE, ..P };
        assert_eq!(backoff(1, &none, 0.9), Duration::from_millis(200));
        let equal = RetryPolicy { jitter: Jitter::EQUAL, ..P };
        assert_eq!(backoff(1, &equal, 0.0), Duration::from_millis(100));
        assert_eq!(backoff(1, &equal, 1.0), Duration::from_millis(200));
    }

    #[test]
    fn the_budget_counts_retries_after_the_first_attempt() {
        assert_eq!(P.attempts(), 4);
        assert!(P.delay(2, 0.0).is_some());
        assert_eq!(P.delay(3, 0.0), None);
        assert_eq!(RetryPolicy { max_retries: 0, ..P }.delay(0, 0.0), None);
    }
}
