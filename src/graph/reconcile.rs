//! The incremental sync's sweep (docs/graph.md#incremental-sync): where a run read something again in full (a
//! user's factors, a group's members, one assignment), what it did not see there is soft-deleted, exactly as
//! the full sweep would; nothing outside those scopes is touched.

use super::{cypher, query_with, Graph, GraphError, WriteCounts};
use crate::model::{NodeKind, RelKind};
use chrono::{DateTime, FixedOffset};
use neo4rs::{BoltList, BoltMap, BoltNull, BoltString, BoltType};
use std::collections::BTreeMap;

/// Scope rows per statement.
const SCOPES_PER_STATEMENT: usize = 1000;

/// Which end of a relationship type a scope's node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum End {
    From,
    To,
}

/// Every relationship of `kind` at node `key` (its `end`), or only the one to `other` when set, was read
/// again by this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeScope {
    pub kind: &'static RelKind,
    pub end: End,
    pub key: String,
    pub other: Option<String>,
}

/// What an incremental run read again in full, to reconcile once every write has landed.
#[derive(Debug, Default)]
pub struct Reconcile {
    pub edges: Vec<EdgeScope>,
    /// Named nodes the run knows are gone (deleted users, groups).
    pub nodes: Vec<(&'static NodeKind, String)>,
    /// The nodes reached from these keys through this relationship type, all read again (a user's factors).
    pub owned: Vec<(&'static RelKind, String)>,
    /// Node types whose nodes exist only while something links to them (role nodes).
    pub orphans: Vec<&'static NodeKind>,
}

impl Reconcile {
    pub fn extend(&mut self, other: Reconcile) {
        self.edges.extend(other.edges);
        self.nodes.extend(other.nodes);
        self.owned.extend(other.owned);
        self.orphans.extend(other.orphans);
    }

    /// Keeps only what the given predicates accept (the types whose producing step completed).
    pub fn retain(&mut self, node_ok: impl Fn(&NodeKind) -> bool, rel_ok: impl Fn(&RelKind) -> bool) {
        self.edges.retain(|e| rel_ok(e.kind));
        self.nodes.retain(|(k, _)| node_ok(k));
        self.owned.retain(|(r, _)| rel_ok(r) && node_ok(r.to));
        self.orphans.retain(|k| node_ok(k));
    }
}

/// Soft-deletes what the scopes say this run read again but did not see. `seen_since` as for the sweep.
pub async fn reconcile(
    graph: &Graph,
    account_key: &str,
    seen_since: DateTime<FixedOffset>,
    now: DateTime<FixedOffset>,
    plan: &Reconcile,
) -> Result<WriteCounts, GraphError> {
    let mut counts = WriteCounts::new();
    let base = |extra: Vec<(&'static str, BoltType)>| {
        let mut p =
            vec![("accountKey", BoltType::from(account_key)), ("seenSince", BoltType::from(seen_since)), ("now", BoltType::from(now))];
        p.extend(extra);
        p
    };
    let mut edges: BTreeMap<(&str, End), (&'static RelKind, Vec<&EdgeScope>)> = BTreeMap::new();
    for e in &plan.edges {
        edges.entry((e.kind.type_name, e.end)).or_insert((e.kind, Vec::new())).1.push(e);
    }
    for ((_, end), (kind, scopes)) in edges {
        let template = if end == End::From { cypher::RECONCILE_EDGES_FROM } else { cypher::RECONCILE_EDGES_TO };
        let text = cypher::for_rel(template, kind);
        for chunk in scopes.chunks(SCOPES_PER_STATEMENT) {
            let rows = chunk.iter().map(|s| scope_row(&s.key, s.other.as_deref())).collect();
            let params = base(vec![("scopes", BoltType::List(BoltList { value: rows })), ("type", kind.type_name.into())]);
            add(&mut counts, kind.type_name, graph.counts(query_with(&text, params), "reconcile relationships", &["deleted"]).await?);
        }
    }
    let mut owned: BTreeMap<&str, (&'static RelKind, Vec<&str>)> = BTreeMap::new();
    for (kind, key) in &plan.owned {
        owned.entry(kind.type_name).or_insert((kind, Vec::new())).1.push(key);
    }
    for (kind, keys) in owned.into_values() {
        let text = cypher::for_rel(cypher::RECONCILE_OWNED_NODES, kind);
        for chunk in keys.chunks(SCOPES_PER_STATEMENT) {
            let params = base(vec![("keys", strings(chunk)), ("type", kind.type_name.into())]);
            add(&mut counts, kind.to.type_name, graph.counts(query_with(&text, params), "reconcile owned nodes", &["deleted"]).await?);
        }
    }
    let mut nodes: BTreeMap<&str, (&'static NodeKind, Vec<&str>)> = BTreeMap::new();
    for (kind, key) in &plan.nodes {
        nodes.entry(kind.type_name).or_insert((kind, Vec::new())).1.push(key);
    }
    for (kind, keys) in nodes.into_values() {
        let text = cypher::for_node(cypher::RECONCILE_NODES, kind);
        for chunk in keys.chunks(SCOPES_PER_STATEMENT) {
            let params = base(vec![("keys", strings(chunk))]);
            add(&mut counts, kind.type_name, graph.counts(query_with(&text, params), "reconcile nodes", &["deleted"]).await?);
        }
    }
    let mut orphans = plan.orphans.clone();
    orphans.sort_by_key(|k| k.type_name);
    orphans.dedup();
    for kind in orphans {
        let text = cypher::for_node(cypher::RECONCILE_ORPHAN_NODES, kind);
        add(&mut counts, kind.type_name, graph.counts(query_with(&text, base(vec![])), "reconcile orphan nodes", &["deleted"]).await?);
    }
    Ok(counts)
}

fn add(counts: &mut WriteCounts, type_name: &str, c: Vec<i64>) {
    let n = c.first().copied().unwrap_or(0).max(0) as u64;
    if n > 0 {
        counts.entry(type_name.to_string()).or_default().deleted += n;
    }
}

fn scope_row(key: &str, other: Option<&str>) -> BoltType {
    let mut m = BoltMap::new();
    m.put(BoltString::new("key"), BoltType::from(key));
    m.put(BoltString::new("other"), other.map(BoltType::from).unwrap_or(BoltType::Null(BoltNull)));
    BoltType::Map(m)
}

fn strings(v: &[&str]) -> BoltType {
    BoltType::List(BoltList { value: v.iter().map(|s| BoltType::from(*s)).collect() })
}
