//! The org's trust and egress configuration (docs/graph.md#entities): identity providers, trusted origins,
//! network zones, API tokens (metadata only), user types, log streams and event hooks. One function per Okta
//! list item: JSON in, records out. Secrets are never read: an IdP's `protocol.credentials`, an API token's
//! value (Okta never lists it), a Splunk log stream's HEC `token`, an event hook's `authScheme.value` and
//! custom header values.

use super::kinds::{self, NodeKind, RelKind};
use super::map::{edge, finish_names, get, node, put, put_json, put_str, put_time, s};
use super::value::Prop;
use super::{Context, NodeRecord, Records};
use serde_json::Value;

/// A node keyed by the object's Okta `id` with `id`, `status`, `active`, `created` and `lastUpdated`, and the
/// account's HAS edge to it.
fn base(ctx: &Context, kind: &'static NodeKind, has: &'static RelKind, v: &Value) -> Option<(NodeRecord, Records)> {
    let id = s(v, &["id"])?;
    let mut n = node(ctx, kind, id.to_string());
    let p = &mut n.props;
    p.insert("id".into(), id.into());
    let status = s(v, &["status"]);
    put_str(p, "status", status);
    if status.is_some() {
        p.insert("active".into(), Prop::Bool(status == Some("ACTIVE")));
    }
    put_time(p, "created", v, &["created"]);
    put_time(p, "lastUpdated", v, &["lastUpdated"]);
    Some((n, Records { nodes: Vec::new(), edges: vec![edge(ctx, has, &ctx.account_key, id)] }))
}

fn done(mut n: NodeRecord, mut out: Records, name: Option<&str>, display: Option<&str>) -> Records {
    finish_names(&mut n, name.map(String::from), display.or(name).map(String::from));
    out.nodes.insert(0, n);
    out
}

/// Strings of a list of objects (`[{"value": "1.2.3.4/24"}, ...]` → the `field` of each).
fn field_list(v: &Value, path: &[&str], field: &str) -> Option<Prop> {
    let items: Vec<Prop> = match get(v, path) {
        Some(Value::Array(a)) => a.iter().filter_map(|i| s(i, &[field]).map(Prop::from)).collect(),
        _ => Vec::new(),
    };
    (!items.is_empty()).then_some(Prop::List(items))
}

/// One item of `GET /api/v1/idps`. `protocol.credentials` (client secrets, keys) is never read.
pub fn identity_provider(ctx: &Context, idp: &Value) -> Option<Records> {
    let (mut n, out) = base(ctx, &kinds::IDENTITY_PROVIDER, &kinds::ACCOUNT_HAS_IDENTITY_PROVIDER, idp)?;
    let p = &mut n.props;
    put_str(p, "type", s(idp, &["type"]));
    put_str(p, "issuerMode", s(idp, &["issuerMode"]));
    put_str(p, "protocolType", s(idp, &["protocol", "type"]));
    put_json(p, "protocolScopes", idp, &["protocol", "scopes"]);
    put_str(p, "provisioningAction", s(idp, &["policy", "provisioning", "action"]));
    put_json(p, "profileMaster", idp, &["policy", "provisioning", "profileMaster"]);
    put_str(p, "groupsAction", s(idp, &["policy", "provisioning", "groups", "action"]));
    put_str(p, "accountLinkAction", s(idp, &["policy", "accountLink", "action"]));
    put_str(p, "subjectMatchType", s(idp, &["policy", "subject", "matchType"]));
    let id = s(idp, &["id"]).unwrap_or_default();
    p.insert("webLink".into(), format!("{}/admin/access/identity-providers/edit/{id}", ctx.admin_url).into());
    Some(done(n, out, s(idp, &["name"]), None))
}

/// One item of `GET /api/v1/trustedOrigins`: its scopes as flags (`cors`, `redirect`, `iframeEmbed`) and as the
/// list `scopes` of scope types.
pub fn trusted_origin(ctx: &Context, t: &Value) -> Option<Records> {
    let (mut n, out) = base(ctx, &kinds::TRUSTED_ORIGIN, &kinds::ACCOUNT_HAS_TRUSTED_ORIGIN, t)?;
    let p = &mut n.props;
    put_str(p, "origin", s(t, &["origin"]));
    put_str(p, "createdBy", s(t, &["createdBy"]));
    put_str(p, "lastUpdatedBy", s(t, &["lastUpdatedBy"]));
    let scopes: Vec<&str> = match get(t, &["scopes"]) {
        Some(Value::Array(a)) => a.iter().filter_map(|sc| s(sc, &["type"])).collect(),
        _ => Vec::new(),
    };
    for (flag, scope) in [("cors", "CORS"), ("redirect", "REDIRECT"), ("iframeEmbed", "IFRAME_EMBED")] {
        p.insert(flag.into(), Prop::Bool(scopes.contains(&scope)));
    }
    if !scopes.is_empty() {
        p.insert("scopes".into(), Prop::List(scopes.iter().map(|sc| Prop::from(*sc)).collect()));
    }
    Some(done(n, out, s(t, &["name"]), s(t, &["origin"])))
}

/// One item of `GET /api/v1/zones`: IP zones' gateways and proxies, dynamic zones' locations (the region code
/// as Okta gives it, `AF-BGL`, else the country code) and ASNs, as lists of strings.
pub fn network_zone(ctx: &Context, z: &Value) -> Option<Records> {
    let (mut n, out) = base(ctx, &kinds::NETWORK_ZONE, &kinds::ACCOUNT_HAS_NETWORK_ZONE, z)?;
    let p = &mut n.props;
    put_str(p, "type", s(z, &["type"]));
    put_str(p, "usage", s(z, &["usage"]));
    put_json(p, "system", z, &["system"]);
    put_str(p, "proxyType", s(z, &["proxyType"]));
    put(p, "gateways", field_list(z, &["gateways"], "value"));
    put(p, "proxies", field_list(z, &["proxies"], "value"));
    // DYNAMIC zones list locations and ASNs; DYNAMIC_V2 zones nest them under `include`.
    let locations = |path: &[&str]| -> Option<Prop> {
        let items: Vec<Prop> = match get(z, path) {
            Some(Value::Array(a)) => a.iter().filter_map(|l| s(l, &["region"]).or_else(|| s(l, &["country"])).map(Prop::from)).collect(),
            _ => Vec::new(),
        };
        (!items.is_empty()).then_some(Prop::List(items))
    };
    put(p, "locations", locations(&["locations"]).or_else(|| locations(&["locations", "include"])));
    let asns = get(z, &["asns"]).filter(|a| a.is_array()).or_else(|| get(z, &["asns", "include"]));
    put(p, "asns", asns.and_then(super::value::json_to_prop));
    Some(done(n, out, s(z, &["name"]), None))
}

/// One item of `GET /api/v1/api-tokens`: metadata only (Okta never lists a token's value). The owner's OWNS
/// edge, and an ALLOWED_FROM edge to each network zone the token's network condition includes.
pub fn api_token(ctx: &Context, t: &Value) -> Option<Records> {
    let (mut n, mut out) = base(ctx, &kinds::API_TOKEN, &kinds::ACCOUNT_HAS_API_TOKEN, t)?;
    let id = s(t, &["id"])?.to_string();
    let p = &mut n.props;
    put_str(p, "clientName", s(t, &["clientName"]));
    let owner = s(t, &["userId"]);
    put_str(p, "userId", owner);
    put_str(p, "tokenWindow", s(t, &["tokenWindow"]));
    put_time(p, "expiresAt", t, &["expiresAt"]);
    put_str(p, "networkConnection", s(t, &["network", "connection"]));
    put_json(p, "networkInclude", t, &["network", "include"]);
    put_json(p, "networkExclude", t, &["network", "exclude"]);
    p.insert("webLink".into(), format!("{}/admin/access/api/tokens", ctx.admin_url).into());
    if let Some(owner) = owner {
        out.edges.push(edge(ctx, &kinds::USER_OWNS_API_TOKEN, owner, &id));
    }
    if let Some(Value::Array(zones)) = get(t, &["network", "include"]) {
        for z in zones.iter().filter_map(Value::as_str) {
            out.edges.push(edge(ctx, &kinds::API_TOKEN_ALLOWED_FROM_NETWORK_ZONE, &id, z));
        }
    }
    Some(done(n, out, s(t, &["name"]), None))
}

/// One item of `GET /api/v1/meta/types/user`.
pub fn user_type(ctx: &Context, t: &Value) -> Option<Records> {
    let (mut n, out) = base(ctx, &kinds::USER_TYPE, &kinds::ACCOUNT_HAS_USER_TYPE, t)?;
    let p = &mut n.props;
    put_str(p, "description", s(t, &["description"]));
    put_json(p, "default", t, &["default"]);
    put_str(p, "createdBy", s(t, &["createdBy"]));
    put_str(p, "lastUpdatedBy", s(t, &["lastUpdatedBy"]));
    Some(done(n, out, s(t, &["name"]), s(t, &["displayName"])))
}

/// A user's HAS_TYPE edge to its user type (the user list's `type.id`).
pub fn user_has_type(ctx: &Context, user_id: &str, type_id: &str) -> Records {
    Records::of_edges(vec![edge(ctx, &kinds::USER_HAS_TYPE_USER_TYPE, user_id, type_id)])
}

/// One item of `GET /api/v1/logStreams`: where the System Log is streamed (the AWS account and region, the
/// Splunk host), never the Splunk HEC token.
pub fn log_stream(ctx: &Context, l: &Value) -> Option<Records> {
    let (mut n, out) = base(ctx, &kinds::LOG_STREAM, &kinds::ACCOUNT_HAS_LOG_STREAM, l)?;
    let p = &mut n.props;
    put_str(p, "type", s(l, &["type"]));
    put_str(p, "awsAccountId", s(l, &["settings", "accountId"]));
    put_str(p, "awsRegion", s(l, &["settings", "region"]));
    put_str(p, "awsEventSourceName", s(l, &["settings", "eventSourceName"]));
    put_str(p, "splunkHost", s(l, &["settings", "host"]));
    put_str(p, "splunkEdition", s(l, &["settings", "edition"]));
    Some(done(n, out, s(l, &["name"]), None))
}

/// One item of `GET /api/v1/eventHooks`: where events are sent (`uri`) and which; never the auth secret or
/// header values.
pub fn event_hook(ctx: &Context, h: &Value) -> Option<Records> {
    let (mut n, out) = base(ctx, &kinds::EVENT_HOOK, &kinds::ACCOUNT_HAS_EVENT_HOOK, h)?;
    let p = &mut n.props;
    put_str(p, "description", s(h, &["description"]));
    put_str(p, "verificationStatus", s(h, &["verificationStatus"]));
    put_str(p, "createdBy", s(h, &["createdBy"]));
    put_str(p, "channelType", s(h, &["channel", "type"]));
    put_str(p, "channelVersion", s(h, &["channel", "version"]));
    put_str(p, "uri", s(h, &["channel", "config", "uri"]));
    put_str(p, "method", s(h, &["channel", "config", "method"]));
    put_str(p, "authSchemeType", s(h, &["channel", "config", "authScheme", "type"]));
    put_str(p, "eventsType", s(h, &["events", "type"]));
    put_json(p, "events", h, &["events", "items"]);
    Some(done(n, out, s(h, &["name"]), None))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{fixture, item, without};
    use super::*;

    fn ctx() -> Context {
        Context::new("https://acme.okta.com", "acme.okta.com", "acme")
    }

    fn str_of<'a>(r: &'a Records, k: &str) -> Option<&'a str> {
        match r.nodes[0].props.get(k) {
            Some(Prop::Str(s)) => Some(s),
            _ => None,
        }
    }

    fn strings(p: Option<&Prop>) -> Vec<&str> {
        match p {
            Some(Prop::List(l)) => l.iter().map(|i| if let Prop::Str(s) = i { s.as_str() } else { panic!("{i:?}") }).collect(),
            other => panic!("not a list: {other:?}"),
        }
    }

    fn pairs(r: &Records) -> Vec<(&str, &str, &str)> {
        r.edges.iter().map(|e| (e.kind.type_name, e.from.as_str(), e.to.as_str())).collect()
    }

    #[test]
    fn identity_providers_keep_protocol_and_policy_never_credentials() {
        let r = identity_provider(&ctx(), &item("idps", "type", "SAML2")).unwrap();
        assert_eq!(r.nodes[0].kind.type_name, "okta_identity_provider");
        assert_eq!(r.nodes[0].key, "0oa62bc8wppPw0UGr0h7");
        assert_eq!(str_of(&r, "name"), Some("Example SAML IdP"));
        assert_eq!(str_of(&r, "protocolType"), Some("SAML2"));
        assert_eq!(str_of(&r, "issuerMode"), Some("ORG_URL"));
        assert_eq!(str_of(&r, "provisioningAction"), Some("AUTO"));
        assert_eq!(r.nodes[0].props.get("active"), Some(&Prop::Bool(true)));
        assert!(matches!(r.nodes[0].props.get("created"), Some(Prop::DateTime(_))));
        assert_eq!(pairs(&r), [("okta_account_has_identity_provider", "okta_account:acme.okta.com", "0oa62bc8wppPw0UGr0h7")]);
        let google = identity_provider(&ctx(), &item("idps", "type", "GOOGLE")).unwrap();
        assert_eq!(str_of(&google, "protocolType"), Some("OIDC"));
        assert_eq!(google.nodes[0].props.get("active"), Some(&Prop::Bool(false)));
        assert!(!format!("{:?}", google.nodes).contains("fixture-client-secret"), "client secrets are never stored");
        assert!(identity_provider(&ctx(), &without(item("idps", "type", "GOOGLE"), "id")).is_none());
    }

    #[test]
    fn trusted_origin_scopes_become_flags() {
        let r = trusted_origin(&ctx(), &item("trusted_origins", "name", "Portal")).unwrap();
        let p = &r.nodes[0].props;
        assert_eq!((p.get("cors"), p.get("redirect"), p.get("iframeEmbed")), (Some(&true.into()), Some(&true.into()), Some(&false.into())));
        assert_eq!(strings(p.get("scopes")), ["CORS", "REDIRECT"]);
        assert_eq!(str_of(&r, "origin"), Some("https://portal.example.com"));
        assert_eq!(str_of(&r, "displayName"), Some("https://portal.example.com"));
        let embed = trusted_origin(&ctx(), &item("trusted_origins", "name", "Intranet embed")).unwrap();
        let p = &embed.nodes[0].props;
        assert_eq!((p.get("cors"), p.get("iframeEmbed"), p.get("active")), (Some(&false.into()), Some(&true.into()), Some(&false.into())));
    }

    #[test]
    fn network_zones_list_addresses_and_locations_as_text() {
        let ip = network_zone(&ctx(), &item("zones", "name", "Office")).unwrap();
        assert_eq!(strings(ip.nodes[0].props.get("gateways")), ["1.2.3.4/24", "2.3.4.5-2.3.4.15"]);
        assert_eq!(strings(ip.nodes[0].props.get("proxies")), ["3.3.4.5-3.3.4.15"]);
        assert_eq!(ip.nodes[0].props.get("system"), Some(&false.into()));
        let blocked = network_zone(&ctx(), &item("zones", "name", "BlockedIpZone")).unwrap();
        assert_eq!(str_of(&blocked, "usage"), Some("BLOCKLIST"));
        assert!(!blocked.nodes[0].props.contains_key("gateways"), "null lists are not stored");
        let dynamic = network_zone(&ctx(), &item("zones", "type", "DYNAMIC")).unwrap();
        assert_eq!(strings(dynamic.nodes[0].props.get("locations")), ["AF-BGL", "KP"]);
        assert_eq!(strings(dynamic.nodes[0].props.get("asns")), ["23457"]);
    }

    #[test]
    fn api_tokens_link_their_owner_and_included_zones() {
        let r = api_token(&ctx(), &item("api_tokens", "name", "Provisioning script")).unwrap();
        assert_eq!(r.nodes[0].kind.type_name, "okta_api_token");
        assert_eq!(str_of(&r, "tokenWindow"), Some("P30D"));
        assert_eq!(str_of(&r, "networkConnection"), Some("ZONE"));
        assert_eq!(strings(r.nodes[0].props.get("networkExclude")), ["nzou3u7ebJRRGhtTr0g4"]);
        assert!(matches!(r.nodes[0].props.get("expiresAt"), Some(Prop::DateTime(_))));
        assert!(!r.nodes[0].props.contains_key("status"), "tokens have no status");
        assert_eq!(
            pairs(&r),
            [
                ("okta_account_has_api_token", "okta_account:acme.okta.com", "00Tabcdefg1234567890"),
                ("okta_user_owns_api_token", "00uabcdefg1234567890", "00Tabcdefg1234567890"),
                ("okta_api_token_allowed_from_network_zone", "00Tabcdefg1234567890", "nzowc1U5Jh5xuAK0o0g3"),
            ]
        );
        let anywhere = api_token(&ctx(), &item("api_tokens", "name", "Another API Token")).unwrap();
        assert_eq!(anywhere.edges.len(), 2, "no zone edges for ANYWHERE");
        let orphan = api_token(&ctx(), &without(item("api_tokens", "name", "Another API Token"), "userId")).unwrap();
        assert_eq!(orphan.edges.len(), 1, "no owner edge without a userId");
    }

    #[test]
    fn user_types_and_their_users() {
        let r = user_type(&ctx(), &item("user_types", "name", "user")).unwrap();
        assert_eq!((str_of(&r, "name"), str_of(&r, "displayName")), (Some("user"), Some("User")));
        assert_eq!(r.nodes[0].props.get("default"), Some(&true.into()));
        assert!(!r.nodes[0].props.contains_key("active"), "user types have no status");
        let e = user_has_type(&ctx(), "00u1", "otys5to4jqDf0Ws0W4x6");
        assert_eq!(pairs(&e), [("okta_user_has_type_user_type", "00u1", "otys5to4jqDf0Ws0W4x6")]);
        assert_eq!(e.edges[0].key(), "00u1|HAS_TYPE|otys5to4jqDf0Ws0W4x6");
    }

    #[test]
    fn log_streams_say_where_without_secrets() {
        let list = fixture("log_streams");
        let aws = log_stream(&ctx(), &list[0]).unwrap();
        assert_eq!((str_of(&aws, "awsAccountId"), str_of(&aws, "awsRegion")), (Some("123456789012"), Some("us-east-2")));
        let splunk = log_stream(&ctx(), &list[1]).unwrap();
        assert_eq!(str_of(&splunk, "splunkHost"), Some("acme.splunkcloud.com"));
        assert_eq!(str_of(&splunk, "type"), Some("splunk_cloud_logstreaming"));
        assert!(!format!("{:?}", splunk.nodes).contains("fixture-hec-token"), "the HEC token is never stored");
    }

    #[test]
    fn event_hooks_keep_the_uri_never_the_secret() {
        let r = event_hook(&ctx(), &fixture("event_hooks")[0]).unwrap();
        assert_eq!(str_of(&r, "uri"), Some("https://hooks.example.com/userDeactivate"));
        assert_eq!(str_of(&r, "authSchemeType"), Some("HEADER"));
        assert_eq!(strings(r.nodes[0].props.get("events")), ["user.lifecycle.deactivate", "user.lifecycle.activate"]);
        assert!(!r.nodes[0].props.contains_key("description"), "null is not stored");
        let text = format!("{:?}", r.nodes);
        assert!(!text.contains("fixture-auth-secret") && !text.contains("fixture-header-value"), "secrets are never stored");
        assert_eq!(pairs(&r)[0].0, "okta_account_has_event_hook");
    }
}
