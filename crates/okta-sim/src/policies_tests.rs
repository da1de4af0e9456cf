use super::*;
use crate::OrgSpec;
use std::collections::BTreeSet;

fn org(users: usize, seed: u64) -> Org {
    Org::generate(&OrgSpec { users, seed }, "http://127.0.0.1:0")
}

fn get(org: &Org, path: &str, query: &[(&str, &str)]) -> R {
    let params: Vec<(String, String)> = query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let c = Ctx { org, base: "http://sim", path, params: &params, now: Utc::now() };
    let segs: Vec<&str> = path.trim_start_matches("/api/v1/policies").split('/').filter(|s| !s.is_empty()).collect();
    route(&c, &segs)
}

fn list(org: &Org, ptype: &str) -> Vec<Value> {
    get(org, "/api/v1/policies", &[("type", ptype)]).unwrap().body.as_array().unwrap().clone()
}

#[test]
fn every_type_has_one_to_three_policies_of_one_to_three_rules() {
    for seed in [1, 2, 3, 42] {
        let o = org(150, seed);
        for t in ["OKTA_SIGN_ON", "ACCESS_POLICY", "MFA_ENROLL", "PASSWORD", "PROFILE_ENROLLMENT"] {
            let ps = list(&o, t);
            assert!((1..=3).contains(&ps.len()), "{t}: {} policies", ps.len());
            for p in &ps {
                assert_eq!(p["type"], t);
                let id = p["id"].as_str().unwrap();
                assert_eq!(p["_links"]["rules"]["href"], format!("http://sim/api/v1/policies/{id}/rules"));
                let rules = get(&o, &format!("/api/v1/policies/{id}/rules"), &[]).unwrap().body;
                let n = rules.as_array().unwrap().len();
                assert!((1..=3).contains(&n), "{t} {id}: {n} rules");
            }
        }
    }
}

#[test]
fn sign_on_rules_with_and_without_mfa_and_access_rules_of_one_and_two_factors() {
    let o = org(150, 7);
    let rules: Vec<&Value> = o.policy_rules.values().flatten().collect();
    let sign_on = |mfa: bool| rules.iter().any(|r| r["type"] == "SIGN_ON" && r["actions"]["signon"]["requireFactor"] == mfa);
    assert!(sign_on(true) && sign_on(false));
    let access = |mode: &str| rules.iter().any(|r| r["actions"]["appSignOn"]["verificationMethod"]["factorMode"] == mode);
    assert!(access("1FA") && access("2FA"));
    // Rules include groups and some exclude them.
    assert!(rules.iter().any(|r| r["conditions"]["people"]["groups"]["include"].as_array().is_some_and(|a| !a.is_empty())));
    assert!(rules.iter().any(|r| r["conditions"]["people"]["groups"]["exclude"].as_array().is_some_and(|a| !a.is_empty())));
    // Every app uses an app sign-in policy; one of them serves several apps.
    assert_eq!(o.app_access_policies.len(), o.apps.len());
    let mut per_policy = std::collections::BTreeMap::<&String, usize>::new();
    for p in o.app_access_policies.values() {
        *per_policy.entry(p).or_default() += 1;
    }
    assert!(per_policy.values().any(|n| *n >= 2), "{per_policy:?}");
    let policy_ids: BTreeSet<&str> = o.policies.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert!(o.app_access_policies.values().all(|p| policy_ids.contains(p.as_str())));
}

#[test]
fn apps_link_their_access_policy_and_the_list_pages_by_id() {
    let o = org(150, 9);
    let (app_id, pid) = o.app_access_policies.iter().next().unwrap();
    let params = Vec::new();
    let c = Ctx { org: &o, base: "http://sim", path: "/api/v1/apps", params: &params, now: Utc::now() };
    let mut links = json!({});
    app_links(&c, &o.apps[app_id], &mut links);
    assert_eq!(links["accessPolicy"]["href"], format!("http://sim/api/v1/policies/{pid}"));

    let all = list(&o, "ACCESS_POLICY");
    let first = get(&o, "/api/v1/policies", &[("type", "ACCESS_POLICY"), ("limit", "1")]).unwrap();
    assert_eq!(first.body.as_array().unwrap().len(), 1);
    let link = first.link.unwrap();
    let after = all[0]["id"].as_str().unwrap();
    assert!(link.contains(&format!("after={after}")) && link.contains("rel=\"next\""), "{link}");
    let second = get(&o, "/api/v1/policies", &[("type", "ACCESS_POLICY"), ("limit", "1"), ("after", after)]).unwrap();
    assert_eq!(second.body[0]["id"], all[1]["id"]);
}

#[test]
fn a_classic_org_refuses_identity_engine_types_and_links_no_access_policy() {
    let mut o = org(150, 11);
    o.identity_engine = false;
    for t in ["ACCESS_POLICY", "PROFILE_ENROLLMENT", "NOT_A_TYPE"] {
        let e = get(&o, "/api/v1/policies", &[("type", t)]).err().unwrap();
        assert_eq!((e.status, e.code), (400, "E0000002"), "{t}");
    }
    assert!(!list(&o, "OKTA_SIGN_ON").is_empty());
    let access = o.app_access_policies.values().next().unwrap().clone();
    assert_eq!(get(&o, &format!("/api/v1/policies/{access}"), &[]).err().unwrap().status, 404);
    let params = Vec::new();
    let c = Ctx { org: &o, base: "http://sim", path: "/api/v1/apps", params: &params, now: Utc::now() };
    let mut links = json!({});
    app_links(&c, o.apps.values().next().unwrap(), &mut links);
    assert!(links.get("accessPolicy").is_none());
    let missing = get(&o, "/api/v1/policies", &[]).err().unwrap();
    assert_eq!((missing.status, missing.code), (400, "E0000001"));
}
