//! Named Cypher queries shipped in `cypher/queries/` (and alert rules in `cypher/alerts/`): parsing their
//! header comments, running them with parameters, and turning rows into JSON for any output format.

use crate::graph::{Graph, GraphError};
use neo4rs::BoltType;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A query file: header comments (`// name:`, `// description:`, `// params:`, `// columns:`,
/// `// severity:`) and Cypher.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedQuery {
    pub name: String,
    pub description: String,
    /// Declared parameters with their defaults (`None` = null when not given).
    pub params: Vec<(String, Option<String>)>,
    /// Alert rules only.
    pub severity: Option<String>,
    /// The columns of the result, in the order to show them (`// columns:`). The driver hands rows over by
    /// column name, not in RETURN order, so a query that people read declares its order here; `run`
    /// checks the declaration against the rows. Empty: the columns in name order.
    pub columns: Vec<String>,
    pub text: String,
}

macro_rules! shipped {
    ($dir:literal: $($file:literal),+ $(,)?) => {
        &[$(($file, include_str!(concat!("../cypher/", $dir, "/", $file, ".cypher")))),+]
    };
}

const QUERIES: &[(&str, &str)] = shipped!("queries":
    "users-not-people", "users-added-by-rules", "users-without-mfa", "admins-without-mfa", "super-admins",
    "inactive-users-with-apps", "dormant-users-with-apps", "aws-role-access", "apps-and-creators",
    "support-access", "last-sync-changes", "user-effective-access",
    "users-without-mfa-sign-on", "password-only-apps",
    "support-access", "last-sync-changes", "admins-of-super-admins", "devices-of-deprovisioned-users",
    "support-access", "last-sync-changes", "stale-api-tokens", "trusted-origins-cors-redirect",
);

const ALERTS: &[(&str, &str)] = shipped!("alerts":
    "new-super-admin", "admin-without-mfa", "new-application", "user-added-by-rule", "support-access-enabled",
    "new-user", "user-deprovisioned-or-suspended", "policy-rule-loosened",
    "new-admin-scope-on-super-admin-group", "mfa-factor-reset",
    "new-identity-provider", "new-api-token",
);

/// The shipped example queries.
pub fn shipped_queries() -> Vec<NamedQuery> {
    QUERIES.iter().map(|(file, text)| parse(file, text).expect("shipped queries parse")).collect()
}

/// The shipped alert rules.
pub fn shipped_alerts() -> Vec<NamedQuery> {
    ALERTS.iter().map(|(file, text)| parse(file, text).expect("shipped alerts parse")).collect()
}

/// Parses a query file; `file_stem` names it when the header has no `// name:`.
pub(crate) fn parse(file_stem: &str, text: &str) -> Result<NamedQuery, String> {
    let mut q = NamedQuery {
        name: file_stem.to_string(),
        description: String::new(),
        params: Vec::new(),
        severity: None,
        columns: Vec::new(),
        text: String::new(),
    };
    let mut body = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(h) = t.strip_prefix("//") {
            let h = h.trim();
            if let Some((k, v)) = h.split_once(':') {
                let v = v.trim();
                match k.trim() {
                    "name" => q.name = v.to_string(),
                    "description" => q.description = v.to_string(),
                    "severity" => q.severity = Some(v.to_ascii_lowercase()),
                    "columns" => {
                        q.columns = v.split(',').map(|c| c.trim().trim_matches('`')).filter(|c| !c.is_empty()).map(String::from).collect()
                    }
                    "params" => {
                        for p in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                            match p.split_once('=') {
                                Some((n, d)) => q.params.push((n.trim().into(), Some(d.trim().into()))),
                                None => q.params.push((p.into(), None)),
                            }
                        }
                    }
                    _ => {}
                }
            }
            continue;
        }
        body.push(line);
    }
    q.text = body.join("\n").trim().trim_end_matches(';').to_string();
    if q.text.is_empty() {
        return Err(format!("{file_stem}: no Cypher in the file"));
    }
    if let Some(s) = &q.severity {
        if !["low", "medium", "high", "critical"].contains(&s.as_str()) {
            return Err(format!("{file_stem}: severity must be low, medium, high or critical, not '{s}'"));
        }
    }
    Ok(q)
}

/// A query's result: columns in RETURN order and rows as JSON values.
#[derive(Debug, Clone, Default)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl QueryResult {
    /// Rows as JSON objects keyed by column.
    pub fn objects(&self) -> Vec<Value> {
        self.rows.iter().map(|r| Value::Object(self.columns.iter().cloned().zip(r.iter().cloned()).collect::<Map<_, _>>())).collect()
    }
}

/// Runs a named query. Declared parameters not given take their defaults (or null); unknown ones are errors.
pub async fn run(graph: &Graph, q: &NamedQuery, given: &BTreeMap<String, String>) -> Result<QueryResult, QueryError> {
    for k in given.keys() {
        if !q.params.iter().any(|(n, _)| n == k) {
            let known: Vec<&str> = q.params.iter().map(|(n, _)| n.as_str()).collect();
            return Err(QueryError::Param(format!("query '{}' has no parameter '{k}' (it takes: {})", q.name, known.join(", "))));
        }
    }
    let mut params = Vec::with_capacity(q.params.len());
    for (name, default) in &q.params {
        let v = given.get(name).cloned().or_else(|| default.clone());
        params.push((name.as_str(), v.map(BoltType::from).unwrap_or(BoltType::Null(neo4rs::BoltNull))));
    }
    let rows = crate::graph::json_rows(graph, &q.text, params, &format!("query {}", q.name)).await?;
    let columns = if q.columns.is_empty() {
        let mut keys: Vec<String> = rows.first().map(|r| r.keys().cloned().collect()).unwrap_or_default();
        keys.sort();
        keys
    } else {
        q.columns.clone()
    };
    if let Some(r) = rows.iter().find(|r| r.len() != columns.len() || !columns.iter().all(|c| r.contains_key(c))) {
        let got: Vec<&str> = r.keys().map(String::as_str).collect();
        return Err(QueryError::Columns(format!(
            "query '{}' declares the columns {} but returned {}",
            q.name,
            columns.join(", "),
            got.join(", ")
        )));
    }
    let rows = rows.into_iter().map(|mut r| columns.iter().map(|c| r.remove(c).unwrap_or(Value::Null)).collect()).collect();
    Ok(QueryResult { columns, rows })
}

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("{0}")]
    Param(String),
    /// The rows do not have the columns the query file declares.
    #[error("{0}")]
    Columns(String),
    #[error(transparent)]
    Graph(#[from] GraphError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_files_parse_with_headers() {
        let qs = shipped_queries();
        assert!(qs.len() >= 11);
        for q in &qs {
            assert!(!q.description.is_empty(), "{} has no description", q.name);
            assert!(q.params.iter().any(|(n, _)| n == "account"), "{} takes no account", q.name);
            assert!(!q.columns.is_empty(), "{} declares no columns", q.name);
        }
        for a in shipped_alerts() {
            assert!(a.severity.is_some(), "{} has no severity", a.name);
        }
        let d = qs.iter().find(|q| q.name == "dormant-users-with-apps").unwrap();
        assert!(d.params.contains(&("days".into(), Some("90".into()))));
    }

    #[test]
    fn headers_declare_columns_and_severity() {
        let q = parse("q", "// columns: login, `y z` , status\n// params: account, days=90\nRETURN 1 AS login").unwrap();
        assert_eq!(q.columns, vec!["login", "y z", "status"]);
        assert_eq!(q.params, vec![("account".into(), None), ("days".into(), Some("90".into()))]);
        assert_eq!(q.text, "RETURN 1 AS login");
        assert!(parse("bad", "// name: bad\n// severity: urgent\nRETURN 1").is_err());
    }
}
