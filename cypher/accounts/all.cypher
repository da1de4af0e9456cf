// Every account key in the graph, in order.
MATCH (a:okta_account)
RETURN a._key AS key ORDER BY key
