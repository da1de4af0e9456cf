//! The groups step, and the memberships step that reads each group's members.

use super::scheduler::StepResult;
use super::Collector;
use crate::model::{self, GroupInfo, Records};

/// `GET /api/v1/groups` page size. Okta allows up to 10,000 but recommends "a specific value other than
/// the default or maximum", and a smaller one when a request times out (Groups API, `limit`); 200 is the
/// maximum of the users and apps lists.
pub(super) const GROUPS_PAGE: usize = 200;

/// `GET /api/v1/groups/{id}/users` page size: Okta's documented default for group members, 1,000 (Groups
/// API), so a large group is read in few calls.
pub(super) const MEMBERS_PAGE: usize = 1000;

/// Edges per message for the `Everyone` group, whose members come from the user list without a call: the
/// writer batches rows itself, so this only bounds one message on the (bounded) channel to the writer
/// while keeping a 100,000-user org to 20 messages rather than 100,000.
pub(super) const EVERYONE_EDGES_PER_SEND: usize = 5000;

fn groups_path() -> String {
    format!("/api/v1/groups?limit={GROUPS_PAGE}&expand=stats")
}

pub(super) fn members_path(group_id: &str) -> String {
    format!("/api/v1/groups/{group_id}/users?limit={MEMBERS_PAGE}")
}

impl Collector {
    pub(super) async fn groups(&self, items: &mut u64) -> StepResult {
        let mut groups = Vec::new();
        let ctx = &self.ctx;
        self.each_page(&groups_path(), "groups", items, |g| {
            let Some(r) = model::group(ctx, g) else { return Records::default() };
            groups.extend(GroupInfo::from_group(g));
            r
        })
        .await?;
        self.shared.set_groups(groups);
        Ok(())
    }

    pub(super) async fn memberships(&self, items: &mut u64) -> StepResult {
        let groups = self.shared.groups();
        let ctx = &self.ctx;
        // The BUILT_IN Everyone group holds every user: its edges come from the user list, without a call.
        let users = self.shared.user_ids();
        for g in groups.iter().filter(|g| g.everyone) {
            for chunk in users.chunks(EVERYONE_EDGES_PER_SEND) {
                let edges = chunk.iter().map(|u| model::membership(ctx, g.kind, &g.id, u)).collect();
                *items += chunk.len() as u64;
                self.send(Records::of_edges(edges)).await?;
            }
        }
        // Groups whose stats say they are empty need no call.
        let todo: Vec<GroupInfo> = groups.into_iter().filter(|g| !g.everyone && g.users_count != Some(0)).collect();
        let read_members = |g: GroupInfo| async move {
            self.each_sub_page(&members_path(&g.id), |u| {
                model::member_edge(ctx, g.kind, &g.id, u).map(|e| Records::of_edges(vec![e])).unwrap_or_default()
            })
            .await
        };
        self.each_object("memberships", "group", todo, |g| &g.id, read_members, items).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn group_paths() {
        assert_eq!(super::groups_path(), "/api/v1/groups?limit=200&expand=stats");
        assert_eq!(super::members_path("00g1"), "/api/v1/groups/00g1/users?limit=1000");
    }
}
