// Keys of the shared nodes the account links to through one relationship type and that were first seen
// at or after $since: the ones a benchmark run may have created.
MATCH (a:{{FROM}})-[:{{CLASS}}]->(n:{{TO}})
WHERE a._accountKey = $k AND n._firstSeenOn >= $since
RETURN DISTINCT n._key AS key
