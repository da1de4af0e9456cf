//! Issue 10.2: the commands that only read or tidy the graph work with the `oktagraph.toml` that
//! `oktagraph init` writes and no Okta token in the environment; `sync` still needs (and names) it.

use crate::util;
use oktagraph::model;
use std::path::Path;

/// Runs the binary in `dir` (so it finds `dir/oktagraph.toml`) with only PATH, the Neo4j variables and
/// `extra` set: never OKTA_API_TOKEN or OKTA_ORG_URL.
async fn run_in(dir: &Path, args: &[&str], extra: &[(&str, &str)]) -> (i32, String, String) {
    let c = util::neo4j_config();
    let pw = std::env::var("NEO4J_PASSWORD").unwrap_or_else(|_| "oktagraph-local".into());
    let mut cmd = tokio::process::Command::new(util::bin());
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("NEO4J_URI", &c.uri)
        .env("NEO4J_USER", &c.user)
        .env("NEO4J_PASSWORD", pw)
        .envs(extra.iter().copied())
        .current_dir(dir)
        .kill_on_drop(true);
    let out = tokio::time::timeout(std::time::Duration::from_secs(90), cmd.output())
        .await
        .unwrap_or_else(|_| panic!("oktagraph {args:?} finishes in time"))
        .expect("oktagraph runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[tokio::test]
async fn graph_only_commands_need_no_okta_credentials() {
    let g = util::graph().await;
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run_in(dir.path(), &["init"], &[]).await;
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("oktagraph.toml").is_file());

    // An account with one user and one soft-deleted user, for export and purge to act on.
    let ctx = util::unique_context("graph-only");
    let key = ctx.account_key.clone();
    let id = |s: &str| format!("{}-{s}", &key[13..25]);
    let mut recs = util::users(&ctx, &[&id("kept"), &id("gone")], "eng");
    recs.nodes.push(model::account(&ctx, None, None));
    util::write(&g, recs, chrono::Utc::now().fixed_offset()).await;
    util::count(
        &g,
        "MATCH (u:okta_user {_key: $k}) SET u._deleted = true, u._deletedOn = datetime() - duration('P60D'), u:Deleted RETURN count(u) AS n",
        &[("k", &id("gone"))],
    )
    .await;
    let out = dir.path().join("export.jsonl");
    let out = out.to_str().unwrap();

    let account_param = format!("account={key}");
    let commands: Vec<Vec<&str>> = vec![
        vec!["check"],
        vec!["schema"],
        vec!["query", "--list"],
        vec!["query", "super-admins", "--param", &account_param, "--format", "json"],
        vec!["export", "--account", &key, "--format", "jsonl", "-o", out],
        vec!["purge", "--account", &key, "--deleted-before", "30d"],
    ];
    for args in &commands {
        let (code, stdout, err) = run_in(dir.path(), args, &[]).await;
        assert_eq!(code, 0, "oktagraph {args:?} without an Okta token: {err}");
        assert!(!err.contains("OKTA_API_TOKEN"), "oktagraph {args:?} asked for the token: {err}");
        if args[0] == "purge" {
            assert!(stdout.contains("purged 1 nodes"), "{stdout}");
        }
    }
    let exported = std::fs::read_to_string(out).unwrap();
    assert!(exported.contains(&format!("{}@example.com", id("kept"))), "the export holds the account's user");
    assert_eq!(
        util::count(&g, "MATCH (u:okta_user {_key: $k}) RETURN count(u) AS n", &[("k", &id("gone"))]).await,
        0,
        "purge removed the soft-deleted user"
    );

    // The one command that calls Okta still needs the token, and says which.
    let (code, _, err) = run_in(dir.path(), &["sync", "--once"], &[]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("OKTA_API_TOKEN"), "{err}");
    util::cleanup(&g, &key).await;
}
