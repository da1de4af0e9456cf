//! The oracle's part for the org's configuration lists (identity providers, trusted origins, network zones,
//! API tokens, user types, log streams, event hooks): what the graph must hold, from the simulator's dump.

use crate::oracle::{arr, s, set, Expected, Props};
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn ids(list: &Value) -> BTreeSet<String> {
    set(arr(list).iter().map(|v| s(v, "id").to_string()))
}

/// Adds the catalog's node keys, relationship pairs and Okta-read properties to `exp`.
pub fn extend(exp: &mut Expected, dump: &Value, account: &str) {
    let c = &dump["catalog"];
    let user_ids = set(arr(&dump["users"]).iter().map(|u| s(u, "id").to_string()));
    let has = |ids: &BTreeSet<String>| set(ids.iter().map(|i| format!("{account}|{i}")));
    // Okta lists the tokens of existing users only; log streams only where the org has log streaming.
    let tokens: Vec<&Value> = arr(&c["api_tokens"]).iter().filter(|t| user_ids.contains(s(t, "userId"))).collect();
    let token_ids = set(tokens.iter().map(|t| s(t, "id").to_string()));
    let zones = ids(&c["zones"]);
    let types = ids(&c["user_types"]);
    let streams = if c["log_streaming"] == false { BTreeSet::new() } else { ids(&c["log_streams"]) };
    let (idps, origins, hooks) = (ids(&c["idps"]), ids(&c["trusted_origins"]), ids(&c["event_hooks"]));
    let owns = set(tokens.iter().map(|t| format!("{}|{}", s(t, "userId"), s(t, "id"))));
    let allowed = set(tokens.iter().flat_map(|t| {
        arr(&t["network"]["include"])
            .iter()
            .filter_map(Value::as_str)
            .filter(|z| zones.contains(*z))
            .map(|z| format!("{}|{z}", s(t, "id")))
            .collect::<Vec<_>>()
    }));
    let has_type = set(arr(&dump["users"])
        .iter()
        .filter(|u| types.contains(s(&u["type"], "id")))
        .map(|u| format!("{}|{}", s(u, "id"), s(&u["type"], "id"))));
    exp.nodes.extend([
        ("okta_identity_provider", idps.clone()),
        ("okta_trusted_origin", origins.clone()),
        ("okta_network_zone", zones.clone()),
        ("okta_api_token", token_ids.clone()),
        ("okta_user_type", types.clone()),
        ("okta_log_stream", streams.clone()),
        ("okta_event_hook", hooks.clone()),
    ]);
    exp.edges.extend([
        ("okta_account_has_identity_provider", has(&idps)),
        ("okta_account_has_trusted_origin", has(&origins)),
        ("okta_account_has_network_zone", has(&zones)),
        ("okta_account_has_api_token", has(&token_ids)),
        ("okta_user_owns_api_token", owns),
        ("okta_api_token_allowed_from_network_zone", allowed),
        ("okta_account_has_user_type", has(&types)),
        ("okta_user_has_type_user_type", has_type),
        ("okta_account_has_log_stream", has(&streams)),
        ("okta_account_has_event_hook", has(&hooks)),
    ]);
    let origin_props = arr(&c["trusted_origins"])
        .iter()
        .map(|o| {
            let scopes: Vec<&str> = arr(&o["scopes"]).iter().map(|sc| s(sc, "type")).collect();
            let mut p = Props::new();
            p.insert("origin".into(), o["origin"].clone());
            p.insert("cors".into(), json!(scopes.contains(&"CORS")));
            p.insert("redirect".into(), json!(scopes.contains(&"REDIRECT")));
            p.insert("iframeEmbed".into(), json!(scopes.contains(&"IFRAME_EMBED")));
            (s(o, "id").to_string(), p)
        })
        .collect();
    let token_props = tokens
        .iter()
        .map(|t| {
            let mut p = Props::new();
            for k in ["name", "userId", "tokenWindow", "expiresAt", "clientName"] {
                p.insert(k.into(), t[k].clone());
            }
            (s(t, "id").to_string(), p)
        })
        .collect();
    let stream_props = arr(&c["log_streams"])
        .iter()
        .filter(|l| streams.contains(s(l, "id")))
        .map(|l| {
            let mut p = Props::new();
            p.insert("type".into(), l["type"].clone());
            if l["type"] == "aws_eventbridge" {
                p.insert("awsAccountId".into(), l["settings"]["accountId"].clone());
            } else {
                p.insert("splunkHost".into(), l["settings"]["host"].clone());
            }
            (s(l, "id").to_string(), p)
        })
        .collect();
    let hook_props = arr(&c["event_hooks"])
        .iter()
        .map(|h| {
            let mut p = Props::new();
            p.insert("uri".into(), h["channel"]["config"]["uri"].clone());
            p.insert("events".into(), h["events"]["items"].clone());
            (s(h, "id").to_string(), p)
        })
        .collect();
    exp.props.extend([
        ("okta_trusted_origin", origin_props),
        ("okta_api_token", token_props),
        ("okta_log_stream", stream_props),
        ("okta_event_hook", hook_props),
    ]);
}
