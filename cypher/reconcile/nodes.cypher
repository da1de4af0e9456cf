// Soft-delete (docs/graph.md#incremental-sync) the named nodes of one type that this incremental sync did not see:
// objects the System Log says were deleted. Generated per type ({{TYPE}}).
// Parameters: $keys, $accountKey, $seenSince (see sweep_nodes.cypher), $now.
UNWIND $keys AS key
MATCH (n:{{TYPE}} {_key: key})
WHERE n._accountKey = $accountKey AND n._lastSeenOn < $seenSince AND n._deleted = false
SET n._deleted = true, n._deletedOn = $now, n:Deleted
RETURN count(n) AS deleted
