// Soft-delete (docs/graph.md#incremental-sync) the relationships of one type that arrive at the scope nodes and
// that this incremental sync did not see, although it read all of them again (a user's group memberships, the
// assignments of a deleted application). Generated per type ({{FROM}}, {{CLASS}}, {{TO}}).
// Parameters: $scopes = [{key, other}] (other: the far node's _key, or null for every far node), $type,
// $accountKey, $seenSince (see sweep_nodes.cypher), $now.
UNWIND $scopes AS s
MATCH (a:{{FROM}})-[r:{{CLASS}}]->(b:{{TO}} {_key: s.key})
WHERE r._type = $type AND r._accountKey = $accountKey AND r._lastSeenOn < $seenSince AND r._deleted = false
  AND (s.other IS NULL OR a._key = s.other)
SET r._deleted = true, r._deletedOn = $now
RETURN count(r) AS deleted
