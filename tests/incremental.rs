//! Issue 12: incremental syncs. After any sequence of Okta changes, an incremental sync leaves exactly the
//! graph a full sync would: checked in place by running `sync --full` after it and seeing it change nothing.

use crate::util::{self, account_key, cleanup};
use okta_sim::SimServer;
use oktagraph::graph::WriteCounts;
use oktagraph::sync::mode::{SyncMode, DEFAULT_FULL_SYNC_INTERVAL};
use oktagraph::sync::{AccountJob, RunStatus, SyncSummary};

/// A job that syncs incrementally when it can (the library default; the shared test job is always full).
fn incremental_job(server: &SimServer, name: &str) -> AccountJob {
    let mut j = util::job(server, &server.super_admin_token(), name);
    j.full_sync_interval = DEFAULT_FULL_SYNC_INTERVAL;
    j
}

/// Objects created, updated, deleted or undeleted by a sync (unchanged ones excluded).
fn changes(counts: &WriteCounts) -> Vec<String> {
    counts
        .iter()
        .filter(|(_, c)| c.created + c.updated + c.deleted + c.undeleted > 0)
        .map(|(t, c)| format!("{t}: +{} ~{} -{} ^{}", c.created, c.updated, c.deleted, c.undeleted))
        .collect()
}

/// Runs `sync --full` on the graph an incremental sync left and checks it finds nothing to change.
async fn full_sync_changes_nothing(g: &oktagraph::graph::Graph, job: &AccountJob, what: &str) -> SyncSummary {
    let before = util::snapshot(g, &job_key(job)).await;
    let mut full = job.clone();
    full.force_full = true;
    let s = util::sync(g, &full).await;
    assert_eq!((s.status, s.mode), (RunStatus::Success, SyncMode::Full), "{what}: {:?}", s.warnings);
    assert_eq!(changes(&s.counts), Vec::<String>::new(), "{what}: the full sync after the incremental one changed the graph");
    util::assert_same_graph(&before, &util::snapshot(g, &job_key(job)).await, what);
    s
}

fn job_key(job: &AccountJob) -> String {
    format!("okta_account:{}", job.org_url.trim_start_matches("http://"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resync_without_changes_is_incremental_costs_a_few_calls_and_changes_nothing() {
    let g = util::graph().await;
    let server = util::sim(150).await;
    let acct = account_key(&server);
    let job = incremental_job(&server, "incr-nochange");

    let first = util::sync(&g, &job).await;
    assert_eq!((first.status, first.mode), (RunStatus::Success, SyncMode::Full), "{:?}", first.warnings);
    assert_eq!(first.mode_reason, "first sync of this account");
    let full_calls = first.api.total().requests;

    let second = util::sync(&g, &job).await;
    assert_eq!((second.status, second.mode), (RunStatus::Success, SyncMode::Incremental), "{}: {:?}", second.mode_reason, second.warnings);
    assert!(second.mode_reason.starts_with("changes since the run of "), "{}", second.mode_reason);
    assert_eq!(changes(&second.counts), Vec::<String>::new());
    let calls = second.api.total().requests;
    // The preflight, org settings and support (2), the change feed (1), users and groups filters (2),
    // applications (1), rules (1), authenticators (1) and devices (1): nothing per object; role_targets, read in
    // full (the assignees list, each admin role holder's roles and each scoped assignment's targets); and the
    // policies step, read in full: one list per policy type (5) and one rules list per policy; and the seven
    // configuration lists (identity providers to event hooks, one call each).
    let policies = server.org().read().await.policies.len() as u64;
    let role_targets_calls = {
        let org_lock = server.org();
        let org = org_lock.read().await;
        let holders: std::collections::BTreeSet<&str> = org.roles.iter().map(|r| r.assignee.as_str()).collect();
        let targeted = org
            .roles
            .iter()
            .filter(|r| ["USER_ADMIN", "HELP_DESK_ADMIN", "GROUP_MEMBERSHIP_ADMIN", "APP_ADMIN"].contains(&r.role_type.as_str()))
            .count();
        let sets: std::collections::BTreeSet<&String> = org.roles.iter().filter_map(|r| r.resource_set.as_ref()).collect();
        let catalog: std::collections::BTreeSet<&String> =
            org.role_targets.values().flat_map(|t| t.apps.iter()).filter(|a| a.id.is_none()).map(|a| &a.name).collect();
        (1 + holders.len() + targeted + sets.len() + catalog.len()) as u64
    };
    assert!(
        calls <= 12 + role_targets_calls + 5 + policies + 7,
        "an incremental sync with nothing changed made {calls} calls (full: {full_calls})"
    );
    full_sync_changes_nothing(&g, &job, "no change").await;
    cleanup(&g, &acct).await;
}

/// The hard cases the churn must have dealt at least once over the rounds, by churn kind.
const HARD_CASES: &[&str] =
    &["user.recreate", "group.member.flap", "rule.create", "factor.reset", "role.group.grant", "user.delete", "app.delete"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_any_churn_an_incremental_sync_leaves_the_graph_a_full_sync_would() {
    let g = util::graph().await;
    let server = util::sim(200).await;
    let acct = account_key(&server);
    let job = incremental_job(&server, "incr-property");
    let first = util::sync(&g, &job).await;
    assert_eq!((first.status, first.mode), (RunStatus::Success, SyncMode::Full), "{:?}", first.warnings);
    let full_calls = first.api.total().requests;

    let mut dealt = std::collections::BTreeMap::<String, usize>::new();
    let mut late = 0;
    for round in 0..8u64 {
        // Two churns between syncs: changes that come and go between two syncs are part of the test.
        for seed in [round * 2 + 1, round * 2 + 2] {
            let r = server.churn(0.05, seed).await;
            late += r.late;
            for (k, n) in r.by_kind {
                *dealt.entry(k).or_default() += n;
            }
        }
        let s = util::sync(&g, &job).await;
        let what = format!("round {round}");
        assert_eq!((s.status, s.mode), (RunStatus::Success, SyncMode::Incremental), "{what}: {} {:?}", s.mode_reason, s.warnings);
        assert!(!changes(&s.counts).is_empty(), "{what}: the churn changed nothing in the graph");
        eprintln!("{what}: {} calls: {:?}", s.api.total().requests, changes(&s.counts));
        let calls = s.api.total().requests;
        assert!(calls < full_calls, "{what}: the incremental sync made {calls} calls, a full one {full_calls}");
        full_sync_changes_nothing(&g, &job, &what).await;
    }
    for case in HARD_CASES {
        assert!(dealt.get(*case).is_some_and(|n| *n > 0), "the churn never dealt {case}: {dealt:?}");
    }
    assert!(late > 0, "no late change was dealt");
    cleanup(&g, &acct).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrustworthy_feed_falls_back_to_a_full_sync_and_says_why() {
    let g = util::graph().await;
    let server = util::sim(60).await;
    let acct = account_key(&server);
    let job = incremental_job(&server, "incr-fallback");
    assert_eq!(util::sync(&g, &job).await.mode, SyncMode::Full);

    // The System Log cannot be read: the run is full (and partial, since its CREATED edges need the log too).
    server.set_faults(okta_sim::Faults { fail_paths: vec!["/api/v1/logs".into()], ..Default::default() });
    let s = util::sync(&g, &job).await;
    assert_eq!(s.mode, SyncMode::Full);
    assert!(s.mode_reason.starts_with("the System Log change feed cannot be used: the System Log could not be read"), "{}", s.mode_reason);
    server.set_faults(okta_sim::Faults::default());
    let s = util::sync(&g, &job).await;
    assert_eq!((s.mode, s.mode_reason.as_str()), (SyncMode::Full, "the last run ended partial"));
    assert_eq!(util::sync(&g, &job).await.mode, SyncMode::Incremental);

    // An event type the feed does not know, in a family that changes the graph (a synthetic one: what
    // matters is that nothing unknown is silently ignored).
    server.churn(0.05, 7).await;
    {
        let org = server.org();
        let mut org = org.write().await;
        let mut e = org.logs.last().unwrap().clone();
        e["eventType"] = serde_json::json!("group.lifecycle.merge");
        e["uuid"] = serde_json::json!("unknown-event-type-0001");
        org.logs.push(e);
    }
    let s = util::sync(&g, &job).await;
    assert_eq!(s.mode, SyncMode::Full);
    assert_eq!(s.mode_reason, "the System Log change feed cannot be used: unknown System Log event type group.lifecycle.merge");
    let next = util::sync(&g, &job).await;
    assert_eq!(next.mode, SyncMode::Incremental, "{}", next.mode_reason);
    full_sync_changes_nothing(&g, &job, "after the fallback").await;

    // The binary says which mode ran and why, on the summary and the run record.
    let env = util::sim_env(&server, &server.super_admin_token());
    let (code, out, err) = util::run_bin(&["sync", "--once", "--no-alerts"], &util::pairs(&env)).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(" incremental sync success: "), "{out}");
    assert!(out.contains("incremental sync: changes since the run of "), "{out}");
    let (code, out, err) = util::run_bin(&["sync", "--once", "--no-alerts", "--full"], &util::pairs(&env)).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(" full sync success: ") && out.contains("full sync: --full was given"), "{out}");
    let q = "MATCH (r:SyncRun {accountKey: $a}) WITH r ORDER BY r.startedOn DESC LIMIT 1 RETURN r.mode + ' ' + r.modeReason AS v";
    assert_eq!(util::strings(&g, q, &[("a", &acct)]).await, vec!["full --full was given".to_string()]);
    cleanup(&g, &acct).await;
}
