//! Alerts on graph changes: after each sync every rule (a named query taking `$account`) is evaluated,
//! its rows are compared with the rule's previous evaluation for that account (kept in an `AlertState`
//! node), and rows not seen before are alerts, delivered to stdout, a JSON-lines file and/or a webhook.
//! A rule's first evaluation for an account records a baseline and raises nothing, so adding oktagraph to
//! an existing org does not page anyone for every admin it already has.

use crate::config::AlertSettings;
use crate::graph::alert_state::{self, AlertState};
use crate::graph::Graph;
use crate::queries::{self, NamedQuery};
use crate::retry::{Jitter, RetryPolicy};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// The webhook's schedule: 5 attempts, 250 ms doubling (to 2 s), no jitter (one receiver, one sender).
const WEBHOOK_POLICY: RetryPolicy =
    RetryPolicy { max_retries: 4, base: Duration::from_millis(250), cap: Duration::from_secs(2), jitter: Jitter::NONE };

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
            let mut paths: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "cypher")).collect();
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

    /// POSTs the alerts as one JSON document, retrying server errors and network failures with backoff.
    /// A 4xx other than 408/429 is the receiver refusing the request: sending it again will not help.
    async fn post(&self, url: &SecretString, alerts: &[Alert]) -> Result<(), String> {
        let body = serde_json::json!({ "source": "oktagraph", "alerts": alerts });
        let mut retries = 0;
        loop {
            let (last, retryable) = match self.http.post(url.expose_secret()).json(&body).send().await {
                Ok(r) if r.status().is_success() => return Ok(()),
                Ok(r) => {
                    let s = r.status();
                    (format!("HTTP {s}"), s.is_server_error() || s.as_u16() == 408 || s.as_u16() == 429)
                }
                // The URL may embed a token: report the failure kind only.
                Err(e) if e.is_timeout() => ("timed out".into(), true),
                Err(e) if e.is_connect() => ("connection failed".into(), true),
                Err(_) => ("request failed".into(), true),
            };
            let delay = if retryable { WEBHOOK_POLICY.delay(retries, crate::retry::draw_jitter()) } else { None };
            let Some(delay) = delay else {
                return Err(format!("alert webhook failed after {} attempts: {last}", retries + 1));
            };
            retries += 1;
            tracing::warn!(attempt = retries, error = %last, "alert webhook failed; retrying");
            tokio::time::sleep(delay).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A receiver on loopback answering each request with the next status of `statuses` (the last one
    /// repeats). Returns its URL and the number of requests it received.
    async fn receiver(statuses: Vec<u16>) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = count.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let n = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let status = statuses[n.min(statuses.len() - 1)];
                let mut buf = vec![0u8; 65536];
                let mut got = Vec::new();
                // Read the headers and the body (Content-Length) before answering.
                loop {
                    let k = sock.read(&mut buf).await.unwrap_or(0);
                    if k == 0 {
                        break;
                    }
                    got.extend_from_slice(&buf[..k]);
                    let text = String::from_utf8_lossy(&got).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if got.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                let reply = format!("HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                let _ = sock.write_all(reply.as_bytes()).await;
            }
        });
        (url, count)
    }

    fn alerts(url: &str) -> Alerts {
        let settings = AlertSettings { webhook: Some(SecretString::from(url.to_string())), ..AlertSettings::default() };
        Alerts::from_settings(&settings).unwrap()
    }

    fn one() -> Vec<Alert> {
        vec![Alert {
            rule: "r".into(),
            severity: "low".into(),
            description: String::new(),
            account: "okta_account:x".into(),
            account_name: "x".into(),
            detected_on: String::new(),
            row: Value::Null,
        }]
    }

    #[tokio::test]
    async fn the_webhook_does_not_retry_a_client_error() {
        let (url, count) = receiver(vec![404]).await;
        let err = alerts(&url).post(&SecretString::from(url.clone()), &one()).await.unwrap_err();
        assert!(err.contains("HTTP 404"), "{err}");
        assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn the_webhook_retries_a_server_error_until_it_is_accepted() {
        let (url, count) = receiver(vec![503, 500, 200]).await;
        alerts(&url).post(&SecretString::from(url.clone()), &one()).await.unwrap();
        assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 3);
    }
}
