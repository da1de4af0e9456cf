// The server's version and edition (`oktagraph check`, and the first round trip that proves a connection).
CALL dbms.components() YIELD name, versions, edition
RETURN versions[0] AS version, edition
