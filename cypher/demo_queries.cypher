// Queries `oktagraph demo` suggests trying in the Neo4j Browser once the demo org is synced.
// One statement per line: the demo prints each line (without its `;`) as it is here.
MATCH (a:okta_account)-[:HAS]->(n) RETURN a, n LIMIT 100;
MATCH (u:User) WHERE NOT (u)-[:IS]->(:Person) RETURN u.login, u.userType;
MATCH p=(r:okta_rule)-[:MANAGES]->(:UserGroup)-[:HAS]->(:okta_user) RETURN p LIMIT 50;
