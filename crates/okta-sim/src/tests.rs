use super::*;

fn small() -> Org {
    Org::generate(&OrgSpec { users: 120, seed: 42 }, "http://127.0.0.1:0")
}

#[test]
fn generation_is_deterministic() {
    let a = small().dump_json();
    let b = small().dump_json();
    assert_eq!(a, b);
    let c = Org::generate(&OrgSpec { users: 120, seed: 43 }, "http://127.0.0.1:0").dump_json();
    assert_ne!(a, c);
}

#[test]
fn dump_round_trips() {
    let org = small();
    let back = Org::from_fixture_json(&org.dump_json()).expect("fixture parses");
    assert_eq!(org, back);
}

#[test]
fn derived_sizes_and_content() {
    let org = small();
    assert_eq!(org.users.len(), 120);
    let okta_groups = org.groups.values().filter(|g| g.kind == "OKTA_GROUP").count();
    assert_eq!(okta_groups, 6);
    assert_eq!(org.groups.values().filter(|g| g.kind == "BUILT_IN").count(), 1);
    assert_eq!(org.groups.values().filter(|g| g.kind == "APP_GROUP").count(), 1);
    assert_eq!(org.apps.len(), 5);
    assert!(org.apps.values().any(|a| a.name == "amazon_aws" && a.sign_on_mode == "SAML_2_0"));
    assert!(org.group_rules.len() >= 2);
    let everyone = org.groups.values().find(|g| g.kind == "BUILT_IN").unwrap();
    assert_eq!(org.group_members[&everyone.id].len(), 120);
    assert!(org.users.values().any(|u| u.status == "DEPROVISIONED"));
    assert!(org.roles.iter().any(|r| r.role_type == "SUPER_ADMIN"));
    assert!(org.roles.iter().any(|r| r.role_type == "CUSTOM" && r.role.is_some()));
    assert!(org.roles.iter().any(|r| r.assignment_type == "GROUP"));
    let supers: Vec<_> = org.roles.iter().filter(|r| r.role_type == "SUPER_ADMIN").collect();
    assert!(supers.iter().any(|r| !org.factors.contains_key(&r.assignee)), "a super admin without factors");
    assert!(org.logs.iter().any(|e| e["eventType"] == "application.lifecycle.create"));
    // active rule members are group members
    for r in org.group_rules.values().filter(|r| r.status == "ACTIVE") {
        let cc = r.conditions["expression"]["value"].as_str().unwrap().split('"').nth(1).unwrap().to_string();
        let gid = r.actions["assignUserToGroups"]["groupIds"][0].as_str().unwrap();
        let excluded = r.conditions.pointer("/people/users/exclude/0").and_then(|v| v.as_str()).unwrap_or("");
        for u in org.users.values().filter(|u| u.profile.cost_center.as_deref() == Some(cc.as_str()) && u.id != excluded) {
            assert!(org.group_members[gid].contains(&u.id));
        }
    }
    let v = serde_json::to_value(org.users.values().next().unwrap()).unwrap();
    assert!(v["profile"].get("mobilePhone").is_some());
    assert!(v["id"].as_str().unwrap().starts_with("00u") && v["id"].as_str().unwrap().len() == 20);
}

#[test]
fn bad_fixture_is_rejected() {
    assert!(Org::from_fixture_json("{\"users\": 3}").is_err());
    let e = Org::from_fixture_json("{\"group_members\": {\"00gX\": []}}").unwrap_err();
    assert!(e.contains("unknown group"), "{e}");
}

#[test]
fn tiny_orgs_generate() {
    for users in [0, 1, 2, 5] {
        let org = Org::generate(&OrgSpec { users, seed: 1 }, "http://127.0.0.1:0");
        assert_eq!(org.users.len(), users);
        org.validate().unwrap();
        if users > 0 {
            assert!(org.roles.iter().any(|r| r.role_type == "SUPER_ADMIN"));
        }
    }
}
