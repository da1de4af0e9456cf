// Write baseline "per object" (Starbase's way): one auto-commit MERGE per node.
// {{TYPE}} and {{CLASSES}} (":Label:Label") come from the kinds table; everything else is a parameter.
MERGE (n:{{TYPE}} {_key: $key})
SET n += $props
SET n{{CLASSES}}, n._lastSeenOn = $now, n._firstSeenOn = coalesce(n._firstSeenOn, $now)
