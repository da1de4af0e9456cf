// Records the start of a sync (docs/graph.md#sync-runs). The account node is MERGEd so the run has a parent even
// when the account step later fails; a run left `running` was interrupted before it could finish.
MERGE (a:okta_account {_key: $accountKey})
ON CREATE SET a._type = 'okta_account', a._class = ['Account'], a:Account, a._accountKey = $accountKey,
              a._deleted = false, a.name = $accountName, a.displayName = $accountName
CREATE (r:SyncRun {_key: $runKey, _type: 'sync_run', accountKey: $accountKey, accountName: $accountName,
                   runId: $runId, startedOn: $startedOn, heartbeatOn: datetime(), status: 'running'})
CREATE (a)-[:HAS_SYNC_RUN {_accountKey: $accountKey}]->(r)
RETURN r._key AS key
