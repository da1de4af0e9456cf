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

// ---- Simulator + sync harness -------------------------------------------------------------------

use oktagraph::collect::Silent;
use oktagraph::okta::Credentials;
use oktagraph::sim::{Org, OrgSpec, SimOptions, SimServer};
use oktagraph::sync::{self, AccountJob, SyncSummary};
use std::sync::Arc;

/// A seed no other test uses: Okta ids come from the seed, and ids are global in the graph.
pub fn unique_seed() -> u64 {
    let u = uuid::Uuid::new_v4();
    u64::from_le_bytes(u.as_bytes()[..8].try_into().unwrap())
}

/// A simulated org on a free loopback port, rate limits on but time-scaled so tests are quick.
pub async fn sim(users: usize) -> SimServer {
    sim_with(users, SimOptions { port: 0, time_scale: 120.0, ..SimOptions::default() }).await
}

pub async fn sim_with(users: usize, opts: SimOptions) -> SimServer {
    let org = Org::generate(&OrgSpec { users, seed: unique_seed() }, "http://127.0.0.1:0");
    SimServer::start(org, opts).await.expect("simulator starts")
}

/// The job syncing `server` with `token`.
pub fn job(server: &SimServer, token: &str, name: &str) -> AccountJob {
    let mut j = AccountJob::new(&server.base_url(), Credentials::Ssws(secrecy::SecretString::from(token.to_string())));
    j.name = Some(name.to_string());
    j.tag_with_account_name = true;
    j
}

pub async fn sync(g: &Graph, job: &AccountJob) -> SyncSummary {
    let (_tx, rx) = tokio::sync::watch::channel(false);
    sync::sync_account(g, job, rx, Arc::new(Silent)).await.expect("sync runs")
}

/// The account key of a simulator's org.
pub fn account_key(server: &SimServer) -> String {
    format!("okta_account:{}", server.base_url().trim_start_matches("http://"))
}

/// Removes every node of an account (tests clean up after themselves).
pub async fn cleanup(g: &Graph, account_key: &str) {
    g.run(
        neo4rs::query("MATCH (n) WHERE n._accountKey = $a OR n.accountKey = $a CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS")
            .param("a", account_key),
        "cleanup",
    )
    .await
    .ok();
}

/// Live (not soft-deleted) node keys of one type for an account.
pub async fn node_keys(g: &Graph, account: &str, label: &str) -> Vec<String> {
    let q = format!("MATCH (n:{label}) WHERE n._accountKey = $a AND NOT n:Deleted RETURN n._key AS v");
    strings(g, &q, &[("a", account)]).await
}

/// Live relationship `from|to` pairs of one relationship `_type` for an account.
pub async fn edge_pairs(g: &Graph, account: &str, rel_type: &str) -> Vec<String> {
    strings(
        g,
        "MATCH (a)-[r]->(b) WHERE r._accountKey = $a AND r._type = $t AND r._deleted = false RETURN a._key + '|' + b._key AS v",
        &[("a", account), ("t", rel_type)],
    )
    .await
}

/// Every node and relationship of an account with its properties minus the ones that move on every sync:
/// two syncs that saw the same org give the same snapshot.
pub async fn snapshot(g: &Graph, account: &str) -> Vec<String> {
    let q = neo4rs::query(
        "CALL () { MATCH (n) WHERE n._accountKey = $a RETURN n._type + ' ' + n._key AS id, labels(n) AS labels, properties(n) AS p
           UNION ALL MATCH (x)-[r]->(y) WHERE r._accountKey = $a AND type(r) <> 'HAS_SYNC_RUN'
           RETURN r._type + ' ' + x._key + '>' + y._key AS id, [] AS labels, properties(r) AS p }
         RETURN id, labels, p",
    )
    .param("a", account);
    let rows = g.rows(q, "snapshot").await.expect("snapshot");
    let mut out: Vec<String> = rows
        .iter()
        .map(|r| {
            let id: String = r.get("id").unwrap_or_default();
            let mut labels: Vec<String> = r.get("labels").unwrap_or_default();
            labels.sort();
            let mut p = oktagraph::queries::bolt_to_json(&r.get::<neo4rs::BoltType>("p").unwrap());
            if let Some(m) = p.as_object_mut() {
                for k in ["_lastSeenOn", "_firstSeenOn", "_lastChangedOn"] {
                    m.remove(k);
                }
            }
            format!("{id} {labels:?} {p}")
        })
        .collect();
    out.sort();
    out
}
