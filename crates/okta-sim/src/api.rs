//! Endpoint logic: turns (org, path, query) into a JSON body and an optional `link` header.
//! No HTTP concerns here (auth, rate limits and faults live in `server`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Bound;

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};

use super::filter::{self, Expr};
use super::model::*;

pub(crate) struct ApiOk {
    pub(crate) body: Value,
    /// The value of the `link` header, if any.
    pub(crate) link: Option<String>,
}

#[derive(Debug)]
pub(crate) struct ApiErr {
    pub(crate) status: u16,
    pub(crate) code: &'static str,
    pub(crate) summary: String,
}

impl ApiErr {
    pub(crate) fn new(status: u16, code: &'static str, summary: impl Into<String>) -> Self {
        ApiErr { status, code, summary: summary.into() }
    }
    pub(crate) fn not_found(id: &str, kind: &str) -> Self {
        ApiErr::new(404, "E0000007", format!("Not found: Resource not found: {id} ({kind})"))
    }
    pub(crate) fn bad(summary: impl Into<String>) -> Self {
        ApiErr::new(400, "E0000001", format!("Api validation failed: {}", summary.into()))
    }
    pub(crate) fn forbidden() -> Self {
        ApiErr::new(403, "E0000006", "You do not have permission to perform the requested action")
    }
    pub(crate) fn unauthorized() -> Self {
        ApiErr::new(401, "E0000011", "Invalid token provided")
    }
}

type R = Result<ApiOk, ApiErr>;

pub(crate) struct Ctx<'a> {
    pub(crate) org: &'a Org,
    pub(crate) base: &'a str,
    pub(crate) path: &'a str,
    pub(crate) params: &'a [(String, String)],
    pub(crate) now: DateTime<Utc>,
}

impl Ctx<'_> {
    pub(crate) fn param(&self, k: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }
    pub(crate) fn expands(&self) -> HashSet<String> {
        self.params.iter().filter(|(n, _)| n == "expand").flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_string())).collect()
    }
    pub(crate) fn limit(&self, default: usize, max: usize) -> Result<usize, ApiErr> {
        match self.param("limit") {
            None | Some("") => Ok(default),
            Some(s) => {
                let n: i64 = s.trim().parse().map_err(|_| ApiErr::bad(format!("limit: '{s}' is not a number")))?;
                if n < 0 {
                    return Err(ApiErr::bad("limit: must be positive"));
                }
                Ok((n as usize).clamp(1, max))
            }
        }
    }
    pub(crate) fn href(&self, p: &str) -> Value {
        json!({ "href": format!("{}{}", self.base, p) })
    }
    /// `self` link with the effective limit, plus `next` with `after=cursor` when there is more.
    pub(crate) fn link(&self, limit: Option<usize>, next_after: Option<&str>) -> String {
        let self_url = self.url_with(limit, None);
        match next_after {
            Some(c) => format!("<{}>; rel=\"self\", <{}>; rel=\"next\"", self_url, self.url_with(limit, Some(c))),
            None => format!("<{self_url}>; rel=\"self\""),
        }
    }
    pub(crate) fn url_with(&self, limit: Option<usize>, after: Option<&str>) -> String {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        let mut had_limit = false;
        for (k, v) in self.params {
            if after.is_some() && k == "after" {
                continue;
            }
            if k == "limit" {
                had_limit = true;
                match limit {
                    Some(l) => ser.append_pair(k, &l.to_string()),
                    None => ser.append_pair(k, v),
                };
                continue;
            }
            ser.append_pair(k, v);
        }
        if let (false, Some(l)) = (had_limit, limit) {
            ser.append_pair("limit", &l.to_string());
        }
        if let Some(a) = after {
            ser.append_pair("after", a);
        }
        let q = ser.finish();
        if q.is_empty() {
            format!("{}{}", self.base, self.path)
        } else {
            format!("{}{}?{}", self.base, self.path, q)
        }
    }
}

/// Ids after `after`, in id order, that satisfy `pred`; the cursor is set when more remain.
fn page<'a, T>(
    map: &'a BTreeMap<String, T>,
    after: Option<&str>,
    limit: usize,
    mut pred: impl FnMut(&T) -> bool,
) -> (Vec<&'a T>, Option<String>) {
    let iter: Box<dyn Iterator<Item = (&String, &T)>> = match after {
        Some(a) => Box::new(map.range::<str, _>((Bound::Excluded(a), Bound::Unbounded))),
        None => Box::new(map.iter()),
    };
    let mut out = Vec::new();
    let mut last: Option<&String> = None;
    for (k, v) in iter {
        if !pred(v) {
            continue;
        }
        if out.len() == limit {
            return (out, last.cloned());
        }
        out.push(v);
        last = Some(k);
    }
    (out, None)
}

fn parse_filter(s: Option<&str>, code: &'static str, what: &str) -> Result<Option<Expr>, ApiErr> {
    match s {
        None | Some("") => Ok(None),
        Some(s) => filter::parse(s).map(Some).map_err(|e| ApiErr::new(400, code, format!("Invalid {what}: {e}"))),
    }
}

// ---------- rendering ----------

pub(crate) fn user_json(u: &User, base: &str) -> Value {
    let mut v = serde_json::to_value(u).expect("user serializes");
    v["_links"] = json!({"self": {"href": format!("{base}/api/v1/users/{}", u.id)}});
    v
}

pub(crate) fn group_json(g: &Group, c: &Ctx, stats: Option<Value>, app: Option<Value>) -> Value {
    let mut v = serde_json::to_value(g).expect("group serializes");
    let mut links = json!({
        "logo": [
            {"name": "medium", "href": "https://ok12static.oktacdn.com/assets/img/logos/groups/okta-medium.png", "type": "image/png"},
            {"name": "large", "href": "https://ok12static.oktacdn.com/assets/img/logos/groups/okta-large.png", "type": "image/png"}
        ],
        "users": c.href(&format!("/api/v1/groups/{}/users", g.id)),
        "apps": c.href(&format!("/api/v1/groups/{}/apps", g.id)),
    });
    if let Some(s) = &g.source {
        links["source"] = c.href(&format!("/api/v1/apps/{}", s.id));
    }
    v["_links"] = links;
    if stats.is_some() || app.is_some() {
        let mut emb = Map::new();
        if let Some(s) = stats {
            emb.insert("stats".into(), s);
        }
        if let Some(a) = app {
            emb.insert("app".into(), a);
        }
        v["_embedded"] = Value::Object(emb);
    }
    v
}

fn role_json(r: &RoleAssignment, c: &Ctx) -> Value {
    let mut v = serde_json::to_value(r).expect("role serializes");
    if let Some(o) = v.as_object_mut() {
        o.remove("assignee");
    }
    let kind = if r.assignment_type == "GROUP" { "groups" } else { "users" };
    v["_links"] = json!({"assignee": c.href(&format!("/api/v1/{kind}/{}", r.assignee))});
    v
}

fn app_json(a: &App, c: &Ctx) -> Value {
    let mut v = serde_json::to_value(a).expect("app serializes");
    let state = if a.status == "ACTIVE" { "deactivate" } else { "activate" };
    let mut links = json!({
        "help": c.href(&format!("/app/{}/{}/setup/help/SAML_2_0/instructions", a.name, a.id)),
        "metadata": c.href(&format!("/api/v1/apps/{}/sso/saml/metadata", a.id)),
        "appLinks": [{"name": a.name, "href": format!("{}/home/{}/{}/1", c.base, a.name, a.id), "type": "text/html"}],
        "groups": c.href(&format!("/api/v1/apps/{}/groups", a.id)),
        "logo": [{"name": "medium", "href": format!("https://ok12static.oktacdn.com/fs/bco/4/{}", a.id), "type": "image/png"}],
        "users": c.href(&format!("/api/v1/apps/{}/users", a.id)),
    });
    links[state] = json!({"href": format!("{}/api/v1/apps/{}/lifecycle/{state}", c.base, a.id), "hints": {"allow": ["POST"]}});
    super::policies::app_links(c, a, &mut links);
    v["_links"] = links;
    v
}

/// An `/apps/{id}/users` item, also the body of `/apps/{id}/users/{userId}`.
fn app_user_json(au: &AppUser, a: &App, c: &Ctx, expand_user: bool) -> Value {
    let mut v = serde_json::to_value(au).expect("app user");
    v["_links"] = json!({
        "app": c.href(&format!("/api/v1/apps/{}", a.id)),
        "user": c.href(&format!("/api/v1/users/{}", au.id)),
    });
    if expand_user {
        if let Some(u) = c.org.users.get(&au.id) {
            v["_embedded"] = json!({"user": user_json(u, c.base)});
        }
    }
    v
}

/// An `/apps/{id}/groups` item, also the body of `/apps/{id}/groups/{groupId}`.
fn app_group_json(ag: &AppGroup, a: &App, c: &Ctx, expand_group: bool) -> Value {
    let mut v = serde_json::to_value(ag).expect("app group");
    v["_links"] = json!({
        "app": c.href(&format!("/api/v1/apps/{}", a.id)),
        "self": c.href(&format!("/api/v1/apps/{}/groups/{}", a.id, ag.id)),
        "group": c.href(&format!("/api/v1/groups/{}", ag.id)),
    });
    if expand_group {
        if let Some(g) = c.org.groups.get(&ag.id) {
            v["_embedded"] = json!({"group": group_json(g, c, None, None)});
        }
    }
    v
}

fn factor_json(f: &Factor, uid: &str, c: &Ctx) -> Value {
    let mut v = serde_json::to_value(f).expect("factor serializes");
    v["_links"] = json!({
        "self": c.href(&format!("/api/v1/users/{uid}/factors/{}", f.id)),
        "user": c.href(&format!("/api/v1/users/{uid}")),
    });
    v
}

// ---------- routing ----------

pub(crate) fn route(c: &Ctx) -> R {
    let rest = c.path.strip_prefix("/api/v1/").unwrap_or("");
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let not_found = || Err(ApiErr::not_found(c.path, "Endpoint"));
    if let Some(r) = super::scopes::route(c, &segs) {
        return r;
    }
    if let Some(r) = super::catalog::route(c, &segs) {
        return r;
    }
    match segs.as_slice() {
        ["users"] => list_users(c),
        ["users", id] => {
            let u = find_user(c, id)?;
            Ok(ApiOk { body: user_json(u, c.base), link: None })
        }
        ["users", id, "factors"] => {
            let u = find_user(c, id)?;
            let list: Vec<Value> =
                c.org.factors.get(&u.id).map(|fs| fs.iter().map(|f| factor_json(f, &u.id, c)).collect()).unwrap_or_default();
            Ok(ApiOk { body: Value::Array(list), link: None })
        }
        ["users", id, "roles"] => {
            let u = find_user(c, id)?;
            let groups: HashSet<&str> = c.org.group_members.iter().filter(|(_, m)| m.contains(&u.id)).map(|(g, _)| g.as_str()).collect();
            let list: Vec<Value> = c
                .org
                .roles
                .iter()
                .filter(|r| {
                    (r.assignment_type == "USER" && r.assignee == u.id)
                        || (r.assignment_type == "GROUP" && groups.contains(r.assignee.as_str()))
                })
                .map(|r| role_json(r, c))
                .collect();
            Ok(ApiOk { body: Value::Array(list), link: None })
        }
        ["users", id, "groups"] => {
            let u = find_user(c, id)?;
            let list: Vec<Value> = c
                .org
                .groups
                .values()
                .filter(|g| c.org.group_members.get(&g.id).is_some_and(|m| m.contains(&u.id)))
                .map(|g| group_json(g, c, None, None))
                .collect();
            Ok(ApiOk { body: Value::Array(list), link: Some(c.link(None, None)) })
        }
        ["groups"] => list_groups(c),
        ["groups", "rules"] => list_rules(c),
        ["groups", "rules", id] => {
            let r = c.org.group_rules.get(*id).ok_or_else(|| ApiErr::not_found(id, "GroupRule"))?;
            Ok(ApiOk { body: serde_json::to_value(r).expect("rule"), link: None })
        }
        ["groups", id] => {
            let g = find_group(c, id)?;
            let ex = c.expands();
            let stats = ex.contains("stats").then(|| group_stats(c, g));
            Ok(ApiOk { body: group_json(g, c, stats, None), link: None })
        }
        ["groups", id, "users"] => {
            let g = find_group(c, id)?;
            let limit = c.limit(1000, 1000)?;
            let empty = BTreeSet::new();
            let members = c.org.group_members.get(&g.id).unwrap_or(&empty);
            let iter: Box<dyn Iterator<Item = &String>> = match c.param("after") {
                Some(a) => Box::new(members.range::<str, _>((Bound::Excluded(a), Bound::Unbounded))),
                None => Box::new(members.iter()),
            };
            let mut out = Vec::new();
            let mut next = None;
            let mut last: Option<&String> = None;
            for uid in iter {
                let Some(u) = c.org.users.get(uid) else { continue };
                if out.len() == limit {
                    next = last.cloned();
                    break;
                }
                out.push(user_json(u, c.base));
                last = Some(uid);
            }
            Ok(ApiOk { body: Value::Array(out), link: Some(c.link(Some(limit), next.as_deref())) })
        }
        ["groups", id, "roles"] => {
            let g = find_group(c, id)?;
            let list: Vec<Value> =
                c.org.roles.iter().filter(|r| r.assignment_type == "GROUP" && r.assignee == g.id).map(|r| role_json(r, c)).collect();
            Ok(ApiOk { body: Value::Array(list), link: None })
        }
        ["apps"] => list_apps(c),
        ["apps", id] => {
            let a = c.org.apps.get(*id).ok_or_else(|| ApiErr::not_found(id, "AppInstance"))?;
            Ok(ApiOk { body: app_json(a, c), link: None })
        }
        ["apps", id, "users"] => {
            let a = c.org.apps.get(*id).ok_or_else(|| ApiErr::not_found(id, "AppInstance"))?;
            let limit = c.limit(50, 500)?;
            let expand_user = c.expands().contains("user");
            let empty = IdMap::default();
            let items = c.org.app_users.get(&a.id).unwrap_or(&empty);
            let (list, next) = page(items, c.param("after"), limit, |_| true);
            let body: Vec<Value> = list.into_iter().map(|au| app_user_json(au, a, c, expand_user)).collect();
            Ok(ApiOk { body: Value::Array(body), link: Some(c.link(Some(limit), next.as_deref())) })
        }
        ["apps", id, "users", uid] => {
            let a = c.org.apps.get(*id).ok_or_else(|| ApiErr::not_found(id, "AppInstance"))?;
            let au = c.org.app_users.get(&a.id).and_then(|m| m.get(*uid)).ok_or_else(|| ApiErr::not_found(uid, "AppUser"))?;
            Ok(ApiOk { body: app_user_json(au, a, c, c.expands().contains("user")), link: None })
        }
        ["apps", id, "groups"] => {
            let a = c.org.apps.get(*id).ok_or_else(|| ApiErr::not_found(id, "AppInstance"))?;
            let limit = c.limit(20, 200)?;
            let expand_group = c.expands().contains("group");
            let empty = IdMap::default();
            let items = c.org.app_groups.get(&a.id).unwrap_or(&empty);
            let (list, next) = page(items, c.param("after"), limit, |_| true);
            let body: Vec<Value> = list.into_iter().map(|ag| app_group_json(ag, a, c, expand_group)).collect();
            Ok(ApiOk { body: Value::Array(body), link: Some(c.link(Some(limit), next.as_deref())) })
        }
        ["apps", id, "groups", gid] => {
            let a = c.org.apps.get(*id).ok_or_else(|| ApiErr::not_found(id, "AppInstance"))?;
            let ag = c.org.app_groups.get(&a.id).and_then(|m| m.get(*gid)).ok_or_else(|| ApiErr::not_found(gid, "AppGroup"))?;
            Ok(ApiOk { body: app_group_json(ag, a, c, c.expands().contains("group")), link: None })
        }
        ["policies", ..] => super::policies::route(c, &segs[1..]),
        ["logs"] => logs(c),
        ["iam", "assignees", "users"] => assignees(c),
        ["org"] => {
            let mut v = c.org.org.clone();
            v["_links"] = json!({
                "preferences": c.href("/api/v1/org/preferences"),
                "uploadLogo": {"href": format!("{}/api/v1/org/logo", c.base), "hints": {"allow": ["POST"]}},
                "oktaCommunication": c.href("/api/v1/org/privacy/oktaCommunication"),
                "logo": [{"name": "medium", "href": "https://ok12static.oktacdn.com/assets/img/logos/okta-logo.png", "type": "image/png"}],
                "oktaSupport": c.href("/api/v1/org/privacy/oktaSupport"),
                "contacts": c.href("/api/v1/org/contacts"),
            });
            Ok(ApiOk { body: v, link: None })
        }
        ["org", "privacy", "oktaSupport"] => {
            let mut v = c.org.okta_support.clone();
            let enabled = v.get("support").and_then(Value::as_str) == Some("ENABLED");
            let post = |p: &str| json!({"href": format!("{}/api/v1/org/privacy/oktaSupport/{p}", c.base), "hints": {"allow": ["POST"]}});
            v["_links"] =
                if enabled { json!({"extend": post("extend"), "revoke": post("revoke")}) } else { json!({"grant": post("grant")}) };
            Ok(ApiOk { body: v, link: None })
        }
        _ => not_found(),
    }
}

fn find_user<'a>(c: &Ctx<'a>, id: &str) -> Result<&'a User, ApiErr> {
    c.org.find_user(id).ok_or_else(|| ApiErr::not_found(id, "User"))
}

fn find_group<'a>(c: &Ctx<'a>, id: &str) -> Result<&'a Group, ApiErr> {
    c.org.groups.get(id).ok_or_else(|| ApiErr::not_found(id, "UserGroup"))
}

fn user_attr(u: &User, attr: &str) -> Option<Value> {
    let ts = |t: &Option<DateTime<Utc>>| Some(t.map(|t| Value::String(fmt_ts(&t))).unwrap_or(Value::Null));
    match attr {
        "id" => Some(json!(u.id)),
        "status" => Some(json!(u.status)),
        "created" => Some(json!(fmt_ts(&u.created))),
        "lastUpdated" => Some(json!(fmt_ts(&u.last_updated))),
        "activated" => ts(&u.activated),
        "statusChanged" => ts(&u.status_changed),
        "lastLogin" => ts(&u.last_login),
        "passwordChanged" => ts(&u.password_changed),
        "type.id" => Some(json!(u.user_type.id)),
        "profile.login" => Some(json!(u.profile.login)),
        "profile.email" => Some(json!(u.profile.email)),
        "profile.firstName" => Some(json!(u.profile.first_name)),
        "profile.lastName" => Some(json!(u.profile.last_name)),
        a => {
            let v = serde_json::to_value(u).ok()?;
            filter::lookup(&v, a)
        }
    }
}

fn list_users(c: &Ctx) -> R {
    let filter_expr = parse_filter(c.param("filter"), "E0000031", "filter")?;
    let search_expr = parse_filter(c.param("search"), "E0000031", "search")?;
    let q = c.param("q").map(str::to_lowercase);
    let limit = c.limit(if q.is_some() { 10 } else { 200 }, 200)?;
    let expr = filter_expr.or(search_expr);
    let (list, next) = page(&c.org.users, c.param("after"), limit, |u| match (&expr, &q) {
        (Some(e), _) => e.eval(&|a| user_attr(u, a)),
        (None, Some(q)) => {
            u.status != "DEPROVISIONED"
                && [&u.profile.first_name, &u.profile.last_name, &u.profile.email, &u.profile.login]
                    .iter()
                    .any(|s| s.to_lowercase().starts_with(q.as_str()))
        }
        (None, None) => u.status != "DEPROVISIONED",
    });
    let body: Vec<Value> = list.into_iter().map(|u| user_json(u, c.base)).collect();
    Ok(ApiOk { body: Value::Array(body), link: Some(c.link(Some(limit), next.as_deref())) })
}

fn group_stats(c: &Ctx, g: &Group) -> Value {
    let apps = c.org.app_groups.values().filter(|ag| ag.contains_key(&g.id)).count();
    let admin = c.org.roles.iter().any(|r| r.assignment_type == "GROUP" && r.assignee == g.id);
    stats_json(c, g, apps, admin)
}

fn stats_json(c: &Ctx, g: &Group, apps: usize, admin: bool) -> Value {
    let users = c.org.group_members.get(&g.id).map(|m| m.iter().filter(|u| c.org.users.contains_key(*u)).count()).unwrap_or(0);
    json!({
        "usersCount": users,
        "appsCount": apps,
        "groupPushMappingsCount": 0,
        "hasAdminPrivlege": admin,
        "_links": {"self": c.href(&format!("/api/v1/groups/{}/stats", g.id))},
    })
}

fn list_groups(c: &Ctx) -> R {
    let filter_expr = parse_filter(c.param("filter"), "E0000031", "filter")?;
    let search_expr = parse_filter(c.param("search"), "E0000031", "search")?;
    let q = c.param("q").map(str::to_lowercase);
    let limit = c.limit(if q.is_some() { 300 } else { 10000 }, 10000)?;
    let expr = filter_expr.or(search_expr);
    let ex = c.expands();
    let (want_stats, want_app) = (ex.contains("stats"), ex.contains("app"));
    let (list, next) = page(&c.org.groups, c.param("after"), limit, |g| match (&expr, &q) {
        (Some(e), _) => {
            let v = serde_json::to_value(g).unwrap_or(Value::Null);
            e.eval(&|a| filter::lookup(&v, a))
        }
        (None, Some(q)) => g.profile.name.to_lowercase().starts_with(q.as_str()),
        (None, None) => true,
    });
    let mut apps_count: HashMap<&str, usize> = HashMap::new();
    let mut admin: HashSet<&str> = HashSet::new();
    if want_stats {
        for ag in c.org.app_groups.values() {
            for gid in ag.keys() {
                *apps_count.entry(gid.as_str()).or_default() += 1;
            }
        }
        admin = c.org.roles.iter().filter(|r| r.assignment_type == "GROUP").map(|r| r.assignee.as_str()).collect();
    }
    let body: Vec<Value> = list
        .into_iter()
        .map(|g| {
            let stats =
                want_stats.then(|| stats_json(c, g, apps_count.get(g.id.as_str()).copied().unwrap_or(0), admin.contains(g.id.as_str())));
            let app = if want_app {
                g.source.as_ref().and_then(|s| c.org.apps.get(&s.id)).map(|a| {
                    json!({"id": a.id, "name": a.name, "label": a.label, "signOnMode": a.sign_on_mode,
                           "_links": {"self": c.href(&format!("/api/v1/apps/{}", a.id))}})
                })
            } else {
                None
            };
            group_json(g, c, stats, app)
        })
        .collect();
    Ok(ApiOk { body: Value::Array(body), link: Some(c.link(Some(limit), next.as_deref())) })
}

fn list_rules(c: &Ctx) -> R {
    let limit = c.limit(50, 200)?;
    let search = c.param("search").map(str::to_lowercase);
    let with_map = c.expands().contains("groupIdToGroupNameMap");
    let (list, next) =
        page(&c.org.group_rules, c.param("after"), limit, |r| search.as_ref().is_none_or(|s| r.name.to_lowercase().contains(s.as_str())));
    let body: Vec<Value> = list
        .into_iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).expect("rule");
            if with_map {
                let mut m = Map::new();
                if let Some(ids) = r.actions.pointer("/assignUserToGroups/groupIds").and_then(Value::as_array) {
                    for id in ids.iter().filter_map(Value::as_str) {
                        if let Some(g) = c.org.groups.get(id) {
                            m.insert(id.to_string(), json!(g.profile.name));
                        }
                    }
                }
                v["_embedded"] = json!({"groupIdToGroupNameMap": m});
            }
            v
        })
        .collect();
    Ok(ApiOk { body: Value::Array(body), link: Some(c.link(Some(limit), next.as_deref())) })
}

fn list_apps(c: &Ctx) -> R {
    let expr = parse_filter(c.param("filter"), "E0000031", "filter")?;
    let q = c.param("q").map(str::to_lowercase);
    let limit = c.limit(20, 200)?;
    let pred = |a: &App| -> bool {
        if let Some(q) = &q {
            if !(a.label.to_lowercase().starts_with(q.as_str()) || a.name.to_lowercase().starts_with(q.as_str())) {
                return false;
            }
        }
        match &expr {
            None => true,
            Some(e) => {
                let v = serde_json::to_value(a).unwrap_or(Value::Null);
                e.eval(&|attr| match attr {
                    "user.id" => {
                        Some(Value::Array(c.org.app_users.get(&a.id).map(|m| m.keys().map(|k| json!(k)).collect()).unwrap_or_default()))
                    }
                    "group.id" => {
                        Some(Value::Array(c.org.app_groups.get(&a.id).map(|m| m.keys().map(|k| json!(k)).collect()).unwrap_or_default()))
                    }
                    other => filter::lookup(&v, other),
                })
            }
        }
    };
    let (list, next) = page(&c.org.apps, c.param("after"), limit, pred);
    let body: Vec<Value> = list.into_iter().map(|a| app_json(a, c)).collect();
    Ok(ApiOk { body: Value::Array(body), link: Some(c.link(Some(limit), next.as_deref())) })
}

fn assignees(c: &Ctx) -> R {
    let limit = c.limit(100, 100)?;
    let ids: BTreeSet<&String> =
        c.org.roles.iter().filter(|r| r.assignment_type == "USER" && c.org.users.contains_key(&r.assignee)).map(|r| &r.assignee).collect();
    let mut keys: Vec<&String> = match c.param("after") {
        Some(a) => ids.iter().filter(|k| k.as_str() > a).copied().take(limit + 1).collect(),
        None => ids.iter().copied().take(limit + 1).collect(),
    };
    let next = if keys.len() > limit {
        keys.truncate(limit);
        keys.last().map(|k| k.to_string())
    } else {
        None
    };
    let org_id = c.org.org.get("id").and_then(Value::as_str).unwrap_or("00o");
    let value: Vec<Value> = keys
        .into_iter()
        .map(|id| {
            json!({
                "id": id,
                "orn": format!("orn:okta:directory:{org_id}:users:{id}"),
                "_links": {
                    "self": c.href(&format!("/api/v1/users/{id}")),
                    "roles": c.href(&format!("/api/v1/users/{id}/roles")),
                },
            })
        })
        .collect();
    let mut body = json!({"value": value, "_links": {}});
    if let Some(n) = next {
        body["_links"]["next"] = json!({"href": c.url_with(Some(limit), Some(&n))});
    }
    Ok(ApiOk { body, link: None })
}

fn log_cursor(k: &(i64, String)) -> String {
    format!("{}_{}", k.0, k.1)
}

fn parse_cursor(s: &str) -> Option<(i64, String)> {
    let (ms, rest) = s.split_once('_')?;
    Some((ms.parse().ok()?, rest.to_string()))
}

/// `GET /api/v1/logs`. A polling request (no `until`, ascending; Okta's "System Log query" guide) pages in
/// persistence order, the order of [`Org::logs`], so an event persisted late shows up after events with a
/// later `published`. Its `after` names the last event returned: with `after`, `since` no longer applies
/// (Okta documents them as mutually exclusive, and its own `next` links carry both, as recorded responses
/// show, so the `since` of the first request stays in the links). Other requests page in (`published`,
/// uuid) order.
fn logs(c: &Ctx) -> R {
    let parse_time = |name: &str| -> Result<Option<DateTime<Utc>>, ApiErr> {
        match c.param(name) {
            None | Some("") => Ok(None),
            Some(s) => {
                parse_ts(s).map(Some).ok_or_else(|| ApiErr::new(400, "E0000053", format!("Invalid value for '{name}' parameter: {s}")))
            }
        }
    };
    let since = parse_time("since")?;
    let until = parse_time("until")?;
    if let Some(s) = since {
        if s < c.now - Duration::days(180) {
            return Err(ApiErr::new(
                400,
                "E0000053",
                "Invalid value for 'since' parameter. 'since' must not be more than 180 days in the past.",
            ));
        }
    }
    let limit = c.limit(100, 1000)?;
    let desc = c.param("sortOrder").is_some_and(|s| s.eq_ignore_ascii_case("DESCENDING"));
    let expr = parse_filter(c.param("filter"), "E0000053", "filter")?;
    let keywords: Vec<String> = c.param("q").map(|q| q.split_whitespace().map(str::to_lowercase).collect()).unwrap_or_default();
    let after = match c.param("after") {
        None | Some("") => None,
        Some(a) => Some(parse_cursor(a).ok_or_else(|| ApiErr::bad("after: invalid cursor"))?),
    };
    let wanted = |e: &Value| -> bool {
        if !expr.as_ref().is_none_or(|x| x.eval(&|a| filter::lookup(e, a))) {
            return false;
        }
        if keywords.is_empty() {
            return true;
        }
        let s = e.to_string().to_lowercase();
        keywords.iter().all(|k| s.contains(k.as_str()))
    };
    let bounded = until.is_some();
    let end = until.unwrap_or(c.now);
    let retention = c.now - Duration::days(90);
    let (page, more) = if !bounded && !desc {
        let window = LogWindow { since: since.unwrap_or(end - Duration::days(7)).max(retention), retention, now: c.now };
        (poll(&c.org.logs, &window, after.as_ref(), limit, &wanted), true)
    } else {
        let start = since.unwrap_or(end - Duration::days(7)).max(retention);
        let (start_ms, end_ms) = (start.timestamp_millis(), end.timestamp_millis());
        let mut items: Vec<((i64, String), &Value)> = c
            .org
            .logs
            .iter()
            .map(|e| (log_key(e), e))
            .filter(|((ms, _), _)| *ms >= start_ms && if bounded { *ms < end_ms } else { *ms <= end_ms })
            .filter(|(_, e)| wanted(e))
            .collect();
        items.sort_by(|a, b| a.0.cmp(&b.0));
        if desc {
            items.reverse();
        }
        let mut remaining = items.into_iter().filter(|(k, _)| match &after {
            None => true,
            Some(a) => {
                if desc {
                    k < a
                } else {
                    k > a
                }
            }
        });
        let page: Vec<((i64, String), &Value)> = remaining.by_ref().take(limit).collect();
        let more = remaining.next().is_some();
        (page, more)
    };
    let body = Value::Array(page.iter().map(|(_, e)| (*e).clone()).collect());
    let last = page.last().map(|(k, _)| log_cursor(k));
    let link = if bounded {
        c.link(Some(limit), if more { last.as_deref() } else { None })
    } else {
        // polling: always a next link; an empty page points at itself
        match last {
            Some(l) => c.link(Some(limit), Some(&l)),
            None => {
                let s = c.url_with(Some(limit), None);
                format!("<{s}>; rel=\"self\", <{s}>; rel=\"next\"")
            }
        }
    };
    Ok(ApiOk { body, link: Some(link) })
}

/// The time bounds of a polling request.
struct LogWindow {
    /// Lower bound without `after`: `since`, else 7 days back.
    since: DateTime<Utc>,
    /// Lower bound with `after` (90-day retention).
    retention: DateTime<Utc>,
    now: DateTime<Utc>,
}

/// One polling page: the wanted events persisted after the cursor's event, in persistence order.
fn poll<'a>(
    logs: &'a [Value],
    window: &LogWindow,
    after: Option<&(i64, String)>,
    limit: usize,
    wanted: &dyn Fn(&Value) -> bool,
) -> Vec<((i64, String), &'a Value)> {
    // A cursor names the last event returned; should that event be unknown, fall back to the events
    // that sort after it.
    let (start, lower, floor) = match after {
        None => (0, window.since, None),
        Some(a) => match logs.iter().rposition(|e| e.get("uuid").and_then(Value::as_str) == Some(a.1.as_str())) {
            Some(i) => (i + 1, window.retention, None),
            None => (0, window.retention, Some(a)),
        },
    };
    let (lower_ms, now_ms) = (lower.timestamp_millis(), window.now.timestamp_millis());
    logs[start..]
        .iter()
        .map(|e| (log_key(e), e))
        .filter(|(k, _)| k.0 >= lower_ms && k.0 <= now_ms && floor.is_none_or(|f| k > f))
        .filter(|(_, e)| wanted(e))
        .take(limit)
        .collect()
}
