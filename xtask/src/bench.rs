//! `cargo xtask bench [--quick | --footprint] [--pairs N] [--build-pairs N]`: the
//! benchmarks of `tests/benches/client.rs`, and (full mode only) the build footprint of
//! depending on sip-client, each figure a median of paired rounds with its interquartile
//! range. `--footprint` measures the cold builds alone.

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

const USAGE: &str =
    "usage: cargo xtask bench [--quick | --footprint] [--pairs N] [--build-pairs N]";

/// The cold-build ratio users of the crate should see at most.
const COLD_BUILD_TARGET: f64 = 1.03;

/// What `cargo xtask bench` was asked for.
#[derive(Debug, PartialEq)]
struct Options {
    quick: bool,
    footprint_only: bool,
    pairs: Option<usize>,
    build_pairs: usize,
}

/// The options of `args`, or `None` for a usage error.
fn parse_args(args: &[&str]) -> Option<Options> {
    let mut options = Options {
        quick: false,
        footprint_only: false,
        pairs: None,
        build_pairs: 15,
    };
    let count = |value: Option<&&str>| {
        value
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n > 0)
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--quick" => options.quick = true,
            "--footprint" => options.footprint_only = true,
            "--pairs" => options.pairs = Some(count(rest.next())?),
            "--build-pairs" => options.build_pairs = count(rest.next())?,
            _ => return None,
        }
    }
    (!(options.quick && options.footprint_only)).then_some(options)
}

pub fn run(args: &[&str]) -> ExitCode {
    let Some(Options {
        quick,
        footprint_only,
        pairs,
        build_pairs,
    }) = parse_args(args)
    else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let root = crate::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    if !footprint_only && !run_benches(&root, &cargo, quick, pairs) {
        eprintln!("error: the benchmarks failed");
        return ExitCode::FAILURE;
    }
    if quick {
        println!("(quick mode: the cold-build footprint is measured only by `cargo xtask bench`)");
        return ExitCode::SUCCESS;
    }
    let scratch = std::env::temp_dir();
    match footprint(&root, &cargo, build_pairs, &scratch, &mut std::io::stdout()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: footprint: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the bench binary (release build) in full or quick mode; whether it succeeded.
fn run_benches(root: &Path, cargo: &str, quick: bool, pairs: Option<usize>) -> bool {
    let pairs_text = pairs.map(|n: usize| n.to_string());
    let mut args = vec![
        "bench",
        "--locked",
        "--package",
        "sip-client-tests",
        "--bench",
        "client",
        "--",
    ];
    if quick {
        args.push("--quick");
    }
    if let Some(pairs) = &pairs_text {
        args.extend(["--pairs", pairs]);
    }
    Command::new(cargo)
        .args(&args)
        .current_dir(root)
        .status()
        .is_ok_and(|status| status.success())
}

/// A directory removed when dropped, however the code that made it ends.
struct RemovedOnDrop(std::path::PathBuf);

impl Drop for RemovedOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Cold `cargo build` of sip-client vs a throwaway crate depending only on reqwest (same
/// features, same TLS), serde and serde_json, each in a fresh target directory.
/// The report goes to `out`, a line per pair as it ends. The builds go to a directory of
/// their own in `scratch_parent`, removed however the measurement ends.
fn footprint(
    root: &Path,
    cargo: &str,
    build_pairs: usize,
    scratch_parent: &Path,
    out: &mut dyn Write,
) -> Result<(), String> {
    let guard =
        RemovedOnDrop(scratch_parent.join(format!("sip-client-footprint-{}", std::process::id())));
    let scratch = guard.0.as_path();
    let _ = std::fs::remove_dir_all(scratch);
    let baseline = scratch.join("baseline");
    std::fs::create_dir_all(baseline.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(
        baseline.join("Cargo.toml"),
        r#"[package]
name = "footprint-baseline"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
reqwest = { version = "0.13.5", default-features = false, features = ["json", "query", "http2", "charset", "rustls"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"

[workspace]
"#
        .to_owned()
            + &profiles(&std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?),
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(
        baseline.join("src/lib.rs"),
        "pub use reqwest; pub use serde; pub use serde_json;\n",
    )
    .map_err(|e| e.to_string())?;
    // The same versions as ours: start from our lockfile (cargo drops what is unused).
    std::fs::copy(root.join("Cargo.lock"), baseline.join("Cargo.lock"))
        .map_err(|e| e.to_string())?;

    // Paired rounds: each pair builds both, cold, in a random order.
    let mut pairs = Vec::new();
    for round in 1..=build_pairs {
        let build_ours = || {
            cold_build(
                cargo,
                root,
                &["build", "--locked", "--package", "sip-client"],
                &scratch.join("target-sip-client"),
            )
        };
        let build_theirs = || {
            cold_build(
                cargo,
                &baseline,
                &["build"],
                &scratch.join("target-baseline"),
            )
        };
        let (ours, theirs) = if fastrand::bool() {
            (build_ours()?, build_theirs()?)
        } else {
            let theirs = build_theirs()?;
            (build_ours()?, theirs)
        };
        writeln!(
            out,
            "  pair {round:>2}/{build_pairs}: sip-client {:>5.1} s ({} crates), baseline {:>5.1} s ({} crates)",
            ours.0, ours.1, theirs.0, theirs.1
        )
        .map_err(|e| e.to_string())?;
        pairs.push((ours, theirs));
    }

    let ratios: Vec<f64> = pairs.iter().map(|(o, t)| o.0 / t.0).collect();
    let (q1, median, q3) = quartiles(&ratios);
    let extra = pairs[0].0.1 as i64 - pairs[0].1.1 as i64;
    let verdict = Target::AtMost(COLD_BUILD_TARGET).verdict(q1, q3);
    writeln!(
        out,
        "\ncold build (fresh target dir, dev profile), {build_pairs} pairs\n  {:<44} median \
         {median:>6.3}  IQR {q1:.3}-{q3:.3}  ({build_pairs} pairs)  target <= \
         {COLD_BUILD_TARGET:.2}: {verdict}\n  crates compiled: sip-client {}, \
         reqwest+serde+serde_json {} (+{extra})",
        "cold build time, sip-client / baseline", pairs[0].0.1, pairs[0].1.1
    )
    .map_err(|e| e.to_string())
}

/// The `[profile.*]` tables of a manifest: the baseline is built with the same profiles
/// as our workspace, so that the ratio compares the crates, not the settings.
fn profiles(manifest: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            inside = line.starts_with("[profile.");
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// First quartile, median and third quartile (linear interpolation). Shared with the bench
/// binary (`tests/benches/client.rs`).
pub fn quartiles(values: &[f64]) -> (f64, f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| {
        let position = q * (sorted.len() - 1) as f64;
        let (low, high) = (position.floor() as usize, position.ceil() as usize);
        sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
    };
    (at(0.25), at(0.5), at(0.75))
}

/// What a benchmark figure must meet.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    AtLeast(f64),
    AtMost(f64),
    Below(f64),
}

impl Target {
    fn holds(self, value: f64) -> bool {
        match self {
            Target::AtLeast(target) => value >= target,
            Target::AtMost(target) => value <= target,
            Target::Below(target) => value < target,
        }
    }

    /// The verdict on a figure from its interquartile range: both quartiles meet the
    /// target, neither does, or the range straddles it (this machine cannot tell).
    pub fn verdict(self, q1: f64, q3: f64) -> &'static str {
        match (self.holds(q1), self.holds(q3)) {
            (true, true) => "meets it",
            (false, false) => "misses it",
            _ => "not resolved (the IQR straddles it)",
        }
    }
}

/// Wall time and number of crates compiled by one cold build.
fn cold_build(
    cargo: &str,
    dir: &Path,
    args: &[&str],
    target: &Path,
) -> Result<(f64, usize), String> {
    let _ = std::fs::remove_dir_all(target);
    let started = Instant::now();
    let output = Command::new(cargo)
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .current_dir(dir)
        .output()
        .map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("cargo {} failed:\n{stderr}", args.join(" ")));
    }
    let crates = stderr
        .lines()
        .filter(|line| line.trim_start().starts_with("Compiling "))
        .count();
    Ok((seconds, crates))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_gets_every_profile_table_and_nothing_else() {
        let manifest = "[workspace]\nmembers = []\n\n[profile.dev]\ndebug = 1\n\n\
                        [profile.dev.package.\"*\"]\ndebug = false\n[dependencies]\nx = 1\n";
        assert_eq!(
            profiles(manifest),
            "[profile.dev]\ndebug = 1\n\n[profile.dev.package.\"*\"]\ndebug = false\n"
        );
    }

    #[test]
    fn a_figure_meets_its_target_only_with_its_whole_iqr() {
        assert_eq!(Target::AtLeast(0.95).verdict(0.95, 1.0), "meets it");
        assert_eq!(Target::AtLeast(0.95).verdict(0.90, 0.94), "misses it");
        assert_eq!(
            Target::AtLeast(0.95).verdict(0.91, 0.99),
            "not resolved (the IQR straddles it)"
        );
        assert_eq!(Target::AtMost(1.03).verdict(1.0, 1.03), "meets it");
        assert_eq!(Target::AtMost(1.03).verdict(1.096, 1.137), "misses it");
        assert_eq!(
            Target::AtMost(1.03).verdict(1.0, 1.05),
            "not resolved (the IQR straddles it)"
        );
        assert_eq!(Target::Below(100.0).verdict(88.4, 93.8), "meets it");
        assert_eq!(Target::Below(100.0).verdict(100.0, 110.0), "misses it");
        assert_eq!(
            Target::Below(100.0).verdict(95.0, 100.0),
            "not resolved (the IQR straddles it)"
        );
    }

    #[test]
    fn quartiles_interpolate() {
        assert_eq!(quartiles(&[4.0, 1.0, 3.0, 2.0, 5.0]), (2.0, 3.0, 4.0));
        assert_eq!(quartiles(&[1.0, 2.0]), (1.25, 1.5, 1.75));
        // Between the second and third values, and the third and fourth.
        assert_eq!(quartiles(&[4.0, 1.0, 3.0, 2.0]), (1.75, 2.5, 3.25));
    }

    /// A stand-in for cargo in a scratch directory: it appends `dir|CARGO_TARGET_DIR|args`
    /// to `calls.log`, keeps the baseline's manifest, and "compiles" 5 crates in our
    /// workspace and 2 in the baseline; or fails, when `fails`.
    struct FakeCargo {
        dir: crate::test_support::Scratch,
    }

    impl FakeCargo {
        fn new(name: &str, fails: bool) -> FakeCargo {
            let dir = crate::test_support::Scratch::new(&format!("xtask-bench-{name}"));
            let log = dir.join("calls.log");
            let body = if fails {
                "echo 'broken build' >&2\nexit 101\n".to_owned()
            } else {
                format!(
                    // Our side takes half a second longer than the baseline.
                    "if grep -q footprint-baseline Cargo.toml; then cp Cargo.toml '{}'; n=2; else n=5; sleep 0.5; fi\n\
                     i=0\nwhile [ $i -lt $n ]; do echo \"   Compiling c$i v0.1.0\" >&2; i=$((i+1)); done\n\
                     echo '    Finished' >&2\n",
                    dir.join("baseline.toml").display()
                )
            };
            crate::test_support::write_script(
                &dir.join("cargo"),
                &format!(
                    "echo \"$PWD|$CARGO_TARGET_DIR|$*\" >> '{}'\n{body}",
                    log.display()
                ),
            );
            FakeCargo { dir }
        }

        fn program(&self) -> String {
            self.dir.join("cargo").to_string_lossy().into_owned()
        }

        fn calls(&self) -> Vec<String> {
            std::fs::read_to_string(self.dir.join("calls.log"))
                .unwrap_or_default()
                .lines()
                .map(str::to_owned)
                .collect()
        }
    }

    #[test]
    fn the_footprint_builds_both_sides_cold_in_pairs_and_reports_the_crates() {
        let cargo = FakeCargo::new("footprint", false);
        let root = crate::workspace_root();
        let mut out = Vec::new();
        let scratch = cargo.dir.join("scratch");
        std::fs::create_dir(&scratch).unwrap();
        footprint(&root, &cargo.program(), 3, &scratch, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();

        let calls = cargo.calls();
        assert_eq!(calls.len(), 6, "{calls:?}");
        let ours: Vec<&String> = calls
            .iter()
            .filter(|c| c.ends_with("|build --locked --package sip-client"))
            .collect();
        let theirs: Vec<&String> = calls.iter().filter(|c| c.ends_with("|build")).collect();
        assert_eq!((ours.len(), theirs.len()), (3, 3), "{calls:?}");
        assert!(
            ours.iter()
                .all(|c| c.starts_with(&format!("{}|", root.display()))
                    && c.contains("target-sip-client|")),
            "{calls:?}"
        );
        assert!(
            theirs
                .iter()
                .all(|c| c.contains("/baseline|") && c.contains("target-baseline|")),
            "{calls:?}"
        );

        // The baseline has our profiles and lockfile, and reqwest, serde and serde_json alone.
        let manifest = std::fs::read_to_string(cargo.dir.join("baseline.toml")).unwrap();
        let workspace = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        assert!(manifest.ends_with(&profiles(&workspace)), "{manifest}");
        assert!(
            manifest.contains("\n[dependencies]\nreqwest = "),
            "{manifest}"
        );

        for round in 1..=3 {
            assert!(
                out.contains(&format!("  pair  {round}/3: sip-client ")),
                "{out}"
            );
        }
        assert!(out.contains("(5 crates), baseline "), "{out}");
        assert!(
            out.contains("cold build (fresh target dir, dev profile), 3 pairs\n"),
            "{out}"
        );
        // Each pair's ratio is ours over the baseline's: above 1 here, the target missed.
        assert!(
            out.contains("(3 pairs)  target <= 1.03: misses it\n"),
            "{out}"
        );
        let median: f64 = out
            .split("median")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|figure| figure.parse().ok())
            .unwrap_or_else(|| panic!("a median in {out}"));
        assert!(median > 1.0, "{out}");
        assert!(
            out.ends_with("crates compiled: sip-client 5, reqwest+serde+serde_json 2 (+3)\n"),
            "{out}"
        );
        assert_eq!(entries(&scratch), 0, "the scratch builds are removed");
    }

    fn entries(dir: &Path) -> usize {
        std::fs::read_dir(dir).unwrap().count()
    }

    /// A build that fails ends the measurement with what cargo said, and the scratch builds
    /// are removed all the same.
    #[test]
    fn a_failing_footprint_build_leaves_no_scratch_behind() {
        let cargo = FakeCargo::new("footprint-failing", true);
        let scratch = cargo.dir.join("scratch");
        std::fs::create_dir(&scratch).unwrap();
        let mut out = Vec::new();
        let root = crate::workspace_root();
        let err = footprint(&root, &cargo.program(), 3, &scratch, &mut out).unwrap_err();
        assert!(err.ends_with("failed:\nbroken build\n"), "{err}");
        assert_eq!(cargo.calls().len(), 1);
        assert_eq!(entries(&scratch), 0, "the scratch builds are removed");
    }

    #[test]
    fn a_failing_build_is_reported_with_what_cargo_said() {
        let cargo = FakeCargo::new("failing", true);
        let err = cold_build(
            &cargo.program(),
            &cargo.dir,
            &["build", "--package", "x"],
            &cargo.dir.join("target"),
        )
        .unwrap_err();
        assert_eq!(err, "cargo build --package x failed:\nbroken build\n");
        assert!(!run_benches(&cargo.dir, &cargo.program(), true, None));
    }

    #[test]
    fn the_benches_run_in_the_mode_asked_for() {
        let cargo = FakeCargo::new("benches", false);
        let root = crate::workspace_root();
        assert!(run_benches(&root, &cargo.program(), true, Some(4)));
        assert!(run_benches(&root, &cargo.program(), false, None));
        let bench = "bench --locked --package sip-client-tests --bench client --";
        // Each call as (directory, arguments): the target directory is cargo's own.
        let calls: Vec<(String, String)> = cargo
            .calls()
            .iter()
            .map(|call| {
                let fields: Vec<&str> = call.split('|').collect();
                (fields[0].to_owned(), fields[2].to_owned())
            })
            .collect();
        let root = root.display().to_string();
        assert_eq!(
            calls,
            [
                (root.clone(), format!("{bench} --quick --pairs 4")),
                (root, bench.to_owned()),
            ]
        );
    }

    #[test]
    fn bench_options() {
        let options = |quick, footprint_only, pairs, build_pairs| {
            Some(Options {
                quick,
                footprint_only,
                pairs,
                build_pairs,
            })
        };
        assert_eq!(parse_args(&[]), options(false, false, None, 15));
        assert_eq!(parse_args(&["--quick"]), options(true, false, None, 15));
        assert_eq!(
            parse_args(&["--quick", "--pairs", "3"]),
            options(true, false, Some(3), 15)
        );
        assert_eq!(
            parse_args(&["--footprint", "--build-pairs", "1"]),
            options(false, true, None, 1)
        );
        assert_eq!(
            parse_args(&["--pairs", "1", "--build-pairs", "2"]),
            options(false, false, Some(1), 2)
        );
    }

    #[test]
    fn bench_arguments_are_checked_before_anything_runs() {
        for args in [
            &["--pairs"][..],
            &["--pairs", "0"],
            &["--pairs", "x"],
            &["--build-pairs", "0"],
            &["--build-pairs"],
            &["--quick", "--footprint"],
            &["--slow"],
        ] {
            assert_eq!(run(args), ExitCode::from(2), "{args:?}");
        }
    }
}
