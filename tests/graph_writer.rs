//! The generic writer and the sweep against the real Neo4j.

use crate::util;
use chrono::{Duration, Utc};
use oktagraph::graph::sweep::{sweep, SweepPlan};
use oktagraph::model::{self, kinds, Records};
use serde_json::json;

#[tokio::test]
async fn upsert_is_idempotent_and_classifies_changes() {
    let g = util::graph().await;
    let ctx = util::unique_context("writer");
    let t1 = Utc::now().fixed_offset();
    let mut recs = util::users(&ctx, &["u1", "u2", "u3"], "eng");
    recs.nodes.push(model::account(&ctx, None, None));
    let c = util::write(&g, recs, t1).await;
    assert_eq!(c["okta_user"].created, 3);
    assert_eq!(c["okta_account_has_user"].created, 3);
    assert_eq!(c["okta_user_is_employee"].created, 3);

    // Same data again: nothing changes but _lastSeenOn.
    let t2 = t1 + Duration::seconds(10);
    let mut recs = util::users(&ctx, &["u1", "u2", "u3"], "eng");
    recs.nodes.push(model::account(&ctx, None, None));
    let c = util::write(&g, recs, t2).await;
    assert_eq!((c["okta_user"].created, c["okta_user"].updated, c["okta_user"].unchanged), (0, 0, 3));
    assert_eq!(c["okta_user_is_employee"].unchanged, 3);

    // One attribute changes on one user, and one attribute disappears on another.
    let t3 = t2 + Duration::seconds(10);
    let mut recs = util::users(&ctx, &["u1", "u2"], "eng");
    let mut u3 = util::users(&ctx, &["u3"], "sales");
    u3.nodes[0].props.remove("department");
    recs.extend(u3);
    recs.nodes.push(model::account(&ctx, None, None));
    let c = util::write(&g, recs, t3).await;
    assert_eq!((c["okta_user"].updated, c["okta_user"].unchanged), (1, 2));
    let n = util::count(
        &g,
        "MATCH (u:okta_user {_key:'u3', _accountKey:$a}) WHERE u.department IS NULL RETURN count(u) AS n",
        &[("a", &ctx.account_key)],
    )
    .await;
    assert_eq!(n, 1, "a removed attribute disappears from the node");
    let n = util::count(
        &g,
        "MATCH (u:okta_user:User {_key:'u1', _accountKey:$a}) WHERE u._firstSeenOn < u._lastSeenOn AND u.created.year = 2024 AND u.email = 'u1@example.com' RETURN count(u) AS n",
        &[("a", &ctx.account_key)],
    )
    .await;
    assert_eq!(n, 1, "labels, DATETIME values and bookkeeping are right");
    // Clean up this test's nodes so the shared database stays small.
    g.run(neo4rs::query("MATCH (n {_accountKey:$a}) DETACH DELETE n").param("a", ctx.account_key.as_str()), "cleanup").await.unwrap();
}

#[tokio::test]
async fn sweep_soft_deletes_unseen_and_undeletes_returning_objects() {
    let g = util::graph().await;
    let ctx = util::unique_context("sweep");
    let other = util::unique_context("sweep-other");
    let t1 = Utc::now().fixed_offset() - Duration::minutes(5);
    let mut recs = util::users(&ctx, &["a1", "a2"], "eng");
    recs.extend(util::users(&other, &["b1"], "eng"));
    util::write(&g, recs, t1).await;

    // Second sync of `ctx` sees only a1.
    let t2 = t1 + Duration::minutes(1);
    util::write(&g, util::users(&ctx, &["a1"], "eng"), t2).await;
    let plan = SweepPlan {
        account_key: &ctx.account_key,
        seen_since: t2,
        now: t2,
        window_start: t2 - Duration::days(90),
        nodes: vec![&kinds::USER, &kinds::EMPLOYEE],
        edges: vec![&kinds::ACCOUNT_HAS_USER, &kinds::USER_IS_EMPLOYEE],
    };
    let c = sweep(&g, &plan).await.unwrap();
    assert_eq!(c["okta_user"].deleted, 1);
    assert_eq!(c["okta_user_is_employee"].deleted, 1);
    assert_eq!(c.get("employee").map(|c| c.deleted).unwrap_or(0), 0, "shared employee nodes are never swept");
    let n = util::count(
        &g,
        "MATCH (u:okta_user:Deleted {_key:'a2', _accountKey:$a}) WHERE u._deleted AND u._deletedOn IS NOT NULL RETURN count(u) AS n",
        &[("a", &ctx.account_key)],
    )
    .await;
    assert_eq!(n, 1);
    let n = util::count(
        &g,
        "MATCH (u:okta_user {_key:'b1', _accountKey:$a}) WHERE NOT u._deleted RETURN count(u) AS n",
        &[("a", &other.account_key)],
    )
    .await;
    assert_eq!(n, 1, "another account's data is never touched");
    // Sweeping again deletes nothing more.
    let c = sweep(&g, &plan).await.unwrap();
    assert_eq!(c["okta_user"].deleted, 0);

    // a2 comes back unchanged: undeleted.
    let t3 = t2 + Duration::minutes(1);
    let c = util::write(&g, util::users(&ctx, &["a1", "a2"], "eng"), t3).await;
    assert_eq!(c["okta_user"].undeleted, 1);
    let n = util::count(&g, "MATCH (u:okta_user {_key:'a2', _accountKey:$a}) WHERE NOT u:Deleted AND u._deleted = false AND u._deletedOn IS NULL RETURN count(u) AS n", &[("a", &ctx.account_key)]).await;
    assert_eq!(n, 1);
    for a in [&ctx.account_key, &other.account_key] {
        g.run(neo4rs::query("MATCH (n {_accountKey:$a}) DETACH DELETE n").param("a", a.as_str()), "cleanup").await.unwrap();
    }
}

#[tokio::test]
async fn created_edges_outside_the_log_window_survive_the_sweep() {
    let g = util::graph().await;
    let ctx = util::unique_context("window");
    let t1 = Utc::now().fixed_offset() - Duration::minutes(5);
    let mut recs = util::users(&ctx, &["c1"], "eng");
    for (app, days) in [("0oaOld", 120), ("0oaNew", 10)] {
        recs.extend(model::application(&ctx, &json!({"id": app, "name": "bookmark", "label": app, "status": "ACTIVE"})).unwrap());
        recs.edges.push(model::created_edge(&ctx, "c1", app, t1 - Duration::days(days)));
    }
    util::write(&g, recs, t1).await;
    // The next sync sees neither event (the old one aged out; the new one vanished).
    let t2 = t1 + Duration::minutes(1);
    let plan = SweepPlan {
        account_key: &ctx.account_key,
        seen_since: t2,
        now: t2,
        window_start: t2 - Duration::days(90),
        nodes: vec![],
        edges: vec![&kinds::USER_CREATED_APPLICATION],
    };
    let c = sweep(&g, &plan).await.unwrap();
    assert_eq!(c["okta_user_created_application"].deleted, 1);
    let kept = util::strings(
        &g,
        "MATCH (:okta_user {_accountKey:$a})-[r:CREATED]->(app) WHERE r._deleted = false RETURN app._key AS v",
        &[("a", &ctx.account_key)],
    )
    .await;
    assert_eq!(kept, vec!["0oaOld"]);
    g.run(neo4rs::query("MATCH (n {_accountKey:$a}) DETACH DELETE n").param("a", ctx.account_key.as_str()), "cleanup").await.unwrap();
}

#[tokio::test]
async fn shared_aws_roles_keep_other_tools_properties_and_hostile_values_round_trip() {
    let g = util::graph().await;
    let ctx = util::unique_context("aws");
    let arn = format!("arn:aws:iam::123456789012:role/T{}", &ctx.account_key[13..25]);
    g.run(neo4rs::query("CREATE (:aws_iam_role {_key: $k, ownedBy: 'aws-collector'})").param("k", arn.as_str()), "seed").await.unwrap();
    let t1 = Utc::now().fixed_offset();
    let hostile = "x'}) MATCH (n) DETACH DELETE n //`\u{0}\"ünï😀";
    let u = json!({"id": "h1", "status": "ACTIVE", "profile": {"login": "h1@x.io", "title": hostile, "we`ird key.with dots": hostile}});
    let mut recs = model::user(&ctx, &u).unwrap();
    let info = model::AppInfo { id: "0oaAws".into(), aws: true, aws_account_id: Some("123456789012".into()) };
    recs.extend(model::application(&ctx, &json!({"id": "0oaAws", "name": "amazon_aws", "label": "AWS"})).unwrap());
    recs.extend(model::app_user(&ctx, &info, &json!({"id": "h1", "scope": "USER", "profile": {"samlRoles": [arn]}})).unwrap());
    util::write(&g, recs, t1).await;
    let owned =
        util::strings(&g, "MATCH (r:aws_iam_role:AccessRole {_key:$k}) RETURN r.ownedBy + '/' + r.roleName AS v", &[("k", &arn)]).await;
    assert_eq!(owned.len(), 1);
    assert!(owned[0].starts_with("aws-collector/T"), "{owned:?}");
    let title = util::strings(&g, "MATCH (u:okta_user {_key:'h1', _accountKey:$a}) RETURN u.title AS v", &[("a", &ctx.account_key)]).await;
    assert_eq!(title, vec![hostile.to_string()], "stored verbatim");
    let odd = util::strings(
        &g,
        "MATCH (u:okta_user {_key:'h1', _accountKey:$a}) RETURN u.`we``ird key.with dots` AS v",
        &[("a", &ctx.account_key)],
    )
    .await;
    assert_eq!(odd, vec![hostile.to_string()]);
    let n = util::count(
        &g,
        "MATCH (:okta_user {_key:'h1', _accountKey:$a})-[r:ASSIGNED]->(:aws_iam_role {_key:$k}) RETURN count(r) AS n",
        &[("a", &ctx.account_key), ("k", &arn)],
    )
    .await;
    assert_eq!(n, 1);
    g.run(neo4rs::query("MATCH (n {_accountKey:$a}) DETACH DELETE n").param("a", ctx.account_key.as_str()), "cleanup").await.unwrap();
    g.run(neo4rs::query("MATCH (n:aws_iam_role {_key:$k}) DETACH DELETE n").param("k", arn.as_str()), "cleanup").await.unwrap();
}

/// Batches in flight at once (issue #6) never duplicate anything: the same node in several concurrent
/// batches of one type is one node (the `_key` constraint serialises the MERGEs), and relationships of one
/// type are never in flight twice, so the same pair in several batches is one relationship.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_batches_with_duplicates_write_each_object_once() {
    let mut config = util::neo4j_config();
    config.batch_size = 3;
    config.write_concurrency = 4;
    let g = oktagraph::graph::Graph::connect(&config).await.unwrap();
    // The `_key` constraint this test relies on, applied here rather than trusting another test did it.
    g.apply_schema().await.expect("schema");
    let ctx = util::unique_context("concurrent");
    let ids: Vec<String> = (0..10).map(|i| format!("cu{i}")).collect();
    let mut recs = Records::default();
    recs.nodes.push(model::account(&ctx, None, None));
    for _ in 0..4 {
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        recs.extend(util::users(&ctx, &refs, "eng"));
    }
    let now = Utc::now().fixed_offset();
    let c = util::write(&g, recs, now).await;
    let u = c["okta_user"];
    assert_eq!(u.created, 10, "{u:?}");
    assert_eq!(u.written(), 40, "every duplicate row was matched, none failed: {u:?}");
    let nodes = util::count(&g, "MATCH (u:okta_user {_accountKey: $a}) RETURN count(u) AS n", &[("a", &ctx.account_key)]).await;
    assert_eq!(nodes, 10);
    let rels =
        util::count(&g, "MATCH (:okta_account {_key: $a})-[r:HAS]->(:okta_user) RETURN count(r) AS n", &[("a", &ctx.account_key)]).await;
    assert_eq!(rels, 10, "one relationship per pair");
    let emp =
        util::count(&g, "MATCH (:okta_user {_accountKey: $a})-[r:IS]->(:employee) RETURN count(r) AS n", &[("a", &ctx.account_key)]).await;
    assert_eq!(emp, 10);
    g.run(neo4rs::query("MATCH (n {_accountKey:$a}) DETACH DELETE n").param("a", ctx.account_key.as_str()), "cleanup").await.unwrap();
}
