//! The incremental sync's steps (docs/graph.md#incremental-sync) for users, groups, memberships, factors and
//! roles: read again exactly what changed (the `lastUpdated` filters and the objects the change feed names),
//! and declare for each re-read what it covered, so what was not seen there is soft-deleted as a full sweep
//! would. Applications, their assignments and the System Log are in `delta_apps`.

use super::groups::{members_path, GROUPS_PAGE, MEMBERS_PAGE};
use super::query::{okta_time, url_encode};
use super::roles::RoleHolder;
use super::scheduler::{StepFailure, StepResult};
use super::users::USERS_PAGE;
use super::Collector;
use crate::graph::known::Known;
use crate::graph::reconcile::{EdgeScope, End, Reconcile};
use crate::model::{self, kinds, ChangeSet, GroupInfo, NodeKind, Records, RelKind};
use chrono::{DateTime, FixedOffset};
use std::collections::{BTreeSet, HashMap};

/// Ids per `id eq` group filter: keeps the URL short.
const IDS_PER_FILTER: usize = 20;

/// What an incremental run works from.
pub(crate) struct Delta {
    /// Users and groups changed after this (the previous run's start, less a margin: `lastUpdated` is
    /// eventually consistent) are read again.
    pub changed_since: DateTime<FixedOffset>,
    pub changes: ChangeSet,
    pub known: Known,
    /// Groups to read again although nothing of theirs changed: their member or app counts did (they held a
    /// deleted user or were assigned to a deleted application).
    pub recount_groups: BTreeSet<String>,
    /// For users and groups whose assignment to an AWS application changed: the AWS applications the graph
    /// says they are assigned to (their IAM role edges are the union over all of them).
    pub aws_assignments: HashMap<String, BTreeSet<String>>,
}

impl Delta {
    fn known_deprovisioned(&self) -> HashMap<&str, bool> {
        self.known.users.iter().map(|u| (u.id.as_str(), u.deprovisioned)).collect()
    }
}

/// The membership relationship type for a group of `kind`.
fn membership_kind(kind: &NodeKind) -> &'static RelKind {
    if kind == &kinds::APP_USER_GROUP {
        &kinds::APP_USER_GROUP_HAS_USER
    } else {
        &kinds::USER_GROUP_HAS_USER
    }
}

fn role_kind(kind: &NodeKind) -> &'static RelKind {
    if kind == &kinds::APP_USER_GROUP {
        &kinds::APP_USER_GROUP_ASSIGNED_ROLE
    } else {
        &kinds::USER_GROUP_ASSIGNED_ROLE
    }
}

pub(super) fn scope(kind: &'static RelKind, end: End, key: &str) -> EdgeScope {
    EdgeScope { kind, end, key: key.to_string(), other: None }
}

impl Collector {
    pub(super) fn delta(&self) -> &Delta {
        self.delta.as_ref().expect("incremental steps run with a delta")
    }

    /// Records what this run read again in full (reconciled after every write has landed).
    pub(super) fn covered(&self, r: Reconcile) {
        self.reconcile.lock().expect("reconcile").extend(r);
    }

    pub(super) async fn users_delta(&self, items: &mut u64) -> StepResult {
        let d = self.delta();
        let filter = format!("lastUpdated gt \"{}\"", okta_time(d.changed_since));
        let path = format!("/api/v1/users?limit={USERS_PAGE}&filter={}", url_encode(&filter));
        let users = self.read_users(&path, items).await?;
        let mut covered = Reconcile::default();
        // A listed user's employee link was read again (its employee number may have changed).
        covered.edges.extend(users.iter().map(|u| scope(&kinds::USER_IS_EMPLOYEE, End::From, &u.id)));
        for u in &d.changes.deleted_users {
            covered.nodes.push((&kinds::USER, u.clone()));
            covered.edges.push(scope(&kinds::ACCOUNT_HAS_USER, End::To, u));
            covered.edges.push(scope(&kinds::USER_IS_EMPLOYEE, End::From, u));
        }
        self.covered(covered);
        self.shared.set_users(users);
        Ok(())
    }

    pub(super) async fn groups_delta(&self, items: &mut u64) -> StepResult {
        let d = self.delta();
        let c = &d.changes;
        let since = okta_time(d.changed_since);
        let changed = format!("lastUpdated gt \"{since}\" or lastMembershipUpdated gt \"{since}\"");
        // Groups whose stats (members, apps, admin privilege) may have moved without their own change.
        let again: BTreeSet<&String> = c
            .memberships
            .keys()
            .chain(c.app_groups.values().flatten())
            .chain(&c.role_groups)
            .chain(&d.recount_groups)
            .filter(|g| !c.deleted_groups.contains(*g))
            .collect();
        let again: Vec<&String> = again.into_iter().collect();
        let filters = std::iter::once(changed)
            .chain(again.chunks(IDS_PER_FILTER).map(|ids| ids.iter().map(|id| format!("id eq \"{id}\"")).collect::<Vec<_>>().join(" or ")));
        let mut listed = Vec::new();
        let ctx = &self.ctx;
        for filter in filters {
            let path = format!("/api/v1/groups?limit={GROUPS_PAGE}&expand=stats&filter={}", url_encode(&filter));
            self.each_page(&path, "groups", items, |g| {
                let Some(r) = model::group(ctx, g) else { return Records::default() };
                listed.extend(GroupInfo::from_group(g));
                r
            })
            .await?;
        }
        let mut covered = Reconcile::default();
        for g in &c.deleted_groups {
            let kind = d.known.groups.iter().find(|k| &k.id == g).map(|k| k.kind).unwrap_or(&kinds::USER_GROUP);
            covered.nodes.push((kind, g.clone()));
            let has = if kind == &kinds::APP_USER_GROUP { &kinds::ACCOUNT_HAS_APP_USER_GROUP } else { &kinds::ACCOUNT_HAS_USER_GROUP };
            covered.edges.push(scope(has, End::To, g));
        }
        self.covered(covered);
        // Later steps look kinds up among every group: the graph's, updated by what was listed now.
        let mut all: HashMap<String, GroupInfo> = d.known.groups.iter().map(|g| (g.id.clone(), g.clone())).collect();
        all.extend(listed.iter().map(|g| (g.id.clone(), g.clone())));
        self.shared.set_groups(all.into_values().collect());
        self.shared.set_listed_groups(listed);
        Ok(())
    }

    /// Everyone's members from the listed users; a changed membership from the group's member list when that
    /// costs no more calls than asking each named user for its groups, else from each user's groups.
    pub(super) async fn memberships_delta(&self, items: &mut u64) -> StepResult {
        let d = self.delta();
        let c = &d.changes;
        let ctx = &self.ctx;
        let groups = self.shared.groups();
        let users = self.shared.user_ids();
        for g in groups.iter().filter(|g| g.everyone) {
            let edges: Vec<_> = users.iter().map(|u| model::membership(ctx, g.kind, &g.id, u)).collect();
            *items += edges.len() as u64;
            self.send(Records::of_edges(edges)).await?;
        }
        let everyone: BTreeSet<&str> = groups.iter().filter(|g| g.everyone).map(|g| g.id.as_str()).collect();
        let sizes: HashMap<String, Option<i64>> = self.shared.listed_groups().into_iter().map(|g| (g.id, g.users_count)).collect();
        let mut relist = Vec::new();
        let mut per_user: BTreeSet<String> = BTreeSet::new();
        for (g, named) in &c.memberships {
            if everyone.contains(g.as_str()) || c.deleted_groups.contains(g) {
                continue;
            }
            let named: BTreeSet<&String> = named.iter().filter(|u| !c.deleted_users.contains(*u)).collect();
            let pages = sizes.get(g).copied().flatten().map(|n| (n.max(0) as usize).div_ceil(MEMBERS_PAGE).max(1));
            match pages {
                Some(p) if p <= named.len() => relist.push(self.shared.group_info(g)),
                _ => per_user.extend(named.into_iter().cloned()),
            }
        }
        let mut covered = Reconcile::default();
        for g in &relist {
            covered.edges.push(scope(membership_kind(g.kind), End::From, &g.id));
        }
        for u in per_user.iter().chain(&c.deleted_users) {
            covered.edges.push(scope(&kinds::USER_GROUP_HAS_USER, End::To, u));
            covered.edges.push(scope(&kinds::APP_USER_GROUP_HAS_USER, End::To, u));
        }
        for g in &c.deleted_groups {
            covered.edges.push(scope(&kinds::USER_GROUP_HAS_USER, End::From, g));
            covered.edges.push(scope(&kinds::APP_USER_GROUP_HAS_USER, End::From, g));
        }
        self.covered(covered);
        let read_members = |g: GroupInfo| async move {
            self.each_sub_page(&members_path(&g.id), |u| {
                model::member_edge(ctx, g.kind, &g.id, u).map(|e| Records::of_edges(vec![e])).unwrap_or_default()
            })
            .await
        };
        self.each_object("memberships", "group", relist, |g| &g.id, read_members, items).await?;
        let read_groups_of = |uid: String| async move {
            self.each_sub_page(&format!("/api/v1/users/{uid}/groups"), |g| {
                let Some(gid) = model::object_id(g) else { return Records::default() };
                Records::of_edges(vec![model::membership(ctx, self.shared.group_kind(gid), gid, &uid)])
            })
            .await
        };
        self.each_object("memberships", "user", per_user.into_iter().collect(), |u| u, read_groups_of, items).await
    }

    /// The factors of users named by factor events, and of users who gained or lost the right to have them
    /// (deprovisioned users have none in the graph, as a full sync reads none for them).
    pub(super) async fn factors_delta(&self, items: &mut u64) -> StepResult {
        let d = self.delta();
        let c = &d.changes;
        let before = d.known_deprovisioned();
        let now: HashMap<String, bool> = self.shared.users().into_iter().map(|u| (u.id, u.deprovisioned)).collect();
        let deprovisioned = |u: &str| now.get(u).or_else(|| before.get(u)).copied().unwrap_or(false);
        let mut read = BTreeSet::new();
        let mut clear = BTreeSet::new();
        for (u, &is) in &now {
            match (before.get(u.as_str()).copied(), is) {
                (Some(false), true) => {
                    clear.insert(u.clone());
                }
                (None | Some(true), false) => {
                    read.insert(u.clone());
                }
                _ => {}
            }
        }
        for u in c.factor_users.iter().filter(|u| !c.deleted_users.contains(*u)) {
            if deprovisioned(u) {
                clear.insert(u.clone());
            } else {
                read.insert(u.clone());
            }
        }
        let mut covered = Reconcile::default();
        for u in read.iter().chain(&clear).chain(&c.deleted_users) {
            covered.edges.push(scope(&kinds::USER_ASSIGNED_MFA_DEVICE, End::From, u));
            covered.owned.push((&kinds::USER_ASSIGNED_MFA_DEVICE, u.clone()));
        }
        self.covered(covered);
        self.read_factors(read.into_iter().collect(), items).await
    }

    /// The roles of users and groups named by privilege events; role nodes nobody holds any more go.
    pub(super) async fn roles_delta(&self, items: &mut u64) -> StepResult {
        let c = &self.delta().changes;
        let users = c.role_users.iter().filter(|u| !c.deleted_users.contains(*u));
        let groups = c.role_groups.iter().filter(|g| !c.deleted_groups.contains(*g));
        let mut covered = Reconcile { orphans: vec![&kinds::ROLE], ..Default::default() };
        let mut holders = Vec::new();
        for u in users {
            holders.push(RoleHolder::user(u.clone()));
        }
        for g in groups {
            holders.push(RoleHolder::group(self.shared.group_kind(g), g.clone()));
        }
        for h in &holders {
            covered.edges.push(scope(
                if h.kind == &kinds::USER { &kinds::USER_ASSIGNED_ROLE } else { role_kind(h.kind) },
                End::From,
                &h.id,
            ));
        }
        for u in &c.deleted_users {
            covered.edges.push(scope(&kinds::USER_ASSIGNED_ROLE, End::From, u));
        }
        for g in &c.deleted_groups {
            covered.edges.push(scope(&kinds::USER_GROUP_ASSIGNED_ROLE, End::From, g));
            covered.edges.push(scope(&kinds::APP_USER_GROUP_ASSIGNED_ROLE, End::From, g));
        }
        // Declared only once the reads succeed: a 403 (no permission) must leave the roles as they are.
        self.read_roles(holders, items).await?;
        self.covered(covered);
        Ok(())
    }
}

/// A step that cannot finish incrementally (the run is partial, and the next one full).
pub(super) fn cannot(why: String) -> StepFailure {
    StepFailure::Incomplete(why)
}
