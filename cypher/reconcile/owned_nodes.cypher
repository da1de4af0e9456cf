// Soft-delete (docs/graph.md#incremental-sync) the nodes a scope node owns through one relationship type (a user's
// mfa_device nodes) that this incremental sync did not see, although it read all of them again. Generated per
// relationship type ({{FROM}}, {{CLASS}}, {{TO}}); soft-deleted relationships still lead to what they owned.
// Parameters: $keys (the owners' _keys), $type, $accountKey, $seenSince (see sweep_nodes.cypher), $now.
UNWIND $keys AS key
MATCH (:{{FROM}} {_key: key})-[r:{{CLASS}}]->(n:{{TO}})
WHERE r._type = $type AND n._accountKey = $accountKey AND n._lastSeenOn < $seenSince AND n._deleted = false
WITH DISTINCT n
SET n._deleted = true, n._deletedOn = $now, n:Deleted
RETURN count(n) AS deleted
