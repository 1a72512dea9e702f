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
    /// The directory holding the tool's binary at the pinned version: ours in
    /// `target/tools/bin`, else one on the machine's `PATH`; installed into ours when
    /// neither is.
    pub fn ensure_installed(&self, cargo: &str) -> Result<PathBuf, String> {
        let root = crate::workspace_root().join("target").join("tools");
        let ours = root.join("bin");
        let on_path = std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
            .unwrap_or_default();
        if let Some(dir) = self.find_pinned(std::iter::once(ours.clone()).chain(on_path)) {
            return Ok(dir);
        }
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
        Ok(ours)
    }

    /// The first of `dirs` holding the tool at the pinned version (another version in an
    /// earlier directory must not shadow it, hence the directory rather than a yes or no).
    fn find_pinned(&self, dirs: impl IntoIterator<Item = PathBuf>) -> Option<PathBuf> {
        dirs.into_iter().find(|dir| {
            Command::new(dir.join(self.krate))
                .args([self.subcommand, "--version"])
                .output()
                .is_ok_and(|output| {
                    String::from_utf8_lossy(&output.stdout)
                        .split_whitespace()
                        .any(|word| word == self.version)
                })
        })
    }
}

/// `PATH` with `dirs` first, in order and each once, so that `cargo <subcommand>` finds
/// the pinned tools (each may have been found in a different directory). Cargo looks for
/// subcommands in `$CARGO_HOME/bin` before all of `PATH` unless `PATH` holds it: it is
/// added last when missing, so that another version installed there cannot shadow ours.
pub fn path_with(dirs: &[&Path]) -> OsString {
    path_from(
        dirs,
        std::env::var_os("PATH"),
        cargo_home().map(|home| home.join("bin")),
    )
}

fn path_from(dirs: &[&Path], inherited: Option<OsString>, cargo_bin: Option<PathBuf>) -> OsString {
    let mut paths: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        if !paths.iter().any(|known| known == dir) {
            paths.push(dir.to_path_buf());
        }
    }
    if let Some(path) = inherited {
        paths.extend(std::env::split_paths(&path));
    }
    if let Some(bin) = cargo_bin.filter(|bin| !paths.contains(bin)) {
        paths.push(bin);
    }
    std::env::join_paths(paths).unwrap_or_default()
}

/// Cargo's home as cargo finds it: `CARGO_HOME` (relative to the current directory), else
/// `.cargo` in the user's home.
fn cargo_home() -> Option<PathBuf> {
    cargo_home_from(
        std::env::var_os("CARGO_HOME"),
        std::env::var_os("HOME"),
        std::env::current_dir().ok(),
    )
}

fn cargo_home_from(
    cargo_home: Option<OsString>,
    home: Option<OsString>,
    cwd: Option<PathBuf>,
) -> Option<PathBuf> {
    match cargo_home.filter(|home| !home.is_empty()) {
        Some(cargo_home) => cwd.map(|cwd| cwd.join(cargo_home)),
        None => home
            .filter(|home| !home.is_empty())
            .map(|home| PathBuf::from(home).join(".cargo")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pinned_version_is_found_behind_another() {
        let scratch = crate::test_support::Scratch::new("xtask-tools");
        let tool = Tool {
            krate: "cargo-pinned-probe",
            subcommand: "pinned-probe",
            version: "1.2.3",
            install_minutes: 0,
        };
        let mut dirs = Vec::new();
        for version in ["1.0.0", "1.2.3"] {
            let dir = scratch.join(version);
            std::fs::create_dir_all(&dir).unwrap();
            // The version only for the subcommand's `--version`, as cargo tools answer.
            crate::test_support::write_script(
                &dir.join(tool.krate),
                &format!(
                    "[ \"$1 $2\" = \"pinned-probe --version\" ] && echo \"cargo-pinned-probe {version}\"\n"
                ),
            );
            dirs.push(dir);
        }
        let missing = scratch.join("missing");
        assert_eq!(
            tool.find_pinned([missing.clone(), dirs[0].clone(), dirs[1].clone()]),
            Some(dirs[1].clone())
        );
        assert_eq!(tool.find_pinned([missing, dirs[0].clone()]), None);
    }

    #[test]
    fn a_missing_tool_is_installed_into_the_workspace_at_its_pinned_version() {
        let scratch = crate::test_support::Scratch::new("xtask-tools-install");
        let log = scratch.join("log");
        let cargo = |name: &str, exit: u8| {
            let path = scratch.join(name);
            crate::test_support::write_script(
                &path,
                &format!("echo \"$*\" >> '{}'\nexit {exit}\n", log.display()),
            );
            path.to_string_lossy().into_owned()
        };
        let tool = Tool {
            krate: "cargo-never-installed-probe",
            subcommand: "never-installed-probe",
            version: "0.0.1",
            install_minutes: 1,
        };
        let tools = crate::workspace_root().join("target").join("tools");
        assert_eq!(
            tool.ensure_installed(&cargo("installs", 0)),
            Ok(tools.join("bin"))
        );
        assert_eq!(
            std::fs::read_to_string(&log).unwrap(),
            format!(
                "install cargo-never-installed-probe --version 0.0.1 --locked --root {}\n",
                tools.display()
            )
        );
        assert_eq!(
            tool.ensure_installed(&cargo("fails", 101)),
            Err("cargo install cargo-never-installed-probe 0.0.1 failed".to_owned())
        );
        assert!(
            tool.ensure_installed("/no/such/cargo")
                .unwrap_err()
                .starts_with("cannot run cargo install: ")
        );
        let _ = std::fs::remove_dir_all(&scratch);
    }

    #[test]
    fn the_pinned_tools_come_first_on_the_path() {
        let first = Path::new("/opt/pinned/bin");
        let second = Path::new("/home/someone/.cargo/bin");
        let inherited: Vec<PathBuf> = std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).collect())
            .unwrap_or_default();
        let path = path_with(&[first, second, first]);
        let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
        assert_eq!(dirs[..2], [first, second]);
        assert_eq!(dirs[2..2 + inherited.len()], inherited[..]);
    }

    /// Cargo's own `bin` is on the path, after ours: else cargo would look there first and
    /// find another version before the pinned one. Once is enough.
    #[test]
    fn cargo_home_bin_is_on_the_path_after_the_pinned_tools() {
        let ours = Path::new("/opt/pinned/bin");
        let home_bin = PathBuf::from("/home/someone/.cargo/bin");
        let inherited = std::env::join_paths(["/usr/bin", "/bin"]).unwrap();
        let dirs = |path: OsString| std::env::split_paths(&path).collect::<Vec<_>>();
        assert_eq!(
            dirs(path_from(
                &[ours],
                Some(inherited.clone()),
                Some(home_bin.clone())
            )),
            [ours, Path::new("/usr/bin"), Path::new("/bin"), &home_bin]
        );
        let with_home = std::env::join_paths(["/usr/bin", "/home/someone/.cargo/bin"]).unwrap();
        assert_eq!(
            dirs(path_from(&[ours], Some(with_home), Some(home_bin.clone()))),
            [ours, Path::new("/usr/bin"), &home_bin]
        );
        assert_eq!(dirs(path_from(&[ours], None, None)), [ours]);
    }

    /// Cargo's home: `CARGO_HOME` (an absolute one as it is, a relative one below the current
    /// directory), else `.cargo` in the home directory; an empty variable is unset. And the
    /// path the tools run with holds its `bin`.
    #[test]
    fn cargo_home_is_found_as_cargo_finds_it() {
        let os = |text: &str| Some(OsString::from(text));
        let cwd = Some(PathBuf::from("/work/repo"));
        assert_eq!(
            cargo_home_from(os("/opt/cargo"), os("/home/me"), cwd.clone()),
            Some(PathBuf::from("/opt/cargo"))
        );
        assert_eq!(
            cargo_home_from(os("relative"), os("/home/me"), cwd.clone()),
            Some(PathBuf::from("/work/repo/relative"))
        );
        assert_eq!(
            cargo_home_from(os(""), os("/home/me"), cwd.clone()),
            Some(PathBuf::from("/home/me/.cargo"))
        );
        assert_eq!(cargo_home_from(None, os(""), cwd.clone()), None);
        assert_eq!(cargo_home_from(None, None, cwd), None);
        let from_env = cargo_home_from(
            std::env::var_os("CARGO_HOME"),
            std::env::var_os("HOME"),
            std::env::current_dir().ok(),
        );
        assert_eq!(cargo_home(), from_env);
        if let Some(home) = from_env {
            let path = path_with(&[]);
            assert!(
                std::env::split_paths(&path).any(|dir| dir == home.join("bin")),
                "{path:?}"
            );
        }
    }
}
