// The groups linked to deleted users and applications (docs/graph.md#incremental-sync): their member and app counts
// change without a change of their own, so an incremental sync reads them again.
// Parameters: $accountKey, $users and $apps (ids).
UNWIND $users AS id
MATCH (g)-[r]->(:okta_user {_key: id})
WHERE (g:okta_user_group OR g:okta_app_user_group) AND r._accountKey = $accountKey AND r._deleted = false
RETURN DISTINCT g.id AS id
UNION
UNWIND $apps AS id
MATCH (g)-[r]->(:okta_application {_key: id})
WHERE (g:okta_user_group OR g:okta_app_user_group) AND r._accountKey = $accountKey AND r._deleted = false
RETURN DISTINCT g.id AS id
