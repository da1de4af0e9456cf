//! The rate-limit bound of a sync: how long its calls take at best when each bucket may serve only the
//! sync's share of its per-token limit per window.

use crate::child::BucketFig;
use okta_sim::BucketLimits;
use std::collections::BTreeMap;

/// A sync's rate-limit bound.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Bound {
    /// max over buckets of calls ÷ (`rate_limit_share` × per-token limit) × window, in seconds.
    pub(crate) seconds: f64,
    /// The bucket that sets it.
    pub(crate) bucket: String,
    /// The same at the whole per-token limit (what the simulator would allow a greedy client).
    pub(crate) hard_seconds: f64,
}

/// The simulator's per-minute limits and the share of them one token gets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) limits: BucketLimits,
    pub(crate) token_share: f64,
}

impl Limits {
    fn per_minute(&self, bucket: &str) -> u32 {
        let l = &self.limits;
        match bucket {
            "users" => l.users,
            "groups" => l.groups,
            "apps" => l.apps,
            "logs" => l.logs,
            _ => l.other,
        }
    }

    /// The bound of `buckets` at `rate_limit_share`, with windows of `window` seconds (60 in Okta's time,
    /// 60 ÷ time scale in the simulator's).
    pub(crate) fn bound(&self, buckets: &BTreeMap<String, BucketFig>, rate_limit_share: f64, window: f64) -> Bound {
        let mut b = Bound::default();
        for (name, fig) in buckets {
            let per_token = (self.per_minute(name) as f64 * self.token_share).floor().max(1.0);
            let budget = (per_token * rate_limit_share).max(1.0);
            let t = fig.requests as f64 / budget * window;
            if t > b.seconds {
                b.seconds = t;
                b.bucket = name.clone();
            }
            b.hard_seconds = b.hard_seconds.max(fig.requests as f64 / per_token * window);
        }
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_busiest_bucket_against_its_share_sets_the_bound() {
        let limits = Limits { limits: BucketLimits::default(), token_share: 1.0 };
        let fig = |requests| BucketFig { requests, ..Default::default() };
        // users: 600/min, half of it 300 → 900 calls take 3 windows; logs: 120/min, half 60 → 120 calls take 2.
        let buckets = BTreeMap::from([("users".to_string(), fig(900)), ("logs".to_string(), fig(120)), ("apps".to_string(), fig(0))]);
        let b = limits.bound(&buckets, 0.5, 60.0);
        assert_eq!(b.bucket, "users");
        assert!((b.seconds - 180.0).abs() < 1e-9, "{b:?}");
        assert!((b.hard_seconds - 90.0).abs() < 1e-9, "{b:?}");
        // A time scale of 60 shrinks the window, not the calls.
        assert!((limits.bound(&buckets, 0.5, 1.0).seconds - 3.0).abs() < 1e-9);
        // No call, no bound.
        assert_eq!(limits.bound(&BTreeMap::new(), 0.5, 60.0), Bound::default());
    }
}
