// name: new-admin-scope-on-super-admin-group
// severity: high
// description: A user or group was given an admin scope (ADMINISTERS) over a group with a Super Administrator member: its admins can now manage that super admin.
// columns: holderKey, holder, groupId, group
MATCH (holder)-[ad:ADMINISTERS]->(g:UserGroup {_accountKey: $account})-[m:HAS]->(s:okta_user)
WHERE ad._deleted = false AND m._deleted = false AND NOT holder:Deleted AND NOT g:Deleted AND NOT s:Deleted
  AND (EXISTS { MATCH (s)-[a:ASSIGNED]->(r:okta_role {roleType: 'SUPER_ADMIN'}) WHERE a._deleted = false AND NOT r:Deleted }
       OR EXISTS { MATCH (s)<-[h:HAS]-(sg:UserGroup)-[a:ASSIGNED]->(r:okta_role {roleType: 'SUPER_ADMIN'})
                   WHERE h._deleted = false AND a._deleted = false AND NOT sg:Deleted AND NOT r:Deleted })
RETURN DISTINCT holder._key AS holderKey, coalesce(holder.login, holder.name) AS holder, g._key AS groupId, g.name AS group
