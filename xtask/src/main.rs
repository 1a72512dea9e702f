//! `cargo xtask <command>`: see `cargo xtask help`.

use std::process::ExitCode;

use sip_client_gen::{REGENERATE_COMMAND, SPEC_PATH};
use xtask::generate::{self, Mode, Report};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  demo                 the main job, offline: check the client is fresh, then call a local
                       mock of Bland serving the spec's examples through the public client
  generate [--check]   regenerate the client from openapi/ (--check: write nothing, fail if stale)
  bench [--quick | --footprint] [--pairs N] [--build-pairs N]
                       benchmarks against a hand-written baseline, in paired rounds (--quick:
                       a smoke test; full: also N pairs of cold builds, default 15;
                       --footprint: the cold builds alone)
  semver [--baseline-rev REV] [--fixtures]
                       cargo-semver-checks (pinned, installed on first use) on sip-client against
                       REV (default: the merge base with main; on main, where a push moved it
                       from, else the last commit's parent); --fixtures: against our change
                       report on every spec change of the tests
  review [--base REV] [--out FILE]
                       the review page of a change (Markdown): spec changes by operation, API
                       changes, snapshots changed, the version bump they need
  mutants [--in-diff BASE] [--file GLOB]...
                       mutation testing (cargo-mutants, pinned, installed on first use) of the
                       hand-written code, or of the lines changed since BASE; fails on a missed
                       mutant .cargo/mutants-survivors.txt does not explain
  ci [--fast | --base REV]
                       run what CI runs: fmt, generate --check, spec validators, clippy, tests,
                       bench smoke test, demo (--fast: what a one-line change needs, warm < 1 min;
                       --base: judge the version bump against REV, not the merge base with main)
";

fn main() -> ExitCode {
    // Fail early, with a message, when run outside a checkout.
    if let Err(err) = xtask::try_workspace_root() {
        eprintln!("error: {err}");
        return ExitCode::from(2);
    }
    // Every argument is a name, a path or a revision: one that is not Unicode is a usage
    // error (`std::env::args` would panic on it).
    let Ok(args) = std::env::args_os()
        .skip(1)
        .map(std::ffi::OsString::into_string)
        .collect::<Result<Vec<String>, _>>()
    else {
        eprintln!("error: an argument is not valid UTF-8\n{USAGE}");
        return ExitCode::from(2);
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["generate"] => run_generate(Mode::Write),
        ["generate", "--check"] => run_generate(Mode::Check),
        ["ci", rest @ ..] => xtask::ci::run(rest),
        ["demo"] => xtask::demo::run(None),
        ["bench", rest @ ..] => xtask::bench::run(rest),
        ["semver", rest @ ..] => xtask::semver::run(rest),
        ["review", rest @ ..] => xtask::review::run(rest),
        ["mutants", rest @ ..] => xtask::mutants::run(rest),
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

fn run_generate(mode: Mode) -> ExitCode {
    let root = xtask::workspace_root();
    match generate::run(&root, mode, &mut std::io::stdout()) {
        Ok(Report::UpToDate) => {
            println!("generated files are up to date with {SPEC_PATH}");
            println!("api changes: none");
            ExitCode::SUCCESS
        }
        // `run` said which files it wrote, then what changed in the API.
        Ok(Report::Written(_)) => ExitCode::SUCCESS,
        Ok(Report::Stale(paths)) => {
            eprintln!(
                "error: {} is stale with respect to {SPEC_PATH}; run `{REGENERATE_COMMAND}` \
                 and commit the result",
                paths.join(", ")
            );
            ExitCode::FAILURE
        }
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::FAILURE
        }
    }
}
