// Soft-delete (docs/graph.md#sweep, #created-edges) one batch of an account's relationships of one type that this sync did
// not see. Generated per type ({{FROM}}, {{CLASS}}, {{TO}}, and {{WINDOW}}, which for System Log edges
// keeps those whose event is older than this sync's log window: their evidence has aged out).
// Parameters: $accountKey, $seenSince (see sweep_nodes.cypher), $now, $limit, $windowStart.
MATCH (:{{FROM}} {_accountKey: $accountKey})-[r:{{CLASS}}]->(:{{TO}})
WHERE r._accountKey = $accountKey AND r._type = $type AND r._lastSeenOn < $seenSince AND r._deleted = false {{WINDOW}}
WITH r LIMIT $limit
SET r._deleted = true, r._deletedOn = $now
RETURN count(r) AS deleted
