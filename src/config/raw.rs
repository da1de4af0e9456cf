//! The file as written: serde structs mirroring `oktagraph.toml` one to one.
//!
//! Unknown keys are errors (`deny_unknown_fields`): a misspelt `polling_intervall` silently ignored is
//! worse than a refusal to start. Values we validate are `Spanned` so errors can point at their line.
//! Nothing here holds a secret: credentials are referenced by variable name or file path only.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::error::{ConfigError, Origin};

/// The whole `oktagraph.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    /// `[neo4j]`: how to reach the database.
    #[serde(default)]
    pub neo4j: RawNeo4j,
    /// `[sync]`: settings shared by all accounts.
    #[serde(default)]
    pub sync: RawSync,
    /// `[[account]]`: one table per Okta org.
    #[serde(default, rename = "account")]
    pub accounts: Vec<Spanned<RawAccount>>,
}

/// `[neo4j]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNeo4j {
    /// Connection URI, e.g. `bolt://127.0.0.1:7687`.
    pub uri: Option<Spanned<String>>,
    /// User name.
    pub user: Option<String>,
    /// Name of the environment variable holding the password.
    pub password_env: Option<Spanned<String>>,
    /// File whose contents (trimmed) are the password.
    pub password_file: Option<Spanned<PathBuf>>,
    /// Database name.
    pub database: Option<String>,
    /// Rows per `UNWIND` statement. Signed so a negative value gets the range message, not a type error.
    pub batch_size: Option<Spanned<i64>>,
    /// Batches the writer keeps in flight. Signed for the same reason.
    pub write_concurrency: Option<Spanned<i64>>,
}

/// `[sync]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSync {
    /// Folder of user alert rules (`*.cypher`).
    pub alerts_dir: Option<PathBuf>,
    /// Print alerts on stdout (default true).
    pub alerts_stdout: Option<bool>,
    /// JSON-lines file to append alerts to.
    pub alerts_jsonl: Option<PathBuf>,
    /// http(s) URL to POST alerts to.
    pub alerts_webhook: Option<Spanned<String>>,
    /// How long an account's sync lock outlives its holder's last heartbeat, e.g. `"2m"`.
    pub lock_ttl: Option<Spanned<String>>,
}

/// One `[[account]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAccount {
    /// Unique account name; defaults to the org subdomain.
    pub name: Option<Spanned<String>>,
    /// Free text.
    pub description: Option<String>,
    /// Org URL, e.g. `https://acme.okta.com`.
    pub org_url: Spanned<String>,
    /// Name of the environment variable holding the SSWS token.
    pub token_env: Option<Spanned<String>>,
    /// File whose contents (trimmed) are the SSWS token.
    pub token_file: Option<Spanned<PathBuf>>,
    /// OAuth service-app credentials instead of a token.
    pub oauth: Option<Spanned<RawOAuth>>,
    /// Also tag nodes with the account name.
    pub tag_with_account_name: Option<bool>,
    /// `"DISABLED"` or a duration such as `"1h"`.
    pub polling_interval: Option<Spanned<String>>,
    /// `"always"` or a duration such as `"24h"`: how often a full sync is forced.
    pub full_sync_interval: Option<Spanned<String>>,
    /// Subset of sync steps to run.
    pub steps: Option<Spanned<Vec<Spanned<String>>>>,
    /// Share of each Okta rate-limit bucket to use, in `(0, 1]`.
    pub rate_limit_share: Option<Spanned<f64>>,
    /// Maximum concurrent Okta requests.
    pub max_in_flight: Option<Spanned<i64>>,
}

/// `[account.oauth]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOAuth {
    /// The service app's client id.
    pub client_id: String,
    /// PEM file with the app's private key.
    pub private_key_file: Spanned<PathBuf>,
    /// `kid` of the key, if the app has several.
    pub key_id: Option<String>,
    /// Scopes to request; defaults to the read scopes a full sync needs.
    pub scopes: Option<Vec<String>>,
}

/// Parses `source` (the contents of `path`). Errors carry `path:line:col` and the parser's reason.
pub(crate) fn parse(path: &Path, source: &str) -> Result<RawConfig, ConfigError> {
    toml::from_str(source).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        ConfigError::Parse { at: Origin::in_file(path, source, span, ""), reason: with_hint(one_line(e.message())) }
    })
}

/// The parser's messages can span lines ("invalid table header\nexpected `.`, `]`"); ours are one line
/// so they read well after the `file:line:col:` prefix and in JSON logs.
fn one_line(msg: &str) -> String {
    msg.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("; ")
}

/// Someone writing `password = "..."` or `token = "..."` is trying to put a secret in the file; say why
/// that key does not exist instead of only listing the ones that do.
fn with_hint(reason: String) -> String {
    const HINT: &str = "secrets are not stored in the config file; name an environment variable or a file";
    if reason.starts_with("unknown field `password`") {
        format!("{reason} ({HINT}: password_env or password_file)")
    } else if reason.starts_with("unknown field `token`") || reason.starts_with("unknown field `api_token`") {
        format!("{reason} ({HINT}: token_env or token_file)")
    } else {
        reason
    }
}
