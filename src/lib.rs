//! oktagraph: keeps a local Neo4j graph in sync with an Okta organization.
//!
//! Data flows one way: [`okta`] (HTTP client) → [`collect`] (sync steps) → [`model`] (pure mapping of
//! Okta JSON to graph records) → [`graph`] (Neo4j writes, sweep, run records), with [`sync`]
//! orchestrating and [`cli`] on top.
//!
//! The Okta simulator (crates/okta-sim) and the benchmark (crates/oktagraph-bench) are crates of their own;
//! the `oktagraph` binary (src/main.rs) links them for `demo`, `simulate` and `bench` through [`cli::Tools`].

pub mod alerts;
pub mod cli;
pub mod collect;
pub mod config;
pub mod error;
pub mod graph;
pub mod model;
pub mod okta;
pub mod queries;
pub mod retry;
pub mod sync;
