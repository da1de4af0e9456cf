// name: users-added-by-rules
// description: Members of groups that a group rule manages, with the rule that assigns users to the group.
// params: account
// columns: rule, ruleStatus, group, user, expression
MATCH (r:okta_rule)-[m:MANAGES]->(g:UserGroup)-[h:HAS]->(u:okta_user)
WHERE NOT r:Deleted AND m._deleted = false AND NOT g:Deleted AND h._deleted = false AND NOT u:Deleted
  AND ($account IS NULL OR r._accountKey = $account)
RETURN r.name AS rule, r.status AS ruleStatus, g.name AS group, u.login AS user, r.expression AS expression
ORDER BY rule, group, user
