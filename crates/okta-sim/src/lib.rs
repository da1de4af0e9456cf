//! Okta simulator: a deterministic fake org ([`Org`]) served over loopback HTTP ([`SimServer`]) with the
//! Management API shapes, pagination, per-bucket rate limits, error bodies and injectable faults
//! described in `reference/okta-api.md`.
//!
//! ## Dump / fixture format ([`Org::dump_json`], [`Org::from_fixture_json`])
//! One JSON object; every key is optional when reading a fixture:
//! - `base_url`: the URL the org was served from (the server overwrites it on start).
//! - `org`: the `GET /api/v1/org` body without `_links`; `okta_support`: the oktaSupport body without `_links`.
//! - `users`, `groups`, `group_rules`, `apps`: arrays of the objects exactly as the API lists them, minus
//!   `_links`/`_embedded` (user profiles keep custom attributes such as `costCenter` or `github.username`).
//! - `group_members`: `{groupId: [userId, ...]}`, every member of any status (rule-added ones too).
//! - `app_users` / `app_groups`: `{appId: [item, ...]}` as `/apps/{id}/users` and `/apps/{id}/groups` list them.
//! - `factors`: `{userId: [factor, ...]}`.
//! - `roles`: role assignments as `/users/{id}/roles` shows them, plus `assignee` (a user or group id;
//!   served as `_links.assignee`) and `assignmentType` `USER` or `GROUP`.
//! - `logs`: System Log events verbatim (absolute `published` times; 90-day retention applies when served),
//!   in persistence order (see below). Loading a fixture or serving an org sorts them by `published`.
//! - `identity_engine`: `true` (the default) for an Okta Identity Engine org, `false` for a Classic Engine
//!   one (which answers a list of Identity Engine policy types with 400 E0000002, whose apps have no
//!   `_links.accessPolicy`, and whose `/api/v1/authenticators` and `/api/v1/devices` answer 404).
//! - `policies`: policies of every type as `GET /api/v1/policies?type=...` lists them, minus `_links`;
//!   `policy_rules`: `{policyId: [rule, ...]}` as `/policies/{id}/rules` lists them, minus `_links`;
//!   `app_access_policies`: `{appId: policyId}`, the app sign-in policy served as the app's `_links.accessPolicy`.
//! - `role_targets` (`{roleAssignmentId: {"groups": [groupId], "apps": [{"name", "id"?}]}}`),
//!   `resource_sets` (`{resourceSetId: [{"id", "orn"}]}`), `custom_roles` (`{customRoleId: [permission]}`),
//!   `authenticators` (the list's items without `_links`), `devices` (`[{"device": {...}, "users": [{"userId",
//!   "created", "managementStatus", "screenLockType"}]}]`): see `src/scopes.rs`.
//! - `churn_deck`: simulator bookkeeping written only after churn (the change kinds still to deal).
//! - `catalog`: `{"idps", "trusted_origins", "zones", "api_tokens", "user_types", "log_streams", "event_hooks"}`,
//!   each an array of objects exactly as the API lists them (API tokens without a value, as Okta lists them), and
//!   `log_streaming` (default true; false: the org lacks log streaming and `/logStreams` is a 404). A
//!   generated org's users are spread over its user types (`type.id`). See the `catalog` module.
//!
//! Ordering: lists are served in id order; `after` cursors are ids (`{ms}_{uuid}` for logs). System Log
//! polling requests (no `until`, ascending) page in persistence order, the order of [`Org::logs`]: events
//! a change appends come after everything already there even when their `published` is older (a "late"
//! event). A polling cursor names the last event returned, and with `after` the `since` of the first
//! request no longer applies (Okta keeps it in its `next` links). Bounded (`until`) and descending
//! requests page in (`published`, uuid) order.
//!
//! ## The org changes
//! [`Org`]'s mutation methods (`create_user`, `deactivate_user`, `add_group_member`, `assign_group_to_app`,
//! `create_rule`, ... in `src/mutate/`) change the org the way Okta does: they stamp `lastUpdated` (and a
//! group's `lastMembershipUpdated`) and append the System Log events Okta writes, with Okta's event types
//! and `target` shapes, actor an admin of the org (Okta's `SystemPrincipal` for rule-driven memberships).
//! Group rules are the exception: Okta has no event type for a rule's lifecycle, so creating or deleting a
//! rule writes none (the memberships a new rule adds are logged). [`Org::churn`] applies a seeded mix of
//! them; some changes are "late" (stamped up to 60 s back but appended now).
//!
//! ## Simulator endpoints (not Okta's)
//! `POST /sim/churn` with an optional JSON body `{"fraction": 0.01, "seed": 1}` (the defaults; `fraction`
//! in (0, 1]) runs [`Org::churn`] on the served org now and answers 200 with the [`ChurnReport`]
//! (`{"changes", "byKind", "events", "late", "changed": [{"kind", "ids", "late", "published"}]}`). It
//! needs the super-admin SSWS token (none: 401 E0000011, another: 403 E0000006); a bad body or fraction is
//! 400 E0000001. It is not rate limited, faulted or counted in [`SimStats`].
//!
//! ## Tokens
//! `SSWS` tokens are `00` + 40 alphanumerics, random per server start (super admin and read-only admin).
//! OAuth access tokens from `POST /oauth2/v1/token` are `eyJ` + 80 alphanumerics, valid 1 h, limited to their scopes.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use okta_sim::*;
//! let org = Org::generate(&OrgSpec { users: 50, seed: 7 }, "http://127.0.0.1:0");
//! let server = SimServer::start(org, SimOptions::default()).await?;
//! println!("{} {}", server.base_url(), server.super_admin_token());
//! server.shutdown().await;
//! # Ok(()) }
//! ```

mod api;
mod catalog;
mod churn;
mod events;
mod filter;
mod generate;
pub mod model;
mod mutate;
mod policies;
mod rules;
mod scopes;
mod server;

use std::time::Duration;

pub use catalog::Catalog;
pub use churn::{churn_kinds, ChurnChange, ChurnReport};
// The org's object types live in [`model`]; these are the ones tests name most.
pub use model::{AppUser, Org, User};
pub use mutate::{RuleCreated, SimRng, GRANTABLE_ROLES};
pub use server::{SimServer, SimStats};

/// Size and seed of a generated org. Derived sizes for N users: groups ≈ max(5, N/20) OKTA_GROUPs
/// + N/100 APP_GROUPs + Everyone, rules max(2, N/500), apps clamp(N/50, 5, 300).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgSpec {
    pub users: usize,
    pub seed: u64,
}

impl Org {
    /// Deterministic for (users, seed) within one UTC day (times are relative to today's midnight UTC).
    pub fn generate(spec: &OrgSpec, base_url: &str) -> Org {
        generate::generate(spec, base_url)
    }

    /// Reads an org in the [`Org::dump_json`] format; every top-level key is optional.
    pub fn from_fixture_json(s: &str) -> Result<Org, String> {
        let de = &mut serde_json::Deserializer::from_str(s);
        let mut org: Org = serde_path_to_error::deserialize(de).map_err(|e| format!("{}: {}", e.path(), e.inner()))?;
        org.validate()?;
        org.sort_logs();
        Ok(org)
    }

    /// The whole org as pretty JSON (the fixture format).
    pub fn dump_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("org serializes")
    }
}

/// Per-minute request limits per bucket (the org-wide figure; see [`SimOptions::token_share`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketLimits {
    pub users: u32,
    pub groups: u32,
    pub apps: u32,
    pub logs: u32,
    pub other: u32,
}

impl Default for BucketLimits {
    /// The limits observed on a developer org.
    fn default() -> Self {
        BucketLimits { users: 600, groups: 500, apps: 100, logs: 120, other: 1200 }
    }
}

/// Injected failures; each `*_rate` is a probability per request, drawn from an RNG seeded with `seed`.
#[derive(Debug, Default, Clone)]
pub struct Faults {
    /// 500 with an E0000009 body (sometimes 502/503 with an HTML body).
    pub error_5xx_rate: f64,
    /// Sleep `slow_delay` before answering.
    pub slow_rate: f64,
    pub slow_delay: Duration,
    /// Drop the connection mid-response.
    pub drop_rate: f64,
    /// A 200 whose JSON body is truncated.
    pub malformed_rate: f64,
    /// Omit the `X-Rate-Limit-*` headers on every response.
    pub missing_rate_limit_headers: bool,
    /// 429 with `X-Rate-Limit-Limit: 0`, `Remaining: 0` (a concurrency-limit answer).
    pub concurrency_429_rate: f64,
    /// Path prefixes that always answer 500, e.g. `/api/v1/groups`.
    pub fail_paths: Vec<String>,
    pub seed: u64,
}

#[derive(Debug, Clone)]
pub struct SimOptions {
    /// 0 = any free port.
    pub port: u16,
    /// 1.0 = real 60 s rate-limit windows; 60.0 = 1 s windows.
    pub time_scale: f64,
    pub rate_limits: bool,
    pub limits: BucketLimits,
    /// Fraction of a bucket one token may use (real Okta default is 0.5); `X-Rate-Limit-Limit` shows the per-token figure.
    pub token_share: f64,
    /// Maximum in-flight requests before a concurrency 429.
    pub concurrency_limit: usize,
    pub faults: Faults,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            port: 0,
            time_scale: 1.0,
            rate_limits: true,
            limits: BucketLimits::default(),
            token_share: 1.0,
            concurrency_limit: 75,
            faults: Faults::default(),
        }
    }
}

#[cfg(test)]
mod churn_tests;
#[cfg(test)]
mod mutate_tests;
#[cfg(test)]
mod server_tests;
#[cfg(test)]
mod tests;
