//! Churn: a seeded mix of the mutations in `mutate/`, as `POST /sim/churn` and [`SimServer::churn`]
//! apply it to a served org.
//!
//! Kinds are dealt from a shuffled deck in which every kind appears (the hard cases for an incremental
//! sync more than once); the deck outlives a call ([`Org::churn_deck`]), so a few calls deal every kind.
//! A kind that has nothing to act on (no DEPROVISIONED user to delete, say) is skipped for the next card.
//!
//! A change is "late" with probability 0.2: its stamp (objects' times, events' `published`) is 1 to 60 s
//! before `now` while its events are still appended at the end of the log, as Okta persists an event after
//! its `published` time and polling pages in persistence order. `lastUpdated` filters are eventually
//! consistent in the same way: a late change may not show in a `lastUpdated gt` query made in the
//! meantime.
//!
//! [`SimServer::churn`]: crate::SimServer::churn

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::model::*;
use super::mutate::{SimRng, GRANTABLE_ROLES};
use super::rules::{self, Clause};

/// Every change kind with its number of cards in the deck. Weight 3: the cases an incremental sync finds
/// hardest (a login that comes back with a new id, a membership that comes and goes between two syncs,
/// rule-driven memberships by the system actor, factor resets, roles through a group).
const KINDS: &[(&str, usize)] = &[
    ("user.create", 2),
    ("user.update", 3),
    ("user.deactivate", 2),
    ("user.reactivate", 1),
    ("user.delete", 1),
    ("user.recreate", 3),
    ("group.member.add", 3),
    ("group.member.remove", 2),
    ("group.member.flap", 3),
    ("app.user.assign", 2),
    ("app.user.unassign", 1),
    ("app.group.assign", 1),
    ("app.group.unassign", 1),
    ("factor.enroll", 1),
    ("factor.reset", 3),
    ("role.user.grant", 1),
    ("role.user.revoke", 1),
    ("role.group.grant", 3),
    ("role.group.revoke", 1),
    ("rule.create", 3),
    ("rule.delete", 1),
    ("group.create", 1),
    ("group.delete", 1),
    ("app.create", 1),
    ("app.delete", 1),
];

/// The change kinds churn draws from, in the order of [`ChurnReport::by_kind`]'s documentation.
pub fn churn_kinds() -> Vec<&'static str> {
    KINDS.iter().map(|(k, _)| *k).collect()
}

const LATE_RATE: f64 = 0.2;
const LATE_MAX_MS: i64 = 60_000;
/// A rule created by churn adds between 1 and this many users.
const RULE_MAX_ADDED: usize = 20;
/// Groups assigned to apps by churn have at most this many members.
const SMALL_GROUP: usize = 50;

/// What one churn call did (the JSON answer of `POST /sim/churn`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChurnReport {
    /// Changes applied (a membership flap counts once).
    pub changes: usize,
    /// Changes per kind, e.g. `{"user.create": 3, "group.member.flap": 1}`; kinds are [`churn_kinds`].
    pub by_kind: BTreeMap<String, usize>,
    /// System Log events appended.
    pub events: usize,
    /// Late changes (see the module documentation).
    pub late: usize,
    pub changed: Vec<ChurnChange>,
}

/// One change. `ids` name what changed, main object first: `[userId]` for user kinds (`user.recreate`:
/// `[oldUserId, newUserId]`), `[groupId, userId]` for memberships, `[appId, userId]` / `[appId, groupId]`
/// for assignments, `[userId, factorId]`, `[assigneeId, roleAssignmentId]`, `[ruleId, groupId, addedUserId...]`,
/// `[ruleId]`, `[groupId]`, `[appId]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChurnChange {
    pub kind: String,
    pub ids: Vec<String>,
    /// Stamped before the call's `now` (see the module documentation).
    pub late: bool,
    /// The change's stamp: the changed objects' time and its events' `published`.
    pub published: String,
}

impl Org {
    /// Applies max(1, round(`fraction` × users)) changes drawn with `seed` (`fraction` is clamped to
    /// [0, 1]). The same org, seed and `now` give the same changes.
    pub fn churn(&mut self, fraction: f64, seed: u64, now: DateTime<Utc>) -> ChurnReport {
        let fraction = if fraction.is_finite() { fraction.clamp(0.0, 1.0) } else { 0.0 };
        let n = ((fraction * self.users.len() as f64).round() as usize).max(1);
        // the log's length varies the draws of calls that reuse a seed
        let mut rng = SimRng::seeded(seed ^ 0x6368_7572_6e00_0000 ^ (self.logs.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let first_event = self.logs.len();
        let deck_len: usize = KINDS.iter().map(|(_, w)| w).sum();
        let mut report = ChurnReport::default();
        let mut draws = 0;
        while report.changes < n && draws < 4 * n + 2 * deck_len {
            draws += 1;
            if self.churn_deck.is_empty() {
                let mut deck: Vec<String> = KINDS.iter().flat_map(|(k, w)| std::iter::repeat_n(k.to_string(), *w)).collect();
                deck.shuffle(&mut rng.0);
                self.churn_deck = deck;
            }
            let kind = self.churn_deck.pop().expect("deck refilled");
            let late = rng.0.gen_bool(LATE_RATE);
            let at = if late { now - Duration::milliseconds(rng.0.gen_range(1_000..=LATE_MAX_MS)) } else { now };
            let Some(ids) = self.churn_one(&kind, &mut rng, at) else { continue };
            report.changes += 1;
            report.late += usize::from(late);
            *report.by_kind.entry(kind.clone()).or_default() += 1;
            report.changed.push(ChurnChange { kind, ids, late, published: fmt_ts(&at) });
        }
        report.events = self.logs.len() - first_event;
        report
    }

    /// One change of `kind` on a random target, or `None` when the org has nothing it could act on.
    fn churn_one(&mut self, kind: &str, rng: &mut SimRng, at: DateTime<Utc>) -> Option<Vec<String>> {
        let ok = |r: Result<(), String>| r.map_err(|e| debug_assert!(false, "churn picked a bad target: {e}")).ok();
        match kind {
            "user.create" => Some(vec![self.create_user(rng, at)]),
            "user.update" => {
                let u = pick(&mut rng.0, &self.user_ids(|u| u.status != "DEPROVISIONED"))?;
                ok(self.update_user_profile(rng, at, &u))?;
                Some(vec![u])
            }
            "user.deactivate" => {
                // admins stay active: they are the actors of the changes
                let u =
                    pick(&mut rng.0, &self.user_ids(|u| u.status != "DEPROVISIONED" && !self.roles.iter().any(|r| r.assignee == u.id)))?;
                ok(self.deactivate_user(rng, at, &u))?;
                Some(vec![u])
            }
            "user.reactivate" | "user.delete" | "user.recreate" => {
                let u = pick(&mut rng.0, &self.user_ids(|u| u.status == "DEPROVISIONED"))?;
                match kind {
                    "user.reactivate" => ok(self.reactivate_user(rng, at, &u))?,
                    "user.delete" => ok(self.delete_user(rng, at, &u))?,
                    _ => {
                        let new = self.recreate_user(rng, at, &u).ok()?;
                        return Some(vec![u, new]);
                    }
                }
                Some(vec![u])
            }
            "group.member.add" | "group.member.flap" => {
                let (g, u) = self.pick_non_member(&mut rng.0)?;
                ok(if kind == "group.member.add" {
                    self.add_group_member(rng, at, &g, &u)
                } else {
                    self.flap_group_member(rng, at, &g, &u)
                })?;
                Some(vec![g, u])
            }
            "group.member.remove" => {
                let (g, u) = self.pick_removable_member(&mut rng.0)?;
                ok(self.remove_group_member(rng, at, &g, &u))?;
                Some(vec![g, u])
            }
            "app.user.assign" => {
                let a = pick(&mut rng.0, &self.apps.keys().cloned().collect::<Vec<_>>())?;
                let assigned = self.app_users.get(&a);
                let free = self.user_ids(|u| u.status != "DEPROVISIONED" && !assigned.is_some_and(|m| m.contains_key(&u.id)));
                let u = pick(&mut rng.0, &free)?;
                ok(self.assign_user_to_app(rng, at, &a, &u))?;
                Some(vec![a, u])
            }
            "app.user.unassign" => {
                let pairs: Vec<(String, String)> = self
                    .app_users
                    .iter()
                    .flat_map(|(a, m)| m.values().filter(|au| au.scope == "USER").map(move |au| (a.clone(), au.id.clone())))
                    .filter(|(a, u)| !self.covered_by_groups(a, u))
                    .collect();
                let (a, u) = pick(&mut rng.0, &pairs)?;
                ok(self.unassign_user_from_app(rng, at, &a, &u))?;
                Some(vec![a, u])
            }
            "app.group.assign" => {
                let a = pick(&mut rng.0, &self.apps.keys().cloned().collect::<Vec<_>>())?;
                let assigned = self.app_groups.get(&a);
                let small: Vec<String> = self
                    .groups
                    .values()
                    .filter(|g| g.kind == "OKTA_GROUP" && !assigned.is_some_and(|m| m.contains_key(&g.id)))
                    .filter(|g| self.group_members.get(&g.id).is_some_and(|m| (1..=SMALL_GROUP).contains(&m.len())))
                    .map(|g| g.id.clone())
                    .collect();
                let g = pick(&mut rng.0, &small)?;
                ok(self.assign_group_to_app(rng, at, &a, &g))?;
                Some(vec![a, g])
            }
            "app.group.unassign" => {
                let pairs: Vec<(String, String)> =
                    self.app_groups.iter().flat_map(|(a, m)| m.keys().map(move |g| (a.clone(), g.clone()))).collect();
                let (a, g) = pick(&mut rng.0, &pairs)?;
                ok(self.unassign_group_from_app(rng, at, &a, &g))?;
                Some(vec![a, g])
            }
            "factor.enroll" => {
                let u = pick(&mut rng.0, &self.user_ids(|u| u.status == "ACTIVE" && self.factors.get(&u.id).is_none_or(|f| f.len() < 3)))?;
                let f = self.enroll_factor(rng, at, &u).ok()?;
                Some(vec![u, f])
            }
            "factor.reset" => {
                let u = pick(&mut rng.0, &self.user_ids(|u| self.factors.get(&u.id).is_some_and(|f| !f.is_empty())))?;
                ok(self.reset_factors(rng, at, &u))?;
                Some(vec![u])
            }
            "role.user.grant" => {
                let u = pick(&mut rng.0, &self.user_ids(|u| u.status == "ACTIVE"))?;
                let role = pick(&mut rng.0, &self.roles_not_held(&u, "USER"))?;
                let ra = self.grant_user_role(rng, at, &u, role).ok()?;
                Some(vec![u, ra])
            }
            "role.group.grant" => {
                let with_members: Vec<String> = self
                    .groups
                    .values()
                    .filter(|g| g.kind == "OKTA_GROUP" && self.group_members.get(&g.id).is_some_and(|m| !m.is_empty()))
                    .map(|g| g.id.clone())
                    .collect();
                let g = pick(&mut rng.0, &with_members)?;
                let role = pick(&mut rng.0, &self.roles_not_held(&g, "GROUP"))?;
                let ra = self.grant_group_role(rng, at, &g, role).ok()?;
                Some(vec![g, ra])
            }
            "role.user.revoke" | "role.group.revoke" => {
                let at_type = if kind == "role.user.revoke" { "USER" } else { "GROUP" };
                // super admins stay: they hold the simulator's tokens
                let revocable: Vec<(String, String)> = self
                    .roles
                    .iter()
                    .filter(|r| r.assignment_type == at_type && r.role_type != "SUPER_ADMIN" && self.is_last_privilege(r))
                    .map(|r| (r.assignee.clone(), r.id.clone()))
                    .collect();
                let (who, ra) = pick(&mut rng.0, &revocable)?;
                ok(self.revoke_role(rng, at, &ra))?;
                Some(vec![who, ra])
            }
            "rule.create" => self.churn_rule(rng, at),
            "rule.delete" => {
                let rule = pick(&mut rng.0, &self.group_rules.keys().cloned().collect::<Vec<_>>())?;
                ok(self.delete_rule(&rule))?;
                Some(vec![rule])
            }
            "group.create" => Some(vec![self.create_group(rng, at)]),
            "group.delete" => {
                let free: Vec<String> = self
                    .groups
                    .values()
                    .filter(|g| g.kind == "OKTA_GROUP" && !self.app_groups.values().any(|ag| ag.contains_key(&g.id)))
                    .filter(|g| !self.group_rules.values().any(|r| rules::target_groups(r).contains(&g.id)))
                    .map(|g| g.id.clone())
                    .collect();
                let g = pick(&mut rng.0, &free)?;
                ok(self.delete_group(rng, at, &g))?;
                Some(vec![g])
            }
            "app.create" => Some(vec![self.create_app(rng, at)]),
            "app.delete" => {
                let sources: Vec<&str> = self.groups.values().filter_map(|g| g.source.as_ref()).map(|s| s.id.as_str()).collect();
                let free: Vec<String> = self
                    .apps
                    .values()
                    .filter(|a| a.name != "amazon_aws" && !sources.contains(&a.id.as_str()))
                    .map(|a| a.id.clone())
                    .collect();
                let a = pick(&mut rng.0, &free)?;
                ok(self.delete_app(rng, at, &a))?;
                Some(vec![a])
            }
            _ => None,
        }
    }

    fn user_ids(&self, pred: impl Fn(&User) -> bool) -> Vec<String> {
        self.users.values().filter(|u| pred(u)).map(|u| u.id.clone()).collect()
    }

    fn okta_group_ids(&self) -> Vec<String> {
        self.groups.values().filter(|g| g.kind == "OKTA_GROUP").map(|g| g.id.clone()).collect()
    }

    fn roles_not_held(&self, assignee: &str, assignment_type: &str) -> Vec<&'static str> {
        let held = |t: &str| self.roles.iter().any(|r| r.assignee == assignee && r.assignment_type == assignment_type && r.role_type == t);
        GRANTABLE_ROLES.iter().copied().filter(|t| !held(t)).collect()
    }

    /// An OKTA_GROUP and a user who is not DEPROVISIONED, not in it, and not put in it by an active rule.
    fn pick_non_member(&self, r: &mut StdRng) -> Option<(String, String)> {
        let groups = self.okta_group_ids();
        let users = self.user_ids(|u| u.status != "DEPROVISIONED");
        for _ in 0..8 {
            let g = pick(r, &groups)?;
            for _ in 0..8 {
                let u = pick(r, &users)?;
                if !self.is_member(&g, &u) && self.rule_member(&g, &u).is_none() {
                    return Some((g, u));
                }
            }
        }
        None
    }

    /// A member of an OKTA_GROUP whom no active rule of the group matches.
    fn pick_removable_member(&self, r: &mut StdRng) -> Option<(String, String)> {
        let groups: Vec<String> =
            self.okta_group_ids().into_iter().filter(|g| self.group_members.get(g).is_some_and(|m| !m.is_empty())).collect();
        for _ in 0..8 {
            let g = pick(r, &groups)?;
            let members: Vec<String> = self.group_members[&g].iter().filter(|u| self.users.contains_key(*u)).cloned().collect();
            for _ in 0..8 {
                let u = pick(r, &members)?;
                if self.rule_member(&g, &u).is_none() {
                    return Some((g, u));
                }
            }
        }
        None
    }

    /// A rule on an OKTA_GROUP whose expression (cost center, narrowed by department and title when needed)
    /// matches between 1 and [`RULE_MAX_ADDED`] users outside the group.
    fn churn_rule(&mut self, rng: &mut SimRng, at: DateTime<Utc>) -> Option<Vec<String>> {
        let groups = self.okta_group_ids();
        for _ in 0..8 {
            let g = pick(&mut rng.0, &groups)?;
            let outside = self.user_ids(|u| !self.is_member(&g, &u.id) && u.profile.cost_center.is_some());
            for _ in 0..6 {
                let seed_user = &self.users[&pick(&mut rng.0, &outside)?];
                let mut clauses: Vec<Clause> = Vec::new();
                for attr in ["costCenter", "department", "title"] {
                    let Some(value) = rules::profile_attr(&seed_user.profile, attr) else { continue };
                    clauses.push(Clause { attr: attr.to_string(), value });
                    let adds = self.users.values().filter(|u| rules::clauses_match(&clauses, u) && !self.is_member(&g, &u.id)).count();
                    if (1..=RULE_MAX_ADDED).contains(&adds) {
                        let created = self.create_rule(rng, at, &g, &rules::expression(&clauses)).ok()?;
                        let mut ids = vec![created.rule_id, g];
                        ids.extend(created.added);
                        return Some(ids);
                    }
                }
            }
        }
        None
    }
}

fn pick<T: Clone>(r: &mut StdRng, items: &[T]) -> Option<T> {
    items.choose(r).cloned()
}
