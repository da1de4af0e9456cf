//! The one generic batched writer: records of any kind in, `UNWIND` MERGE batches out (docs/graph.md#upsert).
//!
//! Records are buffered per kind and written in batches of `batch_size`. Before any relationship batch is
//! written, every buffered node is written first and every node batch in flight has landed, so an edge never
//! looks for an end node that is still sitting in a buffer or an uncommitted transaction.
//!
//! Up to `write_concurrency` batches are in flight at once (Neo4j runs each statement on one core, and the
//! client packs the next batch meanwhile). Node batches of one type may overlap: the `_key` uniqueness
//! constraint serialises MERGEs of the same key. Relationship batches of one type never overlap, so the same
//! pair cannot be MERGEd by two transactions at once. Relationship batches of different types can lock the
//! same nodes in different orders (a user gaining a group and an app role at once); Neo4j then aborts one
//! with `DeadlockDetected`, and [`Graph::rows`] runs it again.

use super::convert::{props_hash, props_to_bolt};
use super::{cypher, query_with, Graph, GraphError};
use crate::model::{EdgeRecord, NodeKind, NodeRecord, Records, RelKind};
use chrono::{DateTime, FixedOffset};
use neo4rs::{BoltList, BoltMap, BoltString, BoltType};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use tokio::task::JoinSet;

/// What happened to the objects of one type in one sync.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct TypeCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deleted: u64,
    pub undeleted: u64,
    /// Relationships not written because an end node does not exist.
    pub unmatched: u64,
}

impl TypeCounts {
    pub fn add(&mut self, o: &TypeCounts) {
        self.created += o.created;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
        self.deleted += o.deleted;
        self.undeleted += o.undeleted;
        self.unmatched += o.unmatched;
    }
    pub fn written(&self) -> u64 {
        self.created + self.updated + self.unchanged
    }
}

/// Counts per `_type`.
pub type WriteCounts = BTreeMap<String, TypeCounts>;

struct Buffer<K: 'static> {
    kind: &'static K,
    rows: Vec<BoltType>,
    keys: HashSet<String>,
}

impl<K> Buffer<K> {
    fn take(&mut self) -> Vec<BoltType> {
        self.keys.clear();
        std::mem::take(&mut self.rows)
    }
}

pub struct GraphWriter {
    graph: Graph,
    now: DateTime<FixedOffset>,
    batch_size: usize,
    nodes: HashMap<&'static str, Buffer<NodeKind>>,
    edges: HashMap<&'static str, Buffer<RelKind>>,
    queries: HashMap<&'static str, String>,
    counts: WriteCounts,
    concurrency: usize,
    /// Batches in flight: each answers its type, the rows sent and the statement's counts.
    inflight: JoinSet<BatchOutcome>,
    /// Per type: its batches in flight.
    busy: HashMap<&'static str, InFlight>,
    /// Rows in all buffers.
    buffered: usize,
}

/// Batches of one type in flight.
#[derive(Debug, Clone, Copy)]
struct InFlight {
    /// Node batches may overlap each other; relationship batches wait for every node batch.
    is_node: bool,
    batches: usize,
}

/// Rows buffered over all types, in batches: past this the fullest buffer is written early.
pub(crate) const BUFFER_BATCHES: usize = 3;

/// What a batch in flight answers.
struct BatchOutcome {
    type_name: &'static str,
    /// Rows sent.
    sent: u64,
    /// The statement's counts, in [`COLS`] order.
    counts: Result<Vec<u64>, GraphError>,
}

const COLS: [&str; 5] = ["rows", "created", "updated", "unchanged", "undeleted"];

impl GraphWriter {
    /// A writer stamping everything it writes with `now` (the sync's start, so the sweep can tell what it saw).
    pub fn new(graph: Graph, now: DateTime<FixedOffset>) -> GraphWriter {
        let batch_size = graph.config.batch_size.max(1);
        let concurrency = graph.config.write_concurrency.max(1);
        GraphWriter {
            graph,
            now,
            batch_size,
            nodes: HashMap::new(),
            edges: HashMap::new(),
            queries: HashMap::new(),
            counts: WriteCounts::new(),
            concurrency,
            inflight: JoinSet::new(),
            busy: HashMap::new(),
            buffered: 0,
        }
    }

    /// Buffers records, writing every batch that fills up.
    pub async fn write(&mut self, records: Records) -> Result<(), GraphError> {
        for n in records.nodes {
            self.push_node(n).await?;
        }
        for e in records.edges {
            self.push_edge(e).await?;
        }
        Ok(())
    }

    pub(crate) async fn push_node(&mut self, n: NodeRecord) -> Result<(), GraphError> {
        let buf = self.nodes.entry(n.kind.type_name).or_insert_with(|| Buffer { kind: n.kind, rows: Vec::new(), keys: HashSet::new() });
        // The same object twice in one batch (duplicate ids across pages): the first one wins.
        if !buf.keys.insert(n.key.clone()) {
            return Ok(());
        }
        let hash = props_hash(&n.props);
        let mut row = BoltMap::with_capacity(3);
        row.put(BoltString::new("key"), BoltType::String(BoltString::new(&n.key)));
        row.put(BoltString::new("hash"), BoltType::String(BoltString::from(hash)));
        row.put(BoltString::new("props"), props_to_bolt(&n.props));
        buf.rows.push(BoltType::Map(row));
        self.buffered += 1;
        if buf.rows.len() >= self.batch_size {
            let kind = n.kind;
            self.flush_nodes_of(kind).await?;
        }
        self.keep_within_budget().await
    }

    pub(crate) async fn push_edge(&mut self, e: EdgeRecord) -> Result<(), GraphError> {
        let buf = self.edges.entry(e.kind.type_name).or_insert_with(|| Buffer { kind: e.kind, rows: Vec::new(), keys: HashSet::new() });
        if !buf.keys.insert(e.key()) {
            return Ok(());
        }
        let hash = props_hash(&e.props);
        let mut row = BoltMap::with_capacity(4);
        row.put(BoltString::new("from"), BoltType::String(BoltString::new(&e.from)));
        row.put(BoltString::new("to"), BoltType::String(BoltString::new(&e.to)));
        row.put(BoltString::new("hash"), BoltType::String(BoltString::from(hash)));
        row.put(BoltString::new("props"), props_to_bolt(&e.props));
        buf.rows.push(BoltType::Map(row));
        self.buffered += 1;
        if buf.rows.len() >= self.batch_size {
            let kind = e.kind;
            self.flush_all_nodes().await?;
            self.flush_edges_of(kind).await?;
        }
        self.keep_within_budget().await
    }

    /// Rows are buffered per type until a batch is full, and a sync produces some twenty types: without a
    /// bound, the buffers alone would hold ~20 batches (a few hundred MB of Bolt maps on a large org). Past
    /// [`BUFFER_BATCHES`] batches' worth of rows in all, the fullest buffer is written early.
    async fn keep_within_budget(&mut self) -> Result<(), GraphError> {
        while self.buffered > self.batch_size.saturating_mul(BUFFER_BATCHES) {
            let node = self.nodes.values().map(|b| (b.rows.len(), b.kind)).max_by_key(|(n, _)| *n);
            let edge = self.edges.values().map(|b| (b.rows.len(), b.kind)).max_by_key(|(n, _)| *n);
            match (node, edge) {
                (Some((n, kind)), e) if e.is_none_or(|(m, _)| n >= m) => self.flush_nodes_of(kind).await?,
                (_, Some((_, kind))) => {
                    self.flush_all_nodes().await?;
                    self.flush_edges_of(kind).await?;
                }
                _ => break,
            }
        }
        Ok(())
    }

    /// Writes everything still buffered (nodes first, then relationships) and waits until every batch in
    /// flight has landed. The first error of any batch is returned.
    pub async fn flush(&mut self) -> Result<(), GraphError> {
        self.flush_all_nodes().await?;
        let kinds: Vec<&'static RelKind> = self.edges.values().filter(|b| !b.rows.is_empty()).map(|b| b.kind).collect();
        for k in kinds {
            self.flush_edges_of(k).await?;
        }
        while !self.inflight.is_empty() {
            self.reap_one().await?;
        }
        Ok(())
    }

    async fn flush_all_nodes(&mut self) -> Result<(), GraphError> {
        let kinds: Vec<&'static NodeKind> = self.nodes.values().filter(|b| !b.rows.is_empty()).map(|b| b.kind).collect();
        for k in kinds {
            self.flush_nodes_of(k).await?;
        }
        Ok(())
    }

    async fn flush_nodes_of(&mut self, kind: &'static NodeKind) -> Result<(), GraphError> {
        let Some(buf) = self.nodes.get_mut(kind.type_name) else { return Ok(()) };
        let rows = buf.take();
        self.buffered -= rows.len();
        self.submit(kind.type_name, true, rows, || cypher::upsert_nodes(kind)).await
    }

    async fn flush_edges_of(&mut self, kind: &'static RelKind) -> Result<(), GraphError> {
        let Some(buf) = self.edges.get_mut(kind.type_name) else { return Ok(()) };
        let rows = buf.take();
        self.buffered -= rows.len();
        // Every end node this batch may look for has been submitted; wait until those batches landed.
        while self.busy.values().any(|b| b.is_node && b.batches > 0) {
            self.reap_one().await?;
        }
        self.submit(kind.type_name, false, rows, || cypher::upsert_edges(kind)).await
    }

    /// Starts one batch of one type with its generated statement, once a slot is free (and, for a
    /// relationship type, once no batch of the same type is in flight). A relationship row whose end node is missing is not written: the statement
    /// reports fewer rows than it was sent.
    async fn submit(
        &mut self,
        type_name: &'static str,
        is_node: bool,
        rows: Vec<BoltType>,
        statement: impl FnOnce() -> String,
    ) -> Result<(), GraphError> {
        if rows.is_empty() {
            return Ok(());
        }
        while self.inflight.len() >= self.concurrency || (!is_node && self.busy.get(type_name).is_some_and(|b| b.batches > 0)) {
            self.reap_one().await?;
        }
        let sent = rows.len() as u64;
        let text = self.queries.entry(type_name).or_insert_with(statement).clone();
        let graph = self.graph.clone();
        let now = self.now;
        self.busy.entry(type_name).or_insert(InFlight { is_node, batches: 0 }).batches += 1;
        self.inflight.spawn(async move {
            let q = query_with(&text, vec![("rows", BoltType::List(BoltList { value: rows })), ("now", BoltType::from(now))]);
            let started = std::time::Instant::now();
            let c = graph.counts(q, &format!("upsert {type_name}"), &COLS).await;
            tracing::trace!(type_name, rows = sent, ms = started.elapsed().as_millis() as u64, "batch written");
            BatchOutcome { type_name, sent, counts: c.map(|c| c.into_iter().map(|v| v.max(0) as u64).collect()) }
        });
        Ok(())
    }

    /// Waits for one batch in flight and adds up what happened.
    /// On an error, the other batches in flight are awaited before it is returned: dropping them would cut
    /// their statements off mid-reply and hand their connections back to the pool in that state.
    async fn reap_one(&mut self) -> Result<(), GraphError> {
        let Some(joined) = self.inflight.join_next().await else { return Ok(()) };
        let outcome = joined.map_err(|e| GraphError::Query {
            context: "writer".into(),
            message: format!("a write task failed: {e}"),
            transient: false,
        });
        let (type_name, sent, c) = match outcome.and_then(|o| o.counts.map(|c| (o.type_name, o.sent, c))) {
            Ok(v) => v,
            Err(e) => {
                while self.inflight.join_next().await.is_some() {}
                self.busy.clear();
                return Err(e);
            }
        };
        if let Some(b) = self.busy.get_mut(type_name) {
            b.batches -= 1;
        }
        let t = self.counts.entry(type_name.to_string()).or_default();
        t.created += c[1];
        t.updated += c[2];
        t.unchanged += c[3];
        t.undeleted += c[4];
        let unmatched = sent.saturating_sub(c[0]);
        if unmatched > 0 {
            tracing::debug!(type_name, unmatched, "rows not written: an end node is missing");
        }
        t.unmatched += unmatched;
        Ok(())
    }

    /// Counts so far, per `_type`.
    pub fn counts(&self) -> &WriteCounts {
        &self.counts
    }

    pub fn into_counts(self) -> WriteCounts {
        self.counts
    }
}
