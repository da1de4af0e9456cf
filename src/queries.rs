//! Named Cypher queries shipped in `cypher/queries/` (and alert rules in `cypher/alerts/`): parsing their
//! header comments, running them with parameters, and turning rows into JSON for any output format.

use crate::graph::{Graph, GraphError};
use neo4rs::BoltType;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// A query file: header comments (`// name:`, `// description:`, `// params:`, `// severity:`) and Cypher.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedQuery {
    pub name: String,
    pub description: String,
    /// Declared parameters with their defaults (`None` = null when not given).
    pub params: Vec<(String, Option<String>)>,
    /// Alert rules only.
    pub severity: Option<String>,
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
    "support-access", "last-sync-changes",
);

const ALERTS: &[(&str, &str)] = shipped!("alerts":
    "new-super-admin", "admin-without-mfa", "new-application", "user-added-by-rule", "support-access-enabled",
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
pub fn parse(file_stem: &str, text: &str) -> Result<NamedQuery, String> {
    let mut q = NamedQuery {
        name: file_stem.to_string(),
        description: String::new(),
        params: Vec::new(),
        severity: None,
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
        self.rows
            .iter()
            .map(|r| Value::Object(self.columns.iter().cloned().zip(r.iter().cloned()).collect::<Map<_, _>>()))
            .collect()
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
    let mut query = neo4rs::query(&q.text);
    for (name, default) in &q.params {
        let v = given.get(name).cloned().or_else(|| default.clone());
        query = query.param(name, v.map(BoltType::from).unwrap_or(BoltType::Null(neo4rs::BoltNull)));
    }
    let rows = graph.rows(query, &format!("query {}", q.name)).await?;
    let mut columns = return_columns(&q.text);
    if columns.is_empty() || rows.first().is_some_and(|r| columns.iter().any(|c| r.get::<BoltType>(c).is_err())) {
        let mut keys: Vec<String> = rows.first().map(|r| r.keys().iter().map(|k| k.value.clone()).collect()).unwrap_or_default();
        keys.sort();
        columns = keys;
    }
    let rows = rows
        .iter()
        .map(|r| columns.iter().map(|c| r.get::<BoltType>(c).map(|b| bolt_to_json(&b)).unwrap_or(Value::Null)).collect())
        .collect();
    Ok(QueryResult { columns, rows })
}

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("{0}")]
    Param(String),
    #[error(transparent)]
    Graph(#[from] GraphError),
}

/// The column names of the last top-level RETURN clause (`expr AS name`, or a bare variable/property).
pub fn return_columns(text: &str) -> Vec<String> {
    let upper = text.to_ascii_uppercase();
    let Some(pos) = upper.rfind("RETURN ") else { return Vec::new() };
    let mut clause = &text[pos + 7..];
    for stop in ["ORDER BY", "SKIP ", "LIMIT ", "UNION"] {
        if let Some(i) = clause.to_ascii_uppercase().find(stop) {
            clause = &clause[..i];
        }
    }
    let clause = clause.trim().trim_start_matches("DISTINCT ").trim_start_matches("distinct ");
    let mut cols = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    let bytes = clause.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                cols.push(column_name(&clause[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    cols.push(column_name(&clause[start..]));
    cols.into_iter().filter(|c| !c.is_empty()).collect()
}

fn column_name(item: &str) -> String {
    let item = item.trim();
    match item.to_ascii_uppercase().rfind(" AS ") {
        Some(i) => item[i + 4..].trim().trim_matches('`').to_string(),
        None => item.to_string(),
    }
}

/// Converts a Bolt value to JSON: temporal values as ISO-8601 strings, nodes as their properties.
pub fn bolt_to_json(b: &BoltType) -> Value {
    match b {
        BoltType::Null(_) => Value::Null,
        BoltType::Boolean(v) => json!(v.value),
        BoltType::Integer(v) => json!(v.value),
        BoltType::Float(v) => json!(v.value),
        BoltType::String(v) => json!(v.value),
        BoltType::List(l) => Value::Array(l.value.iter().map(bolt_to_json).collect()),
        BoltType::Map(m) => {
            let mut entries: Vec<_> = m.value.iter().map(|(k, v)| (k.value.clone(), bolt_to_json(v))).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().collect())
        }
        BoltType::Node(n) => bolt_to_json(&BoltType::Map(n.properties.clone())),
        BoltType::Relation(r) => bolt_to_json(&BoltType::Map(r.properties.clone())),
        BoltType::DateTime(_) | BoltType::LocalDateTime(_) | BoltType::DateTimeZoneId(_) | BoltType::Date(_) => {
            let s: Option<String> = b
                .clone()
                .try_into()
                .ok()
                .map(|d: chrono::DateTime<chrono::FixedOffset>| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
            s.map(Value::String).unwrap_or_else(|| Value::String(format!("{b:?}")))
        }
        other => Value::String(format!("{other:?}")),
    }
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
            assert!(!return_columns(&q.text).is_empty(), "{}", q.name);
        }
        for a in shipped_alerts() {
            assert!(a.severity.is_some(), "{} has no severity", a.name);
        }
        let d = qs.iter().find(|q| q.name == "dormant-users-with-apps").unwrap();
        assert!(d.params.contains(&("days".into(), Some("90".into()))));
    }

    #[test]
    fn return_columns_follow_aliases() {
        let c = return_columns("MATCH (n) RETURN n.a AS x, collect(DISTINCT n.b) AS `y z`, n ORDER BY x");
        assert_eq!(c, vec!["x", "y z", "n"]);
        assert!(parse("bad", "// name: bad\n// severity: urgent\nRETURN 1").is_err());
    }
}
