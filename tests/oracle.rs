//! The end-to-end oracle: the graph a sync must build for a simulated org, computed from the simulator's
//! raw dump (Okta-shaped JSON) by rules written here from the graph contract, never by `src/model`. Node keys,
//! relationship pairs and the properties read straight from Okta are all compared.

use crate::util::{self, account_key, edge_pairs, node_keys};
use okta_sim::SimServer;
use oktagraph::graph::Graph;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Expected properties of one node: name to JSON value (DATETIMEs as Okta's `...000Z` text).
pub type Props = BTreeMap<String, Value>;

fn put(p: &mut Props, key: &str, v: &Value) {
    if !v.is_null() {
        p.insert(key.to_string(), v.clone());
    }
}

fn status_props(p: &mut Props, v: &Value) {
    put(p, "status", &v["status"]);
    p.insert("active".into(), json!(s(v, "status") == "ACTIVE"));
}

/// A user: the profile's plain attributes as they are (never phone numbers or anything secret), then the
/// explicit fields, email trimmed and lower-cased.
fn user_props(u: &Value) -> Props {
    let mut p = Props::new();
    for (k, v) in u["profile"].as_object().into_iter().flatten() {
        let lower = k.to_ascii_lowercase();
        let secret = ["phone", "password", "secret", "recovery"].iter().any(|w| lower.contains(w));
        let plain = v.is_string()
            || v.is_boolean()
            || v.is_number()
            || v.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_string));
        if !k.starts_with('_') && !secret && plain {
            put(&mut p, k, v);
        }
    }
    p.insert("id".into(), u["id"].clone());
    let email = s(&u["profile"], "email").trim().to_ascii_lowercase();
    p.remove("email");
    if !email.is_empty() {
        p.insert("email".into(), json!(email));
    }
    status_props(&mut p, u);
    for t in ["created", "activated", "statusChanged", "lastLogin", "lastUpdated", "passwordChanged"] {
        put(&mut p, t, &u[t]);
    }
    let login = s(&u["profile"], "login");
    let full = format!("{} {}", s(&u["profile"], "firstName"), s(&u["profile"], "lastName")).trim().to_string();
    p.insert("name".into(), json!(if full.is_empty() { login.to_string() } else { full }));
    p.insert("displayName".into(), json!(login));
    p
}

fn group_props(g: &Value) -> Props {
    let mut p = Props::new();
    p.insert("id".into(), g["id"].clone());
    put(&mut p, "type", &g["type"]);
    put(&mut p, "name", &g["profile"]["name"]);
    put(&mut p, "displayName", &g["profile"]["name"]);
    put(&mut p, "description", &g["profile"]["description"]);
    for t in ["created", "lastUpdated", "lastMembershipUpdated"] {
        put(&mut p, t, &g[t]);
    }
    p
}

fn app_props(a: &Value) -> Props {
    let mut p = Props::new();
    p.insert("id".into(), a["id"].clone());
    put(&mut p, "appName", &a["name"]);
    put(&mut p, "label", &a["label"]);
    put(&mut p, "displayName", &a["label"]);
    status_props(&mut p, a);
    put(&mut p, "signOnMode", &a["signOnMode"]);
    p.insert("isSAMLApp".into(), json!(s(a, "signOnMode").starts_with("SAML")));
    for t in ["created", "lastUpdated"] {
        put(&mut p, t, &a[t]);
    }
    p
}

fn factor_props(dump: &Value, users: &BTreeSet<String>, deprovisioned: &BTreeSet<String>) -> BTreeMap<String, Props> {
    let mut out = BTreeMap::new();
    for (uid, fs) in dump["factors"].as_object().unwrap() {
        if deprovisioned.contains(uid) || !users.contains(uid) {
            continue;
        }
        for f in arr(fs) {
            let mut p = Props::new();
            p.insert("id".into(), f["id"].clone());
            p.insert("userId".into(), json!(uid));
            put(&mut p, "factorType", &f["factorType"]);
            put(&mut p, "provider", &f["provider"]);
            put(&mut p, "vendorName", &f["vendorName"]);
            status_props(&mut p, f);
            out.insert(s(f, "id").to_string(), p);
        }
    }
    out
}

fn rule_props(r: &Value) -> Props {
    let mut p = Props::new();
    p.insert("id".into(), r["id"].clone());
    put(&mut p, "ruleType", &r["type"]);
    put(&mut p, "name", &r["name"]);
    status_props(&mut p, r);
    put(&mut p, "expression", &r["conditions"]["expression"]["value"]);
    p
}

pub fn set(v: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    v.into_iter().collect()
}

pub fn arr(v: &Value) -> &Vec<Value> {
    static EMPTY: Vec<Value> = Vec::new();
    v.as_array().unwrap_or(&EMPTY)
}

pub fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or_default()
}

/// What the graph must contain for an org, computed from the simulator's dump (not from our mapping code).
pub struct Expected {
    pub nodes: Vec<(&'static str, BTreeSet<String>)>,
    pub edges: Vec<(&'static str, BTreeSet<String>)>,
    /// Per node label, per key: the properties read straight from the Okta JSON.
    pub props: Vec<(&'static str, BTreeMap<String, Props>)>,
}

pub fn expected(dump: &Value, account: &str, host: &str) -> Expected {
    let users = arr(&dump["users"]);
    let user_ids = set(users.iter().map(|u| s(u, "id").to_string()));
    let groups = arr(&dump["groups"]);
    let is_app_group = |g: &Value| s(g, "type") == "APP_GROUP";
    let group_kind =
        |id: &str| groups.iter().find(|g| s(g, "id") == id).map(|g| if is_app_group(g) { "app" } else { "okta" }).unwrap_or("okta");
    let deprovisioned = set(users.iter().filter(|u| s(u, "status") == "DEPROVISIONED").map(|u| s(u, "id").to_string()));
    let mut factors = BTreeSet::new();
    let mut user_factor = BTreeSet::new();
    for (uid, fs) in dump["factors"].as_object().unwrap() {
        if deprovisioned.contains(uid) || !user_ids.contains(uid) {
            continue; // factors are read for existing users that are not DEPROVISIONED
        }
        for f in arr(fs) {
            factors.insert(s(f, "id").to_string());
            user_factor.insert(format!("{uid}|{}", s(f, "id")));
        }
    }
    let employees: BTreeSet<String> = users
        .iter()
        .filter(|u| {
            let t = u["profile"].get("userType").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
            !["generic", "service", "bot"].contains(&t.trim()) && !s(&u["profile"], "email").is_empty()
        })
        .map(|u| format!("employee:{}", s(&u["profile"], "email").to_ascii_lowercase()))
        .collect();
    let user_employee: BTreeSet<String> = users
        .iter()
        .filter(|u| {
            let t = u["profile"].get("userType").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
            !["generic", "service", "bot"].contains(&t.trim()) && !s(&u["profile"], "email").is_empty()
        })
        .map(|u| format!("{}|employee:{}", s(u, "id"), s(&u["profile"], "email").to_ascii_lowercase()))
        .collect();
    let mut okta_members = BTreeSet::new();
    let mut app_members = BTreeSet::new();
    for (gid, members) in dump["group_members"].as_object().unwrap() {
        for m in arr(members).iter().filter(|m| user_ids.contains(m.as_str().unwrap())) {
            let pair = format!("{gid}|{}", m.as_str().unwrap());
            if group_kind(gid) == "app" {
                app_members.insert(pair)
            } else {
                okta_members.insert(pair)
            };
        }
    }
    let mut user_app = BTreeSet::new();
    for (aid, items) in dump["app_users"].as_object().unwrap() {
        for au in arr(items).iter().filter(|au| user_ids.contains(s(au, "id"))) {
            user_app.insert(format!("{}|{aid}", s(au, "id")));
        }
    }
    let (mut okta_group_app, mut app_group_app) = (BTreeSet::new(), BTreeSet::new());
    for (aid, items) in dump["app_groups"].as_object().unwrap() {
        for ag in arr(items) {
            let pair = format!("{}|{aid}", s(ag, "id"));
            if group_kind(s(ag, "id")) == "app" {
                app_group_app.insert(pair)
            } else {
                okta_group_app.insert(pair)
            };
        }
    }
    let role_key = |r: &Value| {
        let t = s(r, "type");
        let ident = if t == "CUSTOM" { s(r, "role") } else { t };
        format!("okta_role:{host}:{ident}")
    };
    let mut roles = BTreeSet::new();
    let (mut user_role, mut group_role) = (BTreeSet::new(), BTreeSet::new());
    let group_ids = set(groups.iter().map(|g| s(g, "id").to_string()));
    for r in arr(&dump["roles"]).iter().filter(|r| user_ids.contains(s(r, "assignee")) || group_ids.contains(s(r, "assignee"))) {
        roles.insert(role_key(r));
        let pair = format!("{}|{}", s(r, "assignee"), role_key(r));
        if s(r, "assignmentType") == "USER" {
            user_role.insert(pair)
        } else {
            group_role.insert(pair)
        };
    }
    let rules = set(arr(&dump["group_rules"]).iter().map(|r| s(r, "id").to_string()));
    let mut manages = BTreeSet::new();
    for r in arr(&dump["group_rules"]) {
        for gid in arr(&r["actions"]["assignUserToGroups"]["groupIds"]) {
            manages.insert(format!("{}|{}", s(r, "id"), gid.as_str().unwrap()));
        }
    }
    let window = chrono::Utc::now() - chrono::Duration::days(90);
    let app_ids = set(arr(&dump["apps"]).iter().map(|a| s(a, "id").to_string()));
    let mut created = BTreeSet::new();
    for e in arr(&dump["logs"]) {
        let et = s(e, "eventType");
        let uri = e.pointer("/debugContext/debugData/requestUri").and_then(Value::as_str).unwrap_or_default();
        let creation = et == "application.lifecycle.create" || (et == "application.lifecycle.update" && uri.ends_with("_new_"));
        let published = chrono::DateTime::parse_from_rfc3339(s(e, "published")).unwrap();
        let actor = s(&e["actor"], "id");
        let app = arr(&e["target"]).iter().find(|t| s(t, "type") == "AppInstance").map(|t| s(t, "id")).unwrap_or_default();
        if creation && published > window && user_ids.contains(actor) && app_ids.contains(app) && s(&e["actor"], "type") == "User" {
            created.insert(format!("{actor}|{app}"));
        }
    }
    let has = |ids: &BTreeSet<String>| set(ids.iter().map(|i| format!("{account}|{i}")));
    let pol = policies(dump, host, &user_ids, &group_kind, &group_ids, &app_ids);
    let administers = administers(dump, &user_ids, &group_ids, &app_ids, &group_kind);
    let ie = dump["identity_engine"].as_bool().unwrap_or(true);
    let authenticators: BTreeSet<String> =
        if ie { set(arr(&dump["authenticators"]).iter().map(|a| s(a, "id").to_string())) } else { BTreeSet::new() };
    let devices: Vec<&Value> = if ie { arr(&dump["devices"]).iter().collect() } else { Vec::new() };
    let device_ids = set(devices.iter().map(|d| s(&d["device"], "id").to_string()));
    let user_device = set(devices.iter().flat_map(|d| {
        let id = s(&d["device"], "id").to_string();
        arr(&d["users"])
            .iter()
            .map(|u| s(u, "userId").to_string())
            .filter(|u| user_ids.contains(u))
            .map(move |u| format!("{u}|{id}"))
            .collect::<Vec<_>>()
    }));
    let okta_groups = set(groups.iter().filter(|g| !is_app_group(g)).map(|g| s(g, "id").to_string()));
    let app_groups = set(groups.iter().filter(|g| is_app_group(g)).map(|g| s(g, "id").to_string()));
    let props = vec![
        ("okta_user", users.iter().map(|u| (s(u, "id").to_string(), user_props(u))).collect()),
        ("okta_user_group", groups.iter().filter(|g| !is_app_group(g)).map(|g| (s(g, "id").to_string(), group_props(g))).collect()),
        ("okta_app_user_group", groups.iter().filter(|g| is_app_group(g)).map(|g| (s(g, "id").to_string(), group_props(g))).collect()),
        ("okta_application", arr(&dump["apps"]).iter().map(|a| (s(a, "id").to_string(), app_props(a))).collect()),
        ("mfa_device", factor_props(dump, &user_ids, &deprovisioned)),
        ("okta_rule", arr(&dump["group_rules"]).iter().map(|r| (s(r, "id").to_string(), rule_props(r))).collect()),
        (
            "okta_authenticator",
            if ie {
                arr(&dump["authenticators"]).iter().map(|a| (s(a, "id").to_string(), authenticator_props(a))).collect()
            } else {
                BTreeMap::new()
            },
        ),
        ("okta_device", devices.iter().map(|d| (s(&d["device"], "id").to_string(), device_props(&d["device"]))).collect()),
    ]
    .into_iter()
    .chain(pol.props.clone())
    .collect();
    let mut exp = Expected {
        props,
        nodes: vec![
            ("okta_user", user_ids.clone()),
            ("okta_user_group", okta_groups.clone()),
            ("okta_app_user_group", app_groups.clone()),
            ("okta_application", app_ids.clone()),
            ("mfa_device", factors),
            ("okta_role", roles),
            ("okta_rule", rules.clone()),
            ("okta_service", set([format!("okta_service:{host}:sso"), format!("okta_service:{host}:mfa")])),
            ("okta_policy", pol.policies.clone()),
            ("okta_policy_rule", pol.rules.clone()),
            ("okta_authenticator", authenticators.clone()),
            ("okta_device", device_ids.clone()),
        ],
        edges: vec![
            ("okta_account_has_user", has(&user_ids)),
            ("okta_account_has_user_group", has(&okta_groups)),
            ("okta_account_has_app_user_group", has(&app_groups)),
            ("okta_account_has_application", has(&app_ids)),
            ("okta_account_has_rule", has(&rules)),
            ("okta_user_group_has_user", okta_members),
            ("okta_app_user_group_has_user", app_members),
            ("okta_user_assigned_application", user_app),
            ("okta_user_group_assigned_application", okta_group_app),
            ("okta_app_user_group_assigned_application", app_group_app),
            ("okta_user_assigned_mfa_device", user_factor),
            ("okta_user_assigned_role", user_role),
            ("okta_user_group_assigned_role", group_role),
            ("okta_rule_manages_user_group", manages),
            ("okta_user_created_application", created),
            ("okta_user_is_employee", user_employee),
            ("__employees", employees),
            ("okta_account_has_policy", has(&pol.policies)),
            ("okta_account_has_authenticator", has(&authenticators)),
            ("okta_account_has_device", has(&device_ids)),
            ("okta_user_has_device", user_device),
        ]
        .into_iter()
        .chain(pol.edges)
        .chain(administers)
        .collect(),
    };
    crate::oracle_catalog::extend(&mut exp, dump, account);
    exp
}

/// The policies and rules the sync must read: the Identity Engine types only when the org is one.
struct Policies {
    policies: BTreeSet<String>,
    props: Vec<(&'static str, BTreeMap<String, Props>)>,
    rules: BTreeSet<String>,
    edges: Vec<(&'static str, BTreeSet<String>)>,
}

fn policies(
    dump: &Value,
    host: &str,
    users: &BTreeSet<String>,
    group_kind: &dyn Fn(&str) -> &'static str,
    groups: &BTreeSet<String>,
    apps: &BTreeSet<String>,
) -> Policies {
    let oie = dump["identity_engine"].as_bool().unwrap_or(true);
    let types = ["OKTA_SIGN_ON", "MFA_ENROLL", "PASSWORD"].into_iter().chain(if oie {
        vec!["ACCESS_POLICY", "PROFILE_ENROLLMENT"]
    } else {
        vec![]
    });
    let types: Vec<&str> = types.collect();
    let listed: Vec<&Value> = arr(&dump["policies"]).iter().filter(|p| types.contains(&s(p, "type"))).collect();
    let mut edges: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let names = [
        "okta_policy_has_rule",
        "okta_policy_applies_to_user_group",
        "okta_policy_applies_to_app_user_group",
        "okta_policy_applies_to_user",
        "okta_policy_excludes_user_group",
        "okta_policy_excludes_app_user_group",
        "okta_policy_excludes_user",
        "okta_policy_rule_applies_to_user_group",
        "okta_policy_rule_applies_to_app_user_group",
        "okta_policy_rule_applies_to_user",
        "okta_policy_rule_excludes_user_group",
        "okta_policy_rule_excludes_app_user_group",
        "okta_policy_rule_excludes_user",
        "okta_policy_assigned_application",
        "okta_service_enforces_policy_rule",
    ];
    for n in names {
        edges.insert(n, BTreeSet::new());
    }
    let people = |edges: &mut BTreeMap<&'static str, BTreeSet<String>>, from: &str, obj: &Value, prefix: &str| {
        for (which, verb) in [("include", "applies_to"), ("exclude", "excludes")] {
            for g in arr(&obj["conditions"]["people"]["groups"][which]).iter().filter_map(Value::as_str).filter(|g| groups.contains(*g)) {
                let kind = if group_kind(g) == "app" { "app_user_group" } else { "user_group" };
                let name = names.iter().find(|n| **n == format!("{prefix}_{verb}_{kind}")).unwrap();
                edges.get_mut(name).unwrap().insert(format!("{from}|{g}"));
            }
            for u in arr(&obj["conditions"]["people"]["users"][which]).iter().filter_map(Value::as_str).filter(|u| users.contains(*u)) {
                let name = names.iter().find(|n| **n == format!("{prefix}_{verb}_user")).unwrap();
                edges.get_mut(name).unwrap().insert(format!("{from}|{u}"));
            }
        }
    };
    let mut rules = BTreeSet::new();
    let (mut policy_props, mut rule_props) = (BTreeMap::new(), BTreeMap::new());
    let basics = |v: &Value| {
        let mut pr = Props::new();
        pr.insert("id".into(), v["id"].clone());
        put(&mut pr, "name", &v["name"]);
        status_props(&mut pr, v);
        put(&mut pr, "priority", &v["priority"]);
        put(&mut pr, "system", &v["system"]);
        for t in ["created", "lastUpdated"] {
            put(&mut pr, t, &v[t]);
        }
        pr
    };
    for p in &listed {
        let pid = s(p, "id");
        let mut pp = basics(p);
        put(&mut pp, "type", &p["type"]);
        policy_props.insert(pid.to_string(), pp);
        people(&mut edges, pid, p, "okta_policy");
        for r in arr(&dump["policy_rules"][pid]) {
            let rid = s(r, "id");
            rules.insert(rid.to_string());
            let mut rp = basics(r);
            put(&mut rp, "ruleType", &r["type"]);
            rp.insert("policyId".into(), json!(pid));
            rule_props.insert(rid.to_string(), rp);
            edges.get_mut("okta_policy_has_rule").unwrap().insert(format!("{pid}|{rid}"));
            people(&mut edges, rid, r, "okta_policy_rule");
            let a = &r["actions"];
            let mfa = s(r, "status") == "ACTIVE"
                && ((s(&a["signon"], "access") == "ALLOW" && a["signon"]["requireFactor"] == json!(true))
                    || (s(&a["appSignOn"], "access") == "ALLOW" && s(&a["appSignOn"]["verificationMethod"], "factorMode") == "2FA"));
            if mfa {
                edges.get_mut("okta_service_enforces_policy_rule").unwrap().insert(format!("okta_service:{host}:mfa|{rid}"));
            }
        }
    }
    let policies = set(listed.iter().map(|p| s(p, "id").to_string()));
    if oie {
        for (app, pid) in dump["app_access_policies"].as_object().into_iter().flatten() {
            if apps.contains(app) && policies.contains(pid.as_str().unwrap()) {
                edges.get_mut("okta_policy_assigned_application").unwrap().insert(format!("{}|{app}", pid.as_str().unwrap()));
            }
        }
    }
    let props = vec![("okta_policy", policy_props), ("okta_policy_rule", rule_props)];
    Policies { policies, props, rules, edges: edges.into_iter().collect() }
}

fn authenticator_props(a: &Value) -> Props {
    let mut p = Props::new();
    for f in ["id", "key", "name", "status"] {
        put(&mut p, f, &a[f]);
    }
    put(&mut p, "authenticatorType", &a["type"]);
    p
}

fn device_props(d: &Value) -> Props {
    let mut p = Props::new();
    put(&mut p, "id", &d["id"]);
    status_props(&mut p, d);
    for f in ["platform", "manufacturer", "model", "osVersion", "registered", "secureHardwarePresent", "displayName"] {
        put(&mut p, f, &d["profile"][f]);
    }
    p
}

/// ADMINISTERS pairs by relationship type: each role assignment's targets (groups; apps by instance id or every
/// instance of a catalog name) or its custom role's resource set (group and app ORNs), for the assignee itself.
fn administers(
    dump: &Value,
    user_ids: &BTreeSet<String>,
    group_ids: &BTreeSet<String>,
    app_ids: &BTreeSet<String>,
    group_kind: &dyn Fn(&str) -> &'static str,
) -> Vec<(&'static str, BTreeSet<String>)> {
    const TYPES: [&str; 9] = [
        "okta_user_administers_user_group",
        "okta_user_administers_app_user_group",
        "okta_user_administers_application",
        "okta_user_group_administers_user_group",
        "okta_user_group_administers_app_user_group",
        "okta_user_group_administers_application",
        "okta_app_user_group_administers_user_group",
        "okta_app_user_group_administers_app_user_group",
        "okta_app_user_group_administers_application",
    ];
    let mut out: BTreeMap<&'static str, BTreeSet<String>> = TYPES.iter().map(|t| (*t, BTreeSet::new())).collect();
    let apps = arr(&dump["apps"]);
    let named = |name: &str| apps.iter().filter(|a| s(a, "name") == name).map(|a| s(a, "id").to_string()).collect::<Vec<_>>();
    let group_target = |gid: &str| if group_kind(gid) == "app" { "app_user_group" } else { "user_group" };
    for r in arr(&dump["roles"]) {
        let assignee = s(r, "assignee");
        let from = match s(r, "assignmentType") {
            "USER" if user_ids.contains(assignee) => "okta_user",
            "GROUP" if group_ids.contains(assignee) => {
                if group_kind(assignee) == "app" {
                    "okta_app_user_group"
                } else {
                    "okta_user_group"
                }
            }
            _ => continue,
        };
        let mut targets: Vec<(&str, String)> = Vec::new();
        let t = &dump["role_targets"][s(r, "id")];
        let rtype = s(r, "type");
        if ["USER_ADMIN", "HELP_DESK_ADMIN", "GROUP_MEMBERSHIP_ADMIN"].contains(&rtype) {
            for g in arr(&t["groups"]).iter().filter_map(Value::as_str).filter(|g| group_ids.contains(*g)) {
                targets.push((group_target(g), g.to_string()));
            }
        }
        if rtype == "APP_ADMIN" {
            for a in arr(&t["apps"]) {
                match a["id"].as_str() {
                    Some(id) if app_ids.contains(id) => targets.push(("application", id.to_string())),
                    Some(_) => {}
                    None => targets.extend(named(s(a, "name")).into_iter().map(|id| ("application", id))),
                }
            }
        }
        if rtype == "CUSTOM" {
            for res in arr(&dump["resource_sets"][s(r, "resource-set")]) {
                let parts: Vec<&str> = s(res, "orn").split(':').collect();
                match parts.get(4..).unwrap_or_default() {
                    ["groups", id, ..] if group_ids.contains(*id) => targets.push((group_target(id), id.to_string())),
                    ["apps", id] if app_ids.contains(*id) => targets.push(("application", id.to_string())),
                    ["apps", name] if !name.starts_with("0oa") => targets.extend(named(name).into_iter().map(|id| ("application", id))),
                    _ => {}
                }
            }
        }
        for (to, id) in targets {
            let rel = TYPES.iter().find(|t| **t == format!("{from}_administers_{to}")).expect("an ADMINISTERS type");
            out.get_mut(rel).unwrap().insert(format!("{assignee}|{id}"));
        }
    }
    out.into_iter().collect()
}

/// Asserts the account of `server` in the graph is exactly what the org implies: node keys, relationship
/// pairs, and the properties read from Okta.
pub async fn assert_graph_matches(g: &Graph, server: &SimServer) {
    let org_lock = server.org();
    let dump: Value = serde_json::from_str(&org_lock.read().await.dump_json()).unwrap();
    let acct = account_key(server);
    let host = acct.trim_start_matches("okta_account:").to_string();
    let exp = expected(&dump, &acct, &host);
    for (label, want) in &exp.nodes {
        let got = set(node_keys(g, &acct, label).await);
        assert_eq!(&got, want, "node keys of {label}");
    }
    for (rel, want) in &exp.edges {
        if *rel == "__employees" {
            let got = set(util::strings(
                g,
                "MATCH (:okta_user {_accountKey:$a})-[r:IS]->(e:employee) WHERE r._deleted = false RETURN DISTINCT e._key AS v",
                &[("a", &acct)],
            )
            .await);
            assert_eq!(&got, want, "employees");
            continue;
        }
        let got = set(edge_pairs(g, &acct, rel).await);
        assert_eq!(&got, want, "relationships {rel}");
    }
    for (label, want) in &exp.props {
        let q = format!("MATCH (n:{label}) WHERE n._accountKey = $a AND NOT n:Deleted RETURN n._key AS k, properties(n) AS p");
        let rows = g.rows(neo4rs::query(&q).param("a", acct.as_str()), "oracle properties").await.expect("properties query");
        let got: BTreeMap<String, Value> = rows
            .iter()
            .map(|r| (r.get::<String>("k").unwrap(), oktagraph::graph::bolt_to_json(&r.get::<neo4rs::BoltType>("p").unwrap())))
            .collect();
        for (key, props) in want {
            let node = got.get(key).unwrap_or_else(|| panic!("{label} {key} missing"));
            for (name, value) in props {
                assert_eq!(node.get(name), Some(value), "{label} {key}: property {name}");
            }
        }
    }
}
