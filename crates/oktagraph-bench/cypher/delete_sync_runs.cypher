// Clean-up, run until it returns 0: the account's run records, in bounded batches.
MATCH (r:SyncRun)
WHERE r.accountKey = $k
WITH r LIMIT 5000
DETACH DELETE r
RETURN count(*) AS n
