// The AWS applications each named user or group is assigned to (docs/graph.md#incremental-sync): an assignee's IAM
// role edges come from all its AWS assignments together, so when one changes, an incremental sync reads again the
// others it has, and only those. Parameters: $accountKey, $ids (user and group ids).
UNWIND $ids AS id
CALL (id) {
  MATCH (x:okta_user {_key: id})-[r:ASSIGNED]->(a:okta_application) RETURN r, a
  UNION
  MATCH (x:okta_user_group {_key: id})-[r:ASSIGNED]->(a:okta_application) RETURN r, a
  UNION
  MATCH (x:okta_app_user_group {_key: id})-[r:ASSIGNED]->(a:okta_application) RETURN r, a
}
WITH id, r, a
WHERE r._accountKey = $accountKey AND r._deleted = false AND (a.appName = 'amazon_aws' OR a.awsIdentityProviderArn IS NOT NULL)
RETURN id, collect(a.id) AS apps
