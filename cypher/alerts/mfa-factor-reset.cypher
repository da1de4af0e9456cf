// name: mfa-factor-reset
// severity: medium
// description: A user's MFA factors were all removed (a factor reset): the user had factors, now has none (deprovisioned users, whose factors go with them, are left out). The removed factors are read from their soft-deleted relationships, on purpose.
// columns: userId, login
MATCH (u:okta_user {_accountKey: $account})-[old:ASSIGNED]->(:mfa_device)
WHERE old._deleted = true AND NOT u:Deleted AND u.status <> 'DEPROVISIONED'
WITH DISTINCT u
WHERE NOT EXISTS { MATCH (u)-[a:ASSIGNED]->(f:mfa_device) WHERE a._deleted = false AND NOT f:Deleted }
RETURN u._key AS userId, u.login AS login
