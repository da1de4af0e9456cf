//! The users step, and the employees step produced from the same list.

use super::query::{any_of, url_encode};
use super::scheduler::StepResult;
use super::steps::StepId;
use super::Collector;
use crate::model::{self, kinds, Records, UserInfo};

/// `GET /api/v1/users` page size: Okta's documented maximum (and default) for this list, 200 ("Specifies
/// the number of results returned (maximum 200)", Users API), so the org is read in the fewest calls.
pub(super) const USERS_PAGE: usize = 200;

/// The two lists that together hold every user: a plain list omits DEPROVISIONED users; a list filtered on
/// that status returns exactly them.
fn user_lists() -> [String; 2] {
    let all = format!("/api/v1/users?limit={USERS_PAGE}");
    let deprovisioned = format!("{all}&filter={}", url_encode(&any_of("status", &[model::USER_DEPROVISIONED])));
    [all, deprovisioned]
}

impl Collector {
    pub(super) async fn users(&self, items: &mut u64) -> StepResult {
        let mut users = Vec::new();
        for path in user_lists() {
            users.extend(self.read_users(&path, items).await?);
        }
        self.shared.set_users(users);
        Ok(())
    }

    /// Reads one user list (employees too, when that step runs) and returns who was in it.
    pub(super) async fn read_users(&self, path: &str, items: &mut u64) -> Result<Vec<UserInfo>, super::scheduler::StepFailure> {
        let mut users = Vec::new();
        let employees = self.opts.enabled.contains(&StepId::Employees);
        let ctx = &self.ctx;
        self.each_page(path, "users", items, |u| {
            let Some(mut r) = model::user(ctx, u) else { return Records::default() };
            users.extend(UserInfo::from_user(u));
            if !employees {
                r.nodes.retain(|n| n.kind != &kinds::EMPLOYEE);
                r.edges.retain(|e| e.kind != &kinds::USER_IS_EMPLOYEE);
            }
            r
        })
        .await?;
        Ok(users)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_user_lists_are_the_plain_and_the_deprovisioned_one() {
        assert_eq!(super::user_lists(), ["/api/v1/users?limit=200", "/api/v1/users?limit=200&filter=status%20eq%20%22DEPROVISIONED%22"]);
    }
}
