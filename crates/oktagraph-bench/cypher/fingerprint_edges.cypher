// The account's relationships of one type, for the no-change re-sync fingerprint.
MATCH (a:{{FROM}})-[r:{{CLASS}}]->(b:{{TO}})
WHERE a._accountKey = $k AND r._accountKey = $k
RETURN r._key AS k, properties(r) AS p
