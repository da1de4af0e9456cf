//! Issue #7, oktagraph itself stopped: SIGINT/SIGTERM finish the batch in flight, run no sweep and record
//! the run as interrupted; SIGKILL at several points of a sync leaves a graph the next sync converges, with
//! no object that exists in Okta left soft-deleted.

use crate::{oracle, util};
use okta_sim::{Faults, SimServer};
use oktagraph::graph::Graph;
use oktagraph::sync::RunStatus;
use std::time::Duration;

/// Every answer a little slow, so a sync of a small org takes long enough to be stopped in the middle.
fn slow() -> Faults {
    Faults { slow_rate: 1.0, slow_delay: Duration::from_millis(25), seed: 21, ..Faults::default() }
}

/// Starts `oktagraph sync --once` against the simulator.
fn spawn_sync(server: &SimServer) -> tokio::process::Child {
    let env = util::sim_env(server, &server.super_admin_token());
    let mut cmd = tokio::process::Command::new(util::bin());
    // Full: the org was changed by hand, without the System Log events an incremental sync reads.
    cmd.args(["sync", "--once", "--full", "--no-alerts"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env)
        .current_dir(std::env::temp_dir())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    cmd.spawn().expect("oktagraph starts")
}

/// Waits until the simulator has answered `n` more requests than `base`, failing the test (never hanging)
/// if the sync exits first or takes longer than the binary's time limit.
async fn wait_requests(server: &SimServer, base: u64, n: u64, child: &mut tokio::process::Child) {
    let deadline = std::time::Instant::now() + util::BIN_LIMIT;
    while server.stats().requests_total < base + n {
        assert!(std::time::Instant::now() < deadline, "the sync never got to {n} requests");
        assert!(child.try_wait().unwrap().is_none(), "the sync ended before its {n}th request");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Removes one user from the org (from every list that names it) and returns its id.
async fn remove_a_user(server: &SimServer) -> String {
    let org = server.org();
    let mut org = org.write().await;
    // A user who holds no admin role: removing a role's only holder would rightly soft-delete the role too.
    let admins: Vec<String> = org.roles.iter().map(|r| r.assignee.clone()).collect();
    let id = org.users.values().find(|u| u.status == "ACTIVE" && !admins.contains(&u.id)).unwrap().id.clone();
    org.remove_user(&id);
    id
}

/// Soft-deleted users of the account.
async fn deleted_users(g: &Graph, key: &str) -> Vec<String> {
    util::strings(g, "MATCH (u:okta_user {_accountKey: $a}) WHERE u._deleted RETURN u._key AS v", &[("a", key)]).await
}

async fn stop_with(signal: &str) {
    let g = util::graph().await;
    let server = util::sim_faulty(40, Faults::default()).await;
    let key = util::account_key(&server);
    let job = util::sim_job(&server, &server.super_admin_token());
    assert_eq!(util::sync(&g, &job).await.status, RunStatus::Success);
    let calls = server.stats().requests_total;
    let before = util::shared_snapshot(&g, &key).await;
    // A user leaves Okta: a sweep would soft-delete it, so its survival shows that no sweep ran.
    let gone = remove_a_user(&server).await;

    server.set_faults(slow());
    let base = server.stats().requests_total;
    let mut child = spawn_sync(&server);
    let pid = child.id().unwrap().to_string();
    wait_requests(&server, base, calls / 2, &mut child).await;
    let status = std::process::Command::new("kill").args([&format!("-{signal}"), &pid]).status().unwrap();
    assert!(status.success());
    let out = tokio::time::timeout(util::BIN_LIMIT, child.wait_with_output()).await.expect("stops in time").unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{signal}: an interrupted sync exits 1 (not complete): {stderr}");
    assert!(server.stats().requests_total < base + calls, "{signal}: the sync stopped early");
    assert_eq!(util::last_run_status(&g, &key).await.as_deref(), Some("interrupted"), "{signal}: {stderr}");
    let ended = util::count(
        &g,
        "MATCH (r:SyncRun {accountKey: $a, status: 'interrupted'}) WHERE r.endedOn IS NOT NULL RETURN count(r) AS n",
        &[("a", &key)],
    )
    .await;
    assert_eq!(ended, 1, "{signal}: the interrupted run is recorded with its end time");
    assert!(deleted_users(&g, &key).await.is_empty(), "{signal}: no sweep ran");
    assert_eq!(util::deleted_count(&g, &key).await, 0, "{signal}: nothing was soft-deleted");
    assert!(!stderr.contains("panicked"));
    // Nothing was lost: every line of the graph before is still there, or is the same object updated.
    let after = util::shared_snapshot(&g, &key).await;
    assert_eq!(before.len(), after.len(), "{signal}: the interrupted sync neither lost nor added objects");

    // The next sync converges: the user that left is now soft-deleted, and nothing else.
    server.set_faults(Faults::default());
    let next = util::sync(&g, &job).await;
    assert_eq!(next.status, RunStatus::Success);
    assert_eq!(deleted_users(&g, &key).await, vec![gone]);
    oracle::assert_graph_matches(&g, &server).await;
    util::cleanup(&g, &key).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_batch_records_interrupted_and_sweeps_nothing() {
    stop_with("TERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_finishes_the_batch_records_interrupted_and_sweeps_nothing() {
    stop_with("INT").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_several_points_then_the_next_sync_converges() {
    let g = util::graph().await;
    let server = util::sim_faulty(40, Faults::default()).await;
    let key = util::account_key(&server);
    let job = util::sim_job(&server, &server.super_admin_token());
    assert_eq!(bounded("first sync", util::sync(&g, &job)).await.status, RunStatus::Success);
    let calls = server.stats().requests_total;

    // Okta changes: one user leaves, and one user's department changes.
    let gone = bounded("remove a user", remove_a_user(&server)).await;
    let changed = bounded("change a user", async {
        let org = server.org();
        let mut org = org.write().await;
        let u = org.users.values_mut().find(|u| u.status == "ACTIVE").unwrap();
        u.profile.department = Some("Reliability Engineering".into());
        u.id.clone()
    })
    .await;

    // Killed at the first requests, a third and two thirds of the way, and near the end. `calls` counts the
    // first sync's requests; the org has since lost a user, so a sync now makes a few fewer, and the last
    // point leaves a tenth of them as margin: each point is reached on every run.
    server.set_faults(slow());
    for at in [3, calls / 3, 2 * calls / 3, calls - calls / 10] {
        let base = server.stats().requests_total;
        let mut child = spawn_sync(&server);
        wait_requests(&server, base, at, &mut child).await;
        child.start_kill().unwrap();
        let status = bounded("killed child exits", child.wait()).await.unwrap();
        assert_eq!(status.code(), None, "killed by a signal at {at}");
        // A killed run stays visible as `running`; no object that exists in Okta is soft-deleted.
        assert_eq!(bounded("last run status", util::last_run_status(&g, &key)).await.as_deref(), Some("running"));
        let deleted = bounded("deleted users", deleted_users(&g, &key)).await;
        assert!(deleted.iter().all(|d| d == &gone), "killed at {at}: users that exist in Okta are soft-deleted: {deleted:?}");
    }

    server.set_faults(Faults::default());
    let next = bounded("sync after the kills", util::sync(&g, &job)).await;
    assert_eq!(next.status, RunStatus::Success, "{:?}", next.warnings);
    assert_eq!(bounded("deleted users", deleted_users(&g, &key)).await, vec![gone.clone()], "exactly the user that left is soft-deleted");
    let dept = util::strings(&g, "MATCH (u:okta_user {_key: $k}) RETURN u.department AS v", &[("k", &changed)]).await;
    assert_eq!(dept, vec!["Reliability Engineering".to_string()]);
    // Converged: exactly the graph the org implies, and nothing else but the departed user's objects deleted.
    oracle::assert_graph_matches(&g, &server).await;
    let mut stray = 0;
    for kind in
        oktagraph::model::kinds::NODE_KINDS.iter().filter(|k| k.account_scoped && !["okta_user", "mfa_device"].contains(&k.type_name))
    {
        let q = format!("MATCH (n:{} {{_accountKey: $a}}) WHERE n._deleted RETURN count(n) AS n", kind.type_name);
        stray += util::count(&g, &q, &[("a", &key)]).await;
    }
    assert_eq!(stray, 0, "only the departed user (and its factors) are soft-deleted");
    util::cleanup(&g, &key).await;
}

/// Awaits `f`, failing the test with `what` if it takes more than two minutes (a hang is a failure with a
/// name, not a CI run that stops answering).
async fn bounded<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    match tokio::time::timeout(Duration::from_secs(120), f).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: still waiting after 120 s"),
    }
}
