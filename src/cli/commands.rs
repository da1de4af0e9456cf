//! The commands, each a function of resolved settings.

use super::args::{Cli, Command, GlobalArgs, PurgeArgs};
use crate::env_vars as env;
use crate::error::{CliError, ExitCode};
use crate::graph::{self, Graph, Neo4jConfig};
use secrecy::SecretString;

pub async fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Check => check(&cli.global).await,
        Command::Schema => schema(&cli.global).await,
        Command::Purge(args) => purge(&cli.global, &args).await,
    }
}

/// The Neo4j settings from flags, environment and defaults.
pub fn neo4j_config(g: &GlobalArgs) -> Result<Neo4jConfig, CliError> {
    let uri = g.neo4j_uri.clone().unwrap_or_else(|| env::DEFAULT_NEO4J_URI.to_string());
    let user = g.neo4j_user.clone().unwrap_or_else(|| env::DEFAULT_NEO4J_USER.to_string());
    let password = match &g.neo4j_password_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::usage(format!("cannot read the Neo4j password file {}: {e}", path.display())))?;
            let pw = text.trim_end_matches(['\n', '\r']).to_string();
            if pw.is_empty() {
                return Err(CliError::usage(format!("the Neo4j password file {} is empty", path.display())));
            }
            pw
        }
        None => match std::env::var(env::NEO4J_PASSWORD) {
            Ok(pw) if !pw.is_empty() => pw,
            _ if is_loopback_uri(&uri) => LOCAL_DEV_PASSWORD.to_string(),
            _ => {
                return Err(CliError::usage(format!(
                    "no Neo4j password: set {} or --neo4j-password-file",
                    env::NEO4J_PASSWORD
                )))
            }
        },
    };
    let mut c = Neo4jConfig::new(&uri, &user, SecretString::from(password));
    c.database = g.neo4j_database.clone().unwrap_or_else(|| env::DEFAULT_NEO4J_DATABASE.to_string());
    if let Some(b) = g.batch_size {
        if b == 0 || b > 100_000 {
            return Err(CliError::usage("--batch-size must be between 1 and 100000"));
        }
        c.batch_size = b;
    }
    Ok(c)
}

/// The password of the local development Neo4j (tests/neo4j/neo4j-local and docker-compose.yml), used
/// only when NEO4J_PASSWORD is unset and the server is on this machine.
pub const LOCAL_DEV_PASSWORD: &str = "oktagraph-local";

fn is_loopback_uri(uri: &str) -> bool {
    let rest = uri.split("://").nth(1).unwrap_or_default();
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
    matches!(host, "localhost" | "[::1]") || host.starts_with("127.")
}

async fn check(g: &GlobalArgs) -> Result<ExitCode, CliError> {
    let config = neo4j_config(g)?;
    let graph = Graph::connect(&config).await?;
    let info = graph.server_info().await?;
    println!("Neo4j {} {} at {} (user {}, database {})", info.version, info.edition, config.uri, config.user, config.database);
    Ok(ExitCode::Success)
}

async fn schema(g: &GlobalArgs) -> Result<ExitCode, CliError> {
    let graph = Graph::connect(&neo4j_config(g)?).await?;
    let n = graph.apply_schema().await?;
    println!("schema applied: {n} constraints and indexes");
    Ok(ExitCode::Success)
}

async fn purge(g: &GlobalArgs, args: &PurgeArgs) -> Result<ExitCode, CliError> {
    let age = parse_age(&args.deleted_before)?;
    let graph = Graph::connect(&neo4j_config(g)?).await?;
    let before = chrono::Utc::now().fixed_offset() - age;
    let accounts: Vec<String> = match &args.account {
        Some(a) if a.starts_with("okta_account:") => vec![a.clone()],
        Some(a) => {
            let rows = graph
                .rows(
                    graph::query_with(
                        "MATCH (a:okta_account) WHERE a.accountName = $name OR a.name = $name RETURN a._key AS key",
                        vec![("name", a.as_str().into())],
                    ),
                    "find account",
                )
                .await?;
            let keys: Vec<String> = rows.iter().filter_map(|r| r.get::<String>("key").ok()).collect();
            if keys.is_empty() {
                return Err(CliError::usage(format!("no account named '{a}' in the graph")));
            }
            keys
        }
        None => {
            let rows = graph.rows(neo4rs::query("MATCH (a:okta_account) RETURN a._key AS key"), "list accounts").await?;
            rows.iter().filter_map(|r| r.get::<String>("key").ok()).collect()
        }
    };
    for key in accounts {
        let (nodes, edges) = graph::sweep::purge(&graph, &key, before).await?;
        println!("{key}: purged {nodes} nodes and {edges} relationships deleted before {}", before.to_rfc3339());
    }
    Ok(ExitCode::Success)
}

/// Parses `30d`, `12h`, `15m`, `90s`, `1h30m`.
pub fn parse_age(s: &str) -> Result<chrono::Duration, CliError> {
    let bad = || CliError::usage(format!("'{s}' is not a duration (examples: 30d, 12h, 15m, 0s)"));
    let t = s.trim();
    if t.is_empty() {
        return Err(bad());
    }
    let mut total = chrono::Duration::zero();
    let mut num = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: i64 = num.parse().map_err(|_| bad())?;
        num.clear();
        total += match c {
            'd' => chrono::Duration::days(n),
            'h' => chrono::Duration::hours(n),
            'm' => chrono::Duration::minutes(n),
            's' => chrono::Duration::seconds(n),
            'w' => chrono::Duration::weeks(n),
            _ => return Err(bad()),
        };
    }
    if !num.is_empty() {
        return Err(bad());
    }
    Ok(total)
}
