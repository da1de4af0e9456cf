//! Group memberships and app assignments (direct and through groups), kept in step as Okta keeps them.

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Value};

use super::{later, Res, SimRng};
use crate::events::{app_target, group_target, user_target, Txn};
use crate::generate::{alnum, app_user_status, aws_roles, pushes_users};
use crate::model::*;
use crate::rules;

impl Org {
    /// Adds a user to an OKTA_GROUP (`group.user_membership.add`). For each app the group is assigned to
    /// and the user is not yet, the user gets a GROUP-scope app user (`application.user_membership.add`),
    /// unless DEPROVISIONED (Okta assigns no apps to deactivated users).
    pub fn add_group_member(&mut self, rng: &mut SimRng, now: DateTime<Utc>, group_id: &str, user_id: &str) -> Res<()> {
        self.okta_group(group_id)?;
        self.user(user_id)?;
        if self.is_member(group_id, user_id) {
            return Err(format!("user {user_id} is already in group {group_id}"));
        }
        let r = &mut rng.0;
        let tx = self.admin_txn(r, now, &format!("/api/v1/groups/{group_id}/users/{user_id}"));
        self.member_add(r, &tx, group_id, user_id);
        Ok(())
    }

    /// Removes a user from an OKTA_GROUP (`group.user_membership.remove`); GROUP-scope app users that no
    /// other assigned group covers go too (`application.user_membership.remove`). USER-scope ones stay.
    ///
    /// Refused for a member an active rule of the group matches: Okta would then add the user to the
    /// rule's exclusions (`group.user_membership.rule.add_exclusion`), which the simulator does not model.
    pub fn remove_group_member(&mut self, rng: &mut SimRng, now: DateTime<Utc>, group_id: &str, user_id: &str) -> Res<()> {
        self.okta_group(group_id)?;
        if !self.is_member(group_id, user_id) {
            return Err(format!("user {user_id} is not in group {group_id}"));
        }
        self.check_not_rule_member(group_id, user_id)?;
        let r = &mut rng.0;
        let tx = self.admin_txn(r, now, &format!("/api/v1/groups/{group_id}/users/{user_id}"));
        self.member_remove(r, &tx, group_id, user_id);
        Ok(())
    }

    /// Adds a user to an OKTA_GROUP and removes them again: two changes, each with its events.
    pub fn flap_group_member(&mut self, rng: &mut SimRng, now: DateTime<Utc>, group_id: &str, user_id: &str) -> Res<()> {
        self.okta_group(group_id)?;
        self.check_not_rule_member(group_id, user_id)?;
        self.add_group_member(rng, now, group_id, user_id)?;
        self.remove_group_member(rng, now, group_id, user_id)
    }

    /// Assigns an app to a user directly (scope USER; `application.user_membership.add`). AWS apps get a
    /// role profile as the generator gives them.
    pub fn assign_user_to_app(&mut self, rng: &mut SimRng, now: DateTime<Utc>, app_id: &str, user_id: &str) -> Res<()> {
        let app = self.app(app_id)?;
        let aws = app.name == "amazon_aws";
        if self.user(user_id)?.status == "DEPROVISIONED" {
            return Err(format!("user {user_id} is DEPROVISIONED; Okta assigns no apps to deactivated users"));
        }
        if self.app_users.get(app_id).is_some_and(|m| m.contains_key(user_id)) {
            return Err(format!("user {user_id} is already assigned to app {app_id}"));
        }
        let r = &mut rng.0;
        let profile = if !aws {
            json!({})
        } else if r.gen_bool(0.8) {
            json!({"samlRoles": aws_roles(r)})
        } else {
            json!({"role": "arn:aws:iam::123456789012:role/Developer"})
        };
        let tx = self.admin_txn(r, now, &format!("/api/v1/apps/{app_id}/users"));
        self.app_user_add(r, &tx, app_id, user_id, "USER", profile);
        Ok(())
    }

    /// Removes a direct (scope USER) assignment (`application.user_membership.remove`). Refused when a
    /// group assigned to the app holds the user: Okta would keep the user assigned through the group.
    pub fn unassign_user_from_app(&mut self, rng: &mut SimRng, now: DateTime<Utc>, app_id: &str, user_id: &str) -> Res<()> {
        self.app(app_id)?;
        let au =
            self.app_users.get(app_id).and_then(|m| m.get(user_id)).ok_or_else(|| format!("user {user_id} is not assigned to {app_id}"))?;
        if au.scope != "USER" {
            return Err(format!("user {user_id} is assigned to {app_id} through a group"));
        }
        if self.covered_by_groups(app_id, user_id) {
            return Err(format!("a group assigned to {app_id} holds user {user_id}"));
        }
        let r = &mut rng.0;
        let tx = self.admin_txn(r, now, &format!("/api/v1/apps/{app_id}/users/{user_id}"));
        self.app_user_remove(r, &tx, app_id, user_id);
        Ok(())
    }

    /// Assigns an app to a group (`group.application_assignment.add`, targets UserGroup and AppInstance),
    /// then its members who are not assigned yet and not DEPROVISIONED get GROUP-scope app users with the
    /// assignment's profile on AWS apps (`application.user_membership.add` each).
    pub fn assign_group_to_app(&mut self, rng: &mut SimRng, now: DateTime<Utc>, app_id: &str, group_id: &str) -> Res<()> {
        let aws = self.app(app_id)?.name == "amazon_aws";
        self.group(group_id)?;
        if self.app_groups.get(app_id).is_some_and(|m| m.contains_key(group_id)) {
            return Err(format!("group {group_id} is already assigned to app {app_id}"));
        }
        let r = &mut rng.0;
        let profile = if aws {
            let roles = aws_roles(r);
            json!({"role": roles[0].clone(), "samlRoles": roles})
        } else {
            json!({})
        };
        let assigned = self.app_groups.entry(app_id.to_string()).or_default();
        let priority = assigned.len() as i64;
        assigned.put(AppGroup { id: group_id.to_string(), last_updated: now, priority, profile: profile.clone() });
        let tx = self.admin_txn(r, now, &format!("/api/v1/apps/{app_id}/groups/{group_id}"));
        self.emit(r, &tx, "group.application_assignment.add", vec![group_target(&self.groups[group_id]), app_target(&self.apps[app_id])]);
        let members: Vec<String> = self.group_members.get(group_id).map(|m| m.iter().cloned().collect()).unwrap_or_default();
        for uid in members {
            let eligible = self.users.get(&uid).is_some_and(|u| u.status != "DEPROVISIONED");
            if eligible && !self.app_users.get(app_id).is_some_and(|m| m.contains_key(&uid)) {
                self.app_user_add(r, &tx, app_id, &uid, "GROUP", if aws { profile.clone() } else { json!({}) });
            }
        }
        Ok(())
    }

    /// Removes a group's app assignment (`group.application_assignment.remove`) and the GROUP-scope app
    /// users of its members that no other assigned group covers (`application.user_membership.remove` each).
    pub fn unassign_group_from_app(&mut self, rng: &mut SimRng, now: DateTime<Utc>, app_id: &str, group_id: &str) -> Res<()> {
        self.app(app_id)?;
        let removed = self.app_groups.get_mut(app_id).and_then(|m| m.0.remove(group_id));
        if removed.is_none() {
            return Err(format!("group {group_id} is not assigned to app {app_id}"));
        }
        let r = &mut rng.0;
        let tx = self.admin_txn(r, now, &format!("/api/v1/apps/{app_id}/groups/{group_id}"));
        let gt = self.groups.get(group_id).map(group_target).unwrap_or_else(|| json!({"id": group_id, "type": "UserGroup"}));
        self.emit(r, &tx, "group.application_assignment.remove", vec![gt, app_target(&self.apps[app_id])]);
        let members: Vec<String> = self.group_members.get(group_id).map(|m| m.iter().cloned().collect()).unwrap_or_default();
        for uid in members {
            self.drop_group_scope_app_user(r, &tx, app_id, &uid);
        }
        Ok(())
    }

    pub(crate) fn is_member(&self, group_id: &str, user_id: &str) -> bool {
        self.group_members.get(group_id).is_some_and(|m| m.contains(user_id))
    }

    /// Whether a group assigned to the app holds the user.
    pub(crate) fn covered_by_groups(&self, app_id: &str, user_id: &str) -> bool {
        self.app_groups.get(app_id).is_some_and(|ag| ag.keys().any(|g| self.is_member(g, user_id)))
    }

    /// The active rule of this group that matches the user, if any.
    pub(crate) fn rule_member(&self, group_id: &str, user_id: &str) -> Option<&GroupRule> {
        let u = self.users.get(user_id)?;
        self.group_rules.values().find(|rule| rules::groups_for(rule, u).iter().any(|g| g == group_id))
    }

    pub(super) fn check_not_rule_member(&self, group_id: &str, user_id: &str) -> Res<()> {
        match self.rule_member(group_id, user_id) {
            Some(rule) => Err(format!("active rule {} puts user {user_id} in group {group_id}", rule.id)),
            None => Ok(()),
        }
    }

    pub(super) fn touch_membership(&mut self, group_id: &str, now: DateTime<Utc>) {
        if let Some(g) = self.groups.get_mut(group_id) {
            later(&mut g.last_membership_updated, now);
        }
    }

    /// Adds the membership with `tx`'s actor and keeps the group's app assignments in step.
    pub(super) fn member_add(&mut self, r: &mut StdRng, tx: &Txn, group_id: &str, user_id: &str) {
        self.group_members.entry(group_id.to_string()).or_default().insert(user_id.to_string());
        self.touch_membership(group_id, tx.published);
        self.emit(r, tx, "group.user_membership.add", vec![user_target(&self.users[user_id]), group_target(&self.groups[group_id])]);
        if self.users[user_id].status == "DEPROVISIONED" {
            return;
        }
        let apps: Vec<(String, Value)> = self
            .app_groups
            .iter()
            .filter_map(|(aid, ag)| ag.get(group_id).map(|a| (aid.clone(), a.profile.clone())))
            .filter(|(aid, _)| !self.app_users.get(aid).is_some_and(|m| m.contains_key(user_id)))
            .collect();
        for (aid, group_profile) in apps {
            let profile = if self.apps.get(&aid).is_some_and(|a| a.name == "amazon_aws") { group_profile } else { json!({}) };
            self.app_user_add(r, tx, &aid, user_id, "GROUP", profile);
        }
    }

    pub(super) fn member_remove(&mut self, r: &mut StdRng, tx: &Txn, group_id: &str, user_id: &str) {
        if let Some(m) = self.group_members.get_mut(group_id) {
            m.remove(user_id);
        }
        self.touch_membership(group_id, tx.published);
        self.emit(r, tx, "group.user_membership.remove", vec![user_target(&self.users[user_id]), group_target(&self.groups[group_id])]);
        let apps: Vec<String> = self.app_groups.iter().filter(|(_, ag)| ag.contains_key(group_id)).map(|(aid, _)| aid.clone()).collect();
        for aid in apps {
            self.drop_group_scope_app_user(r, tx, &aid, user_id);
        }
    }

    /// Removes the user's GROUP-scope app user of the app when no assigned group holds the user any more.
    pub(super) fn drop_group_scope_app_user(&mut self, r: &mut StdRng, tx: &Txn, app_id: &str, user_id: &str) {
        let group_scoped = self.app_users.get(app_id).and_then(|m| m.get(user_id)).is_some_and(|au| au.scope == "GROUP");
        if group_scoped && !self.covered_by_groups(app_id, user_id) && self.users.contains_key(user_id) {
            self.app_user_remove(r, tx, app_id, user_id);
        }
    }

    pub(super) fn app_user_add(&mut self, r: &mut StdRng, tx: &Txn, app_id: &str, user_id: &str, scope: &str, profile: Value) {
        let (app, u) = (&self.apps[app_id], &self.users[user_id]);
        let provisioned = pushes_users(app);
        let stamp = tx.published;
        let item = AppUser {
            id: user_id.to_string(),
            external_id: provisioned.then(|| alnum(r, 12)),
            created: stamp,
            last_updated: stamp,
            scope: scope.to_string(),
            status: app_user_status(u, app).to_string(),
            status_changed: Some(stamp),
            password_changed: None,
            sync_state: if provisioned { "SYNCHRONIZED".into() } else { "DISABLED".into() },
            last_sync: provisioned.then_some(stamp),
            credentials: Some(json!({"userName": u.profile.login})),
            profile,
        };
        let targets = vec![user_target(u), app_target(app)];
        self.app_users.entry(app_id.to_string()).or_default().put(item);
        self.emit(r, tx, "application.user_membership.add", targets);
    }

    pub(super) fn app_user_remove(&mut self, r: &mut StdRng, tx: &Txn, app_id: &str, user_id: &str) {
        if let Some(m) = self.app_users.get_mut(app_id) {
            m.0.remove(user_id);
        }
        let targets = vec![user_target(&self.users[user_id]), app_target(&self.apps[app_id])];
        self.emit(r, tx, "application.user_membership.remove", targets);
    }
}
