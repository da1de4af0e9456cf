// Keys of the shared nodes (no _accountKey) the account links to through one relationship type.
MATCH (a:{{FROM}})-[:{{CLASS}}]->(n:{{TO}})
WHERE a._accountKey = $k
RETURN DISTINCT n._key AS key
