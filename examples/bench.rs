//! Runs the benchmark (`oktagraph_bench`) without the CLI: `cargo run --release --example bench -- --scenario medium`.
//! Neo4j comes from NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE (defaults: the local test server).

use clap::Parser;
use oktagraph::cli::BenchArgs;
use oktagraph::graph::Neo4jConfig;
use secrecy::SecretString;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    bench: BenchArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let uri = std::env::var("NEO4J_URI").unwrap_or_else(|_| "bolt://127.0.0.1:7687".into());
    let user = std::env::var("NEO4J_USER").unwrap_or_else(|_| "neo4j".into());
    let pw = std::env::var("NEO4J_PASSWORD").unwrap_or_else(|_| "oktagraph-local".into());
    let mut config = Neo4jConfig::new(&uri, &user, SecretString::from(pw));
    if let Ok(db) = std::env::var("NEO4J_DATABASE") {
        config.database = db;
    }
    oktagraph_bench::run(cli.bench, config).await
}
