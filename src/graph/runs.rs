//! `SyncRun` records (docs/graph.md#sync-runs): one per sync, linked from its account, created when the sync starts
//! (status `running`, so a run that was killed stays visible as such) and completed when it ends.

use super::{cypher, query_with, Graph, GraphError, TypeCounts, WriteCounts};
use chrono::{DateTime, FixedOffset};
use neo4rs::{BoltList, BoltMap, BoltString, BoltType};

/// The identity of one sync run.
#[derive(Debug, Clone)]
pub struct RunId {
    pub id: String,
    pub key: String,
    pub started: DateTime<FixedOffset>,
}

/// Records the start of run `id` (the owner of the account's sync lock).
pub async fn start(
    graph: &Graph,
    id: &str,
    account_key: &str,
    account_name: &str,
    started: DateTime<FixedOffset>,
) -> Result<RunId, GraphError> {
    let id = id.to_string();
    let key = format!("sync_run:{account_key}:{id}");
    let params = vec![
        ("accountKey", BoltType::from(account_key)),
        ("accountName", BoltType::from(account_name)),
        ("runKey", BoltType::from(key.as_str())),
        ("runId", BoltType::from(id.as_str())),
        ("startedOn", BoltType::from(started)),
    ];
    graph.run(query_with(cypher::SYNC_RUN_START, params), "start sync run").await?;
    Ok(RunId { id, key, started })
}

/// Records a run that could not start (Okta unreachable, credentials refused) as `failed`, with the reason.
pub async fn record_refused(
    graph: &Graph,
    run_id: &str,
    account_key: &str,
    account_name: &str,
    started: DateTime<FixedOffset>,
    reason: &str,
) -> Result<(), GraphError> {
    let params = vec![
        ("accountKey", BoltType::from(account_key)),
        ("accountName", BoltType::from(account_name)),
        ("runKey", BoltType::from(format!("sync_run:{account_key}:{run_id}"))),
        ("runId", BoltType::from(run_id)),
        ("startedOn", BoltType::from(started)),
        ("reason", BoltType::from(reason)),
    ];
    graph.run(query_with(cypher::SYNC_RUN_REFUSED, params), "record a refused sync").await
}

/// Everything the finished run record holds.
#[derive(Debug, Clone, Default)]
pub struct RunOutcome {
    pub status: String,
    pub ended: Option<DateTime<FixedOffset>>,
    pub counts: WriteCounts,
    pub api_calls: u64,
    /// Calls per rate-limit bucket, as JSON text.
    pub api_calls_by_bucket: String,
    pub rate_limit_waits: u64,
    pub warnings: Vec<String>,
    pub complete_steps: Vec<String>,
    pub incomplete_steps: Vec<String>,
    /// `full` or `incremental`, and why (docs/graph.md#incremental-sync).
    pub mode: String,
    pub mode_reason: String,
    /// Where the System Log change feed goes on from after this run.
    pub log_cursor: Option<String>,
}

pub async fn finish(graph: &Graph, run: &RunId, outcome: &RunOutcome) -> Result<(), GraphError> {
    let mut total = TypeCounts::default();
    for c in outcome.counts.values() {
        total.add(c);
    }
    let mut p = BoltMap::new();
    let mut put = |k: &str, v: BoltType| p.put(BoltString::new(k), v);
    put("status", BoltType::from(outcome.status.as_str()));
    if let Some(ended) = outcome.ended {
        put("endedOn", BoltType::from(ended));
        put("durationMs", BoltType::from((ended - run.started).num_milliseconds()));
    }
    put("created", BoltType::from(total.created as i64));
    put("updated", BoltType::from(total.updated as i64));
    put("unchanged", BoltType::from(total.unchanged as i64));
    put("deleted", BoltType::from(total.deleted as i64));
    put("undeleted", BoltType::from(total.undeleted as i64));
    put("counts", BoltType::from(serde_json::to_string(&outcome.counts).unwrap_or_default()));
    put("apiCalls", BoltType::from(outcome.api_calls as i64));
    put("apiCallsByBucket", BoltType::from(outcome.api_calls_by_bucket.as_str()));
    put("rateLimitWaits", BoltType::from(outcome.rate_limit_waits as i64));
    put("warnings", strings(&outcome.warnings));
    put("completeSteps", strings(&outcome.complete_steps));
    put("incompleteSteps", strings(&outcome.incomplete_steps));
    put("mode", BoltType::from(outcome.mode.as_str()));
    put("modeReason", BoltType::from(outcome.mode_reason.as_str()));
    if let Some(c) = &outcome.log_cursor {
        put("logCursor", BoltType::from(c.as_str()));
    }
    let params = vec![("runKey", BoltType::from(run.key.as_str())), ("props", BoltType::Map(p))];
    graph.run(query_with(cypher::SYNC_RUN_FINISH, params), "finish sync run").await
}

fn strings(v: &[String]) -> BoltType {
    let mut l = BoltList::with_capacity(v.len());
    for s in v {
        l.push(BoltType::from(s.as_str()));
    }
    BoltType::List(l)
}
