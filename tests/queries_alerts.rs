//! Issue 5: every shipped query answers on a synced simulated org; alerts fire once per change.

use crate::util::{self, account_key, cleanup};
use oktagraph::alerts::Alerts;
use oktagraph::config::AlertSettings;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

#[tokio::test]
async fn every_shipped_query_returns_rows_on_a_synced_org() {
    let g = util::graph().await;
    let server = util::sim(150).await;
    let acct = account_key(&server);
    util::sync(&g, &util::job(&server, &server.super_admin_token(), "queries")).await;
    // A query about one user asks about a direct admin (who has groups, apps and a role).
    let (admin_login, admin_groups) = {
        let org_lock = server.org();
        let org = org_lock.read().await;
        let admin = org
            .roles
            .iter()
            .filter(|r| r.assignment_type == "USER")
            .filter_map(|r| org.users.get(r.assignee.as_str()))
            .find(|u| org.group_members.values().any(|m| m.contains(&u.id)))
            .expect("a direct admin in a group");
        let groups: BTreeSet<String> = org
            .group_members
            .iter()
            .filter(|(_, m)| m.contains(&admin.id))
            .filter_map(|(g, _)| org.groups.get(g.as_str()).map(|g| g.profile.name.clone()))
            .collect();
        (admin.profile.login.clone(), groups)
    };
    for q in oktagraph::queries::shipped_queries() {
        let mut params = BTreeMap::new();
        params.insert("account".to_string(), acct.clone());
        if q.params.iter().any(|(p, _)| p == "login") {
            params.insert("login".to_string(), admin_login.clone());
        }
        let r = oktagraph::queries::run(&g, &q, &params).await.unwrap_or_else(|e| panic!("{}: {e}", q.name));
        assert!(!r.rows.is_empty(), "query {} returned nothing", q.name);
        assert!(r.rows.iter().all(|row| row.len() == r.columns.len()));
    }
    // Semantics spot checks against the org itself.
    let org_lock = server.org();
    let org = org_lock.read().await;
    let run = |name: &str| {
        let q = oktagraph::queries::shipped_queries().into_iter().find(|q| q.name == name).unwrap();
        let mut params = BTreeMap::new();
        params.insert("account".to_string(), acct.clone());
        let g = g.clone();
        async move { oktagraph::queries::run(&g, &q, &params).await.unwrap() }
    };
    // Exact rows, computed from the org itself (not from src/model).
    let logins = |rows: &oktagraph::queries::QueryResult| -> BTreeSet<String> {
        rows.objects().iter().map(|r| r["login"].as_str().unwrap().to_string()).collect()
    };
    let not_people: BTreeSet<String> = org
        .users
        .values()
        .filter(|u| {
            let t = u.profile.user_type.clone().unwrap_or_default().trim().to_ascii_lowercase();
            ["service", "bot", "generic"].contains(&t.as_str()) || u.profile.email.trim().is_empty()
        })
        .map(|u| u.profile.login.clone())
        .collect();
    assert_eq!(logins(&run("users-not-people").await), not_people, "users-not-people");

    let mut inactive: BTreeMap<String, i64> = BTreeMap::new();
    for (app, assigned) in org.app_users.iter() {
        if org.apps.get(app.as_str()).is_none() {
            continue;
        }
        for au in assigned.values() {
            if let Some(u) = org.users.get(au.id.as_str()).filter(|u| ["DEPROVISIONED", "SUSPENDED"].contains(&u.status.as_str())) {
                *inactive.entry(u.profile.login.clone()).or_default() += 1;
            }
        }
    }
    let got: BTreeMap<String, i64> = run("inactive-users-with-apps")
        .await
        .objects()
        .iter()
        .map(|r| (r["login"].as_str().unwrap().to_string(), r["appCount"].as_i64().unwrap()))
        .collect();
    assert_eq!(got, inactive, "inactive-users-with-apps: login and number of apps");

    // Super admins: direct holders, and every member of a group that holds the role.
    let mut supers = BTreeSet::new();
    for r in org.roles.iter().filter(|r| r.role_type == "SUPER_ADMIN") {
        if r.assignment_type == "USER" {
            supers.extend(org.users.get(r.assignee.as_str()).map(|u| u.profile.login.clone()));
        } else if org.groups.get(r.assignee.as_str()).is_some() {
            let members = org.group_members.get(r.assignee.as_str()).into_iter().flatten();
            supers.extend(members.filter_map(|m| org.users.get(m.as_str())).map(|u| u.profile.login.clone()));
        }
    }
    assert!(!supers.is_empty(), "the org has super admins, or the check proves little");
    assert_eq!(logins(&run("super-admins").await), supers, "super-admins, direct and through groups");
    drop(org);

    // One user's effective access: exactly their groups, and paths that start at them.
    let q = oktagraph::queries::shipped_queries().into_iter().find(|q| q.name == "user-effective-access").unwrap();
    let params = BTreeMap::from([("account".to_string(), acct.clone()), ("login".to_string(), admin_login.clone())]);
    let r = oktagraph::queries::run(&g, &q, &params).await.unwrap();
    let rows = r.objects();
    let groups: BTreeSet<String> =
        rows.iter().filter(|r| r["access"] == "group").map(|r| r["target"].as_str().unwrap().to_string()).collect();
    assert_eq!(groups, admin_groups, "user-effective-access: the user's groups");
    assert!(rows.iter().any(|r| r["access"] == "okta_role"), "the admin's role is listed: {rows:?}");
    assert!(rows.iter().all(|r| r["path"].as_str().is_some_and(|p| p.starts_with(&admin_login))), "paths start at the user: {rows:?}");
    assert!(rows.iter().any(|r| r["path"].as_str().is_some_and(|p| p.contains(" <-HAS- "))), "group paths read backwards: {rows:?}");
    cleanup(&g, &acct).await;
}

/// A webhook receiver on loopback that records every POSTed body.
async fn receiver() -> (String, Arc<Mutex<Vec<serde_json::Value>>>) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let store = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |axum::Json(body): axum::Json<serde_json::Value>| {
            let store = store.clone();
            async move {
                store.lock().unwrap().push(body);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    (url, got)
}

#[tokio::test]
async fn a_new_super_admin_without_mfa_alerts_exactly_once() {
    let g = util::graph().await;
    let server = util::sim(60).await;
    let acct = account_key(&server);
    let job = util::job(&server, &server.super_admin_token(), "alerts");
    let (url, posted) = receiver().await;
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("alerts.jsonl");
    let settings = AlertSettings { dir: None, stdout: false, jsonl: Some(jsonl.clone()), webhook: Some(secrecy::SecretString::from(url)) };
    let alerts = Alerts::from_settings(&settings).unwrap();

    // A user with no role and no factor (none before the baseline: losing them would be an MFA reset)...
    let uid = {
        let org_lock = server.org();
        let mut org = org_lock.write().await;
        let admins: Vec<String> = org.roles.iter().map(|r| r.assignee.clone()).collect();
        // Nor a member of a group that holds a role or that an admin's scope includes (its super admin would be
        // another alert).
        let admin_groups: Vec<String> = admins
            .iter()
            .cloned()
            .chain(org.role_targets.values().flat_map(|t| t.groups.clone()))
            .chain(org.resource_sets.values().flatten().filter_map(|r| r.orn.split(':').nth(5).map(String::from)))
            .collect();
        let in_admin_group = |u: &str| org.group_members.iter().any(|(g, m)| admin_groups.contains(g) && m.contains(u));
        let u = org.users.values().find(|u| u.status == "ACTIVE" && !admins.contains(&u.id) && !in_admin_group(&u.id)).unwrap().id.clone();
        org.factors.remove(&u);
        u
    };
    util::sync(&g, &job).await;
    let first = alerts.evaluate(&g, &acct, "alerts").await.unwrap();
    assert!(first.is_empty(), "the first evaluation records a baseline: {first:?}");

    // ... becomes a super admin.
    let uid = {
        let org_lock = server.org();
        let mut org = org_lock.write().await;
        let u = uid;
        let mut r = org.roles.iter().find(|r| r.role_type == "SUPER_ADMIN").unwrap().clone();
        r.id = "ra1newsuperadmin0001".into();
        r.assignee = u.clone();
        r.assignment_type = "USER".into();
        org.roles.push(r);
        u
    };
    let s = util::sync(&g, &job).await;
    assert_eq!(s.status, oktagraph::sync::RunStatus::Success);
    let raised = alerts.evaluate(&g, &acct, "alerts").await.unwrap();
    let mut rules: Vec<&str> = raised.iter().map(|a| a.rule.as_str()).collect();
    rules.sort();
    assert_eq!(rules, vec!["admin-without-mfa", "new-super-admin"], "{raised:?}");
    assert!(raised.iter().all(|a| a.row["userId"] == uid.as_str() && a.severity == "high"));
    let bodies = posted.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1, "one webhook delivery");
    assert_eq!(bodies[0]["alerts"].as_array().unwrap().len(), 2);
    let lines = std::fs::read_to_string(&jsonl).unwrap();
    assert_eq!(lines.lines().count(), 2);

    // No change, no alerts.
    util::sync(&g, &job).await;
    assert!(alerts.evaluate(&g, &acct, "alerts").await.unwrap().is_empty());
    assert_eq!(posted.lock().unwrap().len(), 1);
    g.run(neo4rs::query("MATCH (s:AlertState {accountKey:$a}) DELETE s").param("a", acct.as_str()), "cleanup").await.unwrap();
    cleanup(&g, &acct).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_user_and_a_deactivated_one_alert_once() {
    let g = util::graph().await;
    let server = util::sim(40).await;
    let acct = account_key(&server);
    let mut job = util::job(&server, &server.super_admin_token(), "user-alerts");
    job.full_sync_interval = oktagraph::sync::mode::DEFAULT_FULL_SYNC_INTERVAL;
    let settings = AlertSettings { dir: None, stdout: false, jsonl: None, webhook: None };
    let alerts = Alerts::from_settings(&settings).unwrap();
    util::sync(&g, &job).await;
    assert!(alerts.evaluate(&g, &acct, "user-alerts").await.unwrap().is_empty(), "the first evaluation is a baseline");

    // Okta changes, with the events Okta writes: one user created, one deactivated.
    let (created, deactivated) = {
        let org_lock = server.org();
        let mut org = org_lock.write().await;
        let mut rng = okta_sim::SimRng::seeded(5);
        let now = chrono::Utc::now();
        let created = org.create_user(&mut rng, now);
        let active = org.users.values().find(|u| u.status == "ACTIVE" && u.id != created).unwrap().id.clone();
        org.deactivate_user(&mut rng, now, &active).unwrap();
        (created, active)
    };
    let s = util::sync(&g, &job).await;
    assert_eq!(s.mode, oktagraph::sync::mode::SyncMode::Incremental, "{}", s.mode_reason);
    let raised = alerts.evaluate(&g, &acct, "user-alerts").await.unwrap();
    let of = |rule: &str| -> Vec<String> {
        raised.iter().filter(|a| a.rule == rule).map(|a| a.row["userId"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(of("new-user"), vec![created]);
    assert_eq!(of("user-deprovisioned-or-suspended"), vec![deactivated]);
    assert!(alerts.evaluate(&g, &acct, "user-alerts").await.unwrap().is_empty(), "each change alerts once");
    cleanup(&g, &acct).await;
}
