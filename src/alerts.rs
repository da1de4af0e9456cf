//! Alerts on graph changes: after each sync every rule (a named query taking `$account`) is evaluated,
//! its rows are compared with the rule's previous evaluation for that account (kept in an `AlertState`
//! node), and rows not seen before are alerts, delivered to stdout, a JSON-lines file and/or a webhook.
//! A rule's first evaluation for an account records a baseline and raises nothing, so adding oktagraph to
//! an existing org does not page anyone for every admin it already has.

use crate::config::AlertSettings;
use crate::graph::alert_state::{self, AlertState};
use crate::graph::Graph;
use crate::queries::{self, NamedQuery};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// A row's JSON text with its columns in name order, for comparing rows whatever their column order.
fn canonical(row: &str) -> String {
    match serde_json::from_str::<Value>(row) {
        Ok(Value::Object(m)) => {
            let sorted: BTreeMap<String, Value> = m.into_iter().collect();
            serde_json::to_string(&sorted).unwrap_or_default()
        }
        _ => row.to_string(),
    }
}

/// One alert: a row a rule returned that its previous evaluation did not.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Alert {
    pub rule: String,
    pub severity: String,
    pub description: String,
    pub account: String,
    #[serde(rename = "accountName")]
    pub account_name: String,
    #[serde(rename = "detectedOn")]
    pub detected_on: String,
    pub row: Value,
}

pub struct Alerts {
    pub rules: Vec<NamedQuery>,
    stdout: bool,
    jsonl: Option<PathBuf>,
    webhook: Option<SecretString>,
    http: reqwest::Client,
}

impl Alerts {
    /// The shipped rules plus the user's (`*.cypher` in the configured folder), and the outputs.
    pub fn from_settings(s: &AlertSettings) -> Result<Alerts, String> {
        let mut rules = queries::shipped_alerts();
        if let Some(dir) = &s.dir {
            let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read the alert rules folder {}: {e}", dir.display()))?;
            let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "cypher")).collect();
            paths.sort();
            for p in paths {
                let text = std::fs::read_to_string(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
                let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("rule");
                let mut rule = queries::parse(stem, &text).map_err(|e| format!("{}: {e}", p.display()))?;
                rule.severity.get_or_insert_with(|| "medium".into());
                rules.retain(|r| r.name != rule.name);
                rules.push(rule);
            }
        }
        // Every rule is evaluated per account: `$account` is always a parameter.
        for r in &mut rules {
            if !r.params.iter().any(|(n, _)| n == "account") {
                r.params.push(("account".into(), None));
            }
        }
        let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().map_err(|e| e.to_string())?;
        Ok(Alerts { rules, stdout: s.stdout, jsonl: s.jsonl.clone(), webhook: s.webhook.clone(), http })
    }

    /// Evaluates every rule for one account and delivers the new rows. Returns the alerts raised.
    pub async fn evaluate(&self, graph: &Graph, account_key: &str, account_name: &str) -> Result<Vec<Alert>, String> {
        let mut raised = Vec::new();
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        for rule in &self.rules {
            let mut params = BTreeMap::new();
            params.insert("account".to_string(), account_key.to_string());
            let result = queries::run(graph, rule, &params).await.map_err(|e| format!("rule {}: {e}", rule.name))?;
            let current: BTreeSet<String> = result.objects().iter().map(|o| o.to_string()).collect();
            // Rows are compared whatever their column order: a rule without a `// columns:` header gets
            // its columns in name order, while earlier versions stored them in RETURN order.
            let current_by_row: BTreeMap<String, &String> = current.iter().map(|r| (canonical(r), r)).collect();
            let key = format!("alert:{account_key}:{}", rule.name);
            let previous: Option<BTreeSet<String>> =
                alert_state::read(graph, &key).await.map_err(|e| e.to_string())?.map(|rows| rows.iter().map(|r| canonical(r)).collect());
            if let Some(previous) = &previous {
                for (_, row) in current_by_row.iter().filter(|(c, _)| !previous.contains(*c)) {
                    raised.push(Alert {
                        rule: rule.name.clone(),
                        severity: rule.severity.clone().unwrap_or_else(|| "medium".into()),
                        description: rule.description.clone(),
                        account: account_key.to_string(),
                        account_name: account_name.to_string(),
                        detected_on: now.clone(),
                        row: serde_json::from_str(row).unwrap_or(Value::Null),
                    });
                }
            } else {
                tracing::info!(rule = %rule.name, rows = current.len(), "alert baseline recorded");
            }
            let state = AlertState { key: &key, rule: &rule.name, account_key, rows: current.iter().map(String::as_str).collect() };
            alert_state::write(graph, &state).await.map_err(|e| e.to_string())?;
        }
        self.deliver(&raised).await?;
        Ok(raised)
    }

    async fn deliver(&self, alerts: &[Alert]) -> Result<(), String> {
        if alerts.is_empty() {
            return Ok(());
        }
        if self.stdout {
            for a in alerts {
                println!("ALERT [{}] {} ({}): {}", a.severity, a.rule, a.account_name, a.row);
            }
        }
        if let Some(path) = &self.jsonl {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
            for a in alerts {
                let line = serde_json::to_string(a).unwrap_or_default();
                writeln!(f, "{line}").map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
        }
        if let Some(url) = &self.webhook {
            self.post(url, alerts).await?;
        }
        Ok(())
    }

    /// POSTs the alerts as one JSON document, retrying failures with backoff.
    async fn post(&self, url: &SecretString, alerts: &[Alert]) -> Result<(), String> {
        let body = serde_json::json!({ "source": "oktagraph", "alerts": alerts });
        let mut delay = Duration::from_millis(250);
        let mut last = String::new();
        for attempt in 1..=5 {
            match self.http.post(url.expose_secret()).json(&body).send().await {
                Ok(r) if r.status().is_success() => return Ok(()),
                Ok(r) => last = format!("HTTP {}", r.status()),
                // The URL may embed a token: report the failure kind only.
                Err(e) if e.is_timeout() => last = "timed out".into(),
                Err(e) if e.is_connect() => last = "connection failed".into(),
                Err(_) => last = "request failed".into(),
            }
            tracing::warn!(attempt, error = %last, "alert webhook failed; retrying");
            if attempt < 5 {
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
        }
        Err(format!("alert webhook failed after 5 attempts: {last}"))
    }
}
