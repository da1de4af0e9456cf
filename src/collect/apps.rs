//! The applications step, and the app_assignments step that reads each app's users and groups.

use super::scheduler::{StepFailure, StepResult};
use super::Collector;
use crate::model::{self, AppInfo};

/// `GET /api/v1/apps` page size: Okta's documented maximum for this list, 200 (Applications API).
pub(super) const APPS_PAGE: usize = 200;

/// `GET /api/v1/apps/{id}/users` page size: Okta's documented maximum, 500 (default 50; Application Users
/// API), so a widely assigned app is read in the fewest calls.
pub(super) const APP_USERS_PAGE: usize = 500;

/// `GET /api/v1/apps/{id}/groups` page size: Okta's documented maximum, 200 (default 20; Application Groups
/// API).
const APP_GROUPS_PAGE: usize = 200;

fn apps_path() -> String {
    format!("/api/v1/apps?limit={APPS_PAGE}")
}

pub(super) fn app_users_path(app_id: &str) -> String {
    format!("/api/v1/apps/{app_id}/users?limit={APP_USERS_PAGE}")
}

fn app_groups_path(app_id: &str) -> String {
    format!("/api/v1/apps/{app_id}/groups?limit={APP_GROUPS_PAGE}")
}

impl Collector {
    pub(super) async fn applications(&self, items: &mut u64) -> StepResult {
        let mut apps = Vec::new();
        let mut access_policies = Vec::new();
        let ctx = &self.ctx;
        self.each_page(&apps_path(), "applications", items, |a| {
            apps.extend(AppInfo::from_app(a));
            if let (Some(app), Some(policy)) = (model::object_id(a), model::app_access_policy(a)) {
                access_policies.push((app.to_string(), policy));
            }
            model::application(ctx, a).unwrap_or_default()
        })
        .await?;
        self.shared.set_apps(apps);
        self.shared.set_app_access_policies(access_policies);
        Ok(())
    }

    /// Per app, its users and then its groups.
    pub(super) async fn app_assignments(&self, items: &mut u64) -> StepResult {
        let apps = self.shared.apps();
        let ctx = &self.ctx;
        let read_assignments = |app: AppInfo| async move {
            let mut n = self.each_sub_page(&app_users_path(&app.id), |au| model::app_user(ctx, &app, au).unwrap_or_default()).await?;
            n += self
                .each_sub_page(&app_groups_path(&app.id), |ag| {
                    let kind = self.shared.group_kind(model::object_id(ag).unwrap_or_default());
                    model::app_group(ctx, &app, kind, ag).unwrap_or_default()
                })
                .await?;
            Ok::<u64, StepFailure>(n)
        };
        self.each_object("app_assignments", "application", apps, |a| &a.id, read_assignments, items).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn app_paths() {
        assert_eq!(super::apps_path(), "/api/v1/apps?limit=200");
        assert_eq!(super::app_users_path("0oa1"), "/api/v1/apps/0oa1/users?limit=500");
        assert_eq!(super::app_groups_path("0oa1"), "/api/v1/apps/0oa1/groups?limit=200");
    }
}
