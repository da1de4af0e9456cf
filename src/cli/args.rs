//! What the user can type. Doc comments are the `--help` text.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Keeps a local Neo4j graph in sync with an Okta organization.
#[derive(Debug, Parser)]
#[command(name = "oktagraph", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Configuration file (oktagraph.toml).
    #[arg(long, global = true, env = crate::config::env::OKTAGRAPH_CONFIG, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Neo4j Bolt URI (env NEO4J_URI) [default: bolt://127.0.0.1:7687].
    #[arg(long, global = true, value_name = "URI")]
    pub neo4j_uri: Option<String>,
    /// Neo4j user (env NEO4J_USER) [default: neo4j].
    #[arg(long, global = true, value_name = "USER")]
    pub neo4j_user: Option<String>,
    /// Read the Neo4j password from this file (otherwise NEO4J_PASSWORD).
    #[arg(long, global = true, value_name = "FILE")]
    pub neo4j_password_file: Option<PathBuf>,
    /// Neo4j database (env NEO4J_DATABASE) [default: neo4j].
    #[arg(long, global = true, value_name = "NAME")]
    pub neo4j_database: Option<String>,
    /// Rows per Neo4j write statement [default: 2000].
    #[arg(long, global = true, value_name = "N")]
    pub batch_size: Option<usize>,
    /// Log level for oktagraph's own logs (stderr).
    #[arg(long, global = true, default_value = "info", value_parser = ["error", "warn", "info", "debug", "trace"])]
    pub log_level: String,
    /// Log format.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sync every configured Okta account (or one) into Neo4j; keeps running when a polling interval is set.
    Sync(SyncArgs),
    /// Start the Okta simulator in-process and sync it: a demo graph in one command.
    Demo(DemoArgs),
    /// Serve a simulated Okta org on a loopback port (for tests, benchmarks and trying oktagraph out).
    Simulate(SimulateArgs),
    /// Run a shipped query (see --list) and print its rows.
    Query(QueryArgs),
    /// Write an account's graph (nodes and relationships with all properties) as JSON lines or GraphML.
    Export(ExportArgs),
    /// Write a commented example oktagraph.toml.
    Init(InitArgs),
    /// Benchmark: Okta calls against the rate-limit bound, graph write throughput, re-sync cost, memory.
    Bench(BenchArgs),
    /// Check the connection to Neo4j: prints the server version and edition.
    Check,
    /// Create the constraints and indexes oktagraph needs (idempotent).
    Schema,
    /// Hard-delete soft-deleted objects swept longer ago than the given duration.
    Purge(PurgeArgs),
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Purge objects soft-deleted longer ago than this (e.g. 30d, 12h, 0s for all).
    #[arg(long, value_name = "DURATION")]
    pub deleted_before: String,
    /// The account whose deleted objects to purge (its name or `okta_account:<host>` key); default: all configured.
    #[arg(long)]
    pub account: Option<String>,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Sync only the account with this name.
    #[arg(long)]
    pub account: Option<String>,
    /// Sync once and exit, even when a polling interval is configured.
    #[arg(long)]
    pub once: bool,
    /// Run only these steps (comma-separated), overriding the configuration.
    #[arg(long, value_delimiter = ',')]
    pub steps: Option<Vec<String>>,
    /// Do not evaluate alert rules after the sync.
    #[arg(long)]
    pub no_alerts: bool,
    /// When another sync of an account is running, wait for it to end instead of exiting with code 5.
    #[arg(long)]
    pub wait: bool,
    /// Read everything (a full sync) rather than only what changed since the last sync; with polling, every
    /// sync this command runs is full.
    #[arg(long)]
    pub full: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Users in the simulated org.
    #[arg(long, default_value_t = 200)]
    pub users: usize,
    /// Seed of the simulated org.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Loopback port of the simulator; fixed so repeated demos update one account.
    #[arg(long, default_value_t = 18443)]
    pub port: u16,
}

/// `oktagraph simulate`.
#[derive(Debug, Clone, Args)]
pub struct SimulateArgs {
    /// Number of users in the generated org.
    #[arg(long, default_value_t = 200)]
    pub users: usize,
    /// Generator seed; the same seed gives the same org.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Port to listen on (127.0.0.1); 0 picks a free port.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Write the org as JSON to this file.
    #[arg(long)]
    pub dump: Option<PathBuf>,
    /// Serve this org file (dump format) instead of generating one.
    #[arg(long)]
    pub fixture: Option<PathBuf>,
    /// Speed up rate-limit windows: 60 makes a minute last one second.
    #[arg(long, default_value_t = 1.0)]
    pub time_scale: f64,
    /// Turn off per-minute rate limits.
    #[arg(long)]
    pub no_rate_limits: bool,
    /// Fraction of requests answered with a 5xx.
    #[arg(long, default_value_t = 0.0)]
    pub fault_5xx: f64,
    /// Fraction of requests delayed by 2 s.
    #[arg(long, default_value_t = 0.0)]
    pub fault_slow: f64,
    /// Fraction of responses cut off mid-body.
    #[arg(long, default_value_t = 0.0)]
    pub fault_drop: f64,
    /// Fraction of responses with truncated JSON.
    #[arg(long, default_value_t = 0.0)]
    pub fault_malformed: f64,
    /// Send no X-Rate-Limit-* headers.
    #[arg(long)]
    pub fault_no_rate_headers: bool,
    /// Fraction of requests answered with a concurrency 429.
    #[arg(long, default_value_t = 0.0)]
    pub fault_429_storm: f64,
}

/// Which sync scenarios `oktagraph bench` runs.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum BenchScenario {
    /// 10,000 users.
    Medium,
    /// 100,000 users.
    Large,
    /// medium, then large.
    All,
    /// 100,000 users: a full sync, 1% churn, an incremental sync, a no-change incremental re-sync, then a
    /// `--full` sync that must change nothing.
    Incremental,
}

/// `oktagraph bench`: sync simulated orgs against real (time-scaled) rate limits into the configured Neo4j,
/// compare graph-write methods, and print the figures of issue #6 with a PASS/FAIL per target.
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// Sync scenarios to run.
    #[arg(long, value_enum, default_value = "all")]
    pub scenario: BenchScenario,
    /// Run one custom-size sync scenario with this many users instead of the named ones (with `--scenario
    /// incremental`: the incremental scenario's org size).
    #[arg(long)]
    pub users: Option<usize>,
    /// Rate-limit time scale for every scenario (60 = a one-minute window lasts one second). Default: 20 for
    /// medium (a ~2 minute rate-limit bound), 60 for large and incremental, 20 for custom sizes.
    #[arg(long)]
    pub time_scale: Option<f64>,
    /// Write comparison: oktagraph's writer only, without the two baselines.
    #[arg(long)]
    pub skip_baselines: bool,
    /// Only the write comparison, no sync scenario.
    #[arg(long, conflicts_with = "skip_writes")]
    pub writes_only: bool,
    /// No write comparison.
    #[arg(long)]
    pub skip_writes: bool,
    /// Org size (users) for the write comparison; default 100,000 (the `large` org).
    #[arg(long, default_value_t = 100_000)]
    pub write_users: usize,
    /// Time cap of the per-object (Starbase-style) baseline, in seconds; its rate is measured on what it
    /// wrote in that time.
    #[arg(long, default_value_t = 60)]
    pub baseline_seconds: u64,
    /// Rows per UNWIND statement of oktagraph's writer (default: the configured batch size).
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// Batches oktagraph's writer keeps in flight (default: the configured write concurrency).
    #[arg(long)]
    pub write_concurrency: Option<usize>,
    /// Fraction of each rate-limit bucket the sync may use (the sync's `rate_limit_share`).
    #[arg(long, default_value_t = 0.5)]
    pub rate_limit_share: f64,
    /// Concurrent Okta requests of the sync (the sync's `max_in_flight`).
    #[arg(long, default_value_t = 16)]
    pub max_in_flight: usize,
    /// Skip the second (no-change) sync.
    #[arg(long)]
    pub no_resync: bool,
    /// Leave the benchmark's data in Neo4j (by default it is deleted; only its own accounts are touched).
    #[arg(long)]
    pub keep_data: bool,
    /// Delete the data of a benchmark account left behind by an interrupted run, and exit.
    #[arg(long)]
    pub delete_account: Option<String>,
    /// With --delete-account: shared employee / AWS role nodes first seen after this RFC 3339 time are
    /// deleted too when nothing links to them any more.
    #[arg(long)]
    pub delete_since: Option<String>,
    /// Internal: run one sync of this org URL and print its report (the token is in the environment).
    #[arg(long, hide = true)]
    pub child_sync: Option<String>,
    /// Internal: with --child-sync, force a full sync (`sync --full`).
    #[arg(long, hide = true, requires = "child_sync")]
    pub child_full: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The query to run (see --list).
    #[arg(required_unless_present = "list")]
    pub name: Option<String>,
    /// List the shipped queries.
    #[arg(long)]
    pub list: bool,
    /// A query parameter, e.g. --param account=acme --param days=30.
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    Jsonl,
    Graphml,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
    pub format: ExportFormat,
    /// The account to export (its name or okta_account:<host> key); default: every account.
    #[arg(long)]
    pub account: Option<String>,
    /// Write here instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the example.
    #[arg(default_value = "oktagraph.toml")]
    pub path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simulate(args: &[&str]) -> SimulateArgs {
        let argv = ["oktagraph", "simulate"].iter().chain(args);
        match Cli::parse_from(argv).command {
            Command::Simulate(a) => a,
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn simulate_args_parse() {
        let a = simulate(&[]);
        assert_eq!((a.users, a.seed, a.port), (200, 1, 0));
        assert_eq!(a.time_scale, 1.0);
        let a = simulate(&[
            "--users",
            "5",
            "--seed",
            "9",
            "--port",
            "18443",
            "--dump",
            "/tmp/o.json",
            "--time-scale",
            "60",
            "--no-rate-limits",
            "--fault-5xx",
            "0.1",
            "--fault-slow",
            "0.2",
            "--fault-drop",
            "0.3",
            "--fault-malformed",
            "0.4",
            "--fault-no-rate-headers",
            "--fault-429-storm",
            "0.5",
        ]);
        assert_eq!(a.users, 5);
        assert!(a.no_rate_limits && a.fault_no_rate_headers);
        assert_eq!(a.fault_429_storm, 0.5);
        assert!(simulate(&["--fixture", "f.json"]).fixture.is_some());
    }
}
