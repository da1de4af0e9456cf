//! The commands, each a function of resolved settings.

use super::args::*;
use super::output;
use super::progress::ProgressReporter;
use crate::config::{self, AccountAuth, ConfigOverrides, Settings};
use crate::error::{CliError, ExitCode};
use crate::graph::{self, Graph, Neo4jConfig};
use crate::okta::{Credentials, OAuthConfig};
use crate::sync::{self, AccountJob, RunStatus, SyncSummary};
use secrecy::SecretString;
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::watch;

pub async fn run(cli: Cli, tools: &impl super::Tools) -> Result<ExitCode, CliError> {
    let g = &cli.global;
    match cli.command {
        Command::Sync(args) => sync_command(g, &args).await,
        Command::Demo(args) => super::demo::run(g, &args, tools).await,
        Command::Simulate(args) => {
            tools.simulate(args).await?;
            Ok(ExitCode::Success)
        }
        Command::Query(args) => query(g, &args).await,
        Command::Export(args) => super::export::run(g, &args).await,
        Command::Init(args) => {
            config::write_example(&args.path, args.force).map_err(config_error)?;
            println!("wrote {}; edit it, then run: oktagraph --config {} sync", args.path.display(), args.path.display());
            Ok(ExitCode::Success)
        }
        Command::Bench(args) => {
            let s = settings(g, None, false)?;
            tools.bench(args, neo4j_config(&s)?).await?;
            Ok(ExitCode::Success)
        }
        Command::Check => check(g).await,
        Command::Schema => schema(g).await,
        Command::Purge(args) => purge(g, &args).await,
    }
}

fn config_error(e: config::ConfigError) -> CliError {
    CliError::new(ExitCode::Usage, e.to_string())
}

/// Resolves flags, environment and the config file into settings (README.md#configuration: flags win).
///
/// Only `sync` reads the accounts' Okta credentials (`okta_credentials`): the commands that only talk to
/// Neo4j must work for an analyst who has the config file but not the tokens.
pub(crate) fn settings(g: &GlobalArgs, account: Option<&str>, okta_credentials: bool) -> Result<Settings, CliError> {
    let overrides = ConfigOverrides {
        graph_only: !okta_credentials,
        config_path: g.config.clone(),
        neo4j_uri: g.neo4j_uri.clone(),
        neo4j_user: g.neo4j_user.clone(),
        neo4j_password_file: g.neo4j_password_file.clone(),
        neo4j_database: g.neo4j_database.clone(),
        batch_size: g.batch_size,
        account: account.map(String::from),
    };
    config::load(&overrides, &|k| std::env::var(k).ok()).map_err(config_error)
}

/// The Neo4j connection settings.
pub(crate) fn neo4j_config(s: &Settings) -> Result<Neo4jConfig, CliError> {
    let password = match &s.neo4j.password {
        Some(p) => p.clone(),
        None if is_loopback_uri(&s.neo4j.uri) => SecretString::from(LOCAL_DEV_PASSWORD),
        None => return Err(CliError::usage(format!("no Neo4j password: set {} or --neo4j-password-file", config::env::NEO4J_PASSWORD))),
    };
    let mut c = Neo4jConfig::new(&s.neo4j.uri, &s.neo4j.user, password);
    c.database = s.neo4j.database.clone();
    c.batch_size = s.neo4j.batch_size;
    c.write_concurrency = s.neo4j.write_concurrency;
    Ok(c)
}

/// The password of the local development Neo4j (tests/neo4j/neo4j-local and docker-compose.yml), used
/// only when no password is configured and the server is on this machine.
pub(crate) const LOCAL_DEV_PASSWORD: &str = "oktagraph-local";

fn is_loopback_uri(uri: &str) -> bool {
    // bolt:// and neo4j:// are not schemes `url` knows, so an IPv4 host comes back as a domain name.
    match url::Url::parse(uri).ok().as_ref().and_then(url::Url::host) {
        Some(url::Host::Domain(d)) => d == "localhost" || d.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback()),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Settings without Okta credentials and a connected graph, for the commands that only talk to Neo4j.
pub(crate) async fn connect(g: &GlobalArgs) -> Result<(Settings, Graph), CliError> {
    let s = settings(g, None, false)?;
    let graph = Graph::connect(&neo4j_config(&s)?).await?;
    Ok((s, graph))
}

async fn check(g: &GlobalArgs) -> Result<ExitCode, CliError> {
    let (s, graph) = connect(g).await?;
    let info = graph.server_info().await?;
    println!("Neo4j {} {} at {} (user {}, database {})", info.version, info.edition, s.neo4j.uri, s.neo4j.user, s.neo4j.database);
    Ok(ExitCode::Success)
}

async fn schema(g: &GlobalArgs) -> Result<ExitCode, CliError> {
    let (_, graph) = connect(g).await?;
    let n = graph.apply_schema().await?;
    println!("schema applied: {n} constraints and indexes");
    Ok(ExitCode::Success)
}

/// The job for one configured account.
pub(crate) fn job(a: &config::AccountSettings, lock_ttl: std::time::Duration) -> AccountJob {
    let credentials = match &a.auth {
        AccountAuth::Token(t) => Credentials::Ssws(t.clone()),
        AccountAuth::OAuth { client_id, private_key_pem, key_id, scopes } => {
            let mut o = OAuthConfig::new(client_id.clone(), private_key_pem.clone());
            o.key_id = key_id.clone();
            if !scopes.is_empty() {
                o.scopes = scopes.clone();
            }
            Credentials::OAuth(o)
        }
    };
    let mut j = AccountJob::new(&a.org_url, credentials);
    j.name = Some(a.name.clone());
    j.description = a.description.clone();
    j.tag_with_account_name = a.tag_with_account_name;
    j.steps = a.steps.clone();
    j.rate_limit_share = a.rate_limit_share;
    j.max_in_flight = a.max_in_flight;
    j.lock_ttl = lock_ttl;
    j.full_sync_interval = a.full_sync_interval;
    j
}

/// Turns SIGINT/SIGTERM into a cancel signal: collection stops, what was collected is written, nothing is swept.
pub(crate) fn cancel_on_signals() -> watch::Receiver<bool> {
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        #[cfg(unix)]
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = term => {},
        }
        tracing::warn!("stopping: writing what was collected; no sweep will run");
        let _ = tx.send(true);
    });
    rx
}

async fn sync_command(g: &GlobalArgs, args: &SyncArgs) -> Result<ExitCode, CliError> {
    let s = settings(g, args.account.as_deref(), true)?;
    let accounts = s.require_accounts().map_err(config_error)?.to_vec();
    let mut jobs: Vec<(AccountJob, Option<std::time::Duration>)> = Vec::new();
    for a in &accounts {
        let mut j = job(a, s.lock_ttl);
        if let Some(steps) = &args.steps {
            j.steps = Some(steps.clone());
        }
        j.wait_for_lock = args.wait;
        j.force_full = args.full;
        // Validate everything (org URL, keys, step names) before touching the graph.
        sync::enabled_steps(j.steps.as_deref()).map_err(|e| CliError::usage(format!("account '{}': {e}", a.name)))?;
        sync::okta_client(&j).map_err(|e| CliError::usage(format!("account '{}': {e}", a.name)))?;
        jobs.push((j, if args.once { None } else { a.polling_interval }));
    }
    refuse_one_org_twice(&jobs).await?;
    let graph = Graph::connect(&neo4j_config(&s)?).await?;
    let cancel = cancel_on_signals();
    let alerts = if args.no_alerts { None } else { Some(crate::alerts::Alerts::from_settings(&s.alerts).map_err(CliError::usage)?) };
    let alerts = Arc::new(alerts);

    // One loop per account: an account's syncs never overlap; accounts run side by side.
    let mut tasks = Vec::new();
    for (job, interval) in jobs {
        let graph = graph.clone();
        let mut cancel = cancel.clone();
        let alerts = alerts.clone();
        tasks.push(tokio::spawn(async move {
            let mut worst = ExitCode::Success;
            loop {
                // A polling loop that meets another process's sync skips this round and tries at the next.
                let code = sync_once(&graph, &job, cancel.clone(), alerts.as_ref().as_ref()).await;
                worst = worse(worst, code);
                let Some(every) = interval else { break };
                if *cancel.borrow() {
                    break;
                }
                tracing::info!(account = job.name.as_deref().unwrap_or(""), next_in_s = every.as_secs(), "waiting for the next sync");
                tokio::select! {
                    _ = tokio::time::sleep(every) => {},
                    _ = cancel.changed() => break,
                }
            }
            worst
        }));
    }
    let mut worst = ExitCode::Success;
    for t in tasks {
        worst = worse(worst, t.await.unwrap_or(ExitCode::Failure));
    }
    Ok(worst)
}

/// Two configured accounts that are one Okta org (its id behind two URLs, e.g. a custom domain and the
/// okta.com name) would write the same nodes under two account keys, each sync moving them to its own: refused
/// before anything runs. An org whose settings cannot be read is left to the sync to report.
async fn refuse_one_org_twice(jobs: &[(AccountJob, Option<std::time::Duration>)]) -> Result<(), CliError> {
    if jobs.len() < 2 {
        return Ok(());
    }
    let ids = futures::future::join_all(jobs.iter().map(|(j, _)| async move {
        let client = sync::okta_client(j).ok()?;
        let org = client.get_json::<serde_json::Value>("/api/v1/org").await.ok()?;
        org.get("id")?.as_str().map(String::from)
    }))
    .await;
    let mut seen: std::collections::HashMap<String, &AccountJob> = std::collections::HashMap::new();
    for ((job, _), id) in jobs.iter().zip(ids) {
        let Some(id) = id else { continue };
        if let Some(first) = seen.get(&id) {
            let name = |j: &AccountJob| j.name.clone().unwrap_or_default();
            return Err(CliError::usage(format!(
                "accounts '{}' ({}) and '{}' ({}) are the same Okta org ({id}): configure it once",
                name(first),
                first.org_url,
                name(job),
                job.org_url
            )));
        }
        seen.insert(id, job);
    }
    Ok(())
}

fn worse(a: ExitCode, b: ExitCode) -> ExitCode {
    let rank = |c: ExitCode| match c {
        ExitCode::Success => 0,
        ExitCode::Partial => 1,
        ExitCode::Failure => 2,
        ExitCode::Busy => 3,
        ExitCode::Usage => 4,
        ExitCode::Connect => 5,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// One sync of one account, reported; returns its exit code.
pub(crate) async fn sync_once(
    graph: &Graph,
    job: &AccountJob,
    cancel: watch::Receiver<bool>,
    alerts: Option<&crate::alerts::Alerts>,
) -> ExitCode {
    let reporter = Arc::new(ProgressReporter::new(job.name.as_deref().unwrap_or("okta")));
    let result = sync::sync_account(graph, job, cancel, reporter.clone()).await;
    reporter.finish();
    match result {
        Ok(summary) => {
            output::print_summary(&summary);
            if let (Some(alerts), RunStatus::Success | RunStatus::Partial) = (alerts, summary.status) {
                if let Err(e) = alerts.evaluate(graph, &summary.account_key, &summary.account_name).await {
                    eprintln!("oktagraph: warning: alert evaluation failed: {e}");
                }
            }
            exit_code(&summary)
        }
        Err(e) => {
            let code = match &e {
                sync::SyncError::Config(_) => ExitCode::Usage,
                sync::SyncError::Okta(crate::okta::OktaError::Config(_)) => ExitCode::Usage,
                sync::SyncError::Okta(_) => ExitCode::Connect,
                sync::SyncError::Graph(g) if g.is_connection() => ExitCode::Connect,
                sync::SyncError::Graph(_) => ExitCode::Failure,
                sync::SyncError::Busy(_) => ExitCode::Busy,
                sync::SyncError::SameOrg { .. } => ExitCode::Usage,
            };
            eprintln!("oktagraph: error: account '{}': {e}", job.name.as_deref().unwrap_or(&job.org_url));
            code
        }
    }
}

pub fn exit_code(s: &SyncSummary) -> ExitCode {
    match s.status {
        RunStatus::Success => ExitCode::Success,
        RunStatus::Partial | RunStatus::Interrupted => ExitCode::Partial,
        RunStatus::Failed if s.connection_error.is_some() => ExitCode::Connect,
        RunStatus::Failed => ExitCode::Failure,
    }
}

async fn query(g: &GlobalArgs, args: &QueryArgs) -> Result<ExitCode, CliError> {
    let shipped = crate::queries::shipped_queries();
    if args.list {
        for q in &shipped {
            let params: Vec<String> = q
                .params
                .iter()
                .map(|(n, d)| match d {
                    Some(d) => format!("{n}={d}"),
                    None => n.clone(),
                })
                .collect();
            println!("{:<26} {}  [params: {}]", q.name, q.description, params.join(", "));
        }
        return Ok(ExitCode::Success);
    }
    let name = args.name.as_deref().unwrap_or_default();
    let q = shipped
        .iter()
        .find(|q| q.name == name)
        .ok_or_else(|| CliError::usage(format!("no query named '{name}' (oktagraph query --list shows them)")))?;
    let mut params = BTreeMap::new();
    for p in &args.params {
        let (k, v) = p.split_once('=').ok_or_else(|| CliError::usage(format!("--param '{p}' is not KEY=VALUE")))?;
        params.insert(k.trim().to_string(), v.to_string());
    }
    let (_, graph) = connect(g).await?;
    if let Some(a) = params.get("account").cloned() {
        params.insert("account".into(), resolve_account(&graph, &a).await?);
    }
    let result = crate::queries::run(&graph, q, &params).await.map_err(|e| match e {
        crate::queries::QueryError::Param(m) => CliError::usage(m),
        crate::queries::QueryError::Columns(m) => CliError::failure(m),
        crate::queries::QueryError::Graph(g) => g.into(),
    })?;
    output::print_rows(&result, args.format);
    Ok(ExitCode::Success)
}

/// Accepts an account name or an `okta_account:<host>` key and returns the key.
pub(crate) async fn resolve_account(graph: &Graph, a: &str) -> Result<String, CliError> {
    if a.starts_with("okta_account:") {
        return Ok(a.to_string());
    }
    let keys = graph::accounts::named(graph, a).await?;
    match keys.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(CliError::usage(format!("no account named '{a}' in the graph"))),
        _ => Err(CliError::usage(format!("several accounts are named '{a}': use its key ({})", keys.join(", ")))),
    }
}

/// Every account key in the graph, or the one named.
pub(crate) async fn account_keys(graph: &Graph, account: Option<&str>) -> Result<Vec<String>, CliError> {
    match account {
        Some(a) => Ok(vec![resolve_account(graph, a).await?]),
        None => Ok(graph::accounts::all(graph).await?),
    }
}

async fn purge(g: &GlobalArgs, args: &PurgeArgs) -> Result<ExitCode, CliError> {
    let age = parse_age(&args.deleted_before)?;
    let (s, graph) = connect(g).await?;
    let before = chrono::Utc::now().fixed_offset() - age;
    for key in account_keys(&graph, args.account.as_deref()).await? {
        // Purge holds the account's sync lock too: a sync running now may be undeleting what it would remove.
        let owner = format!("purge-{}", uuid::Uuid::new_v4());
        let held = match graph::lock::acquire(&graph, &key, &owner, s.lock_ttl).await? {
            graph::lock::Acquired::Held(h) => h,
            graph::lock::Acquired::Busy(holder) => {
                return Err(CliError::new(
                    ExitCode::Busy,
                    format!("{key}: a sync of this account is running ({holder}); try again when it ends"),
                ))
            }
        };
        let purged = graph::sweep::purge(&graph, &key, before).await;
        graph::lock::release(&graph, &held).await?;
        let (nodes, edges) = purged?;
        println!("{key}: purged {nodes} nodes and {edges} relationships soft-deleted before {}", before.to_rfc3339());
    }
    Ok(ExitCode::Success)
}

/// Parses `30d`, `12h`, `15m`, `90s`, `2w`, `1h30m`.
pub(crate) fn parse_age(s: &str) -> Result<chrono::Duration, CliError> {
    let secs = crate::config::parse_span(s)
        .map_err(|reason| CliError::usage(format!("'{s}' is not a duration ({reason}); examples: 30d, 12h, 15m, 0s")))?;
    i64::try_from(secs)
        .ok()
        .and_then(chrono::Duration::try_seconds)
        .ok_or_else(|| CliError::usage(format!("'{s}' is too large a duration")))
}

#[cfg(test)]
mod tests {
    use super::is_loopback_uri;

    #[test]
    fn only_this_machine_is_loopback() {
        for uri in ["bolt://127.0.0.1:7687", "neo4j://localhost", "bolt://[::1]:7687/x", "bolt+s://127.1.2.3", "http://127.0.0.1/"] {
            assert!(is_loopback_uri(uri), "{uri}");
        }
        for uri in ["bolt://10.0.0.1:7687", "bolt://db.example.com", "bolt://127.example.com", "bolt://[::2]", "127.0.0.1:7687", ""] {
            assert!(!is_loopback_uri(uri), "{uri}");
        }
    }
}
