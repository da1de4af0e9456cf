// name: admins-of-super-admins
// description: Who can administer a Super Administrator: users holding (directly or through a group) an admin role whose ADMINISTERS scope includes a group a super admin belongs to, plus every holder of an org-wide (unscoped) USER_ADMIN, HELP_DESK_ADMIN or ORG_ADMIN role. Super admins themselves are left out.
// params: account
// columns: admin, via, roles, scope, superAdmins, account
MATCH (r:okta_role {roleType: 'SUPER_ADMIN'})
WHERE NOT r:Deleted AND ($account IS NULL OR r._accountKey = $account)
CALL (r) {
  MATCH (s:okta_user)-[a:ASSIGNED]->(r) WHERE a._deleted = false AND NOT s:Deleted
  RETURN s
  UNION
  MATCH (s:okta_user)<-[h:HAS]-(g:UserGroup)-[a:ASSIGNED]->(r)
  WHERE a._deleted = false AND h._deleted = false AND NOT s:Deleted AND NOT g:Deleted
  RETURN s
}
WITH r._accountKey AS account, collect(DISTINCT s) AS supers
UNWIND supers AS s
CALL (s) {
  MATCH (s)<-[m:HAS]-(t:UserGroup)<-[ad:ADMINISTERS]-(u:okta_user)
  WHERE m._deleted = false AND ad._deleted = false AND NOT t:Deleted AND NOT u:Deleted
  RETURN u, 'direct' AS via, ad.roleTypes AS roles, 'group ' + t.name AS scope
  UNION
  MATCH (s)<-[m:HAS]-(t:UserGroup)<-[ad:ADMINISTERS]-(hg:UserGroup)-[h:HAS]->(u:okta_user)
  WHERE m._deleted = false AND ad._deleted = false AND h._deleted = false AND NOT t:Deleted AND NOT hg:Deleted AND NOT u:Deleted
  RETURN u, 'group ' + hg.name AS via, ad.roleTypes AS roles, 'group ' + t.name AS scope
  UNION
  MATCH (u:okta_user)-[a:ASSIGNED]->(o:okta_role)
  WHERE o.roleType IN ['USER_ADMIN', 'HELP_DESK_ADMIN', 'ORG_ADMIN'] AND o._accountKey = s._accountKey
    AND a._deleted = false AND NOT u:Deleted AND NOT o:Deleted
    AND NOT EXISTS { MATCH (u)-[ad:ADMINISTERS]->(x) WHERE ad._deleted = false AND NOT x:Deleted AND o.roleType IN ad.roleTypes }
  RETURN u, 'direct' AS via, [o.roleType] AS roles, 'org-wide' AS scope
  UNION
  MATCH (u:okta_user)<-[h:HAS]-(hg:UserGroup)-[a:ASSIGNED]->(o:okta_role)
  WHERE o.roleType IN ['USER_ADMIN', 'HELP_DESK_ADMIN', 'ORG_ADMIN'] AND o._accountKey = s._accountKey
    AND a._deleted = false AND h._deleted = false AND NOT u:Deleted AND NOT hg:Deleted AND NOT o:Deleted
    AND NOT EXISTS { MATCH (hg)-[ad:ADMINISTERS]->(x) WHERE ad._deleted = false AND NOT x:Deleted AND o.roleType IN ad.roleTypes }
  RETURN u, 'group ' + hg.name AS via, [o.roleType] AS roles, 'org-wide' AS scope
}
WITH account, supers, u, via, roles, scope, collect(DISTINCT s.login) AS superAdmins
WHERE NOT u IN supers
RETURN u.login AS admin, via, roles, scope, superAdmins, account
ORDER BY admin, scope, via
