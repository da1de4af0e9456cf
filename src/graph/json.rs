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
        BoltType::Path(p) => path_to_json(p),
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

/// A path as the text a person reads: `alice@example.com <-HAS- Engineering -ASSIGNED-> Slack`, each node by
/// its display name (else name, login, label or `_key`). Neo4j encodes a path as its nodes, its relationships
/// and `indices`: pairs of (1-based relationship index, negative when walked backwards; node index).
fn path_to_json(p: &neo4rs::BoltPath) -> Value {
    let nodes = p.nodes();
    let rels = p.rels();
    let name = |i: usize| -> String {
        let Some(n) = nodes.get(i) else { return "?".into() };
        let props = bolt_to_json(&BoltType::Map(n.properties.clone()));
        ["displayName", "name", "login", "label", "_key"]
            .iter()
            .find_map(|k| props.get(*k).and_then(Value::as_str).map(String::from))
            .unwrap_or_else(|| "?".into())
    };
    let mut text = name(0);
    let indices: Vec<i64> = p.indices().iter().map(|i| i.value).collect();
    for pair in indices.chunks(2) {
        let (r, n) = (pair[0], pair.get(1).copied().unwrap_or(0));
        let typ = rels.get((r.unsigned_abs() as usize).saturating_sub(1)).map(|r| r.typ.value.clone()).unwrap_or_default();
        let arrow = if r > 0 { format!(" -{typ}-> ") } else { format!(" <-{typ}- ") };
        text.push_str(&arrow);
        text.push_str(&name(n.max(0) as usize));
    }
    Value::String(text)
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
