//! The rules step: group rules and the groups they manage.

use super::scheduler::StepResult;
use super::Collector;
use crate::model;

/// `GET /api/v1/groups/rules` page size: Okta's documented maximum, 200 (default 50; Group Rules API).
const RULES_PAGE: usize = 200;

impl Collector {
    pub(super) async fn rules(&self, items: &mut u64) -> StepResult {
        let ctx = &self.ctx;
        let path = format!("/api/v1/groups/rules?limit={RULES_PAGE}");
        self.each_page(&path, "rules", items, |r| model::rule(ctx, r, |gid| self.shared.group_kind(gid)).unwrap_or_default()).await
    }
}
