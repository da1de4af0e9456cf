// Other accounts in the graph that are the same Okta org (docs/graph.md#account-isolation): the org id Okta
// gives in /api/v1/org, stored as `oktaOrgId` on the account node, under another account key (the same org
// behind a custom domain and its okta.com URL, say). Parameters: $orgId, $accountKey.
MATCH (a:okta_account {oktaOrgId: $orgId})
WHERE a._key <> $accountKey
RETURN a._key AS key, a.accountName AS name
