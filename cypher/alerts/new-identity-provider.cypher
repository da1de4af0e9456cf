// name: new-identity-provider
// severity: high
// description: A new identity provider appeared: users may now sign in with credentials from another system.
// columns: idpId, name, type, protocolType
MATCH (idp:okta_identity_provider {_accountKey: $account})
WHERE NOT idp:Deleted
RETURN idp._key AS idpId, idp.name AS name, idp.type AS type, idp.protocolType AS protocolType
