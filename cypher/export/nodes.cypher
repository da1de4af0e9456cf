// An account's own nodes (run records left out), for `oktagraph export`.
MATCH (n) WHERE n._accountKey = $account AND NOT n:SyncRun
RETURN labels(n) AS labels, n._key AS key, properties(n) AS props ORDER BY key
