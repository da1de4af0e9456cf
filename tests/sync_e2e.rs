//! Issue 4's acceptance: syncs of a simulated org against the real Neo4j.

use crate::oracle::{assert_graph_matches, expected};
use crate::util::{self, account_key, cleanup, edge_pairs, node_keys};
use oktagraph::sync::RunStatus;
use serde_json::Value;

/// Adds `n` recent application-creation events by an active user (replacing the org's own when `only`), so a
/// test does not depend on what the random org happened to log.
async fn add_creation_events(server: &okta_sim::SimServer, n: usize, only: bool) {
    let org_lock = server.org();
    let mut org = org_lock.write().await;
    let actor = org.users.values().find(|u| u.status == "ACTIVE").unwrap().clone();
    let apps: Vec<String> = org.apps.values().take(n).map(|a| a.id.clone()).collect();
    if only {
        org.logs.retain(|e| e["eventType"] != "application.lifecycle.create" && e["eventType"] != "application.lifecycle.update");
    }
    for (i, app) in apps.iter().enumerate() {
        let when = (chrono::Utc::now() - chrono::Duration::days(10 + i as i64)).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        org.logs.push(serde_json::json!({
            "uuid": format!("evt-test-{i}"), "published": when, "eventType": "application.lifecycle.create", "version": "0",
            "severity": "INFO", "displayMessage": "Create application", "outcome": {"result": "SUCCESS"},
            "actor": {"id": actor.id, "type": "User", "alternateId": actor.profile.login, "displayName": "x"},
            "target": [{"id": app, "type": "AppInstance", "alternateId": "app", "displayName": "app"}]
        }));
    }
    org.sort_logs();
}

#[tokio::test]
async fn sync_builds_exactly_the_graph_the_org_implies() {
    let g = util::graph().await;
    let server = util::sim(120).await;
    let acct = account_key(&server);
    add_creation_events(&server, 1, false).await;
    let summary = util::sync(&g, &util::job(&server, &server.super_admin_token(), "e2e")).await;
    assert_eq!(summary.status, RunStatus::Success, "{:?}", summary.warnings);
    assert_graph_matches(&g, &server).await;
    let org_lock = server.org();
    let dump: Value = serde_json::from_str(&org_lock.read().await.dump_json()).unwrap();
    let exp = expected(&dump, &acct, acct.trim_start_matches("okta_account:"));
    for (what, set) in exp.nodes.iter().chain(exp.edges.iter()) {
        // Group-held admin scopes depend on which roles the org's few admin groups drew.
        let may_be_empty = what.contains("app_user_group") || what.contains("app_group") || what.starts_with("okta_user_group_administers");
        assert!(may_be_empty || !set.is_empty(), "the simulated org should have some {what}, or the test proves little");
    }

    // Spot checks: types and values.
    let n = util::count(
        &g,
        "MATCH (u:okta_user:User {_accountKey:$a}) WHERE valueType(u.created) STARTS WITH 'ZONED DATETIME'
           AND u.active = (u.status = 'ACTIVE') AND u.`tag.AccountName` = 'e2e' AND u.mobilePhone IS NULL
         RETURN count(u) AS n",
        &[("a", &acct)],
    )
    .await;
    assert_eq!(n, 120, "every user has DATETIME created, active flag, tag, no phone number");
    let aws = util::count(&g, "MATCH (:okta_user {_accountKey:$a})-[r:ASSIGNED]->(x:aws_iam_role:AccessRole) WHERE r._deleted = false RETURN count(DISTINCT x) AS n", &[("a", &acct)]).await;
    assert!(aws > 0, "AWS roles from samlRoles");
    let run = util::count(&g, "MATCH (:okta_account {_key:$a})-[:HAS_SYNC_RUN]->(r:SyncRun {status:'success'}) WHERE r.apiCalls > 0 AND r.created > 0 RETURN count(r) AS n", &[("a", &acct)]).await;
    assert_eq!(run, 1, "a SyncRun records the run");
    let sup = util::count(
        &g,
        "MATCH (a:okta_account {_key:$a}) WHERE a.supportEnabled IS NOT NULL AND a.companyName IS NOT NULL RETURN count(a) AS n",
        &[("a", &acct)],
    )
    .await;
    assert_eq!(sup, 1);
    let secrets = util::count(
        &g,
        "MATCH (f:mfa_device {_accountKey:$a}) WHERE f.sharedSecret IS NOT NULL OR f.phoneNumber IS NOT NULL RETURN count(f) AS n",
        &[("a", &acct)],
    )
    .await;
    assert_eq!(secrets, 0, "no factor secrets stored");

    // A second sync with no change in Okta changes nothing but _lastSeenOn and adds a SyncRun.
    let before = util::snapshot(&g, &acct).await;
    let summary = util::sync(&g, &util::job(&server, &server.super_admin_token(), "e2e")).await;
    assert_eq!(summary.status, RunStatus::Success);
    for (t, c) in &summary.counts {
        assert_eq!((c.created, c.updated, c.deleted, c.undeleted), (0, 0, 0, 0), "{t} changed on a no-op sync");
    }
    let after = util::snapshot(&g, &acct).await;
    assert_eq!(before.len(), after.len());
    assert!(before == after, "a no-change sync leaves every property as it was");
    cleanup(&g, &acct).await;
}

#[tokio::test]
async fn changes_in_okta_become_exactly_those_updates_and_soft_deletes() {
    let g = util::graph().await;
    let server = util::sim(80).await;
    let acct = account_key(&server);
    let job = util::job(&server, &server.super_admin_token(), "changes");
    util::sync(&g, &job).await;

    // Pick the objects to change.
    let (deprov, deleted_user, member, app_user, rule, factor_owner, titled) = {
        let org_lock = server.org();
        let mut org = org_lock.write().await;
        let active: Vec<String> = org.users.values().filter(|u| u.status == "ACTIVE").map(|u| u.id.clone()).collect();
        let with_factor = org
            .factors
            .iter()
            .find(|(u, f)| !f.is_empty() && active.contains(u) && u.as_str() != active[0])
            .map(|(u, _)| u.clone())
            .unwrap();
        let deleted_user = active.iter().find(|u| **u != with_factor && **u != active[0]).unwrap().clone();
        let (gid, members) = org
            .group_members
            .iter()
            .find(|(g, m)| m.len() > 1 && org.groups.get(g.as_str()).is_some_and(|x| x.kind != "BUILT_IN"))
            .map(|(g, m)| (g.clone(), m.clone()))
            .unwrap();
        let member_uid = members.iter().find(|u| **u != deleted_user).unwrap().clone();
        let (aid, au) =
            org.app_users.iter().find_map(|(a, m)| m.values().find(|x| x.id != deleted_user).map(|x| (a.clone(), x.id.clone()))).unwrap();
        let rule = org.group_rules.values().next().unwrap().id.clone();
        let titled =
            org.users.values().find(|u| u.profile.title.is_some() && u.id != deleted_user && u.id != active[0]).unwrap().id.clone();
        // user deprovisioned
        let deprov = active[0].clone();
        org.users.get_mut(&deprov).unwrap().status = "DEPROVISIONED".into();
        // user deleted (with everything that pointed at them)
        org.remove_user(&deleted_user);
        org.logs.retain(|e| e.pointer("/actor/id").and_then(Value::as_str) != Some(deleted_user.as_str()));
        // membership removed, app unassigned, rule deleted, factor removed, attribute removed
        org.group_members.get_mut(&gid).unwrap().remove(&member_uid);
        org.app_users.get_mut(&aid).unwrap().0.remove(&au);
        org.group_rules.0.remove(&rule);
        let f = org.factors.get_mut(&with_factor).unwrap().remove(0).id;
        org.users.get_mut(&titled).unwrap().profile.title = None;
        (deprov, deleted_user, (gid, member_uid), (aid, au), rule, (with_factor, f), titled)
    };
    let summary = util::sync(&g, &job).await;
    assert_eq!(summary.status, RunStatus::Success, "{:?}", summary.warnings);
    assert_graph_matches(&g, &server).await;

    let q = |q: &'static str| q;
    let one = |n: i64, what: &str| assert_eq!(n, 1, "{what}");
    one(
        util::count(
            &g,
            q("MATCH (u:okta_user:Deleted {_key:$k}) WHERE u._deleted AND u._deletedOn IS NOT NULL RETURN count(u) AS n"),
            &[("k", &deleted_user)],
        )
        .await,
        "deleted user soft-deleted",
    );
    one(
        util::count(
            &g,
            q("MATCH (u:okta_user {_key:$k, status:'DEPROVISIONED'}) WHERE NOT u:Deleted AND u.active = false RETURN count(u) AS n"),
            &[("k", &deprov)],
        )
        .await,
        "deprovisioned user updated, kept",
    );
    one(
        util::count(
            &g,
            q("MATCH (:okta_user_group {_key:$g})-[r:HAS]->(:okta_user {_key:$u}) WHERE r._deleted RETURN count(r) AS n"),
            &[("g", &member.0), ("u", &member.1)],
        )
        .await,
        "membership soft-deleted",
    );
    one(
        util::count(
            &g,
            q("MATCH (:okta_user {_key:$u})-[r:ASSIGNED]->(:okta_application {_key:$a}) WHERE r._deleted RETURN count(r) AS n"),
            &[("u", &app_user.1), ("a", &app_user.0)],
        )
        .await,
        "app assignment soft-deleted",
    );
    one(util::count(&g, q("MATCH (r:okta_rule:Deleted {_key:$k}) RETURN count(r) AS n"), &[("k", &rule)]).await, "rule soft-deleted");
    one(
        util::count(
            &g,
            q("MATCH (:okta_user {_key:$u})-[r:ASSIGNED]->(f:mfa_device:Deleted {_key:$f}) WHERE r._deleted RETURN count(f) AS n"),
            &[("u", &factor_owner.0), ("f", &factor_owner.1)],
        )
        .await,
        "factor soft-deleted",
    );
    one(
        util::count(&g, q("MATCH (u:okta_user {_key:$k}) WHERE u.title IS NULL RETURN count(u) AS n"), &[("k", &titled)]).await,
        "removed attribute gone",
    );
    let users = &summary.counts["okta_user"];
    assert_eq!((users.created, users.deleted), (0, 1));
    assert_eq!(users.updated, 2, "the deprovisioned and the retitled user updated, no other: {users:?}");
    assert_eq!(summary.counts["okta_rule"].deleted, 1);

    // The deleted user comes back: undeleted.
    let restored = {
        // The same id returns (Okta never reuses ids, but a restored directory entry does).
        let org_lock = server.org();
        let mut org = org_lock.write().await;
        let mut u = org.users.values().next().unwrap().clone();
        u.id = deleted_user.clone();
        u.profile.login = format!("back-{}", u.profile.login);
        u.profile.email = format!("back-{}", u.profile.email);
        u.status = "ACTIVE".into();
        org.users.put(u);
        deleted_user.clone()
    };
    let summary = util::sync(&g, &job).await;
    assert_eq!(summary.counts["okta_user"].undeleted, 1);
    one(
        util::count(
            &g,
            q("MATCH (u:okta_user {_key:$k}) WHERE NOT u:Deleted AND u._deleted = false AND u._deletedOn IS NULL RETURN count(u) AS n"),
            &[("k", &restored)],
        )
        .await,
        "returning user undeleted",
    );
    cleanup(&g, &acct).await;
}

#[tokio::test]
async fn created_edges_outlive_the_log_window_but_vanished_recent_events_are_swept() {
    let g = util::graph().await;
    let server = util::sim(40).await;
    let acct = account_key(&server);
    let job = util::job(&server, &server.super_admin_token(), "window");
    add_creation_events(&server, 2, true).await;
    util::sync(&g, &job).await;
    let edges = edge_pairs(&g, &acct, "okta_user_created_application").await;
    assert_eq!(edges.len(), 2, "the two creation events, the only ones in the log: {edges:?}");
    let (old, recent) = (edges[0].clone(), edges[1].clone());
    let (old_actor, old_app) = old.split_once('|').unwrap();
    let (recent_actor, recent_app) = recent.split_once('|').unwrap();
    // The first edge's evidence is from long ago (as if synced 100 days back) and has aged out of the log;
    // the second's event vanished from a log that still covers its time.
    g.run(
        neo4rs::query(
            "MATCH (:okta_user {_key:$u})-[r:CREATED]->(:okta_application {_key:$a}) SET r.createdOn = datetime() - duration({days: 100})",
        )
        .param("u", old_actor)
        .param("a", old_app),
        "age",
    )
    .await
    .unwrap();
    {
        let org_lock = server.org();
        let mut org = org_lock.write().await;
        org.logs.retain(|e| {
            let app = e["target"]
                .as_array()
                .and_then(|t| t.iter().find(|x| x["type"] == "AppInstance"))
                .and_then(|x| x["id"].as_str())
                .unwrap_or_default()
                .to_string();
            app != old_app && app != recent_app
        });
    }
    let summary = util::sync(&g, &job).await;
    assert_eq!(summary.status, RunStatus::Success);
    let live = edge_pairs(&g, &acct, "okta_user_created_application").await;
    assert!(live.contains(&old), "an edge whose event aged out survives: {live:?}");
    assert!(!live.contains(&recent), "an edge inside the window whose event vanished is swept");
    let n = util::count(&g, "MATCH (:okta_user {_key:$u})-[r:CREATED]->(:okta_application {_key:$a}) WHERE r._deleted AND r._deletedOn IS NOT NULL RETURN count(r) AS n", &[("u", recent_actor), ("a", recent_app)]).await;
    assert_eq!(n, 1);
    // And later syncs keep it that way.
    util::sync(&g, &job).await;
    assert!(edge_pairs(&g, &acct, "okta_user_created_application").await.contains(&old));
    cleanup(&g, &acct).await;
}

#[tokio::test]
async fn a_read_only_token_keeps_roles_and_support_status_and_warns() {
    let g = util::graph().await;
    let server = util::sim(50).await;
    let acct = account_key(&server);
    util::sync(&g, &util::job(&server, &server.super_admin_token(), "ro")).await;
    let roles_before = edge_pairs(&g, &acct, "okta_user_assigned_role").await;
    let group_roles_before = edge_pairs(&g, &acct, "okta_user_group_assigned_role").await;
    assert!(!roles_before.is_empty());
    let support_before = util::strings(
        &g,
        "MATCH (a:okta_account {_key:$a}) RETURN toString(a.supportEnabled) + '/' + coalesce(toString(a.supportExpiresOn), '-') AS v",
        &[("a", &acct)],
    )
    .await;
    // Roles change in Okta, but this token cannot see it.
    {
        let org_lock = server.org();
        org_lock.write().await.roles.clear();
    }
    let summary = util::sync(&g, &util::job(&server, &server.readonly_token(), "ro")).await;
    assert_eq!(summary.status, RunStatus::Success, "permission gaps are warnings: {:?}", summary.warnings);
    let roles_step = summary.steps.iter().find(|s| s.name == "roles").unwrap();
    assert!(!roles_step.complete && roles_step.forbidden);
    assert!(summary.warnings.iter().any(|w| w.starts_with("roles:")), "{:?}", summary.warnings);
    assert!(summary.warnings.iter().any(|w| w.contains("support")), "{:?}", summary.warnings);
    assert_eq!(edge_pairs(&g, &acct, "okta_user_assigned_role").await, roles_before, "role edges untouched");
    assert_eq!(edge_pairs(&g, &acct, "okta_user_group_assigned_role").await, group_roles_before);
    assert!(!node_keys(&g, &acct, "okta_role").await.is_empty());
    let support_after = util::strings(
        &g,
        "MATCH (a:okta_account {_key:$a}) RETURN toString(a.supportEnabled) + '/' + coalesce(toString(a.supportExpiresOn), '-') AS v",
        &[("a", &acct)],
    )
    .await;
    assert_eq!(support_before, support_after, "support status kept");
    let run = util::count(&g, "MATCH (:okta_account {_key:$a})-[:HAS_SYNC_RUN]->(r:SyncRun) WHERE 'roles' IN r.incompleteSteps AND size(r.warnings) > 0 RETURN count(r) AS n", &[("a", &acct)]).await;
    assert_eq!(run, 1, "the run record names the skipped step");
    // Everything else synced (role_targets reads the targets of the roles it could not read; API tokens, log
    // streams and event hooks need a super admin too: tests/org_catalog.rs).
    assert_eq!(
        summary.steps.iter().filter(|s| !s.complete).map(|s| s.name).collect::<Vec<_>>(),
        vec!["roles", "role_targets", "api_tokens", "log_streams", "event_hooks"]
    );
    cleanup(&g, &acct).await;
}

#[tokio::test]
async fn a_failing_required_step_sweeps_nothing_it_produces() {
    let g = util::graph().await;
    let server = util::sim(50).await;
    let acct = account_key(&server);
    let job = util::job(&server, &server.super_admin_token(), "fail");
    util::sync(&g, &job).await;
    let groups_before = node_keys(&g, &acct, "okta_user_group").await;
    let members_before = edge_pairs(&g, &acct, "okta_user_group_has_user").await;
    {
        // Okta changes: a group and its memberships vanish, but listing groups now fails.
        let org_lock = server.org();
        let mut org = org_lock.write().await;
        let gid = org.groups.values().find(|g| g.kind == "OKTA_GROUP").unwrap().id.clone();
        org.groups.0.remove(&gid);
        org.group_members.remove(&gid);
        org.roles.retain(|r| r.assignee != gid);
        // Okta takes a deleted group out of the policies and rules that named it.
        let drop_group = |v: &mut serde_json::Value| {
            for side in ["include", "exclude"] {
                if let Some(ids) = v.pointer_mut(&format!("/conditions/people/groups/{side}")).and_then(|x| x.as_array_mut()) {
                    ids.retain(|id| id.as_str() != Some(gid.as_str()));
                }
            }
        };
        org.policies.iter_mut().for_each(drop_group);
        org.policy_rules.values_mut().flatten().for_each(drop_group);
    }
    server.set_faults(okta_sim::Faults { fail_paths: vec!["/api/v1/groups".into()], ..Default::default() });
    let summary = util::sync(&g, &job).await;
    assert_eq!(summary.status, RunStatus::Partial, "{:?}", summary.warnings);
    assert_eq!(oktagraph::cli::exit_code_of(&summary), 1);
    for step in ["groups", "memberships", "rules"] {
        assert!(!summary.steps.iter().find(|s| s.name == step).unwrap().complete, "{step} incomplete");
    }
    assert!(summary.steps.iter().find(|s| s.name == "users").unwrap().complete);
    assert_eq!(node_keys(&g, &acct, "okta_user_group").await, groups_before, "groups not swept");
    assert_eq!(edge_pairs(&g, &acct, "okta_user_group_has_user").await, members_before, "memberships not swept");
    let run = util::count(
        &g,
        "MATCH (:okta_account {_key:$a})-[:HAS_SYNC_RUN]->(r:SyncRun {status:'partial'}) RETURN count(r) AS n",
        &[("a", &acct)],
    )
    .await;
    assert_eq!(run, 1);
    // Once Okta answers again, the next sync converges.
    server.set_faults(okta_sim::Faults::default());
    let summary = util::sync(&g, &job).await;
    assert_eq!(summary.status, RunStatus::Success);
    assert_graph_matches(&g, &server).await;
    cleanup(&g, &acct).await;
}

#[tokio::test]
async fn two_accounts_in_one_database_stay_isolated() {
    let g = util::graph().await;
    let (a, b) = (util::sim(40).await, util::sim(40).await);
    let (ka, kb) = (account_key(&a), account_key(&b));
    let (ja, jb) = (util::job(&a, &a.super_admin_token(), "acct-a"), util::job(&b, &b.super_admin_token(), "acct-b"));
    util::sync(&g, &ja).await;
    util::sync(&g, &jb).await;
    let b_before = util::snapshot(&g, &kb).await;
    {
        let org_lock = a.org();
        let mut org = org_lock.write().await;
        let uid = org.users.values().next().unwrap().id.clone();
        org.remove_user(&uid);
        org.logs.retain(|e| e.pointer("/actor/id").and_then(Value::as_str) != Some(uid.as_str()));
        org.group_rules.0.clear();
    }
    let s = util::sync(&g, &ja).await;
    assert!(s.counts["okta_user"].deleted == 1 && s.counts["okta_rule"].deleted > 0);
    assert_eq!(util::snapshot(&g, &kb).await, b_before, "syncing A never changes B");
    assert_graph_matches(&g, &a).await;
    assert_graph_matches(&g, &b).await;
    let a_before = util::snapshot(&g, &ka).await;
    util::sync(&g, &jb).await;
    assert_eq!(util::snapshot(&g, &ka).await, a_before, "syncing B never changes A");
    cleanup(&g, &ka).await;
    cleanup(&g, &kb).await;
}

#[test]
fn demo_runs_from_the_command_line() {
    // Port 0: the simulator takes a free port and the demo prints its address, so parallel runs never collide.
    let seed = util::unique_seed().to_string();
    let out = util::output_within(std::process::Command::new(util::bin()).args(["demo", "--users", "30", "--port", "0", "--seed", &seed]));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("sync success") && stdout.contains("http://127.0.0.1:7474/browser/"), "{stdout}");
    let org = stdout
        .lines()
        .find_map(|l| l.strip_prefix("simulated Okta org with 30 users at http://"))
        .unwrap_or_else(|| panic!("the demo names its org: {stdout}"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let g = util::graph().await;
        let acct = format!("okta_account:{}", org.trim());
        let users = node_keys(&g, &acct, "okta_user").await.len();
        cleanup(&g, &acct).await;
        assert_eq!(users, 30);
    });
}
