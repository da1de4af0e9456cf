//! The sync steps: which Okta calls, in what order, and whether each step got everything it needed.
//!
//! Steps run concurrently as soon as the steps they depend on have finished, so every rate-limit bucket
//! stays busy (users-bucket work such as factors starts while the apps bucket is still listing
//! assignments). Each step maps what it reads with [`crate::model`] and sends the records to the graph
//! writer over a bounded channel, so memory stays flat however large the org is: only ids are kept.
//!
//! Layout: [`steps`] declares the steps as data; `scheduler` runs them in dependency order and turns
//! failures into outcomes; `paging` reads lists page by page; `shared` holds what later steps need from
//! earlier ones; one file per step (or family of steps) says which calls it makes. Page sizes cite the
//! `limit` parameter of each list in Okta's management API reference (developer.okta.com; the same values
//! are in its OpenAPI spec, github.com/okta/okta-management-openapi-spec).

mod account;
mod apps;
mod authenticators;
mod catalog;
pub(crate) mod delta;
mod delta_apps;
mod devices;
mod factors;
pub(crate) mod feed;
mod groups;
mod paging;
mod policies;
mod query;
mod role_targets;
mod roles;
mod rules;
mod scheduler;
mod shared;
pub(crate) mod steps;
mod system_log;
mod users;

pub use scheduler::Collector;
pub use steps::{step, step_by_name, step_names, IncrementalRead, StepDef, StepId, STEPS};

use chrono::{DateTime, FixedOffset};
use std::collections::{BTreeMap, BTreeSet};

/// Progress events for whoever shows them (the CLI draws bars; tests ignore them).
pub trait Reporter: Send + Sync {
    fn step_started(&self, _step: &str) {}
    /// `items` read so far by the step; `api` is the client's running totals (calls, waits) for context.
    fn step_items(&self, _step: &str, _items: u64, _api: &crate::okta::BucketStats) {}
    fn step_finished(&self, _step: &str, _outcome: &StepOutcome) {}
    /// Another process holds the account's sync lock and this sync waits for it (`sync --wait`); called once.
    fn waiting_for_lock(&self, _holder: &crate::graph::lock::LockHolder) {}
    /// The sync runs full or incremental, for this reason (docs/graph.md#incremental-sync); called once.
    fn sync_mode(&self, _mode: crate::sync::mode::SyncMode, _reason: &str) {}
}

/// A reporter that shows nothing.
pub struct Silent;
impl Reporter for Silent {}

/// How one step ended.
#[derive(Debug, Clone, Default)]
pub struct StepOutcome {
    pub name: &'static str,
    /// Every call the step needed succeeded (objects deleted mid-sync excepted): its types may be swept.
    pub complete: bool,
    /// Skipped for lack of permission (a warning, not a failure).
    pub forbidden: bool,
    /// Okta refused the credentials.
    pub auth_failed: bool,
    pub items: u64,
    pub warnings: Vec<String>,
    pub error: Option<String>,
}

/// What the collector was asked to do.
pub struct CollectOptions {
    /// Steps to run; the others are neither collected nor swept.
    pub enabled: BTreeSet<StepId>,
    /// Concurrent per-object calls within a step.
    pub concurrency: usize,
    /// The sync's time; the System Log window is the 90 days before it.
    pub now: DateTime<FixedOffset>,
    /// The account node's current properties in the graph: what the token cannot read this time (support
    /// status, org settings) is carried over from here instead of being erased (docs/graph.md#permissions).
    pub previous_account: crate::model::Props,
}

/// Everything a finished collection reports.
pub struct CollectResult {
    pub outcomes: BTreeMap<StepId, StepOutcome>,
    /// The start of the System Log window this sync read.
    pub window_start: DateTime<FixedOffset>,
    /// What an incremental run read again in full, to reconcile (empty for a full run).
    pub reconcile: crate::graph::reconcile::Reconcile,
}
