//! Foundation: schema, constraints and `oktagraph check` against the real server.

use crate::util;
use std::process::Command;

/// Names of the constraints and of the indexes `cypher/schema.cypher` creates, read from the file itself.
fn schema_names() -> (Vec<String>, Vec<String>) {
    let (mut constraints, mut indexes) = (Vec::new(), Vec::new());
    for line in include_str!("../cypher/schema.cypher").lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["CREATE", "CONSTRAINT", name, ..] => constraints.push(name.to_string()),
            ["CREATE", "INDEX", name, ..] => indexes.push(name.to_string()),
            _ => {}
        }
    }
    (constraints, indexes)
}

/// How many of `names` the server lists, with the given SHOW statement and extra condition.
async fn listed(g: &oktagraph::graph::Graph, show: &str, condition: &str, names: &[String]) -> i64 {
    let q = neo4rs::query(&format!("{show} WHERE name IN $names {condition} RETURN count(*) AS n")).param("names", names.to_vec());
    g.counts(q, "schema check", &["n"]).await.expect("SHOW query")[0]
}

#[tokio::test]
async fn schema_creates_every_constraint_and_index_and_applies_twice() {
    let g = util::graph().await;
    let (constraints, indexes) = schema_names();
    assert!(constraints.len() >= 11 && indexes.len() >= 8, "schema.cypher read: {constraints:?} {indexes:?}");
    // The shared database already has the schema (every test applies it), so take one piece away and let
    // the first application really create it. The app-name lookup index: only query speed depends on it, so
    // tests running meanwhile are unaffected.
    let dropped = "okta_application_name";
    assert!(indexes.iter().any(|i| i == dropped));
    g.run(neo4rs::query(&format!("DROP INDEX {dropped} IF EXISTS")), "drop one index").await.expect("drop");
    let first = g.apply_schema().await.expect("first application");
    let second = g.apply_schema().await.expect("second application: every statement is idempotent");
    assert_eq!(first, constraints.len() + indexes.len(), "every statement of schema.cypher ran");
    assert_eq!(second, first);
    let n = listed(&g, "SHOW CONSTRAINTS YIELD name, type, properties", "", &constraints).await;
    assert_eq!(n, constraints.len() as i64, "every constraint exists");
    let key =
        listed(&g, "SHOW CONSTRAINTS YIELD name, type, properties", "AND type = 'UNIQUENESS' AND properties = ['_key']", &constraints)
            .await;
    assert_eq!(key, constraints.len() as i64, "each is a uniqueness constraint on _key");
    let n = listed(&g, "SHOW INDEXES YIELD name", "", &indexes).await;
    assert_eq!(n, indexes.len() as i64, "every index exists, the dropped one again");
}

#[tokio::test]
async fn constraint_rejects_a_duplicate_key() {
    let g = util::graph().await;
    let key = format!("dup-{}", uuid::Uuid::new_v4());
    g.run(neo4rs::query("CREATE (:okta_user {_key: $k, _accountKey: 'test-dup'})").param("k", key.as_str()), "create")
        .await
        .expect("first create");
    let err = g
        .run(neo4rs::query("CREATE (:okta_user {_key: $k, _accountKey: 'test-dup'})").param("k", key.as_str()), "create")
        .await
        .expect_err("duplicate _key must be rejected");
    assert!(err.to_string().contains("ConstraintValidationFailed"), "{err}");
    let n = util::count(&g, "MATCH (n:okta_user {_key: $k}) RETURN count(n) AS n", &[("k", &key)]).await;
    assert_eq!(n, 1);
    g.run(neo4rs::query("MATCH (n:okta_user {_key: $k}) DELETE n").param("k", key.as_str()), "cleanup").await.unwrap();
}

#[test]
fn check_prints_version_and_edition() {
    let out = util::output_within(Command::new(util::bin()).arg("check"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout} {}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("Neo4j 5.26.") && stdout.contains("community"), "{stdout}");
}

#[test]
fn check_reports_a_wrong_password_clearly() {
    let out = util::output_within(Command::new(util::bin()).arg("check").env("NEO4J_PASSWORD", "definitely-wrong"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line, no backtrace: {stderr}");
    assert!(stderr.contains("refused the credentials"), "{stderr}");
    assert!(!stderr.contains("definitely-wrong"), "the password is never printed");
}

#[test]
fn check_reports_an_unreachable_server() {
    let out = util::output_within(Command::new(util::bin()).args(["check", "--neo4j-uri", "bolt://127.0.0.1:9"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("cannot reach Neo4j"), "{stderr}");
    let out = util::output_within(Command::new(util::bin()).args(["check", "--neo4j-uri", "http://127.0.0.1:7474"]));
    assert_eq!(out.status.code(), Some(2), "a non-Bolt scheme is a usage error");
}
