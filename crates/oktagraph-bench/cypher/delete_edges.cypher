// Clean-up, run until it returns 0: the account's relationships of one type, in bounded batches. They go
// before the nodes: DETACH DELETE of a hub (the account, Everyone) would put every one of its
// relationships into one transaction and exceed Neo4j's transaction memory limit.
MATCH (a:{{FROM}})-[r:{{CLASS}}]->(:{{TO}})
WHERE a._accountKey = $k
WITH r LIMIT 10000
DELETE r
RETURN count(*) AS n
