//! Reading lists: a Link-paged list page by page, and the same sub-list for every object of a kind.

use super::scheduler::{StepFailure, StepResult};
use super::Collector;
use crate::model::Records;
use futures::StreamExt;
use serde_json::Value;
use std::future::Future;

impl Collector {
    /// Lists every page of a Link-paged endpoint, mapping and sending each page as it arrives, and reports
    /// the step's progress after each page.
    pub(super) async fn each_page(&self, path: &str, step: &str, items: &mut u64, f: impl FnMut(&Value) -> Records) -> StepResult {
        self.pages(path, Some((step, items)), f).await.map(|_| ())
    }

    /// One object's sub-list (a group's members, an app's users or groups), page by page: each page becomes
    /// records and is sent before the next is read, so a 100,000-member group is never held whole. Returns
    /// the items seen. What was sent before an error stays written: it exists in Okta, and the failed step
    /// is incomplete, so nothing is swept on its account.
    pub(super) async fn each_sub_page(&self, path: &str, f: impl FnMut(&Value) -> Records) -> Result<u64, StepFailure> {
        self.pages(path, None, f).await
    }

    async fn pages(
        &self,
        path: &str,
        mut progress: Option<(&str, &mut u64)>,
        mut f: impl FnMut(&Value) -> Records,
    ) -> Result<u64, StepFailure> {
        let mut pages = std::pin::pin!(self.client.list_pages::<Value>(path));
        let mut n = 0;
        while let Some(page) = pages.next().await {
            self.check_cancel()?;
            let page = page.map_err(StepFailure::Okta)?;
            let mut recs = Records::default();
            for item in &page {
                recs.extend(f(item));
            }
            n += page.len() as u64;
            if let Some((step, items)) = progress.as_mut() {
                **items += page.len() as u64;
                self.progress(step, **items);
            }
            self.send(recs).await?;
        }
        Ok(n)
    }

    /// Reads every object's sub-lists with `read` (which returns the items it saw), `concurrency` objects
    /// at a time, and reports the step's progress as each object finishes. An object deleted in Okta since
    /// it was listed (404) is skipped: it is gone, so the step stays complete. `what` names the object in
    /// the debug log.
    pub(super) async fn each_object<T, Fut>(
        &self,
        step: &str,
        what: &str,
        objects: Vec<T>,
        id: impl Fn(&T) -> &str,
        read: impl Fn(T) -> Fut,
        items: &mut u64,
    ) -> StepResult
    where
        Fut: Future<Output = Result<u64, StepFailure>>,
    {
        let mut stream = futures::stream::iter(objects)
            .map(|o| {
                let id = id(&o).to_string();
                let r = read(o);
                async move { (id, r.await) }
            })
            .buffer_unordered(self.opts.concurrency);
        while let Some((id, r)) = stream.next().await {
            self.check_cancel()?;
            match r {
                Ok(n) => *items += n,
                Err(StepFailure::Okta(e)) if e.is_not_found() => {
                    tracing::debug!(%id, "{what} deleted during the sync; skipped");
                    continue;
                }
                Err(e) => return Err(e),
            }
            self.progress(step, *items);
        }
        Ok(())
    }
}
