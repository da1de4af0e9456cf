//! Foundation: schema, constraints and `oktagraph check` against the real server.

use crate::util;
use std::process::Command;

#[tokio::test]
async fn schema_applies_twice_without_error() {
    let g = util::graph().await;
    let first = g.apply_schema().await.expect("first");
    let second = g.apply_schema().await.expect("second");
    assert_eq!(first, second);
    let n = util::count(&g, "SHOW CONSTRAINTS YIELD labelsOrTypes, properties WHERE properties = ['_key'] RETURN count(*) AS n", &[]).await;
    assert!(n >= 11, "one _key constraint per node label, got {n}");
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
    let out = Command::new(util::bin()).arg("check").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout} {}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("Neo4j 5.26.") && stdout.contains("community"), "{stdout}");
}

#[test]
fn check_reports_a_wrong_password_clearly() {
    let out = Command::new(util::bin()).arg("check").env("NEO4J_PASSWORD", "definitely-wrong").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line, no backtrace: {stderr}");
    assert!(stderr.contains("refused the credentials"), "{stderr}");
    assert!(!stderr.contains("definitely-wrong"), "the password is never printed");
}

#[test]
fn check_reports_an_unreachable_server() {
    let out = Command::new(util::bin()).args(["check", "--neo4j-uri", "bolt://127.0.0.1:9"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("cannot reach Neo4j"), "{stderr}");
    let out = Command::new(util::bin()).args(["check", "--neo4j-uri", "http://127.0.0.1:7474"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a non-Bolt scheme is a usage error");
}
