//! Changes to the org made the way Okta makes them. Each one stamps the objects it changes
//! (`lastUpdated`, a group's `lastMembershipUpdated`) with the change's time and appends the System Log
//! events Okta writes for it, with Okta's event types and `target` shapes (see `events.rs`), so that a
//! sync reading those events and the `lastUpdated` filters can arrive at the state a full read shows.
//!
//! Every method takes the change's time `now` (the objects' stamp and the events' `published`) and a
//! [`SimRng`] for ids, uuids and the acting admin. A method that returns `Err` has changed nothing.
//! Stamps never move an object's time back: a change stamped before the object's last change (a "late"
//! change, see `churn.rs`) leaves the later time in place, while its events carry the change's own time.

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::events::{app_target, group_target, user_target, Txn};
use super::generate::{
    alnum, app_credentials, app_settings, app_user_status, aws_roles, factor, okta_id, pushes_users, role_assignment, APP_TEMPLATES, DEPTS,
    FIRST, LAST, TEAMS, TITLES,
};
use super::model::*;
use super::rules;

/// Seeded randomness for the mutation methods (ids, uuids, the acting admin, picks), so that a test can
/// replay the same changes.
#[derive(Debug, Clone)]
pub struct SimRng(pub(crate) StdRng);

impl SimRng {
    pub fn seeded(seed: u64) -> SimRng {
        SimRng(StdRng::seed_from_u64(seed))
    }
}

/// What [`Org::create_rule`] did: the new rule and the users it added to its group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleCreated {
    pub rule_id: String,
    pub added: Vec<String>,
}

/// Admin roles the mutations grant (CUSTOM roles need a resource set and are left to fixtures).
pub const GRANTABLE_ROLES: &[&str] = &["HELP_DESK_ADMIN", "USER_ADMIN", "APP_ADMIN", "READ_ONLY_ADMIN", "REPORT_ADMIN"];

/// Factor types [`Org::enroll_factor`] enrolls.
const FACTOR_KINDS: &[&str] = &["sms", "email", "push", "token:software:totp", "webauthn", "call", "question"];

type Res<T> = Result<T, String>;

/// Moves `t` to `stamp` unless it is already later.
fn later(t: &mut DateTime<Utc>, stamp: DateTime<Utc>) {
    if stamp > *t {
        *t = stamp;
    }
}

fn later_opt(t: &mut Option<DateTime<Utc>>, stamp: DateTime<Utc>) {
    *t = Some(t.map_or(stamp, |old| old.max(stamp)));
}

// ---------- users ----------
impl Org {
    /// Creates an ACTIVE user with a fresh login (`user.lifecycle.create`, `user.lifecycle.activate`) in
    /// the Everyone group; active group rules that match its profile add it to their groups.
    pub fn create_user(&mut self, rng: &mut SimRng, now: DateTime<Utc>) -> String {
        let r = &mut rng.0;
        let (first, last) = (FIRST[r.gen_range(0..FIRST.len())].to_string(), LAST[r.gen_range(0..LAST.len())].to_string());
        let local: String = format!("{first}.{last}").to_lowercase().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '.').collect();
        let login = loop {
            let l = format!("{local}.{}@example.com", r.gen_range(100..1000));
            if !self.login_taken(&l) {
                break l;
            }
        };
        self.insert_user(rng, now, first, last, &login)
    }

    /// [`Org::create_user`] with a given login (free among the org's users, case-insensitively).
    pub fn create_user_with_login(&mut self, rng: &mut SimRng, now: DateTime<Utc>, login: &str) -> Res<String> {
        if self.login_taken(login) {
            return Err(format!("login {login} is taken"));
        }
        let r = &mut rng.0;
        let (first, last) = (FIRST[r.gen_range(0..FIRST.len())].to_string(), LAST[r.gen_range(0..LAST.len())].to_string());
        Ok(self.insert_user(rng, now, first, last, login))
    }

    fn login_taken(&self, login: &str) -> bool {
        self.users.values().any(|u| u.profile.login.eq_ignore_ascii_case(login))
    }

    fn insert_user(&mut self, rng: &mut SimRng, now: DateTime<Utc>, first: String, last: String, login: &str) -> String {
        let r = &mut rng.0;
        let user_type = self.users.values().next().map(|u| u.user_type.clone()).unwrap_or_else(|| IdRef { id: okta_id(r, "oty") });
        let cost_centers = self.cost_centers();
        let id = okta_id(r, "00u");
        let profile = UserProfile {
            first_name: first.clone(),
            last_name: last.clone(),
            mobile_phone: None,
            second_email: None,
            login: login.to_string(),
            email: login.to_string(),
            display_name: Some(format!("{first} {last}")),
            user_type: Some("Employee".into()),
            department: Some(DEPTS[r.gen_range(0..DEPTS.len())].to_string()),
            title: Some(TITLES[r.gen_range(0..TITLES.len())].to_string()),
            employee_number: Some(format!("{}", 20_000 + r.gen_range(0..80_000))),
            manager: None,
            manager_id: None,
            cost_center: cost_centers.choose(r).cloned(),
            is_contractor: Some(false),
            skills: None,
            github_username: None,
            extra: Map::new(),
        };
        let credentials = UserCredentials {
            password: Some(json!({})),
            emails: vec![CredentialEmail { value: login.to_string(), status: "VERIFIED".into(), kind: "PRIMARY".into() }],
            recovery_question: None,
            provider: Provider { kind: "OKTA".into(), name: "OKTA".into() },
        };
        self.users.put(User {
            id: id.clone(),
            status: "ACTIVE".into(),
            created: now,
            activated: Some(now),
            status_changed: Some(now),
            last_login: None,
            last_updated: now,
            password_changed: Some(now),
            user_type,
            profile,
            credentials,
        });
        // Everyone holds every user; Okta logs no membership event for it
        if let Some(everyone) = self.groups.values().find(|g| g.kind == "BUILT_IN").map(|g| g.id.clone()) {
            self.group_members.entry(everyone.clone()).or_default().insert(id.clone());
            self.touch_membership(&everyone, now);
        }
        let uri = "/api/v1/users?activate=true";
        let tx = self.admin_txn(r, now, uri);
        let target = user_target(&self.users[&id]);
        self.emit(r, &tx, "user.lifecycle.create", vec![target.clone()]);
        self.emit(r, &tx, "user.lifecycle.activate", vec![target]);
        self.apply_rules(r, now, &id, uri);
        id
    }

    /// The cost centers in use (sorted), or one default.
    pub(crate) fn cost_centers(&self) -> Vec<String> {
        let set: std::collections::BTreeSet<&String> = self.users.values().filter_map(|u| u.profile.cost_center.as_ref()).collect();
        if set.is_empty() {
            return vec!["CC-1000".into()];
        }
        set.into_iter().cloned().collect()
    }

    /// Changes the user's title, department or cost center (`user.account.update_profile`); active group
    /// rules that now match add the user to their groups (Okta re-evaluates rules on profile changes).
    pub fn update_user_profile(&mut self, rng: &mut SimRng, now: DateTime<Utc>, user_id: &str) -> Res<()> {
        self.user(user_id)?;
        let r = &mut rng.0;
        let cost_centers = self.cost_centers();
        let depts: Vec<String> = DEPTS.iter().map(|s| s.to_string()).collect();
        let titles: Vec<String> = TITLES.iter().map(|s| s.to_string()).collect();
        let u = self.users.get_mut(user_id).expect("checked");
        let n_attrs = if r.gen_bool(0.3) { 2 } else { 1 };
        for _ in 0..n_attrs {
            let (slot, options) = match r.gen_range(0..3) {
                0 => (&mut u.profile.cost_center, &cost_centers),
                1 => (&mut u.profile.department, &depts),
                _ => (&mut u.profile.title, &titles),
            };
            let others: Vec<&String> = options.iter().filter(|o| Some(*o) != slot.as_ref()).collect();
            *slot = Some(others.choose(r).map(|s| s.to_string()).unwrap_or_else(|| format!("CC-{}", 2000 + r.gen_range(0..1000))));
        }
        later(&mut u.last_updated, now);
        let uri = format!("/api/v1/users/{user_id}");
        let tx = self.admin_txn(r, now, &uri);
        self.emit(r, &tx, "user.account.update_profile", vec![user_target(&self.users[user_id])]);
        self.apply_rules(r, now, user_id, &uri);
        Ok(())
    }

    /// Deactivates a user (any status but DEPROVISIONED → DEPROVISIONED; `user.lifecycle.deactivate`).
    ///
    /// What goes with it, following Okta's support articles: the user's app assignments are removed
    /// ("Okta will trigger remove app assignments jobs as part of the deactivation", "Deprovisioning
    /// behavior when an app is inactive": assignments to INACTIVE apps are left untouched), each with
    /// `application.user_membership.remove`; group memberships stay ("deactivating a user will not remove
    /// the group memberships"). Nothing found says what happens to factors and admin roles, so they stay.
    pub fn deactivate_user(&mut self, rng: &mut SimRng, now: DateTime<Utc>, user_id: &str) -> Res<()> {
        if self.user(user_id)?.status == "DEPROVISIONED" {
            return Err(format!("user {user_id} is already DEPROVISIONED"));
        }
        let r = &mut rng.0;
        let u = self.users.get_mut(user_id).expect("checked");
        u.status = "DEPROVISIONED".into();
        later_opt(&mut u.status_changed, now);
        later(&mut u.last_updated, now);
        let tx = self.admin_txn(r, now, &format!("/api/v1/users/{user_id}/lifecycle/deactivate"));
        self.emit(r, &tx, "user.lifecycle.deactivate", vec![user_target(&self.users[user_id])]);
        let apps: Vec<String> = self
            .app_users
            .iter()
            .filter(|(aid, items)| items.contains_key(user_id) && self.apps.get(*aid).is_some_and(|a| a.status == "ACTIVE"))
            .map(|(aid, _)| aid.clone())
            .collect();
        for aid in apps {
            self.app_user_remove(r, &tx, &aid, user_id);
        }
        Ok(())
    }

    /// DEPROVISIONED → PROVISIONED, as Okta's reactivation leaves a user until they complete activation
    /// (`user.lifecycle.reactivate`). Apps are not given back (Okta's help: "If you reactivate previously
    /// deactivated end user accounts, you need to reassign their apps").
    pub fn reactivate_user(&mut self, rng: &mut SimRng, now: DateTime<Utc>, user_id: &str) -> Res<()> {
        if self.user(user_id)?.status != "DEPROVISIONED" {
            return Err(format!("user {user_id} is not DEPROVISIONED"));
        }
        let r = &mut rng.0;
        let u = self.users.get_mut(user_id).expect("checked");
        u.status = "PROVISIONED".into();
        later_opt(&mut u.status_changed, now);
        later(&mut u.last_updated, now);
        let tx = self.admin_txn(r, now, &format!("/api/v1/users/{user_id}/lifecycle/reactivate"));
        self.emit(r, &tx, "user.lifecycle.reactivate", vec![user_target(&self.users[user_id])]);
        Ok(())
    }

    /// Deletes a DEPROVISIONED user (Okta deletes only deactivated users) with [`Org::remove_user`]'s
    /// semantics; the groups it leaves get a new `lastMembershipUpdated`. Events
    /// `user.lifecycle.delete.initiated` and `user.lifecycle.delete.completed`.
    pub fn delete_user(&mut self, rng: &mut SimRng, now: DateTime<Utc>, user_id: &str) -> Res<()> {
        if self.user(user_id)?.status != "DEPROVISIONED" {
            return Err(format!("user {user_id} must be DEPROVISIONED before it is deleted"));
        }
        let r = &mut rng.0;
        let target = user_target(&self.users[user_id]);
        let groups: Vec<String> = self.group_members.iter().filter(|(_, m)| m.contains(user_id)).map(|(g, _)| g.clone()).collect();
        self.remove_user(user_id);
        for g in &groups {
            self.touch_membership(g, now);
        }
        let tx = self.admin_txn(r, now, &format!("/api/v1/users/{user_id}"));
        self.emit(r, &tx, "user.lifecycle.delete.initiated", vec![target.clone()]);
        self.emit(r, &tx, "user.lifecycle.delete.completed", vec![target]);
        Ok(())
    }

    /// Deletes a DEPROVISIONED user and creates a new one (new id) with the same login and name.
    /// Returns the new user's id.
    pub fn recreate_user(&mut self, rng: &mut SimRng, now: DateTime<Utc>, user_id: &str) -> Res<String> {
        let old = self.user(user_id)?;
        let (first, last, login) = (old.profile.first_name.clone(), old.profile.last_name.clone(), old.profile.login.clone());
        self.delete_user(rng, now, user_id)?;
        Ok(self.insert_user(rng, now, first, last, &login))
    }

    pub(crate) fn user(&self, user_id: &str) -> Res<&User> {
        self.users.get(user_id).ok_or_else(|| format!("no user {user_id}"))
    }

    /// Adds the user to the groups of the active rules it matches and is not yet in (Okta's system actor).
    fn apply_rules(&mut self, r: &mut StdRng, now: DateTime<Utc>, user_id: &str, uri: &str) {
        let u = &self.users[user_id];
        let mut groups: Vec<String> = self.group_rules.values().flat_map(|rule| rules::groups_for(rule, u)).collect();
        groups.sort();
        groups.dedup();
        groups.retain(|g| self.groups.contains_key(g) && !self.group_members.get(g).is_some_and(|m| m.contains(user_id)));
        if groups.is_empty() {
            return;
        }
        let tx = self.system_txn(r, now, uri);
        for g in groups {
            self.member_add(r, &tx, &g, user_id);
        }
    }
}

// ---------- group membership and app assignments ----------
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

    fn check_not_rule_member(&self, group_id: &str, user_id: &str) -> Res<()> {
        match self.rule_member(group_id, user_id) {
            Some(rule) => Err(format!("active rule {} puts user {user_id} in group {group_id}", rule.id)),
            None => Ok(()),
        }
    }

    fn touch_membership(&mut self, group_id: &str, now: DateTime<Utc>) {
        if let Some(g) = self.groups.get_mut(group_id) {
            later(&mut g.last_membership_updated, now);
        }
    }

    /// Adds the membership with `tx`'s actor and keeps the group's app assignments in step.
    fn member_add(&mut self, r: &mut StdRng, tx: &Txn, group_id: &str, user_id: &str) {
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

    fn member_remove(&mut self, r: &mut StdRng, tx: &Txn, group_id: &str, user_id: &str) {
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
    fn drop_group_scope_app_user(&mut self, r: &mut StdRng, tx: &Txn, app_id: &str, user_id: &str) {
        let group_scoped = self.app_users.get(app_id).and_then(|m| m.get(user_id)).is_some_and(|au| au.scope == "GROUP");
        if group_scoped && !self.covered_by_groups(app_id, user_id) && self.users.contains_key(user_id) {
            self.app_user_remove(r, tx, app_id, user_id);
        }
    }

    fn app_user_add(&mut self, r: &mut StdRng, tx: &Txn, app_id: &str, user_id: &str, scope: &str, profile: Value) {
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

    fn app_user_remove(&mut self, r: &mut StdRng, tx: &Txn, app_id: &str, user_id: &str) {
        if let Some(m) = self.app_users.get_mut(app_id) {
            m.0.remove(user_id);
        }
        let targets = vec![user_target(&self.users[user_id]), app_target(&self.apps[app_id])];
        self.emit(r, tx, "application.user_membership.remove", targets);
    }
}

// ---------- factors and admin roles ----------
impl Org {
    /// Enrolls an ACTIVE user in a factor type they lack, active at once (`user.mfa.factor.activate`).
    /// Returns the factor id.
    pub fn enroll_factor(&mut self, rng: &mut SimRng, now: DateTime<Utc>, user_id: &str) -> Res<String> {
        let u = self.user(user_id)?;
        if u.status != "ACTIVE" {
            return Err(format!("user {user_id} is {}, not ACTIVE", u.status));
        }
        let have: Vec<&str> = self.factors.get(user_id).map(|fs| fs.iter().map(|f| f.factor_type.as_str()).collect()).unwrap_or_default();
        let missing: Vec<&str> = FACTOR_KINDS.iter().copied().filter(|k| !have.contains(k)).collect();
        let r = &mut rng.0;
        let kind = *missing.choose(r).ok_or_else(|| format!("user {user_id} has every factor type"))?;
        let mut f = factor(r, kind, u, now);
        f.created = now;
        f.last_updated = now;
        f.status = "ACTIVE".into();
        f.vendor_name = Some(f.provider.clone());
        let fid = f.id.clone();
        self.factors.entry(user_id.to_string()).or_default().push(f);
        let tx = self.admin_txn(r, now, &format!("/api/v1/users/{user_id}/factors/{fid}/lifecycle/activate"));
        self.emit(r, &tx, "user.mfa.factor.activate", vec![user_target(&self.users[user_id])]);
        Ok(fid)
    }

    /// Removes all of a user's factors (`user.mfa.factor.reset_all`).
    pub fn reset_factors(&mut self, rng: &mut SimRng, now: DateTime<Utc>, user_id: &str) -> Res<()> {
        self.user(user_id)?;
        if self.factors.get(user_id).is_none_or(Vec::is_empty) {
            return Err(format!("user {user_id} has no factors"));
        }
        self.factors.remove(user_id);
        let r = &mut rng.0;
        let tx = self.admin_txn(r, now, &format!("/api/v1/users/{user_id}/lifecycle/reset_factors"));
        self.emit(r, &tx, "user.mfa.factor.reset_all", vec![user_target(&self.users[user_id])]);
        Ok(())
    }

    /// Grants an ACTIVE user an admin role of one of [`GRANTABLE_ROLES`] it does not hold
    /// (`user.account.privilege.grant`). Returns the role assignment id.
    pub fn grant_user_role(&mut self, rng: &mut SimRng, now: DateTime<Utc>, user_id: &str, role_type: &str) -> Res<String> {
        let u = self.user(user_id)?;
        if u.status != "ACTIVE" {
            return Err(format!("user {user_id} is {}, not ACTIVE", u.status));
        }
        self.check_new_role(user_id, "USER", role_type)?;
        let r = &mut rng.0;
        let id = self.push_role(r, now, role_type, "USER", user_id);
        let tx = self.admin_txn(r, now, &format!("/api/v1/users/{user_id}/roles"));
        self.emit(r, &tx, "user.account.privilege.grant", vec![user_target(&self.users[user_id])]);
        Ok(id)
    }

    /// Grants an OKTA_GROUP an admin role of one of [`GRANTABLE_ROLES`] it does not hold
    /// (`group.privilege.grant`). Returns the role assignment id.
    pub fn grant_group_role(&mut self, rng: &mut SimRng, now: DateTime<Utc>, group_id: &str, role_type: &str) -> Res<String> {
        self.okta_group(group_id)?;
        self.check_new_role(group_id, "GROUP", role_type)?;
        let r = &mut rng.0;
        let id = self.push_role(r, now, role_type, "GROUP", group_id);
        let tx = self.admin_txn(r, now, &format!("/api/v1/groups/{group_id}/roles"));
        self.emit(r, &tx, "group.privilege.grant", vec![group_target(&self.groups[group_id])]);
        Ok(id)
    }

    /// Revokes a role assignment: `user.account.privilege.revoke` (target User) or
    /// `group.privilege.revoke` (target UserGroup).
    ///
    /// Okta's event catalog says both fire when the assignee is left with no admin privilege at all ("All
    /// of user's privileges were revoked including ... the ones granted to the user through their group
    /// membership"); what Okta logs for taking one of several roles away is not documented, so that is
    /// refused rather than guessed.
    pub fn revoke_role(&mut self, rng: &mut SimRng, now: DateTime<Utc>, role_id: &str) -> Res<()> {
        let ra = self.roles.iter().find(|r| r.id == role_id).ok_or_else(|| format!("no role assignment {role_id}"))?.clone();
        if !self.is_last_privilege(&ra) {
            return Err(format!("{} keeps other admin privileges", ra.assignee));
        }
        let target = match ra.assignment_type.as_str() {
            "USER" => ("user.account.privilege.revoke", user_target(self.user(&ra.assignee)?), "users"),
            _ => ("group.privilege.revoke", group_target(self.group(&ra.assignee)?), "groups"),
        };
        self.roles.retain(|r| r.id != ra.id);
        let r = &mut rng.0;
        let tx = self.admin_txn(r, now, &format!("/api/v1/{}/{}/roles/{}", target.2, ra.assignee, ra.id));
        self.emit(r, &tx, target.0, vec![target.1]);
        Ok(())
    }

    /// Whether revoking `ra` leaves its assignee without any admin privilege (a user's group roles count).
    pub(crate) fn is_last_privilege(&self, ra: &RoleAssignment) -> bool {
        let others = self.roles.iter().any(|r| r.id != ra.id && r.assignee == ra.assignee && r.assignment_type == ra.assignment_type);
        let via_groups = ra.assignment_type == "USER"
            && self.roles.iter().any(|r| r.assignment_type == "GROUP" && self.is_member(&r.assignee, &ra.assignee));
        !others && !via_groups
    }

    fn check_new_role(&self, assignee: &str, assignment_type: &str, role_type: &str) -> Res<()> {
        if !GRANTABLE_ROLES.contains(&role_type) {
            return Err(format!("role type {role_type} is not one of {GRANTABLE_ROLES:?}"));
        }
        if self.roles.iter().any(|r| r.assignee == assignee && r.assignment_type == assignment_type && r.role_type == role_type) {
            return Err(format!("{assignee} already holds {role_type}"));
        }
        Ok(())
    }

    fn push_role(&mut self, r: &mut StdRng, now: DateTime<Utc>, role_type: &str, assignment_type: &str, assignee: &str) -> String {
        let mut ra = role_assignment(r, role_type, assignment_type, assignee, now, "", "");
        ra.created = now;
        ra.last_updated = now;
        let id = ra.id.clone();
        self.roles.push(ra);
        id
    }
}

// ---------- group rules, groups, apps ----------
impl Org {
    /// Creates an ACTIVE group rule that puts the users matching `expression` (`user.attr=="value"`
    /// clauses joined by ` AND `) into the OKTA_GROUP; the users it adds are logged by Okta's system actor
    /// (`group.user_membership.add` each, with their app assignments as in [`Org::add_group_member`]).
    ///
    /// Okta's event type catalog has no event for creating or activating a group rule (only
    /// `group.user_membership.rule.*` events about evaluation, exclusions and errors), so none is written.
    pub fn create_rule(&mut self, rng: &mut SimRng, now: DateTime<Utc>, group_id: &str, expression: &str) -> Res<RuleCreated> {
        self.okta_group(group_id)?;
        let clauses = rules::parse_expression(expression).ok_or_else(|| format!("unsupported rule expression {expression:?}"))?;
        let r = &mut rng.0;
        let rule = GroupRule {
            kind: "group_rule".into(),
            id: okta_id(r, "0pr"),
            status: "ACTIVE".into(),
            name: format!("Rule {}", clauses.iter().map(|c| c.value.as_str()).collect::<Vec<_>>().join(" / ")),
            created: now,
            last_updated: now,
            conditions: json!({"expression": {"value": rules::expression(&clauses), "type": "urn:okta:expression:1.0"}}),
            actions: json!({"assignUserToGroups": {"groupIds": [group_id]}}),
            all_groups_valid: true,
        };
        let rule_id = rule.id.clone();
        self.group_rules.put(rule);
        let added: Vec<String> = self
            .users
            .values()
            .filter(|u| rules::clauses_match(&clauses, u) && !self.is_member(group_id, &u.id))
            .map(|u| u.id.clone())
            .collect();
        if !added.is_empty() {
            let tx = self.system_txn(r, now, &format!("/api/v1/groups/rules/{rule_id}/lifecycle/activate"));
            for uid in &added {
                self.member_add(r, &tx, group_id, uid);
            }
        }
        Ok(RuleCreated { rule_id, added })
    }

    /// Deletes a group rule; the members it added stay (Okta's `removeUsers` defaults to false). No
    /// event: the catalog has none for a rule's deactivation or deletion.
    pub fn delete_rule(&mut self, rule_id: &str) -> Res<()> {
        self.group_rules.0.remove(rule_id).map(|_| ()).ok_or_else(|| format!("no group rule {rule_id}"))
    }

    /// Creates an empty OKTA_GROUP (`group.lifecycle.create`). Returns its id.
    pub fn create_group(&mut self, rng: &mut SimRng, now: DateTime<Utc>) -> String {
        let r = &mut rng.0;
        let base = format!("{} - {}", DEPTS[r.gen_range(0..DEPTS.len())], TEAMS[r.gen_range(0..TEAMS.len())]);
        let taken = |n: &str| self.groups.values().any(|g| g.profile.name == n);
        let name = (1..).map(|k| if k == 1 { base.clone() } else { format!("{base} {k}") }).find(|n| !taken(n)).expect("a free name");
        let id = okta_id(r, "00g");
        self.groups.put(Group {
            id: id.clone(),
            created: now,
            last_updated: now,
            last_membership_updated: now,
            object_class: vec!["okta:user_group".into()],
            kind: "OKTA_GROUP".into(),
            profile: GroupProfile { description: Some(format!("Members of {name}")), name, extra: Map::new() },
            source: None,
        });
        self.group_members.insert(id.clone(), Default::default());
        let tx = self.admin_txn(r, now, "/api/v1/groups");
        self.emit(r, &tx, "group.lifecycle.create", vec![group_target(&self.groups[&id])]);
        id
    }

    /// Deletes an OKTA_GROUP that no app is assigned to and no rule targets (`group.lifecycle.delete`):
    /// the group, its members list and its GROUP role assignments go.
    pub fn delete_group(&mut self, rng: &mut SimRng, now: DateTime<Utc>, group_id: &str) -> Res<()> {
        self.okta_group(group_id)?;
        if let Some(aid) = self.app_groups.iter().find(|(_, ag)| ag.contains_key(group_id)).map(|(a, _)| a) {
            return Err(format!("group {group_id} is assigned to app {aid}"));
        }
        if let Some(rule) = self.group_rules.values().find(|rule| rules::target_groups(rule).iter().any(|g| g == group_id)) {
            return Err(format!("rule {} targets group {group_id}", rule.id));
        }
        let target = group_target(&self.groups[group_id]);
        self.groups.0.remove(group_id);
        self.group_members.remove(group_id);
        self.roles.retain(|r| !(r.assignment_type == "GROUP" && r.assignee == group_id));
        let r = &mut rng.0;
        let tx = self.admin_txn(r, now, &format!("/api/v1/groups/{group_id}"));
        self.emit(r, &tx, "group.lifecycle.delete", vec![target]);
        Ok(())
    }

    /// Creates an ACTIVE app from one of the generator's non-AWS templates (`application.lifecycle.create`).
    /// Returns its id.
    pub fn create_app(&mut self, rng: &mut SimRng, now: DateTime<Utc>) -> String {
        let r = &mut rng.0;
        let templates: Vec<_> = APP_TEMPLATES.iter().filter(|t| t.name != "amazon_aws").collect();
        let t = templates[r.gen_range(0..templates.len())];
        let id = okta_id(r, "0oa");
        let credentials = app_credentials(r, t.mode, &id);
        let settings = app_settings(t, r, self.apps.len());
        let features: Vec<String> = match t.mode {
            "SAML_2_0" if r.gen_bool(0.5) => vec!["PUSH_NEW_USERS".into(), "PUSH_USER_DEACTIVATION".into(), "GROUP_PUSH".into()],
            _ => vec![],
        };
        let taken = |l: &str| self.apps.values().any(|a| a.label == l);
        let label = (2..).map(|k| format!("{} {k}", t.label)).find(|l| !taken(l)).expect("a free label");
        self.apps.put(App {
            id: id.clone(),
            name: t.name.to_string(),
            label,
            status: "ACTIVE".into(),
            last_updated: now,
            created: now,
            accessibility: json!({"selfService": false, "errorRedirectUrl": null, "loginRedirectUrl": null}),
            visibility: json!({"autoSubmitToolbar": false, "hide": {"iOS": false, "web": false}, "appLinks": {}}),
            features,
            sign_on_mode: t.mode.to_string(),
            credentials,
            settings,
        });
        self.app_users.insert(id.clone(), IdMap::default());
        self.app_groups.insert(id.clone(), IdMap::default());
        let tx = self.admin_txn(r, now, "/api/v1/apps");
        self.emit(r, &tx, "application.lifecycle.create", vec![app_target(&self.apps[&id])]);
        id
    }

    /// Deletes a non-AWS app that no group was imported from. Okta deletes only inactive apps, so an
    /// ACTIVE one is deactivated first (`application.lifecycle.deactivate`, then
    /// `application.lifecycle.delete`); its user and group assignments go with it.
    pub fn delete_app(&mut self, rng: &mut SimRng, now: DateTime<Utc>, app_id: &str) -> Res<()> {
        let app = self.app(app_id)?;
        if app.name == "amazon_aws" {
            return Err(format!("app {app_id} is an AWS app"));
        }
        if self.groups.values().any(|g| g.source.as_ref().is_some_and(|s| s.id == app_id)) {
            return Err(format!("groups were imported from app {app_id}"));
        }
        let r = &mut rng.0;
        let active = app.status == "ACTIVE";
        let target = app_target(app);
        let deactivate = self.admin_txn(r, now, &format!("/api/v1/apps/{app_id}/lifecycle/deactivate"));
        if active {
            self.emit(r, &deactivate, "application.lifecycle.deactivate", vec![target.clone()]);
        }
        self.apps.0.remove(app_id);
        self.app_users.remove(app_id);
        self.app_groups.remove(app_id);
        let delete = Txn::new(r, deactivate.actor.clone(), now, &format!("/api/v1/apps/{app_id}"));
        self.emit(r, &delete, "application.lifecycle.delete", vec![target]);
        Ok(())
    }

    pub(crate) fn group(&self, group_id: &str) -> Res<&Group> {
        self.groups.get(group_id).ok_or_else(|| format!("no group {group_id}"))
    }

    pub(crate) fn okta_group(&self, group_id: &str) -> Res<&Group> {
        let g = self.group(group_id)?;
        if g.kind != "OKTA_GROUP" {
            return Err(format!("group {group_id} is {}, not OKTA_GROUP", g.kind));
        }
        Ok(g)
    }

    pub(crate) fn app(&self, app_id: &str) -> Res<&App> {
        self.apps.get(app_id).ok_or_else(|| format!("no app {app_id}"))
    }
}
