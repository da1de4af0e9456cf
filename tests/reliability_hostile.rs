//! Issue #7, hostile data from Okta: values are stored verbatim or skipped, never break a query or the run.

use crate::util;
use okta_sim::{AppUser, Faults};
use oktagraph::graph::{GraphWriter, TypeCounts};
use oktagraph::model::{self, Records};
use oktagraph::sync::RunStatus;
use serde_json::{json, Value};

const CYPHER: &str = "x'}) MATCH (n) DETACH DELETE n //\"; DROP CONSTRAINT okta_user_key; `) RETURN 1 //";
const QUOTES: &str = "it's \"quoted\" `backticked` \\escaped\\ {braces} $param";
const NUL: &str = "before\u{0}after";
const UNICODE: &str = "Ünïcødé 名前 😀🚀 עברית \u{202e}reversed\u{202c} \u{feff}zero-width\u{200b}";

fn nested(depth: usize) -> Value {
    (0..depth).fold(json!("bottom"), |v, i| json!({ format!("level{i}"): v }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_values_are_stored_verbatim_or_skipped_and_never_break_the_run() {
    let g = util::graph().await;
    let server = util::sim_faulty(30, Faults::default()).await;
    let key = util::account_key(&server);
    let big = "x".repeat(1 << 20);
    let many: Vec<String> = (0..10_000).map(|i| format!("item-{i}")).collect();
    let ghost = "00uGHOSTUSERNOTINLIST1".to_string();
    let (victim, group_id, app_id) = {
        let org = server.org();
        let mut org = org.write().await;
        let u = org.users.values_mut().find(|u| u.status == "ACTIVE").unwrap();
        u.profile.first_name = UNICODE.into();
        u.profile.last_name = QUOTES.into();
        u.profile.department = Some(CYPHER.into());
        let extra = &mut u.profile.extra;
        extra.insert("with space".into(), json!(QUOTES));
        extra.insert("dot.ted.name".into(), json!(UNICODE));
        extra.insert("back`tick`name".into(), json!(CYPHER));
        extra.insert("名前".into(), json!("unicode attribute name"));
        extra.insert("nulValue".into(), json!(NUL));
        extra.insert("hugeValue".into(), json!(big));
        extra.insert("manyValues".into(), json!(many));
        extra.insert("deepObject".into(), nested(60));
        extra.insert("mixedList".into(), json!([1, "two", {"three": [3]}, null]));
        let victim = u.id.clone();
        let gr = org.groups.values_mut().find(|g| g.kind == "OKTA_GROUP").unwrap();
        gr.profile.name = format!("{CYPHER} {UNICODE}");
        gr.profile.description = Some(QUOTES.into());
        let group_id = gr.id.clone();
        let app = org.apps.values_mut().next().unwrap();
        app.label = format!("{QUOTES} {UNICODE}");
        let app_id = app.id.clone();
        // An assignment of a user that is not in the user list: an edge to an object not in its list.
        let template = org.app_users.values().flat_map(|m| m.values()).next().cloned();
        let mut au: AppUser = template.expect("the org has app assignments");
        au.id = ghost.clone();
        org.app_users.entry(app_id.clone()).or_default().0.insert(ghost.clone(), au);
        (victim, group_id, app_id)
    };
    let users_in_okta = server.org().read().await.users.len() as i64;
    let job = util::sim_job(&server, &server.super_admin_token());

    let s = util::sync(&g, &job).await;
    assert_eq!(s.status, RunStatus::Success, "{:?}", s.warnings);
    assert!(
        s.warnings.iter().any(|w| w.contains("okta_user_assigned_application") && w.contains("skipped")),
        "the edge to a user not in the list is skipped with a warning: {:?}",
        s.warnings
    );
    let n = util::count(&g, "MATCH (u:okta_user {_accountKey: $a}) RETURN count(u) AS n", &[("a", &key)]).await;
    assert_eq!(n, users_in_okta, "every user is stored, the hostile one included");
    let n = util::count(&g, "MATCH (u:okta_user {_key: $k}) RETURN count(u) AS n", &[("k", &ghost)]).await;
    assert_eq!(n, 0, "no node is invented for the missing user");

    // Verbatim values.
    let rows = g
        .rows(neo4rs::query("MATCH (u:okta_user {_key: $k}) RETURN properties(u) AS p").param("k", victim.as_str()), "victim")
        .await
        .unwrap();
    let p: std::collections::HashMap<String, neo4rs::BoltType> = rows[0].get("p").unwrap();
    let text = |k: &str| match p.get(k) {
        Some(neo4rs::BoltType::String(s)) => Some(s.value.clone()),
        other => panic!("{k}: {other:?}"),
    };
    assert_eq!(text("department").unwrap(), CYPHER);
    assert_eq!(text("with space").unwrap(), QUOTES);
    assert_eq!(text("dot.ted.name").unwrap(), UNICODE);
    assert_eq!(text("back`tick`name").unwrap(), CYPHER);
    assert_eq!(text("名前").unwrap(), "unicode attribute name");
    assert_eq!(text("name").unwrap(), format!("{UNICODE} {QUOTES}"));
    assert_eq!(text("hugeValue").unwrap().len(), 1 << 20);
    assert_eq!(text("nulValue").unwrap(), NUL, "NUL bytes survive");
    match p.get("manyValues") {
        Some(neo4rs::BoltType::List(l)) => assert_eq!(l.value.len(), 10_000),
        other => panic!("manyValues: {other:?}"),
    }
    assert!(!p.contains_key("deepObject"), "nested objects are skipped (docs/graph.md#conventions: primitives and lists of primitives)");
    match p.get("mixedList") {
        Some(neo4rs::BoltType::List(l)) => assert_eq!(l.value.len(), 3, "a mixed list is kept as text items"),
        other => panic!("mixedList: {other:?}"),
    }
    let names = util::strings(&g, "MATCH (g:okta_user_group {_key: $k}) RETURN g.name AS v", &[("k", &group_id)]).await;
    assert_eq!(names, vec![format!("{CYPHER} {UNICODE}")]);
    let labels = util::strings(&g, "MATCH (a:okta_application {_key: $k}) RETURN a.label AS v", &[("k", &app_id)]).await;
    assert_eq!(labels, vec![format!("{QUOTES} {UNICODE}")]);

    // The injection did nothing: constraints are still there and other accounts' data was not touched.
    let c = util::count(&g, "SHOW CONSTRAINTS YIELD name WHERE name = 'okta_user_key' RETURN count(*) AS n", &[]).await;
    assert_eq!(c, 1);

    // Idempotent with hostile data: a second sync changes nothing (the change hash is stable).
    let again = util::sync(&g, &job).await;
    assert_eq!(again.status, RunStatus::Success);
    let mut t = TypeCounts::default();
    for c in again.counts.values() {
        t.add(c);
    }
    assert_eq!((t.created, t.updated, t.deleted), (0, 0, 0), "{:?}", again.counts);
    util::cleanup(&g, &key).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeply_nested_profile_does_not_break_the_sync() {
    // Deeper than serde_json's default recursion limit (128).
    let g = util::graph().await;
    let server = util::sim_faulty(10, Faults::default()).await;
    let key = util::account_key(&server);
    {
        let org = server.org();
        let mut org = org.write().await;
        let u = org.users.values_mut().next().unwrap();
        u.profile.extra.insert("veryDeep".into(), nested(300));
    }
    let s = util::sync(&g, &util::sim_job(&server, &server.super_admin_token())).await;
    assert_eq!(s.status, RunStatus::Success, "{:?}", s.warnings);
    let users_in_okta = server.org().read().await.users.len() as i64;
    let n = util::count(&g, "MATCH (u:okta_user {_accountKey: $a}) RETURN count(u) AS n", &[("a", &key)]).await;
    assert_eq!(n, users_in_okta);
    util::cleanup(&g, &key).await;
}

#[tokio::test]
async fn duplicate_ids_across_pages_give_one_node() {
    let g = util::graph().await;
    let ctx = util::unique_context("dup-pages");
    let now = chrono::Utc::now().fixed_offset();
    let user = |dept: &str| {
        model::user(&ctx, &json!({"id": "00uDUPLICATE", "status": "ACTIVE", "profile": {"login": "d@example.com", "department": dept}}))
            .unwrap()
    };
    let mut w = GraphWriter::new(g.clone(), now);
    let mut first = Records::default();
    first.nodes.push(model::account(&ctx, None, None));
    first.extend(user("page-1"));
    w.write(first).await.unwrap();
    w.flush().await.unwrap(); // page 1 written
    let mut second = user("page-2");
    second.extend(user("page-2-again")); // the same id twice in one batch
    w.write(second).await.unwrap();
    w.flush().await.unwrap();
    let n = util::count(&g, "MATCH (u:okta_user {_accountKey: $a}) RETURN count(u) AS n", &[("a", &ctx.account_key)]).await;
    assert_eq!(n, 1, "one node per id");
    let e =
        util::count(&g, "MATCH (:okta_account {_key: $a})-[r:HAS]->(:okta_user) RETURN count(r) AS n", &[("a", &ctx.account_key)]).await;
    assert_eq!(e, 1, "one relationship per pair");
    util::cleanup(&g, &ctx.account_key).await;
}
