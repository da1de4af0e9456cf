//! Issue #7, bad input: each case gives one line naming the problem, a documented non-zero exit code
//! (README.md#commands: 2 usage/configuration, 3 cannot reach or authenticate), no panic, and no graph write.
//! Also: TLS Neo4j schemes are accepted, and a TLS failure against the plain local server is a clear exit 3.

use crate::util;

const TOKEN: &str = "00BadInputSecretToken0123456789abcdefghijk";

struct Case {
    name: &'static str,
    args: Vec<String>,
    env: Vec<(String, String)>,
    /// Files to create in the case's folder: (name, contents).
    files: Vec<(&'static str, String)>,
    code: i32,
    /// Lower-case words the error line must contain.
    says: Vec<&'static str>,
}

fn case(name: &'static str, code: i32, says: &[&'static str]) -> Case {
    Case { name, args: vec![], env: vec![], files: vec![], code, says: says.to_vec() }
}

impl Case {
    fn env(mut self, k: &str, v: &str) -> Case {
        self.env.push((k.into(), v.into()));
        self
    }
    fn args(mut self, a: &[&str]) -> Case {
        self.args = a.iter().map(|s| s.to_string()).collect();
        self
    }
    fn file(mut self, name: &'static str, contents: &str) -> Case {
        self.files.push((name, contents.to_string()));
        self
    }
}

/// Runs the binary in a fresh folder with NEO4J_PASSWORD set and the case's environment.
async fn run(c: &Case) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in &c.files {
        std::fs::write(dir.path().join(name), contents).unwrap();
    }
    let mut cmd = tokio::process::Command::new(util::bin());
    cmd.args(&c.args).current_dir(dir.path()).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd.env("NEO4J_PASSWORD", std::env::var("NEO4J_PASSWORD").unwrap_or_else(|_| "oktagraph-local".into()));
    if let Ok(uri) = std::env::var("NEO4J_URI") {
        cmd.env("NEO4J_URI", uri);
    }
    for (k, v) in &c.env {
        cmd.env(k, v);
    }
    let out = tokio::time::timeout(std::time::Duration::from_secs(60), cmd.output()).await.expect("in time").expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

fn account_toml(extra: &str) -> String {
    format!("[[account]]\norg_url = \"https://{MARKER}.okta.com\"\ntoken_env = \"T\"\n{extra}")
}

/// A host no other test uses, so "no graph write" can be checked by looking for it.
const MARKER: &str = "reliability-bad-input-7f3c";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gives_one_line_a_documented_exit_code_and_no_graph_write() {
    let g = util::graph().await;
    let org = format!("https://{MARKER}.okta.com");
    let sync = ["sync", "--once"];
    let cases = vec![
        case("missing token", 2, &["okta_api_token", "not set"]).env("OKTA_ORG_URL", &org).args(&sync),
        case("empty token", 2, &["okta_api_token", "empty"]).env("OKTA_ORG_URL", &org).env("OKTA_API_TOKEN", "").args(&sync),
        case("org URL not https", 2, &["http", "https"])
            .env("OKTA_ORG_URL", &format!("http://{MARKER}.okta.com"))
            .env("OKTA_API_TOKEN", TOKEN)
            .args(&sync),
        case("org URL with a path", 2, &["path"])
            .env("OKTA_ORG_URL", &format!("{org}/app/UserHome"))
            .env("OKTA_API_TOKEN", TOKEN)
            .args(&sync),
        case("typo'd org host", 3, &["connect", "dns"])
            .env("OKTA_ORG_URL", &format!("https://{MARKER}.okta.cmo"))
            .env("OKTA_API_TOKEN", TOKEN)
            .args(&sync),
        case("unreachable Okta", 3, &["connect", "refused"])
            .env("OKTA_ORG_URL", "http://127.0.0.1:9")
            .env("OKTA_API_TOKEN", TOKEN)
            .args(&sync),
        case("wrong Neo4j password", 3, &["neo4j", "credentials"])
            .env("OKTA_ORG_URL", &org)
            .env("OKTA_API_TOKEN", TOKEN)
            .env("NEO4J_PASSWORD", "not-the-password")
            .args(&sync),
        case("unreachable Neo4j", 3, &["cannot reach neo4j"])
            .env("OKTA_ORG_URL", &org)
            .env("OKTA_API_TOKEN", TOKEN)
            .env("NEO4J_URI", "bolt://127.0.0.1:1")
            .args(&sync),
        case("invalid TOML", 2, &["c.toml:1:"]).file("c.toml", "[neo4j\nuri = 1\n").args(&["--config", "c.toml", "sync", "--once"]),
        case("unknown config key", 2, &["unknown field", "colour"])
            .file("c.toml", &account_toml("colour = \"blue\"\n"))
            .env("T", TOKEN)
            .args(&["--config", "c.toml", "sync", "--once"]),
        case("negative polling interval", 2, &["polling", "negative"])
            .file("c.toml", &account_toml("polling_interval = \"-5m\"\n"))
            .env("T", TOKEN)
            .args(&["--config", "c.toml", "sync", "--once"]),
        case("unparsable polling interval", 2, &["polling", "soon"])
            .file("c.toml", &account_toml("polling_interval = \"soon\"\n"))
            .env("T", TOKEN)
            .args(&["--config", "c.toml", "sync", "--once"]),
        case("unknown step name (flag)", 2, &["unknown step", "gropus"])
            .env("OKTA_ORG_URL", &org)
            .env("OKTA_API_TOKEN", TOKEN)
            .args(&["sync", "--once", "--steps", "users,gropus"]),
        case("unknown step name (file)", 2, &["unknown step", "nope"])
            .file("c.toml", &account_toml("steps = [\"users\", \"nope\"]\n"))
            .env("T", TOKEN)
            .args(&["--config", "c.toml", "sync", "--once"]),
        case("batch size 0 (flag)", 2, &["batch size"])
            .env("OKTA_ORG_URL", &org)
            .env("OKTA_API_TOKEN", TOKEN)
            .args(&["--batch-size", "0", "sync", "--once"]),
        case("batch size 0 (file)", 2, &["batch_size"])
            .file("c.toml", &format!("[neo4j]\nbatch_size = 0\n{}", account_toml("")))
            .env("T", TOKEN)
            .args(&["--config", "c.toml", "sync", "--once"]),
        case("unreadable token file", 2, &["cannot read", "missing-token.txt"])
            .file("c.toml", &format!("[[account]]\norg_url = \"{org}\"\ntoken_file = \"missing-token.txt\"\n"))
            .args(&["--config", "c.toml", "sync", "--once"]),
        case("OAuth key that does not parse", 2, &["private key"])
            .file("key.pem", "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
            .file("c.toml", &format!("[[account]]\norg_url = \"{org}\"\n[account.oauth]\nclient_id = \"c\"\nprivate_key_file = \"key.pem\"\n"))
            .args(&["--config", "c.toml", "sync", "--once"]),
        case("two accounts with the same name", 2, &["already used", "unique"])
            .file(
                "c.toml",
                &format!(
                    "[[account]]\nname = \"a\"\norg_url = \"{org}\"\ntoken_env = \"T\"\n[[account]]\nname = \"a\"\norg_url = \"https://{MARKER}-b.okta.com\"\ntoken_env = \"T\"\n"
                ),
            )
            .env("T", TOKEN)
            .args(&["--config", "c.toml", "sync", "--once"]),
        case("config file that does not exist", 2, &["cannot read config file"]).args(&["--config", "nope.toml", "sync", "--once"]),
        case("Neo4j URI with an unsupported scheme", 2, &["scheme", "bolt+s"])
            .env("OKTA_ORG_URL", &org)
            .env("OKTA_API_TOKEN", TOKEN)
            .env("NEO4J_URI", "http://127.0.0.1:7687")
            .args(&sync),
        case("unknown command-line flag", 2, &["unexpected argument"]).args(&["sync", "--once", "--colour"]),
    ];
    assert!(cases.len() >= 15);
    let results = futures::future::join_all(cases.iter().map(run)).await;
    let mut failures = Vec::new();
    for (c, (code, stdout, stderr)) in cases.iter().zip(results) {
        let all = format!("{stdout}{stderr}");
        let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
        let problems = [
            (code != c.code).then(|| format!("exit {code}, expected {}", c.code)),
            all.contains("panicked").then(|| "panicked".to_string()),
            (errors.len() != 1).then(|| format!("{} error lines", errors.len())),
            errors
                .first()
                .filter(|l| !c.says.iter().all(|w| l.to_lowercase().contains(w)))
                .map(|l| format!("error line does not name the problem ({:?}): {l}", c.says)),
            all.contains(TOKEN).then(|| "the token appears in the output".to_string()),
            (!stdout.trim().is_empty()).then(|| format!("unexpected stdout: {stdout}")),
        ];
        for p in problems.into_iter().flatten() {
            failures.push(format!("{}: {p}\n--- stderr:\n{stderr}", c.name));
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    let written = util::count(
        &g,
        "MATCH (n) WHERE (NOT n:SyncRun) AND (n._key CONTAINS $m OR n._key CONTAINS '127.0.0.1:9') RETURN count(n) AS n",
        &[("m", MARKER)],
    )
    .await;
    assert_eq!(written, 0, "bad input wrote to the graph");
    // Only a sync Okta refused or could not be reached for leaves a trace: its `failed` run, with the reason.
    let runs = util::strings(
        &g,
        "MATCH (r:SyncRun) WHERE r._key CONTAINS $m OR r._key CONTAINS '127.0.0.1:9' RETURN r.status + ' ' + r.warnings[0] AS v",
        &[("m", MARKER)],
    )
    .await;
    assert!(runs.iter().all(|r| r.starts_with("failed ")), "{runs:?}");
    let connect = |r: &&String| r.to_lowercase().contains("connect");
    assert!(runs.len() >= 2 && runs.iter().filter(connect).count() >= 2, "the typo'd and the unreachable Okta are recorded: {runs:?}");
    g.run(
        neo4rs::query("MATCH (r:SyncRun) WHERE r._key CONTAINS $m OR r._key CONTAINS '127.0.0.1:9' DETACH DELETE r").param("m", MARKER),
        "cleanup",
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_neo4j_schemes_are_accepted_and_a_tls_failure_is_one_line_exit_3() {
    let server = util::sim_faulty(5, util::no_faults()).await;
    for uri in ["bolt+s://127.0.0.1:7687", "neo4j+s://127.0.0.1:7687"] {
        let mut env = util::sim_env(&server, TOKEN);
        env.retain(|(k, _)| k != "NEO4J_URI");
        env.push(("NEO4J_URI".into(), uri.into()));
        let (code, stdout, stderr) = util::run_bin(&["sync", "--once"], &util::pairs(&env)).await;
        assert_eq!(code, 3, "{uri}: the scheme is accepted (not a usage error) and the handshake failure is exit 3: {stderr}");
        let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
        assert_eq!(errors.len(), 1, "{uri}: one error line: {stderr}");
        assert!(errors[0].contains(uri) && errors[0].to_lowercase().contains("tls"), "{uri}: names the server and TLS: {}", errors[0]);
        assert!(!stderr.contains("panicked") && stdout.trim().is_empty());
    }
    assert_eq!(server.stats().requests_total, 0, "nothing was read from Okta when the graph is unreachable");
}
