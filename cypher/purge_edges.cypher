// Hard-delete one batch of an account's soft-deleted relationships swept before $before (their end nodes
// may still be live). Generated per relationship class ({{CLASS}}).
MATCH ()-[r:{{CLASS}}]->()
WHERE r._accountKey = $accountKey AND r._deleted = true AND r._deletedOn < $before
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS purged
