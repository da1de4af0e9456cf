// name: super-admins
// description: Everyone with the Super Administrator role, directly or through a group.
// params: account
// columns: login, status, via, account
MATCH (r:okta_role {roleType: 'SUPER_ADMIN'})
WHERE NOT r:Deleted AND ($account IS NULL OR r._accountKey = $account)
CALL (r) {
  MATCH (u:okta_user)-[a:ASSIGNED]->(r) WHERE a._deleted = false AND NOT u:Deleted
  RETURN u, 'direct' AS via
  UNION
  MATCH (u:okta_user)<-[h:HAS]-(g:UserGroup)-[a:ASSIGNED]->(r)
  WHERE a._deleted = false AND h._deleted = false AND NOT u:Deleted AND NOT g:Deleted
  RETURN u, 'group ' + g.name AS via
}
RETURN u.login AS login, u.status AS status, collect(via) AS via, r._accountKey AS account
ORDER BY login
