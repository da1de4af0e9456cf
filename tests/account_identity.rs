//! Issue 13 ("Also in this issue"): a sync that cannot start is still recorded, and one Okta org behind two
//! URLs is refused rather than having its nodes moved between two accounts.

use crate::util::{self, account_key, cleanup};

/// A config with one account per URL, each reading the token from OKTA_API_TOKEN.
fn config(dir: &std::path::Path, urls: &[String]) -> String {
    let mut text = "[sync]\nalerts_stdout = false\n".to_string();
    for (i, u) in urls.iter().enumerate() {
        text.push_str(&format!("\n[[account]]\nname = \"org-{i}\"\norg_url = \"{u}\"\ntoken_env = \"OKTA_API_TOKEN\"\n"));
    }
    let path = dir.join("oktagraph.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_org_behind_two_urls_is_refused_with_one_line() {
    let g = util::graph().await;
    let server = util::sim(20).await;
    let by_ip = server.base_url();
    let by_name = by_ip.replace("127.0.0.1", "localhost");
    // The token from the environment; the org URLs from the configuration only (OKTA_ORG_URL would override them).
    let mut env = util::sim_env(&server, &server.super_admin_token());
    env.retain(|(k, _)| k != "OKTA_ORG_URL");
    let dir = tempfile::tempdir().unwrap();

    // Both in one configuration: refused before anything runs.
    let both = config(dir.path(), &[by_ip.clone(), by_name.clone()]);
    let (code, out, err) = util::run_bin(&["--config", &both, "sync", "--once", "--no-alerts"], &util::pairs(&env)).await;
    assert_eq!(code, 2, "{out}{err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(errors[0].contains("are the same Okta org") && errors[0].contains(&by_ip) && errors[0].contains(&by_name), "{}", errors[0]);
    let first_key = account_key(&server);
    assert_eq!(util::count(&g, "MATCH (a:okta_account {_key: $a}) RETURN count(a) AS n", &[("a", &first_key)]).await, 0);

    // One synced, then the other URL from another configuration: the graph knows the org and refuses.
    let one = config(dir.path(), std::slice::from_ref(&by_ip));
    let (code, _, err) = util::run_bin(&["--config", &one, "sync", "--once", "--no-alerts"], &util::pairs(&env)).await;
    assert_eq!(code, 0, "{err}");
    let users = util::count(&g, "MATCH (u:okta_user {_accountKey: $a}) RETURN count(u) AS n", &[("a", &first_key)]).await;
    let other = config(dir.path(), std::slice::from_ref(&by_name));
    let (code, _, err) = util::run_bin(&["--config", &other, "sync", "--once", "--no-alerts"], &util::pairs(&env)).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("which the graph already holds as account 'org-0'"), "{err}");
    let after = util::count(&g, "MATCH (u:okta_user {_accountKey: $a}) RETURN count(u) AS n", &[("a", &first_key)]).await;
    assert_eq!(after, users, "no node moved to the other account");
    cleanup(&g, &first_key).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_okta_refuses_is_recorded_failed_with_the_reason() {
    let g = util::graph().await;
    let server = util::sim(10).await;
    let key = account_key(&server);
    assert_eq!(util::sync(&g, &util::job(&server, &server.super_admin_token(), "refused")).await.status.as_str(), "success");
    let env: Vec<(String, String)> = util::sim_env(&server, "00not-a-valid-token-0000000000000000000000").into_iter().collect();
    let (code, _, err) = util::run_bin(&["sync", "--once", "--no-alerts"], &util::pairs(&env)).await;
    assert_eq!(code, 3, "{err}");
    let q = "MATCH (:okta_account {_key: $a})-[:HAS_SYNC_RUN]->(r:SyncRun {status: 'failed'}) RETURN r.warnings[0] AS v";
    let reasons = util::strings(&g, q, &[("a", &key)]).await;
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(reasons[0].contains("401") || reasons[0].to_lowercase().contains("token"), "{}", reasons[0]);
    // The next sync is full: the last run failed.
    let mut job = util::job(&server, &server.super_admin_token(), "refused");
    job.full_sync_interval = oktagraph::sync::mode::DEFAULT_FULL_SYNC_INTERVAL;
    let s = util::sync(&g, &job).await;
    assert_eq!(s.mode_reason, "the last run ended failed");
    cleanup(&g, &key).await;
}
