//! Shared test harness: the real Neo4j (NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD, or the local server that
//! tests/neo4j/neo4j-local starts) and per-test account keys, so tests running in parallel never touch
//! each other's data.

#![allow(dead_code)]

use oktagraph::graph::{Graph, Neo4jConfig};
use oktagraph::model::Context;
use secrecy::SecretString;

pub fn neo4j_config() -> Neo4jConfig {
    let uri = std::env::var("NEO4J_URI").unwrap_or_else(|_| "bolt://127.0.0.1:7687".into());
    let user = std::env::var("NEO4J_USER").unwrap_or_else(|_| "neo4j".into());
    let pw = std::env::var("NEO4J_PASSWORD").unwrap_or_else(|_| "oktagraph-local".into());
    let mut c = Neo4jConfig::new(&uri, &user, SecretString::from(pw));
    c.batch_size = 500;
    c
}

/// Connects to the test Neo4j. Fails loudly (never skips) when it is not running: graph tests are real.
pub async fn graph() -> Graph {
    let g = Graph::connect(&neo4j_config())
        .await
        .unwrap_or_else(|e| panic!("graph tests need a running Neo4j (tests/neo4j/neo4j-local start): {e}"));
    g.apply_schema().await.expect("schema");
    g
}

/// A fresh account context whose org host no other test uses.
pub fn unique_context(tag: &str) -> Context {
    let host = format!("{tag}-{}.test.invalid", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    Context::new(&format!("https://{host}"), &host, tag)
}

/// Records of active users `ids` of `ctx`, as the model maps Okta's users (login and email `<id>@...`).
pub fn users(ctx: &Context, ids: &[&str], dept: &str) -> oktagraph::model::Records {
    let mut r = oktagraph::model::Records::default();
    for id in ids {
        let u = serde_json::json!({"id": id, "status": "ACTIVE", "created": "2024-01-02T03:04:05.000Z",
            "profile": {"login": format!("{id}@example.com"), "email": format!("{id}@Example.com"),
                        "firstName": "F", "lastName": id, "department": dept}});
        r.extend(oktagraph::model::user(ctx, &u).unwrap());
    }
    r
}

/// Writes `recs` through the product's writer as a sync at `now` would, and returns its counts.
pub async fn write(
    g: &Graph,
    recs: oktagraph::model::Records,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> oktagraph::graph::WriteCounts {
    let mut w = oktagraph::graph::GraphWriter::new(g.clone(), now);
    w.write(recs).await.unwrap();
    w.flush().await.unwrap();
    w.into_counts()
}

/// Runs a read query with string parameters and returns the integer in column `n` of the first row.
pub async fn count(g: &Graph, q: &str, params: &[(&str, &str)]) -> i64 {
    let mut query = neo4rs::query(q);
    for (k, v) in params {
        query = query.param(k, *v);
    }
    g.counts(query, "test count", &["n"]).await.expect("count query")[0]
}

/// Runs a query returning one string column `v`, sorted.
pub async fn strings(g: &Graph, q: &str, params: &[(&str, &str)]) -> Vec<String> {
    let mut query = neo4rs::query(q);
    for (k, v) in params {
        query = query.param(k, *v);
    }
    let rows = g.rows(query, "test strings").await.expect("strings query");
    let mut out: Vec<String> = rows.iter().filter_map(|r| r.get::<String>("v").ok()).collect();
    out.sort();
    out
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_oktagraph")
}

// ---- Simulator + sync harness -------------------------------------------------------------------

use okta_sim::{Org, OrgSpec, SimOptions, SimServer};
use oktagraph::collect::Silent;
use oktagraph::okta::Credentials;
use oktagraph::sync::{self, AccountJob, SyncSummary};
use std::sync::Arc;

/// A seed no other test uses: Okta ids come from the seed, and ids are global in the graph.
pub fn unique_seed() -> u64 {
    let u = uuid::Uuid::new_v4();
    u64::from_le_bytes(u.as_bytes()[..8].try_into().unwrap())
}

/// A simulated org on a free loopback port, rate limits on but time-scaled so tests are quick.
pub async fn sim(users: usize) -> SimServer {
    sim_with(users, SimOptions { port: 0, time_scale: 120.0, ..SimOptions::default() }).await
}

/// A simulated org with a unique seed and the given options.
pub async fn sim_with(users: usize, opts: SimOptions) -> SimServer {
    let org = Org::generate(&OrgSpec { users, seed: unique_seed() }, "http://127.0.0.1:0");
    SimServer::start(org, opts).await.expect("simulator starts")
}

/// The job syncing `server` with `token`, under the account name `name` (tagged on every node).
pub fn job(server: &SimServer, token: &str, name: &str) -> AccountJob {
    let mut j = sim_job(server, token);
    j.name = Some(name.to_string());
    j.tag_with_account_name = true;
    j
}

/// One sync through the library (what `oktagraph sync --once` runs), never cancelled.
pub async fn sync(g: &Graph, job: &AccountJob) -> SyncSummary {
    let (_tx, rx) = tokio::sync::watch::channel(false);
    sync::sync_account(g, job, rx, Arc::new(Silent)).await.expect("sync runs")
}

/// The account key of a simulator's org.
pub fn account_key(server: &SimServer) -> String {
    format!("okta_account:{}", server.base_url().trim_start_matches("http://"))
}

/// Live (not soft-deleted) node keys of one type for an account.
pub async fn node_keys(g: &Graph, account: &str, label: &str) -> Vec<String> {
    let q = format!("MATCH (n:{label}) WHERE n._accountKey = $a AND NOT n:Deleted RETURN n._key AS v");
    strings(g, &q, &[("a", account)]).await
}

/// Live relationship `from|to` pairs of one relationship `_type` for an account.
pub async fn edge_pairs(g: &Graph, account: &str, rel_type: &str) -> Vec<String> {
    strings(
        g,
        "MATCH (a)-[r]->(b) WHERE r._accountKey = $a AND r._type = $t AND r._deleted = false RETURN a._key + '|' + b._key AS v",
        &[("a", account), ("t", rel_type)],
    )
    .await
}

/// Every node and relationship of an account with its properties minus the ones that move on every sync:
/// two syncs that saw the same org give the same snapshot.
pub async fn snapshot(g: &Graph, account: &str) -> Vec<String> {
    let q = neo4rs::query(
        "CALL () { MATCH (n) WHERE n._accountKey = $a RETURN n._type + ' ' + n._key AS id, labels(n) AS labels, properties(n) AS p
           UNION ALL MATCH (x)-[r]->(y) WHERE r._accountKey = $a AND type(r) <> 'HAS_SYNC_RUN'
           RETURN r._type + ' ' + x._key + '>' + y._key AS id, [] AS labels, properties(r) AS p }
         RETURN id, labels, p",
    )
    .param("a", account);
    let rows = g.rows(q, "snapshot").await.expect("snapshot");
    let mut out: Vec<String> = rows
        .iter()
        .map(|r| {
            let id: String = r.get("id").unwrap_or_default();
            let mut labels: Vec<String> = r.get("labels").unwrap_or_default();
            labels.sort();
            let mut p = oktagraph::graph::bolt_to_json(&r.get::<neo4rs::BoltType>("p").unwrap());
            if let Some(m) = p.as_object_mut() {
                for k in ["_lastSeenOn", "_firstSeenOn", "_lastChangedOn"] {
                    m.remove(k);
                }
            }
            format!("{id} {labels:?} {p}")
        })
        .collect();
    out.sort();
    out
}

// ---- Fault injection, snapshots that tolerate shared nodes, the binary ------------------------------------

use neo4rs::BoltType;
use okta_sim::Faults;
use std::collections::BTreeMap;

/// Starts a simulated org of `users` users with a unique seed, fast rate-limit windows and `faults`.
pub async fn sim_faulty(users: usize, faults: Faults) -> SimServer {
    sim_with(users, SimOptions { time_scale: 600.0, faults, ..SimOptions::default() }).await
}

/// A job for the simulator with a token, named after the org.
/// Every sync of it is full: most tests change the simulated org by hand, without the System Log events Okta
/// writes, so only a full sync can see those changes. Incremental syncs are tested with the simulator's churn
/// (tests/incremental.rs), which changes the org as Okta does.
pub fn sim_job(server: &SimServer, token: &str) -> AccountJob {
    let mut j = AccountJob::new(&server.base_url(), Credentials::Ssws(SecretString::from(token.to_string())));
    j.full_sync_interval = oktagraph::sync::mode::FullSyncInterval::Always;
    j
}

/// Bookkeeping that legitimately differs between two syncs of the same data.
pub const BOOKKEEPING: [&str; 4] = ["_lastSeenOn", "_firstSeenOn", "_lastChangedOn", "_deletedOn"];

fn bolt_to_string(v: &BoltType) -> String {
    match v {
        BoltType::String(s) => format!("{:?}", s.value),
        BoltType::Boolean(b) => b.value.to_string(),
        BoltType::Integer(i) => i.value.to_string(),
        BoltType::Float(f) => format!("{:?}", f.value),
        BoltType::Null(_) => "null".into(),
        BoltType::List(l) => format!("[{}]", l.value.iter().map(bolt_to_string).collect::<Vec<_>>().join(",")),
        BoltType::Map(m) => {
            let sorted: BTreeMap<String, String> = m.value.iter().map(|(k, v)| (k.value.clone(), bolt_to_string(v))).collect();
            format!("{sorted:?}")
        }
        other => format!("{other:?}"),
    }
}

/// Everything of one account in a comparable form: one sorted line per node and relationship,
/// `_type _key [labels] {properties minus BOOKKEEPING}`. Shared nodes (employees, AWS roles) are listed by
/// key only, since other accounts may write them too. Sync run records are left out.
pub async fn shared_snapshot(g: &Graph, account_key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let render = |t: String, k: String, labels: Vec<String>, p: BoltType| -> String {
        let props = match &p {
            BoltType::Map(m) => m
                .value
                .iter()
                .filter(|(k, _)| !BOOKKEEPING.contains(&k.value.as_str()))
                .map(|(k, v)| (k.value.clone(), bolt_to_string(v)))
                .collect::<BTreeMap<_, _>>(),
            _ => BTreeMap::new(),
        };
        let mut labels = labels;
        labels.sort();
        let props: Vec<String> = props.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{t} {k} {labels:?} {{{}}}", props.join(", "))
    };
    for kind in oktagraph::model::kinds::NODE_KINDS.iter().filter(|k| k.account_scoped) {
        let q = format!(
            "MATCH (n:{t} {{_accountKey: $a}}) RETURN n._type AS t, n._key AS k, labels(n) AS l, properties(n) AS p \
             UNION ALL MATCH (n:{t} {{_accountKey: $a}})-[r]->(m) WHERE r._accountKey = $a AND type(r) <> 'HAS_SYNC_RUN' \
             RETURN r._type AS t, r._key AS k, [type(r), m._type] AS l, properties(r) AS p \
             UNION ALL MATCH (n:{t} {{_accountKey: $a}})-[r]->(m) WHERE r._accountKey = $a AND m._accountKey IS NULL \
             AND NOT m:SyncRun RETURN DISTINCT m._type AS t, m._key AS k, [] AS l, {{}} AS p",
            t = kind.type_name
        );
        let rows = g.rows(neo4rs::query(&q).param("a", account_key), "snapshot").await.expect("snapshot query");
        for r in rows {
            out.push(render(
                r.get::<String>("t").unwrap_or_default(),
                r.get::<String>("k").unwrap_or_default(),
                r.get::<Vec<String>>("l").unwrap_or_default(),
                r.get::<BoltType>("p").unwrap_or(BoltType::Null(neo4rs::BoltNull)),
            ));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Asserts two snapshots are equal, printing the first differences rather than two huge lists.
pub fn assert_same_graph(a: &[String], b: &[String], what: &str) {
    if a == b {
        return;
    }
    let only_a: Vec<&String> = a.iter().filter(|x| !b.contains(x)).take(5).collect();
    let only_b: Vec<&String> = b.iter().filter(|x| !a.contains(x)).take(5).collect();
    panic!("{what}: graphs differ ({} vs {} lines)\nonly in first: {only_a:#?}\nonly in second: {only_b:#?}", a.len(), b.len());
}

/// Hard-deletes one account's nodes, relationships, run records and alert states (never anything shared or
/// another account's). Tests clean up after themselves so the shared database stays small.
pub async fn cleanup(g: &Graph, account_key: &str) {
    for kind in oktagraph::model::kinds::NODE_KINDS.iter().filter(|k| k.account_scoped) {
        let q = format!("MATCH (n:{} {{_accountKey: $a}}) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 5000 ROWS", kind.type_name);
        g.run(neo4rs::query(&q).param("a", account_key), "cleanup").await.expect("cleanup");
    }
    for label in ["SyncRun", "AlertState", "SyncLock"] {
        let q = format!("MATCH (r:{label} {{accountKey: $a}}) DETACH DELETE r");
        g.run(neo4rs::query(&q).param("a", account_key), "cleanup runs").await.expect("cleanup runs");
    }
    g.run(neo4rs::query("MATCH ()-[r]->() WHERE r._accountKey = $a DELETE r").param("a", account_key), "cleanup edges").await.ok();
}

/// Runs the binary with a clean environment plus `env`, returning (exit code, stdout, stderr).
pub async fn run_bin(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = tokio::process::Command::new(bin());
    cmd.args(args).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default()).kill_on_drop(true);
    let dir = std::env::temp_dir();
    cmd.current_dir(&dir); // no stray ./oktagraph.toml
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = tokio::time::timeout(std::time::Duration::from_secs(90), cmd.output())
        .await
        .expect("binary finishes in time")
        .expect("binary runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The environment that points the binary at the simulator and the test Neo4j.
pub fn sim_env(server: &SimServer, token: &str) -> Vec<(String, String)> {
    let c = neo4j_config();
    let pw = std::env::var("NEO4J_PASSWORD").unwrap_or_else(|_| "oktagraph-local".into());
    vec![
        ("OKTA_ORG_URL".into(), server.base_url()),
        ("OKTA_API_TOKEN".into(), token.to_string()),
        ("NEO4J_URI".into(), c.uri.clone()),
        ("NEO4J_USER".into(), c.user.clone()),
        ("NEO4J_PASSWORD".into(), pw),
    ]
}

/// `sim_env` as the borrowed pairs `run_bin` takes.
pub fn pairs(env: &[(String, String)]) -> Vec<(&str, &str)> {
    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Status of the latest SyncRun of an account.
pub async fn last_run_status(g: &Graph, account_key: &str) -> Option<String> {
    let rows = g
        .rows(
            neo4rs::query("MATCH (r:SyncRun {accountKey: $a}) RETURN r.status AS s ORDER BY r.startedOn DESC LIMIT 1")
                .param("a", account_key),
            "last run",
        )
        .await
        .expect("last run query");
    rows.first().and_then(|r| r.get::<String>("s").ok())
}

/// Okta objects of the account that are soft-deleted.
pub async fn deleted_count(g: &Graph, account_key: &str) -> i64 {
    let mut total = 0;
    for kind in oktagraph::model::kinds::NODE_KINDS.iter().filter(|k| k.account_scoped) {
        let q = format!("MATCH (n:{} {{_accountKey: $a}}) WHERE n._deleted = true RETURN count(n) AS n", kind.type_name);
        total += count(g, &q, &[("a", account_key)]).await;
    }
    for kind in oktagraph::model::kinds::NODE_KINDS.iter().filter(|k| k.account_scoped) {
        let q = format!(
            "MATCH (n:{} {{_accountKey: $a}})-[r]->() WHERE r._accountKey = $a AND r._deleted = true RETURN count(r) AS n",
            kind.type_name
        );
        total += count(g, &q, &[("a", account_key)]).await;
    }
    total
}

pub fn no_faults() -> Faults {
    Faults::default()
}

// ---- Child processes that never outlive a failed assertion ----------------------------------------------

/// A spawned `oktagraph` that is killed (and reaped) when dropped, so a failing assertion or a timeout never
/// leaves it running with ports and database sessions.
pub struct ChildGuard(pub std::process::Child);

impl ChildGuard {
    pub fn id(&self) -> u32 {
        self.0.id()
    }

    /// Waits for the child to exit by itself, at most `limit`; `None` if it is still running then.
    pub fn wait_within(&mut self, limit: std::time::Duration) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + limit;
        loop {
            if let Some(status) = self.0.try_wait().expect("child status") {
                return Some(status);
            }
            if std::time::Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            self.0.kill().ok();
            self.0.wait().ok();
        }
    }
}

/// How long a command-line run may take before the test fails instead of hanging: generous, since a loaded
/// 2-core machine is slow, but finite.
pub const BIN_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Runs `cmd` to completion like `Command::output`, but fails the test (killing the child) if it takes
/// longer than [`BIN_LIMIT`].
pub fn output_within(cmd: &mut std::process::Command) -> std::process::Output {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = ChildGuard(cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("binary runs"));
    // Drain both pipes while waiting, or a chatty child blocks on a full pipe and never exits.
    let mut out = child.0.stdout.take().unwrap();
    let mut err = child.0.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        out.read_to_end(&mut b).ok();
        b
    });
    let err_reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        err.read_to_end(&mut b).ok();
        b
    });
    let Some(status) = child.wait_within(BIN_LIMIT) else {
        drop(child);
        let (stdout, stderr) = (out_reader.join().unwrap(), err_reader.join().unwrap());
        panic!("{cmd:?} still running after {BIN_LIMIT:?}\n{}{}", String::from_utf8_lossy(&stdout), String::from_utf8_lossy(&stderr));
    };
    std::process::Output { status, stdout: out_reader.join().unwrap(), stderr: err_reader.join().unwrap() }
}
