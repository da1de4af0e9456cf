//! `bench --scenario incremental` (issue #12): a simulated org, a full sync, 1% churn the way Okta changes
//! (`lastUpdated` stamps and System Log events), an incremental sync, a no-change incremental re-sync, and
//! a `--full` sync that must change nothing. Each sync runs in a child process as in the other scenarios.

mod figures;
mod print;

use crate::bound::Limits;
use crate::child::{self, Want};
use crate::{cleanup, db, fresh_seed, now};
pub(crate) use figures::IncrementalResult;
use figures::{Churn, Step};
use okta_sim::{Org, OrgSpec, SimOptions, SimServer};
use oktagraph::cli::BenchArgs;
use oktagraph::graph::Graph;
use std::time::Duration;

/// The churn between the full and the incremental sync: 1% of the users' count in changes.
const CHURN_FRACTION: f64 = 0.01;

/// One child sync against `server`, with the simulator's request count and the bound in Okta's time.
async fn step(server: &SimServer, limits: &Limits, want: Want, args: &BenchArgs) -> anyhow::Result<Step> {
    let before = server.stats().requests_total;
    let (report, wall) = child::sync_in_child(&server.base_url(), &server.super_admin_token(), want, args).await?;
    let sim_requests = server.stats().requests_total - before;
    let okta_bound = limits.bound(&report.buckets, args.rate_limit_share, 60.0);
    eprintln!(
        "bench: incremental: {} sync: {} ({}), {} calls, {:.1} s",
        report.mode,
        report.status,
        report.mode_reason,
        report.buckets.values().map(|b| b.requests).sum::<u64>(),
        report.sync_seconds
    );
    Ok(Step { report, wall, sim_requests, okta_bound })
}

/// Runs the scenario, prints its tables and deletes the account's data (unless `--keep-data`).
pub(crate) async fn scenario(graph: &Graph, users: usize, time_scale: f64, args: &BenchArgs) -> anyhow::Result<IncrementalResult> {
    let since = now();
    let seed = fresh_seed();
    let org = Org::generate(&OrgSpec { users, seed }, "http://127.0.0.1:0");
    let mut r = IncrementalResult {
        users: org.users.0.len(),
        groups: org.groups.0.len(),
        apps: org.apps.0.len(),
        time_scale,
        rate_limit_share: args.rate_limit_share,
        ..Default::default()
    };
    let opts = SimOptions { time_scale, ..SimOptions::default() };
    let limits = Limits { limits: opts.limits, token_share: opts.token_share };
    let server = SimServer::start(org, opts).await?;
    let url = server.base_url();
    eprintln!("bench: incremental: {} users, {} groups, {} apps at {url}, time scale {time_scale}; full sync…", r.users, r.groups, r.apps);
    let outcome = async {
        r.full = step(&server, &limits, Want::Chosen, args).await?;
        anyhow::ensure!(r.full.report.status == "success", "the full sync ended {}; nothing to be incremental from", r.full.report.status);
        let c = server.churn(CHURN_FRACTION, seed).await;
        r.churn = Churn { fraction: CHURN_FRACTION, seed, changes: c.changes, events: c.events, late: c.late, by_kind: c.by_kind };
        eprintln!("bench: incremental: churn made {} changes ({} System Log events); incremental sync…", c.changes, c.events);
        r.incremental = step(&server, &limits, Want::Chosen, args).await?;
        eprintln!("bench: incremental: no-change re-sync…");
        r.no_change = step(&server, &limits, Want::Chosen, args).await?;
        eprintln!("bench: incremental: fingerprinting the account, then a --full sync…");
        let key = r.full.report.account_key.clone();
        let (n0, r0) = db::fingerprint(graph, &key).await?;
        r.full_after = step(&server, &limits, Want::Full, args).await?;
        let (n1, r1) = db::fingerprint(graph, &key).await?;
        r.full_after_nodes = db::diff(&n0, &n1);
        r.full_after_rels = db::diff(&r0, &r1);
        anyhow::Ok(())
    }
    .await;
    let _ = tokio::time::timeout(Duration::from_secs(5), server.shutdown()).await;
    let key = match r.full.report.account_key.as_str() {
        "" => format!("okta_account:{}", url.trim_start_matches("http://").trim_end_matches('/')),
        k => k.to_string(),
    };
    if outcome.is_ok() {
        print::scenario(&r);
    }
    if !args.keep_data {
        eprintln!("bench: incremental: deleting the benchmark account {key}…");
        cleanup(graph, &key, since).await;
    }
    outcome.map(|()| r)
}

#[cfg(test)]
mod tests;
