//! Issue 13 (admin role scopes, authenticators, devices): a sync of a simulated org yields every new node and
//! relationship type, exactly as the org implies; a re-sync changes nothing; the steps degrade to warnings
//! without permission and on a Classic org; the new queries return rows.

use crate::oracle::assert_graph_matches;
use crate::util::{self, account_key, cleanup, edge_pairs, node_keys};
use oktagraph::sync::RunStatus;
use std::collections::BTreeMap;

const NEW_TYPES: &[&str] = &["okta_authenticator", "okta_device"];
const NEW_EDGES: &[&str] = &[
    "okta_account_has_authenticator",
    "okta_account_has_device",
    "okta_user_has_device",
    "okta_user_administers_user_group",
    "okta_user_administers_application",
];

async fn query_rows(g: &oktagraph::graph::Graph, name: &str, account: &str) -> Vec<serde_json::Value> {
    let q = oktagraph::queries::shipped_queries().into_iter().find(|q| q.name == name).expect("a shipped query");
    let params = BTreeMap::from([("account".to_string(), account.to_string())]);
    oktagraph::queries::run(g, &q, &params).await.unwrap_or_else(|e| panic!("{name}: {e}")).objects()
}

fn step<'a>(summary: &'a oktagraph::sync::SyncSummary, name: &str) -> &'a oktagraph::collect::StepOutcome {
    summary.steps.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no step {name}"))
}

#[tokio::test]
async fn a_sync_yields_scopes_authenticators_and_devices_and_a_resync_changes_nothing() {
    let g = util::graph().await;
    let server = util::sim(150).await;
    let acct = account_key(&server);
    let job = util::job(&server, &server.super_admin_token(), "scopes");
    let summary = util::sync(&g, &job).await;
    assert_eq!(summary.status, RunStatus::Success, "{:?}", summary.warnings);
    for s in ["role_targets", "authenticators", "devices"] {
        assert!(step(&summary, s).complete, "{s} completes");
    }
    assert_graph_matches(&g, &server).await;
    for t in NEW_TYPES {
        assert!(!node_keys(&g, &acct, t).await.is_empty(), "some {t}");
    }
    for e in NEW_EDGES {
        assert!(!edge_pairs(&g, &acct, e).await.is_empty(), "some {e}");
    }
    // The custom role carries its permissions; scopes carry their roles; no hardware ids on devices.
    let custom = util::count(
        &g,
        "MATCH (r:okta_role {_accountKey: $a, roleType: 'CUSTOM'}) WHERE 'okta.users.manage' IN r.permissions RETURN count(r) AS n",
        &[("a", &acct)],
    )
    .await;
    assert_eq!(custom, 1, "the custom role's permissions");
    let scoped = util::count(
        &g,
        "MATCH (:okta_user {_accountKey: $a})-[r:ADMINISTERS]->(:UserGroup)
         WHERE r.roleType IN r.roleTypes AND r.roleKey IN r.roleKeys AND size(r.roleTypes) = size(r.roleKeys) RETURN count(r) AS n",
        &[("a", &acct)],
    )
    .await;
    assert!(scoped > 0, "ADMINISTERS carries its roles");
    let serials =
        util::count(&g, "MATCH (d:okta_device {_accountKey: $a}) WHERE d.serialNumber IS NOT NULL RETURN count(d) AS n", &[("a", &acct)])
            .await;
    assert_eq!(serials, 0, "no serial numbers");

    // The new queries answer on a generated (demo) org.
    assert!(!query_rows(&g, "admins-of-super-admins", &acct).await.is_empty(), "admins-of-super-admins has rows");
    let devices = query_rows(&g, "devices-of-deprovisioned-users", &acct).await;
    assert!(!devices.is_empty(), "devices-of-deprovisioned-users has rows");

    // A second sync changes nothing.
    let before = util::snapshot(&g, &acct).await;
    let summary = util::sync(&g, &job).await;
    assert_eq!(summary.status, RunStatus::Success);
    for (t, c) in &summary.counts {
        assert_eq!((c.created, c.updated, c.deleted, c.undeleted), (0, 0, 0, 0), "{t} changed on a no-op sync");
    }
    let after = util::snapshot(&g, &acct).await;
    assert!(before == after, "a no-change sync leaves every property as it was");

    // A target removed in Okta goes from the graph: drop every scope of the first scoped assignment.
    let (gone_holder, gone_group) = {
        let org_lock = server.org();
        let mut org = org_lock.write().await;
        let (ra, groups) = org.role_targets.iter().find(|(_, t)| !t.groups.is_empty()).map(|(r, t)| (r.clone(), t.groups.clone())).unwrap();
        let holder = org.roles.iter().find(|r| r.id == ra).unwrap().assignee.clone();
        // Other assignments of the same holder may reach the same group: remove the group from all of them.
        let g0 = groups[0].clone();
        for r in org.roles.clone().iter().filter(|r| r.assignee == holder) {
            if let Some(t) = org.role_targets.get_mut(&r.id) {
                t.groups.retain(|x| *x != g0);
            }
        }
        let custom_sets: Vec<String> = org.roles.iter().filter(|r| r.assignee == holder).filter_map(|r| r.resource_set.clone()).collect();
        for rs in custom_sets {
            if let Some(list) = org.resource_sets.get_mut(&rs) {
                list.retain(|x| !x.orn.contains(&g0));
            }
        }
        (holder, g0)
    };
    let summary = util::sync(&g, &job).await;
    assert_eq!(summary.status, RunStatus::Success);
    let live = util::count(
        &g,
        "MATCH (h {_key: $h})-[r:ADMINISTERS]->(x {_key: $x}) WHERE r._deleted = false RETURN count(r) AS n",
        &[("h", &gone_holder), ("x", &gone_group)],
    )
    .await;
    assert_eq!(live, 0, "the removed target's ADMINISTERS edge is soft-deleted");
    assert_graph_matches(&g, &server).await;
    cleanup(&g, &acct).await;
}

#[tokio::test]
async fn without_permission_or_identity_engine_the_steps_are_warnings() {
    let g = util::graph().await;
    let server = util::sim(60).await;
    let acct = account_key(&server);
    let job = util::job(&server, &server.super_admin_token(), "scopes-perm");
    util::sync(&g, &job).await;
    let before = util::snapshot(&g, &acct).await;

    // A read-only admin cannot read admin roles: roles and role_targets are skipped with warnings, nothing swept.
    let ro = util::job(&server, &server.readonly_token(), "scopes-perm");
    let summary = util::sync(&g, &ro).await;
    assert_eq!(summary.status, RunStatus::Success, "{:?}", summary.warnings);
    let rt = step(&summary, "role_targets");
    assert!(rt.forbidden && !rt.complete && rt.error.is_none(), "{rt:?}");
    assert!(summary.warnings.iter().any(|w| w.starts_with("role_targets: skipped")), "{:?}", summary.warnings);
    assert!(!edge_pairs(&g, &acct, "okta_user_administers_user_group").await.is_empty(), "scopes left as they were");

    // On a Classic org the authenticators and devices lists answer 404: warnings, nothing swept.
    server.org().write().await.identity_engine = false;
    let summary = util::sync(&g, &job).await;
    assert_eq!(summary.status, RunStatus::Success, "{:?}", summary.warnings);
    for s in ["authenticators", "devices"] {
        let o = step(&summary, s);
        assert!(o.forbidden && !o.complete && o.error.is_none(), "{s}: {o:?}");
        assert!(summary.warnings.iter().any(|w| w.starts_with(&format!("{s}: skipped, not available"))), "{:?}", summary.warnings);
    }
    // (The switch also takes away the Identity Engine policy types, which the policies step then sweeps: only
    // the authenticators' and devices' part of the graph is compared.)
    let ours = |lines: Vec<String>| -> Vec<String> {
        let types =
            ["okta_authenticator ", "okta_device ", "okta_account_has_authenticator ", "okta_account_has_device ", "okta_user_has_device "];
        lines.into_iter().filter(|l| types.iter().any(|t| l.starts_with(t))).collect()
    };
    let after = util::snapshot(&g, &acct).await;
    assert!(ours(before) == ours(after), "nothing changed: authenticators and devices kept");
    assert!(!node_keys(&g, &acct, "okta_device").await.is_empty());
    cleanup(&g, &acct).await;
}
