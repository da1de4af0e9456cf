//! Logs go to stderr: human lines by default, JSON lines with `--log-format json`.

use super::args::{GlobalArgs, LogFormat};
use tracing_subscriber::EnvFilter;

pub(crate) fn init(g: &GlobalArgs) -> Result<(), String> {
    let filter = match std::env::var(crate::config::env::OKTAGRAPH_LOG) {
        Ok(f) if !f.trim().is_empty() => f,
        _ => format!("oktagraph={},warn", g.log_level),
    };
    let filter = EnvFilter::try_new(&filter).map_err(|e| format!("invalid log filter '{filter}': {e}"))?;
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false);
    let result = match g.log_format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
    result.map_err(|e| format!("cannot set up logging: {e}"))
}
