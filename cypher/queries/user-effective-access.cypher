// name: user-effective-access
// description: Everything one user can reach, as paths the Neo4j Browser draws (run it there with :param login => '...'): their groups, the applications, AWS IAM roles and admin roles assigned to them directly or through a group, and what their admin roles administer (ADMINISTERS, directly or through a group).
// params: login, account
// columns: access, target, path
MATCH (u:okta_user {login: $login})
WHERE NOT u:Deleted AND ($account IS NULL OR u._accountKey = $account)
CALL (u) {
  MATCH p = (u)<-[h:HAS]-(g:UserGroup)
  WHERE h._deleted = false AND NOT g:Deleted
  RETURN 'group' AS access, g AS x, p
  UNION
  MATCH p = (u)-[a:ASSIGNED|ADMINISTERS]->(x)
  WHERE a._deleted = false AND NOT x:Deleted AND (x:okta_application OR x:aws_iam_role OR x:okta_role OR type(a) = 'ADMINISTERS')
  RETURN CASE WHEN type(a) = 'ADMINISTERS' THEN 'administers' ELSE x._type END AS access, x, p
  UNION
  MATCH p = (u)<-[h:HAS]-(g:UserGroup)-[a:ASSIGNED|ADMINISTERS]->(x)
  WHERE h._deleted = false AND a._deleted = false AND NOT g:Deleted AND NOT x:Deleted
    AND (x:okta_application OR x:aws_iam_role OR x:okta_role OR type(a) = 'ADMINISTERS')
  RETURN CASE WHEN type(a) = 'ADMINISTERS' THEN 'administers' ELSE x._type END AS access, x, p
}
RETURN access, coalesce(x.displayName, x.name, x.label, x.roleName, x._key) AS target, p AS path
ORDER BY access, target
