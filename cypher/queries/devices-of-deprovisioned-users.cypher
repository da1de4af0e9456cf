// name: devices-of-deprovisioned-users
// description: Devices still registered to deprovisioned users, with the device's status and the enrollment's management status.
// params: account
// columns: login, device, platform, deviceStatus, managementStatus, account
MATCH (u:okta_user {status: 'DEPROVISIONED'})-[h:HAS]->(d:okta_device)
WHERE NOT u:Deleted AND NOT d:Deleted AND h._deleted = false AND ($account IS NULL OR u._accountKey = $account)
RETURN u.login AS login, d.displayName AS device, d.platform AS platform, d.status AS deviceStatus,
       h.managementStatus AS managementStatus, u._accountKey AS account
ORDER BY login, device
