// name: user-added-by-rule
// severity: low
// description: A user became a member of a group that a group rule manages.
// columns: rule, groupId, group, userId, login
MATCH (r:okta_rule {_accountKey: $account})-[m:MANAGES]->(g:UserGroup)-[h:HAS]->(u:okta_user)
WHERE NOT r:Deleted AND m._deleted = false AND NOT g:Deleted AND h._deleted = false AND NOT u:Deleted
RETURN r.name AS rule, g._key AS groupId, g.name AS group, u._key AS userId, u.login AS login
