// name: dormant-users-with-apps
// description: Active users who have not logged in for 90 days (or never) but hold application assignments.
// params: account, days=90
// columns: login, lastLogin, applications, appCount, account
MATCH (u:okta_user {status: 'ACTIVE'})-[a:ASSIGNED]->(app:okta_application)
WHERE NOT u:Deleted AND a._deleted = false AND NOT app:Deleted
  AND ($account IS NULL OR u._accountKey = $account)
  AND (u.lastLogin IS NULL OR u.lastLogin < datetime() - duration({days: toInteger($days)}))
RETURN u.login AS login, u.lastLogin AS lastLogin, collect(app.label) AS applications, count(app) AS appCount, u._accountKey AS account
ORDER BY lastLogin, login
