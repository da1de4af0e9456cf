// Takes an account's sync lock (docs/graph.md#sync-lock): one sync per account at a time. The lock is free
// when nobody holds it, when $owner already does, when its holder stopped renewing it before expiresOn
// (a process killed on another machine), or when it is held by $staleOwner, a holder the caller has seen
// die (a process on this machine that no longer exists): then it is taken over. Every time is the Neo4j server's clock, so hosts with
// different clocks agree on expiry.
// `SET l._locking` takes the node's write lock before anything is read: Neo4j reads committed data, and
// without the write lock first two processes could both read "free" and both believe they won (the
// lost-update pattern in Neo4j's transaction docs). The unique _key constraint serialises the MERGE.
// Parameters: $lockKey, $accountKey, $owner, $staleOwner (or null), $host, $pid, $ttlMs.
MERGE (l:SyncLock {_key: $lockKey})
ON CREATE SET l.accountKey = $accountKey, l._type = 'sync_lock'
SET l._locking = true
WITH l, l.owner AS before, l.expiresOn AS beforeExpires,
     (l.owner IS NULL OR l.owner = $owner OR l.owner = $staleOwner OR l.expiresOn < datetime()) AS free
FOREACH (_ IN CASE WHEN free THEN [1] ELSE [] END |
  SET l.owner = $owner, l.host = $host, l.pid = $pid, l.acquiredOn = datetime(), l.heartbeatOn = datetime(),
      l.expiresOn = datetime() + duration({milliseconds: $ttlMs}))
REMOVE l._locking
RETURN free AS acquired,
       CASE WHEN free AND before IS NOT NULL AND before <> $owner THEN before END AS tookOverFrom,
       l.owner AS owner, l.host AS host, l.pid AS pid, l.acquiredOn AS acquiredOn,
       l.heartbeatOn AS heartbeatOn, l.expiresOn AS expiresOn
