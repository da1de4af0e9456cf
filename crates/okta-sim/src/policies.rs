//! Policies and their rules (Okta Policy API): generation and the `/api/v1/policies` endpoints.
//!
//! Generated with its own RNG (seeded from the spec seed) after everything else, so the rest of a generated
//! org is the same as before policies existed. Each served type gets 1-3 policies with 1-3 rules each, in
//! Okta's shapes (the Policy API's list examples): people conditions under `conditions.people.groups` /
//! `conditions.people.users` (`include` / `exclude`), sign-on actions under `actions.signon`, app sign-in
//! actions under `actions.appSignOn.verificationMethod`. A Classic Engine org (`identity_engine: false`)
//! has no ACCESS_POLICY or PROFILE_ENROLLMENT policies and answers their lists with 400 E0000002, as Okta
//! does ("The request was not valid: Invalid policy type specified").
//!
//! Paging: Okta documents `limit` and `after` on the list without a default or maximum; the simulator pages
//! in id order, 20 a page by default and at most 200.

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use super::api::{ApiErr, ApiOk, Ctx};
use super::generate::{anchor_now, okta_id};
use super::model::{fmt_ts, App, Org};
use super::OrgSpec;

/// Policy types served on every org, and those only an Identity Engine org has.
const ALL_ORGS: &[&str] = &["OKTA_SIGN_ON", "MFA_ENROLL", "PASSWORD", "IDP_DISCOVERY"];
const IDENTITY_ENGINE_ONLY: &[&str] = &["ACCESS_POLICY", "PROFILE_ENROLLMENT"];

type R = Result<ApiOk, ApiErr>;

/// `/api/v1/policies...`; `segs` is the path after `policies`.
pub(crate) fn route(c: &Ctx, segs: &[&str]) -> R {
    match segs {
        [] => list_policies(c),
        [id] => {
            let p = find(c.org, id)?;
            Ok(ApiOk { body: policy_json(p, c), link: None })
        }
        [id, "rules"] => {
            let p = find(c.org, id)?;
            let pid = p["id"].as_str().unwrap_or_default();
            let rules = c.org.policy_rules.get(pid).map(Vec::as_slice).unwrap_or_default();
            let body = rules.iter().map(|r| rule_json(r, pid, c)).collect();
            Ok(ApiOk { body: Value::Array(body), link: Some(c.link(None, None)) })
        }
        [id, "rules", rid] => {
            let p = find(c.org, id)?;
            let pid = p["id"].as_str().unwrap_or_default();
            let rule = c
                .org
                .policy_rules
                .get(pid)
                .and_then(|rs| rs.iter().find(|r| r["id"] == *rid))
                .ok_or_else(|| ApiErr::not_found(rid, "PolicyRule"))?;
            Ok(ApiOk { body: rule_json(rule, pid, c), link: None })
        }
        _ => Err(ApiErr::not_found(c.path, "Endpoint")),
    }
}

/// Whether the org serves policies of this type (a Classic Engine org has no Identity Engine types).
fn served(org: &Org, ptype: &str) -> bool {
    ALL_ORGS.contains(&ptype) || (org.identity_engine && IDENTITY_ENGINE_ONLY.contains(&ptype))
}

fn find<'a>(org: &'a Org, id: &str) -> Result<&'a Value, ApiErr> {
    org.policies
        .iter()
        .find(|p| p["id"] == id && served(org, p["type"].as_str().unwrap_or_default()))
        .ok_or_else(|| ApiErr::not_found(id, "Policy"))
}

fn invalid_type() -> ApiErr {
    ApiErr::new(400, "E0000002", "The request was not valid: Invalid policy type specified")
}

fn list_policies(c: &Ctx) -> R {
    let ptype = c.param("type").filter(|t| !t.is_empty()).ok_or_else(|| ApiErr::bad("type: The field cannot be left blank"))?;
    if !served(c.org, ptype) {
        return Err(invalid_type());
    }
    let limit = c.limit(20, 200)?;
    let status = c.param("status").filter(|s| !s.is_empty());
    let mut matching: Vec<&Value> =
        c.org.policies.iter().filter(|p| p["type"] == ptype && status.is_none_or(|s| p["status"] == s)).collect();
    matching.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    let after = c.param("after");
    let rest: Vec<&Value> = matching.into_iter().filter(|p| after.is_none_or(|a| p["id"].as_str().unwrap_or_default() > a)).collect();
    let next = (rest.len() > limit).then(|| rest[limit - 1]["id"].as_str().unwrap_or_default().to_string());
    let body = rest.into_iter().take(limit).map(|p| policy_json(p, c)).collect();
    Ok(ApiOk { body: Value::Array(body), link: Some(c.link(Some(limit), next.as_deref())) })
}

fn policy_json(p: &Value, c: &Ctx) -> Value {
    let mut v = p.clone();
    let id = p["id"].as_str().unwrap_or_default();
    let system = p["system"].as_bool().unwrap_or(false);
    let self_allow = if system { json!(["GET", "PUT"]) } else { json!(["GET", "PUT", "DELETE"]) };
    let mut links = json!({
        "self": {"href": format!("{}/api/v1/policies/{id}", c.base), "hints": {"allow": self_allow}},
        "rules": {"href": format!("{}/api/v1/policies/{id}/rules", c.base), "hints": {"allow": ["GET", "POST"]}},
    });
    if !system {
        let state = if p["status"] == "ACTIVE" { "deactivate" } else { "activate" };
        links[state] = json!({"href": format!("{}/api/v1/policies/{id}/lifecycle/{state}", c.base), "hints": {"allow": ["POST"]}});
    }
    v["_links"] = links;
    v
}

fn rule_json(r: &Value, policy_id: &str, c: &Ctx) -> Value {
    let mut v = r.clone();
    let id = r["id"].as_str().unwrap_or_default();
    let system = r["system"].as_bool().unwrap_or(false);
    let self_allow = if system { json!(["GET", "PUT"]) } else { json!(["GET", "PUT", "DELETE"]) };
    let href = format!("{}/api/v1/policies/{policy_id}/rules/{id}", c.base);
    let mut links = json!({"self": {"href": href, "hints": {"allow": self_allow}}});
    if !system {
        let state = if r["status"] == "ACTIVE" { "deactivate" } else { "activate" };
        links[state] = json!({"href": format!("{href}/lifecycle/{state}"), "hints": {"allow": ["POST"]}});
    }
    v["_links"] = links;
    v
}

/// An app's `_links.accessPolicy` (the Applications API's `ApplicationLinks.accessPolicy`): the app sign-in
/// policy it uses, on an Identity Engine org.
pub(crate) fn app_links(c: &Ctx, a: &App, links: &mut Value) {
    if !c.org.identity_engine {
        return;
    }
    if let Some(pid) = c.org.app_access_policies.get(&a.id) {
        links["accessPolicy"] = c.href(&format!("/api/v1/policies/{pid}"));
    }
}

// ---------- generation ----------

struct Gen {
    rng: StdRng,
    anchor: DateTime<Utc>,
}

impl Gen {
    fn times(&mut self) -> (String, String) {
        let created = self.anchor - Duration::days(self.rng.gen_range(200..1500)) - Duration::seconds(self.rng.gen_range(0..86_400));
        let updated = created + Duration::days(self.rng.gen_range(0..150));
        let updated = updated.min(self.anchor - Duration::hours(1));
        (fmt_ts(&created), fmt_ts(&updated))
    }

    fn policy(&mut self, ptype: &str, name: &str, priority: u32, system: bool, conditions: Value, settings: Option<Value>) -> Value {
        let prefix = if ptype == "ACCESS_POLICY" { "rst" } else { "00p" };
        let (created, updated) = self.times();
        let mut p = json!({
            "type": ptype,
            "id": okta_id(&mut self.rng, prefix),
            "status": "ACTIVE",
            "name": name,
            "description": format!("{name} ({})", ptype.to_ascii_lowercase().replace('_', " ")),
            "priority": priority,
            "system": system,
            "conditions": conditions,
            "created": created,
            "lastUpdated": updated,
        });
        if let Some(s) = settings {
            p["settings"] = s;
        }
        p
    }

    fn rule(&mut self, rtype: &str, name: &str, priority: u32, system: bool, conditions: Value, actions: Value) -> Value {
        let prefix = if rtype == "ACCESS_POLICY" { "rul" } else { "0pr" };
        let (created, updated) = self.times();
        json!({
            "id": okta_id(&mut self.rng, prefix),
            "status": "ACTIVE",
            "name": name,
            "priority": priority,
            "created": created,
            "lastUpdated": updated,
            "system": system,
            "conditions": conditions,
            "actions": actions,
            "type": rtype,
        })
    }
}

fn refs(v: &[String]) -> Vec<&String> {
    v.iter().collect()
}

fn people(include_groups: &[&String], exclude_groups: &[&String], exclude_users: &[&String]) -> Value {
    people_with_users(include_groups, exclude_groups, &[], exclude_users)
}

fn people_with_users(
    include_groups: &[&String],
    exclude_groups: &[&String],
    include_users: &[&String],
    exclude_users: &[&String],
) -> Value {
    let mut p = json!({});
    if !include_groups.is_empty() || !exclude_groups.is_empty() {
        let mut g = json!({});
        if !include_groups.is_empty() {
            g["include"] = json!(include_groups);
        }
        if !exclude_groups.is_empty() {
            g["exclude"] = json!(exclude_groups);
        }
        p["groups"] = g;
    }
    p["users"] = if include_users.is_empty() {
        json!({"exclude": exclude_users})
    } else {
        json!({"include": include_users, "exclude": exclude_users})
    };
    p
}

fn signon(require_factor: bool, access: &str, idle: u32, lifetime: u32) -> Value {
    json!({"signon": {
        "requireFactor": require_factor,
        "factorPromptMode": "ALWAYS",
        "factorLifetime": 15,
        "access": access,
        "primaryFactor": "PASSWORD_IDP_ANY_FACTOR",
        "rememberDeviceByDefault": false,
        "session": {"maxSessionIdleMinutes": idle, "maxSessionLifetimeMinutes": lifetime, "usePersistentCookie": false}
    }})
}

fn app_sign_on(factor_mode: &str, reauthenticate: &str, constraints: Value) -> Value {
    json!({"appSignOn": {
        "access": "ALLOW",
        "verificationMethod": {"factorMode": factor_mode, "type": "ASSURANCE", "reauthenticateIn": reauthenticate, "constraints": constraints}
    }})
}

fn password_settings(min_length: u32, max_age_days: u32, history: u32, lockout: u32) -> Value {
    json!({
        "password": {
            "complexity": {
                "minLength": min_length, "minLowerCase": 1, "minUpperCase": 1, "minNumber": 1, "minSymbol": 0,
                "excludeUsername": true, "dictionary": {"common": {"exclude": true}}, "excludeAttributes": []
            },
            "age": {"maxAgeDays": max_age_days, "expireWarnDays": 0, "minAgeMinutes": 0, "historyCount": history},
            "lockout": {"maxAttempts": lockout, "autoUnlockMinutes": 0, "userLockoutNotificationChannels": ["EMAIL"], "showLockoutFailures": false}
        },
        "recovery": {"factors": {
            "recovery_question": {"status": "ACTIVE", "properties": {"complexity": {"minLength": 4}}},
            "okta_email": {"status": "ACTIVE", "properties": {"recoveryToken": {"tokenLifetimeMinutes": 60}}},
            "okta_sms": {"status": "INACTIVE"},
            "okta_call": {"status": "INACTIVE"}
        }},
        "delegation": {"options": {"skipUnlock": false}}
    })
}

fn password_rule_actions(reset: &str) -> Value {
    json!({
        "passwordChange": {"access": "ALLOW"},
        "selfServicePasswordReset": {"access": reset, "requirement": {"primary": {"methods": ["email"]}, "stepUp": {"required": false}}},
        "selfServiceUnlock": {"access": "DENY"}
    })
}

/// Adds every policy type's policies and rules to a generated org, and an app sign-in policy to every app.
pub(crate) fn generate(org: &mut Org, spec: &OrgSpec) {
    let mut g = Gen { rng: StdRng::seed_from_u64(spec.seed ^ 0x706f_6c69_6369_6573), anchor: anchor_now() };
    let everyone: Vec<String> = org.groups.values().filter(|x| x.kind == "BUILT_IN").map(|x| x.id.clone()).collect();
    let okta_groups: Vec<String> = org.groups.values().filter(|x| x.kind == "OKTA_GROUP").map(|x| x.id.clone()).collect();
    let app_groups: Vec<String> = org.groups.values().filter(|x| x.kind == "APP_GROUP").map(|x| x.id.clone()).collect();
    let users: Vec<String> = org.users.values().filter(|u| u.status != "DEPROVISIONED").map(|u| u.id.clone()).collect();
    let pick = |g: &mut Gen, from: &[String], n: usize| -> Vec<String> {
        let mut v: Vec<String> = from.choose_multiple(&mut g.rng, n.min(from.len())).cloned().collect();
        v.sort();
        v
    };
    let admins = pick(&mut g, &okta_groups, 2);
    let others: Vec<String> = okta_groups.iter().filter(|x| !admins.contains(x)).cloned().collect();
    let excluded = pick(&mut g, &others, 1);
    let an_app_group = pick(&mut g, &app_groups, 1);
    let break_glass = pick(&mut g, &users, 1);
    let named: Vec<String> = pick(&mut g, &users, 2).into_iter().filter(|u| !break_glass.contains(u)).take(1).collect();
    let mut policies = Vec::new();
    let mut rules: Vec<(usize, Value)> = Vec::new();

    // Global session (sign-on) policies: MFA for admins, then the default one (Everyone, no MFA).
    let admin_include: Vec<&String> = admins.iter().chain(an_app_group.iter()).collect();
    let p = g.policy(
        "OKTA_SIGN_ON",
        "Admins need MFA",
        1,
        false,
        json!({"people": people(&admin_include, &refs(&excluded), &refs(&break_glass))}),
        None,
    );
    policies.push(p);
    let cond =
        json!({"people": people(&[], &[], &refs(&break_glass)), "network": {"connection": "ANYWHERE"}, "riskScore": {"level": "ANY"}});
    rules.push((0, g.rule("SIGN_ON", "Require MFA", 1, false, cond, signon(true, "ALLOW", 120, 720))));
    if g.rng.gen_bool(0.5) {
        let zone = okta_id(&mut g.rng, "nzo");
        let cond = json!({"people": people(&[], &[], &[]), "network": {"connection": "ZONE", "include": [zone]}});
        let mut r = g.rule("SIGN_ON", "Office network", 2, false, cond, signon(false, "ALLOW", 720, 0));
        if g.rng.gen_bool(0.5) {
            r["status"] = json!("INACTIVE");
        }
        rules.push((0, r));
    }
    let p = g.policy("OKTA_SIGN_ON", "Default Policy", 2, true, json!({"people": people(&refs(&everyone), &[], &[])}), None);
    policies.push(p);
    let cond = json!({"people": people(&[], &[], &[]), "network": {"connection": "ANYWHERE"}});
    rules.push((policies.len() - 1, g.rule("SIGN_ON", "Default Rule", 1, true, cond, signon(false, "ALLOW", 120, 1440))));

    // Authenticator enrollment.
    let settings = if org.identity_engine {
        json!({"type": "AUTHENTICATORS", "authenticators": [
            {"key": "okta_email", "enroll": {"self": "NOT_ALLOWED"}},
            {"key": "okta_verify", "enroll": {"self": "OPTIONAL"}},
            {"key": "okta_password", "enroll": {"self": "REQUIRED"}}
        ]})
    } else {
        json!({"type": "FACTORS", "factors": {
            "okta_otp": {"enroll": {"self": "OPTIONAL"}, "consent": {"type": "NONE"}},
            "okta_push": {"enroll": {"self": "OPTIONAL"}, "consent": {"type": "NONE"}},
            "google_otp": {"enroll": {"self": "NOT_ALLOWED"}, "consent": {"type": "NONE"}}
        }})
    };
    let p = g.policy("MFA_ENROLL", "Default Policy", 1, true, json!({"people": people(&refs(&everyone), &[], &[])}), Some(settings));
    policies.push(p);
    let cond = json!({"people": people(&[], &[], &[]), "network": {"connection": "ANYWHERE"}});
    rules.push((policies.len() - 1, g.rule("MFA_ENROLL", "Default Rule", 1, true, cond, json!({"enroll": {"self": "CHALLENGE"}}))));

    // Password policies: stricter for admins, then the default.
    let p = g.policy(
        "PASSWORD",
        "Admin passwords",
        1,
        false,
        json!({"people": people_with_users(&refs(&admins), &refs(&an_app_group), &refs(&named), &[]), "authProvider": {"provider": "OKTA"}}),
        Some(password_settings(14, 90, 24, 5)),
    );
    policies.push(p);
    let cond = json!({"people": people(&[], &[], &[]), "network": {"connection": "ANYWHERE"}});
    rules.push((
        policies.len() - 1,
        g.rule("PASSWORD", "Admins: no self-service reset", 1, false, cond.clone(), password_rule_actions("DENY")),
    ));
    let p = g.policy(
        "PASSWORD",
        "Default Policy",
        2,
        true,
        json!({"people": people(&refs(&everyone), &[], &[]), "authProvider": {"provider": "OKTA"}}),
        Some(password_settings(8, 0, 4, 10)),
    );
    policies.push(p);
    rules.push((policies.len() - 1, g.rule("PASSWORD", "Default Rule", 1, true, cond, password_rule_actions("ALLOW"))));

    if org.identity_engine {
        // App sign-in policies: the default one (one factor), two factors for engineers, and a legacy
        // password-only one.
        let catch_all = |g: &mut Gen, mode: &str| {
            g.rule("ACCESS_POLICY", "Catch-all Rule", 99, true, Value::Null, app_sign_on(mode, "PT12H", json!([])))
        };
        policies.push(g.policy("ACCESS_POLICY", "Default Policy", 1, true, Value::Null, None));
        let default_access = policies.len() - 1;
        rules.push((default_access, catch_all(&mut g, "1FA")));

        policies.push(g.policy("ACCESS_POLICY", "Any two factors", 2, false, Value::Null, None));
        let two = policies.len() - 1;
        let not_these: Vec<&String> = excluded.iter().chain(an_app_group.iter()).collect();
        let cond = json!({"people": people(&refs(&admins), &not_these, &refs(&break_glass)), "network": {"connection": "ANYWHERE"}});
        let possession = json!([{"possession": {"required": true, "deviceBound": "REQUIRED"}}]);
        rules.push((two, g.rule("ACCESS_POLICY", "Admins: phishing-resistant", 1, false, cond, app_sign_on("2FA", "PT2H", possession))));
        rules.push((two, catch_all(&mut g, "2FA")));

        policies.push(g.policy("ACCESS_POLICY", "Legacy password only", 3, false, Value::Null, None));
        let legacy = policies.len() - 1;
        let cond = json!({"people": people_with_users(&refs(&an_app_group), &refs(&excluded), &refs(&named), &[]), "network": {"connection": "ANYWHERE"}});
        let knowledge = json!([{"knowledge": {"required": true, "types": ["password"]}}]);
        rules.push((legacy, g.rule("ACCESS_POLICY", "Password is enough", 1, false, cond, app_sign_on("1FA", "PT8H", knowledge))));

        // Every app uses one: a few the legacy policy, several the two-factor one, the rest the default.
        let pid = |i: usize| policies[i]["id"].as_str().unwrap_or_default().to_string();
        let (default_id, two_id, legacy_id) = (pid(default_access), pid(two), pid(legacy));
        for (i, app) in org.apps.keys().enumerate() {
            let p = match i % 5 {
                0 => &legacy_id,
                1 | 2 => &two_id,
                _ => &default_id,
            };
            org.app_access_policies.insert(app.clone(), p.clone());
        }

        // User profile (profile enrollment) policies: one rule each, as Okta allows.
        policies.push(g.policy("PROFILE_ENROLLMENT", "Default Policy", 1, true, Value::Null, None));
        let actions = json!({"profileEnrollment": {
            "access": "DENY", "targetGroupIds": [], "unknownUserAction": "DENY",
            "activationRequirements": {"emailVerification": true}, "preRegistrationInlineHooks": null,
            "profileAttributes": [{"name": "email", "label": "Email", "required": true}]
        }});
        rules.push((policies.len() - 1, g.rule("PROFILE_ENROLLMENT", "Catch-all Rule", 99, true, Value::Null, actions)));
        if let Some(target) = others.first() {
            policies.push(g.policy("PROFILE_ENROLLMENT", "Partner self-registration", 2, false, Value::Null, None));
            let actions = json!({"profileEnrollment": {
                "access": "ALLOW", "targetGroupIds": [target], "unknownUserAction": "REGISTER",
                "activationRequirements": {"emailVerification": true}, "preRegistrationInlineHooks": null,
                "profileAttributes": [{"name": "email", "label": "Email", "required": true}]
            }});
            rules.push((policies.len() - 1, g.rule("PROFILE_ENROLLMENT", "Catch-all Rule", 99, true, Value::Null, actions)));
        }
    }

    for (i, r) in rules {
        let pid = policies[i]["id"].as_str().unwrap_or_default().to_string();
        org.policy_rules.entry(pid).or_default().push(r);
    }
    org.policies = policies;
}

#[cfg(test)]
#[path = "policies_tests.rs"]
mod tests;
