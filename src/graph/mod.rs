//! Neo4j: connection, schema, the generic batched writer, the soft-delete sweep, run records and purge.
//! Everything here is driven by the kinds table in [`crate::model::kinds`]; no entity has Cypher of its own.

pub(crate) mod accounts;
pub(crate) mod alert_state;
mod convert;
pub(crate) mod cypher;
pub(crate) mod export;
mod json;
pub(crate) mod known;
pub mod lock;
#[cfg(test)]
mod no_cypher_in_rust;
pub mod reconcile;
pub mod runs;
pub mod sweep;
pub(crate) mod writer;

pub use convert::{props_hash, props_to_bolt};
pub use json::bolt_to_json;
pub(crate) use json::{json_rows, JsonRow};
pub use writer::{GraphWriter, TypeCounts, WriteCounts};

use crate::retry::{Jitter, RetryPolicy};
use neo4rs::{BoltType, ConfigBuilder, Graph as Neo4rsGraph, Query};
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// Database used when none is configured (README.md#configuration).
pub(crate) const DEFAULT_DATABASE: &str = "neo4j";
/// Default rows per `UNWIND` statement.
pub(crate) const DEFAULT_BATCH_SIZE: usize = 2000;
/// Largest accepted batch size: beyond this a single statement's parameter map gets unwieldy.
pub(crate) const MAX_BATCH_SIZE: usize = 100_000;
/// Batches the writer keeps in flight by default: two keep both cores of a small machine busy (Neo4j runs
/// a statement on one).
pub(crate) const DEFAULT_WRITE_CONCURRENCY: usize = 2;
/// Largest accepted write concurrency: Neo4j runs each statement on one core.
pub(crate) const MAX_WRITE_CONCURRENCY: usize = 16;
/// Neo4j URI schemes the driver understands.
pub(crate) const URI_SCHEMES: &[&str] = &["bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"];

/// How to reach Neo4j.
#[derive(Clone)]
pub struct Neo4jConfig {
    pub uri: String,
    pub user: String,
    pub password: SecretString,
    pub database: String,
    /// Rows per UNWIND statement.
    pub batch_size: usize,
    /// Batches the writer keeps in flight at once (never two of one type).
    pub write_concurrency: usize,
}

impl std::fmt::Debug for Neo4jConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Neo4jConfig")
            .field("uri", &self.uri)
            .field("user", &self.user)
            .field("password", &"[redacted]")
            .field("database", &self.database)
            .field("batch_size", &self.batch_size)
            .field("write_concurrency", &self.write_concurrency)
            .finish()
    }
}

impl Neo4jConfig {
    pub fn new(uri: &str, user: &str, password: SecretString) -> Self {
        Neo4jConfig {
            uri: uri.into(),
            user: user.into(),
            password,
            database: DEFAULT_DATABASE.into(),
            batch_size: DEFAULT_BATCH_SIZE,
            write_concurrency: DEFAULT_WRITE_CONCURRENCY,
        }
    }
}

/// What went wrong talking to Neo4j, classified for exit codes and one-line messages.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    #[error("cannot reach Neo4j at {uri}: {reason}")]
    Unreachable { uri: String, reason: String },
    #[error(
        "Neo4j at {uri} refused the credentials of user '{user}' (check {} / {})",
        crate::config::env::NEO4J_USER,
        crate::config::env::NEO4J_PASSWORD
    )]
    Auth { uri: String, user: String },
    #[error("Neo4j configuration: {0}")]
    Config(String),
    #[error("Neo4j query failed ({context}): {message}")]
    Query { context: String, message: String, transient: bool },
}

impl GraphError {
    /// A task that was running statements (e.g. the writer) panicked or was cancelled.
    pub(crate) fn task_failed(context: &str, e: &tokio::task::JoinError) -> GraphError {
        GraphError::Query { context: context.into(), message: format!("a task failed: {e}"), transient: false }
    }

    /// Connection and authentication failures (exit code 3); the rest are other failures.
    pub(crate) fn is_connection(&self) -> bool {
        matches!(self, GraphError::Unreachable { .. } | GraphError::Auth { .. })
    }
}

/// A connected Neo4j database.
#[derive(Clone)]
pub struct Graph {
    inner: Neo4rsGraph,
    pub config: Neo4jConfig,
}

/// The schedule for a statement that keeps failing with a transient error: up to 8 attempts, pausing
/// 50 ms doubling to at most 3.2 s, with ±50% jitter so two deadlocked writers do not collide again in
/// step (about 9 s over all attempts).
pub(crate) const TRANSIENT_POLICY: RetryPolicy =
    RetryPolicy { max_retries: 7, base: Duration::from_millis(50), cap: Duration::from_millis(3200), jitter: Jitter::HALF_EITHER_WAY };

/// Attempts of one statement that keeps failing with a transient error, before the error is returned.
pub(crate) const TRANSIENT_ATTEMPTS: u32 = TRANSIENT_POLICY.attempts();

/// Pause before attempt `attempt + 1`.
fn transient_pause(attempt: u32) -> Duration {
    crate::retry::backoff(attempt.saturating_sub(1), &TRANSIENT_POLICY, crate::retry::draw_jitter())
}

/// Server version and edition, from `dbms.components()`.
#[derive(Debug, Clone)]
pub struct ServerInfo {
    pub version: String,
    pub edition: String,
}

/// How long one statement may go without its whole answer before it is abandoned and run again: far
/// longer than any statement oktagraph sends takes (a batch of 2,000 rows, a sweep of 10,000), short
/// enough that a lost reply costs minutes, not the whole run.
const REPLY_TIMEOUT: Duration = Duration::from_secs(300);

impl Graph {
    /// Connects and proves the connection with a round trip, so a wrong password or an unreachable server
    /// is reported here, once, with a clear reason.
    pub async fn connect(config: &Neo4jConfig) -> Result<Graph, GraphError> {
        let scheme = config.uri.split("://").next().unwrap_or_default();
        if !config.uri.contains("://") || !URI_SCHEMES.contains(&scheme) {
            return Err(GraphError::Config(format!(
                "unsupported Neo4j URI '{}': use one of {}",
                config.uri,
                URI_SCHEMES.iter().map(|s| format!("{s}://")).collect::<Vec<_>>().join(", ")
            )));
        }
        if config.batch_size == 0 {
            return Err(GraphError::Config("batch size must be at least 1".into()));
        }
        let neo_config = ConfigBuilder::default()
            .uri(config.uri.as_str())
            .user(config.user.as_str())
            .password(config.password.expose_secret())
            .db(config.database.as_str())
            .max_connections(8)
            .fetch_size(1000)
            // Large batches can take a while on a small machine; neo4rs applies this to every reply.
            .connection_timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| GraphError::Config(e.to_string()))?;
        let inner = Neo4rsGraph::connect(neo_config).map_err(|e| classify(config, "connect", e))?;
        let graph = Graph { inner, config: config.clone() };
        // neo4rs connects lazily and retries transient failures for a minute; bound the first contact.
        match tokio::time::timeout(Duration::from_secs(20), graph.server_info()).await {
            Ok(r) => r.map(|_| graph),
            Err(_) => Err(GraphError::Unreachable { uri: config.uri.clone(), reason: "timed out after 20s".into() }),
        }
    }

    /// The server's version and edition.
    pub async fn server_info(&self) -> Result<ServerInfo, GraphError> {
        let rows = self.rows(neo4rs::query(cypher::SERVER_INFO), "server version").await?;
        let row = rows.first().ok_or_else(|| GraphError::Query {
            context: "server version".into(),
            message: "dbms.components() returned nothing".into(),
            transient: false,
        })?;
        Ok(ServerInfo {
            version: row.get::<String>("version").unwrap_or_default(),
            edition: row.get::<String>("edition").unwrap_or_default(),
        })
    }

    /// Applies `cypher/schema.cypher`; every statement is idempotent.
    pub async fn apply_schema(&self) -> Result<usize, GraphError> {
        let stmts = cypher::statements(cypher::SCHEMA);
        for s in &stmts {
            match self.run(neo4rs::query(s), "schema").await {
                // Two processes creating the schema of a new database at once: `IF NOT EXISTS` is not atomic,
                // and the loser is told an equivalent rule exists, which is what it wanted.
                Err(GraphError::Query { message, .. }) if message.contains("AlreadyExists") => {}
                other => other?,
            }
        }
        Ok(stmts.len())
    }

    /// Runs a statement, discarding results. Transient failures (deadlocks, lock timeouts, a leader
    /// switch) are retried; see [`Graph::rows`].
    pub async fn run(&self, q: Query, context: &str) -> Result<(), GraphError> {
        self.rows(q, context).await.map(|_| ())
    }

    /// Runs a statement and collects its rows.
    ///
    /// Every statement oktagraph runs is an auto-commit transaction that either commits whole or not at all,
    /// and every one is idempotent (MERGE, SET, soft-delete), so a statement that failed with a Neo4j
    /// `TransientError` (e.g. `DeadlockDetected` when two syncs lock the same shared node in opposite
    /// orders) is simply run again after a short jittered pause, up to [`TRANSIENT_ATTEMPTS`] times.
    pub async fn rows(&self, q: Query, context: &str) -> Result<Vec<neo4rs::Row>, GraphError> {
        retry_transient(context, transient_pause, || self.rows_once(q.clone(), context)).await
    }

    async fn rows_once(&self, q: Query, context: &str) -> Result<Vec<neo4rs::Row>, GraphError> {
        // A reply that never comes (seen in a CI run: the client waiting on an open connection while Neo4j ran
        // no transaction) becomes a transient error, so the statement, idempotent like all of ours, is run
        // again instead of stalling the sync for good.
        match tokio::time::timeout(REPLY_TIMEOUT, self.rows_unbounded(q, context)).await {
            Ok(r) => r,
            Err(_) => Err(GraphError::Query {
                context: context.to_string(),
                message: format!("no answer from Neo4j within {} s", REPLY_TIMEOUT.as_secs()),
                transient: true,
            }),
        }
    }

    async fn rows_unbounded(&self, q: Query, context: &str) -> Result<Vec<neo4rs::Row>, GraphError> {
        let mut stream = self.inner.execute(q).await.map_err(|e| classify(&self.config, context, e))?;
        let mut out = Vec::new();
        loop {
            match stream.next().await {
                Ok(Some(row)) => out.push(row),
                Ok(None) => break,
                Err(e) => return Err(classify(&self.config, context, e)),
            }
        }
        Ok(out)
    }

    /// Runs a statement and streams its rows (for results too large to hold, e.g. exports).
    pub async fn stream(&self, q: Query, context: &str) -> Result<neo4rs::DetachedRowStream, GraphError> {
        self.inner.execute(q).await.map_err(|e| classify(&self.config, context, e))
    }

    /// The next row of a stream from [`Graph::stream`].
    pub async fn next_row(&self, s: &mut neo4rs::DetachedRowStream, context: &str) -> Result<Option<neo4rs::Row>, GraphError> {
        s.next().await.map_err(|e| classify(&self.config, context, e))
    }

    /// Runs a statement returning one row of integer columns.
    pub async fn counts(&self, q: Query, context: &str, cols: &[&str]) -> Result<Vec<i64>, GraphError> {
        let rows = self.rows(q, context).await?;
        let row = rows.first();
        Ok(cols.iter().map(|c| row.and_then(|r| r.get::<i64>(c).ok()).unwrap_or(0)).collect())
    }

    pub fn inner(&self) -> &Neo4rsGraph {
        &self.inner
    }
}

/// Runs `op` until it succeeds, fails with a non-transient error, or has failed [`TRANSIENT_ATTEMPTS`] times
/// with a transient one, pausing `pause(attempt)` between attempts.
async fn retry_transient<T, F, Fut>(context: &str, pause: fn(u32) -> Duration, mut op: F) -> Result<T, GraphError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, GraphError>>,
{
    let mut attempt = 1;
    loop {
        match op().await {
            Err(GraphError::Query { transient: true, message, .. }) if attempt < TRANSIENT_ATTEMPTS => {
                let wait = pause(attempt);
                tracing::debug!(context, attempt, pause_ms = wait.as_millis() as u64, %message, "transient Neo4j error; running the statement again");
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Whether a Neo4j status code asks for the statement to be run again: every `TransientError` except a
/// transaction someone terminated on purpose (what the official drivers do too).
fn is_transient(code: &str) -> bool {
    code.starts_with("Neo.TransientError.")
        && !code.ends_with(".Transaction.Terminated")
        && !code.ends_with(".Transaction.LockClientStopped")
}

/// Builds a query with parameters from `(name, value)` pairs.
pub fn query_with(text: &str, params: Vec<(&str, BoltType)>) -> Query {
    let mut q = neo4rs::query(text);
    for (k, v) in params {
        q = q.param(k, v);
    }
    q
}

fn classify(config: &Neo4jConfig, context: &str, e: neo4rs::Error) -> GraphError {
    let uri = config.uri.clone();
    match &e {
        neo4rs::Error::IOError { detail } => GraphError::Unreachable { uri, reason: detail.to_string() },
        neo4rs::Error::ConnectionError | neo4rs::Error::ConnectionTimedOut => GraphError::Unreachable { uri, reason: e.to_string() },
        neo4rs::Error::UnsupportedScheme(_) | neo4rs::Error::UrlParseError(_) | neo4rs::Error::InvalidDnsName(_) => {
            GraphError::Config(e.to_string())
        }
        neo4rs::Error::AuthenticationError(_) => GraphError::Auth { uri, user: config.user.clone() },
        neo4rs::Error::Neo4j(n) => {
            let code = n.code().to_string();
            if code.contains("Security.Unauthorized") || code.contains("Security.AuthenticationRateLimit") {
                GraphError::Auth { uri, user: config.user.clone() }
            } else {
                GraphError::Query {
                    context: context.to_string(),
                    transient: is_transient(&code),
                    message: format!("{code}: {}", n.message()),
                }
            }
        }
        other => {
            let msg = other.to_string();
            if msg.to_ascii_lowercase().contains("unauthorized") || msg.contains("authentication") {
                GraphError::Auth { uri, user: config.user.clone() }
            } else if msg.contains("Connection refused") || msg.contains("connection") {
                GraphError::Unreachable { uri, reason: msg }
            } else {
                GraphError::Query { context: context.to_string(), message: msg, transient: false }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn err(transient: bool) -> GraphError {
        GraphError::Query { context: "t".into(), message: "Neo.TransientError.Transaction.DeadlockDetected".into(), transient }
    }

    fn no_pause(_: u32) -> Duration {
        Duration::ZERO
    }

    #[test]
    fn transient_codes() {
        assert!(is_transient("Neo.TransientError.Transaction.DeadlockDetected"));
        assert!(is_transient("Neo.TransientError.Transaction.LockAcquisitionTimeout"));
        assert!(is_transient("Neo.TransientError.General.DatabaseUnavailable"));
        assert!(!is_transient("Neo.TransientError.Transaction.Terminated"));
        assert!(!is_transient("Neo.TransientError.Transaction.LockClientStopped"));
        assert!(!is_transient("Neo.ClientError.Transaction.LockClientStopped"));
        assert!(!is_transient("Neo.ClientError.Statement.SyntaxError"));
    }

    #[tokio::test]
    async fn a_deadlocked_statement_is_run_again_until_it_succeeds() {
        let calls = AtomicU32::new(0);
        let r = retry_transient("t", no_pause, || async {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            if n < 3 {
                Err(err(true))
            } else {
                Ok(n)
            }
        })
        .await;
        assert_eq!(r.unwrap(), 3);
        assert_eq!(calls.load(Ordering::SeqCst), 3, "two retries after the first attempt");
    }

    #[tokio::test]
    async fn other_errors_are_not_retried_and_retries_are_bounded() {
        let calls = AtomicU32::new(0);
        let r: Result<(), _> = retry_transient("t", no_pause, || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(err(false))
        })
        .await;
        assert!(matches!(r, Err(GraphError::Query { transient: false, .. })));
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        calls.store(0, Ordering::SeqCst);
        let r: Result<(), _> = retry_transient("t", no_pause, || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(err(true))
        })
        .await;
        assert!(matches!(r, Err(GraphError::Query { transient: true, .. })), "the last error is returned");
        assert_eq!(calls.load(Ordering::SeqCst), TRANSIENT_ATTEMPTS);
    }

    #[test]
    fn pauses_grow_with_jitter_and_stay_bounded() {
        for attempt in 1..TRANSIENT_ATTEMPTS {
            let base = 50u64 << (attempt - 1).min(6);
            let p = transient_pause(attempt).as_millis() as u64;
            assert!((base / 2..=base + base / 2).contains(&p), "attempt {attempt}: {p} ms");
        }
    }
}
