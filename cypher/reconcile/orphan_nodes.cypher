// Soft-delete (docs/graph.md#incremental-sync) an account's nodes of one type that nothing holds any more: a role
// node whose every assignment is gone. A full sync sees such a node only through a live assignment, so after an
// incremental sync a node without a live incoming relationship is one the full sync would sweep. Generated per
// type ({{TYPE}}). Parameters: $accountKey, $seenSince (see sweep_nodes.cypher), $now.
MATCH (n:{{TYPE}} {_accountKey: $accountKey})
WHERE n._deleted = false AND n._lastSeenOn < $seenSince
  AND NOT EXISTS { MATCH (n)<-[r]-() WHERE r._accountKey = $accountKey AND r._deleted = false }
SET n._deleted = true, n._deletedOn = $now, n:Deleted
RETURN count(n) AS deleted
