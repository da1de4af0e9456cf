//! Issue 13, policies and their rules: a sync of a generated org yields every policy node and relationship
//! type exactly as the org implies, a re-sync changes nothing, a read-only admin reads them too, a Classic
//! Engine org degrades to a warning for its missing types, the queries answer, and the loosened-rule
//! alert fires when a rule stops requiring MFA.

use crate::oracle::assert_graph_matches;
use crate::util::{self, account_key, cleanup};
use okta_sim::{Org, OrgSpec, SimOptions, SimServer};
use oktagraph::alerts::Alerts;
use oktagraph::collect::{step_by_name, StepOutcome};
use oktagraph::config::AlertSettings;
use oktagraph::sync::{RunStatus, SyncSummary};
use serde_json::json;
use std::collections::BTreeMap;

fn policies_step(s: &SyncSummary) -> &StepOutcome {
    s.steps.iter().find(|o| o.name == "policies").expect("the policies step ran")
}

fn changed(s: &SyncSummary) -> Vec<String> {
    s.counts.iter().filter(|(_, c)| c.created + c.updated + c.deleted + c.undeleted > 0).map(|(t, _)| t.to_string()).collect()
}

async fn rows(g: &oktagraph::graph::Graph, name: &str, acct: &str) -> Vec<serde_json::Value> {
    let q = oktagraph::queries::shipped_queries()
        .into_iter()
        .chain(oktagraph::queries::shipped_alerts())
        .find(|q| q.name == name)
        .unwrap_or_else(|| panic!("no shipped {name}"));
    let params = BTreeMap::from([("account".to_string(), acct.to_string())]);
    oktagraph::queries::run(g, &q, &params).await.unwrap_or_else(|e| panic!("{name}: {e}")).objects()
}

async fn sim_org(users: usize, classic: bool) -> SimServer {
    let mut org = Org::generate(&OrgSpec { users, seed: util::unique_seed() }, "http://127.0.0.1:0");
    org.identity_engine = !classic;
    SimServer::start(org, SimOptions { port: 0, time_scale: 120.0, ..SimOptions::default() }).await.expect("simulator starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_yields_every_policy_type_and_a_resync_changes_nothing() {
    let g = util::graph().await;
    let server = sim_org(150, false).await;
    let acct = account_key(&server);
    let job = util::job(&server, &server.super_admin_token(), "policies");
    let first = util::sync(&g, &job).await;
    assert_eq!(first.status, RunStatus::Success, "{:?}", first.warnings);
    let step = policies_step(&first);
    assert!(step.complete && step.warnings.is_empty(), "{step:?}");
    assert_graph_matches(&g, &server).await;

    // Every node and relationship type of the step is there.
    let def = step_by_name("policies").unwrap();
    for k in def.nodes {
        assert!(!util::node_keys(&g, &acct, k.type_name).await.is_empty(), "no {}", k.type_name);
    }
    for r in def.edges {
        assert!(!util::edge_pairs(&g, &acct, r.type_name).await.is_empty(), "no {}", r.type_name);
    }
    // Spot checks on the properties the queries use.
    let n = util::count(
        &g,
        "MATCH (:okta_service {_key: $mfa})-[e:ENFORCES]->(r:okta_policy_rule {_accountKey: $a})
         WHERE e._deleted = false AND r.requiresMfa = true AND r.status = 'ACTIVE' RETURN count(r) AS n",
        &[("a", &acct), ("mfa", &format!("okta_service:{}:mfa", acct.trim_start_matches("okta_account:")))],
    )
    .await;
    assert!(n >= 2, "a sign-on and an app sign-in rule require MFA: {n}");
    let password_only = util::count(
        &g,
        "MATCH (r:okta_policy_rule {_accountKey: $a, allowsPasswordOnly: true, factorMode: '1FA'}) RETURN count(r) AS n",
        &[("a", &acct)],
    )
    .await;
    assert!(password_only >= 1);

    // The queries answer on the generated org.
    let uncovered = rows(&g, "users-without-mfa-sign-on", &acct).await;
    assert!(!uncovered.is_empty(), "users outside the MFA sign-on policy's groups are not covered");
    let apps = rows(&g, "password-only-apps", &acct).await;
    assert!(!apps.is_empty());
    // A user the MFA policy excludes by name is never covered.
    let org_lock = server.org();
    let excluded_user = {
        let org = org_lock.read().await;
        let p = org.policies.iter().find(|p| p["name"] == "Admins need MFA").unwrap();
        p["conditions"]["people"]["users"]["exclude"][0].as_str().map(|u| org.users[u].profile.login.clone())
    };
    if let Some(login) = excluded_user {
        assert!(uncovered.iter().any(|r| r["login"] == login.as_str()), "{login} is excluded, so not covered");
    }

    let second = util::sync(&g, &job).await;
    assert_eq!(second.status, RunStatus::Success, "{:?}", second.warnings);
    assert_eq!(changed(&second), Vec::<String>::new(), "a re-sync changed the graph");
    cleanup(&g, &acct).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_admin_reads_policies_and_a_classic_org_warns_for_its_missing_types() {
    let g = util::graph().await;
    // Read-only admins can view policies (Okta help, "Read-only administrators").
    let server = sim_org(60, false).await;
    let acct = account_key(&server);
    let s = util::sync(&g, &util::job(&server, &server.readonly_token(), "policies-ro")).await;
    let step = policies_step(&s);
    assert!(step.complete && !step.forbidden && step.warnings.is_empty(), "{step:?}");
    assert!(!util::node_keys(&g, &acct, "okta_policy").await.is_empty());
    cleanup(&g, &acct).await;

    // A Classic Engine org: no app sign-in or user profile policies, a warning each, the rest complete.
    let server = sim_org(60, true).await;
    let acct = account_key(&server);
    let s = util::sync(&g, &util::job(&server, &server.super_admin_token(), "policies-classic")).await;
    assert_eq!(s.status, RunStatus::Success, "{:?}", s.warnings);
    let step = policies_step(&s);
    assert!(step.complete, "{step:?}");
    for t in ["ACCESS_POLICY", "PROFILE_ENROLLMENT"] {
        assert!(step.warnings.iter().any(|w| w.contains(t) && w.contains("not available")), "{t}: {:?}", step.warnings);
    }
    assert_eq!(step.warnings.len(), 2, "{:?}", step.warnings);
    assert!(util::edge_pairs(&g, &acct, "okta_policy_assigned_application").await.is_empty());
    assert_graph_matches(&g, &server).await;
    cleanup(&g, &acct).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_that_stops_requiring_mfa_raises_the_loosened_alert() {
    let g = util::graph().await;
    let server = sim_org(60, false).await;
    let acct = account_key(&server);
    let job = util::job(&server, &server.super_admin_token(), "policies-alert");
    util::sync(&g, &job).await;
    let alerts = Alerts::from_settings(&AlertSettings::default()).unwrap();
    alerts.evaluate(&g, &acct, "policies-alert").await.unwrap(); // the baseline

    // Loosen the MFA sign-on rule in Okta.
    let rule_id = {
        let org_lock = server.org();
        let mut org = org_lock.write().await;
        let rule = org
            .policy_rules
            .values_mut()
            .flatten()
            .find(|r| r["type"] == "SIGN_ON" && r["actions"]["signon"]["requireFactor"] == json!(true))
            .expect("an MFA sign-on rule");
        rule["actions"]["signon"]["requireFactor"] = json!(false);
        rule["id"].as_str().unwrap().to_string()
    };
    let s = util::sync(&g, &job).await;
    assert_eq!(s.status, RunStatus::Success, "{:?}", s.warnings);
    let raised = alerts.evaluate(&g, &acct, "policies-alert").await.unwrap();
    let loosened: Vec<_> = raised.iter().filter(|a| a.rule == "policy-rule-loosened").collect();
    assert_eq!(loosened.len(), 1, "{raised:?}");
    assert_eq!(loosened[0].row["ruleId"], rule_id.as_str());
    // Evaluated again without a change: nothing new.
    let again = alerts.evaluate(&g, &acct, "policies-alert").await.unwrap();
    assert!(again.iter().all(|a| a.rule != "policy-rule-loosened"), "{again:?}");
    cleanup(&g, &acct).await;
}
