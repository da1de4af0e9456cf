// The {{WINDOW}} condition of sweep_edges.cypher for relationships that come from the System Log: keep
// those whose event is older than this sync's log window (their evidence has aged out, not disappeared).
AND (r.createdOn IS NULL OR r.createdOn >= $windowStart)
