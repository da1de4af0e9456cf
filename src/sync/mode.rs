//! Full or incremental (docs/graph.md#incremental-sync): a sync is incremental when the account's last run
//! succeeded and left a change-feed cursor that is still usable; otherwise, or when asked, it is full. The
//! choice and its reason are shown and recorded on the run.

use crate::graph::known::PreviousRuns;
use chrono::{DateTime, Duration, FixedOffset};
use std::collections::BTreeSet;

/// Which kind of sync ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncMode {
    /// Everything read, and every complete step's types swept.
    Full,
    /// Only what changed since the last run read, and soft-deleted where it was read again.
    Incremental,
}

impl SyncMode {
    pub fn as_str(&self) -> &'static str {
        match self {
            SyncMode::Full => "full",
            SyncMode::Incremental => "incremental",
        }
    }
}

/// How often a full sync is forced (`full_sync_interval`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FullSyncInterval {
    /// Every sync is full (`"always"`): incremental syncs are off.
    Always,
    Every(std::time::Duration),
}

/// The default `full_sync_interval`: a daily full sync catches whatever the change feed could not show (an
/// Okta change that writes no event), and bounds how long such a difference can last.
pub const DEFAULT_FULL_SYNC_INTERVAL: FullSyncInterval = FullSyncInterval::Every(std::time::Duration::from_secs(24 * 3600));

/// How old a cursor may be. The System Log keeps 90 days; a cursor near that edge could point at events
/// already gone, so ten days of margin.
pub(crate) const MAX_CURSOR_AGE: Duration = Duration::days(80);

/// The mode a sync runs in, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeChoice {
    pub mode: SyncMode,
    pub reason: String,
}

impl ModeChoice {
    pub(crate) fn full(reason: impl Into<String>) -> ModeChoice {
        ModeChoice { mode: SyncMode::Full, reason: reason.into() }
    }
}

/// What a sync is asked to do, for [`choose`].
pub(crate) struct ModeRequest<'a> {
    pub force_full: bool,
    pub interval: FullSyncInterval,
    /// Names of the steps this sync runs.
    pub steps: &'a BTreeSet<&'static str>,
    pub now: DateTime<FixedOffset>,
}

/// Chooses the mode from the account's previous runs.
pub(crate) fn choose(req: &ModeRequest<'_>, previous: &PreviousRuns) -> ModeChoice {
    if req.force_full {
        return ModeChoice::full("--full was given");
    }
    let FullSyncInterval::Every(interval) = req.interval else {
        return ModeChoice::full("full_sync_interval is \"always\"");
    };
    let Some(last) = &previous.last else { return ModeChoice::full("first sync of this account") };
    if last.status != "success" {
        return ModeChoice::full(format!("the last run ended {}", last.status));
    }
    let Some(_) = &last.cursor else { return ModeChoice::full("the last run left no System Log cursor") };
    if req.now - last.started > MAX_CURSOR_AGE {
        return ModeChoice::full(format!("the last run is more than {} days old (the System Log keeps 90)", MAX_CURSOR_AGE.num_days()));
    }
    let missing: Vec<&str> = req.steps.iter().copied().filter(|s| !last.steps_run.iter().any(|c| c == s)).collect();
    if !missing.is_empty() {
        return ModeChoice::full(format!("the last run did not run {}", missing.join(", ")));
    }
    let interval = Duration::from_std(interval).unwrap_or(Duration::MAX);
    match previous.last_full_sync {
        None => return ModeChoice::full("no successful full sync on record"),
        Some(full) if req.now - full >= interval => {
            return ModeChoice::full(format!("the last full sync is older than full_sync_interval ({})", human(interval)))
        }
        Some(_) => {}
    }
    ModeChoice { mode: SyncMode::Incremental, reason: format!("changes since the run of {}", last.started.to_rfc3339()) }
}

fn human(d: Duration) -> String {
    if d.num_seconds() % 3600 == 0 {
        format!("{}h", d.num_hours())
    } else if d.num_seconds() % 60 == 0 {
        format!("{}m", d.num_minutes())
    } else {
        format!("{}s", d.num_seconds())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::known::LastRun;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn previous(status: &str, started: &str, full: Option<&str>) -> PreviousRuns {
        PreviousRuns {
            last: Some(LastRun {
                status: status.into(),
                started: t(started),
                cursor: Some("/api/v1/logs?after=1".into()),
                steps_run: vec!["users".into(), "groups".into()],
            }),
            last_full_sync: full.map(t),
        }
    }

    #[test]
    fn incremental_only_after_a_usable_successful_run() {
        let steps: BTreeSet<&str> = ["users", "groups"].into();
        let req = ModeRequest { force_full: false, interval: DEFAULT_FULL_SYNC_INTERVAL, steps: &steps, now: t("2026-11-30T12:00:00Z") };
        let ok = previous("success", "2026-11-30T11:00:00Z", Some("2026-11-30T01:00:00Z"));
        assert_eq!(choose(&req, &ok).mode, SyncMode::Incremental);
        assert_eq!(choose(&req, &ok).reason, "changes since the run of 2026-11-30T11:00:00+00:00");

        let reason = |req: &ModeRequest, p: &PreviousRuns| choose(req, p).reason;
        assert_eq!(reason(&ModeRequest { force_full: true, ..req }, &ok), "--full was given");
        assert_eq!(reason(&ModeRequest { interval: FullSyncInterval::Always, ..req }, &ok), "full_sync_interval is \"always\"");
        assert_eq!(reason(&req, &PreviousRuns::default()), "first sync of this account");
        assert_eq!(reason(&req, &previous("partial", "2026-11-30T11:00:00Z", None)), "the last run ended partial");
        let mut no_cursor = ok.clone();
        no_cursor.last.as_mut().unwrap().cursor = None;
        assert_eq!(reason(&req, &no_cursor), "the last run left no System Log cursor");
        assert_eq!(
            reason(&req, &previous("success", "2026-09-01T11:00:00Z", Some("2026-09-01T11:00:00Z"))),
            "the last run is more than 80 days old (the System Log keeps 90)"
        );
        let more: BTreeSet<&str> = ["users", "groups", "factors"].into();
        assert_eq!(reason(&ModeRequest { steps: &more, ..req }, &ok), "the last run did not run factors");
        assert_eq!(
            reason(&req, &previous("success", "2026-11-30T11:00:00Z", Some("2026-11-29T11:00:00Z"))),
            "the last full sync is older than full_sync_interval (24h)"
        );
        assert_eq!(reason(&req, &previous("success", "2026-11-30T11:00:00Z", None)), "no successful full sync on record");
    }
}
