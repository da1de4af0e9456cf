// What an incremental sync needs to know of the account's applications (docs/graph.md#incremental-sync): each
// live application's id, whether it is an AWS app (its assignments carry IAM roles), and how many users it is
// assigned to (re-listing them can cost fewer calls than reading many assignments one by one).
// Parameters: $accountKey.
MATCH (a:okta_application {_accountKey: $accountKey})
WHERE a._deleted = false
RETURN a.id AS id, (a.appName = 'amazon_aws' OR a.awsIdentityProviderArn IS NOT NULL) AS aws,
       COUNT { (:okta_user)-[r:ASSIGNED]->(a) WHERE r._deleted = false } AS users
