// Clean-up, run until it returns 0: shared nodes of one type whose key starts with the write comparison's
// unique prefix $p, in bounded batches.
MATCH (n:{{TYPE}})
WHERE n._key STARTS WITH $p
WITH n LIMIT 5000
DETACH DELETE n
RETURN count(*) AS n
