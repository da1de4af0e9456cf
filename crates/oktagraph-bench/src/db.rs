//! Database side of the benchmark: fingerprints of one account's data (to prove a no-change re-sync
//! changed nothing), object counts, and clean-up of the data a benchmark account wrote.

use crate::cypher::{self, for_node, for_rel};
use chrono::{DateTime, FixedOffset};
use neo4rs::BoltType;
use oktagraph::graph::{query_with, Graph};
use oktagraph::model::kinds::{NodeKind, NODE_KINDS, REL_KINDS};
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

/// Properties the writer moves on every sync by design; everything else must stay put on a no-change re-sync.
pub(crate) const BOOKKEEPING: &[&str] = &["_lastSeenOn"];

/// `"<_type>|<_key>"` → hash of labels and every property except the bookkeeping ones.
pub(crate) type Fingerprint = HashMap<String, u64>;

fn hash_props(h: &mut DefaultHasher, props: &BoltType) {
    if let BoltType::Map(m) = props {
        let mut entries: Vec<(&str, String)> = m
            .value
            .iter()
            .filter(|(k, _)| !BOOKKEEPING.contains(&k.value.as_str()))
            .map(|(k, v)| (k.value.as_str(), format!("{v:?}")))
            .collect();
        entries.sort();
        entries.hash(h);
    }
}

async fn collect_into(graph: &Graph, fp: &mut Fingerprint, type_name: &str, text: &str, account_key: &str) -> anyhow::Result<()> {
    let q = query_with(text, vec![("k", account_key.into())]);
    let mut stream = graph.stream(q, "bench fingerprint").await?;
    while let Some(row) = graph.next_row(&mut stream, "bench fingerprint").await? {
        let key: String = row.get("k").unwrap_or_default();
        let mut h = DefaultHasher::new();
        if let Ok(labels) = row.get::<Vec<String>>("l") {
            let mut labels = labels;
            labels.sort();
            labels.hash(&mut h);
        }
        if let Ok(p) = row.get::<BoltType>("p") {
            hash_props(&mut h, &p);
        }
        fp.insert(format!("{type_name}|{key}"), h.finish());
    }
    Ok(())
}

/// Every node and relationship an account owns (shared employee / AWS role nodes reached from it included),
/// hashed without the bookkeeping properties. `SyncRun` nodes are not included: each sync adds one by design.
pub(crate) async fn fingerprint(graph: &Graph, account_key: &str) -> anyhow::Result<(Fingerprint, Fingerprint)> {
    let mut nodes = Fingerprint::new();
    let mut rels = Fingerprint::new();
    for k in NODE_KINDS.iter().filter(|k| k.account_scoped) {
        collect_into(graph, &mut nodes, k.type_name, &for_node(cypher::FINGERPRINT_NODES, k), account_key).await?;
    }
    for r in REL_KINDS {
        collect_into(graph, &mut rels, r.type_name, &for_rel(cypher::FINGERPRINT_EDGES, r), account_key).await?;
        if !r.to.account_scoped {
            let text = for_rel(cypher::FINGERPRINT_SHARED_NODES, r);
            collect_into(graph, &mut nodes, r.to.type_name, &text, account_key).await?;
        }
    }
    Ok((nodes, rels))
}

/// How two fingerprints differ.
#[derive(Debug, Default, Clone)]
pub(crate) struct FpDiff {
    pub(crate) total_before: usize,
    pub(crate) created: usize,
    pub(crate) removed: usize,
    /// Objects whose labels or non-bookkeeping properties changed.
    pub(crate) changed: usize,
    /// Changed/created/removed objects per `_type`.
    pub(crate) by_type: BTreeMap<String, usize>,
}

pub(crate) fn diff(before: &Fingerprint, after: &Fingerprint) -> FpDiff {
    let mut d = FpDiff { total_before: before.len(), ..Default::default() };
    let ty = |k: &str| k.split('|').next().unwrap_or_default().to_string();
    for (k, h) in after {
        match before.get(k) {
            None => {
                d.created += 1;
                *d.by_type.entry(ty(k)).or_default() += 1;
            }
            Some(b) if b != h => {
                d.changed += 1;
                *d.by_type.entry(ty(k)).or_default() += 1;
            }
            _ => {}
        }
    }
    for k in before.keys() {
        if !after.contains_key(k) {
            d.removed += 1;
            *d.by_type.entry(ty(k)).or_default() += 1;
        }
    }
    d
}

/// Nodes (account-scoped) and relationships of an account, counted in the database.
pub(crate) async fn count_account(graph: &Graph, account_key: &str) -> anyhow::Result<(i64, i64)> {
    let mut nodes = 0;
    let mut rels = 0;
    for k in NODE_KINDS.iter().filter(|k| k.account_scoped) {
        let q = query_with(&for_node(cypher::COUNT_NODES, k), vec![("k", account_key.into())]);
        nodes += graph.counts(q, "bench count", &["n"]).await?[0];
    }
    // Shared nodes (no _accountKey) count once however many relationship types reach them.
    let mut shared: BTreeSet<(&str, String)> = BTreeSet::new();
    for r in REL_KINDS {
        let q = query_with(&for_rel(cypher::COUNT_EDGES, r), vec![("k", account_key.into())]);
        rels += graph.counts(q, "bench count", &["n"]).await?[0];
        if !r.to.account_scoped {
            let q = query_with(&for_rel(cypher::SHARED_KEYS, r), vec![("k", account_key.into())]);
            for row in graph.rows(q, "bench count").await? {
                shared.insert((r.to.type_name, row.get::<String>("key")?));
            }
        }
    }
    nodes += shared.len() as i64;
    Ok((nodes, rels))
}

async fn delete_loop(graph: &Graph, text: &str, params: Vec<(&str, BoltType)>) -> anyhow::Result<i64> {
    let mut total = 0;
    loop {
        let q = query_with(text, params.clone());
        let n = graph.counts(q, "bench clean-up", &["n"]).await?[0];
        total += n;
        if n == 0 {
            return Ok(total);
        }
    }
}

/// Deletes everything a benchmark account wrote: its nodes (with their relationships), its run records, and
/// the shared employee / AWS role nodes it linked to that were first seen after `since` and are now orphans.
/// Nothing of any other account is touched.
pub(crate) async fn delete_account(graph: &Graph, account_key: &str, since: DateTime<FixedOffset>) -> anyhow::Result<i64> {
    // Shared nodes this account may have created, remembered before their links go.
    let mut shared: Vec<(&NodeKind, Vec<String>)> = Vec::new();
    for r in REL_KINDS.iter().filter(|r| !r.to.account_scoped) {
        let q = query_with(&for_rel(cypher::SHARED_KEYS_SINCE, r), vec![("k", account_key.into()), ("since", BoltType::from(since))]);
        let keys: Vec<String> = graph.rows(q, "bench clean-up").await?.iter().filter_map(|r| r.get::<String>("key").ok()).collect();
        shared.push((r.to, keys));
    }
    let mut deleted = 0;
    deleted += delete_loop(graph, &cypher::text(cypher::DELETE_SYNC_RUNS), vec![("k", account_key.into())]).await?;
    // Relationships first (delete_edges.cypher says why).
    for r in REL_KINDS {
        delete_loop(graph, &for_rel(cypher::DELETE_EDGES, r), vec![("k", account_key.into())]).await?;
    }
    for k in NODE_KINDS.iter().filter(|k| k.account_scoped) {
        deleted += delete_loop(graph, &for_node(cypher::DELETE_NODES, k), vec![("k", account_key.into())]).await?;
    }
    for (kind, keys) in shared {
        for chunk in keys.chunks(5000) {
            let q = query_with(&for_node(cypher::DELETE_ORPHANS, kind), vec![("keys", BoltType::from(chunk.to_vec()))]);
            deleted += graph.counts(q, "bench clean-up", &["n"]).await?[0];
        }
    }
    Ok(deleted)
}

/// Deletes shared nodes (employee, aws_iam_role) whose `_key` starts with `prefix` (the write comparison
/// gives every key a unique prefix, so nothing another tool wrote can match).
pub(crate) async fn delete_prefixed_shared(graph: &Graph, prefix: &str) -> anyhow::Result<i64> {
    let mut deleted = 0;
    for k in NODE_KINDS.iter().filter(|k| !k.account_scoped) {
        deleted += delete_loop(graph, &for_node(cypher::DELETE_PREFIXED, k), vec![("p", prefix.into())]).await?;
    }
    Ok(deleted)
}
