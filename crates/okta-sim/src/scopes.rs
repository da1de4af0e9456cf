//! Admin role targets, resource sets and custom role permissions, authenticators and devices: their data, their
//! generation (after everything else, with an rng of their own, so the rest of a generated org is unchanged) and
//! their endpoints.
//!
//! - `GET /api/v1/{users|groups}/{id}/roles/{roleAssignmentId}/targets/groups` (USER_ADMIN, HELP_DESK_ADMIN,
//!   GROUP_MEMBERSHIP_ADMIN) and `.../targets/catalog/apps` (APP_ADMIN): Link-paged, `limit` 1..20 (default 20);
//!   an assignment without targets (org-wide) answers `[]`. An app target is a whole catalog app (no `id`) or
//!   one app instance (with its `id`).
//! - `GET /api/v1/iam/resource-sets/{id}/resources`: `{"resources": [...], "_links": {"next"?}}`, `limit` default 100.
//! - `GET /api/v1/iam/roles/{id}/permissions`: `{"permissions": [...], "_links": {...}}`.
//! - `GET /api/v1/authenticators` and `GET /api/v1/devices` (`limit` default and max 200, `after`, `expand=user`):
//!   Identity Engine only; an org with `identity_engine: false` (Classic) answers 404 for both.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::api::{ApiErr, ApiOk, Ctx};
use super::generate::{anchor_now, okta_id};
use super::model::{fmt_ts, Org};
use super::OrgSpec;

/// Role types whose assignments Okta lets an admin limit to groups, and to apps.
pub(crate) const GROUP_TARGET_ROLES: &[&str] = &["USER_ADMIN", "HELP_DESK_ADMIN", "GROUP_MEMBERSHIP_ADMIN"];
pub(crate) const APP_TARGET_ROLES: &[&str] = &["APP_ADMIN"];

/// The targets of one standard role assignment (by assignment id in [`Org::role_targets`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleTargets {
    /// Group ids.
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub apps: Vec<AppTarget>,
}

/// An app target: every instance of a catalog app (`name` only) or one instance (`name` and `id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppTarget {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// One resource of a resource set, by ORN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceSetResource {
    pub id: String,
    pub orn: String,
}

/// A device of the inventory: the Okta device object (without `_links`/`_embedded`) and its users.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimDevice {
    pub device: Value,
    #[serde(default)]
    pub users: Vec<DeviceUser>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceUser {
    pub user_id: String,
    pub created: String,
    pub management_status: String,
    pub screen_lock_type: String,
}

/// Adds targets, resource sets, custom role permissions, authenticators and devices to a generated org.
pub(crate) fn generate(org: &mut Org, spec: &OrgSpec) {
    let mut rng = StdRng::seed_from_u64(spec.seed ^ 0x5c09_e5d3_71ce_a0a1);
    let anchor = anchor_now();
    let org_id = org.org.get("id").and_then(Value::as_str).unwrap_or("00o").to_string();

    // Groups that hold a super admin (directly assigned), to scope one admin to: the demo's risky path.
    let supers: BTreeSet<&str> =
        org.roles.iter().filter(|r| r.role_type == "SUPER_ADMIN" && r.assignment_type == "USER").map(|r| r.assignee.as_str()).collect();
    let okta_groups: Vec<&str> = org.groups.values().filter(|g| g.kind == "OKTA_GROUP").map(|g| g.id.as_str()).collect();
    let super_groups: Vec<&str> = okta_groups
        .iter()
        .copied()
        .filter(|g| org.group_members.get(*g).is_some_and(|m| m.iter().any(|u| supers.contains(u.as_str()))))
        .collect();
    let app_list: Vec<(String, String)> = org.apps.values().map(|a| (a.id.clone(), a.name.clone())).collect();

    let mut targets = BTreeMap::new();
    let mut first_group_role = true;
    let mut first_app_role = true;
    for r in &org.roles {
        if GROUP_TARGET_ROLES.contains(&r.role_type.as_str()) && !okta_groups.is_empty() {
            // The first one is always scoped (to a super admin's group when there is one); others half the time.
            if !first_group_role && rng.gen_bool(0.5) {
                continue;
            }
            let mut groups: BTreeSet<String> = BTreeSet::new();
            if first_group_role {
                if let Some(g) = super_groups.first() {
                    groups.insert(g.to_string());
                }
            }
            first_group_role = false;
            let k = rng.gen_range(1..=2);
            for g in okta_groups.choose_multiple(&mut rng, k) {
                groups.insert(g.to_string());
            }
            targets.insert(r.id.clone(), RoleTargets { groups: groups.into_iter().collect(), apps: Vec::new() });
        } else if APP_TARGET_ROLES.contains(&r.role_type.as_str()) && !app_list.is_empty() && (first_app_role || rng.gen_bool(0.7)) {
            first_app_role = false;
            // One app instance and (when another app name exists) every instance of another catalog app: Okta
            // refuses both for the same app.
            let (id, name) = app_list.choose(&mut rng).expect("apps").clone();
            let mut apps = vec![AppTarget { name: name.clone(), id: Some(id) }];
            let others: Vec<&String> = app_list.iter().map(|(_, n)| n).filter(|n| **n != name).collect();
            if let Some(other) = others.choose(&mut rng) {
                apps.push(AppTarget { name: other.to_string(), id: None });
            }
            targets.insert(r.id.clone(), RoleTargets { groups: Vec::new(), apps });
        }
    }

    let mut resource_sets = BTreeMap::new();
    let mut custom_roles = BTreeMap::new();
    for r in org.roles.iter().filter(|r| r.role_type == "CUSTOM") {
        if let Some(role) = &r.role {
            custom_roles
                .entry(role.clone())
                .or_insert_with(|| vec!["okta.groups.read".to_string(), "okta.users.manage".to_string(), "okta.users.read".to_string()]);
        }
        let Some(rs) = &r.resource_set else { continue };
        if resource_sets.contains_key(rs) {
            continue;
        }
        let mut orns = Vec::new();
        let picked: Vec<&&str> = okta_groups.choose_multiple(&mut rng, 2).collect();
        if let Some(g) = picked.first() {
            orns.push(format!("orn:okta:directory:{org_id}:groups:{g}"));
        }
        if let Some(g) = picked.get(1) {
            orns.push(format!("orn:okta:directory:{org_id}:groups:{g}:contained_resources"));
        }
        if let Some((id, _)) = app_list.choose(&mut rng) {
            orns.push(format!("orn:okta:idp:{org_id}:apps:{id}"));
        }
        orns.push(format!("orn:okta:directory:{org_id}:users"));
        let list = orns.into_iter().map(|orn| ResourceSetResource { id: okta_id(&mut rng, "ire"), orn }).collect();
        resource_sets.insert(rs.clone(), list);
    }

    let authenticators = authenticators(&mut rng, anchor);

    let mut devices = Vec::new();
    let platforms = [
        ("WINDOWS", "LENOVO", "ThinkPad X1", "10.0.22631"),
        ("MACOS", "APPLE", "MacBookPro18,3", "14.4.1"),
        ("IOS", "APPLE", "iPhone15,2", "17.4"),
        ("ANDROID", "Google", "Pixel 8", "14"),
    ];
    for u in org.users.values() {
        let chance = match u.status.as_str() {
            "ACTIVE" => 0.5,
            "DEPROVISIONED" => 0.5,
            _ => 0.0,
        };
        if chance == 0.0 || !rng.gen_bool(chance) {
            continue;
        }
        let n = if rng.gen_bool(0.2) { 2 } else { 1 };
        for _ in 0..n {
            let (platform, maker, model, os) = platforms[rng.gen_range(0..platforms.len())];
            let created = anchor - Duration::seconds(rng.gen_range(86_400..400 * 86_400));
            let id = okta_id(&mut rng, "guo");
            let managed = rng.gen_bool(0.6);
            let name = format!("{}-{}", platform, &id[3..9]);
            let status = if u.status == "DEPROVISIONED" && rng.gen_bool(0.5) { "DEACTIVATED" } else { "ACTIVE" };
            let device = json!({
                "id": id,
                "status": status,
                "created": fmt_ts(&created),
                "lastUpdated": fmt_ts(&(created + Duration::days(rng.gen_range(0..30)))),
                "profile": {
                    "displayName": name,
                    "platform": platform,
                    "manufacturer": maker,
                    "model": model,
                    "osVersion": os,
                    "serialNumber": format!("SN{}", &okta_id(&mut rng, "")[..10]),
                    "registered": true,
                    "secureHardwarePresent": rng.gen_bool(0.7),
                    "diskEncryptionType": if platform == "WINDOWS" || platform == "MACOS" { "ALL_INTERNAL_VOLUMES" } else { "USER" },
                },
                "resourceId": id,
                "resourceDisplayName": {"value": name, "sensitive": false},
                "resourceType": "UDDevice",
                "resourceAlternateId": null,
            });
            let user = DeviceUser {
                user_id: u.id.clone(),
                created: fmt_ts(&created),
                management_status: if managed { "MANAGED" } else { "NOT_MANAGED" }.to_string(),
                screen_lock_type: ["NONE", "PASSCODE", "BIOMETRIC"][rng.gen_range(0..3)].to_string(),
            };
            devices.push(SimDevice { device, users: vec![user] });
        }
    }
    devices.sort_by(|a, b| a.device["id"].as_str().cmp(&b.device["id"].as_str()));

    org.role_targets = targets;
    org.resource_sets = resource_sets;
    org.custom_roles = custom_roles;
    org.authenticators = authenticators;
    org.devices = devices;
}

fn authenticators(rng: &mut StdRng, anchor: DateTime<Utc>) -> Vec<Value> {
    let created = fmt_ts(&(anchor - Duration::days(900)));
    let updated = fmt_ts(&(anchor - Duration::days(rng.gen_range(1..200))));
    let a = |rng: &mut StdRng, key: &str, kind: &str, name: &str, status: &str, settings: Value| {
        json!({
            "type": kind, "id": okta_id(rng, "aut"), "key": key, "status": status, "name": name,
            "created": created, "lastUpdated": updated, "settings": settings,
        })
    };
    let mut list = vec![
        a(rng, "okta_email", "email", "Email", "ACTIVE", json!({"allowedFor": "any", "tokenLifetimeInMinutes": 5})),
        a(rng, "okta_password", "password", "Password", "ACTIVE", json!({"allowedFor": "sso"})),
        a(
            rng,
            "okta_verify",
            "app",
            "Okta Verify",
            "ACTIVE",
            json!({"channelBinding": {"style": "NUMBER_CHALLENGE", "required": "HIGH_RISK_ONLY"}, "compliance": {"fips": "OPTIONAL"}, "userVerification": "PREFERRED"}),
        ),
        a(rng, "phone_number", "phone", "Phone", "ACTIVE", json!({"allowedFor": "recovery"})),
        a(rng, "security_question", "security_question", "Security Question", "INACTIVE", json!({"allowedFor": "recovery"})),
        a(rng, "webauthn", "security_key", "Security Key or Biometric", "ACTIVE", json!({})),
    ];
    list.sort_by(|x, y| x["id"].as_str().cmp(&y["id"].as_str()));
    list
}

/// The endpoints of this module, or `None` for any other path.
pub(crate) fn route(c: &Ctx, segs: &[&str]) -> Option<Result<ApiOk, ApiErr>> {
    Some(match segs {
        ["users" | "groups", holder, "roles", ra, "targets", "groups"] => group_targets(c, segs[0], holder, ra),
        ["users" | "groups", holder, "roles", ra, "targets", "catalog", "apps"] => app_targets(c, segs[0], holder, ra),
        ["iam", "resource-sets", id, "resources"] => resources(c, id),
        ["iam", "roles", id, "permissions"] => permissions(c, id),
        ["authenticators"] => {
            if !c.org.identity_engine {
                return Some(Err(ApiErr::not_found(c.path, "Endpoint")));
            }
            let list: Vec<Value> = c
                .org
                .authenticators
                .iter()
                .map(|a| {
                    let mut v = a.clone();
                    let id = a["id"].as_str().unwrap_or_default();
                    v["_links"] = json!({"self": c.href(&format!("/api/v1/authenticators/{id}")), "methods": c.href(&format!("/api/v1/authenticators/{id}/methods"))});
                    v
                })
                .collect();
            Ok(ApiOk { body: Value::Array(list), link: None })
        }
        ["devices"] => devices(c),
        _ => return None,
    })
}

/// The assignment `ra` of `holder` (a user or group id, by `kind` `users` / `groups`).
fn assignment<'a>(c: &Ctx<'a>, kind: &str, holder: &str, ra: &str) -> Result<&'a super::model::RoleAssignment, ApiErr> {
    let at = if kind == "users" { "USER" } else { "GROUP" };
    c.org
        .roles
        .iter()
        .find(|r| r.id == ra && r.assignee == holder && r.assignment_type == at)
        .ok_or_else(|| ApiErr::not_found(ra, "RoleAssignment"))
}

/// Pages `items` (sorted by cursor key) with Okta's Link header.
fn paged(c: &Ctx, items: Vec<(String, Value)>, default: usize, max: usize) -> Result<ApiOk, ApiErr> {
    let limit = c.limit(default, max)?;
    let after = c.param("after");
    let rest: Vec<(String, Value)> = items.into_iter().filter(|(k, _)| after.is_none_or(|a| k.as_str() > a)).collect();
    let next = (rest.len() > limit).then(|| rest[limit - 1].0.clone());
    let body: Vec<Value> = rest.into_iter().take(limit).map(|(_, v)| v).collect();
    Ok(ApiOk { body: Value::Array(body), link: Some(c.link(Some(limit), next.as_deref())) })
}

fn group_targets(c: &Ctx, kind: &str, holder: &str, ra: &str) -> Result<ApiOk, ApiErr> {
    let r = assignment(c, kind, holder, ra)?;
    if !GROUP_TARGET_ROLES.contains(&r.role_type.as_str()) {
        return Err(ApiErr::bad(format!("group targets are not supported for role type {}", r.role_type)));
    }
    let ids: BTreeSet<&String> = c.org.role_targets.get(ra).map(|t| t.groups.iter().collect()).unwrap_or_default();
    let items =
        ids.into_iter().filter_map(|id| c.org.groups.get(id)).map(|g| (g.id.clone(), super::api::group_json(g, c, None, None))).collect();
    paged(c, items, 20, 20)
}

fn app_targets(c: &Ctx, kind: &str, holder: &str, ra: &str) -> Result<ApiOk, ApiErr> {
    let r = assignment(c, kind, holder, ra)?;
    if !APP_TARGET_ROLES.contains(&r.role_type.as_str()) {
        return Err(ApiErr::bad(format!("app targets are not supported for role type {}", r.role_type)));
    }
    let mut items = Vec::new();
    for t in c.org.role_targets.get(ra).map(|t| t.apps.as_slice()).unwrap_or_default() {
        // A deleted instance is no target; a catalog app stays one while the org has an instance of it.
        let exists = match &t.id {
            Some(id) => c.org.apps.contains_key(id),
            None => c.org.apps.values().any(|a| a.name == t.name),
        };
        if !exists {
            continue;
        }
        let mut v = json!({
            "name": t.name,
            "displayName": t.name,
            "description": format!("{} (catalog app)", t.name),
            "status": "ACTIVE",
            "lastUpdated": "2023-01-10T18:22:43.000Z",
            "category": "COLLABORATION",
            "verificationStatus": "OKTA_VERIFIED",
            "website": "https://www.example.com",
            "signOnModes": ["SAML_2_0"],
            "features": [],
            "_links": {"logo": [{"name": "medium", "href": format!("https://ok12static.oktacdn.com/fs/bco/4/{}", t.name), "type": "image/png"}]},
        });
        let key = match &t.id {
            Some(id) => {
                v["id"] = json!(id);
                format!("{}:{id}", t.name)
            }
            None => t.name.clone(),
        };
        items.push((key, v));
    }
    items.sort_by(|a, b| a.0.cmp(&b.0));
    paged(c, items, 20, 20)
}

fn resources(c: &Ctx, id: &str) -> Result<ApiOk, ApiErr> {
    let list = c.org.resource_sets.get(id).ok_or_else(|| ApiErr::not_found(id, "ResourceSet"))?;
    let limit = c.limit(100, 100)?;
    let after = c.param("after");
    let rest: Vec<&ResourceSetResource> = list.iter().filter(|r| after.is_none_or(|a| r.id.as_str() > a)).collect();
    let mut sorted = rest;
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let next = (sorted.len() > limit).then(|| sorted[limit - 1].id.clone());
    let items: Vec<Value> = sorted
        .into_iter()
        .take(limit)
        .map(|r| json!({"id": r.id, "orn": r.orn, "created": "2023-02-06T16:20:57.000Z", "lastUpdated": "2023-02-06T16:20:57.000Z", "_links": {"self": orn_href(c, &r.orn)}}))
        .collect();
    let mut body = json!({"resources": items, "_links": {}});
    if let Some(n) = next {
        body["_links"]["next"] = json!({"href": c.url_with(Some(limit), Some(&n))});
    }
    Ok(ApiOk { body, link: None })
}

/// The REST URL of an ORN's resource, as Okta links it.
fn orn_href(c: &Ctx, orn: &str) -> Value {
    let parts: Vec<&str> = orn.split(':').collect();
    let path = match parts.get(4..).unwrap_or_default() {
        ["groups", id, "contained_resources"] => format!("/api/v1/groups/{id}/users"),
        ["groups", id] => format!("/api/v1/groups/{id}"),
        ["apps", id] => format!("/api/v1/apps/{id}"),
        [all] => format!("/api/v1/{all}"),
        _ => "/api/v1".to_string(),
    };
    c.href(&path)
}

fn permissions(c: &Ctx, id: &str) -> Result<ApiOk, ApiErr> {
    let list = c.org.custom_roles.get(id).ok_or_else(|| ApiErr::not_found(id, "Role"))?;
    let items: Vec<Value> = list
        .iter()
        .map(|p| {
            json!({"label": p, "created": "2023-02-06T16:20:57.000Z", "lastUpdated": "2023-02-06T16:20:57.000Z",
                   "_links": {"role": c.href(&format!("/api/v1/iam/roles/{id}")), "self": c.href(&format!("/api/v1/iam/roles/{id}/permissions/{p}"))}})
        })
        .collect();
    Ok(ApiOk {
        body: json!({"permissions": items, "_links": {"self": c.href(&format!("/api/v1/iam/roles/{id}/permissions"))}}),
        link: None,
    })
}

fn devices(c: &Ctx) -> Result<ApiOk, ApiErr> {
    if !c.org.identity_engine {
        return Err(ApiErr::not_found(c.path, "Endpoint"));
    }
    let expand_user = c.expands().contains("user");
    let items = c
        .org
        .devices
        .iter()
        .map(|d| {
            let id = d.device["id"].as_str().unwrap_or_default().to_string();
            let mut v = d.device.clone();
            v["_links"] =
                json!({"self": c.href(&format!("/api/v1/devices/{id}")), "users": c.href(&format!("/api/v1/devices/{id}/users"))});
            if expand_user {
                // A deleted user is no longer registered to the device.
                let users: Vec<Value> = d
                    .users
                    .iter()
                    .filter_map(|du| {
                        let u = c.org.users.get(&du.user_id)?;
                        Some(json!({"created": du.created, "managementStatus": du.management_status, "screenLockType": du.screen_lock_type,
                                    "user": super::api::user_json(u, c.base)}))
                    })
                    .collect();
                v["_embedded"] = json!({"users": users});
            }
            (id, v)
        })
        .collect();
    paged(c, items, 200, 200)
}
