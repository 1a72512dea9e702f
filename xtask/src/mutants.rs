//! `cargo xtask mutants [--in-diff BASE] [--file GLOB]...`: mutation testing with a pinned
//! cargo-mutants.
//!
//! cargo-mutants breaks the hand-written code one small edit at a time and runs the tests;
//! a mutant no test notices (missed) is code whose behaviour nothing checks. What is
//! mutated and which tests run is in `.cargo/mutants.toml`. Mutants left alive on purpose
//! are listed, each with why, in `.cargo/mutants-survivors.txt`; this command fails on a
//! missed mutant that is not listed there, and prints the score (a mutant that made the
//! tests time out counts as caught, and is listed).
//!
//! - Without `--in-diff`: every mutant of the workspace (hours on 2 cores; `--file` narrows
//!   it to some files).
//! - `--in-diff BASE`: only the mutants on lines changed since the merge base with `BASE`
//!   (committed or not): what a pull request job runs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use serde_json::Value;

use crate::tools::{self, Tool};

/// cargo-mutants, pinned.
pub const TOOL: Tool = Tool {
    krate: "cargo-mutants",
    subcommand: "mutants",
    version: "27.1.0",
    install_minutes: 6,
};

/// cargo-nextest, pinned: cargo-mutants runs each mutant's tests with it (test binaries in
/// parallel, stopping at the first failure).
pub const NEXTEST: Tool = Tool {
    krate: "cargo-nextest",
    subcommand: "nextest",
    version: "0.9.143",
    install_minutes: 8,
};

/// Mutants left alive on purpose, each with why (relative to the workspace root).
pub const SURVIVORS_PATH: &str = ".cargo/mutants-survivors.txt";

const USAGE: &str = "usage: cargo xtask mutants [--in-diff BASE] [--file GLOB]...";

pub fn run(args: &[&str]) -> ExitCode {
    let mut in_diff = None;
    let mut files = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match (*arg, rest.clone().next()) {
            ("--in-diff", Some(base)) => {
                in_diff = Some(*base);
                rest.next();
            }
            ("--file", Some(glob)) => {
                files.push(*glob);
                rest.next();
            }
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    match run_mutants(in_diff, &files) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run_mutants(in_diff: Option<&str>, files: &[&str]) -> Result<ExitCode, String> {
    let root = crate::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let survivors = read_survivors(&root)?;
    let tool = TOOL.ensure_installed(&cargo)?;
    let nextest = NEXTEST.ensure_installed(&cargo)?;
    let output = root.join("target").join("mutants");
    std::fs::create_dir_all(&output).map_err(|err| format!("{}: {err}", output.display()))?;
    let results = output.join("mutants.out");
    set_aside(&results)?;

    let mut command = Command::new(&cargo);
    command
        // `--test-workspace` on the command line: cargo-mutants 27.1 does not apply the
        // config's `test_workspace` when `--file` narrows the mutants to one package.
        .args([
            "mutants",
            "--workspace",
            "--test-workspace=true",
            "--output",
        ])
        .arg(&output)
        .env("PATH", tools::path_with(&[&tool, &nextest]))
        .current_dir(&root);
    for glob in files {
        command.args(["--file", glob]);
    }
    if let Some(base) = in_diff {
        let diff = changed_since(&root, base)?;
        let path = output.join("changes.diff");
        std::fs::write(&path, diff).map_err(|err| format!("{}: {err}", path.display()))?;
        command.arg("--in-diff").arg(&path);
    }
    let status = command
        .status()
        .map_err(|err| format!("cannot run cargo mutants: {err}"))?;
    match status.code() {
        // All caught (0), some missed (2), some made the tests time out (3): judged below.
        Some(0 | 2 | 3) => {}
        _ => return Err(format!("cargo mutants failed ({status})")),
    }
    // cargo-mutants succeeds without writing results when it finds nothing to mutate: an
    // empty diff, or one that changes no Rust source it mutates.
    if status.success() && !results.join("outcomes.json").exists() {
        match in_diff {
            Some(base) => println!("no mutants in the lines changed since {base}: nothing to test"),
            None => println!("no mutants to test"),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let judgement = judge(&results, &survivors)?;
    println!("\n{}", judgement.score);
    // A mutant that made a test hang (an endless loop, a wait that never ends) was noticed:
    // it counts as caught, and is listed so that a timeout that is only a slow machine
    // (which would hide a missed mutant) can be told apart by reading its log.
    if !judgement.timeouts.is_empty() {
        println!(
            "caught by the test timeout (logs in {}):",
            results.join("log").display()
        );
        for line in &judgement.timeouts {
            println!("  {line}");
        }
    }
    if judgement.unexplained.is_empty() {
        println!("every missed mutant is listed, with why, in {SURVIVORS_PATH}");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "error: {} missed mutants no test catches and {SURVIVORS_PATH} does not explain:",
            judgement.unexplained.len()
        );
        for line in &judgement.unexplained {
            eprintln!("  {line}");
        }
        eprintln!(
            "write a test of the behaviour each one breaks, or (when it is equivalent) add it \
             to {SURVIVORS_PATH} with why; diffs are in {}",
            results.join("diff").display()
        );
        Ok(ExitCode::FAILURE)
    }
}

/// Moves an earlier run's results to `mutants.out.old`, as cargo-mutants does when it
/// starts, because it does not when it finds nothing to mutate: they must never be judged
/// as this run's.
fn set_aside(results: &Path) -> Result<(), String> {
    if !results.exists() {
        return Ok(());
    }
    let old = results.with_extension("out.old");
    let _ = std::fs::remove_dir_all(&old);
    std::fs::rename(results, &old).map_err(|err| format!("{}: {err}", results.display()))
}

/// What a run found, read from its results directory (`mutants.out`).
#[derive(Debug, PartialEq)]
pub struct Judgement {
    /// The score line ([`Outcomes::score`]).
    pub score: String,
    /// Mutants caught by the test timeout, to check by their logs.
    pub timeouts: Vec<String>,
    /// Missed mutants that the survivors file does not list: the run fails on any.
    pub unexplained: Vec<String>,
}

/// Judges the results of a run against the listed survivors.
pub fn judge(results: &Path, survivors: &BTreeSet<String>) -> Result<Judgement, String> {
    let lines = |name: &str| -> Vec<String> {
        std::fs::read_to_string(results.join(name))
            .unwrap_or_default()
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(str::to_owned)
            .collect()
    };
    Ok(Judgement {
        score: read_outcomes(results)?.score(),
        timeouts: lines("timeout.txt"),
        unexplained: lines("missed.txt")
            .into_iter()
            .filter(|line| !survivors.contains(&mutant_key(line)))
            .collect(),
    })
}

/// The diff of the working tree against the merge base of `HEAD` and `base`.
fn changed_since(root: &Path, base: &str) -> Result<String, String> {
    let git = |args: &[&str]| -> Result<String, String> {
        let output = Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .map_err(|err| format!("cannot run git: {err}"))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            Err(format!(
                "git {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        }
    };
    let merge_base = git(&["merge-base", "HEAD", base])?;
    git(&["diff", merge_base.trim(), "--", "*.rs"])
}

/// The summary counts of a run.
#[derive(Debug, PartialEq)]
pub struct Outcomes {
    pub caught: u64,
    pub missed: u64,
    pub timeout: u64,
    pub unviable: u64,
}

impl Outcomes {
    /// The share of viable mutants caught (a timeout counts as caught: the tests noticed).
    pub fn score(&self) -> String {
        let viable = self.caught + self.missed + self.timeout;
        if viable == 0 {
            return "no viable mutants".to_owned();
        }
        format!(
            "mutation score: {} of {viable} viable mutants caught ({:.1}%); {} missed, {} \
             timed out, {} unviable",
            self.caught + self.timeout,
            100.0 * (self.caught + self.timeout) as f64 / viable as f64,
            self.missed,
            self.timeout,
            self.unviable
        )
    }
}

fn read_outcomes(results: &Path) -> Result<Outcomes, String> {
    let path = results.join("outcomes.json");
    let text =
        std::fs::read_to_string(&path).map_err(|err| format!("{}: {err}", path.display()))?;
    let json: Value =
        serde_json::from_str(&text).map_err(|err| format!("{}: {err}", path.display()))?;
    let count = |key: &str| json[key].as_u64().unwrap_or(0);
    Ok(Outcomes {
        caught: count("caught"),
        missed: count("missed"),
        timeout: count("timeout"),
        unviable: count("unviable"),
    })
}

/// A mutant as cargo-mutants names it (`path:line:column: description`), without the line
/// and column, which move with every edit above it.
pub fn mutant_key(name: &str) -> String {
    let mut parts = name.splitn(4, ':');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(path), Some(line), Some(column), Some(rest))
            if line.parse::<u32>().is_ok() && column.parse::<u32>().is_ok() =>
        {
            format!("{path}:{rest}")
        }
        _ => name.trim().to_owned(),
    }
}

/// The mutants of the survivors file: lines `<mutant> -- why: <reason>`, where the mutant is
/// named as in `missed.txt`, with or without its line and column. A line without a reason
/// is an error: every survivor says why it is left alive.
pub fn parse_survivors(text: &str) -> Result<BTreeSet<String>, String> {
    let mut survivors = BTreeSet::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        // Split before the space after the colon: the line is trimmed, so an empty reason
        // has none.
        match line.rsplit_once(" -- why:") {
            Some((mutant, why)) if !why.trim().is_empty() => {
                survivors.insert(mutant_key(mutant.trim()));
            }
            _ => {
                return Err(format!(
                    "{SURVIVORS_PATH}:{}: expected `<mutant> -- why: <reason>`",
                    number + 1
                ));
            }
        }
    }
    Ok(survivors)
}

fn read_survivors(root: &Path) -> Result<BTreeSet<String>, String> {
    let path: PathBuf = root.join(SURVIVORS_PATH);
    match std::fs::read_to_string(&path) {
        Ok(text) => parse_survivors(&text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(BTreeSet::new()),
        Err(err) => Err(format!("{}: {err}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mutant_is_known_by_its_file_and_description_not_its_line() {
        assert_eq!(
            mutant_key("sip-client/src/retry.rs:143:33: replace + with - in execute"),
            "sip-client/src/retry.rs: replace + with - in execute"
        );
        assert_eq!(
            mutant_key("sip-client/src/retry.rs: replace + with - in execute"),
            "sip-client/src/retry.rs: replace + with - in execute"
        );
        // Only a line and a column are left out: a name with a line alone (not a name
        // cargo-mutants writes) is kept whole, colons of Rust paths and all.
        let line_only = "sip-client/src/client.rs:12: replace Client::builder -> ClientBuilder";
        assert_eq!(mutant_key(line_only), line_only);
        let with_paths = "sip-client/src/x.rs:7:5: replace <impl std::fmt::Display for X>::fmt";
        assert_eq!(
            mutant_key(with_paths),
            "sip-client/src/x.rs: replace <impl std::fmt::Display for X>::fmt"
        );
    }

    #[test]
    fn the_committed_survivors_file_is_well_formed() {
        // A malformed line would fail `cargo xtask mutants` only after hours of mutants.
        let survivors = read_survivors(&crate::workspace_root()).unwrap();
        assert!(
            survivors
                .iter()
                .all(|mutant| mutant.contains(".rs: ") && mutant.contains(" with ")),
            "{survivors:?}"
        );
    }

    /// A survivor keyed to a file or function that moved no longer explains its mutant: the
    /// next run over it fails, after hours. Each names a file of the tree, and the function
    /// its description ends in (`... in f`, `replace f -> T with ...`) is defined there.
    #[test]
    fn every_survivor_names_a_file_and_function_that_exist() {
        let root = crate::workspace_root();
        for mutant in read_survivors(&root).unwrap() {
            let (file, description) = mutant.split_once(": ").unwrap();
            let text = std::fs::read_to_string(root.join(file))
                .unwrap_or_else(|err| panic!("{mutant}: {file}: {err}"));
            match survivor_function(description) {
                Some(path) => {
                    let mut segments = path.rsplit("::");
                    let function = segments.next().unwrap_or_default();
                    assert!(
                        defines(&text, function),
                        "{mutant}: no `fn {function}` in {file}"
                    );
                    // Its type or enclosing function (`RawContext::` of a method, `walk`'s
                    // `mask_key_in_json::`) is there too; an `impl` block's name is not
                    // checked.
                    if let Some(owner) = segments.next().filter(|owner| !owner.ends_with('>')) {
                        assert!(text.contains(owner), "{mutant}: no `{owner}` in {file}");
                    }
                }
                // Outside any function: what it replaces is in the file at least.
                None => {
                    let replaced = description
                        .strip_prefix("replace ")
                        .and_then(|rest| rest.split_once(" with "))
                        .map(|(replaced, _)| replaced)
                        .unwrap_or_else(|| panic!("{mutant}: not `replace X with Y`"));
                    assert!(
                        text.contains(replaced),
                        "{mutant}: no `{replaced}` in {file}"
                    );
                }
            }
        }
    }

    /// The path of the function a mutant's description names: `<impl X for Client>::exec`
    /// of `replace > with >= in <impl X for Client>::exec`; none for a mutant outside any
    /// (`replace << with >>` of a constant).
    fn survivor_function(description: &str) -> Option<&str> {
        match description.rsplit_once(" in ") {
            Some((_, function)) => Some(function),
            None => description
                .strip_prefix("replace ")?
                .split_once(" -> ")
                .map(|(function, _)| function),
        }
    }

    fn defines(text: &str, function: &str) -> bool {
        [format!("fn {function}("), format!("fn {function}<")]
            .iter()
            .any(|definition| text.contains(definition.as_str()))
    }

    #[test]
    fn survivors_name_their_function_by_its_path() {
        let cases = [
            ("replace + with * in read_body", Some("read_body")),
            (
                "replace > with >= in <impl A<B> for C>::exec",
                Some("<impl A<B> for C>::exec"),
            ),
            (
                "replace match guard x with true in f::walk",
                Some("f::walk"),
            ),
            (
                "replace Client::builder -> ClientBuilder with Default::default()",
                Some("Client::builder"),
            ),
            ("replace << with >>", None),
        ];
        for (description, function) in cases {
            assert_eq!(survivor_function(description), function, "{description}");
        }
        assert!(defines("pub(crate) async fn read_body(\n", "read_body"));
        assert!(defines("fn walk<T>(", "walk"));
        assert!(!defines("fn read_body_twice(", "read_body"));
    }

    #[test]
    fn every_survivor_says_why() {
        let survivors = parse_survivors(
            "# comment\n\n\
             a.rs:1:2: replace || with && in f -- why: equivalent: both sides are false together\n",
        )
        .unwrap();
        assert_eq!(
            survivors.into_iter().collect::<Vec<_>>(),
            ["a.rs: replace || with && in f"]
        );
        let err = parse_survivors("a.rs:1:2: replace || with && in f\n").unwrap_err();
        assert!(err.contains(":1: expected"), "{err}");
        assert!(parse_survivors("a.rs: x -- why: \n").is_err());
    }

    #[test]
    fn the_score_counts_timeouts_as_caught_and_leaves_out_unviable_mutants() {
        let outcomes = Outcomes {
            caught: 18,
            missed: 1,
            timeout: 1,
            unviable: 7,
        };
        assert_eq!(
            outcomes.score(),
            "mutation score: 19 of 20 viable mutants caught (95.0%); 1 missed, 1 timed out, \
             7 unviable"
        );
    }

    /// A scratch directory, removed when dropped.
    struct Scratch(crate::test_support::Scratch);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            Scratch(crate::test_support::Scratch::new(&format!(
                "xtask-mutants-{name}"
            )))
        }

        fn write(&self, name: &str, text: &str) {
            let path = self.0.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }

        fn git(&self, args: &[&str]) -> String {
            let output = Command::new("git")
                .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
                .args([
                    "-c",
                    "commit.gpgsign=false",
                    "-c",
                    "init.defaultBranch=main",
                ])
                .args(args)
                .current_dir(&self.0)
                .env_remove("GIT_DIR")
                .env_remove("GIT_WORK_TREE")
                .env_remove("GIT_INDEX_FILE")
                .output()
                .unwrap();
            assert!(output.status.success(), "git {args:?}");
            String::from_utf8(output.stdout).unwrap()
        }
    }

    #[test]
    fn a_run_fails_on_missed_mutants_the_survivors_file_does_not_explain() {
        let results = Scratch::new("judge");
        results.write(
            "outcomes.json",
            r#"{"caught": 8, "missed": 2, "timeout": 1, "unviable": 3, "total_mutants": 14}"#,
        );
        results.write(
            "missed.txt",
            "a.rs:3:4: replace f -> bool with true\nb.rs:9:1: replace g with ()\n",
        );
        results.write("timeout.txt", "c.rs:1:1: replace h with ()\n\n");
        let listed =
            parse_survivors("a.rs: replace f -> bool with true -- why: equivalent\n").unwrap();
        let judgement = judge(&results.0, &listed).unwrap();
        assert_eq!(
            judgement,
            Judgement {
                score: "mutation score: 9 of 11 viable mutants caught (81.8%); 2 missed, 1 \
                        timed out, 3 unviable"
                    .to_owned(),
                timeouts: vec!["c.rs:1:1: replace h with ()".to_owned()],
                unexplained: vec!["b.rs:9:1: replace g with ()".to_owned()],
            }
        );

        // Nothing missed, nothing timed out: the files may be absent.
        std::fs::remove_file(results.0.join("missed.txt")).unwrap();
        std::fs::remove_file(results.0.join("timeout.txt")).unwrap();
        let judgement = judge(&results.0, &BTreeSet::new()).unwrap();
        assert!(judgement.timeouts.is_empty() && judgement.unexplained.is_empty());

        // Without outcomes there is no run to judge.
        std::fs::remove_file(results.0.join("outcomes.json")).unwrap();
        let err = judge(&results.0, &listed).unwrap_err();
        assert!(err.contains("outcomes.json"), "{err}");
        results.write("outcomes.json", "{not json");
        assert!(judge(&results.0, &listed).is_err());
    }

    #[test]
    fn a_missing_survivors_file_lists_none_and_an_unreadable_one_is_an_error() {
        let root = Scratch::new("survivors");
        assert!(read_survivors(&root.0).unwrap().is_empty());
        // A directory where the file should be cannot be read.
        std::fs::create_dir_all(root.0.join(SURVIVORS_PATH)).unwrap();
        assert!(read_survivors(&root.0).is_err());
    }

    #[test]
    fn the_lines_a_branch_changed_are_its_rust_files_since_the_merge_base() {
        let repo = Scratch::new("in-diff");
        repo.git(&["init", "-q"]);
        repo.write("src/a.rs", "fn a() {}\n");
        repo.write("notes.md", "notes\n");
        repo.git(&["add", "."]);
        repo.git(&["commit", "-q", "-m", "base"]);
        repo.git(&["checkout", "-q", "-b", "feature"]);
        repo.write("src/a.rs", "fn a() {}\nfn b() {}\n");
        repo.write("notes.md", "more notes\n");
        repo.git(&["commit", "-q", "-am", "feature"]);
        // Uncommitted edits count too.
        repo.write("src/a.rs", "fn a() {}\nfn b() {}\nfn c() {}\n");
        let diff = changed_since(&repo.0, "main").unwrap();
        assert!(diff.contains("+fn b() {}\n+fn c() {}\n"), "{diff}");
        assert!(!diff.contains("notes"), "{diff}");
        let err = changed_since(&repo.0, "no-such-branch").unwrap_err();
        assert!(
            err.starts_with("git merge-base HEAD no-such-branch failed: "),
            "{err}"
        );
    }

    #[test]
    fn arguments_are_checked_before_anything_runs() {
        for args in [&["--file"][..], &["--in-diff"], &["--bogus"], &["x.rs"]] {
            assert_eq!(run(args), ExitCode::from(2), "{args:?}");
        }
    }
}
