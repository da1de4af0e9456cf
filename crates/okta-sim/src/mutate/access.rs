//! Factors and admin roles.

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::{Res, SimRng, GRANTABLE_ROLES};
use crate::events::{group_target, user_target};
use crate::generate::{factor, role_assignment};
use crate::model::*;

/// Factor types [`Org::enroll_factor`] enrolls.
const FACTOR_KINDS: &[&str] = &["sms", "email", "push", "token:software:totp", "webauthn", "call", "question"];

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
