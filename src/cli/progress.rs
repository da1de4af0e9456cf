//! Sync progress: a bar per step on a terminal, plain log lines otherwise.

use crate::collect::{Reporter, StepOutcome};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Instant;

pub(crate) struct ProgressReporter {
    account: String,
    multi: Option<MultiProgress>,
    bars: Mutex<HashMap<String, (ProgressBar, Instant)>>,
}

impl ProgressReporter {
    pub(crate) fn new(account: &str) -> ProgressReporter {
        let multi = std::io::stderr().is_terminal().then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        ProgressReporter { account: account.to_string(), multi, bars: Mutex::new(HashMap::new()) }
    }

    pub fn finish(&self) {
        if let Some(m) = &self.multi {
            let _ = m.clear();
        }
    }
}

impl Reporter for ProgressReporter {
    fn step_started(&self, step: &str) {
        let bar = match &self.multi {
            Some(m) => {
                let b = m.add(ProgressBar::new_spinner());
                b.set_style(
                    ProgressStyle::with_template("{spinner} {prefix:<16} {msg} [{elapsed}]")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                b.set_prefix(step.to_string());
                b.enable_steady_tick(std::time::Duration::from_millis(200));
                b
            }
            None => {
                tracing::info!(account = %self.account, step, "step started");
                ProgressBar::hidden()
            }
        };
        if let Ok(mut bars) = self.bars.lock() {
            bars.insert(step.to_string(), (bar, Instant::now()));
        }
    }

    fn step_items(&self, step: &str, items: u64, api: &crate::okta::BucketStats) {
        if let Ok(bars) = self.bars.lock() {
            if let Some((b, _)) = bars.get(step) {
                b.set_message(format!(
                    "{items} items · {} Okta calls so far · {:.1}s waited for rate limits",
                    api.requests,
                    api.rate_limit_wait_ms as f64 / 1000.0
                ));
            }
        }
    }

    fn sync_mode(&self, mode: crate::sync::mode::SyncMode, reason: &str) {
        match &self.multi {
            Some(m) => {
                let _ = m.println(format!("{}: {} sync ({reason})", self.account, mode.as_str()));
            }
            None => tracing::info!(account = %self.account, mode = mode.as_str(), reason, "sync mode"),
        }
    }

    fn waiting_for_lock(&self, holder: &crate::graph::lock::LockHolder) {
        eprintln!("oktagraph: account '{}': waiting for another sync to end: {holder}", self.account);
    }

    fn step_finished(&self, step: &str, outcome: &StepOutcome) {
        let state = if outcome.complete {
            "complete"
        } else if outcome.forbidden {
            "skipped (no permission)"
        } else {
            "INCOMPLETE"
        };
        if let Ok(mut bars) = self.bars.lock() {
            if let Some((b, started)) = bars.remove(step) {
                let secs = started.elapsed().as_secs_f64();
                if self.multi.is_some() {
                    b.finish_with_message(format!("{} items, {state} in {secs:.1}s", outcome.items));
                } else {
                    tracing::info!(account = %self.account, step, items = outcome.items, state, secs, "step finished");
                }
            }
        }
    }
}
