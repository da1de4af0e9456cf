// name: new-super-admin
// severity: high
// description: A user became a Super Administrator (directly or through a group).
// columns: userId, login
MATCH (r:okta_role {_accountKey: $account, roleType: 'SUPER_ADMIN'})
WHERE NOT r:Deleted
CALL (r) {
  MATCH (u:okta_user)-[a:ASSIGNED]->(r) WHERE a._deleted = false AND NOT u:Deleted
  RETURN u, 'direct' AS via
  UNION
  MATCH (u:okta_user)<-[h:HAS]-(g:UserGroup)-[a:ASSIGNED]->(r)
  WHERE a._deleted = false AND h._deleted = false AND NOT u:Deleted AND NOT g:Deleted
  RETURN u, 'group ' + g.name AS via
}
RETURN DISTINCT u._key AS userId, u.login AS login
