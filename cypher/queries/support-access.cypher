// name: support-access
// description: Whether Okta Support can access each org, and until when.
// params: account
// columns: account, orgUrl, supportEnabled, supportExpiresOn
MATCH (a:okta_account)
WHERE $account IS NULL OR a._key = $account
RETURN a.accountName AS account, a.orgUrl AS orgUrl, a.supportEnabled AS supportEnabled, a.supportExpiresOn AS supportExpiresOn
ORDER BY account
