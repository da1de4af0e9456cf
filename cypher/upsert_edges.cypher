// Upsert one batch of relationships of one type (docs/graph.md#relationships, #upsert). Generated per type: {{FROM}} and
// {{TO}} are the end nodes' type labels, {{CLASS}} the relationship type. At most one relationship of a
// class links a pair of nodes, so the MERGE is on the pattern; the edge's _key is a property.
// Parameters: $rows = [{from, to, hash, props}], $now. Rows whose end nodes do not exist are not written
// (the counts returned let the caller warn about them).
UNWIND $rows AS row
MATCH (a:{{FROM}} {_key: row.from})
MATCH (b:{{TO}} {_key: row.to})
MERGE (a)-[r:{{CLASS}}]->(b)
WITH r, row, r._firstSeenOn AS firstSeen, coalesce(r._deleted, false) AS wasDeleted,
     coalesce(r._hash = row.hash, false) AS same
FOREACH (_ IN CASE WHEN same THEN [] ELSE [1] END |
  SET r = row.props
  SET r._hash = row.hash, r._deleted = false, r._firstSeenOn = coalesce(firstSeen, $now), r._lastChangedOn = $now)
FOREACH (_ IN CASE WHEN wasDeleted THEN [1] ELSE [] END |
  SET r._deleted = false
  REMOVE r._deletedOn)
// Never moves back: when two runs overlap, the later run's stamp must survive the earlier run's write,
// or the later run's sweep would count the object as not seen.
SET r._lastSeenOn = CASE WHEN r._lastSeenOn > $now THEN r._lastSeenOn ELSE $now END
RETURN count(*) AS rows,
       sum(CASE WHEN firstSeen IS NULL THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN firstSeen IS NOT NULL AND NOT same THEN 1 ELSE 0 END) AS updated,
       sum(CASE WHEN same THEN 1 ELSE 0 END) AS unchanged,
       sum(CASE WHEN wasDeleted THEN 1 ELSE 0 END) AS undeleted
