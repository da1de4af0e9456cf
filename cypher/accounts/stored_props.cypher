// The stored properties of one account node (the sync keeps those its token cannot re-read).
MATCH (a:okta_account {_key: $key})
RETURN properties(a) AS props
