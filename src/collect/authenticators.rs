//! The authenticators step: the org's authenticators (Identity Engine; a Classic org has no such list).

use super::scheduler::{unavailable_on_404, StepResult};
use super::Collector;
use crate::model;

/// `GET /api/v1/authenticators` is not paged (Authenticators API: no `limit`); a `next` link is followed if any.
const AUTHENTICATORS_PATH: &str = "/api/v1/authenticators";

impl Collector {
    pub(super) async fn authenticators(&self, items: &mut u64) -> StepResult {
        let ctx = &self.ctx;
        let r = self.each_page(AUTHENTICATORS_PATH, "authenticators", items, |a| model::authenticator(ctx, a).unwrap_or_default()).await;
        unavailable_on_404(r, *items, "authenticators")
    }
}
