//! The role_targets step: what each admin role assignment limited to groups or apps (its targets), or bound
//! to a resource set (custom roles), lets its assignee administer, as ADMINISTERS edges.

use super::query::url_encode;
use super::scheduler::{StepFailure, StepResult};
use super::Collector;
use crate::model::{self, kinds, Administers, RoleGrant, Scope};
use futures::TryStreamExt;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// `.../roles/{roleAssignmentId}/targets/groups` and `.../targets/catalog/apps` page size: Okta's documented
/// maximum, 20 (`limit` 1..20, default 20; User and Group Role Targets APIs).
const TARGETS_PAGE: usize = 20;

/// `GET /api/v1/iam/resource-sets/{id}/resources` page size: Okta's documented default, 100 (Resource Set
/// Resources API; no larger maximum is documented).
const RESOURCES_PAGE: usize = 100;

/// `GET /api/v1/apps` page size: Okta's documented maximum, 200 (Applications API).
const APPS_PAGE: usize = 200;

fn resources_path(resource_set: &str) -> String {
    format!("/api/v1/iam/resource-sets/{resource_set}/resources?limit={RESOURCES_PAGE}")
}

fn apps_named_path(name: &str) -> String {
    format!("/api/v1/apps?limit={APPS_PAGE}&filter={}", url_encode(&format!("name eq \"{name}\"")))
}

impl Collector {
    /// A full sync reads the targets of the assignments the roles step read; an incremental one (the roles step
    /// then reads only what changed) finds every admin role holder itself, so the step is read in full either way.
    pub(super) async fn role_targets(&self, items: &mut u64) -> StepResult {
        let grants = if self.delta.is_some() { self.current_role_grants().await? } else { self.shared.role_grants() };
        // Only groups and apps that exist now are administered (a resource set may still name a deleted group).
        let mut groups: HashSet<String> = self.shared.groups().into_iter().map(|g| g.id).collect();
        if let Some(d) = &self.delta {
            groups.retain(|g| !d.changes.deleted_groups.contains(g));
        }
        let apps: HashSet<String> = self.shared.apps().into_iter().map(|a| a.id).collect();
        let mut administers = Administers::default();
        let mut resource_sets: HashMap<String, Vec<Scope>> = HashMap::new();
        let mut apps_named: HashMap<String, Vec<String>> = HashMap::new();
        for g in &grants {
            self.check_cancel()?;
            let scopes = match self.grant_scopes(g, &mut resource_sets).await {
                Ok(s) => s,
                // The assignment (or its holder) went away since it was listed.
                Err(StepFailure::Okta(e)) if e.is_not_found() => continue,
                Err(e) => return Err(e),
            };
            for scope in scopes {
                match scope {
                    Scope::Group(id) if groups.contains(&id) => administers.add(g, self.shared.group_kind(&id), &id),
                    Scope::App(id) if apps.contains(&id) => administers.add(g, &kinds::APPLICATION, &id),
                    Scope::Group(_) | Scope::App(_) => {}
                    Scope::AppName(name) => {
                        if !apps_named.contains_key(&name) {
                            let ids = self.app_ids_named(&name).await?;
                            apps_named.insert(name.clone(), ids);
                        }
                        for id in apps_named[&name].iter().filter(|id| apps.contains(*id)) {
                            administers.add(g, &kinds::APPLICATION, id);
                        }
                    }
                    Scope::Other => {}
                }
            }
            *items += 1;
            self.progress("role_targets", *items);
        }
        self.send(administers.records(&self.ctx)).await
    }

    /// Every role assignment of every admin role holder, read now.
    async fn current_role_grants(&self) -> Result<Vec<RoleGrant>, StepFailure> {
        let mut grants = Vec::new();
        for h in self.role_holders().await? {
            self.check_cancel()?;
            match self.client.get_json::<Vec<Value>>(&h.roles_path).await {
                Ok(roles) => grants.extend(roles.iter().filter_map(|r| RoleGrant::from_assignment(&self.ctx, h.kind, &h.id, r))),
                Err(e) if e.is_not_found() => continue,
                Err(e) => return Err(StepFailure::Okta(e)),
            }
        }
        Ok(grants)
    }

    /// What one assignment's targets (or resource set) name; nothing for an org-wide assignment.
    async fn grant_scopes(&self, g: &RoleGrant, resource_sets: &mut HashMap<String, Vec<Scope>>) -> Result<Vec<Scope>, StepFailure> {
        let mut scopes = Vec::new();
        if let Some(path) = g.group_targets_path(TARGETS_PAGE) {
            let targets: Vec<Value> = self.client.list::<Value>(&path).try_collect().await.map_err(StepFailure::Okta)?;
            scopes.extend(targets.iter().filter_map(model::group_target));
        }
        if let Some(path) = g.app_targets_path(TARGETS_PAGE) {
            let targets: Vec<Value> = self.client.list::<Value>(&path).try_collect().await.map_err(StepFailure::Okta)?;
            scopes.extend(targets.iter().filter_map(model::app_target));
        }
        if let Some(rs) = &g.resource_set {
            if !resource_sets.contains_key(rs) {
                let read: Result<Vec<Value>, _> = self.client.list_body_paged::<Value>(&resources_path(rs)).try_collect().await;
                let resources = match read {
                    Ok(r) => r,
                    // A resource set deleted since the assignment was listed bounds nothing.
                    Err(e) if e.is_not_found() => Vec::new(),
                    Err(e) => return Err(StepFailure::Okta(e)),
                };
                resource_sets.insert(rs.clone(), resources.iter().map(model::resource_scope).collect());
            }
            scopes.extend(resource_sets[rs].iter().cloned());
        }
        Ok(scopes)
    }

    /// The instances of a catalog app (`name eq "..."`).
    async fn app_ids_named(&self, name: &str) -> Result<Vec<String>, StepFailure> {
        let apps: Vec<Value> = self.client.list::<Value>(&apps_named_path(name)).try_collect().await.map_err(StepFailure::Okta)?;
        Ok(apps
            .iter()
            .filter(|a| a.get("name").and_then(Value::as_str) == Some(name))
            .filter_map(|a| model::object_id(a).map(String::from))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths() {
        assert_eq!(super::resources_path("iam1"), "/api/v1/iam/resource-sets/iam1/resources?limit=100");
        assert_eq!(super::apps_named_path("salesforce"), "/api/v1/apps?limit=200&filter=name%20eq%20%22salesforce%22");
    }
}
