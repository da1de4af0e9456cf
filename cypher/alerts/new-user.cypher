// name: new-user
// severity: low
// description: A user was created in Okta (users created in the last 7 days that the previous evaluation did not list).
// columns: userId, login, status, created
MATCH (u:okta_user {_accountKey: $account})
WHERE NOT u:Deleted AND u.created >= datetime() - duration('P7D')
RETURN u._key AS userId, u.login AS login, u.status AS status, toString(u.created) AS created
