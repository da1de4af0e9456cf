// name: support-access-enabled
// severity: medium
// description: Okta Support access to the org was enabled.
// columns: account
MATCH (a:okta_account {_key: $account})
WHERE a.supportEnabled = true
RETURN a._key AS account
