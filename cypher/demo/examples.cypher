// Example queries `oktagraph demo` prints once the simulated org is synced, one per line.
MATCH (a:okta_account)-[:HAS]->(n) RETURN a, n LIMIT 100
MATCH (u:User) WHERE NOT (u)-[:IS]->(:Person) RETURN u.login, u.userType
MATCH p=(r:okta_rule)-[:MANAGES]->(:UserGroup)-[:HAS]->(:okta_user) RETURN p LIMIT 50
