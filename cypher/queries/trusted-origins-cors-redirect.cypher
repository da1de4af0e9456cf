// name: trusted-origins-cors-redirect
// description: Active trusted origins allowed both CORS (browser calls to Okta's APIs) and redirects after sign-in or sign-out: a page on such an origin can start a sign-in and read the result, so each should be a site you control.
// params: account
// columns: name, origin, iframeEmbed, created, lastUpdated, account
MATCH (o:okta_trusted_origin)
WHERE NOT o:Deleted AND ($account IS NULL OR o._accountKey = $account)
  AND o.status = 'ACTIVE' AND o.cors = true AND o.redirect = true
RETURN o.name AS name, o.origin AS origin, o.iframeEmbed AS iframeEmbed, o.created AS created, o.lastUpdated AS lastUpdated,
  o._accountKey AS account
ORDER BY origin
