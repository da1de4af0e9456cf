// name: users-without-mfa-sign-on
// description: Users (not deprovisioned) whose sign-on no MFA-enforcing rule covers. A user is covered when the MFA service ENFORCES an ACTIVE rule of an ACTIVE global session (OKTA_SIGN_ON) policy that HAS it, and both that policy and that rule reach the user: each either has no people include (no includedGroupIds or includedUserIds, so it applies to everyone) or APPLIES_TO the user or a group the user is a member of, and neither EXCLUDES the user or a group the user is a member of. Network zones, risk and policy priority are not evaluated: a covered user may still sign in without MFA where an earlier rule allows it.
// params: account
// columns: login, status, account
MATCH (u:okta_user)
WHERE NOT u:Deleted AND u.status <> 'DEPROVISIONED' AND ($account IS NULL OR u._accountKey = $account)
  AND NOT EXISTS {
    MATCH (svc:okta_service)-[e:ENFORCES]->(r:okta_policy_rule)<-[h:HAS]-(p:okta_policy)
    WHERE e._deleted = false AND h._deleted = false AND NOT svc:Deleted AND NOT r:Deleted AND NOT p:Deleted
      AND p._accountKey = u._accountKey AND p.type = 'OKTA_SIGN_ON' AND p.status = 'ACTIVE' AND r.status = 'ACTIVE'
      AND all(x IN [p, r] WHERE
        (coalesce(size(x.includedGroupIds), 0) + coalesce(size(x.includedUserIds), 0) = 0
          OR EXISTS { MATCH (x)-[a:APPLIES_TO]->(u) WHERE a._deleted = false }
          OR EXISTS { MATCH (x)-[a:APPLIES_TO]->(g:UserGroup)-[m:HAS]->(u) WHERE a._deleted = false AND m._deleted = false AND NOT g:Deleted })
        AND NOT EXISTS { MATCH (x)-[d:EXCLUDES]->(u) WHERE d._deleted = false }
        AND NOT EXISTS { MATCH (x)-[d:EXCLUDES]->(g:UserGroup)-[m:HAS]->(u) WHERE d._deleted = false AND m._deleted = false AND NOT g:Deleted })
  }
RETURN u.login AS login, u.status AS status, u._accountKey AS account
ORDER BY login
