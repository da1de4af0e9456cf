// name: aws-role-access
// description: Who can reach which AWS IAM role through Okta, directly or through a group.
// params: account
// columns: login, role, roleName, awsAccount, via
CALL () {
  MATCH (u:okta_user)-[a:ASSIGNED]->(role:aws_iam_role)
  WHERE a._deleted = false AND NOT u:Deleted AND NOT role:Deleted
  RETURN u, role, 'direct' AS via, a._accountKey AS account
  UNION
  MATCH (u:okta_user)<-[h:HAS]-(g:UserGroup)-[a:ASSIGNED]->(role:aws_iam_role)
  WHERE a._deleted = false AND h._deleted = false AND NOT u:Deleted AND NOT g:Deleted AND NOT role:Deleted
  RETURN u, role, 'group ' + g.name AS via, a._accountKey AS account
}
WITH u, role, via, account WHERE $account IS NULL OR account = $account
RETURN u.login AS login, role._key AS role, role.roleName AS roleName, coalesce(role.awsAccountId, role.awsAccountName) AS awsAccount, collect(via) AS via
ORDER BY login, role
