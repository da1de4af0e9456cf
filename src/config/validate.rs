//! Pure stage: raw file + CLI overrides + environment → a [`Plan`], with every value checked.
//!
//! Nothing here touches the disk. Secrets stay *references* (a variable name or a path) until
//! [`super::build`] reads them, so a file can be checked without its credentials being present, and
//! `--account a` does not need account `b`'s token.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::SecretString;
use toml::Spanned;
use url::{Host, Url};

use super::duration::{parse_duration, parse_span};
use super::env;
use super::error::{ConfigError, Origin, SecretSource};
use super::raw::{RawAccount, RawConfig, RawNeo4j, RawSync};
use super::settings::*;
use super::ConfigOverrides;
use crate::sync::mode::{FullSyncInterval, DEFAULT_FULL_SYNC_INTERVAL};

/// The config file being validated, for turning spans into `file:line:col` and resolving relative paths.
pub(crate) struct Doc<'a> {
    pub path: &'a Path,
    pub source: &'a str,
}

impl Doc<'_> {
    fn at(&self, span: Range<usize>, key: impl Into<String>) -> Origin {
        Origin::in_file(self.path, self.source, span, key)
    }

    /// Paths in the file are relative to the file's folder, so a config works from any working directory.
    fn resolve(&self, p: &Path) -> PathBuf {
        match self.path.parent() {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_owned(),
        }
    }
}

/// A secret to read in the build stage.
#[derive(Debug)]
pub(crate) struct SecretRef {
    /// Whose secret, for errors: `account "acme" API token`.
    pub what: String,
    pub source: SecretSource,
}

#[derive(Debug)]
pub(crate) enum AuthPlan {
    Token(SecretRef),
    OAuth { client_id: String, key: SecretRef, key_id: Option<String>, scopes: Vec<String> },
}

#[derive(Debug)]
pub(crate) struct AccountPlan {
    pub name: String,
    pub description: Option<String>,
    pub org_url: String,
    pub auth: AuthPlan,
    pub tag_with_account_name: bool,
    pub polling_interval: Option<Duration>,
    pub full_sync_interval: FullSyncInterval,
    pub steps: Option<Vec<String>>,
    pub rate_limit_share: f64,
    pub max_in_flight: usize,
}

#[derive(Debug)]
pub(crate) struct Neo4jPlan {
    pub uri: String,
    pub user: String,
    pub password: Option<SecretRef>,
    pub database: String,
    pub batch_size: usize,
    pub write_concurrency: usize,
}

#[derive(Debug)]
pub(crate) struct Plan {
    pub neo4j: Neo4jPlan,
    pub accounts: Vec<AccountPlan>,
    pub alerts: AlertSettings,
    pub lock_ttl: Duration,
}

/// Environment lookup that treats empty values as unset, so `NEO4J_URI=` in a compose file means
/// "use the default", not "connect to the empty string".
fn env_set(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    env(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

pub(crate) fn validate(
    raw: &RawConfig,
    doc: &Doc<'_>,
    cli: &ConfigOverrides,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Plan, ConfigError> {
    let neo4j = neo4j(&raw.neo4j, doc, cli, env)?;
    let alerts = alerts(&raw.sync, doc)?;
    let lock_ttl = lock_ttl(&raw.sync, doc)?;
    let mut accounts = match accounts(&raw.accounts, doc, env) {
        // A command that only talks to Neo4j neither reads nor needs credentials, configured or not: the
        // accounts are checked, then left out, so their secrets are never read.
        Ok(_) | Err(ConfigError::MissingCredentials { .. }) if cli.graph_only => Vec::new(),
        other => other?,
    };
    if let Some(wanted) = &cli.account {
        let available: Vec<String> = accounts.iter().map(|a| a.name.clone()).collect();
        accounts.retain(|a| &a.name == wanted);
        if accounts.is_empty() {
            return Err(ConfigError::UnknownAccount { name: wanted.clone(), available });
        }
    }
    Ok(Plan { neo4j, accounts, alerts, lock_ttl })
}

fn lock_ttl(raw: &RawSync, doc: &Doc<'_>) -> Result<Duration, ConfigError> {
    use crate::graph::lock::{DEFAULT_LOCK_TTL, MIN_LOCK_TTL};
    let Some(v) = &raw.lock_ttl else { return Ok(DEFAULT_LOCK_TTL) };
    let invalid = |reason: String| ConfigError::Invalid { at: doc.at(v.span(), "sync.lock_ttl"), reason };
    let secs = super::duration::parse_span(v.get_ref()).map_err(|r| invalid(format!("lock_ttl \"{}\" {r}", v.get_ref())))?;
    let ttl = Duration::from_secs(secs);
    if ttl < MIN_LOCK_TTL {
        return Err(invalid(format!("lock_ttl \"{}\" must be at least {}s", v.get_ref(), MIN_LOCK_TTL.as_secs())));
    }
    Ok(ttl)
}

fn neo4j(raw: &RawNeo4j, doc: &Doc<'_>, cli: &ConfigOverrides, env: &dyn Fn(&str) -> Option<String>) -> Result<Neo4jPlan, ConfigError> {
    // Precedence everywhere: CLI > environment > file > default.
    let (uri, uri_at) = if let Some(uri) = &cli.neo4j_uri {
        (uri.trim().to_string(), Origin::Cli("--neo4j-uri"))
    } else if let Some(uri) = env_set(env, env::NEO4J_URI) {
        (uri, Origin::Env(env::NEO4J_URI.into()))
    } else if let Some(uri) = &raw.uri {
        (uri.get_ref().trim().to_string(), doc.at(uri.span(), "neo4j.uri"))
    } else {
        (DEFAULT_NEO4J_URI.to_string(), Origin::Default)
    };
    check_neo4j_uri(&uri).map_err(|reason| ConfigError::Neo4jUri { at: uri_at, uri: uri.clone(), reason })?;

    let user = cli
        .neo4j_user
        .clone()
        .or_else(|| env_set(env, env::NEO4J_USER))
        .or_else(|| raw.user.clone())
        .unwrap_or_else(|| DEFAULT_NEO4J_USER.to_string());
    let database = cli
        .neo4j_database
        .clone()
        .or_else(|| env_set(env, env::NEO4J_DATABASE))
        .or_else(|| raw.database.clone())
        .unwrap_or_else(|| DEFAULT_NEO4J_DATABASE.to_string());

    // The file's choice is checked even when the CLI or env overrides it: a broken file is broken.
    if let (Some(var), Some(_)) = (&raw.password_env, &raw.password_file) {
        return Err(ConfigError::ConflictingPassword { at: doc.at(var.span(), "neo4j") });
    }
    if let Some(var) = &raw.password_env {
        check_var_name(var, doc, "neo4j.password_env")?;
    }
    let what = || "Neo4j password".to_string();
    let password = if let Some(path) = &cli.neo4j_password_file {
        Some(SecretRef { what: what(), source: SecretSource::File(path.clone()) })
    } else if env_set(env, env::NEO4J_PASSWORD).is_some() {
        Some(SecretRef { what: what(), source: SecretSource::Env(env::NEO4J_PASSWORD.into()) })
    } else if let Some(var) = &raw.password_env {
        Some(SecretRef { what: what(), source: SecretSource::Env(var.get_ref().trim().to_string()) })
    } else {
        raw.password_file.as_ref().map(|p| SecretRef { what: what(), source: SecretSource::File(doc.resolve(p.get_ref())) })
    };

    let (batch, batch_at) = match (cli.batch_size, &raw.batch_size) {
        (Some(n), _) => (i64::try_from(n).unwrap_or(i64::MAX), Origin::Cli("--batch-size")),
        (None, Some(n)) => (*n.get_ref(), doc.at(n.span(), "neo4j.batch_size")),
        (None, None) => (DEFAULT_BATCH_SIZE as i64, Origin::Default),
    };
    let batch_size = in_range(batch, MAX_BATCH_SIZE).ok_or(ConfigError::BatchSize { at: batch_at, value: batch, max: MAX_BATCH_SIZE })?;

    let write_concurrency = match &raw.write_concurrency {
        None => DEFAULT_WRITE_CONCURRENCY,
        Some(n) => in_range(*n.get_ref(), MAX_WRITE_CONCURRENCY).ok_or(ConfigError::WriteConcurrency {
            at: doc.at(n.span(), "neo4j.write_concurrency"),
            value: *n.get_ref(),
            max: MAX_WRITE_CONCURRENCY,
        })?,
    };

    Ok(Neo4jPlan { uri, user, password, database, batch_size, write_concurrency })
}

/// `value` as a count in `1..=max`, or `None` (a negative value included).
fn in_range(value: i64, max: usize) -> Option<usize> {
    usize::try_from(value).ok().filter(|n| (1..=max).contains(n))
}

fn check_neo4j_uri(uri: &str) -> Result<(), String> {
    let url = Url::parse(uri).map_err(|e| format!("is not a valid URI ({e}); expected e.g. {DEFAULT_NEO4J_URI}"))?;
    if !NEO4J_SCHEMES.contains(&url.scheme()) {
        return Err(format!("has unsupported scheme \"{}\"; use one of {}", url.scheme(), NEO4J_SCHEMES.join(", ")));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("has no host".into());
    }
    Ok(())
}

fn alerts(raw: &RawSync, doc: &Doc<'_>) -> Result<AlertSettings, ConfigError> {
    let webhook = match &raw.alerts_webhook {
        None => None,
        Some(hook) => {
            let at = || doc.at(hook.span(), "sync.alerts_webhook");
            let url = Url::parse(hook.get_ref().trim())
                .map_err(|e| ConfigError::Webhook { at: at(), reason: format!("is not a valid URL ({e})") })?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(ConfigError::Webhook { at: at(), reason: "must be an http or https URL".into() });
            }
            Some(SecretString::from(url.to_string()))
        }
    };
    Ok(AlertSettings {
        dir: raw.alerts_dir.as_deref().map(|p| doc.resolve(p)),
        stdout: raw.alerts_stdout.unwrap_or(true),
        jsonl: raw.alerts_jsonl.as_deref().map(|p| doc.resolve(p)),
        webhook,
    })
}

fn accounts(raw: &[Spanned<RawAccount>], doc: &Doc<'_>, env: &dyn Fn(&str) -> Option<String>) -> Result<Vec<AccountPlan>, ConfigError> {
    let env_url = env_set(env, env::OKTA_ORG_URL);
    let env_token = env_set(env, env::OKTA_API_TOKEN).is_some();

    let mut plans = Vec::with_capacity(raw.len().max(1));
    // Name → where it was defined, to report both places of a duplicate.
    let mut seen: HashMap<String, Origin> = HashMap::new();
    for (i, acct) in raw.iter().enumerate() {
        // The OKTA_* variables describe one org, so they only override a file with exactly one account;
        // with several, which one they meant is a guess we refuse to make (they are ignored).
        let single = raw.len() == 1;
        let env_overrides = Overrides { org_url: env_url.as_deref().filter(|_| single), token: single && env_token };
        let (plan, name_at) = account(i, acct, doc, env_overrides)?;
        if let Some(first) = seen.get(&plan.name) {
            return Err(ConfigError::DuplicateAccount { at: name_at, name: plan.name, first: Box::new(first.clone()) });
        }
        seen.insert(plan.name.clone(), name_at);
        plans.push(plan);
    }

    if raw.is_empty() {
        if let Some(url) = env_url {
            let at = Origin::Env(env::OKTA_ORG_URL.into());
            let org_url = check_org_url(&url).map_err(|reason| ConfigError::OrgUrl {
                at: at.clone(),
                account: "(from environment)".into(),
                reason,
            })?;
            let name = derived_name(&org_url, at)?;
            plans.push(AccountPlan {
                auth: AuthPlan::Token(SecretRef {
                    what: format!("account \"{name}\" API token"),
                    source: SecretSource::Env(env::OKTA_API_TOKEN.into()),
                }),
                name,
                description: None,
                org_url,
                tag_with_account_name: false,
                polling_interval: None,
                full_sync_interval: DEFAULT_FULL_SYNC_INTERVAL,
                steps: None,
                rate_limit_share: DEFAULT_RATE_LIMIT_SHARE,
                max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            });
        }
    }
    Ok(plans)
}

#[derive(Clone, Copy)]
struct Overrides<'a> {
    org_url: Option<&'a str>,
    token: bool,
}

/// Validates one `[[account]]`; returns the plan and where its name came from.
fn account(i: usize, spanned: &Spanned<RawAccount>, doc: &Doc<'_>, ov: Overrides<'_>) -> Result<(AccountPlan, Origin), ConfigError> {
    let a = spanned.get_ref();
    let key = |k: &str| format!("account[{i}].{k}");
    let label = match &a.name {
        Some(n) => n.get_ref().trim().to_string(),
        None => format!("account[{i}]"),
    };

    let (raw_url, url_at) = match ov.org_url {
        Some(url) => (url, Origin::Env(env::OKTA_ORG_URL.into())),
        None => (a.org_url.get_ref().as_str(), doc.at(a.org_url.span(), key("org_url"))),
    };
    let org_url = check_org_url(raw_url).map_err(|reason| ConfigError::OrgUrl { at: url_at.clone(), account: label.clone(), reason })?;

    let (name, name_at) = match &a.name {
        Some(n) => {
            let at = doc.at(n.span(), key("name"));
            let name = n.get_ref().trim();
            if name.is_empty() {
                return Err(ConfigError::AccountName { at, reason: "name is empty; remove it to default to the org subdomain".into() });
            }
            (name.to_string(), at)
        }
        None => (derived_name(&org_url, url_at.clone())?, url_at),
    };

    let auth = auth(i, a, &name, doc, ov.token, spanned.span())?;

    let polling_interval = match &a.polling_interval {
        None => None,
        Some(p) => parse_duration(p.get_ref()).map_err(|reason| ConfigError::PollingInterval {
            at: doc.at(p.span(), key("polling_interval")),
            value: p.get_ref().clone(),
            reason,
        })?,
    };

    let full_sync_interval = match &a.full_sync_interval {
        None => DEFAULT_FULL_SYNC_INTERVAL,
        Some(v) if v.get_ref().trim().eq_ignore_ascii_case("always") => FullSyncInterval::Always,
        Some(v) => match parse_span(v.get_ref()) {
            Ok(secs) if secs > 0 => Ok(FullSyncInterval::Every(Duration::from_secs(secs))),
            Ok(_) => Err("must be greater than zero; use \"always\" to make every sync full".to_string()),
            Err(reason) => Err(reason),
        }
        .map_err(|reason| ConfigError::FullSyncInterval {
            at: doc.at(v.span(), key("full_sync_interval")),
            value: v.get_ref().clone(),
            reason,
        })?,
    };

    let steps = match &a.steps {
        None => None,
        Some(list) => {
            if list.get_ref().is_empty() {
                return Err(ConfigError::EmptySteps { at: doc.at(list.span(), key("steps")) });
            }
            let mut steps: Vec<String> = Vec::new();
            for (j, step) in list.get_ref().iter().enumerate() {
                let s = step.get_ref().trim();
                if crate::collect::step_by_name(s).is_none() {
                    return Err(ConfigError::UnknownStep {
                        at: doc.at(step.span(), key(&format!("steps[{j}]"))),
                        step: step.get_ref().clone(),
                        valid: crate::collect::step_names(),
                    });
                }
                if !steps.iter().any(|x| x == s) {
                    steps.push(s.to_string());
                }
            }
            Some(steps)
        }
    };

    let rate_limit_share = match &a.rate_limit_share {
        None => DEFAULT_RATE_LIMIT_SHARE,
        Some(s) => {
            let v = *s.get_ref();
            // Written so NaN fails too.
            if !(v > 0.0 && v <= 1.0) {
                return Err(ConfigError::RateLimitShare { at: doc.at(s.span(), key("rate_limit_share")), value: v });
            }
            v
        }
    };

    let max_in_flight = match &a.max_in_flight {
        None => DEFAULT_MAX_IN_FLIGHT,
        Some(m) => usize::try_from(*m.get_ref())
            .ok()
            .filter(|&n| n >= 1)
            .ok_or(ConfigError::MaxInFlight { at: doc.at(m.span(), key("max_in_flight")), value: *m.get_ref() })?,
    };

    let plan = AccountPlan {
        name,
        description: a.description.clone(),
        org_url,
        auth,
        tag_with_account_name: a.tag_with_account_name.unwrap_or(false),
        polling_interval,
        full_sync_interval,
        steps,
        rate_limit_share,
        max_in_flight,
    };
    Ok((plan, name_at))
}

fn auth(i: usize, a: &RawAccount, name: &str, doc: &Doc<'_>, env_token: bool, table_span: Range<usize>) -> Result<AuthPlan, ConfigError> {
    let key = |k: &str| format!("account[{i}].{k}");
    let mut set: Vec<(&'static str, Range<usize>)> = Vec::new();
    if let Some(v) = &a.token_env {
        set.push(("token_env", v.span()));
    }
    if let Some(v) = &a.token_file {
        set.push(("token_file", v.span()));
    }
    if let Some(v) = &a.oauth {
        set.push(("[account.oauth]", v.span()));
    }
    if set.len() > 1 {
        let (k, span) = set[1].clone();
        return Err(ConfigError::ConflictingCredentials {
            at: doc.at(span, key(k.trim_matches(['[', ']']).trim_start_matches("account."))),
            account: name.to_string(),
            sources: set.iter().map(|(k, _)| *k).collect(),
        });
    }
    let token = |source| AuthPlan::Token(SecretRef { what: format!("account \"{name}\" API token"), source });
    if let Some(var) = &a.token_env {
        check_var_name(var, doc, &key("token_env"))?;
    }
    if env_token {
        return Ok(token(SecretSource::Env(env::OKTA_API_TOKEN.into())));
    }
    if let Some(var) = &a.token_env {
        return Ok(token(SecretSource::Env(var.get_ref().trim().to_string())));
    }
    if let Some(path) = &a.token_file {
        return Ok(token(SecretSource::File(doc.resolve(path.get_ref()))));
    }
    if let Some(oauth) = &a.oauth {
        let o = oauth.get_ref();
        if o.client_id.trim().is_empty() {
            return Err(ConfigError::Invalid { at: doc.at(oauth.span(), key("oauth.client_id")), reason: "client_id is empty".into() });
        }
        let scopes = match &o.scopes {
            Some(s) if s.is_empty() => {
                return Err(ConfigError::Invalid {
                    at: doc.at(oauth.span(), key("oauth.scopes")),
                    reason: "scopes is empty; remove it to request the default read scopes".into(),
                })
            }
            Some(s) => s.clone(),
            None => DEFAULT_OAUTH_SCOPES.iter().map(|s| s.to_string()).collect(),
        };
        return Ok(AuthPlan::OAuth {
            client_id: o.client_id.trim().to_string(),
            key: SecretRef {
                what: format!("account \"{name}\" OAuth private key"),
                source: SecretSource::File(doc.resolve(o.private_key_file.get_ref())),
            },
            key_id: o.key_id.clone(),
            scopes,
        });
    }
    Err(ConfigError::MissingCredentials { at: doc.at(table_span, format!("account[{i}]")), account: name.to_string() })
}

fn check_var_name(var: &Spanned<String>, doc: &Doc<'_>, key: &str) -> Result<(), ConfigError> {
    if var.get_ref().trim().is_empty() {
        return Err(ConfigError::Invalid { at: doc.at(var.span(), key), reason: "environment variable name is empty".into() });
    }
    Ok(())
}

/// Normalizes an org URL: trims whitespace and trailing slashes, rejects empty.
///
/// Hook: deeper validation (scheme, host, no path) belongs to the okta module, which owns what an org
/// URL is. When it exists, call it here and return its message; errors then get file:line for free.
fn check_org_url(raw: &str) -> Result<String, String> {
    let url = raw.trim().trim_end_matches('/');
    if url.is_empty() {
        return Err("is empty; expected e.g. https://acme.okta.com".into());
    }
    // The okta module's rules (https only outside loopback, no path, a valid host), reported with the
    // file position of the value.
    crate::okta::normalize_org_url(url).map_err(|e| match e {
        crate::okta::OktaError::Config(m) => m,
        other => other.to_string(),
    })?;
    Ok(url.to_string())
}

fn derived_name(org_url: &str, at: Origin) -> Result<String, ConfigError> {
    default_account_name(org_url).ok_or_else(|| ConfigError::AccountName {
        at,
        reason: format!("cannot derive an account name from org_url \"{org_url}\"; set `name`"),
    })
}

/// The default account name for an org URL: the first DNS label of its host (`acme` for
/// `https://acme.okta.com`), or the whole host for IP addresses (`127.0.0.1`, `[::1]`); `localhost` stays `localhost`.
/// A missing scheme is tolerated (`acme.okta.com`). `None` when no host can be found.
pub(crate) fn default_account_name(org_url: &str) -> Option<String> {
    let s = org_url.trim();
    let parsed = Url::parse(s).ok().filter(|u| u.host().is_some());
    let url = match parsed {
        Some(u) => u,
        None => Url::parse(&format!("https://{s}")).ok()?,
    };
    // Same rule as the okta module's `OrgUrl::subdomain`, so the name we default to here is the one a
    // sync would derive itself: the account key in the graph must not depend on who computed it.
    let host = url.host_str()?.to_ascii_lowercase();
    match url.host()? {
        Host::Domain(_) => host.split('.').next().filter(|l| !l.is_empty()).map(str::to_string),
        Host::Ipv4(_) | Host::Ipv6(_) => Some(host),
    }
}
