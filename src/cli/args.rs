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
    /// Neo4j Bolt URI [default: bolt://127.0.0.1:7687].
    #[arg(long, global = true, env = "NEO4J_URI", value_name = "URI")]
    pub neo4j_uri: Option<String>,
    /// Neo4j user [default: neo4j].
    #[arg(long, global = true, env = "NEO4J_USER", value_name = "USER")]
    pub neo4j_user: Option<String>,
    /// Read the Neo4j password from this file (otherwise NEO4J_PASSWORD).
    #[arg(long, global = true, value_name = "FILE")]
    pub neo4j_password_file: Option<PathBuf>,
    /// Neo4j database [default: neo4j].
    #[arg(long, global = true, env = "NEO4J_DATABASE", value_name = "NAME")]
    pub neo4j_database: Option<String>,
    /// Rows per Neo4j write statement [default: 5000].
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
