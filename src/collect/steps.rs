//! The sync steps declared as data (docs/graph.md#steps): what each depends on and which types it produces, so
//! the sweep knows exactly what an incomplete step protects.

use crate::model::kinds::{self, NodeKind, RelKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StepId {
    Account,
    Users,
    Employees,
    Groups,
    Memberships,
    Applications,
    AppAssignments,
    Factors,
    Roles,
    Rules,
    SystemLog,
    Policies,
    RoleTargets,
    Authenticators,
    Devices,
    IdentityProviders,
    TrustedOrigins,
    NetworkZones,
    ApiTokens,
    UserTypes,
    UserTypeAssignments,
    LogStreams,
    EventHooks,
}

#[derive(Debug)]
pub struct StepDef {
    pub id: StepId,
    /// The name users put in `steps = [...]` and see in summaries.
    pub name: &'static str,
    /// Steps whose data (ids) or written nodes this step needs.
    pub depends_on: &'static [StepId],
    pub nodes: &'static [&'static NodeKind],
    pub edges: &'static [&'static RelKind],
    /// Needs more than a read-only admin: a 403 is a warning, not a failure (docs/graph.md#permissions).
    pub privileged: bool,
    /// What an incremental run reads for this step (docs/graph.md#incremental-sync).
    pub incremental: IncrementalRead,
}

/// How an incremental run reads a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncrementalRead {
    /// In full, as a full sync does (a few calls): its types are swept as after a full sync.
    InFull,
    /// Only what changed: what was not seen is soft-deleted only where it was read again.
    Changes,
}

use StepId::*;

pub static STEPS: &[StepDef] = &[
    StepDef {
        id: Account,
        name: "account",
        depends_on: &[],
        nodes: &[&kinds::ACCOUNT, &kinds::SERVICE],
        edges: &[&kinds::ACCOUNT_HAS_SERVICE],
        privileged: false,
        incremental: IncrementalRead::InFull,
    },
    StepDef {
        id: Users,
        name: "users",
        depends_on: &[],
        nodes: &[&kinds::USER],
        edges: &[&kinds::ACCOUNT_HAS_USER],
        privileged: false,
        incremental: IncrementalRead::Changes,
    },
    StepDef {
        id: Employees,
        name: "employees",
        depends_on: &[Users],
        nodes: &[&kinds::EMPLOYEE],
        edges: &[&kinds::USER_IS_EMPLOYEE],
        privileged: false,
        incremental: IncrementalRead::Changes,
    },
    StepDef {
        id: Groups,
        name: "groups",
        depends_on: &[],
        nodes: &[&kinds::USER_GROUP, &kinds::APP_USER_GROUP],
        edges: &[&kinds::ACCOUNT_HAS_USER_GROUP, &kinds::ACCOUNT_HAS_APP_USER_GROUP],
        privileged: false,
        incremental: IncrementalRead::Changes,
    },
    StepDef {
        id: Memberships,
        name: "memberships",
        depends_on: &[Groups, Users],
        nodes: &[],
        edges: &[&kinds::USER_GROUP_HAS_USER, &kinds::APP_USER_GROUP_HAS_USER],
        privileged: false,
        incremental: IncrementalRead::Changes,
    },
    StepDef {
        id: Applications,
        name: "applications",
        depends_on: &[],
        nodes: &[&kinds::APPLICATION],
        edges: &[&kinds::ACCOUNT_HAS_APPLICATION],
        privileged: false,
        incremental: IncrementalRead::InFull,
    },
    StepDef {
        id: AppAssignments,
        name: "app_assignments",
        depends_on: &[Applications, Groups, Users],
        nodes: &[&kinds::AWS_IAM_ROLE],
        edges: &[
            &kinds::USER_ASSIGNED_APPLICATION,
            &kinds::USER_GROUP_ASSIGNED_APPLICATION,
            &kinds::APP_USER_GROUP_ASSIGNED_APPLICATION,
            &kinds::USER_ASSIGNED_AWS_IAM_ROLE,
            &kinds::USER_GROUP_ASSIGNED_AWS_IAM_ROLE,
            &kinds::APP_USER_GROUP_ASSIGNED_AWS_IAM_ROLE,
        ],
        privileged: false,
        incremental: IncrementalRead::Changes,
    },
    StepDef {
        id: Factors,
        name: "factors",
        depends_on: &[Users],
        nodes: &[&kinds::MFA_DEVICE],
        edges: &[&kinds::USER_ASSIGNED_MFA_DEVICE],
        privileged: false,
        incremental: IncrementalRead::Changes,
    },
    StepDef {
        id: Roles,
        name: "roles",
        depends_on: &[Users, Groups],
        nodes: &[&kinds::ROLE],
        edges: &[&kinds::USER_ASSIGNED_ROLE, &kinds::USER_GROUP_ASSIGNED_ROLE, &kinds::APP_USER_GROUP_ASSIGNED_ROLE],
        privileged: true,
        incremental: IncrementalRead::Changes,
    },
    StepDef {
        id: Rules,
        name: "rules",
        depends_on: &[Groups],
        nodes: &[&kinds::RULE],
        edges: &[&kinds::ACCOUNT_HAS_RULE, &kinds::RULE_MANAGES_USER_GROUP, &kinds::RULE_MANAGES_APP_USER_GROUP],
        privileged: false,
        incremental: IncrementalRead::InFull,
    },
    StepDef {
        id: SystemLog,
        name: "system_log",
        depends_on: &[Users, Applications],
        nodes: &[],
        edges: &[&kinds::USER_CREATED_APPLICATION],
        privileged: true,
        incremental: IncrementalRead::Changes,
    },
    StepDef {
        id: Policies,
        name: "policies",
        depends_on: &[Account, Users, Groups, Applications],
        nodes: &[&kinds::POLICY, &kinds::POLICY_RULE],
        edges: &[
            &kinds::ACCOUNT_HAS_POLICY,
            &kinds::POLICY_HAS_RULE,
            &kinds::POLICY_APPLIES_TO_USER_GROUP,
            &kinds::POLICY_APPLIES_TO_APP_USER_GROUP,
            &kinds::POLICY_APPLIES_TO_USER,
            &kinds::POLICY_EXCLUDES_USER_GROUP,
            &kinds::POLICY_EXCLUDES_APP_USER_GROUP,
            &kinds::POLICY_EXCLUDES_USER,
            &kinds::POLICY_RULE_APPLIES_TO_USER_GROUP,
            &kinds::POLICY_RULE_APPLIES_TO_APP_USER_GROUP,
            &kinds::POLICY_RULE_APPLIES_TO_USER,
            &kinds::POLICY_RULE_EXCLUDES_USER_GROUP,
            &kinds::POLICY_RULE_EXCLUDES_APP_USER_GROUP,
            &kinds::POLICY_RULE_EXCLUDES_USER,
            &kinds::POLICY_ASSIGNED_APPLICATION,
            &kinds::SERVICE_ENFORCES_POLICY_RULE,
        ],
        // Read-only admins can view sign-on policies (Okta help: "Read-only administrators").
        privileged: false,
        incremental: IncrementalRead::InFull,
    },
    StepDef {
        id: RoleTargets,
        name: "role_targets",
        depends_on: &[Roles, Groups, Applications],
        nodes: &[],
        edges: &[
            &kinds::USER_ADMINISTERS_USER_GROUP,
            &kinds::USER_ADMINISTERS_APP_USER_GROUP,
            &kinds::USER_ADMINISTERS_APPLICATION,
            &kinds::USER_GROUP_ADMINISTERS_USER_GROUP,
            &kinds::USER_GROUP_ADMINISTERS_APP_USER_GROUP,
            &kinds::USER_GROUP_ADMINISTERS_APPLICATION,
            &kinds::APP_USER_GROUP_ADMINISTERS_USER_GROUP,
            &kinds::APP_USER_GROUP_ADMINISTERS_APP_USER_GROUP,
            &kinds::APP_USER_GROUP_ADMINISTERS_APPLICATION,
        ],
        privileged: true,
        incremental: IncrementalRead::InFull,
    },
    StepDef {
        id: Authenticators,
        name: "authenticators",
        depends_on: &[],
        nodes: &[&kinds::AUTHENTICATOR],
        edges: &[&kinds::ACCOUNT_HAS_AUTHENTICATOR],
        privileged: true,
        incremental: IncrementalRead::InFull,
    },
    StepDef {
        id: Devices,
        name: "devices",
        depends_on: &[Users],
        nodes: &[&kinds::DEVICE],
        edges: &[&kinds::ACCOUNT_HAS_DEVICE, &kinds::USER_HAS_DEVICE],
        privileged: true,
        incremental: IncrementalRead::InFull,
    },
    StepDef {
        id: IdentityProviders,
        name: "identity_providers",
        depends_on: &[],
        nodes: &[&kinds::IDENTITY_PROVIDER],
        edges: &[&kinds::ACCOUNT_HAS_IDENTITY_PROVIDER],
        privileged: true,
        incremental: IncrementalRead::InFull,
    },
    StepDef {
        id: TrustedOrigins,
        name: "trusted_origins",
        depends_on: &[],
        nodes: &[&kinds::TRUSTED_ORIGIN],
        edges: &[&kinds::ACCOUNT_HAS_TRUSTED_ORIGIN],
        privileged: true,
        incremental: IncrementalRead::InFull,
    },
    StepDef {
        id: NetworkZones,
        name: "network_zones",
        depends_on: &[],
        nodes: &[&kinds::NETWORK_ZONE],
        edges: &[&kinds::ACCOUNT_HAS_NETWORK_ZONE],
        privileged: true,
        incremental: IncrementalRead::InFull,
    },
    StepDef {
        id: ApiTokens,
        name: "api_tokens",
        depends_on: &[Users, NetworkZones],
        nodes: &[&kinds::API_TOKEN],
        edges: &[&kinds::ACCOUNT_HAS_API_TOKEN, &kinds::USER_OWNS_API_TOKEN, &kinds::API_TOKEN_ALLOWED_FROM_NETWORK_ZONE],
        privileged: true,
        incremental: IncrementalRead::InFull,
    },
    StepDef {
        id: UserTypes,
        name: "user_types",
        depends_on: &[],
        nodes: &[&kinds::USER_TYPE],
        edges: &[&kinds::ACCOUNT_HAS_USER_TYPE],
        privileged: true,
        incremental: IncrementalRead::InFull,
    },
    StepDef {
        id: UserTypeAssignments,
        name: "user_type_assignments",
        depends_on: &[Users, UserTypes],
        nodes: &[],
        edges: &[&kinds::USER_HAS_TYPE_USER_TYPE],
        privileged: false,
        incremental: IncrementalRead::Changes,
    },
    StepDef {
        id: LogStreams,
        name: "log_streams",
        depends_on: &[],
        nodes: &[&kinds::LOG_STREAM],
        edges: &[&kinds::ACCOUNT_HAS_LOG_STREAM],
        privileged: true,
        incremental: IncrementalRead::InFull,
    },
    StepDef {
        id: EventHooks,
        name: "event_hooks",
        depends_on: &[],
        nodes: &[&kinds::EVENT_HOOK],
        edges: &[&kinds::ACCOUNT_HAS_EVENT_HOOK],
        privileged: true,
        incremental: IncrementalRead::InFull,
    },
];

pub fn step(id: StepId) -> &'static StepDef {
    STEPS.iter().find(|s| s.id == id).expect("every StepId is declared")
}

pub fn step_by_name(name: &str) -> Option<&'static StepDef> {
    STEPS.iter().find(|s| s.name == name)
}

pub fn step_names() -> Vec<&'static str> {
    STEPS.iter().map(|s| s.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kinds::{NODE_KINDS, REL_KINDS};

    #[test]
    fn every_type_has_exactly_one_producing_step() {
        for k in NODE_KINDS {
            let n = STEPS.iter().filter(|s| s.nodes.contains(k)).count();
            assert_eq!(n, 1, "{} produced by {n} steps", k.type_name);
        }
        for r in REL_KINDS {
            let n = STEPS.iter().filter(|s| s.edges.contains(r)).count();
            assert_eq!(n, 1, "{} produced by {n} steps", r.type_name);
        }
    }

    #[test]
    fn dependencies_come_first() {
        for (i, s) in STEPS.iter().enumerate() {
            for d in s.depends_on {
                let j = STEPS.iter().position(|x| x.id == *d).unwrap();
                assert!(j < i, "{} depends on a later step", s.name);
            }
        }
    }
}
