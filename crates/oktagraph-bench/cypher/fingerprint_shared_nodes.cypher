// Shared nodes (employee, AWS role: no _accountKey) the account links to through one relationship type.
MATCH (a:{{FROM}})-[:{{CLASS}}]->(n:{{TO}})
WHERE a._accountKey = $k
WITH DISTINCT n
RETURN n._key AS k, labels(n) AS l, properties(n) AS p
