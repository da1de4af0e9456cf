//! `oktagraph demo`: the simulator in-process on a fixed port (started by the binary, see [`Tools`]),
//! synced into the configured Neo4j.

use super::args::{DemoArgs, GlobalArgs};
use super::commands::{neo4j_config, settings, sync_once};
use super::tools::Tools;
use crate::error::{CliError, ExitCode};
use crate::graph::Graph;
use crate::okta::Credentials;
use crate::sync::AccountJob;

/// What to try in the Neo4j Browser afterwards, one statement per line.
const TRY_QUERIES: &str = include_str!("../../cypher/demo_queries.cypher");

pub async fn run(g: &GlobalArgs, args: &DemoArgs, tools: &impl Tools) -> Result<ExitCode, CliError> {
    let s = settings(g, None, false)?;
    let graph = Graph::connect(&neo4j_config(&s)?).await?;
    let org = tools
        .start_demo_org(args)
        .await
        .map_err(|e| CliError::usage(format!("cannot start the simulator on 127.0.0.1:{}: {e} (choose another with --port)", args.port)))?;
    println!("simulated Okta org with {} users at {}", args.users, org.base_url);
    let mut job = AccountJob::new(&org.base_url, Credentials::Ssws(org.token));
    job.name = Some("demo".into());
    job.description = Some("oktagraph demo: a simulated Okta org".into());
    job.tag_with_account_name = true;
    let cancel = super::commands::cancel_on_signals();
    let code = sync_once(&graph, &job, cancel, None).await;
    // Bounded: a client connection kept alive must not hold the demo open.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), org.shutdown).await;
    let browser = browser_url(&s.neo4j.uri);
    println!("\nOpen the Neo4j Browser at {browser} (user {}), then try:", s.neo4j.user);
    for query in try_queries() {
        println!("  {query}");
    }
    println!("Or: oktagraph query --list");
    Ok(code)
}

/// The statements of [`TRY_QUERIES`], one per line, without comments and `;`.
fn try_queries() -> impl Iterator<Item = &'static str> {
    TRY_QUERIES.lines().filter(|l| !l.trim().is_empty() && !l.starts_with("//")).map(|l| l.trim_end_matches(';'))
}

fn browser_url(bolt: &str) -> String {
    let host = bolt.split("://").nth(1).unwrap_or("127.0.0.1:7687");
    let host = host.split(['/', ':']).next().unwrap_or("127.0.0.1");
    format!("http://{host}:7474/browser/")
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggested_queries_are_whole_statements() {
        let queries: Vec<&str> = super::try_queries().collect();
        assert_eq!(queries.len(), 3, "{queries:?}");
        for q in queries {
            assert!(q.split_whitespace().next() == Some("MATCH") && q.contains(" RETURN ") && !q.ends_with(';'), "{q}");
        }
    }
}
