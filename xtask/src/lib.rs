//! Developer commands of the sip-client workspace (the cargo-xtask convention), as a library
//! so that tests drive the same code the command runs.

pub mod bench;
pub mod ci;
pub mod demo;
pub mod generate;
pub mod mutants;
pub mod node;
pub mod review;
pub mod semver;
pub mod tools;

use std::path::{Path, PathBuf};

/// The root of the workspace this process works on, found at run time.
///
/// Never a path compiled into the binary: with a target directory shared between checkouts
/// (a global `CARGO_TARGET_DIR`, git worktrees), cargo reuses one xtask binary for all of
/// them, and a compiled-in path would make `cargo xtask generate` in one checkout rewrite
/// another. `cargo run` and `cargo test` set `CARGO_MANIFEST_DIR` for the process they start,
/// so the search begins there (or in the current directory when run by hand) and goes up to
/// the first `Cargo.toml` with a `[workspace]` table, as `cargo locate-project --workspace`
/// does.
///
/// # Panics
///
/// When no workspace is found; [`try_workspace_root`] returns the error instead.
pub fn workspace_root() -> PathBuf {
    try_workspace_root().unwrap_or_else(|err| panic!("{err}"))
}

/// [`workspace_root`], with the failure as an error message.
pub fn try_workspace_root() -> Result<PathBuf, String> {
    let start = match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => std::env::current_dir()
            .map_err(|err| format!("cannot read the current directory: {err}"))?,
    };
    find_workspace_root(&start).ok_or_else(|| {
        format!(
            "no Cargo workspace (a Cargo.toml with [workspace]) in {} or above it",
            start.display()
        )
    })
}

/// The first directory from `start` upwards whose `Cargo.toml` declares `[workspace]`.
pub fn find_workspace_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        manifest
            .lines()
            .any(|line| line.trim() == "[workspace]")
            .then(|| dir.to_path_buf())
    })
}

/// The crate (`name@version`) of one of cargo's JSON messages about a package from a
/// registry; none for our own packages (a path) and for messages about no package.
pub fn registry_crate(message: &serde_json::Value) -> Option<&str> {
    let id = message["package_id"].as_str()?;
    id.starts_with("registry+")
        .then(|| id.rsplit('#').next().unwrap_or(id))
}

/// Helpers for the tests of these commands, here and in the workspace's `tests` package.
#[doc(hidden)]
pub mod test_support {
    /// A directory of its own in the system's temporary directory, for one test: removed
    /// when dropped, however the test ends. It reads as the `Path` it is. (The tests crate
    /// has its own: this module is part of the library, and `cargo xtask` does not build
    /// tempfile.)
    #[cfg(test)]
    pub struct Scratch(tempfile::TempDir);

    #[cfg(test)]
    impl Scratch {
        /// A new empty directory whose name starts with `name`.
        pub fn new(name: &str) -> Scratch {
            let dir = tempfile::Builder::new()
                .prefix(&format!("{name}-"))
                .tempdir()
                .expect("a scratch directory");
            Scratch(dir)
        }
    }

    #[cfg(test)]
    impl AsRef<std::path::Path> for Scratch {
        fn as_ref(&self) -> &std::path::Path {
            self.0.path()
        }
    }

    #[cfg(test)]
    impl std::ops::Deref for Scratch {
        type Target = std::path::Path;

        fn deref(&self) -> &std::path::Path {
            self.0.path()
        }
    }

    /// Writes an executable shell script at `path` (its directory created) running `body`:
    /// a stand-in for a program a command under test runs.
    ///
    /// A child process writes it: a file this process held open for writing would be
    /// inherited by any process another thread starts meanwhile, and running the script
    /// while such a process still holds it fails with "Text file busy" (ETXTBSY).
    pub fn write_script(path: &std::path::Path, body: &str) {
        use std::io::Write;
        std::fs::create_dir_all(path.parent().expect("a file in a directory")).unwrap();
        let mut writer = std::process::Command::new("sh")
            .args(["-c", "cat > \"$1\" && chmod 755 \"$1\"", "sh"])
            .arg(path)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("sh starts");
        let mut stdin = writer.stdin.take().expect("piped");
        stdin
            .write_all(format!("#!/bin/sh\n{body}").as_bytes())
            .unwrap();
        drop(stdin);
        let status = writer.wait().unwrap();
        assert!(
            status.success(),
            "cannot write {}: {status}",
            path.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_workspace_above_a_member() {
        let scratch = test_support::Scratch::new("xtask-root");
        let member = scratch.join("member").join("src");
        std::fs::create_dir_all(&member).unwrap();
        std::fs::write(
            scratch.join("Cargo.toml"),
            "[workspace]\nmembers = [\"member\"]\n",
        )
        .unwrap();
        std::fs::write(
            scratch.join("member").join("Cargo.toml"),
            "[package]\nname = \"member\"\n",
        )
        .unwrap();
        assert_eq!(find_workspace_root(&member), Some(scratch.to_path_buf()));
        assert_eq!(
            find_workspace_root(&scratch.join("member")),
            Some(scratch.to_path_buf())
        );
        assert_eq!(find_workspace_root(Path::new("/")), None);
    }

    #[test]
    fn a_registry_crate_is_named_by_its_package_id() {
        let message =
            |id: &str| serde_json::json!({ "reason": "compiler-artifact", "package_id": id });
        assert_eq!(
            registry_crate(&message(
                "registry+https://github.com/rust-lang/crates.io-index#serde@1.0.229"
            )),
            Some("serde@1.0.229")
        );
        assert_eq!(
            registry_crate(&message("path+file:///w/sip-client#0.2.0+1.1.0")),
            None
        );
        assert_eq!(
            registry_crate(&serde_json::json!({ "reason": "build-finished" })),
            None
        );
    }

    /// A script written while other threads start processes runs at once: no process
    /// started meanwhile holds it open for writing (which makes running it fail with
    /// "Text file busy", ETXTBSY).
    #[test]
    fn a_script_runs_as_soon_as_it_is_written_while_processes_start() {
        let scratch = test_support::Scratch::new("xtask-script");
        let stop = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            for _ in 0..2 {
                scope.spawn(|| {
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let _ = std::process::Command::new("true").status();
                    }
                });
            }
            let busy = (0..300)
                .filter(|i| {
                    let path = scratch.join(format!("script-{i}"));
                    test_support::write_script(&path, "exit 0\n");
                    match std::process::Command::new(&path).status() {
                        Ok(status) => !status.success(),
                        Err(err) => err.raw_os_error() == Some(26), // ETXTBSY
                    }
                })
                .count();
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            assert_eq!(busy, 0, "scripts that could not run as soon as written");
        });
    }
}
