//! Mapping tests on real-shaped Okta JSON: each input is an Okta API response from tests/fixtures/okta/,
//! changed in the test only where the test is about that field.

use super::fixtures::{fixture, item, without};
use super::*;
use serde_json::{json, Value};

fn ctx() -> Context {
    let mut c = Context::new("https://acme.okta.com", "acme.okta.com", "Acme Prod");
    c.tag_with_account_name = true;
    c
}

fn str_prop<'a>(p: &'a Props, k: &str) -> Option<&'a str> {
    match p.get(k) {
        Some(Prop::Str(s)) => Some(s),
        _ => None,
    }
}

#[test]
fn user_maps_explicit_fields_profile_and_employee() {
    let mut u = fixture("user");
    // Profile attributes a real org can have that the mapping must handle: a null inside a string array, an
    // object value, a dotted custom name, and one named like an explicit field.
    u["profile"]["skills"] = json!(["rust", null, "cypher"]);
    u["profile"]["address"] = json!({"city": "x"});
    u["profile"]["github.username"] = json!("kc");
    u["profile"]["status"] = json!("from-profile");
    let r = user(&ctx(), &u).unwrap();
    let u = &r.nodes[0];
    assert_eq!(u.kind.type_name, "okta_user");
    assert_eq!(u.key, "00u2ot2iur46vIUsV4x7");
    let p = &u.props;
    assert_eq!(str_prop(p, "email"), Some("k@example.com"));
    assert_eq!(str_prop(p, "username"), Some("k"));
    assert_eq!(str_prop(p, "name"), Some("Kevin Casey"));
    assert_eq!(str_prop(p, "displayName"), Some("k@example.com"));
    // Explicit fields win over a profile attribute of the same name.
    assert_eq!(str_prop(p, "status"), Some("ACTIVE"));
    assert_eq!(p.get("active"), Some(&Prop::Bool(true)));
    assert!(matches!(p.get("lastLogin"), Some(Prop::DateTime(_))));
    assert_eq!(str_prop(p, "costCenter"), Some("CC-9"));
    assert_eq!(p.get("isContractor"), Some(&Prop::Bool(false)));
    assert_eq!(p.get("skills"), Some(&Prop::List(vec!["rust".into(), "cypher".into()])));
    assert_eq!(str_prop(p, "github.username"), Some("kc"));
    assert!(!p.contains_key("address"), "objects are not primitive attributes");
    assert!(!p.contains_key("mobilePhone"), "phone numbers are never stored");
    assert!(!p.contains_key("secondEmail"), "nulls are not stored");
    assert_eq!(p.get("verifiedEmails"), Some(&Prop::List(vec!["k@example.com".into()])));
    assert_eq!(p.get("unverifiedEmails"), Some(&Prop::List(vec!["old@example.com".into()])));
    assert_eq!(str_prop(p, "credentialsProvider"), Some("OKTA"));
    assert_eq!(str_prop(p, "_accountKey"), Some("okta_account:acme.okta.com"));
    assert_eq!(str_prop(p, "tag.AccountName"), Some("Acme Prod"));
    assert_eq!(str_prop(p, "webLink"), Some("https://acme-admin.okta.com/admin/user/profile/view/00u2ot2iur46vIUsV4x7"));
    assert!(!format!("{p:?}").contains("first pet"), "recovery question never stored");

    let emp = r.nodes.iter().find(|n| n.kind.type_name == "employee").unwrap();
    assert_eq!(emp.key, "employee:k@example.com");
    assert!(!emp.props.contains_key("_accountKey"));
    let kinds: Vec<_> = r.edges.iter().map(|e| e.kind.type_name).collect();
    assert_eq!(kinds, vec!["okta_account_has_user", "okta_user_is_employee"]);
    assert_eq!(r.edges[1].key(), "00u2ot2iur46vIUsV4x7|IS|employee:k@example.com");
}

#[test]
fn service_users_are_not_employees_and_missing_fields_are_tolerated() {
    for t in ["service", "BOT", " Generic "] {
        let mut u = fixture("user");
        u["profile"]["userType"] = json!(t);
        let r = user(&ctx(), &u).unwrap();
        assert!(r.nodes.iter().all(|n| n.kind.type_name != "employee"), "{t}");
    }
    // A deprovisioned service account that never logged in, with only a login in its profile.
    let mut minimal = fixture("user");
    minimal["status"] = json!("DEPROVISIONED");
    minimal["lastLogin"] = Value::Null;
    minimal["profile"] = json!({"login": "svc@x.io"});
    let r = user(&ctx(), &minimal).unwrap();
    let p = &r.nodes[0].props;
    assert_eq!(p.get("active"), Some(&Prop::Bool(false)));
    assert!(!p.contains_key("lastLogin"));
    assert!(!p.contains_key("email"));
    assert_eq!(str_prop(p, "name"), Some("svc@x.io"));
    assert!(user(&ctx(), &without(fixture("user"), "id")).is_none(), "no id, no record");
}

#[test]
fn groups_by_type_with_stats() {
    let r = group(&ctx(), &fixture("group_everyone")).unwrap();
    let g = &r.nodes[0];
    assert_eq!(g.kind.type_name, "okta_user_group");
    assert_eq!(g.props.get("usersCount"), Some(&Prop::Int(12)));
    assert_eq!(str_prop(&g.props, "name"), Some("Everyone"));
    assert_eq!(g.props.get("objectClass"), Some(&Prop::List(vec!["okta:user_group".into()])));
    assert_eq!(r.edges[0].kind.type_name, "okta_account_has_user_group");

    let r = group(&ctx(), &fixture("group_app_ad")).unwrap();
    assert_eq!(r.nodes[0].kind.type_name, "okta_app_user_group");
    assert_eq!(str_prop(&r.nodes[0].props, "sourceAppId"), Some("0oaAD"));
    assert_eq!(str_prop(&r.nodes[0].props, "samAccountName"), Some("Domain Admins"));
    assert!(!r.nodes[0].props.contains_key("description"));
    assert_eq!(membership(&ctx(), r.nodes[0].kind, "00gAD", "00u1").kind.type_name, "okta_app_user_group_has_user");
}

#[test]
fn aws_app_and_role_targets() {
    let app = fixture("app_aws");
    let r = application(&ctx(), &app).unwrap();
    let p = &r.nodes[0].props;
    assert_eq!(str_prop(p, "awsAccountId"), Some("123456789012"));
    assert_eq!(p.get("awsSessionDuration"), Some(&Prop::Int(3600)));
    assert_eq!(p.get("isSAMLApp"), Some(&Prop::Bool(true)));
    assert_eq!(str_prop(p, "displayName"), Some("AWS Prod"));
    assert_eq!(str_prop(p, "loginUrl"), Some("https://console.aws.amazon.com"));
    assert_eq!(str_prop(p, "imageUrl"), Some("https://ok.img/aws.png"));
    let dump = format!("{p:?}");
    assert!(!dump.contains("hunter2") && !dump.contains("secret-kid"), "app credentials and secrets not stored");

    let info = AppInfo::from_app(&app).unwrap();
    let r = app_user(&ctx(), &info, &fixture("app_user_aws")).unwrap();
    let role_keys: Vec<_> = r.nodes.iter().map(|n| n.key.as_str()).collect();
    assert_eq!(
        role_keys,
        vec![
            "arn:aws:iam::123456789012:role/Admin",
            "aws_iam_role:Prod:ReadOnly",
            "aws_iam_role:dev-alias:Dev",
            "arn:aws:iam::123456789012:role/Billing"
        ]
    );
    assert!(r.nodes.iter().all(|n| !n.props.contains_key("_accountKey")));
    assert_eq!(str_prop(&r.nodes[1].props, "awsAccountName"), Some("Prod"));
    assert_eq!(r.edges[0].kind.type_name, "okta_user_assigned_application");
    assert_eq!(str_prop(&r.edges[0].props, "scope"), Some("USER"));
    assert_eq!(r.edges.iter().filter(|e| e.kind.type_name == "okta_user_assigned_aws_iam_role").count(), 4);

    let r = app_group(&ctx(), &info, &kinds::USER_GROUP, &fixture("app_group_aws")).unwrap();
    assert_eq!(r.edges[0].props.get("priority"), Some(&Prop::Int(0)));
    assert_eq!(r.edges[1].kind.type_name, "okta_user_group_assigned_aws_iam_role");
    assert_eq!(r.edges[1].to, "arn:aws:iam::123456789012:role/Admin");
}

#[test]
fn plain_app_assignment_has_no_role_edges() {
    let app = fixture("app_slack");
    let r = application(&ctx(), &app).unwrap();
    assert_eq!(str_prop(&r.nodes[0].props, "appDomain"), Some("acme.slack.com"));
    assert_eq!(r.nodes[0].props.get("active"), Some(&Prop::Bool(false)));
    let info = AppInfo::from_app(&app).unwrap();
    let r = app_user(&ctx(), &info, &fixture("app_user_slack")).unwrap();
    assert_eq!(r.edges.len(), 1);
    assert!(r.nodes.is_empty());
}

#[test]
fn factors_keep_no_secrets() {
    let r = factor(&ctx(), "00u1", &item("factors", "factorType", "token:hotp")).unwrap();
    assert!(!format!("{:?}", r.nodes[0].props).contains("JBSWY3"));
    assert_eq!(str_prop(&r.nodes[0].props, "name"), Some("CUSTOM token:hotp"));
    let r = factor(&ctx(), "00u1", &item("factors", "factorType", "sms")).unwrap();
    assert!(!format!("{:?}", r.nodes[0].props).contains("5550100"));
    assert_eq!(r.nodes[0].props.get("active"), Some(&Prop::Bool(false)));
    let r = factor(&ctx(), "00u1", &item("factors", "factorType", "push")).unwrap();
    assert_eq!(str_prop(&r.nodes[0].props, "platform"), Some("IOS"));
    assert_eq!(str_prop(&r.nodes[0].props, "profileName"), Some("Kev's iPhone"));
    assert!(!format!("{:?}", r.nodes[0].props).contains("\"tok\""));
    assert_eq!(r.edges[0].key(), "00u1|ASSIGNED|opf1");
}

#[test]
fn roles_user_group_and_custom() {
    let r = item("user_roles", "type", "SUPER_ADMIN");
    let out = role_assignment(&ctx(), &kinds::USER, "00u1", &r).unwrap();
    assert_eq!(out.nodes[0].key, "okta_role:acme.okta.com:SUPER_ADMIN");
    assert_eq!(out.nodes[0].props.get("superAdmin"), Some(&Prop::Bool(true)));
    assert_eq!(str_prop(&out.edges[0].props, "assignmentId"), Some("ra11"));
    let inherited = item("user_roles", "assignmentType", "GROUP");
    assert!(role_assignment(&ctx(), &kinds::USER, "00u1", &inherited).is_none());
    let out = role_assignment(&ctx(), &kinds::USER_GROUP, "00g1", &inherited).unwrap();
    assert_eq!(out.edges[0].kind.type_name, "okta_user_group_assigned_role");
    let custom = item("user_roles", "type", "CUSTOM");
    let out = role_assignment(&ctx(), &kinds::USER, "00u1", &custom).unwrap();
    assert_eq!(out.nodes[0].key, "okta_role:acme.okta.com:cr0abc");
    assert_eq!(str_prop(&out.nodes[0].props, "name"), Some("Auditor"));
}

#[test]
fn rules_manage_groups() {
    let out = rule(&ctx(), &fixture("group_rule"), |_| &kinds::USER_GROUP).unwrap();
    let p = &out.nodes[0].props;
    assert_eq!(str_prop(p, "expression"), Some("String.stringContains(user.email,\"jupiter\")"));
    assert_eq!(p.get("active"), Some(&Prop::Bool(false)));
    assert_eq!(str_prop(p, "ruleType"), Some("group_rule"));
    assert!(str_prop(p, "actions").unwrap().contains("00g2yk804gBPDqdcz4x7"));
    assert_eq!(out.edges[1].kind.type_name, "okta_rule_manages_user_group");
    assert_eq!(out.edges[1].to, "00g2yk804gBPDqdcz4x7");
}

#[test]
fn app_creation_events() {
    let mut create = fixture("log_event_app_create");
    // A target that is not the app comes first: the app is found by its type, not its position.
    create["target"].as_array_mut().unwrap().insert(0, json!({"id": "xyz", "type": "User", "alternateId": "k@example.com"}));
    let AppCreation { actor, app_id: app, published: when } = app_creation(&create).unwrap();
    assert_eq!((actor.as_str(), app.as_str()), ("00uA", "0oaNew"));
    assert_eq!(when.to_rfc3339(), "2026-10-01T10:00:00+00:00");
    let mut console = create.clone();
    console["eventType"] = json!("application.lifecycle.update");
    assert!(app_creation(&console).is_none());
    console["debugContext"]["debugData"]["requestUri"] = json!("/admin/app/bookmark/instance/_new_");
    assert!(app_creation(&console).is_some());
    let mut system = create.clone();
    system["actor"]["type"] = json!("SystemPrincipal");
    assert!(app_creation(&system).is_none());
}

#[test]
fn account_and_services() {
    let a = account(&ctx(), Some(&fixture("org")), Some(&fixture("org_okta_support")));
    assert_eq!(a.key, "okta_account:acme.okta.com");
    assert_eq!(a.props.get("supportEnabled"), Some(&Prop::Bool(true)));
    assert!(matches!(a.props.get("supportExpiresOn"), Some(Prop::DateTime(_))));
    assert_eq!(str_prop(&a.props, "companyName"), Some("Acme Inc"));
    assert_eq!(str_prop(&a.props, "name"), Some("acme"));
    let none = account(&ctx(), None, None);
    assert!(!none.props.contains_key("supportEnabled"));
    let s = services(&ctx());
    let keys: Vec<_> = s.nodes.iter().map(|n| n.key.as_str()).collect();
    assert_eq!(keys, vec!["okta_service:acme.okta.com:sso", "okta_service:acme.okta.com:mfa"]);
    assert_eq!(s.nodes[1].props.get("function"), Some(&Prop::List(vec!["MFA".into()])));
}

#[test]
fn the_same_aws_role_through_two_apps_gives_identical_edges() {
    // Regression: a per-app property on the role edge made a no-change re-sync rewrite it every time.
    let arn = "arn:aws:iam::123456789012:role/Admin";
    let mut au = fixture("app_user_aws");
    au["profile"]["samlRoles"] = json!([arn]);
    let a = AppInfo { id: "0oaA".into(), aws: true, aws_account_id: Some("123456789012".into()) };
    let b = AppInfo { id: "0oaB".into(), aws: true, aws_account_id: Some("123456789012".into()) };
    let ea = app_user(&ctx(), &a, &au).unwrap().edges.into_iter().find(|e| e.to == arn).unwrap();
    let eb = app_user(&ctx(), &b, &au).unwrap().edges.into_iter().find(|e| e.to == arn).unwrap();
    assert_eq!(ea, eb);
}
