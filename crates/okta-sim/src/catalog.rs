//! The org's trust and egress configuration: identity providers, trusted origins, network zones, API tokens
//! (metadata), user types, log streams and event hooks. Generated with a random stream of their own (so the rest
//! of a generated org is unchanged by them) and served with Okta's shapes and paging:
//!
//! | endpoint | paging | scope | super admin |
//! |---|---|---|---|
//! | `GET /api/v1/idps` | `limit` (default 20, max 200), `after` | `okta.idps.read` | no |
//! | `GET /api/v1/trustedOrigins` | `limit` (default 20, max 200), `after` | `okta.trustedOrigins.read` | no |
//! | `GET /api/v1/zones` | `limit` (default: all), `after` | `okta.networkZones.read` | no |
//! | `GET /api/v1/api-tokens` | `limit` (default 20, max 200), `after` | `okta.apiTokens.read` | yes |
//! | `GET /api/v1/meta/types/user` | none | `okta.userTypes.read` | no |
//! | `GET /api/v1/logStreams` | `limit` (default 20, max 200), `after` | `okta.logStreams.read` | yes |
//! | `GET /api/v1/eventHooks` | none | `okta.eventHooks.read` | yes (Okta: "only super admins can view and configure event hooks") |
//!
//! An org without log streaming ([`Catalog::log_streaming`] false) answers 404 on `/logStreams`. API tokens of
//! users that no longer exist are not listed.

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::api::{ApiErr, ApiOk, Ctx};
use super::generate::{alnum, okta_id};
use super::model::{fmt_ts, IdRef, Org};
use super::OrgSpec;

/// XOR-ed into the spec's seed: the catalog's own random stream.
const SEED_SALT: u64 = 0xCA7A_1060_0000_0013;

fn yes() -> bool {
    true
}

/// Every list as Okta returns it, minus `_links`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    #[serde(default)]
    pub idps: Vec<Value>,
    #[serde(default)]
    pub trusted_origins: Vec<Value>,
    #[serde(default)]
    pub zones: Vec<Value>,
    #[serde(default)]
    pub api_tokens: Vec<Value>,
    #[serde(default)]
    pub user_types: Vec<Value>,
    #[serde(default)]
    pub log_streams: Vec<Value>,
    #[serde(default)]
    pub event_hooks: Vec<Value>,
    /// Whether the org has log streaming (a feature Okta enables per org); without it `/logStreams` is a 404.
    #[serde(default = "yes")]
    pub log_streaming: bool,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog {
            idps: Vec::new(),
            trusted_origins: Vec::new(),
            zones: Vec::new(),
            api_tokens: Vec::new(),
            user_types: Vec::new(),
            log_streams: Vec::new(),
            event_hooks: Vec::new(),
            log_streaming: true,
        }
    }
}

fn ago(anchor: DateTime<Utc>, rng: &mut StdRng, min_days: i64, max_days: i64) -> DateTime<Utc> {
    anchor - Duration::days(rng.gen_range(min_days..=max_days)) - Duration::seconds(rng.gen_range(0..86_400))
}

fn ts(t: DateTime<Utc>) -> Value {
    json!(fmt_ts(&t))
}

/// Fills `org.catalog` for a generated org, and spreads the users over the user types: service accounts
/// (profile `userType` service, bot or generic) get the `serviceAccount` type, contractors (logins at
/// `contractors.example.net`) the `contractor` type; everyone else keeps the default type they were generated
/// with.
pub(crate) fn generate(org: &mut Org, spec: &OrgSpec, anchor: DateTime<Utc>) {
    let mut rng = StdRng::seed_from_u64(spec.seed ^ SEED_SALT);
    let r = &mut rng;
    let admin = org.users.values().find(|u| org.roles.iter().any(|ro| ro.assignee == u.id)).map(|u| u.id.clone());
    let creator = admin.clone().unwrap_or_else(|| okta_id(r, "00u"));
    let c = &mut org.catalog;

    // ---- user types ----
    let default_type = org.users.values().next().map(|u| u.user_type.id.clone()).unwrap_or_else(|| okta_id(r, "oty"));
    let contractor = okta_id(r, "oty");
    let service = okta_id(r, "oty");
    let mut types = vec![
        (default_type.clone(), "user", "User", "Okta user profile template with default permission settings", true),
        (contractor.clone(), "contractor", "Contractor", "External contractors", false),
        (service.clone(), "serviceAccount", "Service Account", "Accounts used by machines", false),
    ];
    types.sort();
    for (id, name, display, description, default) in types {
        let created = ago(anchor, r, 400, 900);
        c.user_types.push(json!({
            "id": id, "displayName": display, "name": name, "description": description,
            "createdBy": creator, "lastUpdatedBy": creator,
            "created": ts(created), "lastUpdated": ts(created + Duration::days(r.gen_range(0..30))), "default": default,
        }));
    }
    for u in org.users.values_mut() {
        let machine = matches!(u.profile.user_type.as_deref(), Some("service" | "bot" | "generic"));
        if machine {
            u.user_type = IdRef { id: service.clone() };
        } else if u.profile.login.ends_with("@contractors.example.net") {
            u.user_type = IdRef { id: contractor.clone() };
        }
    }

    // ---- identity providers ----
    let idps = [
        ("SAML2", "SAML2", "Corporate ADFS", "ACTIVE", "AUTO"),
        ("OIDC", "OIDC", "Partner OIDC", "ACTIVE", "DISABLED"),
        ("GOOGLE", "OIDC", "Google", "INACTIVE", "AUTO"),
        ("MICROSOFT", "OIDC", "Microsoft", "ACTIVE", "CALLOUT"),
    ];
    let n_idps = r.gen_range(2..=idps.len());
    for (kind, protocol, name, status, provisioning) in idps.into_iter().take(n_idps) {
        let created = ago(anchor, r, 100, 800);
        let protocol = if protocol == "SAML2" {
            json!({
                "type": "SAML2",
                "endpoints": {"sso": {"url": "https://adfs.acme.example/adfs/ls", "binding": "HTTP-POST"}, "acs": {"binding": "HTTP-POST", "type": "INSTANCE"}},
                "credentials": {"trust": {"issuer": "http://adfs.acme.example/adfs/services/trust", "kid": alnum(r, 20)}}
            })
        } else {
            json!({
                "type": protocol,
                "scopes": ["openid", "profile", "email"],
                "credentials": {"client": {"client_id": alnum(r, 20), "client_secret": format!("sim-secret-{}", alnum(r, 24))}}
            })
        };
        c.idps.push(json!({
            "id": okta_id(r, "0oa"), "type": kind, "issuerMode": "ORG_URL", "name": name, "status": status,
            "created": ts(created), "lastUpdated": ts(created + Duration::days(r.gen_range(0..60))),
            "protocol": protocol,
            "policy": {
                "provisioning": {"action": provisioning, "profileMaster": false, "groups": {"action": "NONE"}},
                "accountLink": {"filter": null, "action": "AUTO"},
                "subject": {"userNameTemplate": {"template": "idpuser.email"}, "filter": null, "matchType": "USERNAME"},
                "maxClockSkew": 0
            }
        }));
    }

    // ---- trusted origins ----
    let origins = [
        ("Portal", "https://portal.acme.example", &["CORS", "REDIRECT"][..]),
        ("Status page", "https://status.acme.example", &["CORS"][..]),
        ("Mobile app", "com.acme.mobile:/callback", &["REDIRECT"][..]),
        ("Intranet", "https://intranet.acme.example", &["IFRAME_EMBED"][..]),
        ("Legacy wiki", "http://wiki.acme.example", &["CORS", "REDIRECT"][..]),
    ];
    let n_origins = r.gen_range(3..=origins.len());
    for (i, (name, origin, scopes)) in origins.into_iter().take(n_origins).enumerate() {
        let created = ago(anchor, r, 30, 900);
        let scopes: Vec<Value> = scopes
            .iter()
            .map(|s| if *s == "IFRAME_EMBED" { json!({"type": s, "allowedOktaApps": []}) } else { json!({"type": s}) })
            .collect();
        c.trusted_origins.push(json!({
            "id": okta_id(r, "tos"), "name": name, "origin": origin, "scopes": scopes,
            "status": if i == 4 { "INACTIVE" } else { "ACTIVE" },
            "created": ts(created), "createdBy": creator, "lastUpdated": ts(created), "lastUpdatedBy": creator,
        }));
    }

    // ---- network zones ----
    let created = ago(anchor, r, 900, 1500);
    c.zones.push(json!({"type": "IP", "id": okta_id(r, "nzo"), "name": "LegacyIpZone", "status": "ACTIVE", "usage": "POLICY",
        "created": ts(created), "lastUpdated": ts(created), "system": true, "gateways": null, "proxies": null}));
    c.zones.push(json!({"type": "IP", "id": okta_id(r, "nzo"), "name": "BlockedIpZone", "status": "ACTIVE", "usage": "BLOCKLIST",
        "created": ts(created), "lastUpdated": ts(created), "system": true,
        "gateways": [{"type": "CIDR", "value": format!("198.51.100.{}/32", r.gen_range(1..255))}], "proxies": null}));
    let office = okta_id(r, "nzo");
    let created = ago(anchor, r, 100, 600);
    c.zones.push(json!({"type": "IP", "id": office, "name": "Office", "status": "ACTIVE", "usage": "POLICY",
        "created": ts(created), "lastUpdated": ts(created), "system": false,
        "gateways": [{"type": "CIDR", "value": "203.0.113.0/24"}, {"type": "RANGE", "value": "192.0.2.10-192.0.2.20"}],
        "proxies": [{"type": "CIDR", "value": "10.0.0.0/8"}]}));
    if r.gen_bool(0.5) {
        c.zones.push(
            json!({"type": "DYNAMIC", "id": okta_id(r, "nzo"), "name": "Embargoed countries", "status": "ACTIVE", "usage": "BLOCKLIST",
            "created": ts(created), "lastUpdated": ts(created), "system": false,
            "locations": [{"country": "KP", "region": null}, {"country": "IR", "region": null}], "proxyType": null, "asns": ["64496"]}),
        );
    }

    // ---- API tokens: owned by admins; one unused for months (a long token window), one whose owner left ----
    let admins: Vec<String> = org
        .users
        .values()
        .filter(|u| u.status == "ACTIVE" && org.roles.iter().any(|ro| ro.assignee == u.id))
        .map(|u| u.id.clone())
        .collect();
    let former = org.users.values().find(|u| u.status == "DEPROVISIONED").map(|u| u.id.clone());
    let names = ["Terraform", "SIEM export", "Provisioning script", "Backup job", "HR sync", "Audit report"];
    let n_tokens = if admins.is_empty() { 0 } else { r.gen_range(3..=names.len()) };
    for (i, name) in names.into_iter().take(n_tokens).enumerate() {
        let mut owner = admins[i % admins.len()].clone();
        let (window_days, last_use) = match i {
            1 => (180, anchor - Duration::days(r.gen_range(100..150))),
            _ => (30, anchor - Duration::hours(r.gen_range(1..24 * 20))),
        };
        if i == 2 {
            if let Some(f) = &former {
                owner = f.clone();
            }
        }
        let created = last_use - Duration::days(r.gen_range(10..400));
        let network =
            if i == 0 { json!({"connection": "ZONE", "include": [office], "exclude": []}) } else { json!({"connection": "ANYWHERE"}) };
        c.api_tokens.push(json!({
            "name": name, "userId": owner, "tokenWindow": format!("P{window_days}D"), "network": network,
            "id": okta_id(r, "00T"), "clientName": "Okta API",
            "expiresAt": ts(last_use + Duration::days(window_days)), "created": ts(created), "lastUpdated": ts(last_use),
        }));
    }

    // ---- log streams (at most two per org) ----
    let created = ago(anchor, r, 30, 300);
    c.log_streams.push(json!({"id": okta_id(r, "0oa"), "type": "aws_eventbridge", "name": "Security data lake", "status": "ACTIVE",
        "created": ts(created), "lastUpdated": ts(created),
        "settings": {"accountId": format!("{:012}", r.gen_range(100_000_000_000u64..999_999_999_999)), "eventSourceName": "okta_sim", "region": "us-east-2"}}));
    if r.gen_bool(0.5) {
        c.log_streams.push(json!({"id": okta_id(r, "0oa"), "type": "splunk_cloud_logstreaming", "name": "Splunk", "status": "INACTIVE",
            "created": ts(created), "lastUpdated": ts(created),
            "settings": {"host": "acme.splunkcloud.com", "edition": "aws", "token": format!("sim-hec-{}", alnum(r, 24))}}));
    }

    // ---- event hooks ----
    let hooks = [
        ("Deactivations to HR", "https://hooks.acme.example/okta/deactivate", &["user.lifecycle.deactivate", "user.lifecycle.suspend"][..]),
        ("Admin changes to SOC", "https://soc.partner.example/ingest", &["user.account.privilege.grant", "group.privilege.grant"][..]),
    ];
    let n_hooks = r.gen_range(1..=hooks.len());
    for (name, uri, events) in hooks.into_iter().take(n_hooks) {
        let created = ago(anchor, r, 10, 400);
        c.event_hooks.push(json!({
            "id": okta_id(r, "who"), "status": "ACTIVE", "verificationStatus": "VERIFIED", "name": name, "description": null,
            "created": ts(created), "createdBy": creator, "lastUpdated": ts(created),
            "events": {"type": "EVENT_TYPE", "items": events, "filter": null},
            "channel": {"type": "HTTP", "version": "1.0.0", "config": {
                "uri": uri, "headers": [{"key": "X-Source", "value": format!("sim-{}", alnum(r, 8))}], "method": "POST",
                "authScheme": {"type": "HEADER", "key": "Authorization", "value": format!("sim-hook-secret-{}", alnum(r, 16))}}},
        }));
    }
    for list in [&mut c.idps, &mut c.trusted_origins, &mut c.zones, &mut c.api_tokens, &mut c.log_streams, &mut c.event_hooks] {
        list.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    }
}

fn param<'a>(c: &'a Ctx, k: &str) -> Option<&'a str> {
    c.params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

/// One page of `items` (sorted by id) after the `after` cursor (an id), with Okta's `link` header.
fn paged(c: &Ctx, items: Vec<&Value>, default: Option<usize>, max: usize) -> Result<ApiOk, ApiErr> {
    let limit = match param(c, "limit") {
        None | Some("") => default,
        Some(s) => {
            let n: i64 = s.trim().parse().map_err(|_| ApiErr::bad(format!("limit: '{s}' is not a number")))?;
            if n < 0 {
                None // zones: -1 is "every zone"
            } else {
                Some((n as usize).clamp(1, max))
            }
        }
    };
    let after = param(c, "after");
    let rest: Vec<&Value> = items.into_iter().filter(|v| after.is_none_or(|a| v["id"].as_str().unwrap_or_default() > a)).collect();
    let take = limit.unwrap_or(rest.len());
    let more = rest.len() > take;
    let page: Vec<Value> = rest.iter().take(take).map(|v| (*v).clone()).collect();
    let url = |after: Option<&str>| {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in c.params.iter().filter(|(k, _)| k != "after") {
            ser.append_pair(k, v);
        }
        if let Some(a) = after {
            ser.append_pair("after", a);
        }
        let q = ser.finish();
        if q.is_empty() {
            format!("{}{}", c.base, c.path)
        } else {
            format!("{}{}?{q}", c.base, c.path)
        }
    };
    let mut link = format!("<{}>; rel=\"self\"", url(after));
    if more {
        let last = page.last().and_then(|v| v["id"].as_str()).unwrap_or_default().to_string();
        link.push_str(&format!(", <{}>; rel=\"next\"", url(Some(&last))));
    }
    Ok(ApiOk { body: Value::Array(page), link: Some(link) })
}

/// The catalog's endpoints; `None` when `segs` (the path after `/api/v1/`) is not one of them.
pub(crate) fn route(c: &Ctx, segs: &[&str]) -> Option<Result<ApiOk, ApiErr>> {
    let cat = &c.org.catalog;
    let all = |v: &[Value]| -> Vec<Value> { v.to_vec() };
    Some(match segs {
        ["idps"] => paged(c, cat.idps.iter().collect(), Some(20), 200),
        ["trustedOrigins"] => paged(c, cat.trusted_origins.iter().collect(), Some(20), 200),
        ["zones"] => paged(c, cat.zones.iter().collect(), None, usize::MAX),
        ["api-tokens"] => {
            let live = cat.api_tokens.iter().filter(|t| t["userId"].as_str().is_some_and(|u| c.org.users.contains_key(u))).collect();
            paged(c, live, Some(20), 200)
        }
        ["meta", "types", "user"] => Ok(ApiOk { body: Value::Array(all(&cat.user_types)), link: None }),
        ["logStreams"] if !cat.log_streaming => Err(ApiErr::not_found(c.path, "Endpoint")),
        ["logStreams"] => paged(c, cat.log_streams.iter().collect(), Some(20), 200),
        ["eventHooks"] => Ok(ApiOk { body: Value::Array(all(&cat.event_hooks)), link: None }),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn org() -> Org {
        Org::generate(&OrgSpec { users: 120, seed: 7 }, "http://sim")
    }

    fn get(org: &Org, path: &str, params: &[(&str, &str)]) -> Result<ApiOk, ApiErr> {
        let params: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let c = Ctx { org, base: "http://sim", path, params: &params, now: Utc::now() };
        let segs: Vec<&str> = path.trim_start_matches("/api/v1/").split('/').collect();
        route(&c, &segs).expect("a catalog endpoint")
    }

    #[test]
    fn a_generated_org_has_every_kind_and_users_spread_over_the_types() {
        let o = org();
        let c = &o.catalog;
        assert!((2..=4).contains(&c.idps.len()) && (3..=5).contains(&c.trusted_origins.len()) && c.zones.len() >= 3);
        assert!((3..=6).contains(&c.api_tokens.len()) && (1..=2).contains(&c.log_streams.len()) && (1..=2).contains(&c.event_hooks.len()));
        let types: BTreeSet<&str> = c.user_types.iter().map(|t| t["id"].as_str().unwrap()).collect();
        assert_eq!(types.len(), 3);
        assert_eq!(c.user_types.iter().filter(|t| t["default"] == true).count(), 1);
        let used: BTreeSet<&str> = o.users.values().map(|u| u.user_type.id.as_str()).collect();
        assert!(used.is_subset(&types), "every user's type is listed");
        assert!(used.len() >= 2, "users are spread over the types: {used:?}");
        let owners: Vec<&str> = c.api_tokens.iter().map(|t| t["userId"].as_str().unwrap()).collect();
        assert!(owners.iter().any(|u| o.users[*u].status == "DEPROVISIONED"), "a token whose owner left");
        assert!(c.trusted_origins.iter().any(|t| t["scopes"].as_array().unwrap().len() == 2), "a CORS + redirect origin");
        // The rest of the org is what it was before the catalog existed: the same seed gives the same users.
        assert_eq!(org().users.keys().collect::<Vec<_>>(), o.users.keys().collect::<Vec<_>>());
    }

    #[test]
    fn lists_page_by_id_and_log_streams_can_be_missing() {
        let mut o = org();
        let all = get(&o, "/api/v1/trustedOrigins", &[]).unwrap();
        let n = all.body.as_array().unwrap().len();
        let first = get(&o, "/api/v1/trustedOrigins", &[("limit", "2")]).unwrap();
        assert_eq!(first.body.as_array().unwrap().len(), 2);
        let link = first.link.unwrap();
        let last = first.body[1]["id"].as_str().unwrap();
        assert!(link.contains(&format!("after={last}")) && link.contains("rel=\"next\""), "{link}");
        let rest = get(&o, "/api/v1/trustedOrigins", &[("limit", "2"), ("after", last)]).unwrap();
        assert_eq!(rest.body.as_array().unwrap().len(), (n - 2).min(2));
        assert_eq!(get(&o, "/api/v1/zones", &[]).unwrap().body.as_array().unwrap().len(), o.catalog.zones.len());
        assert!(get(&o, "/api/v1/meta/types/user", &[]).unwrap().link.is_none());
        o.catalog.log_streaming = false;
        assert_eq!(get(&o, "/api/v1/logStreams", &[]).err().unwrap().status, 404);
        let owner = o.catalog.api_tokens[0]["userId"].as_str().unwrap().to_string();
        let before = get(&o, "/api/v1/api-tokens", &[]).unwrap().body.as_array().unwrap().len();
        o.remove_user(&owner);
        let after = get(&o, "/api/v1/api-tokens", &[]).unwrap().body.as_array().unwrap().len();
        assert!(after < before, "a deleted user's tokens are not listed");
    }
}
