// name: inactive-users-with-apps
// description: Deprovisioned or suspended users still assigned to applications.
// params: account
// columns: login, status, applications, appCount, account
MATCH (u:okta_user)-[a:ASSIGNED]->(app:okta_application)
WHERE u.status IN ['DEPROVISIONED', 'SUSPENDED'] AND NOT u:Deleted AND a._deleted = false AND NOT app:Deleted
  AND ($account IS NULL OR u._accountKey = $account)
RETURN u.login AS login, u.status AS status, collect(app.label) AS applications, count(app) AS appCount, u._accountKey AS account
ORDER BY appCount DESC, login
