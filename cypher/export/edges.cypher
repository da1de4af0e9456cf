// An account's relationships (run links left out), for `oktagraph export`.
MATCH (a {_accountKey: $account})-[r]->(b) WHERE r._accountKey = $account AND type(r) <> 'HAS_SYNC_RUN'
RETURN type(r) AS type, a._key AS from, b._key AS to, properties(r) AS props ORDER BY props._key
