// name: users-without-mfa
// description: Active users with no active MFA factor enrolled.
// params: account
// columns: login, name, lastLogin, account
MATCH (u:okta_user {status: 'ACTIVE'})
WHERE NOT u:Deleted AND ($account IS NULL OR u._accountKey = $account)
  AND NOT EXISTS { MATCH (u)-[a:ASSIGNED]->(f:mfa_device) WHERE a._deleted = false AND f.status = 'ACTIVE' AND NOT f:Deleted }
RETURN u.login AS login, u.name AS name, u.lastLogin AS lastLogin, u._accountKey AS account
ORDER BY login
