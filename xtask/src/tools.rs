//! Cargo tools this project runs at pinned versions, installed with `cargo install --locked`
//! into `target/tools/` of the workspace when missing: they survive between runs and go
//! away with the target directory, and nothing is installed globally.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A pinned cargo subcommand.
pub struct Tool {
    /// The crate to install (also the binary's name).
    pub krate: &'static str,
    /// The subcommand (`cargo <subcommand>`).
    pub subcommand: &'static str,
    /// The exact version.
    pub version: &'static str,
    /// Roughly how long installing takes on 2 cores, for the message.
    pub install_minutes: u32,
}

impl Tool {
    /// The directory holding the tool's binary, installing it first when missing or at
    /// another version.
    pub fn ensure_installed(&self, cargo: &str) -> Result<PathBuf, String> {
        let root = crate::workspace_root().join("target").join("tools");
        let binary = root.join("bin").join(self.krate);
        let is_pinned = |program: &Path| {
            Command::new(program)
                .args([self.subcommand, "--version"])
                .output()
                .is_ok_and(|output| {
                    String::from_utf8_lossy(&output.stdout)
                        .split_whitespace()
                        .any(|word| word == self.version)
                })
        };
        // Ours, or the same version already on the machine's PATH.
        let installed = is_pinned(&binary) || is_pinned(Path::new(self.krate));
        if !installed {
            println!(
                "installing {} {} into {} (once; about {} minutes on 2 cores)",
                self.krate,
                self.version,
                root.display(),
                self.install_minutes
            );
            let status = Command::new(cargo)
                .args(["install", self.krate, "--version", self.version, "--locked"])
                .arg("--root")
                .arg(&root)
                .status()
                .map_err(|err| format!("cannot run cargo install: {err}"))?;
            if !status.success() {
                return Err(format!(
                    "cargo install {} {} failed",
                    self.krate, self.version
                ));
            }
        }
        Ok(root.join("bin"))
    }
}

/// `PATH` with `dir` first, so that `cargo <subcommand>` finds the pinned tool.
pub fn path_with(dir: &Path) -> OsString {
    let mut paths = vec![dir.to_path_buf()];
    if let Some(path) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(paths).unwrap_or_default()
}
