//! The `oktagraph` binary: the library's command line (`oktagraph::cli`), plus the work of the three
//! commands that need crates the library does not link: `demo` and `simulate` serve the Okta simulator
//! (okta-sim), `bench` runs the benchmark (oktagraph-bench).

use okta_sim::{Faults, Org, OrgSpec, SimOptions, SimServer};
use oktagraph::cli::{BenchArgs, DemoArgs, SimulateArgs, SimulatedOrg, Tools};
use oktagraph::error::CliError;
use oktagraph::graph::Neo4jConfig;
use std::io::Write;
use std::time::Duration;

fn main() {
    std::process::exit(oktagraph::cli::main(&Binary));
}

struct Binary;

impl Tools for Binary {
    async fn simulate(&self, args: SimulateArgs) -> Result<(), CliError> {
        simulate(args).await.map_err(|e| CliError::failure(format!("simulator: {e:#}")))
    }

    async fn start_demo_org(&self, args: &DemoArgs) -> std::io::Result<SimulatedOrg> {
        let org = Org::generate(&OrgSpec { users: args.users, seed: args.seed }, &format!("http://127.0.0.1:{}", args.port));
        // Real rate limits, on a 1-second window so the demo is quick.
        let opts = SimOptions { port: args.port, time_scale: 60.0, ..SimOptions::default() };
        let server = SimServer::start(org, opts).await?;
        Ok(SimulatedOrg { base_url: server.base_url(), token: server.super_admin_token().into(), shutdown: Box::pin(server.shutdown()) })
    }

    async fn bench(&self, args: BenchArgs, neo4j: Neo4jConfig) -> Result<(), CliError> {
        oktagraph_bench::run(args, neo4j).await.map_err(|e| CliError::failure(format!("benchmark: {e:#}")))
    }
}

/// `oktagraph simulate`: runs the simulator until Ctrl-C, printing `url=`, `token=`, `readonly_token=` and `churn=`
/// lines to stdout.
async fn simulate(args: SimulateArgs) -> anyhow::Result<()> {
    let placeholder = format!("http://127.0.0.1:{}", args.port);
    let org = match &args.fixture {
        Some(p) => {
            let s = std::fs::read_to_string(p).map_err(|e| anyhow::anyhow!("reading fixture {}: {e}", p.display()))?;
            Org::from_fixture_json(&s).map_err(|e| anyhow::anyhow!("fixture {}: {e}", p.display()))?
        }
        None => Org::generate(&OrgSpec { users: args.users, seed: args.seed }, &placeholder),
    };
    let opts = SimOptions {
        port: args.port,
        time_scale: if args.time_scale > 0.0 { args.time_scale } else { 1.0 },
        rate_limits: !args.no_rate_limits,
        faults: Faults {
            error_5xx_rate: args.fault_5xx,
            slow_rate: args.fault_slow,
            slow_delay: Duration::from_secs(2),
            drop_rate: args.fault_drop,
            malformed_rate: args.fault_malformed,
            missing_rate_limit_headers: args.fault_no_rate_headers,
            concurrency_429_rate: args.fault_429_storm,
            fail_paths: vec![],
            seed: args.seed,
        },
        ..SimOptions::default()
    };
    let server = SimServer::start(org, opts).await?;
    if let Some(p) = &args.dump {
        let json = server.org().read().await.dump_json();
        std::fs::write(p, json).map_err(|e| anyhow::anyhow!("writing dump {}: {e}", p.display()))?;
    }
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "url={}", server.base_url())?;
        writeln!(out, "token={}", server.super_admin_token())?;
        writeln!(out, "readonly_token={}", server.readonly_token())?;
        // How to change the org as Okta would between two syncs (what incremental syncs read).
        writeln!(out, "churn=POST {}/sim/churn {{\"fraction\": 0.01, \"seed\": 1}} (Authorization: SSWS <token>)", server.base_url())?;
        out.flush()?;
    }
    tokio::signal::ctrl_c().await?;
    server.shutdown().await;
    Ok(())
}
