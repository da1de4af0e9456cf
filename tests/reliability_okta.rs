//! Issue #7, Okta faults: each sync either completes with exactly the graph the org implies, or ends
//! `partial`/`failed` with a clear summary and sweeps nothing.
//!
//! Pattern: a faulty sync of a fresh account, checked against the oracle (`crate::oracle`: the graph computed
//! from the simulator's raw dump, not from our own code). For faults that cannot be retried away (a path that
//! always fails, a revoked token) a clean sync comes first, then the faulty one, which must not soft-delete
//! anything and must leave the graph as it was.

use crate::{oracle, util};
use okta_sim::{Faults, SimServer};
use oktagraph::collect::{CollectOptions, Collector, Silent, StepId, STEPS};
use oktagraph::graph::{Graph, GraphWriter};
use oktagraph::model::Records;
use oktagraph::okta::{ClientConfig, Credentials, OktaClient};
use oktagraph::sync::RunStatus;
use secrecy::SecretString;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

/// The check shared by every retryable fault: the faulty sync succeeds with exactly the graph the org implies.
async fn faulty_sync_gives_the_org_graph(tag: &str, faults: Faults) -> SimServer {
    let g = util::graph().await;
    let server = util::sim_faulty(40, faults).await;
    let key = util::account_key(&server);
    let job = util::sim_job(&server, &server.super_admin_token());
    let faulty = util::sync(&g, &job).await;
    let injected = server.stats().faults_injected;
    assert!(injected > 0, "{tag}: the simulator injected no fault; the test proves nothing");
    assert_eq!(faulty.status, RunStatus::Success, "{tag}: warnings {:?}", faulty.warnings);
    oracle::assert_graph_matches(&g, &server).await;
    assert_eq!(util::deleted_count(&g, &key).await, 0, "{tag}: nothing is soft-deleted");
    util::cleanup(&g, &key).await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okta_5xx_on_10_percent_of_calls_gives_the_org_graph() {
    faulty_sync_gives_the_org_graph("5xx 10%", Faults { error_5xx_rate: 0.10, seed: 11, ..Faults::default() }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okta_dropped_connections_give_the_org_graph() {
    faulty_sync_gives_the_org_graph("drops", Faults { drop_rate: 0.08, seed: 12, ..Faults::default() }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okta_malformed_json_pages_give_the_org_graph() {
    faulty_sync_gives_the_org_graph("malformed", Faults { malformed_rate: 0.08, seed: 13, ..Faults::default() }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okta_missing_rate_limit_headers_give_the_org_graph() {
    // Missing headers are not counted as injected faults by the simulator, so this test does not use the
    // shared helper's "a fault was injected" guard; it checks the headers really are absent instead.
    let g = util::graph().await;
    let server = util::sim_faulty(40, Faults { missing_rate_limit_headers: true, seed: 14, ..Faults::default() }).await;
    let resp = reqwest::Client::new()
        .get(format!("{}/api/v1/users?limit=1", server.base_url()))
        .header("Authorization", format!("SSWS {}", server.super_admin_token()))
        .send()
        .await
        .unwrap();
    assert!(resp.headers().get("x-rate-limit-limit").is_none(), "the fault is active");
    let key = util::account_key(&server);
    let job = util::sim_job(&server, &server.super_admin_token());
    let s = util::sync(&g, &job).await;
    assert_eq!(s.status, RunStatus::Success, "{:?}", s.warnings);
    oracle::assert_graph_matches(&g, &server).await;
    util::cleanup(&g, &key).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okta_concurrency_429_storm_gives_the_org_graph() {
    let server = faulty_sync_gives_the_org_graph("429 storm", Faults { concurrency_429_rate: 0.3, seed: 15, ..Faults::default() }).await;
    assert!(server.stats().concurrency_429 > 5, "a storm happened: {:?}", server.stats());
}

/// Collects like `sync_account` does, but with a client whose per-request timeout is short, so responses
/// slower than the timeout can be tested in a second rather than in minutes (the CLI's timeout is 60 s).
async fn collect_with_timeout(g: &Graph, server: &SimServer, timeout: Duration) -> Vec<(&'static str, bool)> {
    let mut config = ClientConfig::new(server.base_url(), Credentials::Ssws(SecretString::from(server.super_admin_token())));
    config.request_timeout = timeout;
    config.backoff_base = Duration::from_millis(50);
    let client = OktaClient::new(config).unwrap();
    let org = client.org().clone();
    let ctx = oktagraph::model::Context::new(org.base.as_str(), &org.host, &org.subdomain);
    let now = chrono::DateTime::from_timestamp_millis(chrono::Utc::now().timestamp_millis()).unwrap().fixed_offset();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Records>(32);
    let wg = g.clone();
    let writer = tokio::spawn(async move {
        let mut w = GraphWriter::new(wg, now);
        while let Some(r) = rx.recv().await {
            w.write(r).await.unwrap();
        }
        w.flush().await.unwrap();
    });
    let (_cancel_tx, cancel) = tokio::sync::watch::channel(false);
    let opts = CollectOptions {
        enabled: STEPS.iter().map(|s| s.id).collect::<std::collections::BTreeSet<StepId>>(),
        concurrency: 8,
        now,
        previous_account: Default::default(),
    };
    let result = Collector::new(client, ctx, tx, cancel, Arc::new(Silent), opts).run().await;
    writer.await.unwrap();
    result.outcomes.values().map(|o| (o.name, o.complete)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okta_responses_slower_than_the_client_timeout_are_retried_to_the_org_graph() {
    let g = util::graph().await;
    let faults = Faults { slow_rate: 0.15, slow_delay: Duration::from_secs(3), seed: 16, ..Faults::default() };
    let server = util::sim_faulty(30, faults).await;
    let key = util::account_key(&server);
    let steps = collect_with_timeout(&g, &server, Duration::from_millis(400)).await;
    let stats = server.stats();
    let slow = stats.faults_by_kind.get("slow").copied().unwrap_or(0);
    assert!(slow > 0, "slow answers were injected");
    assert!(steps.iter().all(|(_, complete)| *complete), "every step completes despite timeouts: {steps:?}");
    // No wall-clock bound (a loaded machine is slow anyway): the timeouts show as retries instead. Every slow
    // answer was given up on and asked again, so the simulator served at least one request more per slow one
    // than a clean collection of the same org needs.
    // (Requests turned away with a 429 are left out of both counts: how many there are depends on timing.)
    let answered = |s: &okta_sim::SimStats| s.requests_total - s.rate_limited_429 - s.concurrency_429;
    server.set_faults(Faults::default());
    let before_clean = answered(&server.stats());
    collect_with_timeout(&g, &server, Duration::from_secs(60)).await;
    let clean_requests = answered(&server.stats()) - before_clean;
    assert!(
        answered(&stats) >= clean_requests + slow,
        "{} requests with {slow} slow answers, {clean_requests} without: the timeouts cut slow answers short",
        answered(&stats)
    );
    oracle::assert_graph_matches(&g, &server).await;
    util::cleanup(&g, &key).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okta_path_that_keeps_failing_makes_the_run_partial_and_sweeps_nothing() {
    let g = util::graph().await;
    let server = util::sim_faulty(30, Faults::default()).await;
    let key = util::account_key(&server);
    let job = util::sim_job(&server, &server.super_admin_token());
    assert_eq!(util::sync(&g, &job).await.status, RunStatus::Success);
    let before = util::shared_snapshot(&g, &key).await;
    // A group disappears from Okta while its listing is failing: since the groups step is incomplete,
    // the group (and the memberships, roles and rules that depend on groups) must not be swept.
    {
        let org = server.org();
        let mut org = org.write().await;
        let gid = org.groups.values().find(|g| g.kind == "OKTA_GROUP").unwrap().id.clone();
        org.groups.0.remove(&gid);
    }
    server.set_faults(Faults { fail_paths: vec!["/api/v1/groups".into()], seed: 17, ..Faults::default() });
    let s = util::sync(&g, &job).await;
    assert_eq!(s.status, RunStatus::Partial, "{:?}", s.warnings);
    assert!(s.warnings.iter().any(|w| w.starts_with("groups:")), "the summary names the failed step: {:?}", s.warnings);
    assert_eq!(util::deleted_count(&g, &key).await, 0, "an incomplete step sweeps nothing");
    util::assert_same_graph(&before, &util::shared_snapshot(&g, &key).await, "failing groups path");
    assert_eq!(util::last_run_status(&g, &key).await.as_deref(), Some("partial"));
    util::cleanup(&g, &key).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okta_token_revoked_mid_sync_fails_clearly_and_sweeps_nothing() {
    let g = util::graph().await;
    let server = Arc::new(util::sim_faulty(40, Faults::default()).await);
    let key = util::account_key(&server);
    let token = server.super_admin_token();
    let job = util::sim_job(&server, &token);
    assert_eq!(util::sync(&g, &job).await.status, RunStatus::Success);
    let before = util::shared_snapshot(&g, &key).await;
    let calls_per_sync = server.stats().requests_total;

    // Slow every answer a little so the revocation lands mid-sync, then revoke after a third of the calls.
    server.set_faults(Faults { slow_rate: 1.0, slow_delay: Duration::from_millis(20), seed: 18, ..Faults::default() });
    let start = server.stats().requests_total;
    let sync_done = Arc::new(AtomicBool::new(false));
    let revoker = {
        let server = server.clone();
        let token = token.clone();
        let done = sync_done.clone();
        // Bounded by the sync: if it ends before the third of its calls (it cannot, it makes the same calls
        // as the first), the revoker stops too and the 401 assertion below fails instead of hanging.
        tokio::spawn(async move {
            while server.stats().requests_total < start + calls_per_sync / 3 && !done.load(SeqCst) {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            server.revoke_token(&token);
        })
    };
    let s = util::sync(&g, &job).await;
    sync_done.store(true, SeqCst);
    revoker.await.unwrap();
    assert!(server.stats().unauthorized_401 > 0, "the sync ran into the revoked token");
    assert_eq!(s.status, RunStatus::Failed, "{:?}", s.warnings);
    let err = s.connection_error.clone().expect("a connection error is reported");
    assert!(err.contains("401") || err.to_lowercase().contains("token"), "clear reason: {err}");
    assert!(!err.contains(&token), "the error does not show the token: {err}");
    assert_eq!(util::deleted_count(&g, &key).await, 0, "a revoked token sweeps nothing");
    util::assert_same_graph(&before, &util::shared_snapshot(&g, &key).await, "revoked token");
    assert_eq!(util::last_run_status(&g, &key).await.as_deref(), Some("failed"));
    util::cleanup(&g, &key).await;
}
