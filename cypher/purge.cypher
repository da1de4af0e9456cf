// Hard-delete (docs/graph.md#purge, `oktagraph purge`) one batch of soft-deleted nodes of an account that were
// swept before $before, with their relationships. Run until it returns fewer than $limit.
MATCH (n:Deleted {_accountKey: $accountKey})
WHERE n._deletedOn < $before
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS purged
