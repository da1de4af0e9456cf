// Releases an account's sync lock if $owner still holds it (a lock taken over by another process is left
// alone). The node stays, free, so the next acquire is a plain update.
// Parameters: $lockKey, $owner.
MATCH (l:SyncLock {_key: $lockKey})
WHERE l.owner = $owner
SET l.owner = null, l.host = null, l.pid = null, l.expiresOn = null, l.releasedOn = datetime()
RETURN count(l) AS released
