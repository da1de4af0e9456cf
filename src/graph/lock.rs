//! The per-account sync lock (docs/graph.md#sync-lock): one `SyncLock` node per account, held by one run
//! at a time, renewed by a heartbeat and taken over once its holder stops renewing it (a SIGKILLed process
//! blocks the account for one time-to-live at most). Two overlapping syncs of one account would each sweep
//! what the other had just stamped; the lock makes that impossible, and the sweep's cutoff
//! (`cypher/sweep_cutoff.cypher`) keeps it safe even if a lock is ever lost.

use super::{cypher, query_with, Graph, GraphError};
use chrono::{DateTime, FixedOffset};
use neo4rs::BoltType;
use std::time::Duration;

/// How long a lock lives without a heartbeat, by default. Long enough that a busy Neo4j or a paused
/// process does not lose it (the heartbeat renews it every quarter of this), short enough that an account
/// whose sync was killed is free again within minutes.
pub(crate) const DEFAULT_LOCK_TTL: Duration = Duration::from_secs(120);
/// The shortest accepted time to live: the heartbeat must get several tries in before expiry.
pub(crate) const MIN_LOCK_TTL: Duration = Duration::from_secs(4);

/// A lock this process holds.
#[derive(Debug, Clone)]
pub struct HeldLock {
    pub key: String,
    pub account_key: String,
    /// The run id that owns the lock.
    pub owner: String,
    pub ttl: Duration,
    /// The owner whose expired lock this one replaced, if any.
    pub took_over_from: Option<String>,
}

/// Who holds a lock this process could not take.
#[derive(Debug, Clone)]
pub struct LockHolder {
    pub owner: String,
    pub host: String,
    pub pid: i64,
    pub acquired_on: Option<DateTime<FixedOffset>>,
    pub heartbeat_on: Option<DateTime<FixedOffset>>,
    pub expires_on: Option<DateTime<FixedOffset>>,
}

impl std::fmt::Display for LockHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = |d: &Option<DateTime<FixedOffset>>| d.map(|d| d.to_rfc3339()).unwrap_or_else(|| "?".into());
        write!(
            f,
            "run {} (host {}, pid {}, since {}, last heartbeat {}, expires {})",
            self.owner,
            self.host,
            self.pid,
            at(&self.acquired_on),
            at(&self.heartbeat_on),
            at(&self.expires_on)
        )
    }
}

/// The outcome of one attempt to take a lock.
#[derive(Debug, Clone)]
pub enum Acquired {
    Held(HeldLock),
    Busy(LockHolder),
}

/// The lock node's key for an account.
pub(crate) fn lock_key(account_key: &str) -> String {
    format!("sync_lock:{account_key}")
}

fn ttl_ms(ttl: Duration) -> BoltType {
    BoltType::from(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX))
}

/// One attempt to take the account's lock for `owner` (a run id); never waits. A lock held by a process of
/// this machine that no longer exists (killed, or a sync of this process that ended without releasing it)
/// is taken over at once; a holder elsewhere is waited out until its lock expires.
pub async fn acquire(graph: &Graph, account_key: &str, owner: &str, ttl: Duration) -> Result<Acquired, GraphError> {
    match try_acquire(graph, account_key, owner, None, ttl).await? {
        Acquired::Busy(holder) if holder_is_gone(&holder) => {
            tracing::info!(account = %account_key, previous = %holder.owner, pid = holder.pid, "the sync lock's holder on this machine is gone; taking the lock over");
            try_acquire(graph, account_key, owner, Some(&holder.owner), ttl).await
        }
        other => Ok(other),
    }
}

async fn try_acquire(
    graph: &Graph,
    account_key: &str,
    owner: &str,
    stale_owner: Option<&str>,
    ttl: Duration,
) -> Result<Acquired, GraphError> {
    let key = lock_key(account_key);
    let host = hostname();
    let params = vec![
        ("lockKey", BoltType::from(key.as_str())),
        ("accountKey", BoltType::from(account_key)),
        ("owner", BoltType::from(owner)),
        ("staleOwner", stale_owner.map(BoltType::from).unwrap_or(BoltType::Null(neo4rs::BoltNull))),
        ("host", BoltType::from(host.as_str())),
        ("pid", BoltType::from(i64::from(std::process::id()))),
        ("ttlMs", ttl_ms(ttl)),
    ];
    // Counted as live before the statement runs: another sync of this process that reads the lock right
    // after it commits must not take this owner for one that is gone.
    live_owners().insert(owner.to_string());
    let rows = match graph.rows(query_with(cypher::LOCK_ACQUIRE, params), "take the sync lock").await {
        Ok(rows) => rows,
        Err(e) => {
            live_owners().remove(owner);
            return Err(e);
        }
    };
    let Some(row) = rows.first() else {
        live_owners().remove(owner);
        return Err(GraphError::Query {
            context: "take the sync lock".into(),
            message: "the lock statement returned no row".into(),
            transient: false,
        });
    };
    if row.get::<bool>("acquired").unwrap_or(false) {
        return Ok(Acquired::Held(HeldLock {
            key,
            account_key: account_key.to_string(),
            owner: owner.to_string(),
            ttl,
            took_over_from: row.get::<Option<String>>("tookOverFrom").ok().flatten(),
        }));
    }
    live_owners().remove(owner);
    Ok(Acquired::Busy(LockHolder {
        owner: row.get::<String>("owner").unwrap_or_default(),
        host: row.get::<String>("host").unwrap_or_default(),
        pid: row.get::<i64>("pid").unwrap_or_default(),
        acquired_on: row.get::<Option<DateTime<FixedOffset>>>("acquiredOn").ok().flatten(),
        heartbeat_on: row.get::<Option<DateTime<FixedOffset>>>("heartbeatOn").ok().flatten(),
        expires_on: row.get::<Option<DateTime<FixedOffset>>>("expiresOn").ok().flatten(),
    }))
}

/// Locks this process holds now, by owner: a lock that names this process but none of these was left by a
/// sync of this process that could not release it (Neo4j went away at the end).
fn live_owners() -> std::sync::MutexGuard<'static, std::collections::HashSet<String>> {
    static LIVE: std::sync::OnceLock<std::sync::Mutex<std::collections::HashSet<String>>> = std::sync::OnceLock::new();
    LIVE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether the holder certainly no longer runs: it is on this machine and its process is gone, or it is
/// this process and none of its syncs holds the lock. Only where `/proc` shows processes (Linux); elsewhere a
/// holder is waited out until its lock expires.
fn holder_is_gone(holder: &LockHolder) -> bool {
    if holder.host != hostname() || holder.owner.is_empty() {
        return false;
    }
    if holder.pid == i64::from(std::process::id()) {
        return !live_owners().contains(&holder.owner);
    }
    let proc = std::path::Path::new("/proc");
    proc.join("self").exists() && holder.pid > 0 && !proc.join(holder.pid.to_string()).exists()
}

/// The heartbeat: stamps the run record `run_key` and renews the lock. `Ok(false)` means the lock is no
/// longer ours (it expired and another process took it).
pub(crate) async fn renew(graph: &Graph, lock: &HeldLock, run_key: &str) -> Result<bool, GraphError> {
    let params = vec![
        ("lockKey", BoltType::from(lock.key.as_str())),
        ("owner", BoltType::from(lock.owner.as_str())),
        ("runKey", BoltType::from(run_key)),
        ("ttlMs", ttl_ms(lock.ttl)),
    ];
    let rows = graph.rows(query_with(cypher::LOCK_RENEW, params), "renew the sync lock").await?;
    Ok(rows.first().and_then(|r| r.get::<bool>("held").ok()).unwrap_or(false))
}

/// Frees the lock if it is still ours.
pub async fn release(graph: &Graph, lock: &HeldLock) -> Result<(), GraphError> {
    live_owners().remove(&lock.owner);
    let params = vec![("lockKey", BoltType::from(lock.key.as_str())), ("owner", BoltType::from(lock.owner.as_str()))];
    graph.run(query_with(cypher::LOCK_RELEASE, params), "release the sync lock").await
}

/// The earliest start of another run of the account that is still in flight (heartbeat within `ttl`), if
/// any: the sweep must not count as unseen what that run has stamped.
pub async fn earliest_live_run(
    graph: &Graph,
    account_key: &str,
    run_key: &str,
    ttl: Duration,
) -> Result<Option<DateTime<FixedOffset>>, GraphError> {
    let params = vec![("accountKey", BoltType::from(account_key)), ("runKey", BoltType::from(run_key)), ("ttlMs", ttl_ms(ttl))];
    let rows = graph.rows(query_with(cypher::SWEEP_CUTOFF, params), "find runs in flight").await?;
    Ok(rows.first().and_then(|r| r.get::<Option<DateTime<FixedOffset>>>("earliest").ok()).flatten())
}

/// This machine's name: shown to humans reading a busy lock, and compared to tell whether a holder runs
/// here. The kernel's name first, so that every process of the machine agrees whatever its environment.
fn hostname() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok().map(|h| h.trim().to_string()).filter(|h| !h.is_empty()))
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|h| !h.trim().is_empty()))
        .unwrap_or_else(|| "unknown".into())
}
