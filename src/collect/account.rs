//! The account step: the org's settings and Okta support status, the account node and its services.

use super::scheduler::{StepFailure, StepResult};
use super::Collector;
use crate::model;
use crate::okta::OktaError;
use serde_json::Value;

const ORG_PATH: &str = "/api/v1/org";
/// Readable by super admins only.
const SUPPORT_PATH: &str = "/api/v1/org/privacy/oktaSupport";

impl Collector {
    pub(super) async fn account(&self, warnings: &mut Vec<String>) -> StepResult {
        let org =
            readable(self.client.get_json::<Value>(ORG_PATH).await, warnings, |e| format!("account: org settings not readable ({e})"))?;
        let support = readable(self.client.get_json::<Value>(SUPPORT_PATH).await, warnings, |e| {
            format!("account: Okta support access not readable without a super admin token ({e}); supportEnabled left as it was")
        })?;
        let mut recs = model::services(&self.ctx);
        let mut account = model::account(&self.ctx, org.as_ref(), support.as_ref());
        model::carry_over_unread(&mut account, org.is_some(), support.is_some(), &self.opts.previous_account);
        recs.nodes.insert(0, account);
        self.send(recs).await
    }
}

/// A settings read: a 403 means this token may not read it (a warning, and `None`); any other error fails
/// the step.
fn readable(
    read: Result<Value, OktaError>,
    warnings: &mut Vec<String>,
    warning: impl FnOnce(&OktaError) -> String,
) -> Result<Option<Value>, StepFailure> {
    match read {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_forbidden() => {
            warnings.push(warning(&e));
            Ok(None)
        }
        Err(e) => Err(StepFailure::Okta(e)),
    }
}
