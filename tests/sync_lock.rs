//! Issue 10.1: one sync per account at a time. Two syncs of one account at once never soft-delete what
//! exists in Okta; the second process exits 5 with one line (or waits with `--wait`); a lock left by a
//! SIGKILLed process is taken over once it expires; other accounts are never blocked; and the sweep is safe
//! on its own when runs overlap anyway.

use crate::util;
use chrono::{Duration as ChronoDuration, Utc};
use okta_sim::Faults;
use oktagraph::graph::lock::{self, Acquired};
use oktagraph::graph::sweep::{sweep, SweepPlan};
use oktagraph::graph::{runs, Graph};
use oktagraph::model::kinds;
use oktagraph::sync::{self, RunStatus, SyncError};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncBufReadExt;

/// Bounds every wait in this file: a hang becomes a named failure.
async fn bounded<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(120), f).await.unwrap_or_else(|_| panic!("timed out: {what}"))
}

/// The sum of created/updated/deleted/undeleted over every type: zero when a sync changed nothing.
fn changes(s: &sync::SyncSummary) -> u64 {
    s.counts.values().map(|c| c.created + c.updated + c.deleted + c.undeleted).sum()
}

#[tokio::test]
async fn concurrent_syncs_of_one_account_never_soft_delete_live_data() {
    let g = util::graph().await;
    let server = util::sim(150).await;
    let key = util::account_key(&server);
    let job = util::sim_job(&server, &server.super_admin_token());
    assert_eq!(util::sync(&g, &job).await.status, RunStatus::Success);
    let clean = util::shared_snapshot(&g, &key).await;

    let mut refused = 0;
    for round in 0..4 {
        let (a, b) = bounded("two syncs at once", async {
            let (_tx, rx) = tokio::sync::watch::channel(false);
            tokio::join!(
                sync::sync_account(&g, &job, rx.clone(), Arc::new(oktagraph::collect::Silent)),
                sync::sync_account(&g, &job, rx.clone(), Arc::new(oktagraph::collect::Silent)),
            )
        })
        .await;
        let mut ran = 0;
        for r in [a, b] {
            match r {
                Ok(s) => {
                    assert_eq!(s.status, RunStatus::Success, "round {round}: {:?}", s.warnings);
                    assert_eq!(changes(&s), 0, "round {round}: a sync of an unchanged org changed the graph: {:?}", s.counts);
                    ran += 1;
                }
                Err(SyncError::Busy(holder)) => {
                    assert!(!holder.owner.is_empty());
                    refused += 1;
                }
                Err(e) => panic!("round {round}: {e}"),
            }
        }
        assert!(ran >= 1, "round {round}: one of the two syncs runs");
        assert_eq!(util::deleted_count(&g, &key).await, 0, "round {round}: nothing that exists in Okta is soft-deleted");
        util::assert_same_graph(&util::shared_snapshot(&g, &key).await, &clean, &format!("round {round} vs a clean sync"));
    }
    assert!(refused > 0, "two syncs started together overlap at least once in four rounds, and the second is refused");
    // A further sync has nothing to change: the graph is exactly what a single clean sync leaves.
    let s = util::sync(&g, &job).await;
    assert_eq!((s.status, changes(&s)), (RunStatus::Success, 0), "{:?}", s.counts);
    util::cleanup(&g, &key).await;
}

/// Holds an account's lock as another process would, under a run id no sync uses.
async fn hold(g: &Graph, account_key: &str, ttl: Duration) -> lock::HeldLock {
    match lock::acquire(g, account_key, &format!("test-holder-{}", uuid::Uuid::new_v4()), ttl).await.expect("acquire") {
        Acquired::Held(h) => h,
        Acquired::Busy(h) => panic!("lock unexpectedly busy: {h}"),
    }
}

#[tokio::test]
async fn a_second_process_exits_5_with_one_line_and_writes_nothing_or_waits_with_wait() {
    let g = util::graph().await;
    let server = util::sim(30).await;
    let key = util::account_key(&server);
    let env = util::sim_env(&server, &server.super_admin_token());
    let held = hold(&g, &key, Duration::from_secs(600)).await;

    let (code, _out, err) = util::run_bin(&["sync", "--once", "--no-alerts"], &util::pairs(&env)).await;
    assert_eq!(code, 5, "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line: {err}");
    assert!(lines[0].contains("another sync of this account is running") && lines[0].contains(&held.owner), "{err}");
    let runs = util::count(&g, "MATCH (r:SyncRun {accountKey: $a}) RETURN count(r) AS n", &[("a", &key)]).await;
    assert_eq!(runs, 0, "a refused sync records no run and writes nothing");

    // `--wait` waits for the holder to finish, then syncs.
    let mut waiting = tokio::process::Command::new(util::bin())
        .args(["sync", "--once", "--no-alerts", "--wait"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().cloned())
        .current_dir(std::env::temp_dir())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("oktagraph starts");
    let mut stderr = tokio::io::BufReader::new(waiting.stderr.take().unwrap()).lines();
    let said = bounded("the waiting sync says it waits", async {
        loop {
            match stderr.next_line().await.unwrap() {
                Some(l) if l.contains("waiting for another sync to end") => return l,
                Some(_) => continue,
                None => panic!("the --wait sync ended without waiting"),
            }
        }
    })
    .await;
    assert!(said.contains(&held.owner), "{said}");
    assert!(waiting.try_wait().unwrap().is_none(), "a --wait sync does not give up while the lock is held");
    lock::release(&g, &held).await.unwrap();
    let status = bounded("the waiting sync finishes", waiting.wait()).await.unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(util::last_run_status(&g, &key).await.as_deref(), Some("success"));
    util::cleanup(&g, &key).await;
}

#[tokio::test]
async fn a_lock_left_by_a_sigkilled_process_is_taken_over() {
    let g = util::graph().await;
    // Every answer a little slow, so the sync is still running when it is killed.
    let server = util::sim_faulty(60, Faults { slow_rate: 1.0, slow_delay: Duration::from_millis(25), seed: 7, ..Faults::default() }).await;
    let key = util::account_key(&server);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("oktagraph.toml");
    std::fs::write(
        &config,
        format!(
            "[sync]\nlock_ttl = \"5s\"\nalerts_stdout = false\n\n[[account]]\nname = \"killed\"\norg_url = \"{}\"\ntoken_env = \"OKTA_API_TOKEN\"\n",
            server.base_url()
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap().to_string();
    let env = util::sim_env(&server, &server.super_admin_token());

    let mut child = tokio::process::Command::new(util::bin())
        .args(["--config", &config, "sync", "--once", "--no-alerts"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().cloned())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("oktagraph starts");
    bounded("the first sync takes the lock", async {
        while util::count(&g, "MATCH (r:SyncRun {accountKey: $a, status: 'running'}) RETURN count(r) AS n", &[("a", &key)]).await == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    child.start_kill().unwrap();
    child.wait().await.unwrap();

    server.set_faults(Faults::default());
    let took_over = || async {
        util::count(
            &g,
            "MATCH (r:SyncRun {accountKey: $a, status: 'success'}) WHERE any(w IN r.warnings WHERE w STARTS WITH 'took over the sync lock') RETURN count(r) AS n",
            &[("a", &key)],
        )
        .await
    };
    // Killed on this machine: its process is gone, so the next sync takes the lock over at once.
    let (code, _, err) = util::run_bin(&["--config", &config, "sync", "--once", "--no-alerts"], &util::pairs(&env)).await;
    assert_eq!(code, 0, "the lock of a process that no longer exists is taken over: {err}");
    assert_eq!(took_over().await, 1, "the run says it took over a stale lock");
    assert_eq!(util::deleted_count(&g, &key).await, 0, "nothing that exists in Okta is soft-deleted");

    // Killed on another machine (its process cannot be checked from here): the lock counts until it expires,
    // then it is taken over; `--wait` keeps asking until then.
    util::count(
        &g,
        "MATCH (l:SyncLock {_key: $k}) SET l.owner = 'run-on-another-host', l.host = 'another-host.invalid', l.pid = 1,
           l.acquiredOn = datetime(), l.heartbeatOn = datetime(), l.expiresOn = datetime() + duration({seconds: 5}) RETURN count(l) AS n",
        &[("k", &format!("sync_lock:{key}"))],
    )
    .await;
    let (code, _, err) = util::run_bin(&["--config", &config, "sync", "--once", "--no-alerts"], &util::pairs(&env)).await;
    assert_eq!(code, 5, "a lock held elsewhere counts until it expires: {err}");
    assert!(err.contains("run-on-another-host"), "{err}");
    let (code, _, err) = util::run_bin(&["--config", &config, "sync", "--once", "--no-alerts", "--wait"], &util::pairs(&env)).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(took_over().await, 2, "the run says it took over the expired lock");
    assert_eq!(util::deleted_count(&g, &key).await, 0, "nothing that exists in Okta is soft-deleted");
    let mut job = util::sim_job(&server, &server.super_admin_token());
    job.name = Some("killed".into());
    let s = util::sync(&g, &job).await;
    assert_eq!((s.status, changes(&s)), (RunStatus::Success, 0), "the graph converged: {:?}", s.counts);
    util::cleanup(&g, &key).await;
}

#[tokio::test]
async fn syncs_of_two_accounts_run_side_by_side() {
    let g = util::graph().await;
    let (one, two) = (util::sim(60).await, util::sim(60).await);
    let (k1, k2) = (util::account_key(&one), util::account_key(&two));
    // Account one is busy (another process holds its lock): account two syncs regardless.
    let held = hold(&g, &k1, Duration::from_secs(600)).await;
    let s = util::sync(&g, &util::sim_job(&two, &two.super_admin_token())).await;
    assert_eq!(s.status, RunStatus::Success);
    lock::release(&g, &held).await.unwrap();
    // Both at once: both run.
    let (j1, j2) = (util::sim_job(&one, &one.super_admin_token()), util::sim_job(&two, &two.super_admin_token()));
    let (a, b) = bounded("two accounts at once", async { tokio::join!(util::sync(&g, &j1), util::sync(&g, &j2)) }).await;
    assert_eq!((a.status, b.status), (RunStatus::Success, RunStatus::Success));
    for k in [k1, k2] {
        util::cleanup(&g, &k).await;
    }
}

// ---- The sweep on its own, with two runs overlapping (no lock involved) --------------------------------

async fn live_users(g: &Graph, account: &str) -> Vec<String> {
    util::strings(g, "MATCH (u:okta_user {_accountKey: $a}) WHERE NOT u:Deleted RETURN u.login AS v", &[("a", account)]).await
}

#[tokio::test]
async fn overlapping_runs_never_sweep_what_the_other_has_seen() {
    let g = util::graph().await;
    let ctx = util::unique_context("overlap");
    let acct = ctx.account_key.clone();
    let id = |s: &str| format!("{}-{s}", &acct[13..25]);
    let (old, both, only_a) = (id("old"), id("both"), id("only-a"));
    let t0 = Utc::now().fixed_offset() - ChronoDuration::minutes(10);
    util::write(&g, util::users(&ctx, &[&old, &both, &only_a], "eng"), t0).await;

    // Run A starts first and is still in flight; run B starts later, writes `both`, then A writes `both` and
    // `only_a` (an older view of Okta landing after the newer one).
    let (ta, tb) = (t0 + ChronoDuration::minutes(1), t0 + ChronoDuration::minutes(2));
    let run_a = runs::start(&g, &uuid::Uuid::new_v4().to_string(), &acct, "overlap", ta).await.unwrap();
    let run_b = runs::start(&g, &uuid::Uuid::new_v4().to_string(), &acct, "overlap", tb).await.unwrap();
    util::write(&g, util::users(&ctx, &[&both], "eng"), tb).await;
    util::write(&g, util::users(&ctx, &[&both, &only_a], "eng"), ta).await;

    // B sweeps: A is alive, so nothing A has stamped counts as unseen; only `old` (seen by neither) goes.
    let ttl = Duration::from_secs(120);
    let earliest = lock::earliest_live_run(&g, &acct, &run_b.key, ttl).await.unwrap();
    assert_eq!(earliest, Some(ta), "run A is in flight");
    let plan = |seen_since| SweepPlan {
        account_key: &ctx.account_key,
        seen_since,
        now: tb,
        window_start: tb - ChronoDuration::days(90),
        nodes: vec![&kinds::USER],
        edges: vec![&kinds::ACCOUNT_HAS_USER],
    };
    sweep(&g, &plan(earliest.unwrap().min(tb))).await.unwrap();
    let mut want = vec![format!("{both}@example.com"), format!("{only_a}@example.com")];
    want.sort();
    assert_eq!(live_users(&g, &acct).await, want, "B's sweep keeps what in-flight A saw");

    // Once A has ended, B's own start is the cutoff: `both` keeps B's later stamp although A wrote it
    // afterwards (_lastSeenOn never moves back), while `only_a`, which B did not see, goes.
    runs::finish(&g, &run_a, &runs::RunOutcome { status: "success".into(), ..Default::default() }).await.unwrap();
    assert_eq!(lock::earliest_live_run(&g, &acct, &run_b.key, ttl).await.unwrap(), None, "no other run in flight");
    sweep(&g, &plan(tb)).await.unwrap();
    assert_eq!(live_users(&g, &acct).await, vec![format!("{both}@example.com")]);
    util::cleanup(&g, &acct).await;
}

#[tokio::test]
async fn two_syncs_of_one_process_asking_at_once_never_both_hold_the_lock() {
    let g = util::graph().await;
    let ctx = util::unique_context("lock-race");
    let ttl = Duration::from_secs(60);
    for round in 0..40 {
        let (a, b) = (format!("a-{round}-{}", uuid::Uuid::new_v4()), format!("b-{round}-{}", uuid::Uuid::new_v4()));
        let (ra, rb) = tokio::join!(lock::acquire(&g, &ctx.account_key, &a, ttl), lock::acquire(&g, &ctx.account_key, &b, ttl));
        let held: Vec<lock::HeldLock> = [ra.unwrap(), rb.unwrap()]
            .into_iter()
            .filter_map(|r| match r {
                Acquired::Held(h) => Some(h),
                Acquired::Busy(_) => None,
            })
            .collect();
        assert_eq!(held.len(), 1, "round {round}: exactly one of two live syncs holds the lock");
        assert_eq!(held[0].took_over_from, None, "round {round}: a live holder is never taken over");
        lock::release(&g, &held[0]).await.unwrap();
    }
    util::cleanup(&g, &ctx.account_key).await;
}
