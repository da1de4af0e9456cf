//! The graph contract (docs/graph.md#entities, #relationships) as data: every node type and relationship type, with the labels,
//! ownership and sweep rules the generic writer and sweep are generated from. Nothing else in the crate
//! names a label or relationship class by hand.

/// A node type of the graph contract.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct NodeKind {
    /// The `_type`, also the node's primary label (the one with the `_key` uniqueness constraint).
    pub type_name: &'static str,
    /// The `_class` values, each also a label.
    pub classes: &'static [&'static str],
    /// Carries `_accountKey` and belongs to one account (false for shared nodes: employees, AWS roles).
    pub account_scoped: bool,
    /// Soft-deleted by the sweep when unseen (false for shared nodes another account or tool may own).
    pub sweepable: bool,
}

/// A relationship type of the graph contract.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct RelKind {
    pub type_name: &'static str,
    /// The Neo4j relationship type.
    pub class: &'static str,
    pub from: &'static NodeKind,
    pub to: &'static NodeKind,
    /// Edges whose evidence can age out of Okta (the System Log's 90 days) and must then be kept.
    pub windowed: bool,
}

macro_rules! node_kinds {
    ($($id:ident = $name:literal [$($class:literal),+] scoped=$scoped:literal sweep=$sweep:literal;)+) => {
        $(pub static $id: NodeKind = NodeKind { type_name: $name, classes: &[$($class),+], account_scoped: $scoped, sweepable: $sweep };)+
        /// Every node type, in a stable order.
        pub static NODE_KINDS: &[&NodeKind] = &[$(&$id),+];
    };
}

node_kinds! {
    ACCOUNT = "okta_account" ["Account"] scoped=true sweep=false;
    SERVICE = "okta_service" ["Service", "Control"] scoped=true sweep=true;
    USER = "okta_user" ["User"] scoped=true sweep=true;
    USER_GROUP = "okta_user_group" ["UserGroup"] scoped=true sweep=true;
    APP_USER_GROUP = "okta_app_user_group" ["UserGroup"] scoped=true sweep=true;
    APPLICATION = "okta_application" ["Application"] scoped=true sweep=true;
    MFA_DEVICE = "mfa_device" ["Key", "AccessKey"] scoped=true sweep=true;
    ROLE = "okta_role" ["AccessRole"] scoped=true sweep=true;
    RULE = "okta_rule" ["Configuration"] scoped=true sweep=true;
    EMPLOYEE = "employee" ["Person"] scoped=false sweep=false;
    AWS_IAM_ROLE = "aws_iam_role" ["AccessRole"] scoped=false sweep=false;
    POLICY = "okta_policy" ["Policy"] scoped=true sweep=true;
    POLICY_RULE = "okta_policy_rule" ["Configuration"] scoped=true sweep=true;
    AUTHENTICATOR = "okta_authenticator" ["Control"] scoped=true sweep=true;
    DEVICE = "okta_device" ["Device"] scoped=true sweep=true;
    IDENTITY_PROVIDER = "okta_identity_provider" ["Service"] scoped=true sweep=true;
    TRUSTED_ORIGIN = "okta_trusted_origin" ["Configuration"] scoped=true sweep=true;
    NETWORK_ZONE = "okta_network_zone" ["Configuration"] scoped=true sweep=true;
    API_TOKEN = "okta_api_token" ["AccessKey"] scoped=true sweep=true;
    USER_TYPE = "okta_user_type" ["Configuration"] scoped=true sweep=true;
    LOG_STREAM = "okta_log_stream" ["Configuration"] scoped=true sweep=true;
    EVENT_HOOK = "okta_event_hook" ["Configuration"] scoped=true sweep=true;
}

macro_rules! rel_kinds {
    ($($id:ident = $name:literal : $from:ident $class:literal $to:ident $(windowed=$w:literal)?;)+) => {
        $(pub static $id: RelKind = RelKind { type_name: $name, class: $class, from: &$from, to: &$to, windowed: rel_kinds!(@w $($w)?) };)+
        /// Every relationship type, in a stable order.
        pub static REL_KINDS: &[&RelKind] = &[$(&$id),+];
    };
    (@w) => { false };
    (@w $w:literal) => { $w };
}

rel_kinds! {
    ACCOUNT_HAS_APPLICATION = "okta_account_has_application": ACCOUNT "HAS" APPLICATION;
    ACCOUNT_HAS_USER_GROUP = "okta_account_has_user_group": ACCOUNT "HAS" USER_GROUP;
    ACCOUNT_HAS_APP_USER_GROUP = "okta_account_has_app_user_group": ACCOUNT "HAS" APP_USER_GROUP;
    ACCOUNT_HAS_RULE = "okta_account_has_rule": ACCOUNT "HAS" RULE;
    ACCOUNT_HAS_SERVICE = "okta_account_has_service": ACCOUNT "HAS" SERVICE;
    ACCOUNT_HAS_USER = "okta_account_has_user": ACCOUNT "HAS" USER;
    USER_GROUP_ASSIGNED_APPLICATION = "okta_user_group_assigned_application": USER_GROUP "ASSIGNED" APPLICATION;
    APP_USER_GROUP_ASSIGNED_APPLICATION = "okta_app_user_group_assigned_application": APP_USER_GROUP "ASSIGNED" APPLICATION;
    USER_GROUP_HAS_USER = "okta_user_group_has_user": USER_GROUP "HAS" USER;
    APP_USER_GROUP_HAS_USER = "okta_app_user_group_has_user": APP_USER_GROUP "HAS" USER;
    RULE_MANAGES_USER_GROUP = "okta_rule_manages_user_group": RULE "MANAGES" USER_GROUP;
    RULE_MANAGES_APP_USER_GROUP = "okta_rule_manages_app_user_group": RULE "MANAGES" APP_USER_GROUP;
    USER_ASSIGNED_APPLICATION = "okta_user_assigned_application": USER "ASSIGNED" APPLICATION;
    USER_ASSIGNED_AWS_IAM_ROLE = "okta_user_assigned_aws_iam_role": USER "ASSIGNED" AWS_IAM_ROLE;
    USER_GROUP_ASSIGNED_AWS_IAM_ROLE = "okta_user_group_assigned_aws_iam_role": USER_GROUP "ASSIGNED" AWS_IAM_ROLE;
    APP_USER_GROUP_ASSIGNED_AWS_IAM_ROLE = "okta_app_user_group_assigned_aws_iam_role": APP_USER_GROUP "ASSIGNED" AWS_IAM_ROLE;
    USER_ASSIGNED_MFA_DEVICE = "okta_user_assigned_mfa_device": USER "ASSIGNED" MFA_DEVICE;
    USER_ASSIGNED_ROLE = "okta_user_assigned_role": USER "ASSIGNED" ROLE;
    USER_GROUP_ASSIGNED_ROLE = "okta_user_group_assigned_role": USER_GROUP "ASSIGNED" ROLE;
    APP_USER_GROUP_ASSIGNED_ROLE = "okta_app_user_group_assigned_role": APP_USER_GROUP "ASSIGNED" ROLE;
    USER_CREATED_APPLICATION = "okta_user_created_application": USER "CREATED" APPLICATION windowed=true;
    USER_IS_EMPLOYEE = "okta_user_is_employee": USER "IS" EMPLOYEE;
    ACCOUNT_HAS_POLICY = "okta_account_has_policy": ACCOUNT "HAS" POLICY;
    POLICY_HAS_RULE = "okta_policy_has_rule": POLICY "HAS" POLICY_RULE;
    POLICY_APPLIES_TO_USER_GROUP = "okta_policy_applies_to_user_group": POLICY "APPLIES_TO" USER_GROUP;
    POLICY_APPLIES_TO_APP_USER_GROUP = "okta_policy_applies_to_app_user_group": POLICY "APPLIES_TO" APP_USER_GROUP;
    POLICY_APPLIES_TO_USER = "okta_policy_applies_to_user": POLICY "APPLIES_TO" USER;
    POLICY_EXCLUDES_USER_GROUP = "okta_policy_excludes_user_group": POLICY "EXCLUDES" USER_GROUP;
    POLICY_EXCLUDES_APP_USER_GROUP = "okta_policy_excludes_app_user_group": POLICY "EXCLUDES" APP_USER_GROUP;
    POLICY_EXCLUDES_USER = "okta_policy_excludes_user": POLICY "EXCLUDES" USER;
    POLICY_RULE_APPLIES_TO_USER_GROUP = "okta_policy_rule_applies_to_user_group": POLICY_RULE "APPLIES_TO" USER_GROUP;
    POLICY_RULE_APPLIES_TO_APP_USER_GROUP = "okta_policy_rule_applies_to_app_user_group": POLICY_RULE "APPLIES_TO" APP_USER_GROUP;
    POLICY_RULE_APPLIES_TO_USER = "okta_policy_rule_applies_to_user": POLICY_RULE "APPLIES_TO" USER;
    POLICY_RULE_EXCLUDES_USER_GROUP = "okta_policy_rule_excludes_user_group": POLICY_RULE "EXCLUDES" USER_GROUP;
    POLICY_RULE_EXCLUDES_APP_USER_GROUP = "okta_policy_rule_excludes_app_user_group": POLICY_RULE "EXCLUDES" APP_USER_GROUP;
    POLICY_RULE_EXCLUDES_USER = "okta_policy_rule_excludes_user": POLICY_RULE "EXCLUDES" USER;
    POLICY_ASSIGNED_APPLICATION = "okta_policy_assigned_application": POLICY "ASSIGNED" APPLICATION;
    SERVICE_ENFORCES_POLICY_RULE = "okta_service_enforces_policy_rule": SERVICE "ENFORCES" POLICY_RULE;
    USER_ADMINISTERS_USER_GROUP = "okta_user_administers_user_group": USER "ADMINISTERS" USER_GROUP;
    USER_ADMINISTERS_APP_USER_GROUP = "okta_user_administers_app_user_group": USER "ADMINISTERS" APP_USER_GROUP;
    USER_ADMINISTERS_APPLICATION = "okta_user_administers_application": USER "ADMINISTERS" APPLICATION;
    USER_GROUP_ADMINISTERS_USER_GROUP = "okta_user_group_administers_user_group": USER_GROUP "ADMINISTERS" USER_GROUP;
    USER_GROUP_ADMINISTERS_APP_USER_GROUP = "okta_user_group_administers_app_user_group": USER_GROUP "ADMINISTERS" APP_USER_GROUP;
    USER_GROUP_ADMINISTERS_APPLICATION = "okta_user_group_administers_application": USER_GROUP "ADMINISTERS" APPLICATION;
    APP_USER_GROUP_ADMINISTERS_USER_GROUP = "okta_app_user_group_administers_user_group": APP_USER_GROUP "ADMINISTERS" USER_GROUP;
    APP_USER_GROUP_ADMINISTERS_APP_USER_GROUP = "okta_app_user_group_administers_app_user_group": APP_USER_GROUP "ADMINISTERS" APP_USER_GROUP;
    APP_USER_GROUP_ADMINISTERS_APPLICATION = "okta_app_user_group_administers_application": APP_USER_GROUP "ADMINISTERS" APPLICATION;
    ACCOUNT_HAS_AUTHENTICATOR = "okta_account_has_authenticator": ACCOUNT "HAS" AUTHENTICATOR;
    ACCOUNT_HAS_DEVICE = "okta_account_has_device": ACCOUNT "HAS" DEVICE;
    USER_HAS_DEVICE = "okta_user_has_device": USER "HAS" DEVICE;
    ACCOUNT_HAS_IDENTITY_PROVIDER = "okta_account_has_identity_provider": ACCOUNT "HAS" IDENTITY_PROVIDER;
    ACCOUNT_HAS_TRUSTED_ORIGIN = "okta_account_has_trusted_origin": ACCOUNT "HAS" TRUSTED_ORIGIN;
    ACCOUNT_HAS_NETWORK_ZONE = "okta_account_has_network_zone": ACCOUNT "HAS" NETWORK_ZONE;
    ACCOUNT_HAS_API_TOKEN = "okta_account_has_api_token": ACCOUNT "HAS" API_TOKEN;
    USER_OWNS_API_TOKEN = "okta_user_owns_api_token": USER "OWNS" API_TOKEN;
    API_TOKEN_ALLOWED_FROM_NETWORK_ZONE = "okta_api_token_allowed_from_network_zone": API_TOKEN "ALLOWED_FROM" NETWORK_ZONE;
    ACCOUNT_HAS_USER_TYPE = "okta_account_has_user_type": ACCOUNT "HAS" USER_TYPE;
    USER_HAS_TYPE_USER_TYPE = "okta_user_has_type_user_type": USER "HAS_TYPE" USER_TYPE;
    ACCOUNT_HAS_LOG_STREAM = "okta_account_has_log_stream": ACCOUNT "HAS" LOG_STREAM;
    ACCOUNT_HAS_EVENT_HOOK = "okta_account_has_event_hook": ACCOUNT "HAS" EVENT_HOOK;
}

/// Looks a node type up by its `_type`.
pub fn node_kind(type_name: &str) -> Option<&'static NodeKind> {
    NODE_KINDS.iter().copied().find(|k| k.type_name == type_name)
}

/// Looks a relationship type up by its `_type`.
pub fn rel_kind(type_name: &str) -> Option<&'static RelKind> {
    REL_KINDS.iter().copied().find(|k| k.type_name == type_name)
}

/// True when `s` can be pasted into Cypher as a label or relationship type without quoting. Every kind in
/// the tables above passes; the generated queries assert it so a typo can never become injection.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_identifiers() {
        let mut seen = HashSet::new();
        for k in NODE_KINDS {
            assert!(is_identifier(k.type_name), "{}", k.type_name);
            assert!(k.classes.iter().all(|c| is_identifier(c)));
            assert!(seen.insert(k.type_name), "duplicate {}", k.type_name);
        }
        for r in REL_KINDS {
            assert!(is_identifier(r.type_name) && is_identifier(r.class));
            assert!(seen.insert(r.type_name), "duplicate {}", r.type_name);
        }
    }
}
