// Records the rows one alert rule returned now for one account, for the next evaluation to compare with.
MERGE (s:AlertState {_key: $key})
SET s.rule = $rule, s.accountKey = $account, s.rows = $rows, s.evaluatedOn = datetime()
RETURN count(s) AS n
