//! docs/graph.md is the graph contract users read; these tests keep it from drifting away from the code. Its
//! entity, relationship and step tables must say exactly what `model::kinds` and `collect::STEPS` declare,
//! its key forms must be the keys the model builds, and every property the model writes must be documented.
//! No Neo4j needed: the doc is compared with the tables and with records mapped from sample Okta JSON.

use oktagraph::collect::{step, STEPS};
use oktagraph::model::kinds::{self, NodeKind, RelKind, NODE_KINDS, REL_KINDS};
use oktagraph::model::{self, AppInfo, Context, EdgeRecord, NodeRecord, Records};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

const DOC: &str = include_str!("../docs/graph.md");

/// The first Markdown table after a heading, its cells trimmed (escaped pipes restored).
struct Table {
    heading: &'static str,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn after(heading: &'static str) -> Table {
        let mut lines = DOC.lines().skip_while(|l| l.trim() != heading);
        assert!(lines.next().is_some(), "docs/graph.md has no heading {heading:?}");
        let mut table = lines.skip_while(|l| !l.starts_with('|')).take_while(|l| l.starts_with('|'));
        let header = cells(table.next().unwrap_or_else(|| panic!("no table under {heading:?}")));
        let rows: Vec<Vec<String>> = table.skip(1).map(cells).collect();
        for r in &rows {
            assert_eq!(r.len(), header.len(), "{heading}: row {r:?} has the wrong number of cells");
        }
        Table { heading, header, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{}: no column {name:?}", self.heading))
    }

    /// The one code span of a cell, e.g. the `_type`.
    fn one(&self, row: &[String], col: &str) -> String {
        let c = codes(&row[self.col(col)]);
        assert_eq!(c.len(), 1, "{}: {col} cell {:?} should hold one `code` value", self.heading, row[self.col(col)]);
        c[0].clone()
    }

    fn yes_no(&self, row: &[String], col: &str) -> bool {
        match row[self.col(col)].as_str() {
            "yes" => true,
            "no" => false,
            other => panic!("{}: {col} must be yes or no, not {other:?}", self.heading),
        }
    }
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.replace("\\|", "\u{0}").split('|').map(|c| c.trim().replace('\u{0}', "|")).collect()
}

/// The `code` spans of a piece of Markdown, in order.
fn codes(text: &str) -> Vec<String> {
    text.split('`').skip(1).step_by(2).map(String::from).collect()
}

fn names(classes: &[&str]) -> Vec<String> {
    classes.iter().map(|c| c.to_string()).collect()
}

fn node_step(kind: &'static NodeKind) -> &'static str {
    let producers: Vec<_> = STEPS.iter().filter(|s| s.nodes.contains(&kind)).collect();
    assert_eq!(producers.len(), 1, "{} should be produced by one step", kind.type_name);
    producers[0].name
}

fn rel_step(kind: &'static RelKind) -> &'static str {
    let producers: Vec<_> = STEPS.iter().filter(|s| s.edges.contains(&kind)).collect();
    assert_eq!(producers.len(), 1, "{} should be produced by one step", kind.type_name);
    producers[0].name
}

#[test]
fn entity_table_says_what_the_kinds_and_steps_declare() {
    let t = Table::after("## Entities");
    let mut documented = BTreeSet::new();
    for row in &t.rows {
        let type_name = t.one(row, "`_type`");
        let kind = kinds::node_kind(&type_name).unwrap_or_else(|| panic!("docs/graph.md lists {type_name}, the code has no such type"));
        assert!(documented.insert(type_name.clone()), "{type_name} listed twice");
        assert_eq!(codes(&row[t.col("`_class`")]), names(kind.classes), "{type_name}: classes");
        assert_eq!(t.yes_no(row, "account-scoped"), kind.account_scoped, "{type_name}: account scoping");
        assert_eq!(t.yes_no(row, "swept"), kind.sweepable, "{type_name}: swept");
        assert_eq!(t.one(row, "step"), node_step(kind), "{type_name}: producing step");
    }
    let declared: BTreeSet<String> = NODE_KINDS.iter().map(|k| k.type_name.to_string()).collect();
    assert_eq!(documented, declared, "docs/graph.md#entities must list every node type");
}

#[test]
fn relationship_table_says_what_the_kinds_and_steps_declare() {
    let t = Table::after("## Relationships");
    let mut documented = BTreeSet::new();
    for row in &t.rows {
        let type_name = t.one(row, "`_type`");
        let kind = kinds::rel_kind(&type_name).unwrap_or_else(|| panic!("docs/graph.md lists {type_name}, the code has no such type"));
        assert!(documented.insert(type_name.clone()), "{type_name} listed twice");
        assert_eq!(t.one(row, "from"), kind.from.type_name, "{type_name}: from");
        assert_eq!(t.one(row, "class"), kind.class, "{type_name}: class");
        assert_eq!(t.one(row, "to"), kind.to.type_name, "{type_name}: to");
        assert_eq!(t.one(row, "step"), rel_step(kind), "{type_name}: producing step");
    }
    let declared: BTreeSet<String> = REL_KINDS.iter().map(|k| k.type_name.to_string()).collect();
    assert_eq!(documented, declared, "docs/graph.md#relationships must list every relationship type");
}

#[test]
fn step_table_says_what_the_steps_declare() {
    let t = Table::after("## Steps");
    let documented: Vec<String> = t.rows.iter().map(|r| t.one(r, "step")).collect();
    let declared: Vec<String> = STEPS.iter().map(|s| s.name.to_string()).collect();
    assert_eq!(documented, declared, "docs/graph.md#steps must list every step, in the declared order");
    for (row, s) in t.rows.iter().zip(STEPS) {
        let needs: BTreeSet<String> = codes(&row[t.col("needs")]).into_iter().collect();
        let depends: BTreeSet<String> = s.depends_on.iter().map(|d| step(*d).name.to_string()).collect();
        assert_eq!(needs, depends, "{}: needs", s.name);
        assert_eq!(t.yes_no(row, "privileged"), s.privileged, "{}: privileged", s.name);
    }
}

const HOST: &str = "acme.okta.com";
const ARN: &str = "arn:aws:iam::123456789012:role/Admin";

/// Records mapped from sample Okta objects carrying every field the model reads, each with the values its
/// documented key form's placeholders take, and the profile attributes it copies as they are.
struct Sample {
    records: Records,
    placeholders: &'static [(&'static str, &'static str)],
    profile: &'static [&'static str],
}

/// The first item of the list fixture `tests/fixtures/okta/<name>.json`.
fn catalog(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/fixtures/okta/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let list: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("fixture JSON");
    list[0].clone()
}

fn samples() -> Vec<Sample> {
    let ctx = Context::new(&format!("https://{HOST}"), HOST, "acme");
    let host = &[("<org host>", HOST)];
    let one = |n: NodeRecord| Records { nodes: vec![n], edges: vec![] };
    let aws_app = json!({"id": "0oaAWS", "name": "amazon_aws", "label": "AWS", "status": "ACTIVE", "signOnMode": "SAML_2_0",
        "features": ["PUSH_NEW_USERS"], "created": "2024-01-02T03:04:05.000Z", "lastUpdated": "2024-01-03T03:04:05.000Z",
        "settings": {"app": {"identityProviderArn": "arn:aws:iam::123456789012:saml-provider/Okta", "awsEnvironmentType": "aws.amazon",
            "groupFilter": "aws_(?{{accountid}}\\d+)_(?{{role}}[a-zA-Z0-9+=,.@\\-_]+)", "roleValuePattern": "arn:aws:iam::${accountid}:role/${role}",
            "joinAllRoles": true, "sessionDuration": 3600, "githubOrg": "acme", "domain": "acme.com", "accountId": "42",
            "loginURL": "https://signin.aws.amazon.com"}},
        "_links": {"logo": [{"href": "https://img/logo.png"}]}});
    let info = AppInfo::from_app(&aws_app).expect("app info");
    let times = |mut v: serde_json::Value, fields: &[&str]| {
        for f in fields {
            v[*f] = json!("2024-01-02T03:04:05.000Z");
        }
        v
    };
    let user = times(
        json!({"id": "00uANN", "status": "ACTIVE", "transitioningToStatus": "SUSPENDED", "type": {"id": "oty1"},
            "profile": {"login": "Ann@Example.com", "email": "Ann@Example.com", "firstName": "Ann", "lastName": "Lee", "userType": "Employee"},
            "credentials": {"emails": [{"value": "ann@example.com", "status": "VERIFIED"}, {"value": "a@x.com", "status": "UNVERIFIED"}],
                            "provider": {"type": "OKTA", "name": "OKTA"}}}),
        &["created", "activated", "statusChanged", "lastLogin", "lastUpdated", "passwordChanged"],
    );
    let group = |id: &str, gtype: &str| {
        times(
            json!({"id": id, "type": gtype, "objectClass": ["okta:user_group"], "source": {"id": "0oaSRC"},
                "profile": {"name": "Admins", "description": "the admins"},
                "_embedded": {"stats": {"usersCount": 2, "appsCount": 1, "hasAdminPrivlege": true}}}),
            &["created", "lastUpdated", "lastMembershipUpdated"],
        )
    };
    let role = |rtype: &str| {
        json!({"id": "ra1", "type": rtype, "role": "cr0CUSTOM", "label": "Admin", "status": "ACTIVE",
        "assignmentType": "USER", "resource-set": "rs1"})
    };
    let some = |r: Option<Records>| r.expect("the model maps the sample");
    let profile: &[&str] = &["login", "email", "firstName", "lastName", "userType"];
    vec![
        Sample {
            records: one(model::account(
                &ctx,
                Some(&json!({"companyName": "Acme", "id": "00o1", "status": "ACTIVE", "website": "https://acme.com"})),
                Some(&json!({"support": "ENABLED", "expiration": "2024-01-02T03:04:05.000Z", "caseNumber": "42"})),
            )),
            placeholders: host,
            profile: &[],
        },
        Sample { records: model::services(&ctx), placeholders: host, profile: &[] },
        Sample {
            records: some(model::user(&ctx, &user)),
            placeholders: &[("<Okta id>", "00uANN"), ("<lower-cased email>", "ann@example.com")],
            profile,
        },
        Sample {
            records: some(model::group(&ctx, &group("00gOKTA", "OKTA_GROUP"))),
            placeholders: &[("<Okta id>", "00gOKTA")],
            profile: &["name", "description"],
        },
        Sample {
            records: some(model::group(&ctx, &group("00gAPP", "APP_GROUP"))),
            placeholders: &[("<Okta id>", "00gAPP")],
            profile: &["name", "description"],
        },
        Sample { records: some(model::application(&ctx, &aws_app)), placeholders: &[("<Okta id>", "0oaAWS")], profile: &[] },
        Sample {
            records: some(model::factor(
                &ctx,
                "00uANN",
                &times(
                    json!({"id": "mfaA", "factorType": "push", "provider": "OKTA", "vendorName": "OKTA",
                "status": "ACTIVE", "lastVerified": "2024-01-02T03:04:05.000Z",
                "profile": {"authenticatorName": "Okta Verify", "platform": "IOS", "deviceType": "SmartPhone_IPhone", "name": "Ann's phone"}}),
                    &["created", "lastUpdated"],
                ),
            )),
            placeholders: &[("<Okta id>", "mfaA")],
            profile: &[],
        },
        Sample {
            records: some(model::role_assignment(&ctx, &kinds::USER, "00uANN", &role("SUPER_ADMIN"))),
            placeholders: &[("<org host>", HOST), ("<role type>", "SUPER_ADMIN")],
            profile: &[],
        },
        Sample {
            records: some(model::role_assignment(&ctx, &kinds::APP_USER_GROUP, "00gAPP", &role("CUSTOM"))),
            placeholders: &[("<org host>", HOST), ("<custom role id>", "cr0CUSTOM")],
            profile: &[],
        },
        Sample {
            records: some(model::rule(
                &ctx,
                &times(
                    json!({"id": "0prR", "name": "eng", "type": "group_rule", "status": "ACTIVE", "allGroupsValid": true,
                "conditions": {"expression": {"value": "user.department==\"eng\""}}, "actions": {"assignUserToGroups": {"groupIds": ["00gOKTA", "00gAPP"]}}}),
                    &["created", "lastUpdated"],
                ),
                |id| if id == "00gAPP" { &kinds::APP_USER_GROUP } else { &kinds::USER_GROUP },
            )),
            placeholders: &[("<Okta id>", "0prR")],
            profile: &[],
        },
        Sample { records: one(model::aws_role(ARN, None).expect("ARN role")), placeholders: &[("<role ARN>", ARN)], profile: &[] },
        Sample {
            records: one(model::aws_role("prod -- Admin", None).expect("named role")),
            placeholders: &[("<AWS account name>", "prod"), ("<role name>", "Admin")],
            profile: &[],
        },
        Sample {
            records: some(model::app_user(
                &ctx,
                &info,
                &times(
                    json!({"id": "00uANN", "scope": "USER", "status": "PROVISIONED", "syncState": "SYNCHRONIZED",
                "externalId": "x1", "credentials": {"userName": "ann"}, "profile": {"samlRoles": [ARN], "role": "Admin"}}),
                    &["created", "lastUpdated", "statusChanged"],
                ),
            )),
            placeholders: &[("<role ARN>", ARN)],
            profile: &[],
        },
        Sample {
            records: some(model::app_group(
                &ctx,
                &info,
                &kinds::USER_GROUP,
                &json!({"id": "00gOKTA", "priority": 0,
                "lastUpdated": "2024-01-02T03:04:05.000Z", "profile": {"samlRoles": ["prod -- Admin"], "role": "Admin"}}),
            )),
            placeholders: &[("<AWS account name>", "prod"), ("<role name>", "Admin")],
            profile: &[],
        },
        Sample {
            records: some(model::app_group(&ctx, &info, &kinds::APP_USER_GROUP, &json!({"id": "00gAPP", "profile": {"samlRoles": [ARN]}}))),
            placeholders: &[("<role ARN>", ARN)],
            profile: &[],
        },
        Sample {
            records: some(model::policy(
                &ctx,
                &times(
                    json!({"id": "00pSIGN", "type": "OKTA_SIGN_ON", "name": "Admins", "status": "ACTIVE", "priority": 1, "system": false,
                "description": "d", "conditions": {"people": {"groups": {"include": ["00gOKTA", "00gAPP"]}, "users": {"include": ["00uANN"]}},
                "authProvider": {"provider": "OKTA"}},
                "settings": {"type": "AUTHENTICATORS", "authenticators": [{"key": "okta_verify", "enroll": {"self": "REQUIRED"}},
                    {"key": "okta_email", "enroll": {"self": "OPTIONAL"}}],
                    "password": {"complexity": {"minLength": 8, "minLowerCase": 1, "minUpperCase": 1, "minNumber": 1, "minSymbol": 0,
                        "excludeUsername": true, "dictionary": {"common": {"exclude": true}}},
                    "age": {"maxAgeDays": 0, "expireWarnDays": 0, "minAgeMinutes": 0, "historyCount": 4},
                    "lockout": {"maxAttempts": 10, "autoUnlockMinutes": 0}}}}),
                    &["created", "lastUpdated"],
                ),
                |id| if id == "00gAPP" { &kinds::APP_USER_GROUP } else { &kinds::USER_GROUP },
            )),
            placeholders: &[("<Okta id>", "00pSIGN")],
            profile: &[],
        },
        Sample {
            records: some(model::policy(
                &ctx,
                &json!({"id": "rstACCESS", "type": "ACCESS_POLICY", "name": "Apps", "status": "ACTIVE",
                "conditions": {"people": {"groups": {"exclude": ["00gOKTA", "00gAPP"]}, "users": {"exclude": ["00uANN"]}}}}),
                |id| if id == "00gAPP" { &kinds::APP_USER_GROUP } else { &kinds::USER_GROUP },
            )),
            placeholders: &[("<Okta id>", "rstACCESS")],
            profile: &[],
        },
        Sample {
            records: some(model::policy_rule(
                &ctx,
                "00pSIGN",
                &times(
                    json!({"id": "0prSIGN", "type": "SIGN_ON", "name": "MFA", "status": "ACTIVE", "priority": 1, "system": false,
                "conditions": {"people": {"groups": {"include": ["00gOKTA", "00gAPP"]}, "users": {"include": ["00uANN"]}},
                    "network": {"connection": "ZONE", "include": ["nzoIN"], "exclude": ["nzoOUT"]}, "riskScore": {"level": "ANY"},
                    "identityProvider": {"provider": "ANY"}, "elCondition": {"condition": "true"}},
                "actions": {"signon": {"access": "ALLOW", "requireFactor": true, "factorPromptMode": "ALWAYS", "factorLifetime": 15,
                    "rememberDeviceByDefault": false, "primaryFactor": "PASSWORD_IDP_ANY_FACTOR",
                    "session": {"maxSessionIdleMinutes": 120, "maxSessionLifetimeMinutes": 0, "usePersistentCookie": false}},
                    "passwordChange": {"access": "ALLOW"}, "selfServicePasswordReset": {"access": "ALLOW"},
                    "selfServiceUnlock": {"access": "DENY"}, "enroll": {"self": "CHALLENGE"}, "profileEnrollment": {"access": "ALLOW"}}}),
                    &["created", "lastUpdated"],
                ),
                |id| if id == "00gAPP" { &kinds::APP_USER_GROUP } else { &kinds::USER_GROUP },
            )),
            placeholders: &[("<Okta id>", "0prSIGN")],
            profile: &[],
        },
        Sample {
            records: some(model::policy_rule(
                &ctx,
                "rstACCESS",
                &json!({"id": "rulACCESS", "type": "ACCESS_POLICY", "name": "2FA", "status": "ACTIVE",
                "conditions": {"people": {"groups": {"exclude": ["00gOKTA", "00gAPP"]}, "users": {"exclude": ["00uANN"]}}},
                "actions": {"appSignOn": {"access": "ALLOW", "verificationMethod": {"factorMode": "2FA", "type": "ASSURANCE",
                    "reauthenticateIn": "PT2H", "inactivityPeriod": "PT1H", "constraints": [{"possession": {"required": true}}]}}}}),
                |id| if id == "00gAPP" { &kinds::APP_USER_GROUP } else { &kinds::USER_GROUP },
            )),
            placeholders: &[("<Okta id>", "rulACCESS")],
            profile: &[],
        },
        Sample {
            records: Records { nodes: vec![], edges: vec![model::policy_assigned_application(&ctx, "rstACCESS", "0oaAWS")] },
            placeholders: &[],
            profile: &[],
        },
        Sample {
            records: some(model::role_assignment(&ctx, &kinds::USER_GROUP, "00gOKTA", &role("ORG_ADMIN"))),
            placeholders: &[("<org host>", HOST), ("<role type>", "ORG_ADMIN")],
            profile: &[],
        },
        Sample {
            records: some(model::authenticator(
                &ctx,
                &times(
                    json!({"id": "autOV", "key": "okta_verify", "type": "app", "name": "Okta Verify", "status": "ACTIVE", "provider": {"type": "DUO"},
                "settings": {"allowedFor": "any", "tokenLifetimeInMinutes": 5, "userVerification": "PREFERRED", "appInstanceId": "0oaOV",
                             "channelBinding": {"style": "NUMBER_CHALLENGE", "required": "ALWAYS"}, "compliance": {"fips": "OPTIONAL"}}}),
                    &["created", "lastUpdated"],
                ),
            )),
            placeholders: &[("<Okta id>", "autOV")],
            profile: &[],
        },
        Sample {
            records: some(model::device(
                &ctx,
                &times(
                    json!({"id": "guoD", "status": "ACTIVE", "resourceType": "UDDevice",
                "profile": {"displayName": "Ann's Mac", "platform": "MACOS", "manufacturer": "APPLE", "model": "Mac14,2", "osVersion": "14.4",
                            "registered": true, "secureHardwarePresent": true, "diskEncryptionType": "ALL_INTERNAL_VOLUMES"},
                "_embedded": {"users": [{"created": "2024-01-02T03:04:05.000Z", "managementStatus": "MANAGED", "screenLockType": "BIOMETRIC",
                                         "user": {"id": "00uANN"}}]}}),
                    &["created", "lastUpdated"],
                ),
            )),
            placeholders: &[("<Okta id>", "guoD")],
            profile: &[],
        },
        Sample {
            records: {
                let grant = |kind: &'static model::NodeKind, id: &str, t: &str| model::RoleGrant {
                    holder_kind: kind,
                    holder_id: id.into(),
                    assignment_id: "ra1".into(),
                    role_type: t.into(),
                    role_key: format!("okta_role:{HOST}:{t}"),
                    resource_set: None,
                };
                let mut a = model::Administers::default();
                for (holder, id) in [(&kinds::USER, "00uANN"), (&kinds::USER_GROUP, "00gOKTA"), (&kinds::APP_USER_GROUP, "00gAPP")] {
                    a.add(&grant(holder, id, "USER_ADMIN"), &kinds::USER_GROUP, "00gOKTA");
                    a.add(&grant(holder, id, "HELP_DESK_ADMIN"), &kinds::APP_USER_GROUP, "00gAPP");
                    a.add(&grant(holder, id, "APP_ADMIN"), &kinds::APPLICATION, "0oaAWS");
                }
                a.records(&ctx)
            },
            placeholders: &[],
            profile: &[],
        },
        Sample {
            records: Records {
                nodes: vec![],
                edges: vec![
                    model::membership(&ctx, &kinds::USER_GROUP, "00gOKTA", "00uANN"),
                    model::membership(&ctx, &kinds::APP_USER_GROUP, "00gAPP", "00uANN"),
                    model::created_edge(&ctx, "00uANN", "0oaAWS", chrono::Utc::now().fixed_offset()),
                ],
            },
            placeholders: &[],
            profile: &[],
        },
        // The org's configuration lists (src/model/catalog.rs), from the Okta-shaped fixtures the model's tests use.
        Sample {
            records: some(model::identity_provider(&ctx, &catalog("idps"))),
            placeholders: &[("<Okta id>", "0oa62bc8wppPw0UGr0h7")],
            profile: &[],
        },
        Sample {
            records: some(model::trusted_origin(&ctx, &catalog("trusted_origins"))),
            placeholders: &[("<Okta id>", "tos10hu7rkbtrFt1M0g4")],
            profile: &[],
        },
        Sample {
            records: some(model::network_zone(&ctx, &catalog("zones"))),
            placeholders: &[("<Okta id>", "nzowc1U5Jh5xuAK0o0g3")],
            profile: &[],
        },
        Sample {
            records: some(model::api_token(&ctx, &catalog("api_tokens"))),
            placeholders: &[("<Okta id>", "00Tabcdefg1234567890")],
            profile: &[],
        },
        Sample {
            records: some(model::user_type(&ctx, &catalog("user_types"))),
            placeholders: &[("<Okta id>", "otyfnly5cQjJT9PnR0g4")],
            profile: &[],
        },
        Sample { records: model::user_has_type(&ctx, "00uANN", "otyfnly5cQjJT9PnR0g4"), placeholders: &[], profile: &[] },
        Sample {
            records: some(model::log_stream(&ctx, &catalog("log_streams"))),
            placeholders: &[("<Okta id>", "0oa1orqUGCIoCGNxf0g4")],
            profile: &[],
        },
        Sample {
            records: some(model::event_hook(&ctx, &catalog("event_hooks"))),
            placeholders: &[("<Okta id>", "who8tsqyrhCdmetzx135")],
            profile: &[],
        },
    ]
}

/// The documented key forms of each node type (the `_key` column, one `code` span per alternative).
fn key_forms() -> BTreeMap<String, Vec<String>> {
    let t = Table::after("## Entities");
    t.rows.iter().map(|r| (t.one(r, "`_type`"), codes(&r[t.col("`_key`")]))).collect()
}

#[test]
fn entity_keys_have_the_documented_forms() {
    let forms = key_forms();
    let mut used: BTreeSet<(String, String)> = BTreeSet::new();
    for sample in samples() {
        for n in &sample.records.nodes {
            let alternatives = &forms[n.kind.type_name];
            let matching: Vec<&String> = alternatives
                .iter()
                .filter(|form| sample.placeholders.iter().fold(form.to_string(), |f, (p, v)| f.replace(p, v)) == n.key)
                .collect();
            assert!(!matching.is_empty(), "{} key {:?} has none of the documented forms {alternatives:?}", n.kind.type_name, n.key);
            used.extend(matching.into_iter().map(|f| (n.kind.type_name.to_string(), f.clone())));
        }
        for e in &sample.records.edges {
            assert_eq!(prop_str(e, "_key"), format!("{}|{}|{}", e.from, e.kind.class, e.to), "{}: relationship _key", e.kind.type_name);
        }
    }
    for (type_name, alternatives) in &forms {
        for form in alternatives {
            assert!(used.contains(&(type_name.clone(), form.clone())), "{type_name}: no sample has the documented key form {form:?}");
        }
    }
    assert!(DOC.contains("`<from _key>|<class>|<to _key>`"), "docs/graph.md#relationships states the relationship key form");
}

fn prop_str(e: &EdgeRecord, name: &str) -> String {
    match e.props.get(name) {
        Some(model::Prop::Str(s)) => s.clone(),
        other => panic!("{}: {name} is {other:?}", e.kind.type_name),
    }
}

/// Property names the doc gives each node type: the `code` spans of its bullet under "Entity properties".
fn documented_node_props() -> BTreeMap<String, BTreeSet<String>> {
    let section: String = DOC
        .lines()
        .skip_while(|l| l.trim() != "### Entity properties")
        .skip(1)
        .take_while(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for bullet in section.split("\n- ").skip(1) {
        let (types, props) = bullet.split_once(":").expect("a bullet is `**type**: properties`");
        let props: BTreeSet<String> = codes(props).into_iter().collect();
        for t in types.split(',') {
            out.entry(t.trim().trim_matches('*').to_string()).or_default().extend(props.clone());
        }
    }
    out
}

/// Property names the doc gives each relationship type ("as above" repeats the previous row's).
fn documented_edge_props() -> BTreeMap<String, BTreeSet<String>> {
    let t = Table::after("## Relationships");
    let mut out = BTreeMap::new();
    let mut previous = BTreeSet::new();
    for r in &t.rows {
        let cell = &r[t.col("properties and source")];
        let mut props: BTreeSet<String> = codes(cell).into_iter().collect();
        if cell.starts_with("as above") {
            props.extend(previous.iter().cloned());
        }
        out.insert(t.one(r, "`_type`"), props.clone());
        previous = props;
    }
    out
}

/// Written by the model on every record of a kind and described under "Common properties" and "Conventions".
fn is_common(name: &str) -> bool {
    name.starts_with('_') || ["name", "displayName", "tag.AccountName"].contains(&name)
}

#[test]
fn every_property_the_model_writes_is_documented() {
    let nodes = documented_node_props();
    let edges = documented_edge_props();
    for k in NODE_KINDS {
        assert!(nodes.contains_key(k.type_name), "docs/graph.md#entity-properties has no bullet for {}", k.type_name);
    }
    let mut seen_nodes = BTreeSet::new();
    let mut seen_edges = BTreeSet::new();
    for sample in samples() {
        for n in &sample.records.nodes {
            seen_nodes.insert(n.kind.type_name);
            let doc = &nodes[n.kind.type_name];
            for p in n.props.keys().filter(|p| !is_common(p) && !sample.profile.contains(&p.as_str())) {
                assert!(doc.contains(p), "{}.{p} is written but not in docs/graph.md#entity-properties", n.kind.type_name);
            }
        }
        for e in &sample.records.edges {
            seen_edges.insert(e.kind.type_name);
            let doc = &edges[e.kind.type_name];
            for p in e.props.keys().filter(|p| !is_common(p)) {
                assert!(doc.contains(p), "{}.{p} is written but not in docs/graph.md#relationships", e.kind.type_name);
            }
        }
    }
    // A new type needs a sample here, so that its properties are checked too.
    let all_nodes: BTreeSet<&str> = NODE_KINDS.iter().map(|k| k.type_name).collect();
    assert_eq!(seen_nodes, all_nodes, "a node type has no sample");
    let all_edges: BTreeSet<&str> = REL_KINDS.iter().map(|k| k.type_name).collect();
    assert_eq!(seen_edges, all_edges, "a relationship type has no sample");
}
