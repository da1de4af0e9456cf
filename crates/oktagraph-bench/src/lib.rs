//! `oktagraph bench`: proves that a sync is bound by Okta's rate limits and not by oktagraph (issue #6).
//!
//! Per sync scenario (`medium` 10,000 users, `large` 100,000 users, or `--users N`): a simulated org with
//! time-scaled real rate limits in this process, the sync in a child process (so its peak RSS is its own),
//! then a second, no-change sync (forced full), then the account's data is deleted again. The `incremental`
//! scenario (issue #12, `incremental/`) measures incremental syncs after churn instead. Separately, the `large` org's
//! records are written into the database three ways (oktagraph's writer and two baselines).
//! `docs/benchmarks.md` explains every figure.

mod bound;
mod child;
mod cypher;
mod db;
mod incremental;
mod writes;

use child::{ChildReport, Want};
use chrono::{DateTime, FixedOffset, Utc};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use okta_sim::{Org, OrgSpec, SimOptions, SimServer, SimStats};
use oktagraph::cli::{BenchArgs, BenchScenario};
use oktagraph::graph::{Graph, Neo4jConfig};
use std::collections::BTreeMap;
use std::time::Duration;

/// The figures of one sync scenario.
#[derive(Debug, Clone)]
pub(crate) struct ScenarioResult {
    pub(crate) name: String,
    pub(crate) users: usize,
    pub(crate) apps: usize,
    pub(crate) groups: usize,
    pub(crate) time_scale: f64,
    /// The sync's `rate_limit_share`, which the bound assumes.
    pub(crate) rate_limit_share: f64,
    pub(crate) first: ChildReport,
    pub(crate) first_wall: f64,
    pub(crate) sim_first: SimStats,
    /// max over buckets of calls ÷ (the sync's share of the per-token limit per window), in seconds.
    pub(crate) bound_seconds: f64,
    pub(crate) bound_bucket: String,
    /// The same with the whole per-token limit (what the simulator would allow a greedy client).
    pub(crate) hard_bound_seconds: f64,
    pub(crate) resync: Option<Resync>,
}

#[derive(Debug, Clone)]
pub(crate) struct Resync {
    pub(crate) report: ChildReport,
    pub(crate) nodes: db::FpDiff,
    pub(crate) rels: db::FpDiff,
    pub(crate) sim: SimStats,
}

impl ScenarioResult {
    pub(crate) fn formula(&self) -> f64 {
        self.users as f64 / 200.0 + 2.0 * self.users as f64 + 1.0 + 2.0 * self.apps as f64
    }
    pub(crate) fn calls(&self) -> u64 {
        self.first.buckets.values().map(|b| b.requests).sum()
    }
    pub(crate) fn rate_limited(&self) -> u64 {
        self.first.buckets.values().map(|b| b.rate_limited).sum()
    }
}

fn now() -> DateTime<FixedOffset> {
    DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).unwrap_or_default().fixed_offset()
}

/// A seed no earlier run used: simulated Okta ids derive from the seed, and two accounts must not share ids.
fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    (nanos as u64) ^ ((std::process::id() as u64) << 32)
}

async fn sync_scenario(graph: &Graph, name: &str, users: usize, time_scale: f64, args: &BenchArgs) -> anyhow::Result<ScenarioResult> {
    let since = now();
    let org = Org::generate(&OrgSpec { users, seed: fresh_seed() }, "http://127.0.0.1:0");
    let (n_users, n_apps, n_groups) = (org.users.0.len(), org.apps.0.len(), org.groups.0.len());
    let opts = SimOptions { time_scale, ..SimOptions::default() };
    let limits = bound::Limits { limits: opts.limits, token_share: opts.token_share };
    let server = SimServer::start(org, opts).await?;
    let url = server.base_url();
    let token = server.super_admin_token();
    eprintln!("bench: {name}: {n_users} users, {n_groups} groups, {n_apps} apps at {url}, time scale {time_scale}; first sync…");
    let outcome = async {
        let (first, first_wall) = child::sync_in_child(&url, &token, Want::Chosen, args).await?;
        let sim_first = server.stats();
        let bound = limits.bound(&first.buckets, args.rate_limit_share, 60.0 / time_scale);
        let mut result = ScenarioResult {
            name: name.to_string(),
            users: n_users,
            apps: n_apps,
            groups: n_groups,
            time_scale,
            rate_limit_share: args.rate_limit_share,
            first,
            first_wall,
            sim_first: sim_first.clone(),
            bound_seconds: bound.seconds,
            bound_bucket: bound.bucket,
            hard_bound_seconds: bound.hard_seconds,
            resync: None,
        };
        if !args.no_resync {
            eprintln!("bench: {name}: fingerprinting the account, then the no-change re-sync…");
            let key = result.first.account_key.clone();
            let (n0, r0) = db::fingerprint(graph, &key).await?;
            // Forced full, so the figure stays a full re-sync at the rate-limit bound (the incremental
            // scenario measures the incremental one).
            let (report, _) = child::sync_in_child(&url, &token, Want::Full, args).await?;
            let sim_all = server.stats();
            let (n1, r1) = db::fingerprint(graph, &key).await?;
            let mut sim = sim_all.clone();
            sim.requests_total -= sim_first.requests_total;
            sim.rate_limited_429 -= sim_first.rate_limited_429;
            result.resync = Some(Resync { report, nodes: db::diff(&n0, &n1), rels: db::diff(&r0, &r1), sim });
        }
        anyhow::Ok(result)
    }
    .await;
    let _ = tokio::time::timeout(Duration::from_secs(5), server.shutdown()).await;
    let account_key = match &outcome {
        Ok(r) => Some(r.first.account_key.clone()),
        Err(_) => Some(format!("okta_account:{}", url.trim_start_matches("http://").trim_end_matches('/'))),
    };
    if let Ok(r) = &outcome {
        print_scenario(r);
    }
    if let (Some(key), false) = (account_key, args.keep_data) {
        eprintln!("bench: {name}: deleting the benchmark account {key}…");
        cleanup(graph, &key, since).await;
    }
    outcome
}

/// Deletes a benchmark account's data, retrying a shared database that is briefly away (others restart it);
/// a failure is reported with the command that finishes the job, never fatal to the figures.
async fn cleanup(graph: &Graph, key: &str, since: DateTime<FixedOffset>) {
    for attempt in 1..=5 {
        match db::delete_account(graph, key, since).await {
            Ok(n) => {
                eprintln!("bench: deleted {n} nodes of {key}");
                return;
            }
            Err(e) if attempt < 5 => {
                eprintln!("bench: clean-up of {key} failed ({e}); retrying in 15 s");
                tokio::time::sleep(Duration::from_secs(15)).await;
            }
            Err(e) => eprintln!(
                "bench: could not delete {key} ({e}); run `oktagraph bench --delete-account '{key}' --delete-since {}`",
                since.to_rfc3339()
            ),
        }
    }
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(header.to_vec());
    t
}

fn mb(kb: u64) -> String {
    format!("{:.0} MB", kb as f64 / 1024.0)
}

fn print_scenario(r: &ScenarioResult) {
    println!(
        "\n== scenario {}: {} users, {} groups, {} apps; time scale {} (a 60 s window lasts {:.2} s) ==",
        r.name,
        r.users,
        r.groups,
        r.apps,
        r.time_scale,
        60.0 / r.time_scale
    );
    let mut t = table(&["bucket", "calls (client)", "calls (simulator)", "429s received", "retries", "rate-limit wait (sum)"]);
    for (b, f) in &r.first.buckets {
        let sim = r.sim_first.requests_by_bucket.get(b).copied().unwrap_or(0);
        if f.requests == 0 && sim == 0 {
            continue;
        }
        t.add_row(vec![
            b.clone(),
            f.requests.to_string(),
            sim.to_string(),
            f.rate_limited.to_string(),
            f.retries.to_string(),
            format!("{:.1} s", f.wait_ms as f64 / 1000.0),
        ]);
    }
    t.add_row(vec![
        "total".to_string(),
        r.calls().to_string(),
        r.sim_first.requests_total.to_string(),
        r.rate_limited().to_string(),
        r.first.buckets.values().map(|b| b.retries).sum::<u64>().to_string(),
        String::new(),
    ]);
    println!("{t}");
    let mut t = table(&["figure", "value"]);
    t.add_row(vec!["sync status".to_string(), r.first.status.clone()]);
    t.add_row(vec!["mode (reason)".to_string(), child::mode_line(&r.first)]);
    t.add_row(vec!["formula users/200 + 2·users + 1 + 2·apps".to_string(), format!("{:.0}", r.formula())]);
    t.add_row(vec!["calls ÷ formula".to_string(), format!("{:.3}", r.calls() as f64 / r.formula())]);
    t.add_row(vec![
        format!("rate-limit bound ({} bucket at {:.0}% share)", r.bound_bucket, 100.0 * r.rate_limit_share),
        format!("{:.1} s", r.bound_seconds),
    ]);
    t.add_row(vec!["bound at the whole per-token limit".to_string(), format!("{:.1} s", r.hard_bound_seconds)]);
    t.add_row(vec![
        "sync wall time (child process: incl. start-up)".to_string(),
        format!("{:.1} s ({:.1} s)", r.first.sync_seconds, r.first_wall),
    ]);
    t.add_row(vec!["wall time ÷ bound".to_string(), format!("{:.3}", r.first.sync_seconds / r.bound_seconds.max(1e-9))]);
    t.add_row(vec![
        "429s received (client) / sent (simulator)".to_string(),
        format!(
            "{} / {} ({:.2}% of calls)",
            r.rate_limited(),
            r.sim_first.rate_limited_429 + r.sim_first.concurrency_429,
            100.0 * r.rate_limited() as f64 / r.calls().max(1) as f64
        ),
    ]);
    let written: u64 = r.first.counts.values().map(|c| c.created + c.updated + c.unchanged).sum();
    t.add_row(vec!["nodes + relationships written".to_string(), written.to_string()]);
    t.add_row(vec!["peak RSS of the sync process (VmHWM)".to_string(), mb(r.first.peak_rss_kb)]);
    if !r.first.warnings.is_empty() {
        t.add_row(vec!["warnings".to_string(), r.first.warnings.join("; ")]);
    }
    println!("{t}");
    if let Some(rs) = &r.resync {
        let mut t = table(&["re-sync with no change", "value"]);
        t.add_row(vec!["status".to_string(), rs.report.status.clone()]);
        t.add_row(vec!["mode (reason)".to_string(), child::mode_line(&rs.report)]);
        t.add_row(vec!["wall time".to_string(), format!("{:.1} s", rs.report.sync_seconds)]);
        t.add_row(vec!["calls / 429s".to_string(), format!("{} / {}", rs.sim.requests_total, rs.sim.rate_limited_429)]);
        t.add_row(vec![
            "database check: objects compared".to_string(),
            format!("{} nodes, {} relationships", rs.nodes.total_before, rs.rels.total_before),
        ]);
        t.add_row(vec!["  nodes with a property or label changed (excl. _lastSeenOn)".to_string(), rs.nodes.changed.to_string()]);
        t.add_row(vec!["  relationships with a property changed (excl. _lastSeenOn)".to_string(), rs.rels.changed.to_string()]);
        t.add_row(vec!["  nodes created / deleted".to_string(), format!("{} / {}", rs.nodes.created, rs.nodes.removed)]);
        t.add_row(vec!["  relationships created / deleted".to_string(), format!("{} / {}", rs.rels.created, rs.rels.removed)]);
        let mut sum = child::CountFig::default();
        for c in rs.report.counts.values() {
            sum.created += c.created;
            sum.updated += c.updated;
            sum.unchanged += c.unchanged;
            sum.deleted += c.deleted;
            sum.undeleted += c.undeleted;
        }
        t.add_row(vec![
            "writer's own counts: created / updated / unchanged / soft-deleted".to_string(),
            format!("{} / {} / {} / {}", sum.created, sum.updated, sum.unchanged, sum.deleted),
        ]);
        let mut changed: BTreeMap<&String, usize> = BTreeMap::new();
        for (k, v) in rs.nodes.by_type.iter().chain(rs.rels.by_type.iter()) {
            *changed.entry(k).or_default() += v;
        }
        if !changed.is_empty() {
            t.add_row(vec!["  differing objects by type".to_string(), format!("{changed:?}")]);
        }
        println!("{t}");
    }
}

fn print_writes(users: usize, c: &writes::Captured, rs: &[writes::WriteResult]) {
    println!(
        "\n== graph writes: the {users}-user org's records ({} nodes + {} relationships, collected in {:.1} s), each method into fresh keys ==",
        c.nodes.len(),
        c.edges.len(),
        c.collect_seconds
    );
    let mut t = table(&["method", "objects written", "seconds", "nodes+rels / s", "in database after (nodes / rels)", "how"]);
    for r in rs {
        let rate = match &r.error {
            Some(e) => format!("failed: {e}"),
            None => format!("{:.0}{}", r.rate(), if r.sampled { " (sample)" } else { "" }),
        };
        t.add_row(vec![
            r.method.to_string(),
            r.objects.to_string(),
            format!("{:.1}", r.seconds),
            rate,
            format!("{} / {}", r.in_db.0, r.in_db.1),
            r.how.clone(),
        ]);
    }
    println!("{t}");
}

fn check(t: &mut Table, name: &str, pass: Option<bool>, figure: String) {
    let verdict = match pass {
        Some(true) => "PASS",
        Some(false) => "FAIL",
        None => "not measured",
    };
    t.add_row(vec![name.to_string(), verdict.to_string(), figure]);
}

fn print_targets(
    scenarios: &[ScenarioResult],
    incremental: Option<&incremental::IncrementalResult>,
    writes: Option<&[writes::WriteResult]>,
) {
    let mut t = table(&["target", "result", "figure"]);
    for target in incremental.map(|r| r.targets()).unwrap_or_default() {
        check(&mut t, &target.name, target.pass, target.figure);
    }
    for s in scenarios {
        let ratio = s.calls() as f64 / s.formula();
        check(&mut t, &format!("{}: calls ≤ 0.55 × formula", s.name), Some(ratio <= 0.55), format!("{ratio:.3}"));
    }
    match scenarios.iter().find(|s| s.name == "medium") {
        Some(m) => {
            let r = m.first.sync_seconds / m.bound_seconds.max(1e-9);
            check(&mut t, "medium: wall ≤ 1.15 × rate-limit bound", Some(r <= 1.15), format!("{r:.3}"));
            let p = m.rate_limited() as f64 / m.calls().max(1) as f64;
            check(&mut t, "medium: ≤ 1% of calls answered 429", Some(p <= 0.01), format!("{:.2}%", 100.0 * p));
        }
        None => check(&mut t, "medium: wall ≤ 1.15 × bound, ≤ 1% 429s", None, String::new()),
    }
    match writes {
        Some(ws) => {
            let ours = ws.iter().find(|w| w.method == "oktagraph").map(|w| w.rate()).unwrap_or(0.0);
            check(&mut t, "writes: oktagraph ≥ 30,000 nodes+rels/s", Some(ours >= 30_000.0), format!("{ours:.0}/s"));
            let others: Vec<&writes::WriteResult> = ws.iter().filter(|w| w.method != "oktagraph").collect();
            if others.is_empty() {
                check(&mut t, "writes: faster than both baselines", None, "baselines skipped".into());
            } else {
                let fastest = others.iter().filter(|w| w.error.is_none()).map(|w| w.rate()).fold(0.0, f64::max);
                check(
                    &mut t,
                    "writes: faster than both baselines",
                    Some(ours > fastest),
                    format!("{ours:.0}/s vs best baseline {fastest:.0}/s"),
                );
            }
        }
        None => check(&mut t, "writes: ≥ 30,000/s and faster than the baselines", None, String::new()),
    }
    for s in scenarios {
        if let Some(rs) = &s.resync {
            let ok = rs.nodes.changed + rs.rels.changed + rs.nodes.created + rs.rels.created + rs.nodes.removed + rs.rels.removed == 0;
            check(
                &mut t,
                &format!("{}: no-change re-sync sets only _lastSeenOn, creates/deletes nothing", s.name),
                Some(ok),
                format!(
                    "changed {} nodes / {} rels, created {} / {}, deleted {} / {}",
                    rs.nodes.changed, rs.rels.changed, rs.nodes.created, rs.rels.created, rs.nodes.removed, rs.rels.removed
                ),
            );
        }
    }
    match scenarios.iter().find(|s| s.name == "large") {
        Some(l) => {
            check(&mut t, "large: peak RSS ≤ 400 MB", Some(l.first.peak_rss_kb <= 400 * 1024), mb(l.first.peak_rss_kb));
            if let Some(m) = scenarios.iter().find(|s| s.name == "medium") {
                let growth = l.first.peak_rss_kb as f64 / m.first.peak_rss_kb.max(1) as f64;
                let size = l.users as f64 / m.users.max(1) as f64;
                check(
                    &mut t,
                    "RSS grows less than linearly with org size",
                    Some(growth < size),
                    format!("×{growth:.2} RSS for ×{size:.0} users"),
                );
            }
        }
        None => check(&mut t, "large: peak RSS ≤ 400 MB", None, String::new()),
    }
    println!("\n== targets (issues #6 and #12) ==\n{t}");
}

/// Runs the benchmark and prints its tables. `neo4j` is the configured database; the benchmark only ever
/// deletes data of the accounts it created.
pub async fn run(args: BenchArgs, neo4j: Neo4jConfig) -> anyhow::Result<()> {
    let mut neo4j = neo4j;
    if let Some(b) = args.batch_size {
        neo4j.batch_size = b;
    }
    if let Some(c) = args.write_concurrency {
        neo4j.write_concurrency = c.max(1);
    }
    if let Some(url) = &args.child_sync {
        return child::run_child(url, args.child_full, args.rate_limit_share, args.max_in_flight, neo4j).await;
    }
    let graph = Graph::connect(&neo4j).await?;
    if let Some(key) = &args.delete_account {
        anyhow::ensure!(key.contains("okta_account:"), "--delete-account takes an okta_account key");
        let since = match &args.delete_since {
            Some(s) => DateTime::parse_from_rfc3339(s)?,
            None => now(),
        };
        let mut n = db::delete_account(&graph, key, since).await?;
        // A write-comparison account (`bench-<tag>-w<i>:okta_account:…`) owns every key with its prefix.
        if let Some(i) = key.find("okta_account:").filter(|&i| i > 0 && key.starts_with("bench-")) {
            n += db::delete_prefixed_shared(&graph, &key[..i]).await?;
        }
        println!("deleted {n} nodes of {key}");
        return Ok(());
    }
    graph.apply_schema().await?;
    let info = graph.server_info().await?;
    // The server's memory settings shape the write figures; best effort (needs the right to see settings).
    let memory = graph
        .rows(neo4rs::query(&cypher::text(cypher::MEMORY_SETTINGS)), "memory settings")
        .await
        .map(|rows| {
            rows.iter()
                .filter_map(|r| Some(format!("{} {}", r.get::<String>("name").ok()?.rsplit('.').nth(1)?, r.get::<String>("value").ok()?)))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    println!(
        "oktagraph bench: Neo4j {} {} at {} ({memory}), writer batch size {} × {} in flight, {} CPUs; sync rate_limit_share {}, max_in_flight {}",
        info.version,
        info.edition,
        neo4j.uri,
        neo4j.batch_size,
        neo4j.write_concurrency,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        args.rate_limit_share,
        args.max_in_flight
    );
    let mut scenarios = Vec::new();
    let mut incremental = None;
    if !args.writes_only && args.scenario == BenchScenario::Incremental {
        let users = args.users.unwrap_or(100_000);
        incremental = Some(incremental::scenario(&graph, users, args.time_scale.unwrap_or(60.0), &args).await?);
    } else if !args.writes_only {
        let plan: Vec<(&str, usize, f64)> = match (args.users, args.scenario) {
            (Some(n), _) => vec![("custom", n, 20.0)],
            (None, BenchScenario::Medium) => vec![("medium", 10_000, 20.0)],
            (None, BenchScenario::Large) => vec![("large", 100_000, 60.0)],
            (None, BenchScenario::All) => vec![("medium", 10_000, 20.0), ("large", 100_000, 60.0)],
            (None, BenchScenario::Incremental) => Vec::new(), // run above
        };
        for (name, users, scale) in plan {
            let r = sync_scenario(&graph, name, users, args.time_scale.unwrap_or(scale), &args).await?;
            scenarios.push(r);
        }
    }
    let mut write_results = None;
    if !args.skip_writes {
        eprintln!("bench: collecting a {}-user org for the write comparison (rate limits off)…", args.write_users);
        let c = writes::capture(args.write_users, fresh_seed()).await?;
        let tag = format!("{:x}", fresh_seed() & 0xffff_ffff);
        let rs =
            writes::compare(&graph, &c, &tag, !args.skip_baselines, Duration::from_secs(args.baseline_seconds), args.keep_data).await?;
        print_writes(args.write_users, &c, &rs);
        write_results = Some(rs);
    }
    print_targets(&scenarios, incremental.as_ref(), write_results.as_deref());
    Ok(())
}

#[cfg(test)]
mod tests;
