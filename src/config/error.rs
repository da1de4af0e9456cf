//! Configuration errors, and where in the inputs each one came from.
//!
//! Every error says *where* first (`oktagraph.toml:12:8: account[0].steps`, `environment variable
//! NEO4J_URI`, `--batch-size`) and then *what*, so a user can jump straight to the offending line. No
//! variant ever carries a secret value: only variable names and file paths.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where a configuration value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A key in the config file. `line` and `column` are 1-based; `key` is a dotted path such as
    /// `account[1].rate_limit_share` (array indexes are 0-based, as in TOML tooling).
    File {
        /// The config file, as the user named it.
        path: PathBuf,
        /// 1-based line of the value.
        line: usize,
        /// 1-based column (in characters) of the value.
        column: usize,
        /// Dotted key path, empty when the error concerns the whole document.
        key: String,
    },
    /// An environment variable, by name.
    Env(String),
    /// A command-line flag, e.g. `--batch-size`.
    Cli(&'static str),
    /// A built-in default.
    Default,
}

impl Origin {
    /// A file origin for the byte range `span` of `source`.
    pub(crate) fn in_file(path: &Path, source: &str, span: std::ops::Range<usize>, key: impl Into<String>) -> Self {
        let (line, column) = line_col(source, span.start);
        Origin::File { path: path.to_owned(), line, column, key: key.into() }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File { path, line, column, key } if key.is_empty() => {
                write!(f, "{}:{line}:{column}", path.display())
            }
            Origin::File { path, line, column, key } => write!(f, "{}:{line}:{column}: {key}", path.display()),
            Origin::Env(var) => write!(f, "environment variable {var}"),
            Origin::Cli(flag) => write!(f, "{flag}"),
            Origin::Default => write!(f, "default"),
        }
    }
}

/// 1-based line and column (in characters, not bytes) of byte `offset` in `source`.
pub(crate) fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    // Spans from the parser always fall on char boundaries; be defensive anyway.
    let offset = (0..=offset).rev().find(|&i| source.is_char_boundary(i)).unwrap_or(0);
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..offset].chars().count() + 1;
    (line, column)
}

/// How a secret was meant to be obtained, for error messages (never the value itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// From an environment variable.
    Env(String),
    /// From a file's contents.
    File(PathBuf),
}

impl fmt::Display for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::Env(var) => write!(f, "environment variable {var}"),
            SecretSource::File(path) => write!(f, "file {}", path.display()),
        }
    }
}

/// Everything that can go wrong turning CLI flags, environment and `oktagraph.toml` into [`super::Settings`].
///
/// All of these are usage or configuration errors: [`ConfigError::exit_code`] is 2 (README.md#commands).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("cannot read config file {}: {source}", path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },

    /// The config file is not valid TOML, has an unknown key, or a value of the wrong type.
    #[error("{at}: {reason}")]
    Parse {
        /// Where the parser stopped.
        at: Origin,
        /// The parser's reason, e.g. ``unknown field `colour`, expected one of ...``.
        reason: String,
    },

    /// Two accounts resolve to the same name (explicitly, or defaulted from their org subdomains).
    #[error(
        "{at}: account name \"{name}\" is already used by the account at {first}; names must be unique (set `name` to tell them apart)"
    )]
    DuplicateAccount {
        /// The second account's name.
        at: Origin,
        /// The clashing name.
        name: String,
        /// The first account with that name (boxed: two origins would make every `Result` in the crate large).
        first: Box<Origin>,
    },

    /// An account name is empty, or no name could be derived from its org URL.
    #[error("{at}: {reason}")]
    AccountName {
        /// Where.
        at: Origin,
        /// Why.
        reason: String,
    },

    /// A sync step name that does not exist.
    #[error("{at}: unknown step \"{step}\"; valid steps are: {}", valid.join(", "))]
    UnknownStep {
        /// Where.
        at: Origin,
        /// The unknown name.
        step: String,
        /// All valid names.
        valid: Vec<&'static str>,
    },

    /// `steps = []`: nothing would be synced, which is almost certainly a mistake.
    #[error("{at}: steps is empty; remove the key to run every step")]
    EmptySteps {
        /// Where.
        at: Origin,
    },

    /// `write_concurrency` outside `1..=16`.
    #[error("{at}: write concurrency must be between 1 and {max}, got {value}")]
    WriteConcurrency {
        /// Where.
        at: Origin,
        /// The rejected value.
        value: i64,
        /// The largest allowed value.
        max: usize,
    },

    /// `batch_size` outside `1..=100000`.
    #[error("{at}: batch size must be between 1 and {max}, got {value}")]
    BatchSize {
        /// Where.
        at: Origin,
        /// The rejected value.
        value: i64,
        /// The largest allowed value.
        max: usize,
    },

    /// `rate_limit_share` outside `(0, 1]`.
    #[error("{at}: rate_limit_share must be greater than 0 and at most 1, got {value}")]
    RateLimitShare {
        /// Where.
        at: Origin,
        /// The rejected value.
        value: f64,
    },

    /// `max_in_flight` below 1.
    #[error("{at}: max_in_flight must be at least 1, got {value}")]
    MaxInFlight {
        /// Where.
        at: Origin,
        /// The rejected value.
        value: i64,
    },

    /// `polling_interval` that is not `DISABLED` or a positive duration.
    #[error("{at}: polling interval \"{value}\" {reason}")]
    PollingInterval {
        /// Where.
        at: Origin,
        /// The rejected text.
        value: String,
        /// Why, from [`super::parse_duration`].
        reason: String,
    },
    /// `full_sync_interval` that is not `always` or a positive duration.
    #[error("{at}: full_sync_interval \"{value}\" {reason}")]
    FullSyncInterval {
        /// Where.
        at: Origin,
        /// The rejected text.
        value: String,
        /// Why.
        reason: String,
    },

    /// More than one of `token_env`, `token_file`, `[account.oauth]` is set.
    #[error("{at}: account \"{account}\" sets {}; use exactly one", sources.join(" and "))]
    ConflictingCredentials {
        /// Where.
        at: Origin,
        /// The account.
        account: String,
        /// The keys that were set.
        sources: Vec<&'static str>,
    },

    /// None of `token_env`, `token_file`, `[account.oauth]` is set (and `OKTA_API_TOKEN` does not apply).
    #[error("{at}: account \"{account}\" has no credentials; set one of token_env, token_file or [account.oauth]")]
    MissingCredentials {
        /// Where.
        at: Origin,
        /// The account.
        account: String,
    },

    /// `neo4j.password_env` and `neo4j.password_file` are both set.
    #[error("{at}: set only one of neo4j.password_env and neo4j.password_file")]
    ConflictingPassword {
        /// Where.
        at: Origin,
    },

    /// An org URL that is empty (or that the org URL check rejects).
    #[error("{at}: account \"{account}\" org_url {reason}")]
    OrgUrl {
        /// Where.
        at: Origin,
        /// The account (or its index when the name is not known yet).
        account: String,
        /// Why.
        reason: String,
    },

    /// A Neo4j URI that does not parse or has an unsupported scheme.
    #[error("{at}: Neo4j URI \"{uri}\" {reason}")]
    Neo4jUri {
        /// Where.
        at: Origin,
        /// The URI (Neo4j URIs carry no credentials in our config: the password is separate).
        uri: String,
        /// Why.
        reason: String,
    },

    /// `alerts_webhook` is not an http(s) URL. The URL itself is not shown: webhook URLs often embed a token.
    #[error("{at}: alerts_webhook {reason}")]
    Webhook {
        /// Where.
        at: Origin,
        /// Why.
        reason: String,
    },

    /// `--account NAME` matched no configured account.
    #[error("--account: no account named \"{name}\"; {}", available_accounts(available))]
    UnknownAccount {
        /// The requested name.
        name: String,
        /// The names that exist.
        available: Vec<String>,
    },

    /// A command that syncs found no account to sync.
    #[error(
        "no Okta account configured: set {} and {}, or add an [[account]] to the config file (see `oktagraph init`)",
        super::env::OKTA_ORG_URL,
        super::env::OKTA_API_TOKEN
    )]
    NoAccounts,

    /// A secret's environment variable is not set.
    #[error("{what}: environment variable {var} is not set")]
    SecretEnvMissing {
        /// Whose secret, e.g. `account "acme" API token`.
        what: String,
        /// The variable.
        var: String,
    },

    /// A secret's file could not be read.
    #[error("{what}: cannot read {}: {source}", path.display())]
    SecretFileUnreadable {
        /// Whose secret.
        what: String,
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },

    /// A secret was empty after trimming whitespace.
    #[error("{what}: {from} is empty")]
    SecretEmpty {
        /// Whose secret.
        what: String,
        /// Where it was read from.
        from: SecretSource,
    },

    /// Any other bad value (e.g. an empty environment variable name).
    #[error("{at}: {reason}")]
    Invalid {
        /// Where.
        at: Origin,
        /// Why.
        reason: String,
    },

    /// `oktagraph init` would overwrite an existing file.
    #[error("{} already exists; pass --force to overwrite it", path.display())]
    AlreadyExists {
        /// The file.
        path: PathBuf,
    },

    /// `oktagraph init` could not write the file.
    #[error("cannot write {}: {source}", path.display())]
    WriteFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

fn available_accounts(names: &[String]) -> String {
    if names.is_empty() {
        "no accounts are configured".to_string()
    } else {
        format!("configured accounts: {}", names.join(", "))
    }
}

impl ConfigError {
    /// Process exit code for this error: always 2, "usage or configuration error" (README.md#commands).
    pub fn exit_code(&self) -> i32 {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_and_in_chars() {
        let src = "a = 1\nbé = 2\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 6), (2, 1));
        // "bé = " is 6 bytes but 5 chars: the value starts in column 6.
        assert_eq!(line_col(src, 6 + "bé = ".len()), (2, 6));
        assert_eq!(line_col(src, 10_000), (3, 1));
    }

    #[test]
    fn origin_display() {
        let at = Origin::File { path: "o.toml".into(), line: 3, column: 7, key: "neo4j.uri".into() };
        assert_eq!(at.to_string(), "o.toml:3:7: neo4j.uri");
        assert_eq!(Origin::Env("NEO4J_URI".into()).to_string(), "environment variable NEO4J_URI");
        assert_eq!(Origin::Cli("--batch-size").to_string(), "--batch-size");
    }
}
