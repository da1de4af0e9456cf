//! The System Log change feed (docs/graph.md#incremental-sync): one polling query, ascending and without
//! `until`, filtered to the event types that change the graph. Its `next` link is the cursor a run leaves for
//! the next one; between syncs no `since`/`until` window is ever built by hand, so an event Okta persists late
//! (the polling order is persistence time, not `published`) is still read, after the cursor.

use crate::model::{ChangeSet, UnusableEvent};
use crate::okta::{OktaClient, OktaError};
use chrono::{DateTime, Duration, FixedOffset};
use serde_json::Value;
use tokio::sync::watch;

use super::query::{okta_time, url_encode};

/// Page size: Okta's documented maximum for `GET /api/v1/logs`, 1,000 (System Log API).
const FEED_PAGE: usize = 1000;

/// How far before a sync's start the `lastUpdated` filters of the next run begin, and where a full sync
/// starts catching the feed up from: both compare this machine's clock with Okta's, and `lastUpdated` is
/// eventually consistent. Reading a change twice costs a call; missing one costs correctness.
pub(crate) const FEED_MARGIN: Duration = Duration::minutes(10);

/// Pages one run reads at most (1,000 events each): beyond that many changes a full sync is cheaper, and a
/// feed that never runs dry must not keep a run going.
const MAX_FEED_PAGES: u64 = 500;

/// The start of the feed for a sync starting at `start`: a polling query with `since`, which Okta's
/// documentation gives as the way to begin polling.
fn feed_start(start: DateTime<FixedOffset>) -> String {
    format!(
        "/api/v1/logs?since={}&filter={}&limit={FEED_PAGE}&sortOrder=ASCENDING",
        url_encode(&okta_time(start - FEED_MARGIN)),
        url_encode(&ChangeSet::feed_filter())
    )
}

/// Starts the feed for a full sync starting at `start`: follows the polling query from a margin before
/// `start` until it is caught up, and returns the `next` link to go on from (`None` when the System Log cannot
/// be read: the next sync is then full too). What it passes is already in the full sync's reads.
pub(crate) async fn catch_up(client: &OktaClient, start: DateTime<FixedOffset>, cancel: &watch::Receiver<bool>) -> Option<String> {
    let mut at = feed_start(start);
    for _ in 0..MAX_FEED_PAGES {
        if *cancel.borrow() {
            return None;
        }
        let page = match client.poll_page::<serde::de::IgnoredAny>(&at).await {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, "the System Log change feed could not be started; the next sync is a full one too");
                return None;
            }
        };
        let next = page.next?;
        if page.items.is_empty() {
            return Some(next);
        }
        if next == at {
            return None;
        }
        at = next;
    }
    None
}

/// What the feed said since the cursor.
pub(crate) struct Feed {
    pub changes: ChangeSet,
    /// Where the next run goes on from.
    pub cursor: String,
}

/// Why the feed cannot be used: the run falls back to a full sync and says so.
#[derive(Debug)]
pub(crate) struct FeedUnusable(pub String);

/// Reads the feed from `cursor` until it is caught up (an empty page).
pub(crate) async fn read(client: &OktaClient, cursor: &str, cancel: &watch::Receiver<bool>) -> Result<Feed, FeedUnusable> {
    let mut changes = ChangeSet::default();
    let mut at = cursor.to_string();
    let mut pages = 0;
    loop {
        if *cancel.borrow() {
            return Err(FeedUnusable("interrupted while reading the System Log".into()));
        }
        if pages == MAX_FEED_PAGES {
            return Err(FeedUnusable(format!("more than {} changes since the last sync", MAX_FEED_PAGES * FEED_PAGE as u64)));
        }
        let page = client.poll_page::<Value>(&at).await.map_err(|e| FeedUnusable(refused(&e)))?;
        pages += 1;
        for e in &page.items {
            changes.add(e).map_err(|UnusableEvent(why)| FeedUnusable(why))?;
        }
        let Some(next) = page.next else {
            return Err(FeedUnusable("the System Log polling query gave no next link".into()));
        };
        if page.items.is_empty() {
            // Caught up: the empty page's `next` is where to go on from.
            return Ok(Feed { changes, cursor: next });
        }
        if next == at {
            return Err(FeedUnusable("the System Log repeated a page".into()));
        }
        at = next;
    }
}

fn refused(e: &OktaError) -> String {
    if e.is_forbidden() {
        format!("the token may not read the System Log ({e})")
    } else {
        format!("the System Log could not be read ({e})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_feed_starts_a_margin_before_the_sync_and_asks_for_the_graph_changing_types_only() {
        // The margin covers a clock difference with Okta; catching up from there costs a call or two.
        let start = DateTime::parse_from_rfc3339("2026-11-30T10:00:00Z").unwrap();
        let path = feed_start(start);
        assert!(
            path.starts_with("/api/v1/logs?since=2026-11-30T09%3A50%3A00.000Z&filter=eventType%20sw%20%22user.lifecycle.%22%20or%20"),
            "{path}"
        );
        assert!(path.ends_with("&limit=1000&sortOrder=ASCENDING"), "{path}");
    }
}
