// name: new-application
// severity: medium
// description: A new application appeared in the org.
// columns: appId, label, signOnMode
MATCH (app:okta_application {_accountKey: $account})
WHERE NOT app:Deleted
RETURN app._key AS appId, app.label AS label, app.signOnMode AS signOnMode
