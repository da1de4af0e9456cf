// Shared nodes (no account of their own) that an account's relationships point at, for `oktagraph export`.
MATCH (n {_accountKey: $account})-[r]->(m) WHERE m._accountKey IS NULL AND r._accountKey = $account
RETURN DISTINCT labels(m) AS labels, m._key AS key, properties(m) AS props ORDER BY key
