//! The three commands whose work needs crates this library does not link: `demo` and `simulate` serve the
//! Okta simulator (crates/okta-sim, a web server) and `bench` is the benchmark (crates/oktagraph-bench,
//! which itself depends on this library). The `oktagraph` binary (src/main.rs) implements [`Tools`] with
//! those crates; the command line itself, flags and help included, stays defined here in one place.

use super::args::{BenchArgs, DemoArgs, SimulateArgs};
use crate::error::CliError;
use crate::graph::Neo4jConfig;
use futures::future::LocalBoxFuture;
use secrecy::SecretString;
use std::future::Future;

/// What the binary provides for `demo`, `simulate` and `bench`.
pub trait Tools {
    /// `oktagraph simulate`: serves a simulated org until Ctrl-C.
    fn simulate(&self, args: SimulateArgs) -> impl Future<Output = Result<(), CliError>>;
    /// Starts the simulated org `oktagraph demo` syncs: `args.users` users from `args.seed` on
    /// 127.0.0.1:`args.port`, with real rate limits on a short window so the demo is quick.
    fn start_demo_org(&self, args: &DemoArgs) -> impl Future<Output = std::io::Result<SimulatedOrg>>;
    /// `oktagraph bench` against the configured Neo4j.
    fn bench(&self, args: BenchArgs, neo4j: Neo4jConfig) -> impl Future<Output = Result<(), CliError>>;
}

/// A running simulated org, as the demo needs it.
pub struct SimulatedOrg {
    pub base_url: String,
    /// A super-admin API token.
    pub token: SecretString,
    /// Stops the server.
    pub shutdown: LocalBoxFuture<'static, ()>,
}
