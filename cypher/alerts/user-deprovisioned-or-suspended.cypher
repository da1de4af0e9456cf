// name: user-deprovisioned-or-suspended
// severity: medium
// description: A user was deactivated (DEPROVISIONED) or suspended in Okta in the last 30 days.
// columns: userId, login, status, statusChanged
MATCH (u:okta_user {_accountKey: $account})
WHERE NOT u:Deleted AND u.status IN ['DEPROVISIONED', 'SUSPENDED']
  AND (u.statusChanged IS NULL OR u.statusChanged >= datetime() - duration('P30D'))
RETURN u._key AS userId, u.login AS login, u.status AS status, toString(u.statusChanged) AS statusChanged
