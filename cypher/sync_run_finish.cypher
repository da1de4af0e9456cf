// Completes a sync's run record with its outcome and counts (docs/graph.md#sync-runs).
MATCH (r:SyncRun {_key: $runKey})
SET r += $props
RETURN r._key AS key
