//! The org's trust and egress configuration: identity providers, trusted origins, network zones, API tokens,
//! user types (and each user's type), log streams and event hooks. One step per list, each read in full (a few
//! calls); `user_type_assignments` links the users the users step listed to their types.
//!
//! An org that lacks one of these lists (a feature not enabled, e.g. log streaming) answers 404 on the list
//! call: the step is skipped with a warning, like a forbidden one ([`StepFailure::NotAvailable`]).

use super::delta::scope;
use super::scheduler::{StepFailure, StepResult};
use super::Collector;
use crate::graph::reconcile::{End, Reconcile};
use crate::model::{self, kinds, Records};
use serde_json::Value;

/// `GET /api/v1/idps` page size: Okta's documented maximum, 200 (default 20; Identity Providers API).
const IDPS_PAGE: usize = 200;
/// `GET /api/v1/trustedOrigins` page size: Okta's documented maximum, 200 (default 20; Trusted Origins API).
const TRUSTED_ORIGINS_PAGE: usize = 200;
/// `GET /api/v1/api-tokens` page size: Okta's documented maximum, 200 (default 20; API Tokens API).
const API_TOKENS_PAGE: usize = 200;
/// `GET /api/v1/logStreams` page size: Okta's documented maximum, 200 (default 20; Log Streaming API; an org
/// has at most two).
const LOG_STREAMS_PAGE: usize = 200;

/// `GET /api/v1/zones`: Okta documents no maximum `limit` (its default, -1, returns every zone), so none is
/// sent; `next` links are followed if Okta gives any.
const ZONES_PATH: &str = "/api/v1/zones";
/// `GET /api/v1/meta/types/user`: not paged (User Types API).
const USER_TYPES_PATH: &str = "/api/v1/meta/types/user";
/// `GET /api/v1/eventHooks`: not paged (Event Hooks API; at most 10 per org).
const EVENT_HOOKS_PATH: &str = "/api/v1/eventHooks";

/// HAS_TYPE edges handed to the writer at a time.
const EDGES_PER_SEND: usize = 1000;

fn idps_path() -> String {
    format!("/api/v1/idps?limit={IDPS_PAGE}")
}

fn trusted_origins_path() -> String {
    format!("/api/v1/trustedOrigins?limit={TRUSTED_ORIGINS_PAGE}")
}

fn api_tokens_path() -> String {
    format!("/api/v1/api-tokens?limit={API_TOKENS_PAGE}")
}

fn log_streams_path() -> String {
    format!("/api/v1/logStreams?limit={LOG_STREAMS_PAGE}")
}

impl Collector {
    /// Lists `path` in full, mapping each item with `f`. A 404 before any item means the org does not have
    /// this list: [`StepFailure::NotAvailable`].
    async fn catalog_list(&self, path: &str, step: &str, items: &mut u64, f: impl Fn(&Value) -> Option<Records>) -> StepResult {
        let mut seen = false;
        let r = self
            .each_page(path, step, items, |v| {
                seen = true;
                f(v).unwrap_or_default()
            })
            .await;
        match r {
            Err(StepFailure::Okta(e)) if e.is_not_found() && !seen => Err(StepFailure::NotAvailable(e.to_string())),
            other => other,
        }
    }

    pub(super) async fn identity_providers(&self, items: &mut u64) -> StepResult {
        self.catalog_list(&idps_path(), "identity_providers", items, |v| model::identity_provider(&self.ctx, v)).await
    }

    pub(super) async fn trusted_origins(&self, items: &mut u64) -> StepResult {
        self.catalog_list(&trusted_origins_path(), "trusted_origins", items, |v| model::trusted_origin(&self.ctx, v)).await
    }

    pub(super) async fn network_zones(&self, items: &mut u64) -> StepResult {
        self.catalog_list(ZONES_PATH, "network_zones", items, |v| model::network_zone(&self.ctx, v)).await
    }

    pub(super) async fn api_tokens(&self, items: &mut u64) -> StepResult {
        self.catalog_list(&api_tokens_path(), "api_tokens", items, |v| model::api_token(&self.ctx, v)).await
    }

    pub(super) async fn user_types(&self, items: &mut u64) -> StepResult {
        self.catalog_list(USER_TYPES_PATH, "user_types", items, |v| model::user_type(&self.ctx, v)).await
    }

    pub(super) async fn log_streams(&self, items: &mut u64) -> StepResult {
        self.catalog_list(&log_streams_path(), "log_streams", items, |v| model::log_stream(&self.ctx, v)).await
    }

    pub(super) async fn event_hooks(&self, items: &mut u64) -> StepResult {
        self.catalog_list(EVENT_HOOKS_PATH, "event_hooks", items, |v| model::event_hook(&self.ctx, v)).await
    }

    /// Every listed user's HAS_TYPE edge, from the users step's list (no call of its own). On an incremental
    /// run the users step lists the changed users only: their edges are read again (and what they no longer
    /// have is reconciled), as are deleted users'.
    pub(super) async fn user_type_assignments(&self, items: &mut u64) -> StepResult {
        let users = self.shared.users();
        if let Some(d) = &self.delta {
            let mut covered = Reconcile::default();
            for u in users.iter().map(|u| &u.id).chain(&d.changes.deleted_users) {
                covered.edges.push(scope(&kinds::USER_HAS_TYPE_USER_TYPE, End::From, u));
            }
            self.covered(covered);
        }
        for chunk in users.chunks(EDGES_PER_SEND) {
            let mut recs = Records::default();
            for u in chunk {
                if let Some(t) = &u.type_id {
                    recs.extend(model::user_has_type(&self.ctx, &u.id, t));
                }
            }
            *items += recs.len() as u64;
            self.progress("user_type_assignments", *items);
            self.send(recs).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn catalog_paths() {
        assert_eq!(super::idps_path(), "/api/v1/idps?limit=200");
        assert_eq!(super::trusted_origins_path(), "/api/v1/trustedOrigins?limit=200");
        assert_eq!(super::api_tokens_path(), "/api/v1/api-tokens?limit=200");
        assert_eq!(super::log_streams_path(), "/api/v1/logStreams?limit=200");
    }
}
