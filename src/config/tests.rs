//! Unit tests for validation: one test per rule, asserting both the variant and the message a user sees.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use secrecy::ExposeSecret;

use super::validate::default_account_name;
use super::*;

const PATH: &str = "conf/oktagraph.toml";

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    move |k| map.get(k).cloned()
}

fn load_with(src: &str, pairs: &[(&str, &str)], cli: &ConfigOverrides) -> Result<Settings, ConfigError> {
    load_str(Path::new(PATH), src, cli, &env_of(pairs))
}

/// Loads with `TOKEN` set, which is what `account()` below refers to.
fn load_ok(src: &str) -> Settings {
    load_with(src, &[("TOKEN", "t0ken")], &ConfigOverrides::default()).unwrap()
}

fn load_err(src: &str) -> ConfigError {
    load_with(src, &[("TOKEN", "t0ken")], &ConfigOverrides::default()).unwrap_err()
}

/// A minimal valid account table with `extra` lines appended.
fn account(extra: &str) -> String {
    format!("[[account]]\norg_url = \"https://acme.okta.com\"\ntoken_env = \"TOKEN\"\n{extra}\n")
}

#[test]
fn minimal_account_gets_defaults() {
    let s = load_ok(&account(""));
    assert_eq!(s.accounts.len(), 1);
    let a = &s.accounts[0];
    assert_eq!(a.name, "acme");
    assert_eq!(a.org_url, "https://acme.okta.com");
    assert!(matches!(&a.auth, AccountAuth::Token(t) if t.expose_secret() == "t0ken"));
    assert_eq!(a.polling_interval, None);
    assert_eq!(a.steps, None);
    assert_eq!(a.rate_limit_share, DEFAULT_RATE_LIMIT_SHARE);
    assert_eq!(a.max_in_flight, DEFAULT_MAX_IN_FLIGHT);
    assert!(!a.tag_with_account_name);
    assert_eq!(s.neo4j.uri, DEFAULT_NEO4J_URI);
    assert_eq!(s.neo4j.user, "neo4j");
    assert_eq!(s.neo4j.database, "neo4j");
    assert_eq!(s.neo4j.batch_size, DEFAULT_BATCH_SIZE);
    assert!(s.neo4j.password.is_none());
    assert!(s.alerts.stdout);
}

#[test]
fn duplicate_account_names() {
    let src = format!("{}name = \"prod\"\n{}name = \"prod\"\n", account(""), account(""));
    let err = load_err(&src);
    assert!(matches!(&err, ConfigError::DuplicateAccount { name, .. } if name == "prod"), "{err:?}");
    let msg = err.to_string();
    assert!(msg.starts_with("conf/oktagraph.toml:10:8: account[1].name: account name \"prod\""), "{msg}");
    assert!(msg.contains("conf/oktagraph.toml:5:8: account[0].name"), "names the first definition: {msg}");
}

#[test]
fn duplicate_account_names_from_defaulted_subdomains() {
    let src = format!("{}{}", account(""), account(""));
    let err = load_err(&src);
    assert!(matches!(&err, ConfigError::DuplicateAccount { name, .. } if name == "acme"), "{err}");
    assert!(err.to_string().contains("account[1].org_url"), "{err}");
}

#[test]
fn unknown_step_lists_valid_names() {
    let err = load_err(&account("steps = [\"users\", \"gropus\"]"));
    assert!(matches!(&err, ConfigError::UnknownStep { step, .. } if step == "gropus"));
    let msg = err.to_string();
    assert!(msg.starts_with("conf/oktagraph.toml:4:19: account[0].steps[1]: unknown step \"gropus\""), "{msg}");
    for name in crate::collect::step_names() {
        assert!(msg.contains(name), "{msg} should list {name}");
    }
}

#[test]
fn steps_are_deduplicated_in_order_and_empty_is_refused() {
    let s = load_ok(&account("steps = [\"groups\", \"users\", \"groups\"]"));
    assert_eq!(s.accounts[0].steps.as_deref(), Some(&["groups".to_string(), "users".to_string()][..]));
    assert!(matches!(load_err(&account("steps = []")), ConfigError::EmptySteps { .. }));
}

#[test]
fn batch_size_bounds() {
    for bad in ["0", "100001", "-1"] {
        let err = load_err(&format!("[neo4j]\nbatch_size = {bad}\n"));
        assert!(matches!(err, ConfigError::BatchSize { .. }), "{bad}: {err:?}");
        let msg = err.to_string();
        assert!(msg.starts_with("conf/oktagraph.toml:2:14: neo4j.batch_size: batch size must be between 1 and 100000"), "{msg}");
    }
    assert_eq!(load_ok("[neo4j]\nbatch_size = 100000\n").neo4j.batch_size, 100_000);
    assert_eq!(load_ok("[neo4j]\nbatch_size = 1\n").neo4j.batch_size, 1);
}

#[test]
fn batch_size_from_cli_is_checked_and_wins() {
    let cli = ConfigOverrides { batch_size: Some(0), ..Default::default() };
    let err = load_with("[neo4j]\nbatch_size = 10\n", &[], &cli).unwrap_err();
    assert_eq!(err.to_string(), "--batch-size: batch size must be between 1 and 100000, got 0");
    let cli = ConfigOverrides { batch_size: Some(42), ..Default::default() };
    assert_eq!(load_with("[neo4j]\nbatch_size = 10\n", &[], &cli).unwrap().neo4j.batch_size, 42);
}

#[test]
fn rate_limit_share_bounds() {
    for bad in ["0", "0.0", "1.5", "-0.1", "nan", "inf"] {
        let err = load_err(&account(&format!("rate_limit_share = {bad}")));
        assert!(matches!(err, ConfigError::RateLimitShare { .. }), "{bad}: {err:?}");
        assert!(err.to_string().contains("account[0].rate_limit_share: rate_limit_share must be greater than 0 and at most 1"));
    }
    assert_eq!(load_ok(&account("rate_limit_share = 1")).accounts[0].rate_limit_share, 1.0);
    assert_eq!(load_ok(&account("rate_limit_share = 0.25")).accounts[0].rate_limit_share, 0.25);
}

#[test]
fn max_in_flight_at_least_one() {
    assert!(matches!(load_err(&account("max_in_flight = 0")), ConfigError::MaxInFlight { value: 0, .. }));
    assert_eq!(load_ok(&account("max_in_flight = 4")).accounts[0].max_in_flight, 4);
}

#[test]
fn polling_interval_values() {
    for (bad, why) in [("-5m", "must not be negative"), ("soon", "expected a number"), ("0m", "greater than zero")] {
        let err = load_err(&account(&format!("polling_interval = \"{bad}\"")));
        assert!(matches!(err, ConfigError::PollingInterval { .. }), "{bad}: {err:?}");
        let msg = err.to_string();
        assert!(msg.starts_with(&format!("conf/oktagraph.toml:4:20: account[0].polling_interval: polling interval \"{bad}\"")), "{msg}");
        assert!(msg.contains(why), "{msg}");
    }
    let ok = |v: &str| load_ok(&account(&format!("polling_interval = \"{v}\""))).accounts[0].polling_interval;
    assert_eq!(ok("DISABLED"), None);
    assert_eq!(ok("disabled"), None);
    assert_eq!(ok("1h30m"), Some(Duration::from_secs(5400)));
}

#[test]
fn wrong_type_is_a_parse_error_with_location() {
    let err = load_err(&account("polling_interval = 5"));
    assert!(matches!(err, ConfigError::Parse { .. }));
    assert!(err.to_string().starts_with("conf/oktagraph.toml:4:20: invalid type: integer `5`, expected a string"), "{err}");
}

#[test]
fn no_accounts_is_only_an_error_when_required() {
    let s = load_with("", &[], &ConfigOverrides::default()).unwrap();
    assert!(s.accounts.is_empty());
    let err = s.require_accounts().unwrap_err();
    assert!(matches!(err, ConfigError::NoAccounts));
    assert!(err.to_string().contains("OKTA_ORG_URL and OKTA_API_TOKEN"), "{err}");
    assert_eq!(load_ok(&account("")).require_accounts().unwrap().len(), 1);
}

#[test]
fn token_sources_both_set() {
    let err = load_err(&account("token_file = \"token.txt\""));
    assert!(matches!(&err, ConfigError::ConflictingCredentials { sources, .. } if sources == &["token_env", "token_file"]));
    assert_eq!(
        err.to_string(),
        "conf/oktagraph.toml:4:14: account[0].token_file: account \"acme\" sets token_env and token_file; use exactly one"
    );
    let err = load_err(&account("[account.oauth]\nclient_id = \"c\"\nprivate_key_file = \"k.pem\""));
    assert!(matches!(&err, ConfigError::ConflictingCredentials { sources, .. } if sources == &["token_env", "[account.oauth]"]));
}

#[test]
fn token_sources_neither_set() {
    let err = load_err("[[account]]\nname = \"x\"\norg_url = \"https://acme.okta.com\"\n");
    assert!(matches!(&err, ConfigError::MissingCredentials { account, .. } if account == "x"));
    assert!(err.to_string().contains("account \"x\" has no credentials; set one of token_env, token_file or [account.oauth]"));
}

#[test]
fn empty_org_url() {
    let err = load_err("[[account]]\norg_url = \"  \"\ntoken_env = \"TOKEN\"\n");
    assert!(matches!(err, ConfigError::OrgUrl { .. }));
    assert_eq!(
        err.to_string(),
        "conf/oktagraph.toml:2:11: account[0].org_url: account \"account[0]\" org_url is empty; expected e.g. https://acme.okta.com"
    );
}

#[test]
fn org_url_is_trimmed() {
    let s = load_ok("[[account]]\norg_url = \" https://acme.okta.com/ \"\ntoken_env = \"TOKEN\"\n");
    assert_eq!(s.accounts[0].org_url, "https://acme.okta.com");
}

#[test]
fn empty_name_is_refused() {
    assert!(matches!(load_err(&account("name = \" \"")), ConfigError::AccountName { .. }));
}

#[test]
fn account_selection() {
    let src = format!("{}name = \"a\"\n{}name = \"b\"\n", account(""), account(""));
    let cli = ConfigOverrides { account: Some("b".into()), ..Default::default() };
    let s = load_with(&src, &[("TOKEN", "t")], &cli).unwrap();
    assert_eq!(s.accounts.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["b"]);

    let cli = ConfigOverrides { account: Some("c".into()), ..Default::default() };
    let err = load_with(&src, &[("TOKEN", "t")], &cli).unwrap_err();
    assert!(matches!(&err, ConfigError::UnknownAccount { name, .. } if name == "c"));
    assert_eq!(err.to_string(), "--account: no account named \"c\"; configured accounts: a, b");
}

#[test]
fn account_selection_skips_other_accounts_secrets() {
    let src = "[[account]]\nname = \"a\"\norg_url = \"https://a.okta.com\"\ntoken_env = \"A_TOKEN\"\n\
               [[account]]\nname = \"b\"\norg_url = \"https://b.okta.com\"\ntoken_env = \"B_TOKEN\"\n";
    let cli = ConfigOverrides { account: Some("a".into()), ..Default::default() };
    assert!(load_with(src, &[("A_TOKEN", "t")], &cli).is_ok());
    let err = load_with(src, &[("A_TOKEN", "t")], &ConfigOverrides::default()).unwrap_err();
    assert_eq!(err.to_string(), "account \"b\" API token: environment variable B_TOKEN is not set");
}

#[test]
fn neo4j_uri_schemes() {
    for ok in ["bolt://h:7687", "bolt+s://h", "bolt+ssc://h", "neo4j://h", "neo4j+s://h", "neo4j+ssc://h"] {
        assert_eq!(load_ok(&format!("[neo4j]\nuri = \"{ok}\"\n")).neo4j.uri, ok);
    }
    let err = load_err("[neo4j]\nuri = \"http://h:7474\"\n");
    assert!(matches!(err, ConfigError::Neo4jUri { .. }));
    assert_eq!(
        err.to_string(),
        "conf/oktagraph.toml:2:7: neo4j.uri: Neo4j URI \"http://h:7474\" has unsupported scheme \"http\"; \
         use one of bolt, bolt+s, bolt+ssc, neo4j, neo4j+s, neo4j+ssc"
    );
    let err = load_with("", &[("NEO4J_URI", "localhost:7687")], &ConfigOverrides::default()).unwrap_err();
    assert!(err.to_string().starts_with("environment variable NEO4J_URI: Neo4j URI \"localhost:7687\""), "{err}");
    let cli = ConfigOverrides { neo4j_uri: Some("not a uri".into()), ..Default::default() };
    let err = load_with("", &[], &cli).unwrap_err();
    assert!(err.to_string().starts_with("--neo4j-uri: Neo4j URI \"not a uri\" is not a valid URI"), "{err}");
}

#[test]
fn password_sources() {
    let err = load_err("[neo4j]\npassword_env = \"P\"\npassword_file = \"p.txt\"\n");
    assert!(matches!(err, ConfigError::ConflictingPassword { .. }));
    let s = load_with("[neo4j]\npassword_env = \"P\"\n", &[("P", "pw\n")], &ConfigOverrides::default()).unwrap();
    assert_eq!(s.neo4j.password.unwrap().expose_secret(), "pw");
    // NEO4J_PASSWORD always wins over the file's choice, even one that would fail.
    let s = load_with("[neo4j]\npassword_file = \"/nonexistent\"\n", &[("NEO4J_PASSWORD", "env")], &ConfigOverrides::default()).unwrap();
    assert_eq!(s.neo4j.password.unwrap().expose_secret(), "env");
    let err = load_with("[neo4j]\npassword_env = \"P\"\n", &[], &ConfigOverrides::default()).unwrap_err();
    assert_eq!(err.to_string(), "Neo4j password: environment variable P is not set");
}

#[test]
fn empty_token_is_an_error_naming_the_source() {
    let err = load_with(&account(""), &[("TOKEN", "  \n")], &ConfigOverrides::default()).unwrap_err();
    assert!(matches!(err, ConfigError::SecretEmpty { .. }));
    assert_eq!(err.to_string(), "account \"acme\" API token: environment variable TOKEN is empty");
}

#[test]
fn missing_token_env_names_account_and_variable() {
    let err = load_with(&account(""), &[], &ConfigOverrides::default()).unwrap_err();
    assert!(matches!(err, ConfigError::SecretEnvMissing { .. }));
    assert_eq!(err.to_string(), "account \"acme\" API token: environment variable TOKEN is not set");
}

#[test]
fn webhook_must_be_http() {
    let err = load_err("[sync]\nalerts_webhook = \"ftp://x\"\n");
    assert!(matches!(err, ConfigError::Webhook { .. }));
    assert!(err.to_string().starts_with("conf/oktagraph.toml:2:18: sync.alerts_webhook: alerts_webhook must be an http"));
    let err = load_err("[sync]\nalerts_webhook = \"nope\"\n");
    assert!(err.to_string().contains("is not a valid URL"), "{err}");
}

#[test]
fn relative_paths_resolve_against_the_config_folder() {
    let s = load_ok("[sync]\nalerts_dir = \"alerts\"\nalerts_jsonl = \"/var/log/a.jsonl\"\nalerts_stdout = false\n");
    assert_eq!(s.alerts.dir.as_deref(), Some(Path::new("conf/alerts")));
    assert_eq!(s.alerts.jsonl.as_deref(), Some(Path::new("/var/log/a.jsonl")));
    assert!(!s.alerts.stdout);
}

#[test]
fn oauth_account() {
    let src = "[[account]]\norg_url = \"https://acme.okta.com\"\n[account.oauth]\nclient_id = \"cid\"\nprivate_key_file = \"/nonexistent/k.pem\"\n";
    // Validation alone does not read the key...
    check_str(Path::new(PATH), src).unwrap();
    // ...building does, and names the account and the file.
    let err = load_err(src);
    assert!(matches!(err, ConfigError::SecretFileUnreadable { .. }));
    assert!(err.to_string().starts_with("account \"acme\" OAuth private key: cannot read /nonexistent/k.pem: "), "{err}");
}

#[test]
fn empty_env_var_name_is_refused() {
    let err = load_err("[[account]]\norg_url = \"https://acme.okta.com\"\ntoken_env = \"\"\n");
    assert!(matches!(err, ConfigError::Invalid { .. }));
    assert!(err.to_string().contains("account[0].token_env: environment variable name is empty"), "{err}");
}

#[test]
fn default_names() {
    assert_eq!(default_account_name("https://acme.okta.com").as_deref(), Some("acme"));
    assert_eq!(default_account_name("https://ACME-dev.oktapreview.com/").as_deref(), Some("acme-dev"));
    assert_eq!(default_account_name("acme.okta.com").as_deref(), Some("acme"));
    assert_eq!(default_account_name("http://127.0.0.1:8080").as_deref(), Some("127.0.0.1"));
    assert_eq!(default_account_name("http://localhost:8080").as_deref(), Some("localhost"));
    assert_eq!(default_account_name("localhost:8080").as_deref(), Some("localhost"));
    assert_eq!(default_account_name("http://[::1]:8080").as_deref(), Some("[::1]"));
    assert_eq!(default_account_name(""), None);
}

#[test]
fn example_validates() {
    check_str(Path::new("oktagraph.toml"), example_toml()).unwrap();
}

#[test]
fn every_error_exits_with_2() {
    assert_eq!(ConfigError::NoAccounts.exit_code(), 2);
    assert_eq!(load_err("x = ").exit_code(), 2);
}

#[test]
fn secret_in_file_gets_a_hint() {
    let err = load_err("[neo4j]\npassword = \"hunter2\"\n");
    let msg = err.to_string();
    assert!(msg.starts_with("conf/oktagraph.toml:2:1: unknown field `password`"), "{msg}");
    assert!(msg.ends_with("name an environment variable or a file: password_env or password_file)"), "{msg}");
    assert!(!msg.contains("hunter2"), "{msg}");
    let err = load_err("[[account]]\norg_url = \"https://a.okta.com\"\ntoken = \"x\"\n");
    assert!(err.to_string().ends_with("token_env or token_file)"), "{err}");
}

#[test]
fn write_concurrency_bounds_and_default() {
    for bad in ["0", "17", "-2"] {
        let err = load_err(&format!("[neo4j]\nwrite_concurrency = {bad}\n"));
        assert!(matches!(err, ConfigError::WriteConcurrency { .. }), "{bad}: {err:?}");
        let msg = err.to_string();
        assert!(msg.starts_with("conf/oktagraph.toml:2:21: neo4j.write_concurrency: write concurrency must be between 1 and 16"), "{msg}");
    }
    assert_eq!(load_ok("[neo4j]\nwrite_concurrency = 1\n").neo4j.write_concurrency, 1);
    assert_eq!(load_ok("[neo4j]\nwrite_concurrency = 16\n").neo4j.write_concurrency, 16);
    assert_eq!(load_ok("").neo4j.write_concurrency, DEFAULT_WRITE_CONCURRENCY);
}

#[test]
fn lock_ttl_defaults_parses_and_refuses_too_short() {
    assert_eq!(load_ok(&account("")).lock_ttl, crate::graph::lock::DEFAULT_LOCK_TTL);
    let s = load_ok(&format!("[sync]\nlock_ttl = \"10m\"\n{}", account("")));
    assert_eq!(s.lock_ttl, Duration::from_secs(600));
    let e = load_err(&format!("[sync]\nlock_ttl = \"1s\"\n{}", account(""))).to_string();
    assert_eq!(e, "conf/oktagraph.toml:2:12: sync.lock_ttl: lock_ttl \"1s\" must be at least 4s");
    let e = load_err(&format!("[sync]\nlock_ttl = \"soon\"\n{}", account(""))).to_string();
    assert!(e.starts_with("conf/oktagraph.toml:2:12: sync.lock_ttl: lock_ttl \"soon\" "), "{e}");
}

#[test]
fn graph_only_commands_read_no_okta_credentials() {
    let graph_only = ConfigOverrides { graph_only: true, ..Default::default() };
    // The token variable is unset and an account has no credentials at all: neither matters.
    let s = load_with(&account(""), &[], &graph_only).unwrap();
    assert!(s.accounts.is_empty());
    let s = load_with("[[account]]\norg_url = \"https://acme.okta.com\"\n", &[], &graph_only).unwrap();
    assert!(s.accounts.is_empty());
    // Everything else in the file is still checked.
    let e = load_with(&format!("[neo4j]\nbatch_size = 0\n{}", account("")), &[], &graph_only).unwrap_err();
    assert!(matches!(e, ConfigError::BatchSize { .. }), "{e}");
    // A sync still needs the token, and says which.
    let e = load_with(&account(""), &[], &ConfigOverrides::default()).unwrap_err();
    assert!(matches!(e, ConfigError::SecretEnvMissing { .. }), "{e}");
}
