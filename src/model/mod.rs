//! Pure mapping from Okta JSON to graph records (docs/graph.md#entities, #relationships). No I/O and no clock: the [`Context`] carries
//! the account and the sync's time, so every function here is deterministic and unit-tested on real-shaped
//! JSON (nulls, missing fields, custom profile attributes).

mod app_creation;
mod catalog;
mod changes;
mod info;
pub mod kinds;
mod map;
mod policies;
mod scopes;
mod value;

pub use app_creation::{app_creation, created_edge, is_app_creation, AppCreation};
pub(crate) use app_creation::{EarliestCreations, APP_CREATION_EVENT_TYPES};
pub use catalog::{api_token, event_hook, identity_provider, log_stream, network_zone, trusted_origin, user_has_type, user_type};
pub use changes::{ChangeSet, UnusableEvent};
pub use info::AppInfo;
pub(crate) use info::{carry_over_unread, object_id, GroupInfo, UserInfo, USER_DEPROVISIONED};
pub use kinds::{NodeKind, RelKind};
pub use map::*;
pub use policies::{app_access_policy, policy, policy_assigned_application, policy_rule, rule_requires_mfa};
pub(crate) use scopes::{app_target, group_target, permission_labels, resource_scope, with_permissions, Scope};
pub use scopes::{authenticator, device, Administers, RoleGrant};
pub use value::{json_to_prop, parse_okta_time, Prop, Props};

/// One node to upsert: its kind, `_key` and full property map (bookkeeping properties added by the writer).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRecord {
    pub kind: &'static NodeKind,
    pub key: String,
    pub props: Props,
}

/// One relationship to upsert between two nodes identified by their `_key`s.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeRecord {
    pub kind: &'static RelKind,
    pub from: String,
    pub to: String,
    pub props: Props,
}

impl EdgeRecord {
    /// `<from _key>|<class>|<to _key>` (docs/graph.md#relationships).
    pub fn key(&self) -> String {
        format!("{}|{}|{}", self.from, self.kind.class, self.to)
    }
}

/// Records produced by mapping one or more Okta objects.
#[derive(Debug, Default, Clone)]
pub struct Records {
    pub nodes: Vec<NodeRecord>,
    pub edges: Vec<EdgeRecord>,
}

impl Records {
    /// Records that are relationships only.
    pub(crate) fn of_edges(edges: Vec<EdgeRecord>) -> Records {
        Records { nodes: Vec::new(), edges }
    }
    pub fn extend(&mut self, other: Records) {
        self.nodes.extend(other.nodes);
        self.edges.extend(other.edges);
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.edges.is_empty()
    }
    pub(crate) fn len(&self) -> usize {
        self.nodes.len() + self.edges.len()
    }
}

/// What the mapping needs to know about the account being synced.
#[derive(Debug, Clone)]
pub struct Context {
    /// `okta_account:<org host>`.
    pub account_key: String,
    /// Lower-cased org host, with `:port` when the org URL names one.
    pub org_host: String,
    /// Normalized org base URL, e.g. `https://acme.okta.com`.
    pub org_url: String,
    /// Base URL of the admin console (`https://acme-admin.okta.com`), used for `webLink`s.
    pub admin_url: String,
    /// The org's subdomain (`acme`).
    pub subdomain: String,
    pub account_name: String,
    pub description: Option<String>,
    pub tag_with_account_name: bool,
}

impl Context {
    /// Builds the context from a normalized org base URL (scheme and host, no path).
    pub fn new(org_url: &str, org_host: &str, account_name: &str) -> Context {
        let org_url = org_url.trim_end_matches('/').to_string();
        let org_host = org_host.to_ascii_lowercase();
        let host_only = org_host.split(':').next().unwrap_or_default().to_string();
        let subdomain = if host_only.parse::<std::net::IpAddr>().is_ok() {
            host_only.clone()
        } else {
            host_only.split('.').next().unwrap_or_default().to_string()
        };
        Context {
            account_key: format!("okta_account:{org_host}"),
            admin_url: admin_url(&org_url, &host_only),
            org_host,
            org_url,
            subdomain,
            account_name: account_name.to_string(),
            description: None,
            tag_with_account_name: false,
        }
    }
}

/// Okta's admin console lives at `<sub>-admin.<domain>` for Okta-hosted orgs; anything else (custom
/// domains, the simulator) gets the org URL itself.
fn admin_url(org_url: &str, host: &str) -> String {
    const OKTA_DOMAINS: [&str; 4] = [".okta.com", ".oktapreview.com", ".okta-emea.com", ".okta-gov.com"];
    for d in OKTA_DOMAINS {
        if let Some(sub) = host.strip_suffix(d) {
            if !sub.is_empty() && !sub.contains('.') && !sub.ends_with("-admin") {
                return format!("https://{sub}-admin{d}");
            }
        }
    }
    org_url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_from_okta_and_loopback_hosts() {
        let c = Context::new("https://Acme.okta.com/", "Acme.okta.com", "acme");
        assert_eq!(c.account_key, "okta_account:acme.okta.com");
        assert_eq!(c.admin_url, "https://acme-admin.okta.com");
        assert_eq!(c.subdomain, "acme");
        let s = Context::new("http://127.0.0.1:18443", "127.0.0.1:18443", "sim");
        assert_eq!(s.account_key, "okta_account:127.0.0.1:18443");
        assert_eq!(s.admin_url, "http://127.0.0.1:18443");
        assert_eq!(s.subdomain, "127.0.0.1");
    }

    #[test]
    fn member_edges_point_from_the_group_to_a_listed_member() {
        let ctx = Context::new("https://acme.okta.com", "acme.okta.com", "acme");
        // An item of GET /api/v1/groups/{id}/users is a user object.
        let member = fixtures::fixture("user");
        let e = member_edge(&ctx, &kinds::APP_USER_GROUP, "00gA", &member).unwrap();
        assert_eq!((e.kind.type_name, e.from.as_str(), e.to.as_str()), ("okta_app_user_group_has_user", "00gA", "00u2ot2iur46vIUsV4x7"));
        let e = member_edge(&ctx, &kinds::USER_GROUP, "00gB", &member).unwrap();
        assert_eq!(e.kind.type_name, "okta_user_group_has_user");
        assert!(member_edge(&ctx, &kinds::USER_GROUP, "00gB", &fixtures::without(member, "id")).is_none());
        assert_eq!(Records::of_edges(vec![e]).len(), 1);
    }
}

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod map_tests;
