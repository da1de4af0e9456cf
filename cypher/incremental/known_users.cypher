// What an incremental sync needs to know of the account's users (docs/graph.md#incremental-sync): each live user's
// id and status (a user changing to or from DEPROVISIONED gains or loses its factors). Parameters: $accountKey.
MATCH (u:okta_user {_accountKey: $accountKey})
WHERE u._deleted = false
RETURN u.id AS id, u.status AS status
