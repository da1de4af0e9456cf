use super::super::fixtures::{fixture, item};
use super::super::{kinds, Context, NodeKind, Prop, Records};
use super::*;
use serde_json::json;

fn ctx() -> Context {
    Context::new("https://acme.okta.com", "acme.okta.com", "acme")
}

/// `00gAppAD1` is an app group; every other id is an `okta_user_group`.
fn kind(id: &str) -> &'static NodeKind {
    if id == "00gAppAD1" {
        &kinds::APP_USER_GROUP
    } else {
        &kinds::USER_GROUP
    }
}

fn edges(r: &Records) -> Vec<(&str, &str, &str)> {
    let mut e: Vec<(&str, &str, &str)> = r.edges.iter().map(|e| (e.kind.type_name, e.from.as_str(), e.to.as_str())).collect();
    e.sort();
    e
}

fn prop<'a>(r: &'a Records, key: &str) -> Option<&'a Prop> {
    r.nodes[0].props.get(key)
}

#[test]
fn a_sign_on_policy_applies_to_its_groups_and_excludes_the_others() {
    let p = item("policies_sign_on", "id", "00pbs5fmxdTcOGt6s0g4");
    let r = policy(&ctx(), &p, kind).unwrap();
    let n = &r.nodes[0];
    assert_eq!((n.kind.type_name, n.key.as_str()), ("okta_policy", "00pbs5fmxdTcOGt6s0g4"));
    assert_eq!(n.props["type"], Prop::from("OKTA_SIGN_ON"));
    assert_eq!(n.props["name"], Prop::from("Admins need MFA"));
    assert_eq!(n.props["active"], Prop::Bool(true));
    assert_eq!(n.props["priority"], Prop::Int(1));
    assert_eq!(n.props["system"], Prop::Bool(false));
    assert!(matches!(n.props["lastUpdated"], Prop::DateTime(_)));
    assert_eq!(n.props["includedGroupIds"], Prop::List(vec!["00g1emaKYZTWRYYRRTSK".into(), "00gAppAD1".into()]));
    assert_eq!(n.props["excludedGroupIds"], Prop::List(vec!["00gContractors".into()]));
    assert!(!n.props.contains_key("includedUserIds"));
    assert_eq!(
        edges(&r),
        vec![
            ("okta_account_has_policy", "okta_account:acme.okta.com", "00pbs5fmxdTcOGt6s0g4"),
            ("okta_policy_applies_to_app_user_group", "00pbs5fmxdTcOGt6s0g4", "00gAppAD1"),
            ("okta_policy_applies_to_user_group", "00pbs5fmxdTcOGt6s0g4", "00g1emaKYZTWRYYRRTSK"),
            ("okta_policy_excludes_user_group", "00pbs5fmxdTcOGt6s0g4", "00gContractors"),
        ]
    );
    // The conditions are kept whole as JSON text.
    let Prop::Str(conditions) = &n.props["conditions"] else { panic!("conditions as text") };
    assert_eq!(serde_json::from_str::<serde_json::Value>(conditions).unwrap(), p["conditions"]);
}

#[test]
fn a_sign_on_rule_requiring_a_factor_is_enforced_by_the_mfa_service() {
    let rule = item("policy_rules_sign_on", "id", "0prh1sd28q5sXGW08697");
    let r = policy_rule(&ctx(), "00pbs5fmxdTcOGt6s0g4", &rule, kind).unwrap();
    assert_eq!(r.nodes[0].kind.type_name, "okta_policy_rule");
    assert_eq!(prop(&r, "ruleType"), Some(&Prop::from("SIGN_ON")));
    assert_eq!(prop(&r, "access"), Some(&Prop::from("ALLOW")));
    assert_eq!(prop(&r, "requireFactor"), Some(&Prop::Bool(true)));
    assert_eq!(prop(&r, "factorPromptMode"), Some(&Prop::from("ALWAYS")));
    assert_eq!(prop(&r, "maxSessionIdleMinutes"), Some(&Prop::Int(120)));
    assert_eq!(prop(&r, "maxSessionLifetimeMinutes"), Some(&Prop::Int(720)));
    assert_eq!(prop(&r, "networkConnection"), Some(&Prop::from("ANYWHERE")));
    assert_eq!(prop(&r, "requiresMfa"), Some(&Prop::Bool(true)));
    assert_eq!(prop(&r, "policyId"), Some(&Prop::from("00pbs5fmxdTcOGt6s0g4")));
    assert_eq!(
        edges(&r),
        vec![
            ("okta_policy_has_rule", "00pbs5fmxdTcOGt6s0g4", "0prh1sd28q5sXGW08697"),
            ("okta_policy_rule_excludes_user", "0prh1sd28q5sXGW08697", "00ubreakglass1"),
            ("okta_service_enforces_policy_rule", "okta_service:acme.okta.com:mfa", "0prh1sd28q5sXGW08697"),
        ]
    );
}

#[test]
fn a_rule_without_a_second_factor_or_inactive_or_denying_enforces_nothing() {
    let password_only = item("policy_rules_sign_on", "id", "0prbs5fmxeAbUXrzo0g4");
    let r = policy_rule(&ctx(), "00p", &password_only, kind).unwrap();
    assert_eq!(prop(&r, "requiresMfa"), Some(&Prop::Bool(false)));
    assert_eq!(prop(&r, "networkConnection"), Some(&Prop::from("ZONE")));
    assert_eq!(prop(&r, "networkInclude"), Some(&Prop::List(vec!["nzo1nwrxx7mB1AkTq0g4".into()])));
    assert!(!edges(&r).iter().any(|e| e.0 == "okta_service_enforces_policy_rule"));

    let mut inactive = item("policy_rules_sign_on", "id", "0prh1sd28q5sXGW08697");
    inactive["status"] = json!("INACTIVE");
    assert!(!rule_requires_mfa(&inactive));
    let r = policy_rule(&ctx(), "00p", &inactive, kind).unwrap();
    assert_eq!(prop(&r, "active"), Some(&Prop::Bool(false)));
    assert!(!edges(&r).iter().any(|e| e.0 == "okta_service_enforces_policy_rule"));

    let mut deny = item("policy_rules_sign_on", "id", "0prh1sd28q5sXGW08697");
    deny["actions"]["signon"]["access"] = json!("DENY");
    assert!(!rule_requires_mfa(&deny));
}

#[test]
fn app_sign_in_rules_require_mfa_with_two_factors_only() {
    let two = item("policy_rules_access", "id", "rul7yut96gmsOzKAA1d6");
    let r = policy_rule(&ctx(), "rst7xus97faIAgmti1d7", &two, kind).unwrap();
    assert_eq!(prop(&r, "factorMode"), Some(&Prop::from("2FA")));
    assert_eq!(prop(&r, "verificationType"), Some(&Prop::from("ASSURANCE")));
    assert_eq!(prop(&r, "reauthenticateIn"), Some(&Prop::from("PT2H")));
    assert!(matches!(prop(&r, "constraints"), Some(Prop::Str(c)) if c.contains("deviceBound")));
    assert_eq!(prop(&r, "requiresMfa"), Some(&Prop::Bool(true)));
    assert_eq!(prop(&r, "allowsPasswordOnly"), Some(&Prop::Bool(false)));
    assert_eq!(
        edges(&r),
        vec![
            ("okta_policy_has_rule", "rst7xus97faIAgmti1d7", "rul7yut96gmsOzKAA1d6"),
            ("okta_policy_rule_applies_to_user_group", "rul7yut96gmsOzKAA1d6", "00g1emaKYZTWRYYRRTSK"),
            ("okta_policy_rule_excludes_user", "rul7yut96gmsOzKAA1d6", "00ubreakglass1"),
            ("okta_service_enforces_policy_rule", "okta_service:acme.okta.com:mfa", "rul7yut96gmsOzKAA1d6"),
        ]
    );

    // The catch-all rule: one factor, no people condition (conditions: null).
    let one = item("policy_rules_access", "id", "rul2z0rRCIFOxp5HF0g4");
    let r = policy_rule(&ctx(), "rst7xus97faIAgmti1d7", &one, kind).unwrap();
    assert_eq!(prop(&r, "factorMode"), Some(&Prop::from("1FA")));
    assert_eq!(prop(&r, "requiresMfa"), Some(&Prop::Bool(false)));
    assert_eq!(prop(&r, "allowsPasswordOnly"), Some(&Prop::Bool(true)));
    assert!(prop(&r, "conditions").is_none());
    assert!(prop(&r, "includedGroupIds").is_none());
    assert_eq!(edges(&r), vec![("okta_policy_has_rule", "rst7xus97faIAgmti1d7", "rul2z0rRCIFOxp5HF0g4")]);
}

#[test]
fn password_and_enrollment_policy_settings_are_flattened() {
    let p = fixture("policies_password")[0].clone();
    let r = policy(&ctx(), &p, kind).unwrap();
    assert_eq!(prop(&r, "passwordMinLength"), Some(&Prop::Int(8)));
    assert_eq!(prop(&r, "passwordHistoryCount"), Some(&Prop::Int(4)));
    assert_eq!(prop(&r, "passwordLockoutMaxAttempts"), Some(&Prop::Int(10)));
    assert_eq!(prop(&r, "passwordExcludeCommon"), Some(&Prop::Bool(false)));
    assert!(prop(&r, "passwordMinNumber").is_none(), "null stays absent");
    assert_eq!(prop(&r, "authProvider"), Some(&Prop::from("OKTA")));
    assert!(matches!(prop(&r, "settings"), Some(Prop::Str(s)) if s.contains("recovery_question")));

    let p = fixture("policies_mfa_enroll")[0].clone();
    let r = policy(&ctx(), &p, kind).unwrap();
    assert_eq!(prop(&r, "enrollmentSettingsType"), Some(&Prop::from("AUTHENTICATORS")));
    assert_eq!(prop(&r, "requiredAuthenticators"), Some(&Prop::List(vec!["okta_password".into()])));
    assert_eq!(prop(&r, "optionalAuthenticators"), Some(&Prop::List(vec!["okta_verify".into()])));
}

#[test]
fn an_app_names_its_access_policy_in_its_links() {
    let mut app = fixture("app_slack");
    assert_eq!(app_access_policy(&app), None, "a Classic org's app has no accessPolicy link");
    app["_links"]["accessPolicy"] = json!({"href": "https://acme.okta.com/api/v1/policies/rst7xus97faIAgmti1d7"});
    assert_eq!(app_access_policy(&app).as_deref(), Some("rst7xus97faIAgmti1d7"));
    app["_links"]["accessPolicy"] = json!({"href": "https://acme.okta.com/api/v1/apps/0oaS"});
    assert_eq!(app_access_policy(&app), None);
    let e = policy_assigned_application(&ctx(), "rst7xus97faIAgmti1d7", "0oaS");
    assert_eq!(e.key(), "rst7xus97faIAgmti1d7|ASSIGNED|0oaS");
    assert_eq!(e.kind.type_name, "okta_policy_assigned_application");
}

#[test]
fn objects_without_an_id_map_to_nothing() {
    let mut p = item("policies_sign_on", "id", "00pbs5fmxdTcOGt6s0g4");
    p.as_object_mut().unwrap().remove("id");
    assert!(policy(&ctx(), &p, kind).is_none());
    let mut r = item("policy_rules_sign_on", "id", "0prh1sd28q5sXGW08697");
    r.as_object_mut().unwrap().remove("id");
    assert!(policy_rule(&ctx(), "00p", &r, kind).is_none());
}

#[test]
fn one_factor_allows_the_password_alone_unless_the_constraints_rule_it_out() {
    let mut rule = item("policy_rules_access", "id", "rul2z0rRCIFOxp5HF0g4");
    let mut with = |constraints: serde_json::Value| {
        rule["actions"]["appSignOn"]["verificationMethod"]["constraints"] = constraints;
        policy_rule(&ctx(), "rst", &rule, kind).unwrap().nodes[0].props["allowsPasswordOnly"].clone()
    };
    assert_eq!(with(json!([{"knowledge": {"types": ["password"]}}])), Prop::Bool(true));
    assert_eq!(with(json!([{"possession": {"required": true}}])), Prop::Bool(false));
    assert_eq!(with(json!([{"knowledge": {"types": ["security_question"]}}])), Prop::Bool(false));
    // Only one constraint object needs to be met.
    assert_eq!(with(json!([{"possession": {"deviceBound": "REQUIRED"}}, {"knowledge": {"types": ["password"]}}])), Prop::Bool(true));
    assert_eq!(with(json!([{"possession": {"required": false}}])), Prop::Bool(true));
}
