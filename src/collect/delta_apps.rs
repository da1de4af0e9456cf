//! The incremental sync's steps (docs/graph.md#incremental-sync) for applications, their assignments and the
//! System Log's CREATED edges. Applications are listed in full every time (a few calls); an assignment is
//! read again one (application, user or group) pair at a time, as the change feed names it.

use super::apps::{app_users_path, APPS_PAGE, APP_USERS_PAGE};
use super::delta::{cannot, scope};
use super::query::url_encode;
use super::scheduler::{StepFailure, StepResult};
use super::Collector;
use crate::graph::reconcile::{EdgeScope, End, Reconcile};
use crate::model::{self, kinds, AppInfo, NodeKind, RelKind};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

/// An application's assignment of one user or group, to read again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Pair {
    app: String,
    assignee: String,
}

fn group_app_kind(kind: &NodeKind) -> (&'static RelKind, &'static RelKind) {
    if kind == &kinds::APP_USER_GROUP {
        (&kinds::APP_USER_GROUP_ASSIGNED_APPLICATION, &kinds::APP_USER_GROUP_ASSIGNED_AWS_IAM_ROLE)
    } else {
        (&kinds::USER_GROUP_ASSIGNED_APPLICATION, &kinds::USER_GROUP_ASSIGNED_AWS_IAM_ROLE)
    }
}

impl Collector {
    /// The full list, as a full sync reads it; an application the graph holds and the list no longer has is
    /// gone, and so are its assignments.
    pub(super) async fn applications_delta(&self, items: &mut u64) -> StepResult {
        self.applications(items).await?;
        let listed: BTreeSet<String> = self.shared.apps().into_iter().map(|a| a.id).collect();
        let mut covered = Reconcile::default();
        for gone in self.delta().known.apps.iter().filter(|a| !listed.contains(&a.id)) {
            if gone.aws {
                // Its users' and groups' IAM roles come from every AWS app together: only a full sync can
                // tell which remain.
                return Err(cannot(format!("AWS application {} was deleted; the next sync is a full one", gone.id)));
            }
            for kind in
                [&kinds::USER_ASSIGNED_APPLICATION, &kinds::USER_GROUP_ASSIGNED_APPLICATION, &kinds::APP_USER_GROUP_ASSIGNED_APPLICATION]
            {
                covered.edges.push(scope(kind, End::To, &gone.id));
            }
        }
        self.covered(covered);
        Ok(())
    }

    /// Each (application, user) and (application, group) pair the feed names; for AWS applications, the
    /// assignee's pairs with every AWS application, since its IAM role edges come from all of them.
    pub(super) async fn app_assignments_delta(&self, items: &mut u64) -> StepResult {
        let c = &self.delta().changes;
        let apps: HashMap<String, AppInfo> = self.shared.apps().into_iter().map(|a| (a.id.clone(), a)).collect();
        let aws: Vec<&String> = apps.values().filter(|a| a.aws).map(|a| &a.id).collect();
        let mut covered = Reconcile::default();

        let mut user_pairs = BTreeSet::new();
        let mut aws_users = BTreeSet::new();
        let mut relist = Vec::new();
        for (app, users) in &c.app_users {
            let Some(info) = apps.get(app) else { continue }; // deleted: its edges go with it
            let users: Vec<&String> = users.iter().filter(|u| !c.deleted_users.contains(*u)).collect();
            // Many assignments of one app: its user list costs fewer calls than reading them one by one (not
            // for AWS apps, whose IAM role edges need each assignee's other AWS apps too).
            let assigned = self.delta().known.app_users.get(app).copied().unwrap_or(0) + users.len() as u64;
            if !info.aws && assigned.div_ceil(APP_USERS_PAGE as u64) < users.len() as u64 {
                relist.push(info.clone());
                covered.edges.push(scope(&kinds::USER_ASSIGNED_APPLICATION, End::To, app));
                continue;
            }
            for u in users {
                user_pairs.insert(Pair { app: app.clone(), assignee: u.clone() });
                if info.aws {
                    aws_users.insert(u.clone());
                }
            }
        }
        for u in &aws_users {
            user_pairs.extend(self.aws_apps_of(u, &aws).into_iter().map(|app| Pair { app, assignee: u.clone() }));
            covered.edges.push(scope(&kinds::USER_ASSIGNED_AWS_IAM_ROLE, End::From, u));
        }
        for p in &user_pairs {
            covered.edges.push(EdgeScope {
                kind: &kinds::USER_ASSIGNED_APPLICATION,
                end: End::From,
                key: p.assignee.clone(),
                other: Some(p.app.clone()),
            });
        }
        for u in &c.deleted_users {
            covered.edges.push(scope(&kinds::USER_ASSIGNED_APPLICATION, End::From, u));
            covered.edges.push(scope(&kinds::USER_ASSIGNED_AWS_IAM_ROLE, End::From, u));
        }

        let mut group_pairs = BTreeSet::new();
        let mut aws_groups = BTreeSet::new();
        for (app, groups) in &c.app_groups {
            let Some(info) = apps.get(app) else { continue };
            for g in groups.iter().filter(|g| !c.deleted_groups.contains(*g)) {
                group_pairs.insert(Pair { app: app.clone(), assignee: g.clone() });
                if info.aws {
                    aws_groups.insert(g.clone());
                }
            }
        }
        for g in &aws_groups {
            group_pairs.extend(self.aws_apps_of(g, &aws).into_iter().map(|app| Pair { app, assignee: g.clone() }));
            covered.edges.push(scope(group_app_kind(self.shared.group_kind(g)).1, End::From, g));
        }
        for p in &group_pairs {
            let kind = group_app_kind(self.shared.group_kind(&p.assignee)).0;
            covered.edges.push(EdgeScope { kind, end: End::From, key: p.assignee.clone(), other: Some(p.app.clone()) });
        }
        for g in &c.deleted_groups {
            for kind in [&kinds::USER_GROUP, &kinds::APP_USER_GROUP] {
                let (app_rel, aws_rel) = group_app_kind(kind);
                covered.edges.push(scope(app_rel, End::From, g));
                covered.edges.push(scope(aws_rel, End::From, g));
            }
        }
        self.covered(covered);

        let ctx = &self.ctx;
        let apps = &apps;
        // A user named for several applications (a deactivated user loses them all) is asked once which
        // applications it has; only those pairs need reading, the others are gone.
        let mut per_user: BTreeMap<&str, Vec<&Pair>> = BTreeMap::new();
        for p in &user_pairs {
            per_user.entry(p.assignee.as_str()).or_default().push(p);
        }
        let several: Vec<String> = per_user.iter().filter(|(_, ps)| ps.len() > 1).map(|(u, _)| u.to_string()).collect();
        let assigned: Mutex<BTreeSet<Pair>> = Mutex::default();
        let list_apps_of = |uid: String| {
            let assigned = &assigned;
            async move {
                let path = format!("/api/v1/apps?filter={}&limit={APPS_PAGE}", url_encode(&format!("user.id eq \"{uid}\"")));
                let mut ids = Vec::new();
                let n = self
                    .each_sub_page(&path, |a| {
                        ids.extend(model::object_id(a).map(String::from));
                        model::Records::default()
                    })
                    .await?;
                assigned.lock().expect("assigned").extend(ids.into_iter().map(|app| Pair { app, assignee: uid.clone() }));
                Ok::<u64, StepFailure>(n)
            }
        };
        self.each_object("app_assignments", "user", several.clone(), |u| u, list_apps_of, items).await?;
        let assigned = assigned.into_inner().expect("assigned");
        let several: BTreeSet<String> = several.into_iter().collect();
        user_pairs.retain(|p| !several.contains(&p.assignee) || assigned.contains(p));
        let read_user = |p: Pair| async move {
            let au =
                self.client.get_json::<Value>(&format!("/api/v1/apps/{}/users/{}", p.app, p.assignee)).await.map_err(StepFailure::Okta)?;
            self.send(model::app_user(ctx, &apps[&p.app], &au).unwrap_or_default()).await?;
            Ok::<u64, StepFailure>(1)
        };
        self.each_object("app_assignments", "assignment", user_pairs.into_iter().collect(), |p| &p.app, read_user, items).await?;
        let read_app_users = |app: AppInfo| async move {
            self.each_sub_page(&app_users_path(&app.id), |au| model::app_user(ctx, &app, au).unwrap_or_default()).await
        };
        self.each_object("app_assignments", "application", relist, |a| &a.id, read_app_users, items).await?;
        let read_group = |p: Pair| async move {
            let ag =
                self.client.get_json::<Value>(&format!("/api/v1/apps/{}/groups/{}", p.app, p.assignee)).await.map_err(StepFailure::Okta)?;
            let kind = self.shared.group_kind(&p.assignee);
            self.send(model::app_group(ctx, &apps[&p.app], kind, &ag).unwrap_or_default()).await?;
            Ok::<u64, StepFailure>(1)
        };
        self.each_object("app_assignments", "assignment", group_pairs.into_iter().collect(), |p| &p.app, read_group, items).await
    }

    /// The AWS applications (of `aws`, those listed now) an assignee's IAM role edges come from: those the graph
    /// has it assigned to, and those the change feed names it for.
    fn aws_apps_of(&self, assignee: &str, aws: &[&String]) -> BTreeSet<String> {
        let c = &self.delta().changes;
        let named = c.app_users.iter().chain(&c.app_groups).filter(|(_, ids)| ids.contains(assignee)).map(|(app, _)| app);
        let known = self.delta().aws_assignments.get(assignee).into_iter().flatten();
        named.chain(known).filter(|app| aws.contains(app)).cloned().collect()
    }

    /// CREATED edges of the applications created since the last sync (an application the graph already
    /// holds has its edge from the sync that first saw it).
    pub(super) async fn system_log_delta(&self, items: &mut u64) -> StepResult {
        let d = self.delta();
        let known: BTreeSet<&str> = d.known.apps.iter().map(|a| a.id.as_str()).collect();
        let edges = d.changes.creations.edges_for(&self.ctx, |app| !known.contains(app));
        *items += d.changes.events;
        self.send(model::Records::of_edges(edges)).await
    }
}
