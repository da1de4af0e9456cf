//! The System Log as a change feed (docs/graph.md#incremental-sync): what each event says changed, as the
//! objects an incremental sync must read again. Pure: events in, a [`ChangeSet`] out.
//!
//! An event never carries the new state; it only names what to re-read (a user's factors, an app's
//! assignment of one user, a group's members). The re-read is the truth, so an event that is late, repeated or
//! out of order costs a call, never correctness. Users and groups whose own attributes changed are found by
//! their `lastUpdated` filters, not here.

use super::app_creation::EarliestCreations;
use super::map::s;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// What an event type asks the incremental sync to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// Covered by another read: the users or groups `lastUpdated` filter, or a list read in full every time
    /// (applications, group rules).
    Covered,
    /// The named user is gone, with everything about it.
    UserDeleted,
    GroupDeleted,
    /// Applications are listed in full; the deletion matters for what cannot be re-derived (AWS roles).
    AppDeleted,
    /// Re-read the named user's membership of the named group.
    Membership,
    /// Re-read the named application's assignment of the named user.
    AppUser,
    /// Re-read the named application's assignment of the named group.
    AppGroup,
    /// Re-read the named user's MFA factors.
    Factors,
    /// Re-read the named user's admin roles.
    UserRoles,
    /// Re-read the named group's admin roles.
    GroupRoles,
    /// Applications are listed in full; a creation event also gives the creator's CREATED edge.
    AppLifecycle,
}

/// How event types map to effects, by exact type first and then by family (a prefix ending in `.`). A family
/// whose effect is a re-read of the named objects is safe for any type in it: whatever changed, the re-read
/// shows it. A family without a catch-all (`group.lifecycle.`, `group.user_membership.`) only knows the
/// types listed; any other type in it is unknown and makes the run fall back to a full sync.
const EFFECTS: &[(&str, Effect)] = &[
    ("user.lifecycle.delete.completed", Effect::UserDeleted),
    // Every other lifecycle change (create, activate, deactivate, suspend, reactivate, the delete's first
    // phase...) is a change of the user object itself, which the users' `lastUpdated` filter reads.
    ("user.lifecycle.", Effect::Covered),
    ("user.mfa.factor.", Effect::Factors),
    ("user.account.privilege.", Effect::UserRoles),
    ("group.privilege.", Effect::GroupRoles),
    ("group.user_membership.add", Effect::Membership),
    ("group.user_membership.remove", Effect::Membership),
    // Group rule evaluations: the rules are listed in full, and the members a rule adds or removes come
    // with their own add/remove events.
    ("group.user_membership.rule.", Effect::Covered),
    ("group.application_assignment.", Effect::AppGroup),
    ("group.lifecycle.create", Effect::Covered),
    ("group.lifecycle.delete", Effect::GroupDeleted),
    ("application.user_membership.", Effect::AppUser),
    ("application.lifecycle.delete", Effect::AppDeleted),
    ("application.lifecycle.", Effect::AppLifecycle),
];

/// The event-type prefixes the change feed asks the System Log for (its `filter`): every type in
/// [`EFFECTS`] starts with one of them, and nothing else the System Log records changes the graph.
pub(crate) const FEED_PREFIXES: &[&str] = &[
    "user.lifecycle.",
    "user.mfa.factor.",
    "user.account.privilege.",
    "group.privilege.",
    "group.user_membership.",
    "group.application_assignment.",
    "group.lifecycle.",
    "application.user_membership.",
    "application.lifecycle.",
];

fn effect(event_type: &str) -> Option<Effect> {
    EFFECTS.iter().find(|(t, _)| if t.ends_with('.') { event_type.starts_with(t) } else { event_type == *t }).map(|(_, e)| *e)
}

/// The objects a run of events names, to read again.
#[derive(Debug, Default)]
pub struct ChangeSet {
    /// Events taken into account.
    pub events: u64,
    pub deleted_users: BTreeSet<String>,
    pub deleted_groups: BTreeSet<String>,
    pub deleted_apps: BTreeSet<String>,
    /// group id → user ids whose membership of it changed.
    pub memberships: BTreeMap<String, BTreeSet<String>>,
    /// app id → user ids whose assignment to it changed.
    pub app_users: BTreeMap<String, BTreeSet<String>>,
    /// app id → group ids whose assignment to it changed.
    pub app_groups: BTreeMap<String, BTreeSet<String>>,
    pub factor_users: BTreeSet<String>,
    pub role_users: BTreeSet<String>,
    pub role_groups: BTreeSet<String>,
    pub(crate) creations: EarliestCreations,
}

/// An event the change feed cannot use: the run falls back to a full sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnusableEvent(pub String);

impl std::fmt::Display for UnusableEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The id of the event's first target of `target_type` (targets are found by type, never by position).
fn target<'a>(event: &'a Value, target_type: &str) -> Option<&'a str> {
    event.get("target")?.as_array()?.iter().find(|t| s(t, &["type"]) == Some(target_type)).and_then(|t| s(t, &["id"]))
}

impl ChangeSet {
    /// Takes one event into account. A failed event (`outcome.result` other than SUCCESS) changed nothing.
    pub fn add(&mut self, event: &Value) -> Result<(), UnusableEvent> {
        let Some(event_type) = s(event, &["eventType"]) else { return Ok(()) };
        let Some(effect) = effect(event_type) else {
            // Outside the families the feed asks for (a feed without a filter) changes nothing of the graph.
            if FEED_PREFIXES.iter().any(|p| event_type.starts_with(p)) {
                return Err(UnusableEvent(format!("unknown System Log event type {event_type}")));
            }
            return Ok(());
        };
        if s(event, &["outcome", "result"]).is_some_and(|r| r != "SUCCESS") {
            return Ok(());
        }
        self.events += 1;
        let need = |kind: &str| {
            target(event, kind).map(String::from).ok_or_else(|| UnusableEvent(format!("{event_type} event without a {kind} target")))
        };
        match effect {
            Effect::Covered => {}
            Effect::UserDeleted => {
                self.deleted_users.insert(need("User")?);
            }
            Effect::GroupDeleted => {
                self.deleted_groups.insert(need("UserGroup")?);
            }
            Effect::AppDeleted => {
                self.deleted_apps.insert(need("AppInstance")?);
            }
            Effect::Membership => {
                let (user, group) = (need("User")?, need("UserGroup")?);
                self.memberships.entry(group).or_default().insert(user);
            }
            Effect::AppUser => {
                let (user, app) = (need("User")?, need("AppInstance")?);
                self.app_users.entry(app).or_default().insert(user);
            }
            Effect::AppGroup => {
                let (group, app) = (need("UserGroup")?, need("AppInstance")?);
                self.app_groups.entry(app).or_default().insert(group);
            }
            Effect::Factors => {
                self.factor_users.insert(need("User")?);
            }
            Effect::UserRoles => {
                self.role_users.insert(need("User")?);
            }
            Effect::GroupRoles => {
                self.role_groups.insert(need("UserGroup")?);
            }
            Effect::AppLifecycle => self.creations.add(event),
        }
        Ok(())
    }

    /// The System Log `filter` that asks for the feed's event types only.
    pub(crate) fn feed_filter() -> String {
        FEED_PREFIXES.iter().map(|p| format!("eventType sw \"{p}\"")).collect::<Vec<_>>().join(" or ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(id: &str) -> Value {
        json!({"id": id, "type": "User", "alternateId": "a@example.com", "displayName": "A", "detailEntry": null})
    }
    fn group(id: &str) -> Value {
        json!({"id": id, "type": "UserGroup", "alternateId": "unknown", "displayName": "G", "detailEntry": null})
    }
    fn app(id: &str) -> Value {
        json!({"id": id, "type": "AppInstance", "alternateId": "App", "displayName": "App", "detailEntry": null})
    }
    fn event(t: &str, targets: Vec<Value>) -> Value {
        json!({"eventType": t, "outcome": {"result": "SUCCESS"}, "published": "2026-11-30T00:00:00.000Z",
               "actor": {"id": "00uAdmin", "type": "User"}, "target": targets, "debugContext": {"debugData": {"requestUri": "/api/v1/apps"}}})
    }

    #[test]
    fn events_name_what_to_read_again() {
        let mut c = ChangeSet::default();
        // Targets are found by type, whatever their order.
        c.add(&event("group.user_membership.add", vec![group("00g1"), user("00u1")])).unwrap();
        c.add(&event("group.user_membership.remove", vec![user("00u2"), group("00g1")])).unwrap();
        c.add(&event("application.user_membership.change_username", vec![user("00u1"), app("0oa1")])).unwrap();
        c.add(&event("group.application_assignment.add", vec![group("00g2"), app("0oa1")])).unwrap();
        c.add(&event("user.mfa.factor.reset_all", vec![user("00u3")])).unwrap();
        c.add(&event("user.account.privilege.grant", vec![user("00u4")])).unwrap();
        c.add(&event("group.privilege.revoke", vec![group("00g3")])).unwrap();
        c.add(&event("user.lifecycle.delete.completed", vec![user("00u5")])).unwrap();
        c.add(&event("user.lifecycle.delete.initiated", vec![user("00u6")])).unwrap();
        c.add(&event("group.lifecycle.delete", vec![group("00g4")])).unwrap();
        c.add(&event("application.lifecycle.delete", vec![app("0oa9")])).unwrap();
        c.add(&event("application.lifecycle.create", vec![app("0oa2")])).unwrap();
        c.add(&event("user.session.start", vec![])).unwrap();
        let mut failed = event("user.lifecycle.delete.completed", vec![user("00u7")]);
        failed["outcome"]["result"] = json!("FAILURE");
        c.add(&failed).unwrap();

        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(c.memberships.get("00g1"), Some(&set(&["00u1", "00u2"])));
        assert_eq!(c.app_users.get("0oa1"), Some(&set(&["00u1"])));
        assert_eq!(c.app_groups.get("0oa1"), Some(&set(&["00g2"])));
        assert_eq!(c.factor_users, set(&["00u3"]));
        assert_eq!(c.role_users, set(&["00u4"]));
        assert_eq!(c.role_groups, set(&["00g3"]));
        assert_eq!(c.deleted_users, set(&["00u5"]));
        assert_eq!(c.deleted_groups, set(&["00g4"]));
        assert_eq!(c.deleted_apps, set(&["0oa9"]));
        assert_eq!(c.events, 12);
        let ctx = crate::model::Context::new("https://acme.okta.com", "acme.okta.com", "acme");
        let created = c.creations.into_edges(&ctx);
        assert_eq!(created.iter().map(|e| (e.from.as_str(), e.to.as_str())).collect::<Vec<_>>(), vec![("00uAdmin", "0oa2")]);
    }

    #[test]
    fn an_unknown_type_in_a_family_the_feed_reads_is_unusable() {
        let mut c = ChangeSet::default();
        let e = c.add(&event("group.lifecycle.merge", vec![group("00g1")])).unwrap_err();
        assert_eq!(e.to_string(), "unknown System Log event type group.lifecycle.merge");
        assert!(c.add(&event("group.user_membership.move", vec![group("00g1"), user("00u1")])).is_err());
        // A membership event that does not name its user cannot be re-read.
        assert!(c.add(&event("group.user_membership.add", vec![group("00g1")])).is_err());
        assert!(c.add(&event("group.user_membership.rule.trigger", vec![])).is_ok());
    }

    #[test]
    fn every_effect_is_inside_the_feed_filter() {
        for (t, _) in EFFECTS {
            assert!(FEED_PREFIXES.iter().any(|p| t.starts_with(p)), "{t} is outside the feed's filter");
        }
        assert!(ChangeSet::feed_filter().starts_with("eventType sw \"user.lifecycle.\" or eventType sw \"user.mfa.factor.\""));
    }
}
