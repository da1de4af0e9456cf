// What decides whether a sync can be incremental (docs/graph.md#incremental-sync): the account's latest run other
// than this one (its status, start, the steps it ran and its change-feed cursor) and the start of its latest successful full sync.
// Parameters: $accountKey, $runKey.
OPTIONAL MATCH (last:SyncRun {accountKey: $accountKey})
WHERE last._key <> $runKey
WITH last ORDER BY last.startedOn DESC LIMIT 1
OPTIONAL MATCH (full:SyncRun {accountKey: $accountKey, mode: 'full', status: 'success'})
WITH last, full ORDER BY full.startedOn DESC LIMIT 1
RETURN last.status AS status, last.startedOn AS startedOn, last.logCursor AS cursor,
       coalesce(last.completeSteps, []) + coalesce(last.incompleteSteps, []) AS stepsRun, full.startedOn AS lastFullSync
