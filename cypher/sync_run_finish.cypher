// Completes a sync's run record with its outcome and counts (SPEC §4 rule 8).
MATCH (r:SyncRun {_key: $runKey})
SET r += $props
RETURN r._key AS key
