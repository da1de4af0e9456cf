//! The command line: arguments (what the user typed) are resolved into settings, then a command runs on
//! the settings alone. Library code never prints; this module owns stdout, stderr and exit codes.

mod args;
mod commands;
mod demo;
mod export;
mod logging;
mod output;
mod progress;
mod tools;

pub use args::{BenchArgs, BenchScenario, Cli, Command, DemoArgs, GlobalArgs, SimulateArgs};
pub use tools::{SimulatedOrg, Tools};

/// The process exit code a finished sync maps to (README.md#commands).
pub fn exit_code_of(summary: &crate::sync::SyncSummary) -> i32 {
    commands::exit_code(summary) as i32
}

use crate::error::{CliError, ExitCode};
use clap::Parser;

/// Parses the process arguments, runs the command and returns the exit code; `tools` runs `demo`,
/// `simulate` and `bench` (see [`Tools`]).
pub fn main(tools: &impl Tools) -> i32 {
    // A bug must still end in one line and the documented exit code, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("oktagraph: internal error (please report it): {what}{at}");
        std::process::exit(ExitCode::Failure as i32);
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { ExitCode::Usage as i32 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    if let Err(e) = logging::init(&cli.global) {
        eprintln!("oktagraph: {e}");
        return ExitCode::Usage as i32;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("oktagraph: cannot start the async runtime: {e}");
            return ExitCode::Failure as i32;
        }
    };
    match runtime.block_on(commands::run(cli, tools)) {
        Ok(code) => code as i32,
        Err(e) => report(&e),
    }
}

fn report(e: &CliError) -> i32 {
    eprintln!("oktagraph: error: {}", e.message);
    e.code as i32
}
