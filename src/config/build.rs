//! I/O stage: reads the secrets a validated [`Plan`] refers to and produces [`Settings`].

use secrecy::SecretString;

use super::error::{ConfigError, SecretSource};
use super::settings::*;
use super::validate::{AuthPlan, Plan, SecretRef};

pub(crate) fn build(plan: Plan, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
    let n = plan.neo4j;
    let neo4j = Neo4jSettings {
        uri: n.uri,
        user: n.user,
        password: n.password.map(|p| read_secret(p, env)).transpose()?,
        database: n.database,
        batch_size: n.batch_size,
        write_concurrency: n.write_concurrency,
    };
    let accounts = plan
        .accounts
        .into_iter()
        .map(|a| {
            let auth = match a.auth {
                AuthPlan::Token(t) => AccountAuth::Token(read_secret(t, env)?),
                AuthPlan::OAuth { client_id, key, key_id, scopes } => {
                    AccountAuth::OAuth { client_id, private_key_pem: read_secret(key, env)?, key_id, scopes }
                }
            };
            Ok(AccountSettings {
                name: a.name,
                description: a.description,
                org_url: a.org_url,
                auth,
                tag_with_account_name: a.tag_with_account_name,
                polling_interval: a.polling_interval,
                full_sync_interval: a.full_sync_interval,
                steps: a.steps,
                rate_limit_share: a.rate_limit_share,
                max_in_flight: a.max_in_flight,
            })
        })
        .collect::<Result<Vec<_>, ConfigError>>()?;
    Ok(Settings { neo4j, accounts, alerts: plan.alerts, lock_ttl: plan.lock_ttl })
}

/// Reads one secret. Surrounding whitespace is dropped: token files usually end in a newline, and no
/// token, password or PEM key is meaningful with it.
fn read_secret(r: SecretRef, env: &dyn Fn(&str) -> Option<String>) -> Result<SecretString, ConfigError> {
    let value = match &r.source {
        SecretSource::Env(var) => env(var).ok_or_else(|| ConfigError::SecretEnvMissing { what: r.what.clone(), var: var.clone() })?,
        SecretSource::File(path) => std::fs::read_to_string(path).map_err(|source| ConfigError::SecretFileUnreadable {
            what: r.what.clone(),
            path: path.clone(),
            source,
        })?,
    };
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ConfigError::SecretEmpty { what: r.what, from: r.source });
    }
    Ok(SecretString::from(trimmed))
}
