//! Finding accounts in the graph, and the account properties a sync carries over from the last one.

use super::{cypher, query_with, Graph, GraphError};
use crate::model::{Prop, Props};
use chrono::{DateTime, FixedOffset};
use neo4rs::BoltType;

/// The keys of the accounts named `name` (none, one, or several when two accounts share a name).
pub(crate) async fn named(graph: &Graph, name: &str) -> Result<Vec<String>, GraphError> {
    keys(graph.rows(query_with(cypher::ACCOUNTS_NAMED, vec![("name", name.into())]), "find account").await?)
}

/// Every account key in the graph, in order.
pub(crate) async fn all(graph: &Graph) -> Result<Vec<String>, GraphError> {
    keys(graph.rows(neo4rs::query(cypher::ACCOUNTS_ALL), "list accounts").await?)
}

fn keys(rows: Vec<neo4rs::Row>) -> Result<Vec<String>, GraphError> {
    Ok(rows.iter().filter_map(|r| r.get::<String>("key").ok()).collect())
}

/// Another account in the graph (key, name) that is the Okta org `org_id`, if any.
pub(crate) async fn same_org(graph: &Graph, org_id: &str, account_key: &str) -> Result<Option<(String, String)>, GraphError> {
    let params = vec![("orgId", org_id.into()), ("accountKey", account_key.into())];
    let rows = graph.rows(query_with(cypher::ACCOUNTS_SAME_ORG, params), "find the same org").await?;
    Ok(rows
        .first()
        .map(|r| (r.get::<String>("key").unwrap_or_default(), r.get::<Option<String>>("name").ok().flatten().unwrap_or_default())))
}

/// The stored values of the named properties of one account node (those present and storable).
pub(crate) async fn stored_props(graph: &Graph, account_key: &str, names: &[&str]) -> Result<Props, GraphError> {
    let rows = graph.rows(query_with(cypher::ACCOUNT_STORED_PROPS, vec![("key", account_key.into())]), "read account").await?;
    let mut props = Props::new();
    if let Some(BoltType::Map(stored)) = rows.first().and_then(|r| r.get::<BoltType>("props").ok()) {
        for name in names {
            if let Some(p) = stored.value.get(*name).and_then(bolt_to_prop) {
                props.insert((*name).to_string(), p);
            }
        }
    }
    Ok(props)
}

/// The property value a stored Bolt value came from (the inverse of `convert::prop_to_bolt`).
fn bolt_to_prop(b: &BoltType) -> Option<Prop> {
    match b {
        BoltType::Boolean(v) => Some(Prop::Bool(v.value)),
        BoltType::Integer(v) => Some(Prop::Int(v.value)),
        BoltType::Float(v) => Some(Prop::Float(v.value)),
        BoltType::String(v) => Some(Prop::Str(v.value.clone())),
        BoltType::DateTime(_) => b.clone().try_into().ok().map(|d: DateTime<FixedOffset>| Prop::DateTime(d)),
        BoltType::List(l) => l.value.iter().map(bolt_to_prop).collect::<Option<Vec<_>>>().map(Prop::List),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::convert::prop_to_bolt;

    #[test]
    fn stored_values_read_back_as_the_props_written() {
        let t = DateTime::parse_from_rfc3339("2024-05-01T10:00:00.123+00:00").unwrap();
        for p in [
            Prop::Bool(true),
            Prop::Int(7),
            Prop::Float(1.5),
            Prop::Str("x".into()),
            Prop::DateTime(t),
            Prop::List(vec![Prop::Str("a".into())]),
        ] {
            assert_eq!(bolt_to_prop(&prop_to_bolt(&p)), Some(p.clone()), "{p:?}");
        }
    }
}
