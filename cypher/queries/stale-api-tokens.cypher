// name: stale-api-tokens
// description: API tokens not used for `days` days, or whose owner is not an active user (deprovisioned, suspended, ...) or is no longer in the graph, with the owner's login. Okta gives no last-use time: each use renews `expiresAt` to `tokenWindow` ahead, so the last use is `expiresAt - tokenWindow`.
// params: account, days=90
// columns: token, tokenId, owner, ownerStatus, reason, lastUsed, expiresAt, tokenWindow, account
MATCH (t:okta_api_token)
WHERE NOT t:Deleted AND ($account IS NULL OR t._accountKey = $account)
OPTIONAL MATCH (u:okta_user)-[o:OWNS]->(t)
WHERE o._deleted = false AND NOT u:Deleted
WITH t, u, CASE WHEN t.expiresAt IS NOT NULL AND t.tokenWindow IS NOT NULL THEN t.expiresAt - duration(t.tokenWindow) END AS lastUsed
WITH t, u, lastUsed,
  CASE
    WHEN u IS NULL THEN 'owner not in the graph'
    WHEN u.status <> 'ACTIVE' THEN 'owner ' + u.status
    WHEN lastUsed < datetime() - duration({days: toInteger($days)}) THEN 'not used for ' + $days + ' days'
  END AS reason
WHERE reason IS NOT NULL
RETURN t.name AS token, t._key AS tokenId, u.login AS owner, u.status AS ownerStatus, reason, lastUsed, t.expiresAt AS expiresAt,
  t.tokenWindow AS tokenWindow, t._accountKey AS account
ORDER BY reason, token
