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
    #[arg(long, global = true, env = "OKTAGRAPH_CONFIG", value_name = "FILE")]
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
    Simulate(crate::sim::SimulateArgs),
    /// Run a shipped query (see --list) and print its rows.
    Query(QueryArgs),
    /// Write an account's graph (nodes and relationships with all properties) as JSON lines or GraphML.
    Export(ExportArgs),
    /// Write a commented example oktagraph.toml.
    Init(InitArgs),
    /// Benchmark: Okta calls against the rate-limit bound, graph write throughput, re-sync cost, memory.
    Bench(crate::bench::BenchArgs),
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
