//! Rows as JSON, for everything that shows query results to people (named queries, alerts, exports).

use super::{query_with, Graph, GraphError};
use neo4rs::BoltType;
use serde_json::{json, Map, Value};

/// One result row: column name to value.
pub(crate) type JsonRow = Map<String, Value>;

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

/// A row's columns as JSON (the driver keeps them by name, not in RETURN order).
pub(crate) fn row_to_json(row: &neo4rs::Row) -> JsonRow {
    row.keys()
        .into_iter()
        .map(|k| (k.value.clone(), row.get::<BoltType>(&k.value).map(|b| bolt_to_json(&b)).unwrap_or(Value::Null)))
        .collect()
}

/// Runs a named query (its text read from a `.cypher` file) with parameters and returns its rows as JSON.
pub(crate) async fn json_rows(graph: &Graph, text: &str, params: Vec<(&str, BoltType)>, context: &str) -> Result<Vec<JsonRow>, GraphError> {
    Ok(graph.rows(query_with(text, params), context).await?.iter().map(row_to_json).collect())
}
