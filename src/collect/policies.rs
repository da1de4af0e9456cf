//! The policies step: every policy of the types below, each policy's rules, and the apps each app sign-in
//! policy is assigned to (from the applications step's `_links.accessPolicy`).
//!
//! Okta's Policy API documents `limit` and `after` on both lists but no default or maximum page size, so no
//! `limit` is sent: Okta's own page size applies and the `next` links are followed. Reading policies needs
//! `okta.policies.read`; read-only admins can view them (Okta help, "Read-only administrators": sign-on
//! policies), so the step is not privileged.

use super::scheduler::{StepFailure, StepResult};
use super::Collector;
use crate::model;
use crate::okta::OktaError;
use std::collections::BTreeSet;

/// The policy types read, and whether Okta serves the type only on Identity Engine orgs (the Policy API's
/// `PolicyType`: ACCESS_POLICY "App sign-in policy" and PROFILE_ENROLLMENT "User profile policy" are OIE).
pub(super) const POLICY_TYPES: &[(&str, bool)] =
    &[("OKTA_SIGN_ON", false), ("ACCESS_POLICY", true), ("MFA_ENROLL", false), ("PASSWORD", false), ("PROFILE_ENROLLMENT", true)];

fn policies_path(policy_type: &str) -> String {
    format!("/api/v1/policies?type={policy_type}")
}

fn rules_path(policy_id: &str) -> String {
    format!("/api/v1/policies/{policy_id}/rules")
}

/// A Classic Engine org answers a list of an Identity Engine policy type with 400 E0000002 ("The request
/// was not valid: Invalid policy type specified", as reported against `GET /api/v1/policies?type=ACCESS_POLICY`
/// in okta/terraform-provider-okta#1202); a 404 means the same.
fn type_unavailable(e: &OktaError) -> bool {
    e.is_not_found() || matches!(e, OktaError::Api { status: 400, .. })
}

impl Collector {
    pub(super) async fn policies(&self, items: &mut u64, warnings: &mut Vec<String>) -> StepResult {
        let ctx = &self.ctx;
        let group_kind = |g: &str| self.shared.group_kind(g);
        let mut policy_ids: Vec<String> = Vec::new();
        for (policy_type, oie_only) in POLICY_TYPES {
            let mut listed = 0u64;
            let r = self
                .each_sub_page(&policies_path(policy_type), |p| {
                    listed += 1;
                    policy_ids.extend(model::object_id(p).map(String::from));
                    model::policy(ctx, p, group_kind).unwrap_or_default()
                })
                .await;
            match r {
                Ok(n) => {
                    *items += n;
                    self.progress("policies", *items);
                }
                Err(StepFailure::Okta(e)) if *oie_only && listed == 0 && type_unavailable(&e) => {
                    warnings.push(format!(
                        "policies: {policy_type} policies are not available on this org (Identity Engine only; Okta answered: {e}); none read"
                    ));
                }
                Err(e) => return Err(e),
            }
        }
        // The apps each listed app sign-in policy is assigned to (a policy not listed has no node to link).
        let listed: BTreeSet<&str> = policy_ids.iter().map(String::as_str).collect();
        let assigned = self
            .shared
            .app_access_policies()
            .into_iter()
            .filter(|(_, p)| listed.contains(p.as_str()))
            .map(|(app, p)| model::policy_assigned_application(ctx, &p, &app))
            .collect();
        self.send(model::Records::of_edges(assigned)).await?;

        let read_rules = |pid: String| async move {
            self.each_sub_page(&rules_path(&pid), |r| model::policy_rule(ctx, &pid, r, group_kind).unwrap_or_default()).await
        };
        self.each_object("policies", "policy", policy_ids, |p| p, read_rules, items).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_paths() {
        assert_eq!(policies_path("OKTA_SIGN_ON"), "/api/v1/policies?type=OKTA_SIGN_ON");
        assert_eq!(rules_path("00p1"), "/api/v1/policies/00p1/rules");
    }

    #[test]
    fn only_a_bad_request_or_not_found_means_the_type_is_unavailable() {
        let api = |status| OktaError::Api {
            status,
            error_code: Some("E0000002".into()),
            error_summary: String::new(),
            error_id: None,
            url: String::new(),
        };
        assert!(type_unavailable(&api(400)));
        assert!(!type_unavailable(&api(500)));
        let forbidden = OktaError::Forbidden { url: String::new(), error_code: None, error_summary: String::new(), error_id: None };
        assert!(!type_unavailable(&forbidden));
    }
}
