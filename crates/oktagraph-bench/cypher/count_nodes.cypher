// The account's nodes of one type.
MATCH (n:{{TYPE}})
WHERE n._accountKey = $k
RETURN count(n) AS n
