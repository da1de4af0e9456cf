// name: last-sync-changes
// description: What changed in each account's last sync: objects created, changed, soft-deleted or back.
// params: account
// columns: account, type, key, name, change
MATCH (acct:okta_account)-[:HAS_SYNC_RUN]->(run:SyncRun)
WHERE $account IS NULL OR acct._key = $account
WITH acct, run ORDER BY run.startedOn DESC
WITH acct, collect(run)[0] AS run
MATCH (n {_accountKey: acct._key})
WHERE n._lastChangedOn >= run.startedOn OR n._deletedOn >= run.startedOn
RETURN acct.accountName AS account, n._type AS type, n._key AS key, n.displayName AS name,
       CASE WHEN n._deletedOn >= run.startedOn THEN 'deleted'
            WHEN n._firstSeenOn >= run.startedOn THEN 'created'
            ELSE 'changed' END AS change
ORDER BY account, type, key
