//! Every environment variable oktagraph reads, as a named constant.
//!
//! README.md#configuration makes these names a contract with scripts, so they live in one place and nothing else spells
//! them out. Values are read through the injected lookup passed to [`super::load`], never directly, so
//! tests can supply a map instead of mutating the process environment.

/// Path of the `oktagraph.toml` file, used when `--config` is not given.
pub(crate) const OKTAGRAPH_CONFIG: &str = "OKTAGRAPH_CONFIG";

/// Okta org URL, e.g. `https://acme.okta.com`. With no account in the config file this defines the one
/// account to sync; with exactly one account it overrides that account's `org_url`.
pub(crate) const OKTA_ORG_URL: &str = "OKTA_ORG_URL";

/// Okta SSWS API token. Same role as [`OKTA_ORG_URL`], for the account's credentials.
pub(crate) const OKTA_API_TOKEN: &str = "OKTA_API_TOKEN";

/// Neo4j connection URI (default `bolt://127.0.0.1:7687`); overrides `neo4j.uri` in the file.
pub(crate) const NEO4J_URI: &str = "NEO4J_URI";

/// Neo4j user name (default `neo4j`); overrides `neo4j.user` in the file.
pub(crate) const NEO4J_USER: &str = "NEO4J_USER";

/// Neo4j password. Always wins over `neo4j.password_env` / `neo4j.password_file`, only
/// `--neo4j-password-file` beats it.
pub(crate) const NEO4J_PASSWORD: &str = "NEO4J_PASSWORD";

/// Neo4j database name (default `neo4j`); overrides `neo4j.database` in the file.
pub(crate) const NEO4J_DATABASE: &str = "NEO4J_DATABASE";

/// Log filter (`tracing` env-filter syntax, e.g. `oktagraph=debug`); overrides `--log-level`.
pub(crate) const OKTAGRAPH_LOG: &str = "OKTAGRAPH_LOG";
