// Clean-up, run until it returns 0: the account's nodes of one type, in bounded batches.
MATCH (n:{{TYPE}})
WHERE n._accountKey = $k
WITH n LIMIT 2000
DETACH DELETE n
RETURN count(*) AS n
