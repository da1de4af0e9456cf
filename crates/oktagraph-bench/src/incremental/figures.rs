//! The incremental scenario's figures and targets (issue #12), computed from the child syncs' reports.

use crate::bound::Bound;
use crate::child::{ChildReport, CountFig};
use crate::db::FpDiff;
use std::collections::BTreeMap;

/// Incremental calls ÷ full-sync calls after 1% churn.
pub(crate) const INCREMENTAL_TARGET: f64 = 0.05;
/// Calls of a re-sync with no change ÷ full-sync calls.
pub(crate) const NO_CHANGE_TARGET: f64 = 0.01;

/// One child sync of the scenario.
#[derive(Debug, Clone, Default)]
pub(crate) struct Step {
    pub(crate) report: ChildReport,
    /// The child process's wall time, start-up included.
    pub(crate) wall: f64,
    /// Requests the simulator received during the step.
    pub(crate) sim_requests: u64,
    /// Its rate-limit bound in Okta's time (60 s windows): the shortest interval at which such syncs can
    /// follow one another within `rate_limit_share`.
    pub(crate) okta_bound: Bound,
}

impl Step {
    /// Client calls, 429s and retries included.
    pub(crate) fn calls(&self) -> u64 {
        self.report.buckets.values().map(|b| b.requests).sum()
    }

    pub(crate) fn counts(&self) -> CountFig {
        let mut sum = CountFig::default();
        for c in self.report.counts.values() {
            sum.add(c);
        }
        sum
    }

    /// Objects the sync changed in the graph by the writer's own counts.
    pub(crate) fn changes(&self) -> u64 {
        let c = self.counts();
        c.created + c.updated + c.deleted + c.undeleted
    }
}

/// What the churn did to the org between the full and the incremental sync.
#[derive(Debug, Clone, Default)]
pub(crate) struct Churn {
    pub(crate) fraction: f64,
    pub(crate) seed: u64,
    pub(crate) changes: usize,
    pub(crate) events: usize,
    pub(crate) late: usize,
    pub(crate) by_kind: BTreeMap<String, usize>,
}

/// Every figure of one incremental scenario.
#[derive(Debug, Clone, Default)]
pub(crate) struct IncrementalResult {
    pub(crate) users: usize,
    pub(crate) groups: usize,
    pub(crate) apps: usize,
    pub(crate) time_scale: f64,
    pub(crate) rate_limit_share: f64,
    pub(crate) full: Step,
    pub(crate) churn: Churn,
    pub(crate) incremental: Step,
    pub(crate) no_change: Step,
    pub(crate) full_after: Step,
    /// The account's nodes and relationships before and after the full sync that follows.
    pub(crate) full_after_nodes: FpDiff,
    pub(crate) full_after_rels: FpDiff,
}

/// One verdict for the target summary.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Target {
    pub(crate) name: String,
    pub(crate) pass: Option<bool>,
    pub(crate) figure: String,
}

/// `a ÷ b`, 0 when nothing was divided by.
pub(crate) fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

impl IncrementalResult {
    pub(crate) fn incremental_ratio(&self) -> f64 {
        ratio(self.incremental.calls(), self.full.calls())
    }

    pub(crate) fn no_change_ratio(&self) -> f64 {
        ratio(self.no_change.calls(), self.full.calls())
    }

    /// Incremental calls per churn change.
    pub(crate) fn calls_per_change(&self) -> f64 {
        ratio(self.incremental.calls(), self.churn.changes as u64)
    }

    /// Objects the full sync afterwards found different from the graph: its writer counts and the database
    /// fingerprints (bookkeeping `_lastSeenOn` excluded).
    pub(crate) fn full_after_differences(&self) -> u64 {
        let (n, r) = (&self.full_after_nodes, &self.full_after_rels);
        self.full_after.changes() + (n.changed + n.created + n.removed + r.changed + r.created + r.removed) as u64
    }

    /// The incremental scenario's targets, for the summary.
    pub(crate) fn targets(&self) -> Vec<Target> {
        let mode_is = |s: &Step, want: &str| s.report.mode == want;
        let r = self.incremental_ratio();
        let nc = self.no_change_ratio();
        let (n, rl) = (&self.full_after_nodes, &self.full_after_rels);
        vec![
            Target {
                name: format!("incremental: calls ≤ {INCREMENTAL_TARGET} × full sync after 1% churn"),
                pass: Some(mode_is(&self.incremental, "incremental") && r <= INCREMENTAL_TARGET),
                figure: format!(
                    "{r:.4} ({} / {} calls, {} mode)",
                    self.incremental.calls(),
                    self.full.calls(),
                    self.incremental.report.mode
                ),
            },
            Target {
                name: format!("incremental: no-change re-sync calls ≤ {NO_CHANGE_TARGET} × full sync"),
                pass: Some(mode_is(&self.no_change, "incremental") && nc <= NO_CHANGE_TARGET),
                figure: format!("{nc:.4} ({} / {} calls, {} mode)", self.no_change.calls(), self.full.calls(), self.no_change.report.mode),
            },
            Target {
                name: "incremental: a --full sync afterwards changes nothing".to_string(),
                pass: Some(mode_is(&self.full_after, "full") && self.full_after_differences() == 0),
                figure: format!(
                    "writer: {} changed; database: changed {} nodes / {} rels, created {} / {}, deleted {} / {}",
                    self.full_after.changes(),
                    n.changed,
                    rl.changed,
                    n.created,
                    rl.created,
                    n.removed,
                    rl.removed
                ),
            },
        ]
    }
}
