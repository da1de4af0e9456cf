//! An account's graph, streamed row by row for `oktagraph export` (too large to hold at once).

use super::{cypher, json::row_to_json, query_with, Graph, GraphError, JsonRow};
use neo4rs::BoltType;

/// What to export. Node rows have `labels`, `key`, `props`; relationship rows `type`, `from`, `to`, `props`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Part {
    /// The account's own nodes.
    Nodes,
    /// Shared nodes the account's relationships point at.
    SharedNodes,
    /// The account's relationships.
    Edges,
}

/// Streams one part of an account's graph into `f`. An error from `f` stops the stream and is returned
/// inside the `Ok`, apart from Neo4j's errors.
pub(crate) async fn each<E>(
    graph: &Graph,
    account_key: &str,
    part: Part,
    mut f: impl FnMut(&JsonRow) -> Result<(), E>,
) -> Result<Result<(), E>, GraphError> {
    let text = match part {
        Part::Nodes => cypher::EXPORT_NODES,
        Part::SharedNodes => cypher::EXPORT_SHARED_NODES,
        Part::Edges => cypher::EXPORT_EDGES,
    };
    let mut s = graph.stream(query_with(text, vec![("account", BoltType::from(account_key))]), "export").await?;
    while let Some(row) = graph.next_row(&mut s, "export").await? {
        if let Err(e) = f(&row_to_json(&row)) {
            return Ok(Err(e));
        }
    }
    Ok(Ok(()))
}
