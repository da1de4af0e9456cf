// Write baseline "whole list" (Cartography's way): every node of one type in one UNWIND, all types in one
// transaction.
UNWIND $rows AS row
MERGE (n:{{TYPE}} {_key: row.key})
SET n += row.props
SET n{{CLASSES}}, n._lastSeenOn = $now, n._firstSeenOn = coalesce(n._firstSeenOn, $now)
