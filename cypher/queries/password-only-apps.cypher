// name: password-only-apps
// description: Active apps whose app sign-in policy (ACCESS_POLICY, Identity Engine; the policy is ASSIGNED to the app) is ACTIVE and HAS an ACTIVE rule that lets a password alone through (allowsPasswordOnly: access ALLOW with one factor, 1FA, and no constraint ruling the password out), with the rule's people.
// params: account
// columns: app, policy, rule, appliesTo, account
MATCH (p:okta_policy)-[s:ASSIGNED]->(app:okta_application), (p)-[h:HAS]->(r:okta_policy_rule)
WHERE s._deleted = false AND h._deleted = false AND NOT p:Deleted AND NOT app:Deleted AND NOT r:Deleted
  AND ($account IS NULL OR app._accountKey = $account)
  AND app.status = 'ACTIVE' AND p.type = 'ACCESS_POLICY' AND p.status = 'ACTIVE'
  AND r.status = 'ACTIVE' AND r.allowsPasswordOnly = true
OPTIONAL MATCH (r)-[a:APPLIES_TO]->(who)
WHERE a._deleted = false AND NOT who:Deleted
WITH app, p, r, collect(coalesce(who.login, who.name)) AS people
RETURN app.label AS app, p.name AS policy, r.name AS rule,
       CASE WHEN size(people) = 0 THEN ['everyone'] ELSE people END AS appliesTo, app._accountKey AS account
ORDER BY app, rule
