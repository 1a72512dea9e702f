//! Developer commands of the sip-client workspace (the cargo-xtask convention).
//!
//! - `cargo xtask generate`: regenerate every generated file from `openapi/`.
//! - `cargo xtask generate --check`: write nothing; show what is stale and fail.
//! - `cargo xtask ci`: everything CI checks, in the order a failure is cheapest to find.

mod ci;
mod generate;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  generate [--check]   regenerate the client from openapi/ (--check: write nothing, fail if stale)
  ci                   run what CI runs: fmt, clippy, spec validators, generate --check, tests
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["generate"] => generate::run(generate::Mode::Write),
        ["generate", "--check"] => generate::run(generate::Mode::Check),
        ["ci"] => ci::run(),
        ["help" | "--help" | "-h"] => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The workspace root: xtask lives one level below it.
fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .expect("xtask is a member directly below the workspace root")
        .to_path_buf()
}
