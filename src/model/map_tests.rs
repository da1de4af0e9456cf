//! Mapping tests on real-shaped Okta JSON (shapes from recorded Okta responses, okta-api.md §3).

use super::*;
use serde_json::json;

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

fn real_user() -> serde_json::Value {
    json!({"id":"00u2ot2iur46vIUsV4x7","status":"ACTIVE","created":"2021-03-25T13:00:33.000Z",
      "activated":"2021-03-25T13:00:33.000Z","statusChanged":"2021-03-25T15:00:14.000Z",
      "lastLogin":"2021-04-13T15:20:22.000Z","lastUpdated":"2021-03-25T15:00:14.000Z",
      "passwordChanged":"2021-03-25T15:00:14.000Z","type":{"id":"otys5to4jqDf0Ws0W4x6"},
      "profile":{"firstName":"Kevin","lastName":"Casey","mobilePhone":"+1 555 0100","secondEmail":null,
        "login":"k@example.com","email":"K@Example.com","costCenter":"CC-9","isContractor":false,
        "skills":["rust",null,"cypher"],"github.username":"kc","address":{"city":"x"},"status":"from-profile"},
      "credentials":{"password":{},"emails":[{"value":"k@example.com","status":"VERIFIED","type":"PRIMARY"},
        {"value":"old@example.com","status":"UNVERIFIED","type":"SECONDARY"}],
        "recovery_question":{"question":"first pet?"},"provider":{"type":"OKTA","name":"OKTA"}},
      "_links":{"self":{"href":"https://acme.okta.com/api/v1/users/00u2ot2iur46vIUsV4x7"}}})
}

#[test]
fn user_maps_explicit_fields_profile_and_employee() {
    let r = user(&ctx(), &real_user()).unwrap();
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
        let mut u = real_user();
        u["profile"]["userType"] = json!(t);
        let r = user(&ctx(), &u).unwrap();
        assert!(r.nodes.iter().all(|n| n.kind.type_name != "employee"), "{t}");
    }
    let minimal = json!({"id":"00uX","status":"DEPROVISIONED","profile":{"login":"svc@x.io"},"lastLogin":null});
    let r = user(&ctx(), &minimal).unwrap();
    let p = &r.nodes[0].props;
    assert_eq!(p.get("active"), Some(&Prop::Bool(false)));
    assert!(!p.contains_key("lastLogin"));
    assert!(!p.contains_key("email"));
    assert_eq!(str_prop(p, "name"), Some("svc@x.io"));
    assert!(user(&ctx(), &json!({"profile":{}})).is_none(), "no id, no record");
}

#[test]
fn groups_by_type_with_stats() {
    let everyone = json!({"id":"00gs5to49AhMBaJNU4x6","created":"2020-08-27T01:06:34.000Z","lastUpdated":"2020-08-27T01:06:34.000Z",
      "lastMembershipUpdated":"2021-03-25T13:00:33.000Z","objectClass":["okta:user_group"],"type":"BUILT_IN",
      "profile":{"name":"Everyone","description":"All users in your organization"},
      "_embedded":{"stats":{"usersCount":12,"appsCount":1,"groupPushMappingsCount":0,"hasAdminPrivlege":false}}});
    let r = group(&ctx(), &everyone).unwrap();
    let g = &r.nodes[0];
    assert_eq!(g.kind.type_name, "okta_user_group");
    assert_eq!(g.props.get("usersCount"), Some(&Prop::Int(12)));
    assert_eq!(str_prop(&g.props, "name"), Some("Everyone"));
    assert_eq!(g.props.get("objectClass"), Some(&Prop::List(vec!["okta:user_group".into()])));
    assert_eq!(r.edges[0].kind.type_name, "okta_account_has_user_group");

    let ad = json!({"id":"00gAD","type":"APP_GROUP","source":{"id":"0oaAD"},"objectClass":["okta:windows_security_principal"],
      "profile":{"name":"Domain Admins","description":null,"samAccountName":"Domain Admins","objectSid":"S-1-5"}});
    let r = group(&ctx(), &ad).unwrap();
    assert_eq!(r.nodes[0].kind.type_name, "okta_app_user_group");
    assert_eq!(str_prop(&r.nodes[0].props, "sourceAppId"), Some("0oaAD"));
    assert_eq!(str_prop(&r.nodes[0].props, "samAccountName"), Some("Domain Admins"));
    assert!(!r.nodes[0].props.contains_key("description"));
    assert_eq!(membership(&ctx(), r.nodes[0].kind, "00gAD", "00u1").kind.type_name, "okta_app_user_group_has_user");
}

#[test]
fn aws_app_and_role_targets() {
    let app = json!({"id":"0oaAWS","name":"amazon_aws","label":"AWS Prod","status":"ACTIVE","signOnMode":"SAML_2_0",
      "created":"2021-01-01T00:00:00.000Z","features":["PUSH_NEW_USERS"],
      "credentials":{"signing":{"kid":"secret-kid"},"userNameTemplate":{"template":"${source.login}"}},
      "settings":{"app":{"awsEnvironmentType":"aws.amazon","identityProviderArn":"arn:aws:iam::123456789012:saml-provider/Okta",
        "sessionDuration":3600,"joinAllRoles":false,"loginURL":"https://console.aws.amazon.com","secretKey":"hunter2"}},
      "_links":{"logo":[{"href":"https://ok.img/aws.png"}]}});
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
    let au = json!({"id":"00u1","scope":"USER","status":"ACTIVE","syncState":"DISABLED","credentials":{"userName":"k"},
      "profile":{"samlRoles":["arn:aws:iam::123456789012:role/Admin","Prod -- ReadOnly","[dev-alias] -- Dev","Billing"]}});
    let r = app_user(&ctx(), &info, &au).unwrap();
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

    let ag = json!({"id":"00gG","priority":0,"lastUpdated":"2021-04-11T16:12:50.000Z","profile":{"role":"Admin"}});
    let r = app_group(&ctx(), &info, &kinds::USER_GROUP, &ag).unwrap();
    assert_eq!(r.edges[0].props.get("priority"), Some(&Prop::Int(0)));
    assert_eq!(r.edges[1].kind.type_name, "okta_user_group_assigned_aws_iam_role");
    assert_eq!(r.edges[1].to, "arn:aws:iam::123456789012:role/Admin");
}

#[test]
fn plain_app_assignment_has_no_role_edges() {
    let app = json!({"id":"0oaS","name":"slack","label":"Slack","status":"INACTIVE","signOnMode":"BOOKMARK","settings":{"app":{"domain":"acme.slack.com"}}});
    let r = application(&ctx(), &app).unwrap();
    assert_eq!(str_prop(&r.nodes[0].props, "appDomain"), Some("acme.slack.com"));
    assert_eq!(r.nodes[0].props.get("active"), Some(&Prop::Bool(false)));
    let info = AppInfo::from_app(&app).unwrap();
    let au = json!({"id":"00u2","scope":"GROUP","status":"PROVISIONED","profile":{"role":"admin"}});
    let r = app_user(&ctx(), &info, &au).unwrap();
    assert_eq!(r.edges.len(), 1);
    assert!(r.nodes.is_empty());
}

#[test]
fn factors_keep_no_secrets() {
    let f = json!({"id":"uftHOTP","factorType":"token:hotp","provider":"CUSTOM","vendorName":"CUSTOM","status":"ACTIVE",
      "created":"2022-01-01T00:00:00.000Z","profile":{"sharedSecret":"JBSWY3DPEHPK3PXP","credentialId":"x"}});
    let r = factor(&ctx(), "00u1", &f).unwrap();
    assert!(!format!("{:?}", r.nodes[0].props).contains("JBSWY3"));
    assert_eq!(str_prop(&r.nodes[0].props, "name"), Some("CUSTOM token:hotp"));
    let sms = json!({"id":"mbl1","factorType":"sms","provider":"OKTA","status":"PENDING_ACTIVATION","profile":{"phoneNumber":"+15550100"}});
    let r = factor(&ctx(), "00u1", &sms).unwrap();
    assert!(!format!("{:?}", r.nodes[0].props).contains("5550100"));
    assert_eq!(r.nodes[0].props.get("active"), Some(&Prop::Bool(false)));
    let push = json!({"id":"opf1","factorType":"push","provider":"OKTA","status":"ACTIVE",
      "profile":{"deviceType":"SmartPhone_IPhone","platform":"IOS","name":"Kev's iPhone","deviceToken":"tok"}});
    let r = factor(&ctx(), "00u1", &push).unwrap();
    assert_eq!(str_prop(&r.nodes[0].props, "platform"), Some("IOS"));
    assert_eq!(str_prop(&r.nodes[0].props, "profileName"), Some("Kev's iPhone"));
    assert!(!format!("{:?}", r.nodes[0].props).contains("\"tok\""));
    assert_eq!(r.edges[0].key(), "00u1|ASSIGNED|opf1");
}

#[test]
fn roles_user_group_and_custom() {
    let r = json!({"id":"ra11","label":"Super Organization Administrator","type":"SUPER_ADMIN","status":"ACTIVE",
      "created":"2020-11-06T15:47:32.000Z","assignmentType":"USER","_links":{"assignee":{"href":"x"}}});
    let out = role_assignment(&ctx(), &kinds::USER, "00u1", &r).unwrap();
    assert_eq!(out.nodes[0].key, "okta_role:acme.okta.com:SUPER_ADMIN");
    assert_eq!(out.nodes[0].props.get("superAdmin"), Some(&Prop::Bool(true)));
    assert_eq!(str_prop(&out.edges[0].props, "assignmentId"), Some("ra11"));
    let inherited = json!({"id":"ra2","type":"ORG_ADMIN","assignmentType":"GROUP"});
    assert!(role_assignment(&ctx(), &kinds::USER, "00u1", &inherited).is_none());
    let out = role_assignment(&ctx(), &kinds::USER_GROUP, "00g1", &inherited).unwrap();
    assert_eq!(out.edges[0].kind.type_name, "okta_user_group_assigned_role");
    let custom = json!({"id":"ra3","type":"CUSTOM","role":"cr0abc","label":"Auditor","assignmentType":"USER","resource-set":"iam0x"});
    let out = role_assignment(&ctx(), &kinds::USER, "00u1", &custom).unwrap();
    assert_eq!(out.nodes[0].key, "okta_role:acme.okta.com:cr0abc");
    assert_eq!(str_prop(&out.nodes[0].props, "name"), Some("Auditor"));
}

#[test]
fn rules_manage_groups() {
    let r = json!({"type":"group_rule","id":"0pr2yk9orqsTiGek64x7","status":"INACTIVE","name":"Adding to J1_Emps",
      "created":"2021-04-20T15:02:49.000Z","lastUpdated":"2021-04-20T17:24:45.000Z",
      "conditions":{"expression":{"value":"String.stringContains(user.email,\"jupiter\")","type":"urn:okta:expression:1.0"}},
      "actions":{"assignUserToGroups":{"groupIds":["00g2yk804gBPDqdcz4x7"]}},"allGroupsValid":true});
    let out = rule(&ctx(), &r, |_| &kinds::USER_GROUP).unwrap();
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
    let create = json!({"eventType":"application.lifecycle.create","published":"2026-10-01T10:00:00.000Z","version":"0",
      "actor":{"id":"00uA","type":"User","alternateId":"a@x.io"},
      "target":[{"id":"xyz","type":"User"},{"id":"0oaNew","type":"AppInstance","displayName":"New"}]});
    let AppCreation { actor, app_id: app, published: when } = app_creation(&create).unwrap();
    assert_eq!((actor.as_str(), app.as_str()), ("00uA", "0oaNew"));
    assert_eq!(when.to_rfc3339(), "2026-10-01T10:00:00+00:00");
    let mut console = create.clone();
    console["eventType"] = json!("application.lifecycle.update");
    assert!(app_creation(&console).is_none());
    console["debugContext"] = json!({"debugData":{"requestUri":"/admin/app/bookmark/instance/_new_"}});
    assert!(app_creation(&console).is_some());
    let mut system = create.clone();
    system["actor"]["type"] = json!("SystemPrincipal");
    assert!(app_creation(&system).is_none());
}

#[test]
fn account_and_services() {
    let org = json!({"id":"00o1","subdomain":"acme","companyName":"Acme Inc","status":"ACTIVE"});
    let sup = json!({"support":"ENABLED","expiration":"2022-03-24T11:13:14.000Z"});
    let a = account(&ctx(), Some(&org), Some(&sup));
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
    let au = json!({"id":"00u1","scope":"USER","profile":{"samlRoles":[arn]}});
    let a = AppInfo { id: "0oaA".into(), aws: true, aws_account_id: Some("123456789012".into()) };
    let b = AppInfo { id: "0oaB".into(), aws: true, aws_account_id: Some("123456789012".into()) };
    let ea = app_user(&ctx(), &a, &au).unwrap().edges.into_iter().find(|e| e.to == arn).unwrap();
    let eb = app_user(&ctx(), &b, &au).unwrap().edges.into_iter().find(|e| e.to == arn).unwrap();
    assert_eq!(ea, eb);
}
