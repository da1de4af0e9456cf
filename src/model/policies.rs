//! Policies and their rules (Okta Policy API, `GET /api/v1/policies?type=...` and
//! `GET /api/v1/policies/{id}/rules`): the `okta_policy` and `okta_policy_rule` nodes, the people they apply
//! to or exclude, the apps an app sign-in policy is assigned to, and the MFA service's ENFORCES edge to each
//! rule that requires a second factor (docs/graph.md#entities, #relationships).

use super::kinds::{self, NodeKind, RelKind};
use super::map::{edge, finish_names, get, node, put, put_json, put_str, put_time, s};
use super::value::Prop;
use super::{Context, EdgeRecord, Records};
use serde_json::Value;

/// The ids of a JSON list of strings (`conditions.people.groups.include`, ...), in order, without blanks.
fn ids(v: &Value, path: &[&str]) -> Vec<String> {
    match get(v, path) {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).filter(|s| !s.is_empty()).map(String::from).collect(),
        _ => Vec::new(),
    }
}

fn put_list(props: &mut super::Props, key: &str, items: &[String]) {
    if !items.is_empty() {
        props.insert(key.into(), Prop::List(items.iter().cloned().map(Prop::Str).collect()));
    }
}

fn put_json_text(props: &mut super::Props, key: &str, v: &Value, path: &[&str]) {
    put(props, key, get(v, path).map(|x| Prop::Str(x.to_string())));
}

/// Which relationship kinds a policy's or a rule's people conditions become.
struct PeopleKinds {
    include_group: &'static RelKind,
    include_app_group: &'static RelKind,
    include_user: &'static RelKind,
    exclude_group: &'static RelKind,
    exclude_app_group: &'static RelKind,
    exclude_user: &'static RelKind,
}

static POLICY_PEOPLE: PeopleKinds = PeopleKinds {
    include_group: &kinds::POLICY_APPLIES_TO_USER_GROUP,
    include_app_group: &kinds::POLICY_APPLIES_TO_APP_USER_GROUP,
    include_user: &kinds::POLICY_APPLIES_TO_USER,
    exclude_group: &kinds::POLICY_EXCLUDES_USER_GROUP,
    exclude_app_group: &kinds::POLICY_EXCLUDES_APP_USER_GROUP,
    exclude_user: &kinds::POLICY_EXCLUDES_USER,
};

static RULE_PEOPLE: PeopleKinds = PeopleKinds {
    include_group: &kinds::POLICY_RULE_APPLIES_TO_USER_GROUP,
    include_app_group: &kinds::POLICY_RULE_APPLIES_TO_APP_USER_GROUP,
    include_user: &kinds::POLICY_RULE_APPLIES_TO_USER,
    exclude_group: &kinds::POLICY_RULE_EXCLUDES_USER_GROUP,
    exclude_app_group: &kinds::POLICY_RULE_EXCLUDES_APP_USER_GROUP,
    exclude_user: &kinds::POLICY_RULE_EXCLUDES_USER,
};

/// `conditions.people`: the id lists as node properties (`includedGroupIds`, `excludedGroupIds`,
/// `includedUserIds`, `excludedUserIds`: a policy or rule without includes applies to everyone its other
/// conditions let through) and the APPLIES_TO / EXCLUDES edges, each group's edge by the group's kind.
fn people(
    ctx: &Context,
    id: &str,
    obj: &Value,
    k: &PeopleKinds,
    group_kind: &impl Fn(&str) -> &'static NodeKind,
    props: &mut super::Props,
    out: &mut Vec<EdgeRecord>,
) {
    let people = ["conditions", "people"];
    let list = |who: &str, which: &str| ids(obj, &[people[0], people[1], who, which]);
    let (gi, ge, ui, ue) = (list("groups", "include"), list("groups", "exclude"), list("users", "include"), list("users", "exclude"));
    put_list(props, "includedGroupIds", &gi);
    put_list(props, "excludedGroupIds", &ge);
    put_list(props, "includedUserIds", &ui);
    put_list(props, "excludedUserIds", &ue);
    for (groups, okta, app) in [(&gi, k.include_group, k.include_app_group), (&ge, k.exclude_group, k.exclude_app_group)] {
        for g in groups {
            let rel = if group_kind(g) == &kinds::APP_USER_GROUP { app } else { okta };
            out.push(edge(ctx, rel, id, g));
        }
    }
    for (users, rel) in [(&ui, k.include_user), (&ue, k.exclude_user)] {
        out.extend(users.iter().map(|u| edge(ctx, rel, id, u)));
    }
}

/// The properties policies and rules share.
fn common(p: &mut super::Props, v: &Value) {
    let status = s(v, &["status"]);
    put_str(p, "status", status);
    p.insert("active".into(), Prop::Bool(status == Some("ACTIVE")));
    put_json(p, "priority", v, &["priority"]);
    put_json(p, "system", v, &["system"]);
    put_str(p, "description", s(v, &["description"]));
    put_time(p, "created", v, &["created"]);
    put_time(p, "lastUpdated", v, &["lastUpdated"]);
    put_json_text(p, "conditions", v, &["conditions"]);
}

/// One policy of `GET /api/v1/policies?type=...`: the `okta_policy` node, the account's HAS edge and the
/// people it applies to or excludes. The password policy's settings are flattened (`password*`), the
/// authenticator enrollment policy's lists its REQUIRED and OPTIONAL authenticators; every policy keeps its
/// `conditions` and `settings` as JSON text (neither carries a secret).
pub fn policy(ctx: &Context, pol: &Value, group_kind: impl Fn(&str) -> &'static NodeKind) -> Option<Records> {
    let id = s(pol, &["id"])?;
    let mut n = node(ctx, &kinds::POLICY, id.to_string());
    let p = &mut n.props;
    p.insert("id".into(), id.into());
    let ptype = s(pol, &["type"]);
    put_str(p, "type", ptype);
    common(p, pol);
    put_json_text(p, "settings", pol, &["settings"]);
    put_str(p, "authProvider", s(pol, &["conditions", "authProvider", "provider"]));
    let pw = ["settings", "password"];
    for (prop, path) in [
        ("passwordMinLength", &["complexity", "minLength"][..]),
        ("passwordMinLowerCase", &["complexity", "minLowerCase"]),
        ("passwordMinUpperCase", &["complexity", "minUpperCase"]),
        ("passwordMinNumber", &["complexity", "minNumber"]),
        ("passwordMinSymbol", &["complexity", "minSymbol"]),
        ("passwordExcludeUsername", &["complexity", "excludeUsername"]),
        ("passwordExcludeCommon", &["complexity", "dictionary", "common", "exclude"]),
        ("passwordMaxAgeDays", &["age", "maxAgeDays"]),
        ("passwordExpireWarnDays", &["age", "expireWarnDays"]),
        ("passwordMinAgeMinutes", &["age", "minAgeMinutes"]),
        ("passwordHistoryCount", &["age", "historyCount"]),
        ("passwordLockoutMaxAttempts", &["lockout", "maxAttempts"]),
        ("passwordAutoUnlockMinutes", &["lockout", "autoUnlockMinutes"]),
    ] {
        let full: Vec<&str> = pw.iter().chain(path.iter()).copied().collect();
        put_json(p, prop, pol, &full);
    }
    put_str(p, "enrollmentSettingsType", s(pol, &["settings", "type"]));
    if let Some(Value::Array(auths)) = get(pol, &["settings", "authenticators"]) {
        let with = |mode: &str| -> Vec<String> {
            auths.iter().filter(|a| s(a, &["enroll", "self"]) == Some(mode)).filter_map(|a| s(a, &["key"]).map(String::from)).collect()
        };
        put_list(p, "requiredAuthenticators", &with("REQUIRED"));
        put_list(p, "optionalAuthenticators", &with("OPTIONAL"));
    }
    let mut edges = vec![edge(ctx, &kinds::ACCOUNT_HAS_POLICY, &ctx.account_key, id)];
    people(ctx, id, pol, &POLICY_PEOPLE, &group_kind, p, &mut edges);
    let name = s(pol, &["name"]).map(String::from);
    finish_names(&mut n, name.clone(), name);
    Some(Records { nodes: vec![n], edges })
}

/// True when a rule, while ACTIVE, lets people through only with a second factor: a global session
/// (sign-on) rule allowing access with `requireFactor: true`, or an app sign-in rule allowing access
/// with a `2FA` verification method. A DENY rule requires nothing: it lets no one in.
pub fn rule_requires_mfa(r: &Value) -> bool {
    if s(r, &["status"]) != Some("ACTIVE") {
        return false;
    }
    let signon = get(r, &["actions", "signon"]);
    let app = get(r, &["actions", "appSignOn"]);
    let signon_mfa =
        signon.is_some_and(|a| s(a, &["access"]) == Some("ALLOW") && get(a, &["requireFactor"]).and_then(Value::as_bool) == Some(true));
    let app_mfa = app.is_some_and(|a| s(a, &["access"]) == Some("ALLOW") && s(a, &["verificationMethod", "factorMode"]) == Some("2FA"));
    signon_mfa || app_mfa
}

/// True when an app sign-in rule's `appSignOn` lets a password alone through: access ALLOW with one
/// factor (`1FA`), and no constraints, or a constraint object (only one needs to be met, each of its
/// properties must be) that requires no possession factor and whose knowledge types, if any, include
/// the password.
fn allows_password_only(app_sign_on: &Value) -> bool {
    if s(app_sign_on, &["access"]) != Some("ALLOW") || s(app_sign_on, &["verificationMethod", "factorMode"]) != Some("1FA") {
        return false;
    }
    let constraints = match get(app_sign_on, &["verificationMethod", "constraints"]) {
        Some(Value::Array(c)) if !c.is_empty() => c,
        _ => return true,
    };
    constraints.iter().any(|c| {
        let possession_required = get(c, &["possession"]).is_some_and(|p| get(p, &["required"]).and_then(Value::as_bool) != Some(false));
        let knowledge_allows_password = match get(c, &["knowledge", "types"]) {
            Some(Value::Array(types)) if !types.is_empty() => {
                types.iter().any(|t| t.as_str().is_some_and(|t| t.eq_ignore_ascii_case("password")))
            }
            _ => true,
        };
        !possession_required && knowledge_allows_password
    })
}

/// One rule of `GET /api/v1/policies/{policyId}/rules`: the `okta_policy_rule` node, the policy's HAS
/// edge, the people it applies to or excludes and, when it requires MFA ([`rule_requires_mfa`]), the
/// ENFORCES edge from the org's MFA service (`okta_service:<host>:mfa`). What decides the rule is kept as
/// flat properties (sign-on `access`, `requireFactor`, `factorPromptMode`, session lifetimes; app sign-in
/// `access`, `factorMode`, `constraints`; password rule accesses; network `networkConnection`), and the
/// whole `conditions` and `actions` as JSON text.
pub fn policy_rule(ctx: &Context, policy_id: &str, r: &Value, group_kind: impl Fn(&str) -> &'static NodeKind) -> Option<Records> {
    let id = s(r, &["id"])?;
    let mut n = node(ctx, &kinds::POLICY_RULE, id.to_string());
    let p = &mut n.props;
    p.insert("id".into(), id.into());
    p.insert("policyId".into(), policy_id.into());
    put_str(p, "ruleType", s(r, &["type"]));
    common(p, r);
    put_json_text(p, "actions", r, &["actions"]);
    put_str(p, "networkConnection", s(r, &["conditions", "network", "connection"]));
    put_json(p, "networkInclude", r, &["conditions", "network", "include"]);
    put_json(p, "networkExclude", r, &["conditions", "network", "exclude"]);
    put_str(p, "riskScoreLevel", s(r, &["conditions", "riskScore", "level"]));
    put_str(p, "identityProvider", s(r, &["conditions", "identityProvider", "provider"]));
    put_str(p, "expressionCondition", s(r, &["conditions", "elCondition", "condition"]));
    if let Some(a) = get(r, &["actions", "signon"]) {
        put_str(p, "access", s(a, &["access"]));
        put_json(p, "requireFactor", a, &["requireFactor"]);
        put_str(p, "factorPromptMode", s(a, &["factorPromptMode"]));
        put_json(p, "factorLifetime", a, &["factorLifetime"]);
        put_json(p, "rememberDeviceByDefault", a, &["rememberDeviceByDefault"]);
        put_str(p, "primaryFactor", s(a, &["primaryFactor"]));
        put_json(p, "maxSessionIdleMinutes", a, &["session", "maxSessionIdleMinutes"]);
        put_json(p, "maxSessionLifetimeMinutes", a, &["session", "maxSessionLifetimeMinutes"]);
        put_json(p, "usePersistentCookie", a, &["session", "usePersistentCookie"]);
    }
    if let Some(a) = get(r, &["actions", "appSignOn"]) {
        put_str(p, "access", s(a, &["access"]));
        put_str(p, "factorMode", s(a, &["verificationMethod", "factorMode"]));
        put_str(p, "verificationType", s(a, &["verificationMethod", "type"]));
        put_str(p, "reauthenticateIn", s(a, &["verificationMethod", "reauthenticateIn"]));
        put_str(p, "inactivityPeriod", s(a, &["verificationMethod", "inactivityPeriod"]));
        put_json_text(p, "constraints", a, &["verificationMethod", "constraints"]);
        p.insert("allowsPasswordOnly".into(), Prop::Bool(allows_password_only(a)));
    }
    put_str(p, "passwordChangeAccess", s(r, &["actions", "passwordChange", "access"]));
    put_str(p, "selfServicePasswordResetAccess", s(r, &["actions", "selfServicePasswordReset", "access"]));
    put_str(p, "selfServiceUnlockAccess", s(r, &["actions", "selfServiceUnlock", "access"]));
    put_str(p, "enrollAuthenticators", s(r, &["actions", "enroll", "self"]));
    put_str(p, "profileEnrollmentAccess", s(r, &["actions", "profileEnrollment", "access"]));
    let mfa = rule_requires_mfa(r);
    p.insert("requiresMfa".into(), Prop::Bool(mfa));
    let mut edges = vec![edge(ctx, &kinds::POLICY_HAS_RULE, policy_id, id)];
    people(ctx, id, r, &RULE_PEOPLE, &group_kind, p, &mut edges);
    if mfa {
        edges.push(edge(ctx, &kinds::SERVICE_ENFORCES_POLICY_RULE, &mfa_service_key(ctx), id));
    }
    let name = s(r, &["name"]).map(String::from);
    finish_names(&mut n, name.clone(), name);
    Some(Records { nodes: vec![n], edges })
}

/// The MFA service node's key, as [`super::services`] writes it.
fn mfa_service_key(ctx: &Context) -> String {
    format!("okta_service:{}:mfa", ctx.org_host)
}

/// The id of the app sign-in (ACCESS_POLICY) policy an app of `GET /api/v1/apps` uses: the last segment of
/// its `_links.accessPolicy.href` (`https://{domain}/api/v1/policies/{policyId}`). Identity Engine only.
pub fn app_access_policy(app: &Value) -> Option<String> {
    let href = s(app, &["_links", "accessPolicy", "href"])?;
    let (_, rest) = href.split_once("/api/v1/policies/")?;
    let id = rest.split(['/', '?', '#']).next()?;
    (!id.is_empty()).then(|| id.to_string())
}

/// The ASSIGNED edge from an app sign-in policy to an app that uses it.
pub fn policy_assigned_application(ctx: &Context, policy_id: &str, app_id: &str) -> EdgeRecord {
    edge(ctx, &kinds::POLICY_ASSIGNED_APPLICATION, policy_id, app_id)
}

#[cfg(test)]
#[path = "policies_tests.rs"]
mod tests;
