// Write baseline "whole list" (Cartography's way): every relationship of one type in one UNWIND.
UNWIND $rows AS row
MATCH (a:{{FROM}} {_key: row.from})
MATCH (b:{{TO}} {_key: row.to})
MERGE (a)-[r:{{CLASS}}]->(b)
SET r += row.props, r._lastSeenOn = $now, r._firstSeenOn = coalesce(r._firstSeenOn, $now)
