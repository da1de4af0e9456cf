//! The org's configuration lists (identity providers, trusted origins, network zones, API tokens, user types,
//! log streams, event hooks): a sync of a generated org yields every type, a re-sync changes nothing, the
//! shipped queries find rows, no secret reaches the graph, and the steps degrade to warnings without a super
//! admin or on an org without log streaming.

use crate::oracle;
use crate::util::{self, account_key, cleanup, edge_pairs, node_keys};
use oktagraph::sync::RunStatus;
use std::collections::BTreeMap;

const NODES: &[&str] = &[
    "okta_identity_provider",
    "okta_trusted_origin",
    "okta_network_zone",
    "okta_api_token",
    "okta_user_type",
    "okta_log_stream",
    "okta_event_hook",
];

const EDGES: &[&str] = &[
    "okta_account_has_identity_provider",
    "okta_account_has_trusted_origin",
    "okta_account_has_network_zone",
    "okta_account_has_api_token",
    "okta_user_owns_api_token",
    "okta_api_token_allowed_from_network_zone",
    "okta_account_has_user_type",
    "okta_user_has_type_user_type",
    "okta_account_has_log_stream",
    "okta_account_has_event_hook",
];

const STEPS: &[&str] = &[
    "identity_providers",
    "trusted_origins",
    "network_zones",
    "api_tokens",
    "user_types",
    "user_type_assignments",
    "log_streams",
    "event_hooks",
];

async fn query_rows(g: &oktagraph::graph::Graph, name: &str, account: &str) -> Vec<serde_json::Value> {
    let q = oktagraph::queries::shipped_queries().into_iter().find(|q| q.name == name).expect("a shipped query");
    let params = BTreeMap::from([("account".to_string(), account.to_string())]);
    oktagraph::queries::run(g, &q, &params).await.unwrap_or_else(|e| panic!("{name}: {e}")).objects()
}

#[tokio::test]
async fn a_sync_yields_every_catalog_type_and_a_resync_changes_nothing() {
    let g = util::graph().await;
    let server = util::sim(120).await;
    let acct = account_key(&server);
    let first = util::sync(&g, &util::job(&server, &server.super_admin_token(), "catalog")).await;
    assert_eq!(first.status, RunStatus::Success, "{:?}", first.warnings);
    for step in STEPS {
        assert!(first.steps.iter().any(|s| s.name == *step && s.complete), "{step} complete");
    }
    for label in NODES {
        assert!(!node_keys(&g, &acct, label).await.is_empty(), "{label} nodes");
    }
    for rel in EDGES {
        assert!(!edge_pairs(&g, &acct, rel).await.is_empty(), "{rel} relationships");
    }
    oracle::assert_graph_matches(&g, &server).await;
    // Users are spread over several types, and each has exactly one.
    let typed = util::count(
        &g,
        "MATCH (u:okta_user {_accountKey:$a})-[r:HAS_TYPE]->(:okta_user_type) WHERE r._deleted = false RETURN count(DISTINCT u) AS n",
        &[("a", &acct)],
    )
    .await;
    let users = util::count(&g, "MATCH (u:okta_user {_accountKey:$a}) RETURN count(u) AS n", &[("a", &acct)]).await;
    assert_eq!(typed, users);
    let used = util::count(
        &g,
        "MATCH (:okta_user {_accountKey:$a})-[:HAS_TYPE]->(t:okta_user_type) RETURN count(DISTINCT t) AS n",
        &[("a", &acct)],
    )
    .await;
    assert!(used >= 2, "users of {used} types");
    // No secret the simulator put in these lists is stored anywhere.
    let leaked = util::count(
        &g,
        "MATCH (n) WHERE n._accountKey = $a
         WITH n, [k IN keys(n) | CASE WHEN n[k] IS :: STRING THEN [n[k]] WHEN n[k] IS :: LIST<STRING> THEN n[k] ELSE [] END] AS texts
         WHERE any(ts IN texts WHERE any(v IN ts WHERE v CONTAINS 'sim-secret' OR v CONTAINS 'sim-hec' OR v CONTAINS 'sim-hook-secret'
           OR (n:okta_event_hook AND v STARTS WITH 'sim-')))
         RETURN count(n) AS n",
        &[("a", &acct)],
    )
    .await;
    assert_eq!(leaked, 0, "secrets stay out of the graph");
    // The shipped queries find the demo org's stale token (its owner left) and its CORS + redirect origin.
    let stale = query_rows(&g, "stale-api-tokens", &acct).await;
    assert!(stale.iter().any(|r| r["reason"] == "owner DEPROVISIONED" && r["owner"].is_string()), "{stale:?}");
    assert!(stale.iter().any(|r| r["reason"].as_str().is_some_and(|s| s.starts_with("not used"))), "{stale:?}");
    let origins = query_rows(&g, "trusted-origins-cors-redirect", &acct).await;
    assert!(!origins.is_empty() && origins.iter().all(|r| r["origin"].is_string()), "{origins:?}");
    // The alerts see every identity provider and token (their first evaluation is a baseline).
    for (alert, label) in [("new-identity-provider", "okta_identity_provider"), ("new-api-token", "okta_api_token")] {
        let a = oktagraph::queries::shipped_alerts().into_iter().find(|q| q.name == alert).unwrap();
        let rows = g.rows(neo4rs::query(&a.text).param("account", acct.as_str()), alert).await.unwrap();
        assert_eq!(rows.len(), node_keys(&g, &acct, label).await.len(), "{alert}");
    }

    let before = util::snapshot(&g, &acct).await;
    let second = util::sync(&g, &util::job(&server, &server.super_admin_token(), "catalog")).await;
    assert_eq!(second.status, RunStatus::Success);
    for t in NODES.iter().chain(EDGES) {
        let c = second.counts.get(*t).copied().unwrap_or_default();
        assert_eq!((c.created, c.updated, c.deleted), (0, 0, 0), "{t} unchanged on re-sync");
    }
    util::assert_same_graph(&before, &util::snapshot(&g, &acct).await, "re-sync");
    cleanup(&g, &acct).await;
}

#[tokio::test]
async fn without_a_super_admin_or_log_streaming_the_steps_warn_and_keep_their_data() {
    let g = util::graph().await;
    let server = util::sim(60).await;
    let acct = account_key(&server);
    util::sync(&g, &util::job(&server, &server.super_admin_token(), "catalog-ro")).await;
    let tokens = node_keys(&g, &acct, "okta_api_token").await;
    let owners = edge_pairs(&g, &acct, "okta_user_owns_api_token").await;
    let hooks = node_keys(&g, &acct, "okta_event_hook").await;
    let streams = node_keys(&g, &acct, "okta_log_stream").await;
    assert!(!tokens.is_empty() && !hooks.is_empty() && !streams.is_empty());
    {
        // Okta changes them, but a read-only admin cannot see it.
        let org = server.org();
        let mut o = org.write().await;
        o.catalog.api_tokens.clear();
        o.catalog.event_hooks.clear();
    }
    let ro = util::sync(&g, &util::job(&server, &server.readonly_token(), "catalog-ro")).await;
    assert_eq!(ro.status, RunStatus::Success, "permission gaps are warnings: {:?}", ro.warnings);
    for step in ["api_tokens", "log_streams", "event_hooks"] {
        let s = ro.steps.iter().find(|s| s.name == step).unwrap();
        assert!(!s.complete && s.forbidden, "{step}");
        assert!(ro.warnings.iter().any(|w| w.starts_with(&format!("{step}: skipped"))), "{step}: {:?}", ro.warnings);
    }
    for step in ["identity_providers", "trusted_origins", "network_zones", "user_types", "user_type_assignments"] {
        assert!(ro.steps.iter().any(|s| s.name == step && s.complete), "{step} is readable by a read-only admin");
    }
    assert_eq!(node_keys(&g, &acct, "okta_api_token").await, tokens, "tokens left as they were");
    assert_eq!(edge_pairs(&g, &acct, "okta_user_owns_api_token").await, owners);
    assert_eq!(node_keys(&g, &acct, "okta_event_hook").await, hooks);

    // An org without log streaming answers 404: a warning, the existing streams stay.
    {
        let org = server.org();
        org.write().await.catalog.log_streaming = false;
    }
    let no_streams = util::sync(&g, &util::job(&server, &server.super_admin_token(), "catalog-ro")).await;
    assert_eq!(no_streams.status, RunStatus::Success, "{:?}", no_streams.warnings);
    let s = no_streams.steps.iter().find(|s| s.name == "log_streams").unwrap();
    assert!(!s.complete && s.forbidden);
    assert!(no_streams.warnings.iter().any(|w| w.starts_with("log_streams: skipped, not available")), "{:?}", no_streams.warnings);
    assert_eq!(node_keys(&g, &acct, "okta_log_stream").await, streams, "streams left as they were");
    // The super admin now sees the tokens and hooks Okta removed: they are swept.
    assert!(node_keys(&g, &acct, "okta_api_token").await.is_empty());
    assert!(node_keys(&g, &acct, "okta_event_hook").await.is_empty());
    cleanup(&g, &acct).await;
}
