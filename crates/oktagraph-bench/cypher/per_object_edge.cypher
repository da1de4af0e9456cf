// Write baseline "per object" (Starbase's way): one auto-commit MERGE per relationship.
MATCH (a:{{FROM}} {_key: $from})
MATCH (b:{{TO}} {_key: $to})
MERGE (a)-[r:{{CLASS}}]->(b)
SET r += $props, r._lastSeenOn = $now, r._firstSeenOn = coalesce(r._firstSeenOn, $now)
