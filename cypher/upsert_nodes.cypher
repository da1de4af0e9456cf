// Upsert one batch of nodes of one type (docs/graph.md#upsert). oktagraph generates one statement per type from
// this template: {{TYPE}} is the type label (the one with the _key constraint), {{CLASSES}} its class
// labels (e.g. :User), and {{SET}} is `=` (the node is oktagraph's: properties replaced, so attributes
// removed in Okta disappear) or `+=` (a shared node, e.g. aws_iam_role, that other tools may also own).
// Parameters: $rows = [{key, hash, props}], $now = the sync's DATETIME.
// A row whose content hash matches the stored one is not rewritten: only _lastSeenOn moves. A row that
// changed gets _lastChangedOn = $now, so "what changed in the last sync" is a query.
UNWIND $rows AS row
MERGE (n:{{TYPE}} {_key: row.key})
WITH n, row, n._firstSeenOn AS firstSeen, coalesce(n._deleted, false) AS wasDeleted,
     coalesce(n._hash = row.hash, false) AS same
FOREACH (_ IN CASE WHEN same THEN [] ELSE [1] END |
  SET n {{SET}} row.props
  SET n._key = row.key, n._hash = row.hash, n._deleted = false, n._firstSeenOn = coalesce(firstSeen, $now), n._lastChangedOn = $now
  SET n{{CLASSES}})
FOREACH (_ IN CASE WHEN wasDeleted THEN [1] ELSE [] END |
  SET n._deleted = false
  REMOVE n._deletedOn, n:Deleted)
// Never moves back: when two runs overlap, the later run's stamp must survive the earlier run's write,
// or the later run's sweep would count the object as not seen.
SET n._lastSeenOn = CASE WHEN n._lastSeenOn > $now THEN n._lastSeenOn ELSE $now END
RETURN count(*) AS rows,
       sum(CASE WHEN firstSeen IS NULL THEN 1 ELSE 0 END) AS created,
       sum(CASE WHEN firstSeen IS NOT NULL AND NOT same THEN 1 ELSE 0 END) AS updated,
       sum(CASE WHEN same THEN 1 ELSE 0 END) AS unchanged,
       sum(CASE WHEN wasDeleted THEN 1 ELSE 0 END) AS undeleted
