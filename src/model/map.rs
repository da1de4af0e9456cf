//! One function per Okta resource: JSON in, records out.

use super::kinds::{self, NodeKind, RelKind};
use super::value::{json_to_prop, parse_okta_time, Prop, Props};
use super::{AppInfo, Context, EdgeRecord, NodeRecord, Records};
use serde_json::Value;

/// Profile attributes never stored: docs/graph.md#secrets forbids phone numbers, and these carry them.
fn is_secret_profile_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("phone") || k.contains("password") || k.contains("secret") || k.contains("recovery")
}

pub(super) fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    get(v, path).and_then(Value::as_str)
}

pub(super) fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    if cur.is_null() {
        None
    } else {
        Some(cur)
    }
}

pub(super) fn put(props: &mut Props, key: &str, value: Option<Prop>) {
    if let Some(v) = value {
        props.insert(key.to_string(), v);
    }
}

pub(super) fn put_str(props: &mut Props, key: &str, value: Option<&str>) {
    put(props, key, value.map(Prop::from));
}

pub(super) fn put_json(props: &mut Props, key: &str, v: &Value, path: &[&str]) {
    put(props, key, get(v, path).and_then(json_to_prop));
}

pub(super) fn put_time(props: &mut Props, key: &str, v: &Value, path: &[&str]) {
    put(props, key, s(v, path).and_then(parse_okta_time).map(Prop::DateTime));
}

/// Starts a node with the properties every node carries (docs/graph.md#common-properties).
pub(super) fn node(ctx: &Context, kind: &'static NodeKind, key: String) -> NodeRecord {
    let mut props = Props::new();
    base_props(ctx, kind, &mut props);
    NodeRecord { kind, key, props }
}

fn base_props(ctx: &Context, kind: &'static NodeKind, props: &mut Props) {
    props.insert("_type".into(), kind.type_name.into());
    props.insert("_class".into(), Prop::List(kind.classes.iter().map(|c| Prop::from(*c)).collect()));
    if kind.account_scoped {
        props.insert("_accountKey".into(), ctx.account_key.clone().into());
        if ctx.tag_with_account_name {
            props.insert("tag.AccountName".into(), ctx.account_name.clone().into());
        }
    }
}

/// A node whose properties start from an Okta object's profile, so explicit fields set afterwards win.
fn node_with_profile(ctx: &Context, kind: &'static NodeKind, key: String, profile: Option<&Value>) -> NodeRecord {
    let mut props = Props::new();
    if let Some(Value::Object(map)) = profile {
        for (k, v) in map {
            if k.starts_with('_') || is_secret_profile_key(k) {
                continue;
            }
            put(&mut props, k, json_to_prop(v));
        }
    }
    base_props(ctx, kind, &mut props);
    NodeRecord { kind, key, props }
}

pub(super) fn finish_names(n: &mut NodeRecord, name: Option<String>, display: Option<String>) {
    let name = name.filter(|s| !s.trim().is_empty()).unwrap_or_else(|| n.key.clone());
    let display = display.filter(|s| !s.trim().is_empty()).unwrap_or_else(|| name.clone());
    n.props.insert("name".into(), name.into());
    n.props.insert("displayName".into(), display.into());
}

/// Starts an edge with the properties every relationship carries (docs/graph.md#relationships).
pub(crate) fn edge(ctx: &Context, kind: &'static RelKind, from: &str, to: &str) -> EdgeRecord {
    let mut props = Props::new();
    props.insert("_type".into(), kind.type_name.into());
    props.insert("_class".into(), kind.class.into());
    props.insert("_accountKey".into(), ctx.account_key.clone().into());
    let mut e = EdgeRecord { kind, from: from.to_string(), to: to.to_string(), props };
    let key = e.key();
    e.props.insert("_key".into(), key.into());
    e
}

/// Account properties read from `GET /api/v1/org`.
pub(crate) const ORG_PROPS: &[&str] = &["companyName", "oktaOrgId", "orgStatus", "website"];
/// Account properties read from `GET /api/v1/org/privacy/oktaSupport` (super admins only).
pub(crate) const SUPPORT_PROPS: &[&str] = &["supportEnabled", "supportExpiresOn", "supportCaseNumber"];

/// The `okta_account` node. `org` is `GET /api/v1/org` and `support` is
/// `GET /api/v1/org/privacy/oktaSupport`, each when the token could read it.
pub fn account(ctx: &Context, org: Option<&Value>, support: Option<&Value>) -> NodeRecord {
    let mut n = node(ctx, &kinds::ACCOUNT, ctx.account_key.clone());
    let p = &mut n.props;
    p.insert("webLink".into(), ctx.org_url.clone().into());
    p.insert("orgUrl".into(), ctx.org_url.clone().into());
    p.insert("accountName".into(), ctx.account_name.clone().into());
    put_str(p, "description", ctx.description.as_deref());
    if let Some(org) = org {
        put_str(p, "companyName", s(org, &["companyName"]));
        put_str(p, "oktaOrgId", s(org, &["id"]));
        put_str(p, "orgStatus", s(org, &["status"]));
        put_str(p, "website", s(org, &["website"]));
    }
    if let Some(sup) = support {
        put(p, "supportEnabled", s(sup, &["support"]).map(|v| Prop::Bool(v.eq_ignore_ascii_case("ENABLED"))));
        put_time(p, "supportExpiresOn", sup, &["expiration"]);
        put_str(p, "supportCaseNumber", s(sup, &["caseNumber"]));
    }
    let display = if ctx.account_name.is_empty() { ctx.subdomain.clone() } else { ctx.account_name.clone() };
    finish_names(&mut n, Some(ctx.subdomain.clone()), Some(display));
    n
}

/// The two `okta_service` nodes (SSO and MFA) and the account's HAS edges to them.
pub fn services(ctx: &Context) -> Records {
    let mut out = Records::default();
    for (id, name, display) in [("sso", "SSO", "Okta SSO"), ("mfa", "MFA", "Okta MFA")] {
        let key = format!("okta_service:{}:{id}", ctx.org_host);
        let mut n = node(ctx, &kinds::SERVICE, key.clone());
        n.props.insert("category".into(), Prop::List(vec!["security".into()]));
        n.props.insert("function".into(), Prop::List(vec![name.into()]));
        n.props.insert("controlDomain".into(), "identity-access".into());
        n.props.insert("webLink".into(), ctx.org_url.clone().into());
        finish_names(&mut n, Some(name.into()), Some(display.into()));
        out.edges.push(edge(ctx, &kinds::ACCOUNT_HAS_SERVICE, &ctx.account_key, &key));
        out.nodes.push(n);
    }
    out
}

/// `userType` values that mark a user as not a person (docs/graph.md#relationships, IS).
fn is_non_person(user_type: Option<&str>) -> bool {
    matches!(user_type.map(|t| t.trim().to_ascii_lowercase()).as_deref(), Some("generic" | "service" | "bot"))
}

/// One Okta user: the `okta_user` node, the account's HAS edge, and (for people) the `employee` node
/// and the IS edge.
pub fn user(ctx: &Context, u: &Value) -> Option<Records> {
    let id = s(u, &["id"])?;
    let profile = get(u, &["profile"]);
    let mut n = node_with_profile(ctx, &kinds::USER, id.to_string(), profile);
    let p = &mut n.props;
    let login = s(u, &["profile", "login"]);
    let email = s(u, &["profile", "email"]).map(|e| e.trim().to_ascii_lowercase()).filter(|e| !e.is_empty());
    p.insert("id".into(), id.into());
    put_str(p, "login", login);
    put(p, "username", login.map(|l| Prop::from(l.split('@').next().unwrap_or(l))));
    put(p, "email", email.clone().map(Prop::from));
    let status = s(u, &["status"]);
    put_str(p, "status", status);
    p.insert("active".into(), Prop::Bool(status == Some("ACTIVE")));
    let user_type = s(u, &["profile", "userType"]);
    put_str(p, "userType", user_type);
    for t in ["created", "activated", "statusChanged", "lastLogin", "lastUpdated", "passwordChanged"] {
        put_time(p, t, u, &[t]);
    }
    p.remove("transitioningToStatus");
    put_str(p, "transitioningToStatus", s(u, &["transitioningToStatus"]));
    put_str(p, "userTypeId", s(u, &["type", "id"]));
    if let Some(Value::Array(emails)) = get(u, &["credentials", "emails"]) {
        let (mut verified, mut unverified) = (Vec::new(), Vec::new());
        for e in emails {
            if let Some(v) = s(e, &["value"]) {
                let target = if s(e, &["status"]) == Some("VERIFIED") { &mut verified } else { &mut unverified };
                target.push(Prop::Str(v.to_ascii_lowercase()));
            }
        }
        if !verified.is_empty() {
            p.insert("verifiedEmails".into(), Prop::List(verified));
        }
        if !unverified.is_empty() {
            p.insert("unverifiedEmails".into(), Prop::List(unverified));
        }
    }
    put_str(p, "credentialsProvider", s(u, &["credentials", "provider", "type"]));
    put_str(p, "credentialsProviderName", s(u, &["credentials", "provider", "name"]));
    p.insert("webLink".into(), format!("{}/admin/user/profile/view/{id}", ctx.admin_url).into());
    let first = s(u, &["profile", "firstName"]).unwrap_or_default();
    let last = s(u, &["profile", "lastName"]).unwrap_or_default();
    let full = format!("{first} {last}").trim().to_string();
    finish_names(&mut n, Some(full.clone()).filter(|f| !f.is_empty()).or(login.map(String::from)), login.map(String::from));

    let mut out = Records::default();
    out.edges.push(edge(ctx, &kinds::ACCOUNT_HAS_USER, &ctx.account_key, id));
    if let Some(email) = email.filter(|_| !is_non_person(user_type)) {
        let key = format!("employee:{email}");
        let mut e = node(ctx, &kinds::EMPLOYEE, key.clone());
        e.props.insert("email".into(), email.clone().into());
        let name = if full.is_empty() { email.clone() } else { full };
        finish_names(&mut e, Some(name.clone()), Some(name));
        out.edges.push(edge(ctx, &kinds::USER_IS_EMPLOYEE, id, &key));
        out.nodes.push(e);
    }
    out.nodes.insert(0, n);
    Some(out)
}

/// The node kind for an Okta group `type`: APP_GROUP is `okta_app_user_group`, the rest `okta_user_group`.
pub(crate) fn group_kind(group_type: Option<&str>) -> &'static NodeKind {
    if group_type == Some("APP_GROUP") {
        &kinds::APP_USER_GROUP
    } else {
        &kinds::USER_GROUP
    }
}

/// One Okta group (as listed with `expand=stats`) and the account's HAS edge.
pub fn group(ctx: &Context, g: &Value) -> Option<Records> {
    let id = s(g, &["id"])?;
    let gtype = s(g, &["type"]);
    let kind = group_kind(gtype);
    let mut n = node_with_profile(ctx, kind, id.to_string(), get(g, &["profile"]));
    let p = &mut n.props;
    p.insert("id".into(), id.into());
    put_str(p, "type", gtype);
    put_json(p, "objectClass", g, &["objectClass"]);
    for t in ["created", "lastUpdated", "lastMembershipUpdated"] {
        put_time(p, t, g, &[t]);
    }
    put_str(p, "description", s(g, &["profile", "description"]));
    put_json(p, "usersCount", g, &["_embedded", "stats", "usersCount"]);
    put_json(p, "appsCount", g, &["_embedded", "stats", "appsCount"]);
    put_json(p, "hasAdminPrivilege", g, &["_embedded", "stats", "hasAdminPrivlege"]);
    if kind == &kinds::APP_USER_GROUP {
        put_str(p, "sourceAppId", s(g, &["source", "id"]));
    }
    p.insert("webLink".into(), format!("{}/admin/group/{id}", ctx.admin_url).into());
    let name = s(g, &["profile", "name"]).map(String::from);
    finish_names(&mut n, name.clone(), name);
    let has = if kind == &kinds::APP_USER_GROUP { &kinds::ACCOUNT_HAS_APP_USER_GROUP } else { &kinds::ACCOUNT_HAS_USER_GROUP };
    Some(Records { edges: vec![edge(ctx, has, &ctx.account_key, id)], nodes: vec![n] })
}

/// The HAS edge from a group to one member.
pub fn membership(ctx: &Context, group_kind: &'static NodeKind, group_id: &str, user_id: &str) -> EdgeRecord {
    let kind = if group_kind == &kinds::APP_USER_GROUP { &kinds::APP_USER_GROUP_HAS_USER } else { &kinds::USER_GROUP_HAS_USER };
    edge(ctx, kind, group_id, user_id)
}

/// The HAS edge from a group to one item of `GET /api/v1/groups/{id}/users`.
pub(crate) fn member_edge(ctx: &Context, group_kind: &'static NodeKind, group_id: &str, member: &Value) -> Option<EdgeRecord> {
    Some(membership(ctx, group_kind, group_id, s(member, &["id"])?))
}

/// The AWS account id in an IAM ARN (`arn:aws:iam::123456789012:...`).
pub(crate) fn aws_account_id(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:aws:iam::").or_else(|| arn.strip_prefix("arn:aws-us-gov:iam::"))?;
    let id = rest.split(':').next()?;
    (id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}

/// True for the AWS Account Federation app.
pub(crate) fn is_aws_app(app: &Value) -> bool {
    s(app, &["name"]) == Some("amazon_aws") || get(app, &["settings", "app", "identityProviderArn"]).is_some()
}

/// One Okta application and the account's HAS edge. App `credentials` are never read.
pub fn application(ctx: &Context, a: &Value) -> Option<Records> {
    let id = s(a, &["id"])?;
    let mut n = node(ctx, &kinds::APPLICATION, id.to_string());
    let p = &mut n.props;
    p.insert("id".into(), id.into());
    let name = s(a, &["name"]);
    put_str(p, "appName", name);
    put_str(p, "label", s(a, &["label"]));
    let status = s(a, &["status"]);
    put_str(p, "status", status);
    p.insert("active".into(), Prop::Bool(status == Some("ACTIVE")));
    let mode = s(a, &["signOnMode"]);
    put_str(p, "signOnMode", mode);
    p.insert("isSAMLApp".into(), Prop::Bool(mode.is_some_and(|m| m.starts_with("SAML"))));
    put_json(p, "features", a, &["features"]);
    put_time(p, "created", a, &["created"]);
    put_time(p, "lastUpdated", a, &["lastUpdated"]);
    let login_url = s(a, &["settings", "app", "loginURL"])
        .or_else(|| s(a, &["settings", "app", "loginUrl"]))
        .or_else(|| get(a, &["_links", "appLinks"]).and_then(|l| l.get(0)).and_then(|l| s(l, &["href"])));
    put_str(p, "loginUrl", login_url);
    let image = get(a, &["_links", "logo"]).and_then(|l| l.get(0)).and_then(|l| s(l, &["href"]));
    put_str(p, "imageUrl", image);
    let app_settings = [
        ("awsIdentityProviderArn", "identityProviderArn"),
        ("awsEnvironmentType", "awsEnvironmentType"),
        ("awsGroupFilter", "groupFilter"),
        ("awsRoleValuePattern", "roleValuePattern"),
        ("awsJoinAllRoles", "joinAllRoles"),
        ("awsSessionDuration", "sessionDuration"),
        ("githubOrg", "githubOrg"),
        ("appDomain", "domain"),
        ("appAccountId", "accountId"),
    ];
    for (prop, key) in app_settings {
        put_json(p, prop, a, &["settings", "app", key]);
    }
    if let Some(acct) = s(a, &["settings", "app", "identityProviderArn"]).and_then(aws_account_id) {
        p.insert("awsAccountId".into(), acct.into());
    }
    let app_name = name.unwrap_or("app");
    p.insert("webLink".into(), format!("{}/admin/app/{app_name}/instance/{id}", ctx.admin_url).into());
    let label = s(a, &["label"]).map(String::from);
    finish_names(&mut n, label.clone().or(name.map(String::from)), label);
    Some(Records { edges: vec![edge(ctx, &kinds::ACCOUNT_HAS_APPLICATION, &ctx.account_key, id)], nodes: vec![n] })
}

/// The AWS IAM role a SAML role value names: the ARN form, `Account -- Role`, `[alias] -- Role`, or a bare
/// role name resolved against the app's AWS account.
pub fn aws_role(value: &str, app_account_id: Option<&str>) -> Option<NodeRecord> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let mut props = Props::new();
    let key;
    // Role values may be "arn:...:saml-provider/X,arn:...:role/Y" pairs: take the role part.
    let role_arn = v.split(',').map(str::trim).find(|part| part.contains(":role/"));
    if let Some(arn) = role_arn.filter(|a| a.starts_with("arn:")) {
        key = arn.to_string();
        props.insert("arn".into(), arn.into());
        let role_name = arn.rsplit('/').next().unwrap_or(arn);
        props.insert("roleName".into(), role_name.into());
        if let Some(acct) = aws_account_id(arn) {
            props.insert("awsAccountId".into(), acct.into());
        }
    } else if let Some((acct, role)) = v.split_once(" -- ") {
        let acct = acct.trim().trim_start_matches('[').trim_end_matches(']').trim();
        let role = role.trim();
        if acct.is_empty() || role.is_empty() {
            return None;
        }
        key = format!("aws_iam_role:{acct}:{role}");
        props.insert("roleName".into(), role.into());
        props.insert("awsAccountName".into(), acct.into());
    } else if let Some(acct) = app_account_id {
        let arn = format!("arn:aws:iam::{acct}:role/{v}");
        key = arn.clone();
        props.insert("arn".into(), arn.into());
        props.insert("roleName".into(), v.into());
        props.insert("awsAccountId".into(), acct.into());
    } else {
        return None;
    }
    let kind = &kinds::AWS_IAM_ROLE;
    props.insert("_type".into(), kind.type_name.into());
    props.insert("_class".into(), Prop::List(kind.classes.iter().map(|c| Prop::from(*c)).collect()));
    let name = props.get("roleName").cloned().unwrap_or_else(|| Prop::from(key.as_str()));
    props.insert("name".into(), name);
    props.insert("displayName".into(), key.clone().into());
    Some(NodeRecord { kind, key, props })
}

fn saml_roles(profile: Option<&Value>) -> Vec<String> {
    let Some(profile) = profile else { return Vec::new() };
    let mut roles: Vec<String> = match profile.get("samlRoles") {
        Some(Value::Array(items)) => items.iter().filter_map(|i| i.as_str().map(String::from)).collect(),
        Some(Value::String(one)) => vec![one.clone()],
        _ => Vec::new(),
    };
    if roles.is_empty() {
        if let Some(r) = profile.get("role").and_then(Value::as_str) {
            roles.push(r.to_string());
        }
    }
    roles
}

fn assignment_roles(p: &mut Props, profile: Option<&Value>) {
    let roles = saml_roles(profile);
    if !roles.is_empty() {
        p.insert("roles".into(), Prop::List(roles.into_iter().map(Prop::Str).collect()));
    }
    put_str(p, "role", profile.and_then(|pr| s(pr, &["role"])));
}

fn aws_edges(ctx: &Context, out: &mut Records, rel: &'static RelKind, from: &str, app: &AppInfo, profile: Option<&Value>) {
    if !app.aws {
        return;
    }
    for value in saml_roles(profile) {
        if let Some(role) = aws_role(&value, app.aws_account_id.as_deref()) {
            // No per-app property: the edge's key names the user (or group) and the role only, and the same
            // role is often reachable through several AWS apps; a per-app value would flip between syncs.
            out.edges.push(edge(ctx, rel, from, &role.key));
            out.nodes.push(role);
        }
    }
}

/// One item of `GET /apps/{id}/users`: the ASSIGNED edge and, for AWS apps, the role edges.
pub fn app_user(ctx: &Context, app: &AppInfo, au: &Value) -> Option<Records> {
    let uid = s(au, &["id"])?;
    let mut out = Records::default();
    let mut e = edge(ctx, &kinds::USER_ASSIGNED_APPLICATION, uid, &app.id);
    let p = &mut e.props;
    put_str(p, "scope", s(au, &["scope"]));
    put_str(p, "status", s(au, &["status"]));
    put_str(p, "syncState", s(au, &["syncState"]));
    put_str(p, "externalId", s(au, &["externalId"]));
    put_str(p, "appUserName", s(au, &["credentials", "userName"]));
    put_time(p, "created", au, &["created"]);
    put_time(p, "lastUpdated", au, &["lastUpdated"]);
    put_time(p, "statusChanged", au, &["statusChanged"]);
    assignment_roles(p, get(au, &["profile"]));
    out.edges.push(e);
    aws_edges(ctx, &mut out, &kinds::USER_ASSIGNED_AWS_IAM_ROLE, uid, app, get(au, &["profile"]));
    Some(out)
}

/// One item of `GET /apps/{id}/groups`, for a group of the given kind.
pub fn app_group(ctx: &Context, app: &AppInfo, group_kind: &'static NodeKind, ag: &Value) -> Option<Records> {
    let gid = s(ag, &["id"])?;
    let app_group = group_kind == &kinds::APP_USER_GROUP;
    let rel = if app_group { &kinds::APP_USER_GROUP_ASSIGNED_APPLICATION } else { &kinds::USER_GROUP_ASSIGNED_APPLICATION };
    let mut out = Records::default();
    let mut e = edge(ctx, rel, gid, &app.id);
    put_json(&mut e.props, "priority", ag, &["priority"]);
    put_time(&mut e.props, "lastUpdated", ag, &["lastUpdated"]);
    assignment_roles(&mut e.props, get(ag, &["profile"]));
    out.edges.push(e);
    let aws_rel = if app_group { &kinds::APP_USER_GROUP_ASSIGNED_AWS_IAM_ROLE } else { &kinds::USER_GROUP_ASSIGNED_AWS_IAM_ROLE };
    aws_edges(ctx, &mut out, aws_rel, gid, app, get(ag, &["profile"]));
    Some(out)
}

/// One enrolled factor of a user: the `mfa_device` node and the user's ASSIGNED edge. Only the profile
/// fields docs/graph.md#entity-properties names are kept (no phone numbers, shared secrets or questions).
pub fn factor(ctx: &Context, user_id: &str, f: &Value) -> Option<Records> {
    let id = s(f, &["id"])?;
    let mut n = node(ctx, &kinds::MFA_DEVICE, id.to_string());
    let p = &mut n.props;
    p.insert("id".into(), id.into());
    p.insert("userId".into(), user_id.into());
    let ftype = s(f, &["factorType"]);
    let provider = s(f, &["provider"]);
    put_str(p, "factorType", ftype);
    put_str(p, "provider", provider);
    put_str(p, "vendorName", s(f, &["vendorName"]));
    let status = s(f, &["status"]);
    put_str(p, "status", status);
    p.insert("active".into(), Prop::Bool(status == Some("ACTIVE")));
    put_time(p, "created", f, &["created"]);
    put_time(p, "lastUpdated", f, &["lastUpdated"]);
    put_time(p, "lastVerifiedOn", f, &["lastVerified"]);
    put_str(p, "authenticatorName", s(f, &["profile", "authenticatorName"]));
    put_str(p, "platform", s(f, &["profile", "platform"]));
    put_str(p, "deviceType", s(f, &["profile", "deviceType"]));
    put_str(p, "profileName", s(f, &["profile", "name"]));
    let name = format!("{} {}", provider.unwrap_or("UNKNOWN"), ftype.unwrap_or("unknown"));
    finish_names(&mut n, Some(name.clone()), Some(name));
    let e = edge(ctx, &kinds::USER_ASSIGNED_MFA_DEVICE, user_id, id);
    Some(Records { nodes: vec![n], edges: vec![e] })
}

/// The `okta_role` key for a role assignment: the role type, or the custom role's id for CUSTOM roles.
pub(crate) fn role_key(ctx: &Context, r: &Value) -> Option<String> {
    let rtype = s(r, &["type"])?;
    let ident = if rtype == "CUSTOM" { s(r, &["role"]).unwrap_or(rtype) } else { rtype };
    Some(format!("okta_role:{}:{ident}", ctx.org_host))
}

/// One admin role assignment to a user (`assignee_kind` = USER) or group: the role node and the edge.
/// A user's GROUP-inherited assignments are skipped: the group's own assignment carries them.
pub fn role_assignment(ctx: &Context, assignee_kind: &'static NodeKind, assignee_id: &str, r: &Value) -> Option<Records> {
    let rtype = s(r, &["type"])?;
    if assignee_kind == &kinds::USER && s(r, &["assignmentType"]).is_some_and(|t| t != "USER") {
        return None;
    }
    let key = role_key(ctx, r)?;
    let mut n = node(ctx, &kinds::ROLE, key.clone());
    n.props.insert("roleType".into(), rtype.into());
    n.props.insert("superAdmin".into(), Prop::Bool(rtype == "SUPER_ADMIN"));
    put_str(&mut n.props, "customRoleId", s(r, &["role"]).filter(|_| rtype == "CUSTOM"));
    let label = s(r, &["label"]).map(String::from).unwrap_or_else(|| rtype.to_string());
    finish_names(&mut n, Some(label.clone()), Some(label));
    let rel = if assignee_kind == &kinds::USER {
        &kinds::USER_ASSIGNED_ROLE
    } else if assignee_kind == &kinds::APP_USER_GROUP {
        &kinds::APP_USER_GROUP_ASSIGNED_ROLE
    } else {
        &kinds::USER_GROUP_ASSIGNED_ROLE
    };
    let mut e = edge(ctx, rel, assignee_id, &key);
    put_str(&mut e.props, "status", s(r, &["status"]));
    put_str(&mut e.props, "assignmentId", s(r, &["id"]));
    put_str(&mut e.props, "assignmentType", s(r, &["assignmentType"]));
    put_str(&mut e.props, "resourceSet", s(r, &["resource-set"]));
    Some(Records { nodes: vec![n], edges: vec![e] })
}

/// One group rule, the account's HAS edge and MANAGES edges to its target groups (kind looked up by id).
pub fn rule(ctx: &Context, r: &Value, group_kind: impl Fn(&str) -> &'static NodeKind) -> Option<Records> {
    let id = s(r, &["id"])?;
    let mut n = node(ctx, &kinds::RULE, id.to_string());
    let p = &mut n.props;
    p.insert("id".into(), id.into());
    put_str(p, "ruleType", s(r, &["type"]));
    let status = s(r, &["status"]);
    put_str(p, "status", status);
    p.insert("active".into(), Prop::Bool(status == Some("ACTIVE")));
    put_time(p, "created", r, &["created"]);
    put_time(p, "lastUpdated", r, &["lastUpdated"]);
    put_str(p, "expression", s(r, &["conditions", "expression", "value"]));
    put(p, "conditions", get(r, &["conditions"]).map(|v| Prop::Str(v.to_string())));
    put(p, "actions", get(r, &["actions"]).map(|v| Prop::Str(v.to_string())));
    put_json(p, "allGroupsValid", r, &["allGroupsValid"]);
    let group_ids: Vec<String> = match get(r, &["actions", "assignUserToGroups", "groupIds"]) {
        Some(Value::Array(ids)) => ids.iter().filter_map(|i| i.as_str().map(String::from)).collect(),
        _ => Vec::new(),
    };
    if !group_ids.is_empty() {
        p.insert("groupIds".into(), Prop::List(group_ids.iter().cloned().map(Prop::Str).collect()));
    }
    p.insert("webLink".into(), format!("{}/admin/groups#rules", ctx.admin_url).into());
    let name = s(r, &["name"]).map(String::from);
    finish_names(&mut n, name.clone(), name);
    let mut out = Records { nodes: vec![n], edges: vec![edge(ctx, &kinds::ACCOUNT_HAS_RULE, &ctx.account_key, id)] };
    for gid in group_ids {
        let rel =
            if group_kind(&gid) == &kinds::APP_USER_GROUP { &kinds::RULE_MANAGES_APP_USER_GROUP } else { &kinds::RULE_MANAGES_USER_GROUP };
        out.edges.push(edge(ctx, rel, id, &gid));
    }
    Some(out)
}
