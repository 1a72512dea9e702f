//! `cargo xtask semver [--baseline-rev REV] [--fixtures]`: cargo-semver-checks, a judge of
//! Rust breakage independent of our change report.
//!
//! - Without `--fixtures`: checks `sip-client` (features `rustls` and `mock`) against the
//!   baseline revision (default: the merge base with `main`), from rustdoc JSON.
//! - With `--fixtures`: runs the test that compares its verdicts with our report's on every
//!   spec change of the test suite (`tests/tests/semver_fixtures.rs`).
//!
//! The tool is pinned and installed with `cargo install --locked` when missing (about 15
//! minutes of compiling on 2 cores, once).

use std::path::Path;
use std::process::{Command, ExitCode};

use crate::tools::{self, Tool};

/// The version of cargo-semver-checks this project judges with.
pub const VERSION: &str = "0.51.0";

/// cargo-semver-checks, pinned.
pub const TOOL: Tool = Tool {
    krate: "cargo-semver-checks",
    subcommand: "semver-checks",
    version: VERSION,
    install_minutes: 15,
};

/// The features checked: what users can turn on, without a second TLS stack.
pub const FEATURES: &str = "rustls,mock";

pub fn run(args: &[&str]) -> ExitCode {
    let root = crate::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut baseline = None;
    let mut fixtures = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--baseline-rev" => match rest.next() {
                Some(rev) => baseline = Some((*rev).to_owned()),
                None => return usage("--baseline-rev needs a revision"),
            },
            "--fixtures" => fixtures = true,
            other => return usage(&format!("unknown argument {other:?}")),
        }
    }
    let tool = match TOOL.ensure_installed(&cargo) {
        Ok(tool) => tool,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let path = tools::path_with(&[&tool]);
    let status = if fixtures {
        Command::new(&cargo)
            .args([
                "test",
                "--locked",
                "--package",
                "sip-client-tests",
                "--test",
                "semver_fixtures",
                "--",
                "--ignored",
                "--nocapture",
            ])
            .env("PATH", path)
            .current_dir(&root)
            .status()
    } else {
        let baseline = match baseline.map_or_else(|| default_base(&root), Ok) {
            Ok(baseline) => baseline,
            Err(err) => {
                eprintln!("error: {err}: pass --baseline-rev REV");
                return ExitCode::FAILURE;
            }
        };
        println!("cargo-semver-checks {VERSION}: sip-client against {baseline}");
        Command::new(&cargo)
            .args([
                "semver-checks",
                "check-release",
                "--package",
                "sip-client",
                "--baseline-rev",
                &baseline,
                "--only-explicit-features",
                "--features",
                FEATURES,
            ])
            .env("PATH", path)
            .current_dir(&root)
            .status()
    };
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: cannot run cargo: {err}");
            ExitCode::FAILURE
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("error: {problem}\nusage: cargo xtask semver [--baseline-rev REV] [--fixtures]");
    ExitCode::from(2)
}

/// The default baseline of a change: the merge base of `HEAD` and `main` (`origin/main`
/// when the clone has one: a pull request's checkout has no local `main`; on `main` with
/// commits not pushed yet, those commits are the change; else the local `main`). Where that
/// is `HEAD` itself (CI on a push to `main`, or a branch with nothing committed yet), the
/// change is what the push brought when GitHub says (its event's `before`: every commit of
/// a push of several), else the last commit: its first parent (a merge commit's is the
/// `main` it joined). A shallow clone whose history ends at `HEAD` has no base: an error,
/// not a comparison of the change with itself. The error says what is missing; each
/// command adds the option that names a base instead.
pub fn default_base(root: &Path) -> Result<String, String> {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .map_err(|err| format!("cannot run git: {err}"))
            .map(|output| {
                output
                    .status
                    .success()
                    .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
            })
    };
    for main in ["origin/main", "main"] {
        let Some(base) = git(&["merge-base", "HEAD", main])? else {
            continue;
        };
        if git(&["rev-parse", "HEAD"])?.as_deref() != Some(base.as_str()) {
            return Ok(base);
        }
        let event = std::env::var("GITHUB_EVENT_PATH")
            .ok()
            .and_then(|path| std::fs::read_to_string(path).ok());
        let pushed_from = push_base(
            std::env::var("GITHUB_EVENT_NAME").ok().as_deref(),
            event.as_deref(),
        );
        for candidate in pushed_from.into_iter().chain(["HEAD^".to_owned()]) {
            let commit = format!("{candidate}^{{commit}}");
            if let Some(found) = git(&["rev-parse", "--verify", "--quiet", &commit])? {
                return Ok(found);
            }
        }
        if git(&["rev-parse", "--is-shallow-repository"])?.as_deref() == Some("true") {
            return Err(
                "a shallow clone: its history ends at HEAD, so nothing is there to compare \
                 with (fetch the history: git fetch --unshallow)"
                    .to_owned(),
            );
        }
        // A first commit: nothing committed is judged.
        return Ok(base);
    }
    Err(
        "no merge base with main (neither origin/main nor main is a branch of this clone)"
            .to_owned(),
    )
}

/// The commit a push to GitHub moved its branch from (`before` of the push event, whose
/// payload is the file `GITHUB_EVENT_PATH`), if this is a push and the branch existed.
fn push_base(event_name: Option<&str>, event: Option<&str>) -> Option<String> {
    if event_name != Some("push") {
        return None;
    }
    let event: serde_json::Value = serde_json::from_str(event?).ok()?;
    let before = event.get("before")?.as_str()?;
    let commit = before.len() == 40
        && before.bytes().all(|b| b.is_ascii_hexdigit())
        && before.bytes().any(|b| b != b'0');
    commit.then(|| before.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A push's base is its event's `before`: not for other events, nor for a branch the
    /// push created (all zeros), nor for a payload without it.
    #[test]
    fn a_push_is_judged_from_the_commit_it_moved_the_branch_from() {
        let before = "0123456789abcdef0123456789abcdef01234567";
        let event = format!(r#"{{"before": "{before}", "after": "fedc"}}"#);
        assert_eq!(
            push_base(Some("push"), Some(&event)).as_deref(),
            Some(before)
        );
        assert_eq!(push_base(Some("pull_request"), Some(&event)), None);
        assert_eq!(push_base(None, Some(&event)), None);
        assert_eq!(push_base(Some("push"), None), None);
        let created = format!(r#"{{"before": "{}"}}"#, "0".repeat(40));
        assert_eq!(push_base(Some("push"), Some(&created)), None);
        for odd in [
            r#"{"before": "HEAD~3"}"#,
            r#"{"before": 5}"#,
            "{}",
            "not json",
        ] {
            assert_eq!(push_base(Some("push"), Some(odd)), None, "{odd}");
        }
    }
}
