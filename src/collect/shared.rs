//! What later steps need from earlier ones: ids and a few attributes, never whole objects. Each list is set
//! once by the step that reads it, and read only by steps that depend on that step, so the lock is never
//! held across a call to Okta.

use crate::model::{kinds, AppInfo, GroupInfo, NodeKind, RoleGrant, UserInfo};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

#[derive(Default)]
pub(super) struct Shared(Mutex<State>);

#[derive(Default)]
struct State {
    /// Sorted by id, one entry per user.
    users: Vec<UserInfo>,
    groups: Vec<GroupInfo>,
    apps: Vec<AppInfo>,
    /// The groups an incremental run listed (with their stats); `groups` then also holds the graph's others.
    listed_groups: Vec<GroupInfo>,
    group_kinds: HashMap<String, &'static NodeKind>,
    /// (app id, app sign-in policy id) from each app's `_links.accessPolicy` (Identity Engine orgs).
    app_access_policies: Vec<(String, String)>,
    /// The role assignments the roles step read (their targets are read by role_targets).
    role_grants: Vec<RoleGrant>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.0.lock().expect("shared state")
    }

    /// Every user, deprovisioned ones included, each once.
    pub(super) fn set_users(&self, mut users: Vec<UserInfo>) {
        users.sort();
        users.dedup_by(|a, b| a.id == b.id);
        self.state().users = users;
    }

    pub(super) fn user_ids(&self) -> Vec<String> {
        self.state().users.iter().map(|u| u.id.clone()).collect()
    }

    pub(super) fn users(&self) -> Vec<UserInfo> {
        self.state().users.clone()
    }

    /// Users that are not deprovisioned: only these can have factors.
    pub(super) fn active_user_ids(&self) -> Vec<String> {
        self.state().users.iter().filter(|u| !u.deprovisioned).map(|u| u.id.clone()).collect()
    }

    pub(super) fn set_groups(&self, groups: Vec<GroupInfo>) {
        let mut s = self.state();
        s.group_kinds = groups.iter().map(|g| (g.id.clone(), g.kind)).collect();
        s.groups = groups;
    }

    pub(super) fn groups(&self) -> Vec<GroupInfo> {
        self.state().groups.clone()
    }

    pub(super) fn set_listed_groups(&self, groups: Vec<GroupInfo>) {
        self.state().listed_groups = groups;
    }

    pub(super) fn listed_groups(&self) -> Vec<GroupInfo> {
        self.state().listed_groups.clone()
    }

    /// A group by id (one the groups step did not list counts as an `okta_user_group` of unknown size).
    pub(super) fn group_info(&self, id: &str) -> GroupInfo {
        let s = self.state();
        s.groups.iter().find(|g| g.id == id).cloned().unwrap_or_else(|| GroupInfo {
            id: id.to_string(),
            kind: s.group_kinds.get(id).copied().unwrap_or(&kinds::USER_GROUP),
            users_count: None,
            has_admin: true,
            everyone: false,
        })
    }

    /// The node kind of a group by id; a group the groups step did not list counts as an `okta_user_group`.
    pub(super) fn group_kind(&self, id: &str) -> &'static NodeKind {
        self.state().group_kinds.get(id).copied().unwrap_or(&kinds::USER_GROUP)
    }

    pub(super) fn set_apps(&self, apps: Vec<AppInfo>) {
        self.state().apps = apps;
    }

    pub(super) fn apps(&self) -> Vec<AppInfo> {
        self.state().apps.clone()
    }

    pub(super) fn set_app_access_policies(&self, pairs: Vec<(String, String)>) {
        self.state().app_access_policies = pairs;
    }

    pub(super) fn app_access_policies(&self) -> Vec<(String, String)> {
        self.state().app_access_policies.clone()
    }

    pub(super) fn add_role_grants(&self, grants: Vec<RoleGrant>) {
        self.state().role_grants.extend(grants);
    }

    pub(super) fn role_grants(&self) -> Vec<RoleGrant> {
        self.state().role_grants.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, deprovisioned: bool) -> UserInfo {
        UserInfo { id: id.into(), deprovisioned, type_id: None }
    }

    #[test]
    fn users_are_kept_once_sorted_and_factors_skip_deprovisioned() {
        let s = Shared::default();
        // A user listed by both the plain and the DEPROVISIONED list (deprovisioned between the two calls).
        s.set_users(vec![user("00u3", false), user("00u1", true), user("00u2", false), user("00u1", false)]);
        assert_eq!(s.user_ids(), vec!["00u1", "00u2", "00u3"]);
        assert_eq!(s.active_user_ids(), vec!["00u1", "00u2", "00u3"]);
        s.set_users(vec![user("00u2", true), user("00u1", false)]);
        assert_eq!(s.active_user_ids(), vec!["00u1"]);
    }

    #[test]
    fn unknown_groups_are_user_groups() {
        let s = Shared::default();
        let app_group = GroupInfo { id: "00gA".into(), kind: &kinds::APP_USER_GROUP, users_count: None, has_admin: true, everyone: false };
        s.set_groups(vec![app_group]);
        assert_eq!(s.group_kind("00gA").type_name, "okta_app_user_group");
        assert_eq!(s.group_kind("00gGone").type_name, "okta_user_group");
        assert_eq!(s.groups().len(), 1);
    }
}
