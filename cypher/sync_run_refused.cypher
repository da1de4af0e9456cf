// A sync that could not start because Okta was unreachable or refused the credentials (docs/graph.md#sync-runs):
// a `failed` run with the reason, and nothing else. It hangs from the account node only when that exists: a
// typo'd host must not create an account.
// Parameters: $accountKey, $accountName, $runKey, $runId, $startedOn, $reason.
CREATE (r:SyncRun {_key: $runKey, _type: 'sync_run', accountKey: $accountKey, accountName: $accountName, runId: $runId,
                   startedOn: $startedOn, endedOn: $startedOn, heartbeatOn: datetime(), durationMs: 0,
                   status: 'failed', warnings: [$reason], completeSteps: [], incompleteSteps: []})
WITH r
OPTIONAL MATCH (a:okta_account {_key: $accountKey})
FOREACH (_ IN CASE WHEN a IS NULL THEN [] ELSE [1] END | CREATE (a)-[:HAS_SYNC_RUN {_accountKey: $accountKey}]->(r))
RETURN r._key AS key
