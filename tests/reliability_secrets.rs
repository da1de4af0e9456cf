//! Issue #7, secrets: the Okta token, the OAuth private key (and the access tokens it buys) and the Neo4j
//! password never appear in logs at any level (dependencies' trace logs included), errors, the run record,
//! SyncRun nodes or exports; and nothing secret from Okta is stored (docs/graph.md#secrets).

use crate::util;
use oktagraph::sync::RunStatus;

const EC_PRIVATE: &str = include_str!("fixtures/okta/ec_private.pem");
const EC_PUBLIC: &str = include_str!("fixtures/okta/ec_public.pem");

/// The PEM body lines: any of them in an output means the key leaked.
fn key_lines() -> Vec<&'static str> {
    EC_PRIVATE.lines().filter(|l| !l.starts_with("-----") && l.len() > 20).collect()
}

/// OAuth access tokens the simulator issues look like `eyJ` + 80 alphanumerics.
fn contains_access_token(s: &str) -> bool {
    s.match_indices("eyJ").any(|(i, _)| s[i + 3..].chars().take(80).filter(char::is_ascii_alphanumeric).count() == 80)
}

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!text.contains(s), "{what} contains a secret ({}...)", &s[..s.len().min(6)]);
    }
    for l in key_lines() {
        assert!(!text.contains(l), "{what} contains the OAuth private key");
    }
    assert!(!contains_access_token(text), "{what} contains an OAuth access token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_trace_logs_errors_run_records_exports_or_the_graph() {
    let g = util::graph().await;
    let server = util::sim_faulty(30, util::no_faults()).await;
    let key = util::account_key(&server);
    let token = server.super_admin_token();
    let password = std::env::var("NEO4J_PASSWORD").unwrap_or_else(|_| "oktagraph-local".into());
    let scopes = oktagraph::okta::DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect();
    server.register_oauth_client("0oaReliability", EC_PUBLIC, scopes, true);
    let secrets = [token.as_str(), password.as_str()];
    let env = util::sim_env(&server, &token);
    let mut outputs = Vec::new();

    // 1. SSWS token, text logs at trace level for oktagraph and every dependency.
    let mut trace_env = util::pairs(&env);
    trace_env.push(("OKTAGRAPH_LOG", "trace"));
    let (code, out, err) = util::run_bin(&["--log-level", "trace", "sync", "--once", "--no-alerts"], &trace_env).await;
    assert_eq!(code, 0, "{err}");
    assert!(err.lines().count() > 50 && err.contains("TRACE"), "trace logging is really on");
    outputs.push(("SSWS sync at trace level", format!("{out}{err}")));

    // 2. OAuth private key, JSON logs at trace level.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("key.pem"), EC_PRIVATE).unwrap();
    let toml = format!(
        "[[account]]\nname = \"rel-oauth\"\norg_url = \"{}\"\n[account.oauth]\nclient_id = \"0oaReliability\"\nprivate_key_file = \"{}\"\n",
        server.base_url(),
        dir.path().join("key.pem").display()
    );
    std::fs::write(dir.path().join("oktagraph.toml"), toml).unwrap();
    let config = dir.path().join("oktagraph.toml").display().to_string();
    let mut oauth_env: Vec<(&str, &str)> = util::pairs(&env).into_iter().filter(|(k, _)| !k.starts_with("OKTA_")).collect();
    oauth_env.push(("OKTAGRAPH_LOG", "trace"));
    let (code, out, err) =
        util::run_bin(&["--config", &config, "--log-level", "trace", "--log-format", "json", "sync", "--once", "--no-alerts"], &oauth_env)
            .await;
    assert_eq!(code, 0, "{err}");
    assert!(server.stats().tokens_issued > 0, "the OAuth flow really ran");
    outputs.push(("OAuth sync at trace level", format!("{out}{err}")));

    // 3. Errors: a refused token, and a refused Neo4j password (the wrong one must not be echoed either).
    let revoked = server.readonly_token();
    server.revoke_token(&revoked);
    let mut e = util::pairs(&env);
    e.retain(|(k, _)| *k != "OKTA_API_TOKEN");
    e.push(("OKTA_API_TOKEN", &revoked));
    e.push(("OKTAGRAPH_LOG", "trace"));
    let (code, out, err) = util::run_bin(&["--log-level", "trace", "sync", "--once"], &e).await;
    assert_eq!(code, 3, "a refused token exits 3: {err}");
    outputs.push(("refused token", format!("{out}{err}")));
    assert!(!format!("{out}{err}").contains(&revoked), "the refused token is not echoed");
    let wrong_pw = "Wrong-Neo4j-Password-5b1e";
    let mut e = util::pairs(&env);
    e.retain(|(k, _)| *k != "NEO4J_PASSWORD");
    e.push(("NEO4J_PASSWORD", wrong_pw));
    e.push(("OKTAGRAPH_LOG", "trace"));
    let (code, out, err) = util::run_bin(&["--log-level", "trace", "sync", "--once"], &e).await;
    assert_eq!(code, 3, "{err}");
    assert!(!format!("{out}{err}").contains(wrong_pw), "the refused Neo4j password is not echoed");
    outputs.push(("refused Neo4j password", format!("{out}{err}")));

    // 4. Exports of the account.
    for format in ["jsonl", "graphml"] {
        let (code, out, err) = util::run_bin(&["export", "--format", format, "--account", &key], &util::pairs(&env)).await;
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("okta_user"), "the export has the account's users");
        outputs.push(("export", format!("{out}{err}")));
    }

    // 5. SyncRun nodes and their relationships.
    let rows = g
        .rows(
            neo4rs::query("MATCH (a:okta_account {_key: $a})-[h:HAS_SYNC_RUN]->(r:SyncRun) RETURN properties(r) AS r, properties(h) AS h")
                .param("a", key.as_str()),
            "runs",
        )
        .await
        .unwrap();
    let runs: Vec<String> = rows
        .iter()
        .map(|row| format!("{:?} {:?}", row.get::<neo4rs::BoltType>("r").unwrap(), row.get::<neo4rs::BoltType>("h").unwrap()))
        .collect();
    assert!(runs.len() >= 2 && runs.iter().any(|r| r.contains("success")), "the runs were recorded: {runs:?}");
    outputs.push(("SyncRun nodes", runs.join("\n")));

    for (what, text) in &outputs {
        assert_clean(what, text, &secrets);
    }

    // 6. Nothing secret from Okta is stored: no phone numbers, factor shared secrets or recovery questions,
    // no app credentials, under any property name.
    let mut okta_secrets: Vec<String> = Vec::new();
    {
        let org = server.org();
        let org = org.read().await;
        for u in org.users.values() {
            okta_secrets.extend(u.profile.mobile_phone.clone());
            okta_secrets.extend(u.credentials.recovery_question.as_ref().map(|q| q.question.clone()));
        }
        for fs in org.factors.values() {
            for f in fs {
                for k in ["sharedSecret", "phoneNumber"] {
                    okta_secrets.extend(f.profile.get(k).and_then(|v| v.as_str()).map(String::from));
                }
            }
        }
        for k in ["phoneNumber", "supportPhoneNumber"] {
            okta_secrets.extend(org.org.get(k).and_then(|v| v.as_str()).map(String::from));
        }
    }
    assert!(okta_secrets.len() > 10, "the org has secrets to leak: {}", okta_secrets.len());
    let graph = util::shared_snapshot(&g, &key).await.join("\n");
    for s in &okta_secrets {
        assert!(!graph.contains(s.as_str()), "a secret from Okta is stored: {s}");
    }
    let mut names = Vec::new();
    for kind in oktagraph::model::kinds::NODE_KINDS.iter().filter(|k| k.account_scoped) {
        let q = format!(
            "MATCH (n:{t} {{_accountKey: $a}}) UNWIND keys(n) AS v RETURN DISTINCT v UNION \
             MATCH (n:{t} {{_accountKey: $a}})-[r]->() UNWIND keys(r) AS v RETURN DISTINCT v",
            t = kind.type_name
        );
        names.extend(util::strings(&g, &q, &[("a", &key)]).await);
    }
    assert!(names.iter().any(|n| n == "factorType"), "factors were synced");
    for n in &names {
        let l = n.to_lowercase();
        assert!(
            !(l.contains("phone") || l.contains("secret") || l.contains("recovery") || l == "credentials" || l == "password"),
            "a secret attribute is stored: {n}"
        );
    }
    let run = util::sync(&g, &util::sim_job(&server, &token)).await;
    assert_eq!(run.status, RunStatus::Success);
    assert_clean("the run summary", &format!("{run:?}"), &secrets);
    util::cleanup(&g, &key).await;
}
