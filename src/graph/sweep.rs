//! The soft-delete sweep (docs/graph.md#sweep) and the user-requested purge (docs/graph.md#purge).

use super::{cypher, query_with, Graph, GraphError, WriteCounts};
use crate::model::{NodeKind, RelKind};
use chrono::{DateTime, FixedOffset};
use neo4rs::BoltType;

/// Rows soft-deleted per statement; the sweep loops until a statement deletes fewer.
const SWEEP_BATCH: i64 = 10_000;

/// What to sweep for one account after one sync.
pub struct SweepPlan<'a> {
    pub account_key: &'a str,
    /// Objects whose `_lastSeenOn` is older than this were not seen: the sync's start (everything it saw
    /// has `_lastSeenOn` at or after it), or the start of an older run of the account still in flight.
    pub seen_since: DateTime<FixedOffset>,
    pub now: DateTime<FixedOffset>,
    /// Start of this sync's System Log window: older CREATED edges are never swept (rule 4).
    pub window_start: DateTime<FixedOffset>,
    /// Node types whose producing step was complete. Unsweepable kinds (shared nodes) are skipped.
    pub nodes: Vec<&'static NodeKind>,
    /// Relationship types whose producing step was complete.
    pub edges: Vec<&'static RelKind>,
}

/// Soft-deletes every node and relationship of the plan's types and account that the sync did not see.
pub async fn sweep(graph: &Graph, plan: &SweepPlan<'_>) -> Result<WriteCounts, GraphError> {
    let mut counts = WriteCounts::new();
    for kind in plan.nodes.iter().filter(|k| k.sweepable && k.account_scoped) {
        let text = cypher::sweep_nodes(kind);
        let n = loop_until_done(graph, &text, plan, None, kind.type_name).await?;
        counts.entry(kind.type_name.to_string()).or_default().deleted += n;
    }
    for kind in &plan.edges {
        let text = cypher::sweep_edges(kind);
        let n = loop_until_done(graph, &text, plan, Some(kind.type_name), kind.type_name).await?;
        counts.entry(kind.type_name.to_string()).or_default().deleted += n;
    }
    Ok(counts)
}

async fn loop_until_done(graph: &Graph, text: &str, plan: &SweepPlan<'_>, rel_type: Option<&str>, what: &str) -> Result<u64, GraphError> {
    let mut total = 0u64;
    loop {
        let mut params = vec![
            ("accountKey", BoltType::from(plan.account_key)),
            ("seenSince", BoltType::from(plan.seen_since)),
            ("now", BoltType::from(plan.now)),
            ("limit", BoltType::from(SWEEP_BATCH)),
        ];
        if let Some(t) = rel_type {
            params.push(("type", BoltType::from(t)));
            params.push(("windowStart", BoltType::from(plan.window_start)));
        }
        let c = graph.counts(query_with(text, params), &format!("sweep {what}"), &["deleted"]).await?;
        let n = c[0].max(0);
        total += n as u64;
        if n < SWEEP_BATCH {
            return Ok(total);
        }
    }
}

/// Hard-deletes an account's soft-deleted nodes and relationships swept before `before`.
/// Returns (nodes, relationships) removed.
pub(crate) async fn purge(graph: &Graph, account_key: &str, before: DateTime<FixedOffset>) -> Result<(u64, u64), GraphError> {
    let mut classes: Vec<&str> = crate::model::kinds::REL_KINDS.iter().map(|r| r.class).collect();
    classes.sort();
    classes.dedup();
    let mut edges = 0u64;
    for class in classes {
        edges += purge_loop(graph, &cypher::purge_edges(class), account_key, before).await?;
    }
    let nodes = purge_loop(graph, cypher::PURGE_NODES, account_key, before).await?;
    Ok((nodes, edges))
}

async fn purge_loop(graph: &Graph, text: &str, account_key: &str, before: DateTime<FixedOffset>) -> Result<u64, GraphError> {
    let mut total = 0;
    loop {
        let params =
            vec![("accountKey", BoltType::from(account_key)), ("before", BoltType::from(before)), ("limit", BoltType::from(SWEEP_BATCH))];
        let n = graph.counts(query_with(text, params), "purge", &["purged"]).await?[0].max(0);
        total += n as u64;
        if n < SWEEP_BATCH {
            return Ok(total);
        }
    }
}
