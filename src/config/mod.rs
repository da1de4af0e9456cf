//! Configuration: turns command-line flags, environment variables and `oktagraph.toml` into [`Settings`]
//! before any command runs. Commands take only `Settings`; nothing else reads the environment.
//!
//! Three stages, so each can be tested on its own:
//! 1. **parse** ([`raw`]): TOML → raw structs; unknown keys and wrong types are errors with `file:line:col`.
//! 2. **validate** ([`validate`], pure): merge CLI > environment > file > defaults and check every value.
//! 3. **build** ([`build`], I/O): read the secrets (tokens, password, private keys) the plan refers to.
//!
//! Secrets are [`SecretString`](secrecy::SecretString)s from the moment they are read, so `Debug` and
//! logs cannot show them.

mod build;
mod duration;
pub(crate) mod env;
mod error;
mod raw;
mod settings;
mod validate;

use std::path::{Path, PathBuf};

pub(crate) use duration::parse_span;
pub use error::{ConfigError, Origin, SecretSource};
pub use settings::*;

/// File looked for in the working directory when neither `--config` nor `OKTAGRAPH_CONFIG` is given;
/// also where `oktagraph init` writes by default.
pub(crate) const DEFAULT_CONFIG_FILE: &str = "oktagraph.toml";

/// The settings given on the command line. `None` means "not given"; the CLI module fills this in.
#[derive(Debug, Clone, Default)]
pub struct ConfigOverrides {
    /// `--config PATH`: the config file (else `OKTAGRAPH_CONFIG`, else `./oktagraph.toml` if present).
    pub config_path: Option<PathBuf>,
    /// `--neo4j-uri`.
    pub neo4j_uri: Option<String>,
    /// `--neo4j-user`.
    pub neo4j_user: Option<String>,
    /// `--neo4j-password-file`: read the Neo4j password from this file (relative to the working directory).
    pub neo4j_password_file: Option<PathBuf>,
    /// `--neo4j-database`.
    pub neo4j_database: Option<String>,
    /// `--batch-size`.
    pub batch_size: Option<usize>,
    /// `--account NAME`: keep only this account.
    pub account: Option<String>,
    /// The command only talks to Neo4j (`query`, `export`, `purge`, `check`, ...): the accounts' Okta
    /// credentials are neither read nor required, and [`Settings::accounts`] is left empty. The file is
    /// still parsed and validated in full.
    pub graph_only: bool,
}

/// Loads the settings: finds and parses the config file, merges CLI > environment > file > defaults,
/// validates everything, then reads secrets.
///
/// `env` looks up environment variables; production passes `&|k| std::env::var(k).ok()`, tests a map.
/// Which file: `cli.config_path`, else `OKTAGRAPH_CONFIG`, else `./oktagraph.toml` if it exists, else
/// none (environment only). A file named explicitly must exist.
pub fn load(cli: &ConfigOverrides, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
    let path = cli
        .config_path
        .clone()
        .or_else(|| env(env::OKTAGRAPH_CONFIG).filter(|p| !p.trim().is_empty()).map(PathBuf::from))
        .or_else(|| Some(PathBuf::from(DEFAULT_CONFIG_FILE)).filter(|p| p.is_file()));
    match path {
        Some(path) => {
            let source = std::fs::read_to_string(&path).map_err(|source| ConfigError::ReadFile { path: path.clone(), source })?;
            load_str(&path, &source, cli, env)
        }
        None => load_str(Path::new(DEFAULT_CONFIG_FILE), "", cli, env),
    }
}

/// Like [`load`], with the config file's contents given. `path` is used in messages and to resolve
/// relative paths in the file.
pub fn load_str(path: &Path, source: &str, cli: &ConfigOverrides, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
    let raw = raw::parse(path, source)?;
    let plan = validate::validate(&raw, &validate::Doc { path, source }, cli, env)?;
    build::build(plan, env)
}

/// Parses and validates a config file's contents without reading any secret or the environment, for
/// `oktagraph check` and for tests. Credentials need not exist.
pub fn check_str(path: &Path, source: &str) -> Result<(), ConfigError> {
    let raw = raw::parse(path, source)?;
    validate::validate(&raw, &validate::Doc { path, source }, &ConfigOverrides::default(), &|_| None)?;
    Ok(())
}

/// A commented example `oktagraph.toml`, for `oktagraph init`. It parses and validates as is.
pub fn example_toml() -> &'static str {
    include_str!("example.toml")
}

/// Writes [`example_toml`] to `path`. Refuses to replace an existing file unless `force`.
pub fn write_example(path: &Path, force: bool) -> Result<(), ConfigError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        // create_new checks and creates atomically: no window for another process to create it in between.
        options.create_new(true);
    }
    let mut file = options.open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::AlreadyExists => ConfigError::AlreadyExists { path: path.to_owned() },
        _ => ConfigError::WriteFile { path: path.to_owned(), source },
    })?;
    file.write_all(example_toml().as_bytes()).map_err(|source| ConfigError::WriteFile { path: path.to_owned(), source })
}

#[cfg(test)]
mod tests;
