//! The system_log step: who created which application, from the System Log's retention window.

use super::query::{any_of, okta_time, url_encode};
use super::scheduler::{StepFailure, StepResult};
use super::Collector;
use crate::model::{self, EarliestCreations, Records};
use chrono::{DateTime, FixedOffset};
use futures::StreamExt;
use serde_json::Value;

/// System Log retention (docs/graph.md#created-edges).
pub(crate) const LOG_WINDOW_DAYS: i64 = 90;

/// `GET /api/v1/logs` page size: Okta's documented maximum, 1,000 (default 100; System Log API), so 90
/// days of app events are read in the fewest calls.
const LOG_PAGE: usize = 1000;

/// A bounded query (since and until) over the window, oldest first: unlike a polling query, it ends.
fn log_path(since: DateTime<FixedOffset>, until: DateTime<FixedOffset>) -> String {
    let filter = any_of("eventType", &model::APP_CREATION_EVENT_TYPES);
    format!(
        "/api/v1/logs?since={}&until={}&filter={}&limit={LOG_PAGE}&sortOrder=ASCENDING",
        url_encode(&okta_time(since)),
        url_encode(&okta_time(until)),
        url_encode(&filter)
    )
}

impl Collector {
    pub(super) async fn system_log(&self, window_start: DateTime<FixedOffset>, items: &mut u64) -> StepResult {
        let path = log_path(window_start, self.opts.now);
        let mut created = EarliestCreations::default();
        let mut pages = std::pin::pin!(self.client.list_pages::<Value>(&path));
        while let Some(page) = pages.next().await {
            self.check_cancel()?;
            let page = page.map_err(StepFailure::Okta)?;
            *items += page.len() as u64;
            for e in &page {
                created.add(e);
            }
            self.progress("system_log", *items);
        }
        self.send(Records::of_edges(created.into_edges(&self.ctx))).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_query_is_bounded_filtered_and_oldest_first() {
        let until = DateTime::parse_from_rfc3339("2026-10-01T00:00:00Z").unwrap();
        let since = until - chrono::Duration::days(LOG_WINDOW_DAYS);
        assert_eq!(
            log_path(since, until),
            "/api/v1/logs?since=2026-07-03T00%3A00%3A00.000Z&until=2026-10-01T00%3A00%3A00.000Z\
             &filter=eventType%20eq%20%22application.lifecycle.create%22%20or%20eventType%20eq%20%22application.lifecycle.update%22\
             &limit=1000&sortOrder=ASCENDING"
        );
    }
}
