// name: policy-rule-loosened
// severity: high
// description: An ACTIVE rule of an ACTIVE sign-on (OKTA_SIGN_ON) or app sign-in (ACCESS_POLICY) policy now lets people in without MFA (access ALLOW and no ENFORCES from the MFA service) and did not at the previous evaluation: a rule that required MFA no longer does, or a rule that does not was added or re-activated (renaming such a rule raises it again).
// columns: ruleId, rule, policy, policyType
MATCH (p:okta_policy {_accountKey: $account})-[h:HAS]->(r:okta_policy_rule)
WHERE h._deleted = false AND NOT p:Deleted AND NOT r:Deleted
  AND p.type IN ['OKTA_SIGN_ON', 'ACCESS_POLICY'] AND p.status = 'ACTIVE' AND r.status = 'ACTIVE' AND r.access = 'ALLOW'
  AND NOT EXISTS { MATCH (svc:okta_service)-[e:ENFORCES]->(r) WHERE e._deleted = false AND NOT svc:Deleted }
RETURN r._key AS ruleId, r.name AS rule, p.name AS policy, p.type AS policyType
