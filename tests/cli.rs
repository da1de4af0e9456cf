//! The command line end to end: config file, sync, query, export, purge, init.

use crate::util::{self, account_key, cleanup};
use std::process::{Command, Output};

fn run(args: &[&str], envs: &[(&str, &str)], dir: &std::path::Path) -> Output {
    let mut c = Command::new(util::bin());
    c.args(args).current_dir(dir).env_remove("OKTA_ORG_URL").env_remove("OKTA_API_TOKEN").env_remove("OKTAGRAPH_CONFIG");
    for (k, v) in envs {
        c.env(k, v);
    }
    util::output_within(&mut c)
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_file_sync_query_export_and_purge() {
    let g = util::graph().await;
    let server = util::sim(40).await;
    let acct = account_key(&server);
    // A name of its own: accounts are found by name, and a run that failed (or one in another checkout)
    // may have left a same-named account in the shared database.
    let name = format!("cli-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let param = format!("account={name}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("token"), format!("{}\n", server.super_admin_token())).unwrap();
    std::fs::write(
        dir.path().join("oktagraph.toml"),
        format!(
            "[neo4j]\nbatch_size = 300\n\n[[account]]\nname = \"{}\"\ndescription = \"from the CLI test\"\norg_url = \"{}\"\ntoken_file = \"token\"\ntag_with_account_name = true\n",
            name,
            server.base_url()
        ),
    )
    .unwrap();
    let d = dir.path();

    let o = tokio::task::block_in_place(|| run(&["sync", "--once", "--no-alerts"], &[], d));
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains(&name) && out.contains("sync success") && out.contains("okta_user"), "{out}");
    let n = util::count(
        &g,
        "MATCH (a:okta_account {_key:$a, accountName:$n, description:'from the CLI test'}) RETURN count(a) AS n",
        &[("a", &acct), ("n", &name)],
    )
    .await;
    assert_eq!(n, 1);

    // query: json and csv, with the account given by name.
    let o = tokio::task::block_in_place(|| run(&["query", "super-admins", "--param", &param, "--format", "json"], &[], d));
    assert!(o.status.success(), "{}", text(&o));
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!rows.as_array().unwrap().is_empty() && rows[0]["login"].is_string(), "{rows}");
    let o = tokio::task::block_in_place(|| run(&["query", "users-without-mfa", "--param", &param, "--format", "csv"], &[], d));
    assert!(o.status.success(), "{}", text(&o));
    let csv = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(csv.starts_with("login,name,lastLogin,account\n") && csv.lines().count() > 1, "{csv}");
    let o = tokio::task::block_in_place(|| run(&["query", "--list"], &[], d));
    assert!(o.status.success(), "{}", text(&o));
    let list = String::from_utf8_lossy(&o.stdout);
    for q in oktagraph::queries::shipped_queries() {
        assert!(list.contains(&q.name), "--list names {}: {list}", q.name);
    }
    let o = tokio::task::block_in_place(|| run(&["query", "nope"], &[], d));
    assert_eq!(o.status.code(), Some(2));
    let o = tokio::task::block_in_place(|| run(&["query", "super-admins", "--param", "bogus=1"], &[], d));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    // export: every node and relationship of the account, parseable.
    let o = tokio::task::block_in_place(|| run(&["export", "--account", &name, "--format", "jsonl", "-o", "g.jsonl"], &[], d));
    assert!(o.status.success(), "{}", text(&o));
    let lines = std::fs::read_to_string(d.join("g.jsonl")).unwrap();
    let objs: Vec<serde_json::Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let nodes = objs.iter().filter(|o| o["kind"] == "node").count() as i64;
    let rels = objs.iter().filter(|o| o["kind"] == "relationship").count() as i64;
    // The account's own nodes, plus the nodes without an account its relationships reach: the shared ones
    // (employees, AWS roles) and, through HAS_SYNC_RUN, its SyncRun records (exported without that edge).
    let want_nodes = util::count(&g, "MATCH (n) WHERE n._accountKey = $a RETURN count(n) AS n", &[("a", &acct)]).await
        + util::count(
            &g,
            "MATCH (x)-[r]->(m) WHERE r._accountKey = $a AND m._accountKey IS NULL RETURN count(DISTINCT m) AS n",
            &[("a", &acct)],
        )
        .await;
    let want_rels =
        util::count(&g, "MATCH ()-[r]->() WHERE r._accountKey = $a AND type(r) <> 'HAS_SYNC_RUN' RETURN count(r) AS n", &[("a", &acct)])
            .await;
    assert!(nodes == want_nodes && rels == want_rels, "export {nodes}/{rels} vs graph {want_nodes}/{want_rels}");
    assert!(objs.iter().any(|o| o["labels"].as_array().is_some_and(|l| l.contains(&"employee".into()))), "shared nodes exported too");
    assert!(!lines.contains(&server.super_admin_token()));
    let o = tokio::task::block_in_place(|| run(&["export", "--account", &name, "--format", "graphml"], &[], d));
    assert!(o.status.success(), "{}", text(&o));
    let xml = String::from_utf8_lossy(&o.stdout);
    assert_eq!(xml.matches("<node ").count() as i64, want_nodes, "GraphML has the same nodes");
    assert_eq!(xml.matches("<edge ").count() as i64, want_rels, "GraphML has the same relationships");
    assert!(xml.starts_with("<?xml") && xml.contains("<edge ") && xml.trim_end().ends_with("</graphml>"));

    // purge: remove a user in Okta, sync (soft-delete), then purge hard-deletes it. The user holds no role
    // and no factor, so it is the one node that goes.
    {
        let org_lock = server.org();
        let mut org = org_lock.write().await;
        let uid = org
            .users
            .values()
            .find(|u| !org.roles.iter().any(|r| r.assignee == u.id) && org.factors.get(&u.id).is_none_or(|f| f.is_empty()))
            .expect("a user with no role and no factor")
            .id
            .clone();
        org.users.0.remove(&uid);
    }
    let o = tokio::task::block_in_place(|| run(&["sync", "--once", "--full", "--no-alerts"], &[], d));
    assert!(o.status.success(), "{}", text(&o));
    let deleted = util::count(&g, "MATCH (n:Deleted {_accountKey:$a}) RETURN count(n) AS n", &[("a", &acct)]).await;
    assert_eq!(deleted, 1, "the removed user, and nothing else");
    let o = tokio::task::block_in_place(|| run(&["purge", "--deleted-before", "0s", "--account", &name], &[], d));
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(util::count(&g, "MATCH (n:Deleted {_accountKey:$a}) RETURN count(n) AS n", &[("a", &acct)]).await, 0);
    assert_eq!(util::count(&g, "MATCH ()-[r]->() WHERE r._accountKey = $a AND r._deleted RETURN count(r) AS n", &[("a", &acct)]).await, 0);
    let o = tokio::task::block_in_place(|| run(&["purge", "--deleted-before", "soon"], &[], d));
    assert_eq!(o.status.code(), Some(2));
    cleanup(&g, &acct).await;
}

#[test]
fn init_writes_an_example_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["init"], &[], dir.path());
    assert!(o.status.success(), "{}", text(&o));
    let written = std::fs::read_to_string(dir.path().join("oktagraph.toml")).unwrap();
    assert!(written.contains("[[account]]"));
    let again = run(&["init"], &[], dir.path());
    assert_eq!(again.status.code(), Some(2), "never overwrites without --force: {}", text(&again));
    assert!(run(&["init", "--force"], &[], dir.path()).status.success());
}

#[test]
fn env_only_sync_names_the_account_after_the_org() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let g = util::graph().await;
        let server = util::sim(20).await;
        let acct = account_key(&server);
        let dir = tempfile::tempdir().unwrap();
        let o = tokio::task::spawn_blocking({
            let (url, token, d) = (server.base_url(), server.super_admin_token(), dir.path().to_path_buf());
            move || run(&["sync", "--once", "--no-alerts"], &[("OKTA_ORG_URL", &url), ("OKTA_API_TOKEN", &token)], &d)
        })
        .await
        .unwrap();
        assert!(o.status.success(), "{}", text(&o));
        let n = util::count(&g, "MATCH (a:okta_account {_key:$a}) WHERE a.accountName = '127.0.0.1' RETURN count(a) AS n", &[("a", &acct)])
            .await;
        assert_eq!(n, 1);
        cleanup(&g, &acct).await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polling_syncs_on_schedule_and_stops_cleanly_on_sigterm() {
    let g = util::graph().await;
    let server = util::sim(20).await;
    let acct = account_key(&server);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("oktagraph.toml"),
        format!(
            "[[account]]\nname = \"poller\"\norg_url = \"{}\"\ntoken_env = \"POLL_TOKEN\"\npolling_interval = \"1s\"\n",
            server.base_url()
        ),
    )
    .unwrap();
    let mut child = util::ChildGuard(
        Command::new(util::bin())
            .args(["sync", "--no-alerts"])
            .current_dir(dir.path())
            .env("POLL_TOKEN", server.super_admin_token())
            .env_remove("OKTA_ORG_URL")
            .env_remove("OKTA_API_TOKEN")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    // Wait for three finished runs; the deadline is generous (a loaded machine makes each sync slow) but finite.
    let deadline = std::time::Instant::now() + util::BIN_LIMIT;
    let mut runs = 0;
    while runs < 3 {
        assert!(std::time::Instant::now() < deadline, "polling produced only {runs} runs in {:?}", util::BIN_LIMIT);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        runs = util::count(
            &g,
            "MATCH (:okta_account {_key:$a})-[:HAS_SYNC_RUN]->(r:SyncRun {status:'success'}) RETURN count(r) AS n",
            &[("a", &acct)],
        )
        .await;
    }
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let status = tokio::task::block_in_place(|| child.wait_within(util::BIN_LIMIT)).expect("exits after SIGTERM");
    assert!(status.code().is_some(), "exited by itself after SIGTERM, not killed: {status:?}");
    // No "runs never overlap" check here: one poller runs its syncs one after another in one loop, so its
    // runs cannot overlap by construction. Two processes on one account are the sync lock's test.
    let unfinished = util::count(
        &g,
        "MATCH (:okta_account {_key:$a})-[:HAS_SYNC_RUN]->(r:SyncRun) WHERE r.status = 'running' OR r.endedOn IS NULL RETURN count(r) AS n",
        &[("a", &acct)],
    )
    .await;
    assert_eq!(unfinished, 0, "SIGTERM let the current run finish and record its end");
    cleanup(&g, &acct).await;
}
