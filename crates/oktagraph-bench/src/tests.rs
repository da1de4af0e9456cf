//! Every benchmark statement against the real Neo4j (as the integration tests use it: NEO4J_URI /
//! NEO4J_USER / NEO4J_PASSWORD, or the local server), on a tiny org under keys no one else uses.

use crate::{db, fresh_seed, writes};
use oktagraph::graph::{Graph, Neo4jConfig};
use std::time::Duration;

async fn graph() -> Graph {
    let uri = std::env::var("NEO4J_URI").unwrap_or_else(|_| "bolt://127.0.0.1:7687".into());
    let user = std::env::var("NEO4J_USER").unwrap_or_else(|_| "neo4j".into());
    let pw = std::env::var("NEO4J_PASSWORD").unwrap_or_else(|_| "oktagraph-local".into());
    let g = Graph::connect(&Neo4jConfig::new(&uri, &user, pw.into()))
        .await
        .unwrap_or_else(|e| panic!("the benchmark's statements are tested on a running Neo4j (tests/neo4j/neo4j-local start): {e}"));
    g.apply_schema().await.expect("schema");
    g
}

/// The three write methods write the same objects, the counts and fingerprints read them back, and the
/// clean-up leaves nothing of the benchmark's accounts behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_methods_counts_fingerprints_and_clean_up() {
    let graph = graph().await;
    let c = writes::capture(30, fresh_seed()).await.expect("capture a 30-user org");
    assert!(!c.nodes.is_empty() && !c.edges.is_empty());
    let tag = format!("t{:x}", fresh_seed() & 0xffff_ffff);
    let results = writes::compare(&graph, &c, &tag, true, Duration::from_secs(120), true).await.expect("compare");
    assert_eq!(results.iter().map(|r| r.method).collect::<Vec<_>>(), ["oktagraph", "per-object", "whole-list"]);
    for r in &results {
        assert_eq!(r.error, None, "{}", r.method);
        assert!(!r.sampled, "{}: the 120 s cap is far above a 30-user org", r.method);
        assert!(r.in_db.0 > 0 && r.in_db.1 > 0, "{}: {:?}", r.method, r.in_db);
    }
    // Every method wrote every node and relationship, into its own keys.
    assert_eq!(results[1].in_db, results[0].in_db);
    assert_eq!(results[2].in_db, results[0].in_db);

    let since = chrono::DateTime::UNIX_EPOCH.fixed_offset();
    let mut fingerprints = Vec::new();
    for (i, result) in results.iter().enumerate() {
        let prefix = format!("bench-{tag}-w{i}:");
        let key = format!("{prefix}{}", c.account_key);
        let (nodes, rels) = db::fingerprint(&graph, &key).await.expect("fingerprint");
        let (again_nodes, again_rels) = db::fingerprint(&graph, &key).await.expect("fingerprint again");
        let unchanged = (db::diff(&nodes, &again_nodes), db::diff(&rels, &again_rels));
        assert_eq!((unchanged.0.changed, unchanged.0.created, unchanged.0.removed), (0, 0, 0));
        assert_eq!((unchanged.1.changed, unchanged.1.created, unchanged.1.removed), (0, 0, 0));
        assert_eq!((nodes.len() as i64, rels.len() as i64), result.in_db, "fingerprint and count agree");
        fingerprints.push(nodes.len());

        assert!(db::delete_account(&graph, &key, since).await.expect("delete") > 0);
        db::delete_prefixed_shared(&graph, &prefix).await.expect("delete shared");
        assert_eq!(db::count_account(&graph, &key).await.expect("count"), (0, 0), "{key} is gone");
        assert_eq!(db::delete_prefixed_shared(&graph, &prefix).await.expect("delete shared again"), 0);
    }
    assert!(fingerprints.iter().all(|&n| n == fingerprints[0]));
}
