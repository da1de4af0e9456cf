// The rows one alert rule returned at its previous evaluation for one account.
MATCH (s:AlertState {_key: $key})
RETURN s.rows AS rows
