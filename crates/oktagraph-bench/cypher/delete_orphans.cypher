// Clean-up: shared nodes of one type among $keys that nothing links to any more.
UNWIND $keys AS key
MATCH (n:{{TYPE}} {_key: key})
WHERE NOT (n)--()
DELETE n
RETURN count(*) AS n
