//! The roles step: the admin roles assigned to users and to groups.

use super::scheduler::{StepFailure, StepResult};
use super::Collector;
use crate::model::{self, kinds, NodeKind, Records, RoleGrant};
use futures::TryStreamExt;
use serde_json::Value;
use std::collections::HashMap;

/// `GET /api/v1/iam/assignees/users` page size: Okta's documented default, 100 (IAM Role Assignments API).
const ASSIGNEES_PAGE: usize = 100;

/// A user or group that may hold admin roles, and where its role assignments are listed.
pub(super) struct RoleHolder {
    pub(super) kind: &'static NodeKind,
    pub(super) id: String,
    pub(super) roles_path: String,
}

impl RoleHolder {
    pub(super) fn user(id: String) -> RoleHolder {
        RoleHolder { kind: &kinds::USER, roles_path: format!("/api/v1/users/{id}/roles"), id }
    }

    pub(super) fn group(kind: &'static NodeKind, id: String) -> RoleHolder {
        RoleHolder { kind, roles_path: format!("/api/v1/groups/{id}/roles"), id }
    }
}

impl Collector {
    /// Only users with role assignments (the IAM assignees list names them, paged in the body) and groups
    /// whose stats say they hold admin privileges are asked for their roles, users first, one at a time.
    pub(super) async fn roles(&self, items: &mut u64) -> StepResult {
        let holders = self.role_holders().await?;
        self.read_roles(holders, items).await
    }

    /// Everyone who may hold admin roles: the users the IAM assignees list names, then the groups whose stats
    /// say they hold admin privileges (in an incremental run, the graph's `hasAdminPrivilege` for a group not
    /// listed again).
    pub(super) async fn role_holders(&self) -> Result<Vec<RoleHolder>, StepFailure> {
        let assignees: Vec<Option<String>> = self
            .client
            .list_body_paged::<Value>(&format!("/api/v1/iam/assignees/users?limit={ASSIGNEES_PAGE}"))
            .map_ok(|v| model::object_id(&v).map(String::from))
            .try_collect()
            .await
            .map_err(StepFailure::Okta)?;
        let users = assignees.into_iter().flatten().filter(|id| !id.is_empty());
        let holders: Vec<RoleHolder> = users
            .map(RoleHolder::user)
            .chain(self.shared.groups().into_iter().filter(|g| g.has_admin).map(|g| RoleHolder::group(g.kind, g.id)))
            .collect();
        Ok(holders)
    }

    /// The role assignments of each holder, one call each, one at a time; a custom role's permissions are read
    /// once per custom role. The assignments are kept for the role_targets step.
    pub(super) async fn read_roles(&self, holders: Vec<RoleHolder>, items: &mut u64) -> StepResult {
        let mut recs = Records::default();
        let mut grants = Vec::new();
        let mut permissions: HashMap<String, Option<Vec<String>>> = HashMap::new();
        for h in holders {
            self.check_cancel()?;
            match self.client.get_json::<Vec<Value>>(&h.roles_path).await {
                Ok(roles) => {
                    for r in &roles {
                        let mut rec = model::role_assignment(&self.ctx, h.kind, &h.id, r).unwrap_or_default();
                        if let Some(custom) =
                            r.get("role").and_then(Value::as_str).filter(|_| r.get("type").and_then(Value::as_str) == Some("CUSTOM"))
                        {
                            if !permissions.contains_key(custom) {
                                let p = self.custom_role_permissions(custom).await?;
                                permissions.insert(custom.to_string(), p);
                            }
                            if let Some(Some(p)) = permissions.get(custom) {
                                rec = model::with_permissions(rec, p);
                            }
                        }
                        recs.extend(rec);
                        grants.extend(RoleGrant::from_assignment(&self.ctx, h.kind, &h.id, r));
                    }
                    *items += roles.len() as u64;
                }
                // Deleted since it was listed.
                Err(e) if e.is_not_found() => continue,
                Err(e) => return Err(StepFailure::Okta(e)),
            }
        }
        self.progress("roles", *items);
        self.shared.add_role_grants(grants);
        self.send(recs).await
    }

    /// The permissions of a custom role (`GET /api/v1/iam/roles/{id}/permissions`, paged in the body); none
    /// when the role was deleted since its assignment was listed.
    async fn custom_role_permissions(&self, role_id: &str) -> Result<Option<Vec<String>>, StepFailure> {
        let path = format!("/api/v1/iam/roles/{role_id}/permissions");
        match self.client.list_body_paged::<Value>(&path).try_collect::<Vec<Value>>().await {
            Ok(items) => Ok(Some(model::permission_labels(&items))),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(StepFailure::Okta(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_paths() {
        assert_eq!(RoleHolder::user("00u1".into()).roles_path, "/api/v1/users/00u1/roles");
        let g = RoleHolder::group(&kinds::APP_USER_GROUP, "00g1".into());
        assert_eq!((g.roles_path.as_str(), g.kind.type_name), ("/api/v1/groups/00g1/roles", "okta_app_user_group"));
        assert_eq!(format!("/api/v1/iam/assignees/users?limit={ASSIGNEES_PAGE}"), "/api/v1/iam/assignees/users?limit=100");
    }
}
