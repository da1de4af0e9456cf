//! Shared test harness: the real Neo4j (NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD, or the local server that
//! tests/neo4j/neo4j-local starts) and per-test account keys, so tests running in parallel never touch
//! each other's data.

#![allow(dead_code)]

use oktagraph::graph::{Graph, Neo4jConfig};
use oktagraph::model::Context;
use secrecy::SecretString;

pub fn neo4j_config() -> Neo4jConfig {
    let uri = std::env::var("NEO4J_URI").unwrap_or_else(|_| "bolt://127.0.0.1:7687".into());
    let user = std::env::var("NEO4J_USER").unwrap_or_else(|_| "neo4j".into());
    let pw = std::env::var("NEO4J_PASSWORD").unwrap_or_else(|_| "oktagraph-local".into());
    let mut c = Neo4jConfig::new(&uri, &user, SecretString::from(pw));
    c.batch_size = 500;
    c
}

/// Connects to the test Neo4j. Fails loudly (never skips) when it is not running: graph tests are real.
pub async fn graph() -> Graph {
    let g = Graph::connect(&neo4j_config()).await.unwrap_or_else(|e| {
        panic!("graph tests need a running Neo4j (tests/neo4j/neo4j-local start): {e}")
    });
    g.apply_schema().await.expect("schema");
    g
}

/// A fresh account context whose org host no other test uses.
pub fn unique_context(tag: &str) -> Context {
    let host = format!("{tag}-{}.test.invalid", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    Context::new(&format!("https://{host}"), &host, tag)
}

/// Runs a read query with string parameters and returns the integer in column `n` of the first row.
pub async fn count(g: &Graph, q: &str, params: &[(&str, &str)]) -> i64 {
    let mut query = neo4rs::query(q);
    for (k, v) in params {
        query = query.param(k, *v);
    }
    g.counts(query, "test count", &["n"]).await.expect("count query")[0]
}

/// Runs a query returning one string column `v`, sorted.
pub async fn strings(g: &Graph, q: &str, params: &[(&str, &str)]) -> Vec<String> {
    let mut query = neo4rs::query(q);
    for (k, v) in params {
        query = query.param(k, *v);
    }
    let rows = g.rows(query, "test strings").await.expect("strings query");
    let mut out: Vec<String> = rows.iter().filter_map(|r| r.get::<String>("v").ok()).collect();
    out.sort();
    out
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_oktagraph")
}
