// name: admin-without-mfa
// severity: high
// description: A user holds an admin role but has no active MFA factor.
// columns: userId, login
MATCH (u:okta_user {_accountKey: $account})
WHERE NOT u:Deleted AND u.status <> 'DEPROVISIONED'
  AND (EXISTS { MATCH (u)-[a:ASSIGNED]->(r:okta_role) WHERE a._deleted = false AND NOT r:Deleted }
       OR EXISTS { MATCH (u)<-[h:HAS]-(g:UserGroup)-[a:ASSIGNED]->(r:okta_role) WHERE h._deleted = false AND NOT g:Deleted AND a._deleted = false AND NOT r:Deleted })
  AND NOT EXISTS { MATCH (u)-[a:ASSIGNED]->(f:mfa_device) WHERE a._deleted = false AND f.status = 'ACTIVE' AND NOT f:Deleted }
RETURN u._key AS userId, u.login AS login
