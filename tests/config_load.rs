//! Loading settings end to end: real files on disk, an injected environment, CLI overrides.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use oktagraph::config::{self, AccountAuth, ConfigError, ConfigOverrides, Settings};
use secrecy::ExposeSecret;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config").join(name).join("oktagraph.toml")
}

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    move |k| map.get(k).cloned()
}

fn with_config(path: PathBuf) -> ConfigOverrides {
    ConfigOverrides { config_path: Some(path), ..Default::default() }
}

fn load(cli: &ConfigOverrides, env: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    config::load(cli, &env_of(env))
}

#[test]
fn unknown_key_reports_file_line_and_column() {
    let err = load(&with_config(fixture("unknown_key")), &[]).unwrap_err();
    assert!(matches!(err, ConfigError::Parse { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("unknown_key/oktagraph.toml:8:1: unknown field `polling_intervall`"), "{msg}");
    assert!(msg.contains("expected one of"), "lists the valid keys: {msg}");
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn invalid_toml_reports_file_line_and_column() {
    let err = load(&with_config(fixture("invalid_toml")), &[]).unwrap_err();
    assert!(matches!(err, ConfigError::Parse { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("invalid_toml/oktagraph.toml:3:8: "), "{msg}");
    assert!(!msg.contains('\n'), "one line: {msg}");
}

#[test]
fn explicit_config_file_must_exist() {
    let err = load(&with_config("/nonexistent/oktagraph.toml".into()), &[]).unwrap_err();
    assert!(matches!(err, ConfigError::ReadFile { .. }));
    assert!(err.to_string().starts_with("cannot read config file /nonexistent/oktagraph.toml: "), "{err}");
    let err = load(&ConfigOverrides::default(), &[("OKTAGRAPH_CONFIG", "/nonexistent/o.toml")]).unwrap_err();
    assert!(matches!(err, ConfigError::ReadFile { .. }));
}

#[test]
fn environment_only_gives_one_account_named_after_the_subdomain() {
    let s =
        load(&ConfigOverrides::default(), &[("OKTA_ORG_URL", "https://dev-123456.okta.com"), ("OKTA_API_TOKEN", "00env-token")]).unwrap();
    let accounts = s.require_accounts().unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].name, "dev-123456");
    assert_eq!(accounts[0].org_url, "https://dev-123456.okta.com");
    assert!(matches!(&accounts[0].auth, AccountAuth::Token(t) if t.expose_secret() == "00env-token"));
    assert_eq!(s.neo4j.uri, "bolt://127.0.0.1:7687");
    assert_eq!(s.neo4j.user, "neo4j");
    assert_eq!(s.neo4j.database, "neo4j");
    assert!(s.neo4j.password.is_none());
}

#[test]
fn environment_only_without_token_names_the_variable() {
    let err = load(&ConfigOverrides::default(), &[("OKTA_ORG_URL", "http://127.0.0.1:8080")]).unwrap_err();
    assert_eq!(err.to_string(), "account \"127.0.0.1\" API token: environment variable OKTA_API_TOKEN is not set");
}

#[test]
fn nothing_configured_is_fine_until_accounts_are_required() {
    let s = load(&ConfigOverrides::default(), &[]).unwrap();
    assert!(matches!(s.require_accounts(), Err(ConfigError::NoAccounts)));
}

#[test]
fn config_path_from_environment() {
    let path = fixture("single");
    let s = load(&ConfigOverrides::default(), &[("OKTAGRAPH_CONFIG", path.to_str().unwrap()), ("FILE_TOKEN", "t")]).unwrap();
    assert_eq!(s.accounts[0].name, "file-org");
}

#[test]
fn precedence_cli_over_env_over_file_over_default() {
    let path = fixture("single");
    let file_only = load(&with_config(path.clone()), &[("FILE_TOKEN", "t")]).unwrap();
    assert_eq!(file_only.neo4j.uri, "bolt://file-host:7687");
    assert_eq!(file_only.neo4j.user, "file-user");
    assert_eq!(file_only.neo4j.database, "file-db");
    assert_eq!(file_only.neo4j.batch_size, 100);

    let env = [
        ("FILE_TOKEN", "t"),
        ("NEO4J_URI", "neo4j://env-host"),
        ("NEO4J_USER", "env-user"),
        ("NEO4J_DATABASE", "env-db"),
        ("NEO4J_PASSWORD", "env-password"),
    ];
    let env_wins = load(&with_config(path.clone()), &env).unwrap();
    assert_eq!(env_wins.neo4j.uri, "neo4j://env-host");
    assert_eq!(env_wins.neo4j.user, "env-user");
    assert_eq!(env_wins.neo4j.database, "env-db");
    assert_eq!(env_wins.neo4j.password.as_ref().unwrap().expose_secret(), "env-password");

    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "cli-password\n").unwrap();
    let cli = ConfigOverrides {
        neo4j_uri: Some("bolt+s://cli-host".into()),
        neo4j_user: Some("cli-user".into()),
        neo4j_database: Some("cli-db".into()),
        neo4j_password_file: Some(pw),
        batch_size: Some(7),
        ..with_config(path)
    };
    let cli_wins = load(&cli, &env).unwrap();
    assert_eq!(cli_wins.neo4j.uri, "bolt+s://cli-host");
    assert_eq!(cli_wins.neo4j.user, "cli-user");
    assert_eq!(cli_wins.neo4j.database, "cli-db");
    assert_eq!(cli_wins.neo4j.password.as_ref().unwrap().expose_secret(), "cli-password");
    assert_eq!(cli_wins.neo4j.batch_size, 7);
}

#[test]
fn empty_environment_values_count_as_unset() {
    let s = load(&with_config(fixture("single")), &[("FILE_TOKEN", "t"), ("NEO4J_URI", ""), ("OKTA_API_TOKEN", " ")]).unwrap();
    assert_eq!(s.neo4j.uri, "bolt://file-host:7687");
    assert!(matches!(&s.accounts[0].auth, AccountAuth::Token(t) if t.expose_secret() == "t"));
}

#[test]
fn okta_env_overrides_a_single_account_file() {
    let s =
        load(&with_config(fixture("single")), &[("OKTA_ORG_URL", "https://env-org.okta.com"), ("OKTA_API_TOKEN", "env-token")]).unwrap();
    let a = &s.accounts[0];
    assert_eq!(a.org_url, "https://env-org.okta.com");
    // The name defaults from the effective org URL.
    assert_eq!(a.name, "env-org");
    // FILE_TOKEN is unset, but OKTA_API_TOKEN replaces it, so it is never read.
    assert!(matches!(&a.auth, AccountAuth::Token(t) if t.expose_secret() == "env-token"));
}

#[test]
fn okta_env_is_ignored_with_several_accounts() {
    let s = load(&with_config(fixture("full")), &[("OKTA_ORG_URL", "https://env-org.okta.com"), ("OKTA_API_TOKEN", "env-token")]).unwrap();
    assert_eq!(
        s.accounts.iter().map(|a| a.org_url.as_str()).collect::<Vec<_>>(),
        ["https://acme.okta.com", "https://acme.oktapreview.com"]
    );
}

#[test]
fn full_file_reads_secrets_from_files_relative_to_the_config() {
    let path = fixture("full");
    let dir = path.parent().unwrap();
    let s = load(&with_config(path.clone()), &[]).unwrap();

    assert_eq!(s.neo4j.uri, "neo4j+s://graph.example.com:7687");
    assert_eq!(s.neo4j.password.as_ref().unwrap().expose_secret(), "fixture-neo4j-password");
    assert_eq!(s.neo4j.batch_size, 2000);
    assert_eq!(s.alerts.dir.as_deref(), Some(dir.join("alerts").as_path()));
    assert_eq!(s.alerts.jsonl.as_deref(), Some(dir.join("out/alerts.jsonl").as_path()));
    assert!(!s.alerts.stdout);
    assert!(s.alerts.webhook.as_ref().unwrap().expose_secret().contains("fixture-webhook-secret"));

    let prod = &s.accounts[0];
    assert_eq!(prod.name, "prod");
    assert_eq!(prod.description.as_deref(), Some("Production org"));
    assert_eq!(prod.org_url, "https://acme.okta.com");
    assert!(matches!(&prod.auth, AccountAuth::Token(t) if t.expose_secret() == "fixture-token-value-0001"));
    assert!(prod.tag_with_account_name);
    assert_eq!(prod.polling_interval, Some(Duration::from_secs(5400)));
    assert_eq!(prod.steps.as_deref().unwrap(), ["account", "users", "groups"]);
    assert_eq!(prod.rate_limit_share, 0.25);
    assert_eq!(prod.max_in_flight, 4);

    let preview = &s.accounts[1];
    assert_eq!(preview.name, "acme");
    match &preview.auth {
        AccountAuth::OAuth { client_id, private_key_pem, key_id, scopes } => {
            assert_eq!(client_id, "0oafixture");
            assert!(private_key_pem.expose_secret().starts_with("-----BEGIN PRIVATE KEY-----"));
            assert_eq!(key_id.as_deref(), Some("kid-1"));
            assert_eq!(scopes, &["okta.users.read"]);
        }
        other => panic!("expected OAuth, got {other:?}"),
    }
}

#[test]
fn account_flag_selects_one() {
    let cli = ConfigOverrides { account: Some("acme".into()), ..with_config(fixture("full")) };
    let s = load(&cli, &[]).unwrap();
    assert_eq!(s.accounts.len(), 1);
    assert_eq!(s.accounts[0].org_url, "https://acme.oktapreview.com");

    let cli = ConfigOverrides { account: Some("nope".into()), ..with_config(fixture("full")) };
    let err = load(&cli, &[]).unwrap_err();
    assert_eq!(err.to_string(), "--account: no account named \"nope\"; configured accounts: prod, acme");
}

#[test]
fn unreadable_token_file_names_account_and_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oktagraph.toml");
    std::fs::write(&path, "[[account]]\nname = \"a\"\norg_url = \"https://a.okta.com\"\ntoken_file = \"missing.txt\"\n").unwrap();
    let err = load(&with_config(path), &[]).unwrap_err();
    assert!(matches!(err, ConfigError::SecretFileUnreadable { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.starts_with("account \"a\" API token: cannot read "), "{msg}");
    assert!(msg.contains(&dir.path().join("missing.txt").display().to_string()), "{msg}");
}

#[test]
fn empty_token_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oktagraph.toml");
    std::fs::write(dir.path().join("token.txt"), "\n  \n").unwrap();
    std::fs::write(&path, "[[account]]\nname = \"a\"\norg_url = \"https://a.okta.com\"\ntoken_file = \"token.txt\"\n").unwrap();
    let err = load(&with_config(path), &[]).unwrap_err();
    assert!(matches!(err, ConfigError::SecretEmpty { .. }), "{err:?}");
    assert!(err.to_string().starts_with("account \"a\" API token: file "), "{err}");
    assert!(err.to_string().ends_with("token.txt is empty"), "{err}");
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let s = load(&with_config(fixture("full")), &[("NEO4J_PASSWORD", "env-neo4j-password-9")]).unwrap();
    let env_only =
        load(&ConfigOverrides::default(), &[("OKTA_ORG_URL", "https://acme.okta.com"), ("OKTA_API_TOKEN", "00env-token-secret-7")])
            .unwrap();
    let debug = format!("{s:?}\n{s:#?}\n{env_only:?}\n{env_only:#?}");
    for secret in
        ["fixture-token-value-0001", "env-neo4j-password-9", "fixture-not-a-real-key", "fixture-webhook-secret", "00env-token-secret-7"]
    {
        assert!(!debug.contains(secret), "{secret} leaked into Debug:\n{debug}");
    }
    // The non-secret parts are still there, so Debug stays useful.
    assert!(debug.contains("0oafixture") && debug.contains("acme.okta.com") && debug.contains("REDACTED"));
}

#[test]
fn example_parses_and_loads() {
    config::check_str(Path::new("oktagraph.toml"), config::example_toml()).unwrap();
    let s = config::load_str(
        Path::new("oktagraph.toml"),
        config::example_toml(),
        &ConfigOverrides::default(),
        &env_of(&[("OKTA_API_TOKEN", "t")]),
    )
    .unwrap();
    assert_eq!(s.accounts.len(), 1);
    assert_eq!(s.accounts[0].name, "acme");
}

#[test]
fn write_example_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oktagraph.toml");
    config::write_example(&path, false).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), config::example_toml());

    std::fs::write(&path, "# mine\n").unwrap();
    let err = config::write_example(&path, false).unwrap_err();
    assert!(matches!(err, ConfigError::AlreadyExists { .. }));
    assert!(err.to_string().ends_with("oktagraph.toml already exists; pass --force to overwrite it"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");

    config::write_example(&path, true).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), config::example_toml());
    // What `init` writes is what `sync` then loads.
    load(&with_config(path), &[("OKTA_API_TOKEN", "t")]).unwrap();
}

#[test]
fn write_example_into_missing_folder_is_a_write_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = config::write_example(&dir.path().join("no/such/dir/oktagraph.toml"), false).unwrap_err();
    assert!(matches!(err, ConfigError::WriteFile { .. }), "{err:?}");
}
