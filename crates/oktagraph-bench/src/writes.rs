//! The graph-write comparison: the same records written three ways, each under its own account key and
//! with its own key prefix, so every method creates every object (as into an empty database) and none of
//! them touches another's nodes or anybody else's data.

use crate::{cypher, db};
use chrono::{DateTime, FixedOffset, Utc};
use neo4rs::{BoltList, BoltMap, BoltString, BoltType};
use okta_sim::{Org, OrgSpec, SimOptions, SimServer};
use oktagraph::collect::{CollectOptions, Collector, Silent, STEPS};
use oktagraph::graph::{props_to_bolt, query_with, Graph, GraphWriter};
use oktagraph::model::{Context, EdgeRecord, NodeRecord, Props, Records};
use oktagraph::okta::Credentials;
use oktagraph::sync::{okta_client, AccountJob};
use secrecy::SecretString;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Every record one sync of an org produces, de-duplicated by (type, key).
pub(crate) struct Captured {
    pub(crate) nodes: Vec<NodeRecord>,
    pub(crate) edges: Vec<EdgeRecord>,
    pub(crate) account_key: String,
    pub(crate) collect_seconds: f64,
}

/// Collects an org from the simulator (rate limits off) exactly as a sync would, keeping the records.
pub(crate) async fn capture(users: usize, seed: u64) -> anyhow::Result<Captured> {
    let org = Org::generate(&OrgSpec { users, seed }, "http://127.0.0.1:0");
    let opts = SimOptions { rate_limits: false, concurrency_limit: 10_000, ..SimOptions::default() };
    let server = SimServer::start(org, opts).await?;
    let mut job = AccountJob::new(&server.base_url(), Credentials::Ssws(SecretString::from(server.super_admin_token())));
    job.max_in_flight = 16;
    let client = okta_client(&job)?;
    let o = client.org().clone();
    let ctx = Context::new(o.base.as_str(), &o.host, "bench");
    let account_key = ctx.account_key.clone();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Records>(64);
    let keeper = tokio::spawn(async move {
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        let mut seen = HashSet::new();
        while let Some(r) = rx.recv().await {
            for n in r.nodes {
                if seen.insert(format!("{}|{}", n.kind.type_name, n.key)) {
                    nodes.push(n);
                }
            }
            for e in r.edges {
                if seen.insert(format!("{}|{}", e.kind.type_name, e.key())) {
                    edges.push(e);
                }
            }
        }
        (nodes, edges)
    });
    let (_cancel_tx, cancel) = tokio::sync::watch::channel(false);
    let now = DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).unwrap_or_default().fixed_offset();
    let started = Instant::now();
    let collector = Collector::new(
        client,
        ctx,
        tx,
        cancel,
        Arc::new(Silent),
        CollectOptions { enabled: STEPS.iter().map(|s| s.id).collect(), concurrency: 16, now, previous_account: Props::new() },
    );
    let result = collector.run().await;
    let (nodes, edges) = keeper.await?;
    let collect_seconds = started.elapsed().as_secs_f64();
    let _ = tokio::time::timeout(Duration::from_secs(5), server.shutdown()).await;
    if let Some(o) = result.outcomes.values().find(|o| !o.complete) {
        anyhow::bail!("collecting the org for the write comparison: step {} incomplete: {:?}", o.name, o.error);
    }
    Ok(Captured { nodes, edges, account_key, collect_seconds })
}

/// The captured records with every key prefixed and `_accountKey` moved to `<prefix><account key>`.
fn rekey(c: &Captured, prefix: &str) -> (Vec<NodeRecord>, Vec<EdgeRecord>, String) {
    let account_key = format!("{prefix}{}", c.account_key);
    let fix = |props: &mut Props| {
        if props.contains_key("_accountKey") {
            props.insert("_accountKey".into(), account_key.clone().into());
        }
    };
    let nodes = c
        .nodes
        .iter()
        .map(|n| {
            let mut n = n.clone();
            n.key = format!("{prefix}{}", n.key);
            fix(&mut n.props);
            n
        })
        .collect();
    let edges = c
        .edges
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e.from = format!("{prefix}{}", e.from);
            e.to = format!("{prefix}{}", e.to);
            fix(&mut e.props);
            let key = e.key();
            e.props.insert("_key".into(), key.into());
            e
        })
        .collect();
    (nodes, edges, account_key)
}

/// One method's result.
#[derive(Debug, Clone)]
pub(crate) struct WriteResult {
    pub(crate) method: &'static str,
    pub(crate) how: String,
    /// Objects (nodes + relationships) written in the timed part.
    pub(crate) objects: u64,
    pub(crate) seconds: f64,
    /// Nodes and relationships of the account found in the database afterwards.
    pub(crate) in_db: (i64, i64),
    /// The timed part covered only a sample (the per-object baseline has a time cap).
    pub(crate) sampled: bool,
    pub(crate) error: Option<String>,
}

impl WriteResult {
    pub(crate) fn rate(&self) -> f64 {
        if self.seconds > 0.0 {
            self.objects as f64 / self.seconds
        } else {
            0.0
        }
    }
}

fn now() -> DateTime<FixedOffset> {
    DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).unwrap_or_default().fixed_offset()
}

/// oktagraph's writer, fed in chunks the size a sync sends (records arrive from the collector in pieces).
async fn oktagraph_writer(graph: &Graph, nodes: Vec<NodeRecord>, edges: Vec<EdgeRecord>) -> anyhow::Result<(u64, f64)> {
    let started = Instant::now();
    let mut w = GraphWriter::new(graph.clone(), now());
    let mut nodes = nodes.into_iter().peekable();
    while nodes.peek().is_some() {
        let chunk: Vec<NodeRecord> = nodes.by_ref().take(2000).collect();
        w.write(Records { nodes: chunk, edges: vec![] }).await?;
    }
    let mut edges = edges.into_iter().peekable();
    while edges.peek().is_some() {
        let chunk: Vec<EdgeRecord> = edges.by_ref().take(2000).collect();
        w.write(Records { nodes: vec![], edges: chunk }).await?;
    }
    w.flush().await?;
    let secs = started.elapsed().as_secs_f64();
    let written: u64 = w.counts().values().map(|c| c.written()).sum();
    Ok((written, secs))
}

/// Starbase's way: one auto-commit MERGE statement per node and per relationship, one after another.
/// Capped at `cap`: half for nodes, the rest for relationships whose end nodes were written.
async fn per_object(graph: &Graph, nodes: Vec<NodeRecord>, edges: Vec<EdgeRecord>, cap: Duration) -> anyhow::Result<(u64, f64, bool)> {
    let now = now();
    let started = Instant::now();
    let mut written = 0u64;
    let mut sampled = false;
    let mut keys = HashSet::new();
    for n in &nodes {
        if started.elapsed() > cap / 2 {
            sampled = true;
            break;
        }
        let q = query_with(
            &cypher::for_node(cypher::PER_OBJECT_NODE, n.kind),
            vec![("key", n.key.as_str().into()), ("props", props_to_bolt(&n.props)), ("now", now.into())],
        );
        graph.run(q, "per-object node").await?;
        keys.insert((n.kind.type_name, n.key.clone()));
        written += 1;
    }
    for e in &edges {
        if started.elapsed() > cap {
            sampled = true;
            break;
        }
        if !keys.contains(&(e.kind.from.type_name, e.from.clone())) || !keys.contains(&(e.kind.to.type_name, e.to.clone())) {
            continue;
        }
        let q = query_with(
            &cypher::for_rel(cypher::PER_OBJECT_EDGE, e.kind),
            vec![("from", e.from.as_str().into()), ("to", e.to.as_str().into()), ("props", props_to_bolt(&e.props)), ("now", now.into())],
        );
        graph.run(q, "per-object relationship").await?;
        written += 1;
    }
    Ok((written, started.elapsed().as_secs_f64(), sampled))
}

/// Cartography's way: per type, one `UNWIND` over the whole list, all inside one transaction.
async fn whole_list(graph: &Graph, nodes: Vec<NodeRecord>, edges: Vec<EdgeRecord>) -> anyhow::Result<(u64, f64)> {
    let now = now();
    let started = Instant::now();
    let total = (nodes.len() + edges.len()) as u64;
    let mut by_node: BTreeMap<&'static str, (Vec<BoltType>, &'static oktagraph::model::NodeKind)> = BTreeMap::new();
    for n in nodes {
        let mut row = BoltMap::with_capacity(2);
        row.put(BoltString::new("key"), BoltType::String(BoltString::new(&n.key)));
        row.put(BoltString::new("props"), props_to_bolt(&n.props));
        by_node.entry(n.kind.type_name).or_insert_with(|| (Vec::new(), n.kind)).0.push(BoltType::Map(row));
    }
    let mut by_edge: BTreeMap<&'static str, (Vec<BoltType>, &'static oktagraph::model::RelKind)> = BTreeMap::new();
    for e in edges {
        let mut row = BoltMap::with_capacity(3);
        row.put(BoltString::new("from"), BoltType::String(BoltString::new(&e.from)));
        row.put(BoltString::new("to"), BoltType::String(BoltString::new(&e.to)));
        row.put(BoltString::new("props"), props_to_bolt(&e.props));
        by_edge.entry(e.kind.type_name).or_insert_with(|| (Vec::new(), e.kind)).0.push(BoltType::Map(row));
    }
    let mut txn = graph.inner().start_txn().await?;
    for (_, (rows, kind)) in by_node {
        let text = cypher::for_node(cypher::WHOLE_LIST_NODES, kind);
        txn.run(query_with(&text, vec![("rows", BoltType::List(BoltList { value: rows })), ("now", now.into())])).await?;
    }
    for (_, (rows, kind)) in by_edge {
        let text = cypher::for_rel(cypher::WHOLE_LIST_EDGES, kind);
        txn.run(query_with(&text, vec![("rows", BoltType::List(BoltList { value: rows })), ("now", now.into())])).await?;
    }
    txn.commit().await?;
    Ok((total, started.elapsed().as_secs_f64()))
}

/// Runs the comparison; every method's data is deleted again before returning (unless `keep`).
pub(crate) async fn compare(
    graph: &Graph,
    c: &Captured,
    run_tag: &str,
    baselines: bool,
    baseline_cap: Duration,
    keep: bool,
) -> anyhow::Result<Vec<WriteResult>> {
    let since = now();
    let methods: &[&'static str] = if baselines { &["oktagraph", "per-object", "whole-list"] } else { &["oktagraph"] };
    let mut out = Vec::new();
    for (i, method) in methods.iter().enumerate() {
        let prefix = format!("bench-{run_tag}-w{i}:");
        let (nodes, edges, account_key) = rekey(c, &prefix);
        eprintln!("bench: writing {} nodes + {} relationships with the {method} method", nodes.len(), edges.len());
        let (r, how) = match *method {
            "oktagraph" => (
                oktagraph_writer(graph, nodes, edges).await.map(|(n, s)| (n, s, false)),
                format!(
                    "GraphWriter, batched UNWIND/MERGE: {} rows a batch, {} in flight",
                    graph.config.batch_size, graph.config.write_concurrency
                ),
            ),
            "per-object" => (
                per_object(graph, nodes, edges, baseline_cap).await,
                format!("one auto-commit statement (MERGE) per object, sequential (Starbase); capped at {}s", baseline_cap.as_secs()),
            ),
            _ => (
                whole_list(graph, nodes, edges).await.map(|(n, s)| (n, s, false)),
                "the whole list of a type in one UNWIND, one transaction (Cartography)".to_string(),
            ),
        };
        let (objects, seconds, sampled, error) = match r {
            Ok((n, s, sampled)) => (n, s, sampled, None),
            Err(e) => (0, 0.0, false, Some(e.to_string())),
        };
        eprintln!(
            "bench: {method}: {objects} objects in {seconds:.1} s{}",
            error.as_deref().map(|e| format!(", failed: {e}")).unwrap_or_default()
        );
        let in_db = db::count_account(graph, &account_key).await.unwrap_or((-1, -1));
        out.push(WriteResult { method, how, objects, seconds, in_db, sampled, error });
        if !keep {
            if let Err(e) = db::delete_account(graph, &account_key, since).await {
                eprintln!("bench: clean-up of {account_key} failed ({e}); run `oktagraph bench --delete-account '{account_key}'`");
            }
            if let Err(e) = db::delete_prefixed_shared(graph, &prefix).await {
                eprintln!("bench: clean-up of shared nodes {prefix}* failed ({e})");
            }
        }
    }
    Ok(out)
}
