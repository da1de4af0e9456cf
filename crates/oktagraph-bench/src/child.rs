//! One sync in a child process, so its peak RSS is the sync's own (the simulator stays in the parent).
//! The parent re-runs the same executable with `--child-sync <org url>`; the token travels in the
//! environment, never on the command line; `--child-full` makes it a forced full sync (`sync --full`), else the
//! sync chooses its mode as a scheduled one would. The child prints one `OKTAGRAPH_BENCH_CHILD <json>` line.

use oktagraph::cli::BenchArgs;
use oktagraph::collect::Silent;
use oktagraph::graph::{Graph, Neo4jConfig};
use oktagraph::okta::{Bucket, Credentials};
use oktagraph::sync::{sync_account, AccountJob};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

pub(crate) const TOKEN_ENV: &str = "OKTAGRAPH_BENCH_TOKEN";
pub(crate) const RESULT_PREFIX: &str = "OKTAGRAPH_BENCH_CHILD ";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct BucketFig {
    pub(crate) requests: u64,
    pub(crate) rate_limited: u64,
    pub(crate) retries: u64,
    pub(crate) wait_ms: u64,
}

/// A child sync's counts per type: the writer's own type, sent as JSON.
pub(crate) use oktagraph::graph::TypeCounts as CountFig;

/// What one child sync reports.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct ChildReport {
    pub(crate) account_key: String,
    pub(crate) status: String,
    /// `SyncMode::as_str`: `full` or `incremental`.
    pub(crate) mode: String,
    /// Why the sync ran in that mode (`SyncSummary::mode_reason`).
    pub(crate) mode_reason: String,
    /// `SyncSummary::duration`: from the start of the sync to the run record (process start excluded).
    pub(crate) sync_seconds: f64,
    pub(crate) buckets: BTreeMap<String, BucketFig>,
    pub(crate) counts: BTreeMap<String, CountFig>,
    pub(crate) warnings: Vec<String>,
    /// `VmHWM` of the child at the end, in KiB.
    pub(crate) peak_rss_kb: u64,
}

/// `full (--full was given)`: a child sync's mode and why, for the tables.
pub(crate) fn mode_line(r: &ChildReport) -> String {
    format!("{} ({})", r.mode, r.mode_reason)
}

/// `VmHWM` (peak resident set) of this process, in KiB.
pub(crate) fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok())))
        .unwrap_or(0)
}

/// Child side: one sync of `org_url`, printed as JSON.
pub(crate) async fn run_child(
    org_url: &str,
    force_full: bool,
    rate_limit_share: f64,
    max_in_flight: usize,
    neo4j: Neo4jConfig,
) -> anyhow::Result<()> {
    let token = std::env::var(TOKEN_ENV).map_err(|_| anyhow::anyhow!("{TOKEN_ENV} is not set (internal benchmark flag)"))?;
    let graph = Graph::connect(&neo4j).await?;
    let mut job = AccountJob::new(org_url, Credentials::Ssws(SecretString::from(token)));
    job.name = Some("bench".into());
    job.rate_limit_share = rate_limit_share;
    job.max_in_flight = max_in_flight;
    job.force_full = force_full;
    let (_tx, cancel) = tokio::sync::watch::channel(false);
    let s = sync_account(&graph, &job, cancel, Arc::new(Silent)).await?;
    let mut buckets = BTreeMap::new();
    for b in Bucket::ALL {
        let st = s.api.bucket(b);
        buckets.insert(
            b.as_str().to_string(),
            BucketFig { requests: st.requests, rate_limited: st.rate_limited, retries: st.retries, wait_ms: st.rate_limit_wait_ms },
        );
    }
    let counts = s.counts.iter().map(|(t, c)| (t.clone(), *c)).collect();
    let report = ChildReport {
        account_key: s.account_key,
        status: s.status.as_str().to_string(),
        mode: s.mode.as_str().to_string(),
        mode_reason: s.mode_reason,
        sync_seconds: s.duration.as_secs_f64(),
        buckets,
        counts,
        warnings: s.warnings,
        peak_rss_kb: peak_rss_kb(),
    };
    println!("{RESULT_PREFIX}{}", serde_json::to_string(&report)?);
    Ok(())
}

/// The command line that re-runs this benchmark: the current executable with the arguments up to and
/// including `bench` (global flags such as the Neo4j settings carry over), or none for an example binary.
fn child_command() -> anyhow::Result<std::process::Command> {
    let exe = std::env::current_exe()?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let prefix: Vec<String> = match args.iter().position(|a| a == "bench") {
        Some(i) => args[..=i].to_vec(),
        None => Vec::new(),
    };
    let mut cmd = std::process::Command::new(exe);
    cmd.args(prefix);
    Ok(cmd)
}

/// Which mode the parent asks a child sync for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// `sync --full`.
    Full,
    /// Whatever the account's previous runs allow, as a scheduled sync chooses.
    Chosen,
}

/// Parent side: runs one sync in a child process and returns its report and the child's wall time.
pub(crate) async fn sync_in_child(org_url: &str, token: &str, want: Want, args: &BenchArgs) -> anyhow::Result<(ChildReport, f64)> {
    let mut cmd = child_command()?;
    // The writer settings of this run carry over to the child's sync.
    if let Some(b) = args.batch_size {
        cmd.arg("--batch-size").arg(b.to_string());
    }
    if let Some(c) = args.write_concurrency {
        cmd.arg("--write-concurrency").arg(c.to_string());
    }
    cmd.arg("--child-sync").arg(org_url);
    if want == Want::Full {
        cmd.arg("--child-full");
    }
    cmd.arg("--rate-limit-share")
        .arg(args.rate_limit_share.to_string())
        .arg("--max-in-flight")
        .arg(args.max_in_flight.to_string())
        .env(TOKEN_ENV, token)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit());
    let mut cmd = tokio::process::Command::from(cmd);
    let started = std::time::Instant::now();
    let out = cmd.output().await?;
    let wall = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().find_map(|l| l.strip_prefix(RESULT_PREFIX));
    match line {
        Some(json) => Ok((serde_json::from_str(json)?, wall)),
        None => anyhow::bail!("the benchmark sync child exited with {} and no report; its output:\n{stdout}", out.status),
    }
}
