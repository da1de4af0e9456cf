// The sweep's cutoff (docs/graph.md#sweep): an object counts as "not seen" only when its _lastSeenOn is
// older than both this run's start and the start of every other run of the account still in flight (status
// `running` with a heartbeat within the lock's time to live). Whatever another live run has touched is
// therefore never swept by this one, even if two runs overlap without the lock. A killed run stops
// heartbeating and stops counting after $ttlMs.
// Parameters: $accountKey, $runKey, $ttlMs.
MATCH (r:SyncRun {accountKey: $accountKey, status: 'running'})
WHERE r._key <> $runKey AND r.heartbeatOn >= datetime() - duration({milliseconds: $ttlMs})
RETURN min(r.startedOn) AS earliest
