//! oktagraph: keeps a local Neo4j graph in sync with an Okta organization.
//!
//! Data flows one way: [`okta`] (HTTP client) → [`collect`] (sync steps) → [`model`] (pure mapping of
//! Okta JSON to graph records) → [`graph`] (Neo4j writes, sweep, run records), with [`sync`]
//! orchestrating and [`cli`] on top. [`sim`] is an Okta simulator serving the same API shapes.

pub mod alerts;
pub mod bench;
pub mod cli;
pub mod collect;
pub mod config;
pub mod error;
pub mod graph;
pub mod model;
pub mod okta;
pub mod queries;
pub mod retry;
pub mod sim;
pub mod sync;
