// The account's nodes of one type, for the no-change re-sync fingerprint.
MATCH (n:{{TYPE}})
WHERE n._accountKey = $k
RETURN n._key AS k, labels(n) AS l, properties(n) AS p
