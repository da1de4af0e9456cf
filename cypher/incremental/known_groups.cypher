// What an incremental sync needs to know of the account's groups (docs/graph.md#incremental-sync): each live
// group's id, node type and Okta type and name (the BUILT_IN Everyone group holds every user), and whether its
// stats said it holds admin roles (the role_targets step reads those groups' roles).
// Parameters: $accountKey.
MATCH (g:okta_user_group {_accountKey: $accountKey})
WHERE g._deleted = false
RETURN g.id AS id, g._type AS nodeType, g.type AS groupType, g.name AS name, g.hasAdminPrivilege AS hasAdmin
UNION ALL
MATCH (g:okta_app_user_group {_accountKey: $accountKey})
WHERE g._deleted = false
RETURN g.id AS id, g._type AS nodeType, g.type AS groupType, g.name AS name, g.hasAdminPrivilege AS hasAdmin
