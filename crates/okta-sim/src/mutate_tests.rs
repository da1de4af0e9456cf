//! The mutations: state, stamps and System Log events.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::api::{self, Ctx};
use super::model::{fmt_ts, App};
use super::*;

pub(crate) fn org(users: usize, seed: u64) -> Org {
    Org::generate(&OrgSpec { users, seed }, "http://127.0.0.1:0")
}

/// A time after everything the generator stamps.
pub(crate) fn later() -> DateTime<Utc> {
    Utc::now() + Duration::minutes(5)
}

/// (type, id) of every target of an event, in order.
pub(crate) fn targets(e: &Value) -> Vec<(String, String)> {
    e["target"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["type"].as_str().unwrap().to_string(), t["id"].as_str().unwrap().to_string()))
        .collect()
}

/// Asserts the events appended since `from`: their types and targets, in order, all published at `at`.
fn assert_events(org: &Org, from: usize, at: DateTime<Utc>, want: &[(&str, Vec<(&str, &str)>)]) {
    let got: Vec<(String, Vec<(String, String)>)> =
        org.logs[from..].iter().map(|e| (e["eventType"].as_str().unwrap().to_string(), targets(e))).collect();
    let want: Vec<(String, Vec<(String, String)>)> =
        want.iter().map(|(t, ts)| (t.to_string(), ts.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect())).collect();
    assert_eq!(got, want);
    for e in &org.logs[from..] {
        assert_eq!(e["published"], fmt_ts(&at));
        assert_eq!(e["version"], "0");
        assert!(e["uuid"].as_str().unwrap().len() == 36);
    }
}

fn get(org: &Org, path: &str, params: &[(&str, &str)]) -> Value {
    let params: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let c = Ctx { org, base: "http://sim", path, params: &params, now: Utc::now() + Duration::hours(1) };
    api::route(&c).map(|ok| ok.body).unwrap_or_else(|e| panic!("{path}: {} {}", e.status, e.summary))
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap().to_string()).collect()
}

/// An ACTIVE user holding no admin role (not a possible actor).
fn plain_user(org: &Org) -> String {
    org.users.values().find(|u| u.status == "ACTIVE" && !org.roles.iter().any(|r| r.assignee == u.id)).unwrap().id.clone()
}

fn app_named(org: &Org, aws: bool) -> &App {
    org.apps.values().find(|a| (a.name == "amazon_aws") == aws && a.status == "ACTIVE").unwrap()
}

#[test]
fn create_user_is_active_in_everyone_with_two_events() {
    let mut o = org(200, 11);
    let (n, at) = (o.logs.len(), later());
    let uid = o.create_user(&mut SimRng::seeded(1), at);
    let u = &o.users[&uid];
    assert_eq!((u.status.as_str(), u.created, u.activated, u.last_updated), ("ACTIVE", at, Some(at), at));
    let everyone = o.groups.values().find(|g| g.kind == "BUILT_IN").unwrap();
    assert!(o.group_members[&everyone.id].contains(&uid));
    assert_eq!(everyone.last_membership_updated, at);
    // other groups only through active rules, each logged by the system actor after the activation
    let joined: Vec<String> =
        o.group_members.iter().filter(|(g, m)| m.contains(&uid) && **g != everyone.id).map(|(g, _)| g.clone()).collect();
    let mut want = vec![("user.lifecycle.create", vec![("User", uid.as_str())]), ("user.lifecycle.activate", vec![("User", uid.as_str())])];
    for g in &joined {
        assert!(o.rule_member(g, &uid).is_some(), "{g} is a rule's group");
        want.push(("group.user_membership.add", vec![("User", uid.as_str()), ("UserGroup", g.as_str())]));
    }
    assert_events(&o, n, at, &want);
    let e = &o.logs[n];
    assert_eq!(e["target"][0]["alternateId"], u.profile.login.as_str());
    assert_eq!(e["target"][0]["displayName"], format!("{} {}", u.profile.first_name, u.profile.last_name));
    assert_eq!(e["target"][0]["detailEntry"], Value::Null);
    // the actor is an admin of the org, and both events are one transaction
    let actor = e["actor"]["id"].as_str().unwrap();
    assert!(o.roles.iter().any(|r| r.assignee == actor), "actor {actor} holds a role");
    assert_eq!(e["transaction"]["id"], o.logs[n + 1]["transaction"]["id"]);
    assert_eq!(e["debugContext"]["debugData"]["requestUri"], "/api/v1/users?activate=true");
    // listed, and found by a lastUpdated filter
    assert!(ids(&get(&o, "/api/v1/users", &[])).contains(&uid));
    let since = fmt_ts(&(at - Duration::milliseconds(1)));
    assert_eq!(ids(&get(&o, "/api/v1/users", &[("filter", &format!("lastUpdated gt \"{since}\""))])), vec![uid.clone()]);
    assert!(o.create_user_with_login(&mut SimRng::seeded(2), at, &u.profile.login.to_uppercase()).is_err(), "logins are unique");
    o.validate().unwrap();
}

#[test]
fn profile_update_moves_last_updated_and_is_logged() {
    let mut o = org(200, 11);
    let uid = plain_user(&o);
    let before = o.users[&uid].clone();
    let (n, at) = (o.logs.len(), later());
    o.update_user_profile(&mut SimRng::seeded(3), at, &uid).unwrap();
    let u = &o.users[&uid];
    assert_eq!(u.last_updated, at);
    let p = (&u.profile.title, &u.profile.department, &u.profile.cost_center);
    assert_ne!(p, (&before.profile.title, &before.profile.department, &before.profile.cost_center));
    assert_eq!(u.created, before.created);
    // profile changes may make an active rule add the user (system actor); the profile event comes first
    assert_eq!(o.logs[n]["eventType"], "user.account.update_profile");
    assert_eq!(targets(&o.logs[n]), vec![("User".to_string(), uid.clone())]);
    for e in &o.logs[n + 1..] {
        assert_eq!(e["actor"]["type"], "SystemPrincipal");
    }
}

#[test]
fn deactivate_removes_active_app_assignments_and_keeps_groups() {
    let mut o = org(200, 11);
    let uid = plain_user(&o);
    let aws = app_named(&o, true).id.clone();
    let mut rng = SimRng::seeded(4);
    let t0 = later();
    if !o.app_users[&aws].contains_key(&uid) {
        o.assign_user_to_app(&mut rng, t0, &aws, &uid).unwrap();
    }
    let groups: Vec<String> = o.group_members.iter().filter(|(_, m)| m.contains(&uid)).map(|(g, _)| g.clone()).collect();
    let apps: Vec<String> = o.app_users.iter().filter(|(_, m)| m.contains_key(&uid)).map(|(a, _)| a.clone()).collect();
    let (n, at) = (o.logs.len(), t0 + Duration::seconds(1));
    o.deactivate_user(&mut rng, at, &uid).unwrap();
    let u = &o.users[&uid];
    assert_eq!((u.status.as_str(), u.status_changed, u.last_updated), ("DEPROVISIONED", Some(at), at));
    let after_groups: Vec<String> = o.group_members.iter().filter(|(_, m)| m.contains(&uid)).map(|(g, _)| g.clone()).collect();
    assert_eq!(groups, after_groups, "memberships stay");
    let mut want = vec![("user.lifecycle.deactivate", vec![("User", uid.as_str())])];
    for a in &apps {
        assert!(!o.app_users[a].contains_key(&uid));
        want.push(("application.user_membership.remove", vec![("User", uid.as_str()), ("AppInstance", a.as_str())]));
    }
    assert_events(&o, n, at, &want);
    assert!(!ids(&get(&o, "/api/v1/users", &[])).contains(&uid), "a plain list leaves DEPROVISIONED users out");
    let since = fmt_ts(&t0);
    assert!(ids(&get(&o, "/api/v1/users", &[("filter", &format!("lastUpdated gt \"{since}\""))])).contains(&uid));
    assert!(o.deactivate_user(&mut rng, at, &uid).is_err());

    // reactivation: PROVISIONED, no apps given back
    let (n, at) = (o.logs.len(), at + Duration::seconds(1));
    o.reactivate_user(&mut rng, at, &uid).unwrap();
    assert_eq!((o.users[&uid].status.as_str(), o.users[&uid].last_updated), ("PROVISIONED", at));
    assert!(o.app_users.values().all(|m| !m.contains_key(&uid)));
    assert_events(&o, n, at, &[("user.lifecycle.reactivate", vec![("User", &uid)])]);
    assert!(o.reactivate_user(&mut rng, at, &uid).is_err());
}

#[test]
fn delete_needs_deprovisioned_and_recreate_reuses_the_login() {
    let mut o = org(200, 11);
    let mut rng = SimRng::seeded(5);
    let active = plain_user(&o);
    let snapshot = o.clone();
    assert!(o.delete_user(&mut rng, later(), &active).is_err());
    assert!(o.recreate_user(&mut rng, later(), &active).is_err());
    assert_eq!(o, snapshot, "a refused change changes nothing");

    let gone = o.users.values().find(|u| u.status == "DEPROVISIONED").unwrap().id.clone();
    let groups: Vec<String> = o.group_members.iter().filter(|(_, m)| m.contains(&gone)).map(|(g, _)| g.clone()).collect();
    let (n, at) = (o.logs.len(), later());
    o.delete_user(&mut rng, at, &gone).unwrap();
    assert!(!o.users.contains_key(&gone));
    assert!(o.group_members.values().all(|m| !m.contains(&gone)));
    assert!(o.app_users.values().all(|m| !m.contains_key(&gone)) && !o.factors.contains_key(&gone));
    for g in &groups {
        assert_eq!(o.groups[g].last_membership_updated, at);
    }
    assert_events(
        &o,
        n,
        at,
        &[("user.lifecycle.delete.initiated", vec![("User", &gone)]), ("user.lifecycle.delete.completed", vec![("User", &gone)])],
    );

    let old = o.users.values().find(|u| u.status == "DEPROVISIONED").unwrap().clone();
    let (n, at) = (o.logs.len(), at + Duration::seconds(1));
    let new = o.recreate_user(&mut rng, at, &old.id).unwrap();
    assert_ne!(new, old.id);
    assert!(!o.users.contains_key(&old.id));
    assert_eq!(o.users[&new].profile.login, old.profile.login);
    assert_eq!(o.find_user(&old.profile.login).unwrap().id, new);
    let types: Vec<&str> = o.logs[n..].iter().map(|e| e["eventType"].as_str().unwrap()).collect();
    assert_eq!(
        &types[..4],
        ["user.lifecycle.delete.initiated", "user.lifecycle.delete.completed", "user.lifecycle.create", "user.lifecycle.activate"]
    );
    assert_eq!(targets(&o.logs[n])[0].1, old.id);
    assert_eq!(targets(&o.logs[n + 2])[0].1, new);
    assert_eq!(o.logs[n + 2]["target"][0]["alternateId"], old.profile.login.as_str());
    o.validate().unwrap();
}

#[test]
fn group_membership_keeps_group_assigned_apps_in_step() {
    let mut o = org(200, 11);
    let mut rng = SimRng::seeded(6);
    let t0 = later();
    let g = o.create_group(&mut rng, t0);
    let (aws, other) = (app_named(&o, true).id.clone(), app_named(&o, false).id.clone());
    o.assign_group_to_app(&mut rng, t0, &aws, &g).unwrap();
    o.assign_group_to_app(&mut rng, t0, &other, &g).unwrap();
    // a user with no assignment to either app, and one assigned directly to `other`
    let free = o
        .users
        .values()
        .find(|u| u.status == "ACTIVE" && !o.app_users[&aws].contains_key(&u.id) && !o.app_users[&other].contains_key(&u.id))
        .unwrap()
        .id
        .clone();
    let direct =
        o.users.values().find(|u| u.status == "ACTIVE" && u.id != free && !o.app_users[&aws].contains_key(&u.id)).unwrap().id.clone();
    if !o.app_users[&other].contains_key(&direct) {
        o.assign_user_to_app(&mut rng, t0, &other, &direct).unwrap();
    }
    o.app_users.get_mut(&other).unwrap().0.get_mut(&direct).unwrap().scope = "USER".into();

    let (n, at) = (o.logs.len(), t0 + Duration::seconds(1));
    o.add_group_member(&mut rng, at, &g, &free).unwrap();
    assert_eq!(o.groups[&g].last_membership_updated, at);
    assert_eq!(o.groups[&g].last_updated, t0, "membership is not a profile change");
    assert_events(
        &o,
        n,
        at,
        &[
            ("group.user_membership.add", vec![("User", &free), ("UserGroup", &g)]),
            ("application.user_membership.add", vec![("User", &free), ("AppInstance", &aws)]),
            ("application.user_membership.add", vec![("User", &free), ("AppInstance", &other)]),
        ],
    );
    let au = &o.app_users[&aws][&free];
    assert_eq!((au.scope.as_str(), au.created, au.last_updated), ("GROUP", at, at));
    assert_eq!(au.profile, o.app_groups[&aws][&g].profile, "AWS app users carry the group assignment's roles");
    assert!(au.profile["samlRoles"].is_array());
    assert_eq!(get(&o, &format!("/api/v1/apps/{aws}/users/{free}"), &[])["scope"], "GROUP");
    assert!(ids(&get(&o, &format!("/api/v1/groups/{g}/users"), &[])).contains(&free));

    let (n, at) = (o.logs.len(), at + Duration::seconds(1));
    o.add_group_member(&mut rng, at, &g, &direct).unwrap();
    let types: Vec<(String, Vec<(String, String)>)> =
        o.logs[n..].iter().map(|e| (e["eventType"].as_str().unwrap().into(), targets(e))).collect();
    assert!(!types.iter().any(|(_, t)| t.iter().any(|(_, id)| *id == other)), "no event for the app {direct} already has");
    assert_eq!(o.app_users[&other][&direct].scope, "USER");

    let (n, at) = (o.logs.len(), at + Duration::seconds(1));
    o.remove_group_member(&mut rng, at, &g, &free).unwrap();
    assert!(!o.app_users[&aws].contains_key(&free) && !o.app_users[&other].contains_key(&free));
    assert_eq!(o.groups[&g].last_membership_updated, at);
    assert_events(
        &o,
        n,
        at,
        &[
            ("group.user_membership.remove", vec![("User", &free), ("UserGroup", &g)]),
            ("application.user_membership.remove", vec![("User", &free), ("AppInstance", &aws)]),
            ("application.user_membership.remove", vec![("User", &free), ("AppInstance", &other)]),
        ],
    );
    o.remove_group_member(&mut rng, at, &g, &direct).unwrap();
    assert_eq!(o.app_users[&other][&direct].scope, "USER", "a direct assignment is never touched by group changes");
    assert!(o.add_group_member(&mut rng, at, &o.groups.values().find(|g| g.kind == "BUILT_IN").unwrap().id.clone(), &free).is_err());

    // a flap: two changes, no net membership
    let (n, at) = (o.logs.len(), at + Duration::seconds(1));
    o.flap_group_member(&mut rng, at, &g, &free).unwrap();
    assert!(!o.is_member(&g, &free) && !o.app_users[&aws].contains_key(&free));
    let types: Vec<&str> = o.logs[n..].iter().map(|e| e["eventType"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "group.user_membership.add",
            "application.user_membership.add",
            "application.user_membership.add",
            "group.user_membership.remove",
            "application.user_membership.remove",
            "application.user_membership.remove"
        ]
    );
    assert_eq!(o.groups[&g].last_membership_updated, at);
    o.validate().unwrap();
}

#[test]
fn app_assignments_direct_and_by_group() {
    let mut o = org(200, 11);
    let mut rng = SimRng::seeded(7);
    let aws = app_named(&o, true).id.clone();
    let uid = o.users.values().find(|u| u.status == "ACTIVE" && !o.app_users[&aws].contains_key(&u.id)).unwrap().id.clone();
    let (n, at) = (o.logs.len(), later());
    o.assign_user_to_app(&mut rng, at, &aws, &uid).unwrap();
    let au = &o.app_users[&aws][&uid];
    assert_eq!(au.scope, "USER");
    assert!(au.profile.get("samlRoles").is_some() || au.profile.get("role").is_some());
    assert_events(&o, n, at, &[("application.user_membership.add", vec![("User", &uid), ("AppInstance", &aws)])]);
    assert_eq!(o.logs[n]["target"][1]["detailEntry"]["signOnModeType"], "SAML_2_0");
    assert_eq!(o.logs[n]["target"][1]["alternateId"], o.apps[&aws].label.as_str());
    assert!(o.assign_user_to_app(&mut rng, at, &aws, &uid).is_err());
    let deprovisioned =
        o.users.values().find(|u| u.status == "DEPROVISIONED" && !o.app_users[&aws].contains_key(&u.id)).unwrap().id.clone();
    assert!(o.assign_user_to_app(&mut rng, at, &aws, &deprovisioned).is_err());

    // a group assignment: members get GROUP app users, one event each
    let g = o.create_group(&mut rng, at);
    o.add_group_member(&mut rng, at, &g, &uid).unwrap();
    let other = o.users.values().find(|u| u.status == "ACTIVE" && !o.app_users[&aws].contains_key(&u.id)).unwrap().id.clone();
    o.add_group_member(&mut rng, at, &g, &other).unwrap();
    let (n, at) = (o.logs.len(), at + Duration::seconds(1));
    o.assign_group_to_app(&mut rng, at, &aws, &g).unwrap();
    assert_events(
        &o,
        n,
        at,
        &[
            ("group.application_assignment.add", vec![("UserGroup", &g), ("AppInstance", &aws)]),
            ("application.user_membership.add", vec![("User", &other), ("AppInstance", &aws)]),
        ],
    );
    let ag = get(&o, &format!("/api/v1/apps/{aws}/groups/{g}"), &[]);
    assert_eq!(ag["id"], g.as_str());
    assert_eq!(ag["lastUpdated"], fmt_ts(&at));
    assert_eq!(ag["profile"], o.app_users[&aws][&other].profile);
    assert_eq!(ag["_links"]["group"]["href"], format!("http://sim/api/v1/groups/{g}"));

    // the direct assignment cannot go while the group covers it
    assert!(o.unassign_user_from_app(&mut rng, at, &aws, &uid).is_err());
    let (n, at) = (o.logs.len(), at + Duration::seconds(1));
    o.unassign_group_from_app(&mut rng, at, &aws, &g).unwrap();
    assert_events(
        &o,
        n,
        at,
        &[
            ("group.application_assignment.remove", vec![("UserGroup", &g), ("AppInstance", &aws)]),
            ("application.user_membership.remove", vec![("User", &other), ("AppInstance", &aws)]),
        ],
    );
    assert_eq!(o.app_users[&aws][&uid].scope, "USER");
    let (n, at) = (o.logs.len(), at + Duration::seconds(1));
    o.unassign_user_from_app(&mut rng, at, &aws, &uid).unwrap();
    assert!(!o.app_users[&aws].contains_key(&uid));
    assert_events(&o, n, at, &[("application.user_membership.remove", vec![("User", &uid), ("AppInstance", &aws)])]);
    o.validate().unwrap();
}

#[test]
fn factors_and_roles() {
    let mut o = org(200, 11);
    let mut rng = SimRng::seeded(8);
    let uid = plain_user(&o);
    let had = o.factors.get(&uid).map_or(0, Vec::len);
    let (n, at) = (o.logs.len(), later());
    let fid = o.enroll_factor(&mut rng, at, &uid).unwrap();
    let f = o.factors[&uid].iter().find(|f| f.id == fid).unwrap();
    assert_eq!((f.status.as_str(), f.created), ("ACTIVE", at));
    assert_eq!(o.factors[&uid].len(), had + 1);
    assert_events(&o, n, at, &[("user.mfa.factor.activate", vec![("User", &uid)])]);
    assert!(ids(&get(&o, &format!("/api/v1/users/{uid}/factors"), &[])).contains(&fid));
    let (n, at) = (o.logs.len(), at + Duration::seconds(1));
    o.reset_factors(&mut rng, at, &uid).unwrap();
    assert!(get(&o, &format!("/api/v1/users/{uid}/factors"), &[]).as_array().unwrap().is_empty());
    assert_events(&o, n, at, &[("user.mfa.factor.reset_all", vec![("User", &uid)])]);
    assert!(o.reset_factors(&mut rng, at, &uid).is_err());

    // user role: grant, then revoke the only one
    let (n, at) = (o.logs.len(), at + Duration::seconds(1));
    let ra = o.grant_user_role(&mut rng, at, &uid, "HELP_DESK_ADMIN").unwrap();
    let granted = o.roles.iter().find(|r| r.id == ra).unwrap();
    assert_eq!((granted.assignment_type.as_str(), granted.assignee.as_str(), granted.created), ("USER", uid.as_str(), at));
    assert_events(&o, n, at, &[("user.account.privilege.grant", vec![("User", &uid)])]);
    assert!(ids(&get(&o, &format!("/api/v1/users/{uid}/roles"), &[])).contains(&ra));
    assert!(get(&o, "/api/v1/iam/assignees/users", &[])["value"].as_array().unwrap().iter().any(|v| v["id"] == uid.as_str()));
    assert!(o.grant_user_role(&mut rng, at, &uid, "HELP_DESK_ADMIN").is_err());
    assert!(o.grant_user_role(&mut rng, at, &uid, "SUPER_ADMIN").is_err());
    let (n, at) = (o.logs.len(), at + Duration::seconds(1));
    o.revoke_role(&mut rng, at, &ra).unwrap();
    assert!(!o.roles.iter().any(|r| r.id == ra));
    assert_events(&o, n, at, &[("user.account.privilege.revoke", vec![("User", &uid)])]);
    // taking one of two roles away is refused (Okta documents no event for it)
    let two = [o.grant_user_role(&mut rng, at, &uid, "REPORT_ADMIN").unwrap(), o.grant_user_role(&mut rng, at, &uid, "APP_ADMIN").unwrap()];
    let snapshot = o.clone();
    assert!(o.revoke_role(&mut rng, at, &two[0]).is_err());
    assert_eq!(o, snapshot);

    // group role: members get it through the group
    let g = o
        .groups
        .values()
        .find(|g| g.kind == "OKTA_GROUP" && !o.roles.iter().any(|r| r.assignee == g.id) && !o.group_members[&g.id].is_empty())
        .unwrap()
        .id
        .clone();
    let member = o.group_members[&g].iter().next().unwrap().clone();
    let (n, at) = (o.logs.len(), at + Duration::seconds(1));
    let gra = o.grant_group_role(&mut rng, at, &g, "USER_ADMIN").unwrap();
    assert_events(&o, n, at, &[("group.privilege.grant", vec![("UserGroup", &g)])]);
    assert!(ids(&get(&o, &format!("/api/v1/groups/{g}/roles"), &[])).contains(&gra));
    assert!(ids(&get(&o, &format!("/api/v1/users/{member}/roles"), &[])).contains(&gra));
    assert_eq!(get(&o, &format!("/api/v1/groups/{g}"), &[("expand", "stats")])["_embedded"]["stats"]["hasAdminPrivlege"], true);
    let (n, at) = (o.logs.len(), at + Duration::seconds(1));
    o.revoke_role(&mut rng, at, &gra).unwrap();
    assert_events(&o, n, at, &[("group.privilege.revoke", vec![("UserGroup", &g)])]);
    o.validate().unwrap();
}

#[test]
fn rules_add_matching_users_with_the_system_actor() {
    let mut o = org(200, 11);
    let mut rng = SimRng::seeded(9);
    let g = o.create_group(&mut rng, later());
    let cc = o.users.values().filter_map(|u| u.profile.cost_center.clone()).next().unwrap();
    let expr = format!("user.costCenter==\"{cc}\"");
    let matching: Vec<String> =
        o.users.values().filter(|u| u.profile.cost_center.as_deref() == Some(cc.as_str())).map(|u| u.id.clone()).collect();
    assert!(!matching.is_empty());
    let (n, at) = (o.logs.len(), later() + Duration::seconds(1));
    let created = o.create_rule(&mut rng, at, &g, &expr).unwrap();
    assert_eq!(created.added, matching);
    assert_eq!(o.group_members[&g].iter().cloned().collect::<Vec<_>>(), matching);
    assert_eq!(o.groups[&g].last_membership_updated, at);
    let rule = &o.group_rules[&created.rule_id];
    assert_eq!((rule.status.as_str(), rule.created), ("ACTIVE", at));
    assert_eq!(rule.actions["assignUserToGroups"]["groupIds"][0], g.as_str());
    // one membership event per added user, by Okta's system actor; nothing about the rule itself
    let want: Vec<(&str, Vec<(&str, &str)>)> =
        matching.iter().map(|u| ("group.user_membership.add", vec![("User", u.as_str()), ("UserGroup", g.as_str())])).collect();
    assert_events(&o, n, at, &want);
    for e in &o.logs[n..] {
        assert_eq!(e["actor"]["type"], "SystemPrincipal");
        assert_eq!(e["actor"]["alternateId"], "system@okta.com");
        assert_eq!(e["actor"]["displayName"], "Okta System");
    }
    let listed = get(&o, "/api/v1/groups/rules", &[("limit", "200")]);
    assert!(ids(&listed).contains(&created.rule_id));
    // a rule member cannot simply be removed (Okta would add an exclusion)
    assert!(o.remove_group_member(&mut rng, at, &g, &matching[0]).is_err());

    let none = o.create_rule(&mut rng, at, &g, "user.costCenter==\"CC-9999\" AND user.department==\"Nowhere\"").unwrap();
    assert!(none.added.is_empty());
    assert!(o.create_rule(&mut rng, at, &g, "String.stringContains(user.email, \"x\")").is_err());

    // a profile update re-evaluates the rules (the setup gives the user the rule's cost center behind
    // the simulator's back; the update keeps it or sets it again until the user matches)
    let outsider = plain_user_outside(&o, &g);
    o.users.get_mut(&outsider).unwrap().profile.cost_center = Some(cc.clone());
    let (n, at) = (o.logs.len(), at + Duration::seconds(1));
    let mut tries = 0;
    while !o.is_member(&g, &outsider) {
        o.update_user_profile(&mut rng, at, &outsider).unwrap();
        o.users.get_mut(&outsider).unwrap().profile.cost_center = Some(cc.clone());
        tries += 1;
        assert!(tries < 50);
    }
    let adds: Vec<&Value> = o.logs[n..].iter().filter(|e| e["eventType"] == "group.user_membership.add").collect();
    assert_eq!(adds.len(), 1);
    assert_eq!(targets(adds[0]), vec![("User".to_string(), outsider.clone()), ("UserGroup".to_string(), g.clone())]);

    o.delete_rule(&created.rule_id).unwrap();
    o.delete_rule(&none.rule_id).unwrap();
    assert!(o.is_member(&g, &matching[0]), "Okta keeps the members a deleted rule added");
    assert!(o.delete_rule(&created.rule_id).is_err());
    o.validate().unwrap();
}

fn plain_user_outside(o: &Org, g: &str) -> String {
    o.users
        .values()
        .find(|u| u.status == "ACTIVE" && !o.is_member(g, &u.id) && !o.roles.iter().any(|r| r.assignee == u.id))
        .unwrap()
        .id
        .clone()
}

#[test]
fn groups_and_apps_come_and_go() {
    let mut o = org(200, 11);
    let mut rng = SimRng::seeded(10);
    let (n, at) = (o.logs.len(), later());
    let g = o.create_group(&mut rng, at);
    let grp = &o.groups[&g];
    assert_eq!((grp.kind.as_str(), grp.created, grp.last_updated, grp.last_membership_updated), ("OKTA_GROUP", at, at, at));
    assert_events(&o, n, at, &[("group.lifecycle.create", vec![("UserGroup", &g)])]);
    assert_eq!(o.logs[n]["target"][0]["alternateId"], "unknown");
    let since = fmt_ts(&(at - Duration::milliseconds(1)));
    let changed = get(&o, "/api/v1/groups", &[("filter", &format!("lastUpdated gt \"{since}\" or lastMembershipUpdated gt \"{since}\""))]);
    assert_eq!(ids(&changed), vec![g.clone()]);

    let uid = plain_user(&o);
    o.add_group_member(&mut rng, at, &g, &uid).unwrap();
    o.grant_group_role(&mut rng, at, &g, "APP_ADMIN").unwrap();
    let app = o.create_app(&mut rng, at);
    o.assign_group_to_app(&mut rng, at, &app, &g).unwrap();
    assert!(o.delete_group(&mut rng, at, &g).is_err(), "assigned to an app");
    o.unassign_group_from_app(&mut rng, at, &app, &g).unwrap();
    let (n, at) = (o.logs.len(), at + Duration::seconds(1));
    o.delete_group(&mut rng, at, &g).unwrap();
    assert!(!o.groups.contains_key(&g) && !o.group_members.contains_key(&g));
    assert!(!o.roles.iter().any(|r| r.assignee == g));
    assert_events(&o, n, at, &[("group.lifecycle.delete", vec![("UserGroup", &g)])]);
    let everyone = o.groups.values().find(|g| g.kind == "BUILT_IN").unwrap().id.clone();
    assert!(o.delete_group(&mut rng, at, &everyone).is_err());

    // apps: created ACTIVE, deleted after a deactivation
    let a = &o.apps[&app];
    assert_eq!((a.status.as_str(), a.created, a.last_updated), ("ACTIVE", at - Duration::seconds(1), at - Duration::seconds(1)));
    assert_ne!(a.name, "amazon_aws");
    let create = o.logs.iter().rev().find(|e| e["eventType"] == "application.lifecycle.create").unwrap();
    assert_eq!(targets(create), vec![("AppInstance".to_string(), app.clone())]);
    assert_eq!(create["debugContext"]["debugData"]["requestUri"], "/api/v1/apps");
    assert_eq!(create["actor"]["type"], "User");
    o.assign_user_to_app(&mut rng, at, &app, &uid).unwrap();
    let (n, at) = (o.logs.len(), at + Duration::seconds(1));
    o.delete_app(&mut rng, at, &app).unwrap();
    assert!(!o.apps.contains_key(&app) && !o.app_users.contains_key(&app) && !o.app_groups.contains_key(&app));
    assert_events(
        &o,
        n,
        at,
        &[("application.lifecycle.deactivate", vec![("AppInstance", &app)]), ("application.lifecycle.delete", vec![("AppInstance", &app)])],
    );
    assert_eq!(o.logs[n]["actor"], o.logs[n + 1]["actor"]);
    let aws = app_named(&o, true).id.clone();
    assert!(o.delete_app(&mut rng, at, &aws).is_err());
    o.validate().unwrap();
}

#[test]
fn late_stamps_never_move_times_back() {
    let mut o = org(200, 11);
    let mut rng = SimRng::seeded(12);
    let uid = plain_user(&o);
    let at = later();
    o.update_user_profile(&mut rng, at, &uid).unwrap();
    let n = o.logs.len();
    let early = at - Duration::seconds(30);
    o.update_user_profile(&mut rng, early, &uid).unwrap();
    assert_eq!(o.users[&uid].last_updated, at, "the later stamp stays");
    assert_eq!(o.logs[n]["published"], fmt_ts(&early), "the event carries the change's own time");
}
