// name: admins-without-mfa
// description: Users holding an admin role, directly or through a group, with no active MFA factor.
// params: account
// columns: login, status, roles, via, account
MATCH (u:okta_user)
WHERE NOT u:Deleted AND u.status <> 'DEPROVISIONED' AND ($account IS NULL OR u._accountKey = $account)
CALL (u) {
  MATCH (u)-[a:ASSIGNED]->(r:okta_role) WHERE a._deleted = false AND NOT r:Deleted
  RETURN r.roleType AS role, 'direct' AS via
  UNION
  MATCH (g:UserGroup)-[h:HAS]->(u), (g)-[a:ASSIGNED]->(r:okta_role)
  WHERE h._deleted = false AND a._deleted = false AND NOT r:Deleted AND NOT g:Deleted
  RETURN r.roleType AS role, 'group ' + g.name AS via
}
WITH u, role, via
WHERE NOT EXISTS { MATCH (u)-[a:ASSIGNED]->(f:mfa_device) WHERE a._deleted = false AND f.status = 'ACTIVE' AND NOT f:Deleted }
RETURN u.login AS login, u.status AS status, collect(DISTINCT role) AS roles, collect(DISTINCT via) AS via, u._accountKey AS account
ORDER BY login
