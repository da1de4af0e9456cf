// name: apps-and-creators
// description: Applications with who created them (System Log, kept after the 90 days age out).
// params: account
// columns: application, status, created, createdBy, createdOn
MATCH (app:okta_application)
WHERE NOT app:Deleted AND ($account IS NULL OR app._accountKey = $account)
OPTIONAL MATCH (u:okta_user)-[c:CREATED]->(app) WHERE c._deleted = false
RETURN app.label AS application, app.status AS status, app.created AS created, u.login AS createdBy, c.createdOn AS createdOn
ORDER BY application
