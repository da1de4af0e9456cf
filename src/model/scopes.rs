//! Admin role scopes, authenticators and devices (docs/graph.md#entities, #relationships): JSON in, records out.
//!
//! A role assignment limited to some groups or apps (its *targets*), or a custom role bound to a resource set,
//! becomes `ADMINISTERS` edges from the assignee (a user or a group, never a group's members) to what it may
//! administer. An org-wide assignment administers nothing in particular: no edge.

use super::kinds::{self, NodeKind, RelKind, REL_KINDS};
use super::map::{edge, finish_names, get, node, put_json, put_str, put_time, role_key, s};
use super::value::Prop;
use super::{Context, Records};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Standard roles Okta lets an admin limit to groups (User Role Targets API: group targets are for
/// `USER_ADMIN`, `HELP_DESK_ADMIN` and `GROUP_MEMBERSHIP_ADMIN` assignments).
pub(crate) const GROUP_TARGET_ROLES: &[&str] = &["USER_ADMIN", "HELP_DESK_ADMIN", "GROUP_MEMBERSHIP_ADMIN"];
/// Standard roles Okta lets an admin limit to apps or app instances (app targets are for `APP_ADMIN`).
pub(crate) const APP_TARGET_ROLES: &[&str] = &["APP_ADMIN"];

/// One role assignment of a user or group, as the role_targets step needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleGrant {
    pub holder_kind: &'static NodeKind,
    pub holder_id: String,
    /// The role assignment's `id` (the `{roleAssignmentId}` of the targets paths).
    pub assignment_id: String,
    pub role_type: String,
    /// The `okta_role` node's `_key`.
    pub role_key: String,
    /// CUSTOM roles: the resource set the assignment is bound to.
    pub resource_set: Option<String>,
}

impl RoleGrant {
    /// From one item of `GET /api/v1/users/{id}/roles` or `/groups/{id}/roles`; a user's assignments inherited
    /// from a group are the group's (as for the ASSIGNED edges).
    pub fn from_assignment(ctx: &Context, holder_kind: &'static NodeKind, holder_id: &str, r: &Value) -> Option<RoleGrant> {
        if holder_kind == &kinds::USER && s(r, &["assignmentType"]).is_some_and(|t| t != "USER") {
            return None;
        }
        let role_type = s(r, &["type"])?.to_string();
        Some(RoleGrant {
            holder_kind,
            holder_id: holder_id.to_string(),
            assignment_id: s(r, &["id"])?.to_string(),
            role_key: role_key(ctx, r)?,
            resource_set: s(r, &["resource-set"]).filter(|_| role_type == "CUSTOM").map(String::from),
            role_type,
        })
    }

    /// The holder's roles path: `/api/v1/users/{id}` or `/api/v1/groups/{id}`.
    fn holder_path(&self) -> String {
        let what = if self.holder_kind == &kinds::USER { "users" } else { "groups" };
        format!("/api/v1/{what}/{}/roles/{}", self.holder_id, self.assignment_id)
    }

    /// `.../targets/groups` for the roles Okta limits to groups.
    pub(crate) fn group_targets_path(&self, limit: usize) -> Option<String> {
        GROUP_TARGET_ROLES.contains(&self.role_type.as_str()).then(|| format!("{}/targets/groups?limit={limit}", self.holder_path()))
    }

    /// `.../targets/catalog/apps` for the roles Okta limits to apps.
    pub(crate) fn app_targets_path(&self, limit: usize) -> Option<String> {
        APP_TARGET_ROLES.contains(&self.role_type.as_str()).then(|| format!("{}/targets/catalog/apps?limit={limit}", self.holder_path()))
    }
}

/// What one target or resource-set resource lets its admin administer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Scope {
    /// One group (its members included).
    Group(String),
    /// One app instance.
    App(String),
    /// Every instance of an OIN catalog app, by its app `name` (e.g. `salesforce`).
    AppName(String),
    /// Something org-wide (all users, all groups, all apps) or outside the graph: no edge.
    Other,
}

/// One item of `.../targets/groups`: a group object.
pub(crate) fn group_target(t: &Value) -> Option<Scope> {
    Some(Scope::Group(s(t, &["id"])?.to_string()))
}

/// One item of `.../targets/catalog/apps`: an app instance carries its `id`, a whole catalog app only its `name`.
pub(crate) fn app_target(t: &Value) -> Option<Scope> {
    match (s(t, &["id"]), s(t, &["name"])) {
        (Some(id), _) => Some(Scope::App(id.to_string())),
        (None, Some(name)) => Some(Scope::AppName(name.to_string())),
        _ => None,
    }
}

/// One item of `GET /api/v1/iam/resource-sets/{id}/resources`: by its ORN, else its `_links.self.href`.
pub(crate) fn resource_scope(r: &Value) -> Scope {
    if let Some(orn) = s(r, &["orn"]) {
        return orn_scope(orn);
    }
    s(r, &["_links", "self", "href"]).map(href_scope).unwrap_or(Scope::Other)
}

/// `orn:<partition>:directory:<org>:groups:<id>` (and `...:<id>:contained_resources`, the group's users),
/// `orn:<partition>:idp:<org>:apps:<id or app name>`; `...:groups`, `...:apps`, `...:users` are org-wide.
fn orn_scope(orn: &str) -> Scope {
    let parts: Vec<&str> = orn.split(':').collect();
    match parts.get(4..).unwrap_or_default() {
        ["groups", id, ..] => Scope::Group(id.to_string()),
        ["apps", id] if id.starts_with("0oa") => Scope::App(id.to_string()),
        ["apps", name] => Scope::AppName(name.to_string()),
        _ => Scope::Other,
    }
}

/// `https://<org>/api/v1/groups/<id>` (or `.../users`), `https://<org>/api/v1/apps/<id>`.
fn href_scope(href: &str) -> Scope {
    let path = href.split("/api/v1/").nth(1).unwrap_or_default();
    let path = path.split('?').next().unwrap_or_default();
    let segs: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    match segs.as_slice() {
        ["groups", id] | ["groups", id, "users"] => Scope::Group(id.to_string()),
        ["apps", id] => Scope::App(id.to_string()),
        _ => Scope::Other,
    }
}

/// The `ADMINISTERS` relationship type from an assignee of `from` to a target of `to`.
pub(crate) fn administers_kind(from: &NodeKind, to: &NodeKind) -> Option<&'static RelKind> {
    REL_KINDS.iter().copied().find(|k| k.class == "ADMINISTERS" && k.from == from && k.to == to)
}

/// An (assignee type, assignee key, target type, target key) pair.
type Pair = (&'static str, String, &'static str, String);

/// `ADMINISTERS` edges gathered over every role of every assignee: one edge per (assignee, target), carrying
/// every role through which the assignee administers the target.
#[derive(Debug, Default)]
pub struct Administers {
    /// (from type, from key, to type, to key) → (role type, role key).
    edges: BTreeMap<Pair, BTreeSet<(String, String)>>,
}

impl Administers {
    /// `grant`'s holder administers the node `to` of kind `to_kind`.
    pub fn add(&mut self, grant: &RoleGrant, to_kind: &'static NodeKind, to: &str) {
        let k = (grant.holder_kind.type_name, grant.holder_id.clone(), to_kind.type_name, to.to_string());
        self.edges.entry(k).or_default().insert((grant.role_type.clone(), grant.role_key.clone()));
    }

    /// The number of (assignee, target) pairs.
    pub fn len(&self) -> usize {
        self.edges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    /// The edges: `roleTypes` and `roleKeys` list every role (sorted by role type, then key, pairwise aligned;
    /// a type appears once per role key), `roleType` and `roleKey` are the first of them.
    pub fn records(self, ctx: &Context) -> Records {
        let mut out = Records::default();
        for ((from_t, from, to_t, to), roles) in self.edges {
            let (Some(fk), Some(tk)) = (kinds::node_kind(from_t), kinds::node_kind(to_t)) else { continue };
            let Some(kind) = administers_kind(fk, tk) else { continue };
            out.edges.push(administers_edge(ctx, kind, &from, &to, &roles));
        }
        out
    }
}

fn administers_edge(ctx: &Context, kind: &'static RelKind, from: &str, to: &str, roles: &BTreeSet<(String, String)>) -> super::EdgeRecord {
    let mut e = edge(ctx, kind, from, to);
    let p = &mut e.props;
    if let Some((t, k)) = roles.iter().next() {
        p.insert("roleType".into(), t.as_str().into());
        p.insert("roleKey".into(), k.as_str().into());
    }
    p.insert("roleTypes".into(), Prop::List(roles.iter().map(|(t, _)| Prop::from(t.as_str())).collect()));
    p.insert("roleKeys".into(), Prop::List(roles.iter().map(|(_, k)| Prop::from(k.as_str())).collect()));
    e
}

/// The `permissions` of a custom role: the `label`s of `GET /api/v1/iam/roles/{id}/permissions` items, sorted.
pub(crate) fn permission_labels(items: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = items.iter().filter_map(|p| s(p, &["label"]).map(String::from)).collect();
    out.sort();
    out.dedup();
    out
}

/// Puts a custom role's `permissions` on the `okta_role` nodes of `recs`.
pub(crate) fn with_permissions(mut recs: Records, permissions: &[String]) -> Records {
    for n in recs.nodes.iter_mut().filter(|n| n.kind == &kinds::ROLE) {
        n.props.insert("permissions".into(), Prop::List(permissions.iter().map(|p| Prop::from(p.as_str())).collect()));
    }
    recs
}

/// The authenticator `settings` kept, as flat properties (Authenticators API: `allowedFor`,
/// `tokenLifetimeInMinutes` (email), `userVerification`, `appInstanceId`, `channelBinding` and `compliance`
/// (Okta Verify)).
const AUTHENTICATOR_SETTINGS: &[(&str, &[&str])] = &[
    ("allowedFor", &["settings", "allowedFor"]),
    ("tokenLifetimeInMinutes", &["settings", "tokenLifetimeInMinutes"]),
    ("userVerification", &["settings", "userVerification"]),
    ("appInstanceId", &["settings", "appInstanceId"]),
    ("channelBindingStyle", &["settings", "channelBinding", "style"]),
    ("channelBindingRequired", &["settings", "channelBinding", "required"]),
    ("complianceFips", &["settings", "compliance", "fips"]),
];

/// One item of `GET /api/v1/authenticators` (Identity Engine): the `okta_authenticator` node and the account's
/// HAS edge. Only the provider's `type` is kept from `provider` (its configuration may hold keys).
pub fn authenticator(ctx: &Context, a: &Value) -> Option<Records> {
    let id = s(a, &["id"])?;
    let mut n = node(ctx, &kinds::AUTHENTICATOR, id.to_string());
    let p = &mut n.props;
    p.insert("id".into(), id.into());
    put_str(p, "key", s(a, &["key"]));
    put_str(p, "authenticatorType", s(a, &["type"]));
    let status = s(a, &["status"]);
    put_str(p, "status", status);
    p.insert("active".into(), Prop::Bool(status == Some("ACTIVE")));
    put_str(p, "providerType", s(a, &["provider", "type"]));
    put_time(p, "created", a, &["created"]);
    put_time(p, "lastUpdated", a, &["lastUpdated"]);
    for (prop, path) in AUTHENTICATOR_SETTINGS {
        put_json(p, prop, a, path);
    }
    p.insert("webLink".into(), format!("{}/admin/access/multifactor", ctx.admin_url).into());
    let name = s(a, &["name"]).map(String::from);
    finish_names(&mut n, name.clone(), name);
    let e = edge(ctx, &kinds::ACCOUNT_HAS_AUTHENTICATOR, &ctx.account_key, id);
    Some(Records { nodes: vec![n], edges: vec![e] })
}

/// Device profile fields kept; hardware identifiers (`serialNumber`, `imei`, `meid`, `udid`, `sid`, `tpmPublicKeyHash`)
/// are not.
const DEVICE_PROFILE: &[&str] =
    &["displayName", "platform", "manufacturer", "model", "osVersion", "registered", "secureHardwarePresent", "diskEncryptionType"];

/// One item of `GET /api/v1/devices?expand=user` (Identity Engine): the `okta_device` node, the account's HAS
/// edge, and a HAS edge from each user the device is registered to (`_embedded.users`).
pub fn device(ctx: &Context, d: &Value) -> Option<Records> {
    let id = s(d, &["id"])?;
    let mut n = node(ctx, &kinds::DEVICE, id.to_string());
    let p = &mut n.props;
    p.insert("id".into(), id.into());
    let status = s(d, &["status"]);
    put_str(p, "status", status);
    p.insert("active".into(), Prop::Bool(status == Some("ACTIVE")));
    put_str(p, "resourceType", s(d, &["resourceType"]));
    put_time(p, "created", d, &["created"]);
    put_time(p, "lastUpdated", d, &["lastUpdated"]);
    for f in DEVICE_PROFILE {
        put_json(p, f, d, &["profile", f]);
    }
    let mut out = Records::default();
    let users = get(d, &["_embedded", "users"]).and_then(Value::as_array).cloned().unwrap_or_default();
    let mut statuses = BTreeSet::new();
    for du in &users {
        let Some(uid) = s(du, &["user", "id"]) else { continue };
        let mut e = edge(ctx, &kinds::USER_HAS_DEVICE, uid, id);
        put_str(&mut e.props, "managementStatus", s(du, &["managementStatus"]));
        put_str(&mut e.props, "screenLockType", s(du, &["screenLockType"]));
        put_time(&mut e.props, "created", du, &["created"]);
        if let Some(m) = s(du, &["managementStatus"]) {
            statuses.insert(m.to_string());
        }
        out.edges.push(e);
    }
    // The device's management status: MANAGED when any of its users' enrollments is managed.
    let managed = if statuses.contains("MANAGED") { statuses.get("MANAGED") } else { statuses.iter().next() };
    put_str(p, "managementStatus", managed.map(String::as_str));
    p.insert("webLink".into(), format!("{}/admin/devices-inventory", ctx.admin_url).into());
    let display = s(d, &["profile", "displayName"]).map(String::from);
    finish_names(&mut n, display.clone(), display);
    out.nodes.push(n);
    out.edges.push(edge(ctx, &kinds::ACCOUNT_HAS_DEVICE, &ctx.account_key, id));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::fixture;
    use super::*;

    fn ctx() -> Context {
        Context::new("https://acme.okta.com", "acme.okta.com", "acme")
    }

    #[test]
    fn grants_and_target_paths() {
        let c = ctx();
        let roles = fixture("role_assignments");
        let roles = roles.as_array().unwrap();
        let help = RoleGrant::from_assignment(&c, &kinds::USER, "00u1", &roles[0]).unwrap();
        assert_eq!(help.role_key, "okta_role:acme.okta.com:HELP_DESK_ADMIN");
        assert_eq!(help.group_targets_path(20).unwrap(), "/api/v1/users/00u1/roles/JBCUYUC7IRCVGS27IFCE2SKO/targets/groups?limit=20");
        assert_eq!(help.app_targets_path(20), None);
        let app = RoleGrant::from_assignment(&c, &kinds::APP_USER_GROUP, "00gA", &roles[1]).unwrap();
        assert_eq!(app.app_targets_path(20).unwrap(), "/api/v1/groups/00gA/roles/IFIFAX2BIRGUSTQ/targets/catalog/apps?limit=20");
        assert_eq!(app.group_targets_path(20), None);
        let custom = RoleGrant::from_assignment(&c, &kinds::USER, "00u1", &roles[2]).unwrap();
        assert_eq!(custom.role_key, "okta_role:acme.okta.com:cr0Yq6IJxGIr0ouum0g3");
        assert_eq!(custom.resource_set.as_deref(), Some("iamoJDFKaJxGIr0oamd9g"));
        assert_eq!((custom.group_targets_path(20), custom.app_targets_path(20)), (None, None));
        // A user's role inherited from a group is the group's.
        assert_eq!(RoleGrant::from_assignment(&c, &kinds::USER, "00u1", &roles[3]), None);
        assert!(RoleGrant::from_assignment(&c, &kinds::USER_GROUP, "00g1", &roles[3]).is_some());
    }

    #[test]
    fn targets_and_resources_name_what_is_administered() {
        let apps = fixture("role_app_targets");
        let scopes: Vec<Scope> = apps.as_array().unwrap().iter().filter_map(app_target).collect();
        assert_eq!(scopes, vec![Scope::AppName("salesforce".into()), Scope::App("0oa1gjh63g214q0Hq0g4".into())]);
        let groups = fixture("role_group_targets");
        assert_eq!(group_target(&groups[0]), Some(Scope::Group("00g1emaKYZTWRYYRRTSK".into())));
        let res = fixture("resource_set_resources");
        let scopes: Vec<Scope> = res["resources"].as_array().unwrap().iter().map(resource_scope).collect();
        assert_eq!(
            scopes,
            vec![
                Scope::Group("00guaxWZ0AOa5NFAj0g3".into()),
                Scope::Group("00gu67DU2qNCjNZYO0g3".into()),
                Scope::Other,
                Scope::Other,
                Scope::App("0oa1014FmyZ2H0oRY0g4".into()),
                Scope::AppName("slack".into()),
                Scope::Group("00gHref".into()),
            ]
        );
    }

    #[test]
    fn one_edge_per_pair_carries_every_role() {
        let c = ctx();
        let g = |t: &str, id: &str| RoleGrant {
            holder_kind: &kinds::USER,
            holder_id: "00u1".into(),
            assignment_id: id.into(),
            role_type: t.into(),
            role_key: format!("okta_role:acme.okta.com:{t}"),
            resource_set: None,
        };
        let mut a = Administers::default();
        a.add(&g("USER_ADMIN", "ra1"), &kinds::USER_GROUP, "00gX");
        a.add(&g("HELP_DESK_ADMIN", "ra2"), &kinds::USER_GROUP, "00gX");
        a.add(&g("APP_ADMIN", "ra3"), &kinds::APPLICATION, "0oa1");
        let mut group_holder = g("USER_ADMIN", "ra4");
        group_holder.holder_kind = &kinds::APP_USER_GROUP;
        group_holder.holder_id = "00gH".into();
        a.add(&group_holder, &kinds::APP_USER_GROUP, "00gY");
        assert_eq!(a.len(), 3);
        let recs = a.records(&c);
        let types: Vec<&str> = recs.edges.iter().map(|e| e.kind.type_name).collect();
        assert_eq!(
            types,
            vec!["okta_app_user_group_administers_app_user_group", "okta_user_administers_application", "okta_user_administers_user_group"]
        );
        let both = &recs.edges[2];
        assert_eq!(both.key(), "00u1|ADMINISTERS|00gX");
        assert_eq!(both.props["roleType"], Prop::from("HELP_DESK_ADMIN"));
        assert_eq!(both.props["roleTypes"], Prop::List(vec![Prop::from("HELP_DESK_ADMIN"), Prop::from("USER_ADMIN")]));
        assert_eq!(
            both.props["roleKeys"],
            Prop::List(vec![Prop::from("okta_role:acme.okta.com:HELP_DESK_ADMIN"), Prop::from("okta_role:acme.okta.com:USER_ADMIN")])
        );
    }

    #[test]
    fn custom_role_permissions() {
        let perms = permission_labels(fixture("role_permissions")["permissions"].as_array().unwrap());
        assert_eq!(perms, vec!["okta.groups.read", "okta.users.manage", "okta.users.read"]);
        let c = ctx();
        let roles = fixture("role_assignments");
        let recs = super::super::role_assignment(&c, &kinds::USER, "00u1", &roles[2]).unwrap();
        let recs = with_permissions(recs, &perms);
        assert_eq!(recs.nodes[0].props["permissions"], Prop::List(perms.iter().map(|p| Prop::from(p.as_str())).collect()));
    }

    #[test]
    fn authenticators_keep_flat_settings_and_no_provider_configuration() {
        let c = ctx();
        let list = fixture("authenticators");
        let recs: Vec<Records> = list.as_array().unwrap().iter().filter_map(|a| authenticator(&c, a)).collect();
        assert_eq!(recs.len(), 3);
        let ov = &recs[0].nodes[0].props;
        assert_eq!(ov["key"], Prop::from("okta_verify"));
        assert_eq!(ov["name"], Prop::from("Okta Verify"));
        assert_eq!(ov["authenticatorType"], Prop::from("app"));
        assert_eq!(ov["channelBindingStyle"], Prop::from("NUMBER_CHALLENGE"));
        assert_eq!(ov["userVerification"], Prop::from("PREFERRED"));
        assert_eq!(recs[1].nodes[0].props["allowedFor"], Prop::from("sso"));
        assert_eq!(ov["active"], Prop::Bool(true));
        let duo = &recs[2].nodes[0].props;
        assert_eq!(duo["providerType"], Prop::from("DUO"));
        assert!(duo.keys().all(|k| !k.to_ascii_lowercase().contains("secret") && !k.contains("integrationKey")), "{duo:?}");
        assert_eq!(recs[0].edges[0].key(), "okta_account:acme.okta.com|HAS|aut1nd8PQhGcQtSxB0g4");
        assert!(authenticator(&c, &serde_json::json!({"name": "no id"})).is_none());
    }

    #[test]
    fn devices_link_their_users_and_keep_no_hardware_ids() {
        let c = ctx();
        let list = fixture("devices");
        let recs = device(&c, &list[0]).unwrap();
        let p = &recs.nodes[0].props;
        assert_eq!(p["platform"], Prop::from("WINDOWS"));
        assert_eq!(p["registered"], Prop::Bool(true));
        assert_eq!(p["managementStatus"], Prop::from("MANAGED"));
        assert_eq!(p["displayName"], Prop::from("DESKTOP-EHAD3IE"));
        for k in ["serialNumber", "imei", "meid", "udid", "sid", "tpmPublicKeyHash"] {
            assert!(!p.contains_key(k), "{k}");
        }
        let pairs: Vec<(&str, &str, &str)> = recs.edges.iter().map(|e| (e.kind.type_name, e.from.as_str(), e.to.as_str())).collect();
        assert_eq!(
            pairs,
            vec![
                ("okta_user_has_device", "00u17vh0q8ov8IU881d7", "guo4a5u7JHHhjXrMK0g4"),
                ("okta_account_has_device", "okta_account:acme.okta.com", "guo4a5u7JHHhjXrMK0g4"),
            ]
        );
        assert_eq!(recs.edges[0].props["managementStatus"], Prop::from("MANAGED"));
        // A device with no user registered to it.
        let lone = device(&c, &list[1]).unwrap();
        assert_eq!(lone.edges.len(), 1);
        assert!(!lone.nodes[0].props.contains_key("managementStatus"));
    }
}
