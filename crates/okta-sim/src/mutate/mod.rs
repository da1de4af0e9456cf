//! Changes to the org made the way Okta makes them. Each one stamps the objects it changes
//! (`lastUpdated`, a group's `lastMembershipUpdated`) with the change's time and appends the System Log
//! events Okta writes for it, with Okta's event types and `target` shapes (see `events.rs`), so that a
//! sync reading those events and the `lastUpdated` filters can arrive at the state a full read shows.
//!
//! Every method takes the change's time `now` (the objects' stamp and the events' `published`) and a
//! [`SimRng`] for ids, uuids and the acting admin. A method that returns `Err` has changed nothing.
//! Stamps never move an object's time back: a change stamped before the object's last change (a "late"
//! change, see `churn.rs`) leaves the later time in place, while its events carry the change's own time.

mod access;
mod membership;
mod objects;
mod users;

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::Serialize;
/// Seeded randomness for the mutation methods (ids, uuids, the acting admin, picks), so that a test can
/// replay the same changes.
#[derive(Debug, Clone)]
pub struct SimRng(pub(crate) StdRng);

impl SimRng {
    pub fn seeded(seed: u64) -> SimRng {
        SimRng(StdRng::seed_from_u64(seed))
    }
}

/// What [`Org::create_rule`](crate::Org::create_rule) did: the new rule and the users it added to its group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleCreated {
    pub rule_id: String,
    pub added: Vec<String>,
}

/// Admin roles the mutations grant (CUSTOM roles need a resource set and are left to fixtures).
pub const GRANTABLE_ROLES: &[&str] = &["HELP_DESK_ADMIN", "USER_ADMIN", "APP_ADMIN", "READ_ONLY_ADMIN", "REPORT_ADMIN"];

pub(super) type Res<T> = Result<T, String>;

/// Moves `t` to `stamp` unless it is already later.
pub(super) fn later(t: &mut DateTime<Utc>, stamp: DateTime<Utc>) {
    if stamp > *t {
        *t = stamp;
    }
}

pub(super) fn later_opt(t: &mut Option<DateTime<Utc>>, stamp: DateTime<Utc>) {
    *t = Some(t.map_or(stamp, |old| old.max(stamp)));
}
