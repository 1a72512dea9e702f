//! `cargo xtask ci`: what CI runs, also the command a developer runs before pushing.

use std::process::{Command, ExitCode};

pub fn run() -> ExitCode {
    ExitCode::SUCCESS
}

#[allow(dead_code)]
fn step(_name: &str, _cmd: &mut Command) -> bool {
    true
}
