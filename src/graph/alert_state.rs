//! What each alert rule returned at its last evaluation for an account (`AlertState` nodes), so the next
//! evaluation raises only rows not seen before.

use super::{cypher, query_with, Graph, GraphError};
use neo4rs::{BoltList, BoltType};

/// One rule's evaluation for one account: its rows, each as JSON text.
pub(crate) struct AlertState<'a> {
    pub key: &'a str,
    pub rule: &'a str,
    pub account_key: &'a str,
    pub rows: Vec<&'a str>,
}

/// The rows recorded under `key`, or `None` before the rule's first evaluation for that account.
pub(crate) async fn read(graph: &Graph, key: &str) -> Result<Option<Vec<String>>, GraphError> {
    let rows = graph.rows(query_with(cypher::ALERT_STATE_READ, vec![("key", key.into())]), "alert state").await?;
    Ok(rows.first().map(|r| r.get::<Vec<String>>("rows").unwrap_or_default()))
}

/// Records an evaluation, replacing the previous one.
pub(crate) async fn write(graph: &Graph, state: &AlertState<'_>) -> Result<(), GraphError> {
    let mut list = BoltList::with_capacity(state.rows.len());
    for r in &state.rows {
        list.push(BoltType::from(*r));
    }
    let params = vec![
        ("key", BoltType::from(state.key)),
        ("rule", BoltType::from(state.rule)),
        ("account", BoltType::from(state.account_key)),
        ("rows", BoltType::List(list)),
    ];
    graph.run(query_with(cypher::ALERT_STATE_WRITE, params), "alert state").await
}
