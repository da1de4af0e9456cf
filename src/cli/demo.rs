//! `oktagraph demo`: the simulator in-process on a fixed port, synced into the configured Neo4j.

use super::args::{DemoArgs, GlobalArgs};
use super::commands::{neo4j_config, settings, sync_once};
use crate::error::{CliError, ExitCode};
use crate::graph::Graph;
use crate::okta::Credentials;
use crate::sim::{Org, OrgSpec, SimOptions, SimServer};
use crate::sync::AccountJob;
use secrecy::SecretString;

pub async fn run(g: &GlobalArgs, args: &DemoArgs) -> Result<ExitCode, CliError> {
    let s = settings(g, None, false)?;
    let graph = Graph::connect(&neo4j_config(&s)?).await?;
    let base = format!("http://127.0.0.1:{}", args.port);
    let org = Org::generate(&OrgSpec { users: args.users, seed: args.seed }, &base);
    // Real rate limits, on a 1-second window so the demo is quick.
    let opts = SimOptions { port: args.port, time_scale: 60.0, ..SimOptions::default() };
    let server = SimServer::start(org, opts).await.map_err(|e| {
        CliError::usage(format!("cannot start the simulator on 127.0.0.1:{}: {e} (choose another with --port)", args.port))
    })?;
    println!("simulated Okta org with {} users at {}", args.users, server.base_url());
    let mut job = AccountJob::new(&server.base_url(), Credentials::Ssws(SecretString::from(server.super_admin_token())));
    job.name = Some("demo".into());
    job.description = Some("oktagraph demo: a simulated Okta org".into());
    job.tag_with_account_name = true;
    let cancel = super::commands::cancel_on_signals();
    let code = sync_once(&graph, &job, cancel, None, false).await;
    // Bounded: a client connection kept alive must not hold the demo open.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), server.shutdown()).await;
    let browser = browser_url(&s.neo4j.uri);
    println!("\nOpen the Neo4j Browser at {browser} (user {}), then try:", s.neo4j.user);
    for example in include_str!("../../cypher/demo/examples.cypher").lines().filter(|l| !l.starts_with("//")) {
        println!("  {example}");
    }
    println!("Or: oktagraph query --list");
    Ok(code)
}

fn browser_url(bolt: &str) -> String {
    let host = bolt.split("://").nth(1).unwrap_or("127.0.0.1:7687");
    let host = host.split(['/', ':']).next().unwrap_or("127.0.0.1");
    format!("http://{host}:7474/browser/")
}
