//! The devices step: the org's device inventory and the users each device is registered to (Identity Engine).

use super::scheduler::{unavailable_on_404, StepResult};
use super::Collector;
use crate::model;

/// `GET /api/v1/devices` page size: Okta's documented maximum, 200 (Devices API, `limit` default 200).
const DEVICES_PAGE: usize = 200;

fn devices_path() -> String {
    // `expand=user` embeds the users the device is registered to (`_embedded.users`).
    format!("/api/v1/devices?limit={DEVICES_PAGE}&expand=user")
}

impl Collector {
    pub(super) async fn devices(&self, items: &mut u64) -> StepResult {
        let ctx = &self.ctx;
        let r = self.each_page(&devices_path(), "devices", items, |d| model::device(ctx, d).unwrap_or_default()).await;
        unavailable_on_404(r, *items, "devices")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn devices_path() {
        assert_eq!(super::devices_path(), "/api/v1/devices?limit=200&expand=user");
    }
}
