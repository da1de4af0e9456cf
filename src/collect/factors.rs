//! The factors step: each user's enrolled MFA factors.

use super::scheduler::{StepFailure, StepResult};
use super::Collector;
use crate::model::{self, Records};
use futures::StreamExt;
use serde_json::Value;

/// Records gathered before they are sent to the writer: one writer batch at its default batch size (2,000
/// rows), where a message per user would carry only a few records.
const FACTOR_RECORDS_PER_SEND: usize = 2000;

fn factors_path(user_id: &str) -> String {
    format!("/api/v1/users/{user_id}/factors")
}

impl Collector {
    /// One call per user that is not deprovisioned (the factors list is not paged).
    pub(super) async fn factors(&self, items: &mut u64) -> StepResult {
        self.read_factors(self.shared.active_user_ids(), items).await
    }

    /// The factors of each of `users`, one call per user.
    pub(super) async fn read_factors(&self, users: Vec<String>, items: &mut u64) -> StepResult {
        let mut stream = futures::stream::iter(users)
            .map(|uid| async move {
                let r = self.client.get_json::<Vec<Value>>(&factors_path(&uid)).await;
                (uid, r)
            })
            .buffer_unordered(self.opts.concurrency);
        let mut recs = Records::default();
        while let Some((uid, r)) = stream.next().await {
            self.check_cancel()?;
            match r {
                Ok(factors) => {
                    for f in &factors {
                        recs.extend(model::factor(&self.ctx, &uid, f).unwrap_or_default());
                    }
                }
                Err(e) if e.is_not_found() => tracing::debug!(user = %uid, "user deleted during the sync; skipped"),
                Err(e) => return Err(StepFailure::Okta(e)),
            }
            *items += 1;
            if recs.len() >= FACTOR_RECORDS_PER_SEND {
                self.progress("factors", *items);
                self.send(std::mem::take(&mut recs)).await?;
            }
        }
        self.progress("factors", *items);
        self.send(recs).await
    }
}
