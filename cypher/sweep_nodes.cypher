// Soft-delete (SPEC §4 rule 3) one batch of an account's nodes of one type that this sync did not see.
// Generated per type ({{TYPE}}); run repeatedly until it returns fewer than $limit.
// Parameters: $accountKey, $syncStart (the sync's DATETIME; everything seen got _lastSeenOn = $syncStart),
// $now, $limit.
MATCH (n:{{TYPE}} {_accountKey: $accountKey})
WHERE n._lastSeenOn < $syncStart AND n._deleted = false
WITH n LIMIT $limit
SET n._deleted = true, n._deletedOn = $now, n:Deleted
RETURN count(n) AS deleted
