//! Users: create, profile updates, lifecycle (deactivate, reactivate, delete, recreate).

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Map};

use super::{later, later_opt, Res, SimRng};
use crate::events::user_target;
use crate::generate::{okta_id, DEPTS, FIRST, LAST, TITLES};
use crate::model::*;
use crate::rules;

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

    pub(super) fn insert_user(&mut self, rng: &mut SimRng, now: DateTime<Utc>, first: String, last: String, login: &str) -> String {
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
    pub(super) fn apply_rules(&mut self, r: &mut StdRng, now: DateTime<Utc>, user_id: &str, uri: &str) {
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
