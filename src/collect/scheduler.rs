//! The scheduler: runs every enabled step as soon as the steps it depends on are done, and turns each
//! step's result into a [`StepOutcome`].

use super::delta::Delta;
use super::shared::Shared;
use super::steps::{step, StepDef, StepId, STEPS};
use super::system_log::LOG_WINDOW_DAYS;
use super::{CollectOptions, CollectResult, Reporter, StepOutcome};
use crate::graph::reconcile::Reconcile;
use crate::model::{Context, Records};
use crate::okta::{OktaClient, OktaError};
use chrono::{DateTime, Duration, FixedOffset};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, watch};

pub struct Collector {
    pub(super) client: OktaClient,
    pub(super) ctx: Context,
    tx: mpsc::Sender<Records>,
    cancel: watch::Receiver<bool>,
    reporter: Arc<dyn Reporter>,
    pub(super) opts: CollectOptions,
    pub(super) shared: Shared,
    /// Each step's completion (`Some(complete)` once finished), awaited by the steps that depend on it.
    done: HashMap<StepId, watch::Sender<Option<bool>>>,
    /// Set for an incremental run (docs/graph.md#incremental-sync).
    pub(super) delta: Option<Delta>,
    pub(super) reconcile: Mutex<Reconcile>,
    /// Steps skipped for lack of permission (or an endpoint the org lacks): a privileged step that needs only
    /// these is skipped the same way, with a warning.
    skipped: Mutex<BTreeSet<StepId>>,
}

pub(super) type StepResult = Result<(), StepFailure>;

/// Why a step could not complete.
pub(super) enum StepFailure {
    Okta(OktaError),
    Interrupted,
    WriterGone,
    Dependency(Vec<&'static str>),
    /// The step cannot be completed this way (an incremental run meeting what only a full sync can tell).
    Incomplete(String),
    /// The org lacks the endpoint (a Classic org answers 404 for an Identity Engine list): a warning, like a 403.
    Unavailable(String),
    /// The org does not have the list the step reads (404 on the list call: a feature it lacks, or a Classic
    /// org): skipped like a forbidden step.
    NotAvailable(String),
}

/// A 404 on a list call before any item came is "not available on this org" (Okta Classic lacks the Identity
/// Engine lists), a warning; the step is then incomplete and nothing it produces is swept.
pub(super) fn unavailable_on_404(r: StepResult, items: u64, step: &str) -> StepResult {
    match r {
        Err(StepFailure::Okta(e)) if e.is_not_found() && items == 0 => Err(StepFailure::Unavailable(format!(
            "{step}: skipped, not available on this org (no Identity Engine?) ({e}); existing data left as it was"
        ))),
        r => r,
    }
}

impl Collector {
    pub fn new(
        client: OktaClient,
        ctx: Context,
        tx: mpsc::Sender<Records>,
        cancel: watch::Receiver<bool>,
        reporter: Arc<dyn Reporter>,
        opts: CollectOptions,
    ) -> Collector {
        let done = STEPS.iter().map(|s| (s.id, watch::channel(None).0)).collect();
        Collector {
            client,
            ctx,
            tx,
            cancel,
            reporter,
            opts,
            shared: Shared::default(),
            done,
            delta: None,
            reconcile: Mutex::default(),
            skipped: Mutex::default(),
        }
    }

    /// Makes this an incremental run working from `delta` (docs/graph.md#incremental-sync).
    pub(crate) fn incremental(mut self, delta: Delta) -> Collector {
        self.delta = Some(delta);
        self
    }

    /// Runs every enabled step, each as soon as its dependencies are done.
    pub async fn run(self) -> CollectResult {
        let window_start = self.opts.now - Duration::days(LOG_WINDOW_DAYS);
        let this = &self;
        let futures = STEPS.iter().filter(|s| this.opts.enabled.contains(&s.id)).map(|s| async move {
            let outcome = this.run_step(s, window_start).await;
            (s.id, outcome)
        });
        let outcomes: BTreeMap<StepId, StepOutcome> = futures::future::join_all(futures).await.into_iter().collect();
        let reconcile = std::mem::take(&mut *self.reconcile.lock().expect("reconcile"));
        CollectResult { outcomes, window_start, reconcile }
    }

    async fn run_step(&self, s: &'static StepDef, window_start: DateTime<FixedOffset>) -> StepOutcome {
        let mut outcome = StepOutcome { name: s.name, ..Default::default() };
        // Wait for dependencies (only those enabled: a disabled step's data comes from nowhere).
        let mut failed_deps = Vec::new();
        for d in s.depends_on {
            if !self.opts.enabled.contains(d) {
                continue;
            }
            let mut rx = self.done[d].subscribe();
            let ok = loop {
                if let Some(ok) = *rx.borrow_and_update() {
                    break ok;
                }
                if rx.changed().await.is_err() {
                    break false;
                }
            };
            if !ok {
                failed_deps.push(step(*d).name);
            }
        }
        self.reporter.step_started(s.name);
        let mut warnings = Vec::new();
        let result = if *self.cancel.borrow() {
            Err(StepFailure::Interrupted)
        } else {
            let r = self.collect(s.id, window_start, &mut outcome.items, &mut warnings).await;
            match (r, failed_deps.is_empty()) {
                (Ok(()), false) => Err(StepFailure::Dependency(failed_deps)),
                (r, _) => r,
            }
        };
        outcome.warnings = warnings;
        match result {
            Ok(()) => outcome.complete = true,
            Err(StepFailure::Okta(e)) if e.is_forbidden() && s.privileged => {
                outcome.forbidden = true;
                outcome.warnings.push(format!("{}: skipped, the token lacks permission ({}); existing data left as it was", s.name, e));
            }
            Err(StepFailure::Okta(e)) => {
                outcome.auth_failed = e.is_auth();
                outcome.error = Some(e.to_string());
            }
            Err(StepFailure::NotAvailable(e)) => {
                outcome.forbidden = true;
                outcome.warnings.push(format!("{}: skipped, not available on this org ({e}); existing data left as it was", s.name));
            }
            Err(StepFailure::Dependency(deps)) if self.all_skipped(s) => {
                outcome.forbidden = true;
                outcome.warnings.push(format!("{}: skipped because {} was skipped; existing data left as it was", s.name, deps.join(", ")));
            }
            Err(StepFailure::Interrupted) => outcome.error = Some("interrupted".into()),
            Err(StepFailure::WriterGone) => outcome.error = Some("the graph writer stopped".into()),
            Err(StepFailure::Dependency(deps))
                if s.privileged && {
                    let skipped = self.skipped.lock().expect("skipped");
                    deps.iter().all(|d| crate::collect::step_by_name(d).is_some_and(|d| skipped.contains(&d.id)))
                } =>
            {
                outcome.forbidden = true;
                outcome.warnings.push(format!(
                    "{}: skipped because {} could not be read; existing data left as it was",
                    s.name,
                    deps.join(", ")
                ));
            }
            Err(StepFailure::Dependency(deps)) => outcome.error = Some(format!("incomplete because {} did not complete", deps.join(", "))),
            Err(StepFailure::Incomplete(why)) => outcome.error = Some(why),
            Err(StepFailure::Unavailable(why)) => {
                outcome.forbidden = true;
                outcome.warnings.push(why);
            }
        }
        if outcome.forbidden {
            self.skipped.lock().expect("skipped").insert(s.id);
        }
        // `send_replace`, not `send`: `send` stores nothing when no receiver exists at that moment, and a
        // step subscribes to its dependencies one after the other, so it may subscribe to this one only after
        // it finished. It then waited forever for a value never stored: a sync that hung with nothing in
        // flight, seen under load (a dependency finishing before an earlier-listed one).
        self.done[&s.id].send_replace(Some(outcome.complete));
        self.reporter.step_finished(s.name, &outcome);
        outcome
    }

    /// Whether every enabled dependency of `s` that did not complete was skipped (forbidden or not available).
    fn all_skipped(&self, s: &StepDef) -> bool {
        let skipped = self.skipped.lock().expect("skipped");
        s.depends_on.iter().filter(|d| self.opts.enabled.contains(d)).any(|d| skipped.contains(d))
            && s.depends_on.iter().all(|d| !self.opts.enabled.contains(d) || skipped.contains(d) || self.done[d].borrow().unwrap_or(false))
    }

    /// The step's own work; each lives in its own file.
    async fn collect(&self, id: StepId, window_start: DateTime<FixedOffset>, items: &mut u64, warnings: &mut Vec<String>) -> StepResult {
        if self.delta.is_some() {
            return self.collect_delta(id, window_start, items, warnings).await;
        }
        self.collect_full(id, window_start, items, warnings).await
    }

    /// A full sync's step.
    async fn collect_full(
        &self,
        id: StepId,
        window_start: DateTime<FixedOffset>,
        items: &mut u64,
        warnings: &mut Vec<String>,
    ) -> StepResult {
        match id {
            StepId::Account => self.account(warnings).await,
            StepId::Users => self.users(items).await,
            StepId::Employees => Ok(()), // produced with the users, from the same list
            StepId::Groups => self.groups(items).await,
            StepId::Memberships => self.memberships(items).await,
            StepId::Applications => self.applications(items).await,
            StepId::AppAssignments => self.app_assignments(items).await,
            StepId::Factors => self.factors(items).await,
            StepId::Roles => self.roles(items).await,
            StepId::Rules => self.rules(items).await,
            StepId::SystemLog => self.system_log(window_start, items).await,
            StepId::Policies => self.policies(items, warnings).await,
            StepId::RoleTargets => self.role_targets(items).await,
            StepId::Authenticators => self.authenticators(items).await,
            StepId::Devices => self.devices(items).await,
            StepId::IdentityProviders => self.identity_providers(items).await,
            StepId::TrustedOrigins => self.trusted_origins(items).await,
            StepId::NetworkZones => self.network_zones(items).await,
            StepId::ApiTokens => self.api_tokens(items).await,
            StepId::UserTypes => self.user_types(items).await,
            StepId::UserTypeAssignments => self.user_type_assignments(items).await,
            StepId::LogStreams => self.log_streams(items).await,
            StepId::EventHooks => self.event_hooks(items).await,
        }
    }

    /// An incremental run's step: what changed only (docs/graph.md#incremental-sync). Steps without a variant
    /// of their own read as in a full sync.
    async fn collect_delta(
        &self,
        id: StepId,
        window_start: DateTime<FixedOffset>,
        items: &mut u64,
        warnings: &mut Vec<String>,
    ) -> StepResult {
        match id {
            StepId::Users => self.users_delta(items).await,
            StepId::Groups => self.groups_delta(items).await,
            StepId::Memberships => self.memberships_delta(items).await,
            StepId::Applications => self.applications_delta(items).await,
            StepId::AppAssignments => self.app_assignments_delta(items).await,
            StepId::Factors => self.factors_delta(items).await,
            StepId::Roles => self.roles_delta(items).await,
            StepId::SystemLog => self.system_log_delta(items).await,
            _ => self.collect_full(id, window_start, items, warnings).await,
        }
    }

    pub(super) fn progress(&self, step: &str, items: u64) {
        self.reporter.step_items(step, items, &self.client.stats().total());
    }

    /// Hands records to the graph writer (nothing when there are none).
    pub(super) async fn send(&self, records: Records) -> StepResult {
        if records.is_empty() {
            return Ok(());
        }
        self.tx.send(records).await.map_err(|_| StepFailure::WriterGone)
    }

    pub(super) fn check_cancel(&self) -> StepResult {
        if *self.cancel.borrow() {
            Err(StepFailure::Interrupted)
        } else {
            Ok(())
        }
    }
}
