//! `cargo xtask demo`: the README's first command. Checks the generated client is fresh,
//! then runs sip-client's `demo` example against a local mock of Bland.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use sip_client_gen::{REGENERATE_COMMAND, SPEC_PATH};

use crate::generate::{self, Mode, Report};

/// Runs the demo. `prebuilt` is the demo example an earlier build produced (`cargo xtask
/// ci` passes the one of its test build); without it, cargo builds and runs it.
pub fn run(prebuilt: Option<PathBuf>) -> ExitCode {
    let root = crate::workspace_root();
    match generate::run(&root, Mode::Check, &mut std::io::stdout()) {
        Ok(Report::UpToDate) => {
            println!("generated client is fresh (checked against {SPEC_PATH})\n")
        }
        Ok(_) => {
            eprintln!("error: the generated client is stale; run `{REGENERATE_COMMAND}` first");
            return ExitCode::FAILURE;
        }
        Err(failure) => {
            eprintln!("error: {failure}");
            return ExitCode::FAILURE;
        }
    }
    let mut command = match prebuilt {
        Some(executable) => Command::new(executable),
        None => {
            let mut command =
                Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
            command.args([
                "run",
                "--quiet",
                "--package",
                "sip-client",
                "--example",
                "demo",
                "--features",
                "mock",
            ]);
            command
        }
    };
    match command.current_dir(&root).status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: cannot run the demo: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With a fresh client, the demo's own exit decides.
    #[test]
    fn the_demo_passes_when_the_demo_does() {
        assert_eq!(run(Some(PathBuf::from("true"))), ExitCode::SUCCESS);
        assert_eq!(run(Some(PathBuf::from("false"))), ExitCode::FAILURE);
        assert_eq!(run(Some(PathBuf::from("/no/such/demo"))), ExitCode::FAILURE);
    }
}
