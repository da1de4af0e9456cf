//! Exit codes (README.md#commands) and the one error type the command line turns into them.

/// The process exit codes scripts can rely on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum ExitCode {
    Success = 0,
    /// The sync finished `partial`: some steps failed, their data was left untouched.
    Partial = 1,
    /// Usage or configuration error.
    Usage = 2,
    /// Cannot reach or authenticate to Okta or Neo4j.
    Connect = 3,
    /// Any other failure.
    Failure = 4,
    /// Another sync of the account holds its lock (docs/graph.md#sync-lock); nothing was done.
    Busy = 5,
}

/// An error that ends a command: a one-line message and its exit code.
#[derive(Debug)]
pub struct CliError {
    pub code: ExitCode,
    pub message: String,
}

impl CliError {
    pub(crate) fn new(code: ExitCode, message: impl Into<String>) -> Self {
        CliError { code, message: message.into() }
    }
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(ExitCode::Usage, message)
    }
    pub fn failure(message: impl Into<String>) -> Self {
        Self::new(ExitCode::Failure, message)
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

impl From<crate::graph::GraphError> for CliError {
    fn from(e: crate::graph::GraphError) -> Self {
        let code = match &e {
            crate::graph::GraphError::Config(_) => ExitCode::Usage,
            e if e.is_connection() => ExitCode::Connect,
            _ => ExitCode::Failure,
        };
        CliError::new(code, e.to_string())
    }
}
