//! Resolved settings: what commands receive. Every value here is final (CLI, env, file and defaults
//! already merged, secrets already read), so commands never look at the environment or the file.

use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

use super::ConfigError;

/// Default Neo4j URI (README.md#configuration).
pub(crate) const DEFAULT_NEO4J_URI: &str = "bolt://127.0.0.1:7687";
/// Default Neo4j user (README.md#configuration).
pub(crate) const DEFAULT_NEO4J_USER: &str = "neo4j";
/// Default Neo4j database (README.md#configuration): the graph module's.
pub(crate) use crate::graph::DEFAULT_DATABASE as DEFAULT_NEO4J_DATABASE;
/// Neo4j URI schemes the driver understands: the graph module's list, which it checks on connect.
pub(crate) use crate::graph::URI_SCHEMES as NEO4J_SCHEMES;
/// Writer defaults and bounds: the graph module's, which owns the writer.
pub(crate) use crate::graph::{DEFAULT_BATCH_SIZE, DEFAULT_WRITE_CONCURRENCY, MAX_BATCH_SIZE, MAX_WRITE_CONCURRENCY};
/// Read scopes an OAuth service app needs for a full sync (okta-api.md §5): the okta module's list.
pub(crate) use crate::okta::DEFAULT_SCOPES as DEFAULT_OAUTH_SCOPES;
/// Okta client defaults (rate-limit share, concurrent requests): the okta module's.
pub(crate) use crate::okta::{DEFAULT_MAX_IN_FLIGHT, DEFAULT_RATE_LIMIT_SHARE};

/// Everything a command needs, resolved from CLI flags, environment and `oktagraph.toml`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The Neo4j connection.
    pub neo4j: Neo4jSettings,
    /// Okta accounts to sync, in file order; only the selected one when `--account` was given. May be
    /// empty: commands that sync call [`Settings::require_accounts`].
    pub accounts: Vec<AccountSettings>,
    /// Where alerts go.
    pub alerts: AlertSettings,
    /// How long an account's sync lock outlives its holder's last heartbeat (`[sync] lock_ttl`).
    pub lock_ttl: Duration,
}

impl Settings {
    /// The accounts to sync, or [`ConfigError::NoAccounts`] when there are none. Separate from loading so
    /// that commands that only talk to Neo4j (`query`, `schema`, `purge`) work without Okta settings.
    pub fn require_accounts(&self) -> Result<&[AccountSettings], ConfigError> {
        if self.accounts.is_empty() {
            Err(ConfigError::NoAccounts)
        } else {
            Ok(&self.accounts)
        }
    }
}

/// How to reach Neo4j.
#[derive(Debug, Clone)]
pub struct Neo4jSettings {
    /// Connection URI; the scheme is one of [`NEO4J_SCHEMES`].
    pub uri: String,
    /// User name.
    pub user: String,
    /// Password; `None` when none was configured (e.g. auth disabled on a local server).
    pub password: Option<SecretString>,
    /// Database name.
    pub database: String,
    /// Rows per `UNWIND` statement, `1..=MAX_BATCH_SIZE`.
    pub batch_size: usize,
    /// Batches the writer keeps in flight, `1..=MAX_WRITE_CONCURRENCY`.
    pub write_concurrency: usize,
}

/// One Okta org to sync.
#[derive(Debug, Clone)]
pub struct AccountSettings {
    /// Unique name; defaults to the org subdomain (`acme` for `https://acme.okta.com`).
    pub name: String,
    /// Free text for humans.
    pub description: Option<String>,
    /// Org URL, trimmed, without a trailing slash. Only checked to be non-empty here; the okta module
    /// owns real URL validation.
    pub org_url: String,
    /// Credentials.
    pub auth: AccountAuth,
    /// Also tag nodes with the account name.
    pub tag_with_account_name: bool,
    /// How often to re-sync this account when polling; `None` = polling disabled.
    pub polling_interval: Option<Duration>,
    /// How often a full sync is forced; between them syncs are incremental (docs/graph.md#incremental-sync).
    pub full_sync_interval: crate::sync::mode::FullSyncInterval,
    /// Subset of [`STEP_NAMES`] to run, deduplicated, in the order given; `None` = all steps.
    pub steps: Option<Vec<String>>,
    /// Share of each Okta rate-limit bucket this account may use, in `(0, 1]`.
    pub rate_limit_share: f64,
    /// Maximum concurrent Okta requests, at least 1.
    pub max_in_flight: usize,
}

/// Okta credentials. `Debug` shows which kind, never the secret.
#[derive(Debug, Clone)]
pub enum AccountAuth {
    /// SSWS API token.
    Token(SecretString),
    /// OAuth 2.0 service app using `private_key_jwt`.
    OAuth {
        /// The service app's client id.
        client_id: String,
        /// PEM-encoded RSA or EC private key (checked only to be non-empty here).
        private_key_pem: SecretString,
        /// `kid` header for the client assertion, if the app has several keys.
        key_id: Option<String>,
        /// Scopes to request; [`DEFAULT_OAUTH_SCOPES`] unless configured.
        scopes: Vec<String>,
    },
}

/// Where alert matches are reported.
#[derive(Debug, Clone)]
pub struct AlertSettings {
    /// Folder of user alert rules (`*.cypher`), resolved against the config file's folder.
    pub dir: Option<PathBuf>,
    /// Print alerts on stdout.
    pub stdout: bool,
    /// Append alerts as JSON lines to this file, resolved against the config file's folder.
    pub jsonl: Option<PathBuf>,
    /// POST alerts to this http(s) URL. A secret because chat webhooks embed their token in the URL.
    pub webhook: Option<SecretString>,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings { dir: None, stdout: true, jsonl: None, webhook: None }
    }
}
