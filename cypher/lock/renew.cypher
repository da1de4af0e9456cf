// The heartbeat of a running sync, every quarter of the lock's time to live: stamps the run record (so
// other runs' sweeps know it is alive, see sweep_cutoff.cypher) and renews the account's sync lock if
// $owner still holds it. `held` is false when the lock expired and another process took it over: the run
// must then stop without sweeping.
// Parameters: $lockKey, $owner, $runKey, $ttlMs.
OPTIONAL MATCH (r:SyncRun {_key: $runKey})
SET r.heartbeatOn = datetime()
WITH count(r) AS runs
OPTIONAL MATCH (l:SyncLock {_key: $lockKey})
WHERE l.owner = $owner
SET l.heartbeatOn = datetime(), l.expiresOn = datetime() + duration({milliseconds: $ttlMs})
RETURN l IS NOT NULL AS held
