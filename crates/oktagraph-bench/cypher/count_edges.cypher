// The account's relationships of one type.
MATCH (a:{{FROM}})-[r:{{CLASS}}]->(:{{TO}})
WHERE a._accountKey = $k
RETURN count(r) AS n
