//! Property values as Neo4j can store them, converted from Okta JSON.

use chrono::{DateTime, FixedOffset};
use serde_json::Value;
use std::collections::BTreeMap;

/// A property value Neo4j can store: primitives, `DATETIME`, and homogeneous lists without nulls.
#[derive(Debug, Clone, PartialEq)]
pub enum Prop {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    DateTime(DateTime<FixedOffset>),
    List(Vec<Prop>),
}

/// Properties by name; ordered so hashes and snapshots are stable.
pub type Props = BTreeMap<String, Prop>;

impl From<&str> for Prop {
    fn from(s: &str) -> Self {
        Prop::Str(s.to_string())
    }
}
impl From<String> for Prop {
    fn from(s: String) -> Self {
        Prop::Str(s)
    }
}
impl From<bool> for Prop {
    fn from(b: bool) -> Self {
        Prop::Bool(b)
    }
}
impl From<i64> for Prop {
    fn from(i: i64) -> Self {
        Prop::Int(i)
    }
}
impl From<DateTime<FixedOffset>> for Prop {
    fn from(d: DateTime<FixedOffset>) -> Self {
        Prop::DateTime(d)
    }
}

/// Parses an Okta timestamp (`2021-03-25T13:00:33.000Z`, any RFC 3339 form).
pub fn parse_okta_time(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s.trim()).ok()
}

/// Converts a JSON value to a storable property: `None` for null, objects, and empty or null-only lists.
/// Lists must be homogeneous in Neo4j, so a mixed list is stored as strings; nulls inside lists are dropped.
pub fn json_to_prop(v: &Value) -> Option<Prop> {
    match v {
        Value::Null | Value::Object(_) => None,
        Value::Bool(b) => Some(Prop::Bool(*b)),
        Value::String(s) => Some(Prop::Str(s.clone())),
        Value::Number(n) => number(n),
        Value::Array(items) => {
            let items: Vec<&Value> = items.iter().filter(|i| !i.is_null()).collect();
            if items.is_empty() {
                return None;
            }
            let all = |f: fn(&Value) -> bool| items.iter().all(|i| f(i));
            let list = if all(Value::is_string) {
                items.iter().map(|i| Prop::Str(i.as_str().unwrap_or_default().to_string())).collect()
            } else if all(Value::is_boolean) {
                items.iter().map(|i| Prop::Bool(i.as_bool().unwrap_or_default())).collect()
            } else if all(Value::is_i64) {
                items.iter().map(|i| Prop::Int(i.as_i64().unwrap_or_default())).collect()
            } else if all(Value::is_number) {
                items.iter().map(|i| Prop::Float(i.as_f64().unwrap_or_default())).collect()
            } else {
                // Mixed or nested: keep the information, as JSON text per item.
                items
                    .iter()
                    .map(|i| match i {
                        Value::String(s) => Prop::Str(s.clone()),
                        other => Prop::Str(other.to_string()),
                    })
                    .collect()
            };
            Some(Prop::List(list))
        }
    }
}

fn number(n: &serde_json::Number) -> Option<Prop> {
    if let Some(i) = n.as_i64() {
        Some(Prop::Int(i))
    } else {
        n.as_f64().map(Prop::Float)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn converts_primitives_and_lists() {
        assert_eq!(json_to_prop(&json!(null)), None);
        assert_eq!(json_to_prop(&json!({"a": 1})), None);
        assert_eq!(json_to_prop(&json!([])), None);
        assert_eq!(json_to_prop(&json!([null])), None);
        assert_eq!(json_to_prop(&json!(7)), Some(Prop::Int(7)));
        assert_eq!(json_to_prop(&json!(1.5)), Some(Prop::Float(1.5)));
        assert_eq!(json_to_prop(&json!(u64::MAX)), Some(Prop::Float(u64::MAX as f64)));
        assert_eq!(json_to_prop(&json!(["a", null, "b"])), Some(Prop::List(vec![Prop::Str("a".into()), Prop::Str("b".into())])));
        assert_eq!(json_to_prop(&json!([1, 2.5])), Some(Prop::List(vec![Prop::Float(1.0), Prop::Float(2.5)])));
        assert_eq!(
            json_to_prop(&json!([1, "x", {"k": true}])),
            Some(Prop::List(vec![Prop::Str("1".into()), Prop::Str("x".into()), Prop::Str("{\"k\":true}".into())]))
        );
    }

    #[test]
    fn parses_okta_times() {
        let t = parse_okta_time("2021-03-25T13:00:33.000Z").unwrap();
        assert_eq!(t.timestamp(), 1616677233);
        assert!(parse_okta_time("yesterday").is_none());
    }
}
