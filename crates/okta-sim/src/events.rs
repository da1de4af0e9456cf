//! System Log events written by the mutations: actors, targets in Okta's shapes, and the event catalog
//! (display messages) for the event types the simulator writes.
//!
//! Event types and their display messages come from Okta's event type catalog
//! (okta-developer-docs `data/event-types.json`, the first sentence of each description) unless a real
//! recorded event says otherwise. `legacyEventType` is filled only where such a value is known; elsewhere
//! it is null rather than a guess.

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use super::generate::{alnum, log_event};
use super::model::{App, Group, Org, User};

/// (eventType, displayMessage, legacyEventType or "").
const CATALOG: &[(&str, &str, &str)] = &[
    ("user.lifecycle.create", "Create Okta user", ""),
    ("user.lifecycle.activate", "Activate Okta user", ""),
    ("user.account.update_profile", "Update user profile for Okta", ""),
    ("user.lifecycle.deactivate", "Deactivate Okta user", ""),
    ("user.lifecycle.reactivate", "Reactivate Okta user", ""),
    ("user.lifecycle.delete.initiated", "Delete Okta user initiated", ""),
    ("user.lifecycle.delete.completed", "Delete Okta user completed", ""),
    ("group.user_membership.add", "Add user to group membership", "core.user_group_member.user_add"),
    ("group.user_membership.remove", "Remove user from group membership", ""),
    ("application.user_membership.add", "Add user to application membership", ""),
    ("application.user_membership.remove", "Remove user's application membership", ""),
    ("group.application_assignment.add", "Add assigned application to group", ""),
    ("group.application_assignment.remove", "Remove assigned application from group", ""),
    ("user.mfa.factor.activate", "Activate factor or authenticator enrollment method for user", ""),
    ("user.mfa.factor.reset_all", "Reset all factors or authenticator enrollments for user", ""),
    // as recorded in real events (panther-analysis test data)
    ("user.account.privilege.grant", "Grant user privilege", "core.user.admin_privilege.granted"),
    ("user.account.privilege.revoke", "All of user's admin privilege revoked", ""),
    ("group.privilege.grant", "Group's admin privilege granted", ""),
    ("group.privilege.revoke", "Group's admin privilege revoked", ""),
    ("group.lifecycle.create", "Create Okta group", ""),
    ("group.lifecycle.delete", "Delete Okta group", ""),
    // the generator's wording for the same event
    ("application.lifecycle.create", "Add application", "app.generic.config.app_created"),
    ("application.lifecycle.deactivate", "Deactivate application", ""),
    ("application.lifecycle.delete", "Delete application", ""),
];

pub(crate) fn user_target(u: &User) -> Value {
    json!({
        "id": u.id, "type": "User", "alternateId": u.profile.login,
        "displayName": format!("{} {}", u.profile.first_name, u.profile.last_name), "detailEntry": null
    })
}

pub(crate) fn group_target(g: &Group) -> Value {
    json!({"id": g.id, "type": "UserGroup", "alternateId": "unknown", "displayName": g.profile.name, "detailEntry": null})
}

pub(crate) fn app_target(a: &App) -> Value {
    json!({
        "id": a.id, "type": "AppInstance", "alternateId": a.label, "displayName": a.label,
        "detailEntry": {"signOnModeType": a.sign_on_mode}
    })
}

/// One request (or one background job) and the events it writes: they share the actor, `published`,
/// the transaction id and the request id, as Okta's events of one request do.
pub(crate) struct Txn {
    pub(crate) actor: Value,
    pub(crate) published: DateTime<Utc>,
    uri: String,
    transaction_id: String,
    request_id: String,
}

impl Txn {
    pub(crate) fn new(rng: &mut StdRng, actor: Value, published: DateTime<Utc>, uri: &str) -> Txn {
        Txn { actor, published, uri: uri.to_string(), transaction_id: alnum(rng, 26), request_id: alnum(rng, 26) }
    }
}

impl Org {
    /// A change made by an admin of the org through the API at `uri`.
    pub(crate) fn admin_txn(&self, rng: &mut StdRng, published: DateTime<Utc>, uri: &str) -> Txn {
        let actor = self.admin_actor(rng);
        Txn::new(rng, actor, published, uri)
    }

    /// A change Okta makes by itself (group rules), logged with Okta's system actor.
    pub(crate) fn system_txn(&self, rng: &mut StdRng, published: DateTime<Utc>, uri: &str) -> Txn {
        Txn::new(rng, self.system_actor(), published, uri)
    }

    /// Appends one event of `event_type` (which must be in the catalog) to the log.
    pub(crate) fn emit(&mut self, rng: &mut StdRng, tx: &Txn, event_type: &str, target: Vec<Value>) {
        let &(_, msg, legacy) =
            CATALOG.iter().find(|(t, _, _)| *t == event_type).unwrap_or_else(|| panic!("{event_type} is not in the event catalog"));
        let mut e = log_event(rng, event_type, msg, legacy, tx.actor.clone(), Value::Array(target), tx.published, &tx.uri);
        e["transaction"]["id"] = json!(tx.transaction_id);
        e["debugContext"]["debugData"]["requestId"] = json!(tx.request_id);
        self.logs.push(e);
    }

    /// An active super or org admin (else any active admin) as the actor of admin changes; Okta's system
    /// actor when the org has none.
    fn admin_actor(&self, rng: &mut StdRng) -> Value {
        let admins_of = |types: &[&str]| -> Vec<&User> {
            self.roles
                .iter()
                .filter(|r| r.assignment_type == "USER" && (types.is_empty() || types.contains(&r.role_type.as_str())))
                .filter_map(|r| self.users.get(&r.assignee))
                .filter(|u| u.status == "ACTIVE")
                .collect()
        };
        let mut admins = admins_of(&["SUPER_ADMIN", "ORG_ADMIN"]);
        if admins.is_empty() {
            admins = admins_of(&[]);
        }
        admins.sort_by(|a, b| a.id.cmp(&b.id));
        admins.dedup_by(|a, b| a.id == b.id);
        if admins.is_empty() {
            return self.system_actor();
        }
        user_target(admins[rng.gen_range(0..admins.len())])
    }

    /// Okta's own actor ("Okta System", type `SystemPrincipal`, `system@okta.com`) as Okta logs it for
    /// changes no person made (Okta support: "What is the system@okta.com account in Syslog used for").
    /// Its id is opaque; the simulator derives a stable one from the org id.
    pub(crate) fn system_actor(&self) -> Value {
        let org_id = self.org.get("id").and_then(Value::as_str).unwrap_or("");
        // FNV-1a: stable across runs and platforms, unlike std's hasher
        let hash = org_id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        let id = alnum(&mut StdRng::seed_from_u64(hash), 21);
        json!({"id": id, "type": "SystemPrincipal", "alternateId": "system@okta.com", "displayName": "Okta System", "detailEntry": null})
    }
}
