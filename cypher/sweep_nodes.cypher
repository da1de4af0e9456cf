// Soft-delete (docs/graph.md#sweep) one batch of an account's nodes of one type that this sync did not see.
// Generated per type ({{TYPE}}); run repeatedly until it returns fewer than $limit.
// Parameters: $accountKey, $seenSince (the sync's start, or the start of an older run of the account still in
// flight: see sweep_cutoff.cypher; everything seen has _lastSeenOn >= $seenSince), $now, $limit.
MATCH (n:{{TYPE}} {_accountKey: $accountKey})
WHERE n._lastSeenOn < $seenSince AND n._deleted = false
WITH n LIMIT $limit
SET n._deleted = true, n._deletedOn = $now, n:Deleted
RETURN count(n) AS deleted
