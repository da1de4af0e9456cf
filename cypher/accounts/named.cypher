// The keys of the accounts with this name (`accountName` as configured, or the node's `name`).
MATCH (a:okta_account) WHERE a.accountName = $name OR a.name = $name
RETURN a._key AS key
