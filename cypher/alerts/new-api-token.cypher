// name: new-api-token
// severity: medium
// description: A new API token appeared; it acts with its owner's admin permissions.
// columns: tokenId, name, owner, networkConnection
MATCH (t:okta_api_token {_accountKey: $account})
WHERE NOT t:Deleted
OPTIONAL MATCH (u:okta_user)-[o:OWNS]->(t)
WHERE o._deleted = false AND NOT u:Deleted
RETURN t._key AS tokenId, t.name AS name, u.login AS owner, t.networkConnection AS networkConnection
