//! Call counters per bucket, for the run summary and benchmarks.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use serde::Serialize;

use super::limits::Bucket;

/// Counters of one bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BucketStats {
    /// HTTP requests sent (every attempt counts).
    pub requests: u64,
    /// 429 responses received.
    pub rate_limited: u64,
    /// Attempts that were retries (after a 429, 5xx or transport failure).
    pub retries: u64,
    /// Time spent waiting for rate limits (pacing and 429 waits), in milliseconds, summed over
    /// concurrent requests.
    pub rate_limit_wait_ms: u64,
    /// Calls that ended in an error returned to the caller.
    pub errors: u64,
}

/// A snapshot of the client's counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClientStats {
    pub buckets: BTreeMap<Bucket, BucketStats>,
    /// OAuth access tokens fetched from `/oauth2/v1/token`.
    pub token_requests: u64,
}

impl ClientStats {
    /// The counters of all buckets added up.
    pub fn total(&self) -> BucketStats {
        self.buckets.values().fold(BucketStats::default(), |mut t, b| {
            t.requests += b.requests;
            t.rate_limited += b.rate_limited;
            t.retries += b.retries;
            t.rate_limit_wait_ms += b.rate_limit_wait_ms;
            t.errors += b.errors;
            t
        })
    }

    pub fn bucket(&self, bucket: Bucket) -> BucketStats {
        self.buckets.get(&bucket).cloned().unwrap_or_default()
    }
}

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    rate_limited: AtomicU64,
    retries: AtomicU64,
    wait_ms: AtomicU64,
    errors: AtomicU64,
}

#[derive(Debug, Default)]
pub(crate) struct Stats {
    buckets: [Counters; 5],
    token_requests: AtomicU64,
}

impl Stats {
    fn c(&self, b: Bucket) -> &Counters {
        &self.buckets[b.index()]
    }
    pub(crate) fn request(&self, b: Bucket) {
        self.c(b).requests.fetch_add(1, Relaxed);
    }
    pub(crate) fn rate_limited(&self, b: Bucket) {
        self.c(b).rate_limited.fetch_add(1, Relaxed);
    }
    pub(crate) fn retry(&self, b: Bucket) {
        self.c(b).retries.fetch_add(1, Relaxed);
    }
    pub(crate) fn waited(&self, b: Bucket, d: Duration) {
        self.c(b).wait_ms.fetch_add(d.as_millis() as u64, Relaxed);
    }
    pub(crate) fn error(&self, b: Bucket) {
        self.c(b).errors.fetch_add(1, Relaxed);
    }
    pub(crate) fn token_request(&self) {
        self.token_requests.fetch_add(1, Relaxed);
    }

    pub(crate) fn snapshot(&self) -> ClientStats {
        let buckets = Bucket::ALL
            .iter()
            .map(|&b| {
                let c = self.c(b);
                (
                    b,
                    BucketStats {
                        requests: c.requests.load(Relaxed),
                        rate_limited: c.rate_limited.load(Relaxed),
                        retries: c.retries.load(Relaxed),
                        rate_limit_wait_ms: c.wait_ms.load(Relaxed),
                        errors: c.errors.load(Relaxed),
                    },
                )
            })
            .collect();
        ClientStats { buckets, token_requests: self.token_requests.load(Relaxed) }
    }
}
