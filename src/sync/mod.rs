//! One sync of one account: collect from Okta, write to Neo4j, sweep what a complete step no longer saw,
//! and record the run (docs/graph.md#sync-rules). The CLI runs this once per account, or on a schedule. A
//! sync is full or incremental ([`mode`], docs/graph.md#incremental-sync).

pub mod mode;

use crate::collect::delta::Delta;
use crate::collect::{self, feed, CollectOptions, Collector, IncrementalRead, Reporter, StepId, StepOutcome, STEPS};
use crate::graph::known;
use crate::graph::lock::{self, Acquired, HeldLock, LockHolder};
use crate::graph::reconcile;
use crate::graph::runs::{self, RunId, RunOutcome};
use crate::graph::sweep::{self, SweepPlan};
use crate::graph::{Graph, GraphError, GraphWriter, WriteCounts};
use crate::model::{Context, Props, Records};
use crate::okta::{ClientConfig, ClientStats, Credentials, OktaClient, OktaError};
use chrono::{DateTime, FixedOffset, Utc};
use mode::{FullSyncInterval, ModeChoice, ModeRequest, SyncMode};
use std::collections::BTreeSet;
use std::sync::Arc;
use tokio::sync::{mpsc, watch};

/// Everything needed to sync one Okta account.
#[derive(Clone)]
pub struct AccountJob {
    /// The configured account name (`tag.AccountName`); defaults to the org subdomain.
    pub name: Option<String>,
    pub description: Option<String>,
    pub org_url: String,
    pub credentials: Credentials,
    pub tag_with_account_name: bool,
    /// Step names to run; `None` runs them all.
    pub steps: Option<Vec<String>>,
    pub rate_limit_share: f64,
    pub max_in_flight: usize,
    /// How long the account's sync lock outlives its last heartbeat (docs/graph.md#sync-lock).
    pub lock_ttl: std::time::Duration,
    /// When another process holds the account's lock, wait for it (until cancelled) instead of returning
    /// [`SyncError::Busy`].
    pub wait_for_lock: bool,
    /// Run a full sync whatever the previous runs (`sync --full`).
    pub force_full: bool,
    /// How often a full sync is forced (docs/graph.md#incremental-sync).
    pub full_sync_interval: FullSyncInterval,
}

impl std::fmt::Debug for AccountJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountJob").field("name", &self.name).field("org_url", &self.org_url).finish_non_exhaustive()
    }
}

impl AccountJob {
    pub fn new(org_url: &str, credentials: Credentials) -> AccountJob {
        AccountJob {
            name: None,
            description: None,
            org_url: org_url.to_string(),
            credentials,
            tag_with_account_name: false,
            steps: None,
            rate_limit_share: crate::okta::DEFAULT_RATE_LIMIT_SHARE,
            max_in_flight: crate::okta::DEFAULT_MAX_IN_FLIGHT,
            lock_ttl: lock::DEFAULT_LOCK_TTL,
            wait_for_lock: false,
            force_full: false,
            full_sync_interval: mode::DEFAULT_FULL_SYNC_INTERVAL,
        }
    }
}

/// How a sync ended (docs/graph.md#sync-runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    Success,
    Partial,
    Failed,
    Interrupted,
}

impl RunStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            RunStatus::Success => "success",
            RunStatus::Partial => "partial",
            RunStatus::Failed => "failed",
            RunStatus::Interrupted => "interrupted",
        }
    }
}

/// What one sync did.
#[derive(Debug, Clone)]
pub struct SyncSummary {
    pub account_key: String,
    pub account_name: String,
    pub run_id: String,
    pub status: RunStatus,
    /// Full or incremental, and why (docs/graph.md#incremental-sync).
    pub mode: SyncMode,
    pub mode_reason: String,
    pub counts: WriteCounts,
    pub steps: Vec<StepOutcome>,
    pub warnings: Vec<String>,
    pub api: ClientStats,
    pub started: DateTime<FixedOffset>,
    pub duration: std::time::Duration,
    /// Set when Okta refused the credentials or Neo4j went away.
    pub connection_error: Option<String>,
}

/// Errors that stop a sync before it starts.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Okta(#[from] OktaError),
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// The account is an Okta org another account in the graph already is (the same org id behind two URLs);
    /// syncing it would move that account's nodes. Nothing was written.
    #[error("account '{account}' ({key}) is the Okta org {org_id}, which the graph already holds as account '{other_name}' ({other_key}): the same org behind two URLs; configure it once (or `oktagraph purge`/remove the other account first)")]
    SameOrg { account: String, key: String, org_id: String, other_key: String, other_name: String },
    /// Another process holds the account's sync lock; nothing was written.
    #[error("another sync of this account is running: {0}; nothing was done (the lock frees when that run ends, or after its heartbeat has stopped for the lock's time to live)")]
    Busy(Box<LockHolder>),
}

/// Resolves the step names of a job into step ids (all steps when none are named).
pub(crate) fn enabled_steps(names: Option<&[String]>) -> Result<BTreeSet<StepId>, SyncError> {
    match names {
        None => Ok(STEPS.iter().map(|s| s.id).collect()),
        Some(names) => names
            .iter()
            .map(|n| {
                collect::step_by_name(n)
                    .map(|s| s.id)
                    .ok_or_else(|| SyncError::Config(format!("unknown step '{n}' (valid: {})", collect::step_names().join(", "))))
            })
            .collect(),
    }
}

/// Builds the Okta client for a job, validating the org URL and credentials (no network).
pub fn okta_client(job: &AccountJob) -> Result<OktaClient, SyncError> {
    let mut config = ClientConfig::new(job.org_url.clone(), job.credentials.clone());
    config.rate_limit_share = job.rate_limit_share;
    config.max_in_flight = job.max_in_flight;
    Ok(OktaClient::new(config)?)
}

/// Syncs one account into the graph. `cancel` turning true stops it between batches: the batch in flight
/// is finished, nothing is swept, and the run is recorded as interrupted.
pub async fn sync_account(
    graph: &Graph,
    job: &AccountJob,
    cancel: watch::Receiver<bool>,
    reporter: Arc<dyn Reporter>,
) -> Result<SyncSummary, SyncError> {
    let enabled = enabled_steps(job.steps.as_deref())?;
    let client = okta_client(job)?;
    let org = client.org().clone();
    let account_name = job.name.clone().unwrap_or_else(|| org.subdomain.clone());
    let mut ctx = Context::new(org.base.as_str(), &org.host, &account_name);
    ctx.description = job.description.clone();
    ctx.tag_with_account_name = job.tag_with_account_name;

    let started_at = std::time::Instant::now();
    // Millisecond precision: the same instant must compare equal after a round trip through Neo4j.
    let now = DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).unwrap_or_default().fixed_offset();
    let run_id = uuid::Uuid::new_v4().to_string();
    let org_id = match preflight(&client).await {
        Ok(id) => id,
        Err(e) => {
            // Recorded (a failed run with the reason), unless Neo4j is away too: the caller reports that.
            let recorded = async {
                graph.apply_schema().await?;
                runs::record_refused(graph, &run_id, &ctx.account_key, &account_name, now, &e.to_string()).await
            };
            if let Err(g) = recorded.await {
                tracing::warn!(account = %account_name, error = %g, "could not record the failed sync");
            }
            return Err(e);
        }
    };
    graph.apply_schema().await?;
    if let Some(org_id) = org_id {
        if let Some((other_key, other_name)) = crate::graph::accounts::same_org(graph, &org_id, &ctx.account_key).await? {
            return Err(SyncError::SameOrg { account: account_name, key: ctx.account_key, org_id, other_key, other_name });
        }
    }
    // One sync per account at a time: taken before anything of the account is read or written.
    let held = acquire_lock(graph, job, &ctx.account_key, &run_id, cancel.clone(), reporter.as_ref()).await?;
    let result = sync_locked(graph, job, &client, ctx, &held, now, started_at, enabled, cancel, reporter).await;
    if let Err(e) = lock::release(graph, &held).await {
        tracing::warn!(account = %account_name, error = %e, "could not release the sync lock; it frees itself when it expires");
    }
    result
}

/// How often a sync waiting for another process's lock (`sync --wait`) asks again.
const LOCK_WAIT_POLL: std::time::Duration = std::time::Duration::from_secs(2);

/// Takes the account's lock for run `run_id`; when another process holds it, returns [`SyncError::Busy`],
/// or with `job.wait_for_lock` asks again until it is free or the sync is cancelled.
async fn acquire_lock(
    graph: &Graph,
    job: &AccountJob,
    account_key: &str,
    run_id: &str,
    mut cancel: watch::Receiver<bool>,
    reporter: &dyn Reporter,
) -> Result<HeldLock, SyncError> {
    let mut told = false;
    loop {
        let holder = match lock::acquire(graph, account_key, run_id, job.lock_ttl).await? {
            Acquired::Held(h) => return Ok(h),
            Acquired::Busy(holder) => holder,
        };
        if !job.wait_for_lock || *cancel.borrow() {
            return Err(SyncError::Busy(Box::new(holder)));
        }
        if !told {
            reporter.waiting_for_lock(&holder);
            told = true;
        }
        tokio::select! {
            _ = tokio::time::sleep(LOCK_WAIT_POLL) => {}
            _ = cancel.changed() => return Err(SyncError::Busy(Box::new(holder))),
        }
    }
}

/// The part of a sync that runs under the account's lock.
#[allow(clippy::too_many_arguments)]
async fn sync_locked(
    graph: &Graph,
    job: &AccountJob,
    client: &OktaClient,
    ctx: Context,
    held: &HeldLock,
    now: DateTime<FixedOffset>,
    started_at: std::time::Instant,
    enabled: BTreeSet<StepId>,
    cancel: watch::Receiver<bool>,
    reporter: Arc<dyn Reporter>,
) -> Result<SyncSummary, SyncError> {
    let account_name = ctx.account_name.clone();
    let previous_account = previous_account(graph, &ctx.account_key).await?;
    let run = runs::start(graph, &held.owner, &ctx.account_key, &account_name, now).await?;
    // The collector stops on the user's cancel or when the heartbeat finds the lock taken over.
    let (stop_tx, stop) = watch::channel(false);
    let stop_tx = Arc::new(stop_tx);
    let forward = tokio::spawn(forward_cancel(cancel.clone(), stop_tx.clone()));
    // The heartbeat ends only when it finds the lock taken over. It starts before the change feed is read,
    // which can take minutes after a busy day.
    let heartbeat = tokio::spawn(heartbeat(graph.clone(), held.clone(), run.key.clone(), stop_tx.clone()));
    let plan = match plan_mode(graph, job, client, &ctx.account_key, &run, &enabled, now, &stop).await {
        Ok(p) => p,
        Err(e) => {
            heartbeat.abort();
            forward.abort();
            return Err(e);
        }
    };
    let choice = plan.choice.clone();
    tracing::info!(account = %account_name, key = %ctx.account_key, run = %run.id, mode = choice.mode.as_str(), reason = %choice.reason, "sync started");
    reporter.sync_mode(choice.mode, &choice.reason);
    let mut warnings: Vec<String> = Vec::new();
    if let Some(previous) = &held.took_over_from {
        warnings.push(format!("took over the sync lock of run {previous}, which had stopped renewing it"));
    }

    // The writer runs on its own task; a bounded channel gives back-pressure so memory stays flat.
    let (tx, mut rx) = mpsc::channel::<Records>(32);
    let writer_graph = graph.clone();
    let writer = tokio::spawn(async move {
        let mut w = GraphWriter::new(writer_graph, now);
        let mut failure = None;
        while let Some(recs) = rx.recv().await {
            if let Err(e) = w.write(recs).await {
                failure = Some(e);
                break;
            }
        }
        if failure.is_none() {
            if let Err(e) = w.flush().await {
                failure = Some(e);
            }
        }
        (w.into_counts(), failure)
    });

    let mut collector = Collector::new(
        client.clone(),
        ctx.clone(),
        tx,
        stop,
        reporter,
        CollectOptions { enabled: enabled.clone(), concurrency: job.max_in_flight.max(1), now, previous_account },
    );
    if let Some(delta) = plan.delta {
        collector = collector.incremental(delta);
    }
    let result = collector.run().await;
    let (mut counts, write_error) = match writer.await {
        Ok(r) => r,
        Err(e) => (WriteCounts::new(), Some(GraphError::task_failed("writer", &e))),
    };

    let interrupted = *cancel.borrow();
    warnings.extend(result.outcomes.values().flat_map(|o| o.warnings.clone()));
    for o in result.outcomes.values() {
        if let Some(e) = &o.error {
            warnings.push(format!("{}: {e}", o.name));
        }
    }
    for (t, c) in &counts {
        if c.unmatched > 0 {
            warnings.push(format!("{t}: {} relationships skipped because an end node is not in the graph", c.unmatched));
        }
    }
    let auth_failed = result.outcomes.values().find(|o| o.auth_failed).and_then(|o| o.error.clone());
    let mut connection_error = auth_failed.clone();

    // The sweep: only after every write landed, only for complete steps, never when interrupted, and only
    // while this run still holds the account's lock (checked again right before it).
    let renewed = if heartbeat.is_finished() { Ok(false) } else { lock::renew(graph, held, &run.key).await };
    let still_held = matches!(renewed, Ok(true));
    let lost = matches!(renewed, Ok(false)) && !interrupted;
    if lost {
        warnings.push("lost the account's sync lock to another process (this run stopped renewing it in time); nothing was swept".into());
    }
    if let Err(e) = &renewed {
        warnings.push(format!("could not confirm the account's sync lock before the sweep ({e}); nothing was swept"));
    }
    if write_error.is_none() && !interrupted && still_held {
        let complete: Vec<&collect::StepDef> = STEPS.iter().filter(|s| result.outcomes.get(&s.id).is_some_and(|o| o.complete)).collect();
        // An incremental run sweeps in full only the steps it read in full; the rest it reconciles where it
        // read again.
        let swept: Vec<&collect::StepDef> =
            complete.iter().copied().filter(|s| choice.mode == SyncMode::Full || s.incremental == IncrementalRead::InFull).collect();
        let seen_since = seen_since(graph, &ctx.account_key, &run, held).await;
        let sweep_now = Utc::now().fixed_offset();
        let plan = SweepPlan {
            account_key: &ctx.account_key,
            seen_since,
            now: sweep_now,
            window_start: result.window_start,
            nodes: swept.iter().flat_map(|s| s.nodes.iter().copied()).collect(),
            edges: swept.iter().flat_map(|s| s.edges.iter().copied()).collect(),
        };
        let mut covered = result.reconcile;
        covered.retain(|k| complete.iter().any(|s| s.nodes.contains(&k)), |r| complete.iter().any(|s| s.edges.contains(&r)));
        let swept = match sweep::sweep(graph, &plan).await {
            Ok(deleted) => reconcile::reconcile(graph, &ctx.account_key, seen_since, sweep_now, &covered).await.map(|more| (deleted, more)),
            Err(e) => Err(e),
        };
        match swept {
            Ok((deleted, more)) => {
                for (t, c) in deleted.into_iter().chain(more) {
                    counts.entry(t).or_default().deleted += c.deleted;
                }
            }
            Err(e) => warnings.push(format!("sweep failed: {e}")),
        }
    }

    let failed_steps: Vec<&StepOutcome> = result.outcomes.values().filter(|o| !o.complete && !o.forbidden).collect();
    let status = if interrupted {
        RunStatus::Interrupted
    } else if lost {
        RunStatus::Failed
    } else if let Some(e) = &write_error {
        connection_error = Some(e.to_string());
        RunStatus::Failed
    } else if auth_failed.is_some() || (!failed_steps.is_empty() && failed_steps.len() == result.outcomes.len()) {
        RunStatus::Failed
    } else if !failed_steps.is_empty() {
        RunStatus::Partial
    } else {
        RunStatus::Success
    };
    if let Some(e) = &write_error {
        warnings.push(format!("writing to Neo4j failed: {e}"));
    }

    let api = client.stats();
    let outcome = RunOutcome {
        status: status.as_str().to_string(),
        ended: Some(Utc::now().fixed_offset()),
        counts: counts.clone(),
        api_calls: api.total().requests,
        api_calls_by_bucket: serde_json::to_string(&api).unwrap_or_default(),
        rate_limit_waits: api.total().rate_limited,
        warnings: warnings.clone(),
        complete_steps: result.outcomes.values().filter(|o| o.complete).map(|o| o.name.to_string()).collect(),
        incomplete_steps: result.outcomes.values().filter(|o| !o.complete).map(|o| o.name.to_string()).collect(),
        mode: choice.mode.as_str().to_string(),
        mode_reason: choice.reason.clone(),
        log_cursor: plan.cursor,
    };
    if write_error.as_ref().is_none_or(|e| !e.is_connection()) {
        if let Err(e) = runs::finish(graph, &run, &outcome).await {
            warnings.push(format!("could not record the run: {e}"));
        }
    }
    heartbeat.abort();
    forward.abort();
    tracing::info!(account = %account_name, status = status.as_str(), "sync finished");
    Ok(SyncSummary {
        account_key: ctx.account_key,
        account_name,
        run_id: run.id,
        status,
        mode: choice.mode,
        mode_reason: choice.reason,
        counts,
        steps: result.outcomes.into_values().collect(),
        warnings,
        api,
        started: now,
        duration: started_at.elapsed(),
        connection_error,
    })
}

/// How this run reads Okta.
struct RunPlan {
    choice: ModeChoice,
    /// Set for an incremental run.
    delta: Option<Delta>,
    /// The change-feed cursor this run leaves for the next (stored on its run record; used only if it succeeds).
    cursor: Option<String>,
}

/// Chooses full or incremental. An incremental run reads the change feed first, before anything is written,
/// and falls back to a full sync (saying why) when the feed cannot be trusted.
#[allow(clippy::too_many_arguments)]
async fn plan_mode(
    graph: &Graph,
    job: &AccountJob,
    client: &OktaClient,
    account_key: &str,
    run: &RunId,
    enabled: &BTreeSet<StepId>,
    now: DateTime<FixedOffset>,
    cancel: &watch::Receiver<bool>,
) -> Result<RunPlan, SyncError> {
    let previous = known::previous_runs(graph, account_key, &run.key).await?;
    let steps: BTreeSet<&'static str> = enabled.iter().map(|s| collect::step(*s).name).collect();
    let req = ModeRequest { force_full: job.force_full, interval: job.full_sync_interval, steps: &steps, now };
    let choice = mode::choose(&req, &previous);
    // A full run's feed is caught up before it reads anything: what changes while it reads is after the
    // cursor, for the next run.
    let full = |choice: ModeChoice| async move { RunPlan { choice, delta: None, cursor: feed::catch_up(client, now, cancel).await } };
    let (SyncMode::Incremental, Some(last)) = (choice.mode, previous.last.as_ref()) else { return Ok(full(choice).await) };
    let cursor = last.cursor.clone().unwrap_or_default();
    let f = match feed::read(client, &cursor, cancel).await {
        Ok(f) => f,
        Err(feed::FeedUnusable(why)) => {
            return Ok(full(ModeChoice::full(format!("the System Log change feed cannot be used: {why}"))).await)
        }
    };
    let known = known::load(graph, account_key).await?;
    if let Some(app) = known.apps.iter().find(|a| a.aws && f.changes.deleted_apps.contains(&a.id)) {
        let why = format!("AWS application {} was deleted (its IAM roles need every assignment read)", app.id);
        return Ok(full(ModeChoice::full(why)).await);
    }
    let recount_groups = known::groups_near(graph, account_key, &f.changes.deleted_users, &f.changes.deleted_apps).await?;
    let aws: BTreeSet<&str> = known.apps.iter().filter(|a| a.aws).map(|a| a.id.as_str()).collect();
    let aws_assignees: BTreeSet<String> = [&f.changes.app_users, &f.changes.app_groups]
        .into_iter()
        .flat_map(|m| m.iter().filter(|(app, _)| aws.contains(app.as_str())).flat_map(|(_, ids)| ids.iter().cloned()))
        .collect();
    let aws_assignments = known::aws_assignments(graph, account_key, &aws_assignees).await?;
    let changed_since = last.started - feed::FEED_MARGIN;
    let reason = format!("{}; {} change events", choice.reason, f.changes.events);
    Ok(RunPlan {
        choice: ModeChoice { mode: SyncMode::Incremental, reason },
        delta: Some(Delta { changed_since, changes: f.changes, known, recount_groups, aws_assignments }),
        cursor: Some(f.cursor),
    })
}

/// Passes the user's cancel (SIGINT/SIGTERM) on to the collector's stop signal.
async fn forward_cancel(mut cancel: watch::Receiver<bool>, stop: Arc<watch::Sender<bool>>) {
    loop {
        if *cancel.borrow() {
            let _ = stop.send(true);
            return;
        }
        if cancel.changed().await.is_err() {
            return;
        }
    }
}

/// Renews the lock every quarter of its time to live until aborted. When the lock turns out to be taken
/// over (this process stalled past its expiry), collection stops and the run sweeps nothing. A failed
/// renewal (Neo4j briefly away) is retried at the next beat: the lock survives three missed beats. It returns
/// only when the lock is lost.
async fn heartbeat(graph: Graph, held: HeldLock, run_key: String, stop: Arc<watch::Sender<bool>>) {
    let every = held.ttl / 4;
    loop {
        tokio::time::sleep(every).await;
        match lock::renew(&graph, &held, &run_key).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::error!(account = %held.account_key, "another process took over this account's sync lock; stopping without a sweep");
                let _ = stop.send(true);
                return;
            }
            Err(e) => tracing::warn!(account = %held.account_key, error = %e, "could not renew the sync lock; trying again"),
        }
    }
}

/// The sweep's cutoff: this run's start, or the start of an older run of the account still in flight
/// (possible only if a lock was lost), whichever is earlier. When Neo4j cannot say, the run's own start.
async fn seen_since(graph: &Graph, account_key: &str, run: &RunId, held: &HeldLock) -> DateTime<FixedOffset> {
    match lock::earliest_live_run(graph, account_key, &run.key, held.ttl).await {
        Ok(Some(other)) if other < run.started => {
            tracing::warn!(account = %account_key, since = %other, "another run of this account is in flight; sweeping only what neither run has seen");
            other
        }
        _ => run.started,
    }
}

/// Proves Okta is reachable and accepts the credentials before anything is written (a typo'd host, an
/// unreachable org or a wrong token leaves only a `failed` run record), and reads the org's id, which tells
/// two URLs of one org apart from two orgs (`None` when this token may not read the org settings).
async fn preflight(client: &OktaClient) -> Result<Option<String>, SyncError> {
    match client.get_json::<serde_json::Value>("/api/v1/users?limit=1").await {
        Err(e) if e.is_auth() || matches!(e, OktaError::Transport { kind: crate::okta::TransportKind::Connect, .. }) => {
            return Err(SyncError::Okta(e))
        }
        // Anything else (a 403, a flaky 5xx) is for the steps to report.
        _ => {}
    }
    Ok(client.get_json::<serde_json::Value>("/api/v1/org").await.ok().and_then(|o| o.get("id")?.as_str().map(String::from)))
}

/// The account node's properties that a token without super admin rights cannot re-read.
async fn previous_account(graph: &Graph, account_key: &str) -> Result<Props, GraphError> {
    let names = [crate::model::ORG_PROPS, crate::model::SUPPORT_PROPS].concat();
    crate::graph::accounts::stored_props(graph, account_key, &names).await
}
