//! The incremental scenario's tables.

use super::figures::{IncrementalResult, Step, INCREMENTAL_TARGET, NO_CHANGE_TARGET};
use crate::child::mode_line;
use crate::table;
use std::collections::BTreeMap;

fn seconds(s: f64) -> String {
    format!("{s:.1} s")
}

/// `12.3 s (the child process: 13.0 s)`.
fn wall(s: &Step) -> String {
    format!("{:.1} s (child process: {:.1} s)", s.report.sync_seconds, s.wall)
}

/// How long a sync's calls last at best in Okta's own time, at the sync's share of each bucket.
fn okta_bound(s: &Step) -> String {
    format!("{:.1} s ({} bucket)", s.okta_bound.seconds, s.okta_bound.bucket)
}

fn counts(s: &Step) -> String {
    let c = s.counts();
    format!("{} / {} / {} / {} / {}", c.created, c.updated, c.deleted, c.undeleted, c.unchanged)
}

/// `user.create 5, user.update 6, …`, six to a line so the table stays readable.
fn by_kind(kinds: &BTreeMap<String, usize>) -> String {
    let items: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    items.chunks(6).map(|line| line.join(", ")).collect::<Vec<_>>().join("\n")
}

pub(crate) fn scenario(r: &IncrementalResult) {
    println!(
        "\n== scenario incremental: {} users, {} groups, {} apps; time scale {} (a 60 s window lasts {:.2} s); rate_limit_share {} ==",
        r.users,
        r.groups,
        r.apps,
        r.time_scale,
        60.0 / r.time_scale,
        r.rate_limit_share
    );
    let steps = [("full", &r.full), ("incremental", &r.incremental), ("no-change", &r.no_change), ("--full after", &r.full_after)];
    let mut header = vec!["bucket: calls (client)"];
    header.extend(steps.iter().map(|(n, _)| *n));
    let mut t = table(&header);
    for bucket in r.full.report.buckets.keys() {
        let calls: Vec<u64> = steps.iter().map(|(_, s)| s.report.buckets.get(bucket).map(|b| b.requests).unwrap_or(0)).collect();
        if calls.iter().all(|&c| c == 0) {
            continue;
        }
        let mut row = vec![bucket.clone()];
        row.extend(calls.iter().map(u64::to_string));
        t.add_row(row);
    }
    let mut row = vec!["total".to_string()];
    row.extend(steps.iter().map(|(_, s)| s.calls().to_string()));
    t.add_row(row);
    let mut row = vec!["received by the simulator".to_string()];
    row.extend(steps.iter().map(|(_, s)| s.sim_requests.to_string()));
    t.add_row(row);
    let mut row = vec!["429s received".to_string()];
    row.extend(steps.iter().map(|(_, s)| s.report.buckets.values().map(|b| b.rate_limited).sum::<u64>().to_string()));
    t.add_row(row);
    println!("{t}");

    let mut t = table(&["figure", "value"]);
    let f = &r.full;
    t.add_row(vec!["full sync: status, mode (reason)".to_string(), format!("{}, {}", f.report.status, mode_line(&f.report))]);
    t.add_row(vec!["full sync: calls".to_string(), f.calls().to_string()]);
    t.add_row(vec!["full sync: wall time".to_string(), wall(f)]);
    t.add_row(vec!["full sync: rate-limit bound in Okta's time".to_string(), okta_bound(f)]);
    let c = &r.churn;
    t.add_row(vec![
        format!("churn ({}% of users, seed {})", 100.0 * c.fraction, c.seed),
        format!("{} changes, {} System Log events, {} late", c.changes, c.events, c.late),
    ]);
    t.add_row(vec!["  changes by kind".to_string(), by_kind(&c.by_kind)]);
    let i = &r.incremental;
    t.add_row(vec!["incremental: status, mode (reason)".to_string(), format!("{}, {}", i.report.status, mode_line(&i.report))]);
    t.add_row(vec!["incremental: calls".to_string(), i.calls().to_string()]);
    t.add_row(vec![format!("incremental ÷ full calls (target ≤ {INCREMENTAL_TARGET})"), format!("{:.4}", r.incremental_ratio())]);
    t.add_row(vec!["incremental: calls per churn change".to_string(), format!("{:.2}", r.calls_per_change())]);
    t.add_row(vec!["incremental: wall time".to_string(), wall(i)]);
    t.add_row(vec!["incremental: rate-limit bound in Okta's time (shortest polling interval)".to_string(), okta_bound(i)]);
    t.add_row(vec!["incremental: created / updated / deleted / undeleted / unchanged".to_string(), counts(i)]);
    let n = &r.no_change;
    t.add_row(vec!["no-change re-sync: status, mode (reason)".to_string(), format!("{}, {}", n.report.status, mode_line(&n.report))]);
    t.add_row(vec!["no-change re-sync: calls".to_string(), n.calls().to_string()]);
    t.add_row(vec![format!("no-change ÷ full calls (target ≤ {NO_CHANGE_TARGET})"), format!("{:.4}", r.no_change_ratio())]);
    t.add_row(vec!["no-change re-sync: wall time".to_string(), wall(n)]);
    t.add_row(vec!["no-change re-sync: rate-limit bound in Okta's time".to_string(), okta_bound(n)]);
    t.add_row(vec!["no-change re-sync: created / updated / deleted / undeleted / unchanged".to_string(), counts(n)]);
    let a = &r.full_after;
    t.add_row(vec!["--full afterwards: status, mode (reason)".to_string(), format!("{}, {}", a.report.status, mode_line(&a.report))]);
    t.add_row(vec!["--full afterwards: calls, wall time".to_string(), format!("{}, {}", a.calls(), seconds(a.report.sync_seconds))]);
    t.add_row(vec!["--full afterwards: created / updated / deleted / undeleted / unchanged".to_string(), counts(a)]);
    let (nd, rd) = (&r.full_after_nodes, &r.full_after_rels);
    t.add_row(vec![
        "--full afterwards: database check (excl. _lastSeenOn)".to_string(),
        format!(
            "of {} nodes / {} rels: changed {} / {}, created {} / {}, deleted {} / {}",
            nd.total_before, rd.total_before, nd.changed, rd.changed, nd.created, rd.created, nd.removed, rd.removed
        ),
    ]);
    t.add_row(vec!["--full afterwards: changes (must be 0)".to_string(), r.full_after_differences().to_string()]);
    for (name, s) in [("full", f), ("incremental", i), ("no-change", n), ("--full after", a)] {
        if !s.report.warnings.is_empty() {
            t.add_row(vec![format!("{name}: warnings"), s.report.warnings.join("; ")]);
        }
    }
    println!("{t}");
}
