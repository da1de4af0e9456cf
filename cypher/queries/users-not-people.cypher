// name: users-not-people
// description: Okta users that are not mapped to a person ("Find User that !is Person"): service, bot and generic accounts, and users without an email.
// params: account
// columns: login, userType, status, account
MATCH (u:okta_user)
WHERE NOT u:Deleted AND ($account IS NULL OR u._accountKey = $account)
  AND NOT EXISTS { MATCH (u)-[i:IS]->(p:Person) WHERE i._deleted = false AND NOT p:Deleted }
RETURN u.login AS login, u.userType AS userType, u.status AS status, u._accountKey AS account
ORDER BY login
