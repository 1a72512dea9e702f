//! `cargo xtask mutants` end to end, with stand-ins for cargo and the pinned tools in a
//! scratch workspace: the arguments it gives cargo-mutants, how it judges the results, what
//! it says and its exit code.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

/// A scratch workspace whose `cargo` is a stand-in: `cargo mutants` records its arguments
/// and `PATH`, writes the results this test gives it (none when it gives none, as
/// cargo-mutants when it finds nothing to mutate), and exits with the code given.
struct Workspace {
    root: sip_client_tests::Scratch,
}

impl Workspace {
    fn new(name: &str) -> Workspace {
        let root = sip_client_tests::Scratch::new(&format!("sip-client-xtask-mutants-{name}"));
        let workspace = Workspace { root };
        workspace.write("Cargo.toml", "[workspace]\nmembers = []\n");
        workspace.write("src/lib.rs", "pub fn a() {}\n");
        // The pinned tools, where `cargo xtask` installs them.
        for tool in [xtask::mutants::TOOL, xtask::mutants::NEXTEST] {
            sip_client_tests::pinned_tool_stand_in(&workspace.root, &tool);
        }
        workspace.script(
            "fake-cargo",
            "\
             [ \"$1\" = mutants ] || exit 101\n\
             printf '%s\\n' \"$@\" > \"$FAKE_DIR/args\"\n\
             printf '%s\\n' \"$PATH\" > \"$FAKE_DIR/path\"\n\
             out=\n\
             prev=\n\
             for arg in \"$@\"; do [ \"$prev\" = --output ] && out=$arg; prev=$arg; done\n\
             if [ -d \"$FAKE_DIR/results\" ]; then\n\
               mkdir -p \"$out/mutants.out\"\n\
               cp \"$FAKE_DIR\"/results/* \"$out/mutants.out/\"\n\
             fi\n\
             exit \"$FAKE_EXIT\"\n",
        );
        workspace
    }

    fn path(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.path(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn script(&self, path: &str, body: &str) {
        sip_client_tests::write_script(&self.path(path), body);
    }

    /// What cargo-mutants "found": its counts and the mutants it missed and timed out on.
    fn results(&self, counts: [u64; 4], missed: &[&str], timeouts: &[&str]) {
        let [caught, missed_count, timeout, unviable] = counts;
        self.write(
            "fake/results/outcomes.json",
            &format!(
                "{{\"caught\": {caught}, \"missed\": {missed_count}, \"timeout\": {timeout}, \
                 \"unviable\": {unviable}, \"total_mutants\": 99}}"
            ),
        );
        let lines = |names: &[&str]| names.iter().map(|n| format!("{n}\n")).collect::<String>();
        self.write("fake/results/missed.txt", &lines(missed));
        self.write("fake/results/timeout.txt", &lines(timeouts));
    }

    /// Runs `cargo xtask mutants <args>`, cargo-mutants exiting with `exit`.
    fn run(&self, args: &[&str], exit: i32) -> (Option<i32>, String, String) {
        let output = Command::new(sip_client_tests::cargo_binary("xtask", false))
            .arg("mutants")
            .args(args)
            .current_dir(&self.root)
            .env("CARGO_MANIFEST_DIR", self.root.as_os_str())
            .env("CARGO", self.path("fake-cargo"))
            .env("FAKE_DIR", self.path("fake"))
            .env("FAKE_EXIT", exit.to_string())
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    fn recorded(&self, what: &str) -> String {
        fs::read_to_string(self.path("fake").join(what)).unwrap()
    }

    /// Makes the workspace a git repository whose `main` holds its sources.
    fn commit_on_main(&self) {
        self.git(&["init", "-q", "-b", "main"]);
        self.git(&["add", "src", "Cargo.toml"]);
        self.git(&["commit", "-q", "-m", "base"]);
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(&self.root)
            .output()
            .unwrap();
        assert!(status.status.success(), "git {args:?}: {status:?}");
    }
}

const MISSED: &str = "src/lib.rs:1:14: replace a with ()";

#[test]
fn every_mutant_caught_passes_with_the_score() {
    let workspace = Workspace::new("caught");
    workspace.results([7, 0, 0, 2], &[], &[]);
    let (code, stdout, stderr) = workspace.run(&["--file", "src/*.rs"], 0);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "\nmutation score: 7 of 7 viable mutants caught (100.0%); 0 missed, 0 timed out, 2 \
         unviable\nevery missed mutant is listed, with why, in .cargo/mutants-survivors.txt\n"
    );
    // The whole workspace's tests, the results in target/mutants, each --file passed on.
    let output = workspace.path("target/mutants");
    assert_eq!(
        workspace.recorded("args"),
        format!(
            "mutants\n--workspace\n--test-workspace=true\n--output\n{}\n--file\nsrc/*.rs\n",
            output.display()
        )
    );
    // The pinned cargo-mutants first on its PATH.
    let path = workspace.recorded("path");
    assert!(
        path.starts_with(&format!(
            "{}:",
            workspace.path("target/tools/bin").display()
        )),
        "{path}"
    );
}

#[test]
fn a_missed_mutant_fails_unless_the_survivors_file_says_why() {
    let workspace = Workspace::new("missed");
    workspace.results([5, 1, 0, 0], &[MISSED], &[]);
    let (code, stdout, stderr) = workspace.run(&[], 2);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("mutation score: 5 of 6 viable mutants caught (83.3%); 1 missed"),
        "{stdout}"
    );
    assert!(
        stderr.starts_with(&format!(
            "error: 1 missed mutants no test catches and .cargo/mutants-survivors.txt does not \
             explain:\n  {MISSED}\n"
        )),
        "{stderr}"
    );

    // Listed with why (under another line number: lines move), it passes.
    workspace.write(
        ".cargo/mutants-survivors.txt",
        "# equivalent mutants\nsrc/lib.rs:9:14: replace a with () -- why: a does nothing\n",
    );
    let (code, stdout, stderr) = workspace.run(&[], 2);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stdout.ends_with(
            "every missed mutant is listed, with why, in .cargo/mutants-survivors.txt\n"
        ),
        "{stdout}"
    );

    // Listed without why, it is refused before cargo-mutants runs.
    workspace.write(".cargo/mutants-survivors.txt", &format!("{MISSED}\n"));
    fs::remove_file(workspace.path("fake/args")).unwrap();
    let (code, _, stderr) = workspace.run(&[], 2);
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        "error: .cargo/mutants-survivors.txt:1: expected `<mutant> -- why: <reason>`\n"
    );
    assert!(!workspace.path("fake/args").exists(), "cargo-mutants ran");
}

#[test]
fn a_timeout_counts_as_caught_and_is_listed_to_check() {
    let workspace = Workspace::new("timeout");
    let hang = "src/lib.rs:1:1: replace a with loop {}";
    workspace.results([3, 0, 1, 0], &[], &[hang]);
    let (code, stdout, stderr) = workspace.run(&[], 3);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!(
            "mutation score: 4 of 4 viable mutants caught (100.0%); 0 missed, 1 timed out\
             , 0 unviable\ncaught by the test timeout (logs in {}):\n  {hang}\n",
            workspace.path("target/mutants/mutants.out/log").display()
        )),
        "{stdout}"
    );
}

#[test]
fn a_failure_of_cargo_mutants_itself_is_an_error() {
    let workspace = Workspace::new("failure");
    workspace.results([0, 0, 0, 0], &[], &[]);
    // 1: usage; 4: the unmutated tree fails its tests.
    for exit in [1, 4] {
        let (code, stdout, stderr) = workspace.run(&[], exit);
        assert_eq!(code, Some(1), "{stdout}{stderr}");
        assert_eq!(
            stderr,
            format!("error: cargo mutants failed (exit status: {exit})\n")
        );
    }
}

/// cargo-mutants exits at once, successfully and without results, when a diff changes no
/// Rust source: that passes, and an earlier run's results (kept in `target`, which CI
/// caches) are set aside rather than judged again.
#[test]
fn a_diff_with_nothing_to_mutate_passes_without_judging_an_earlier_run() {
    let workspace = Workspace::new("nothing-to-mutate");
    workspace.results([0, 1, 0, 0], &[MISSED], &[]);
    let (code, _, stderr) = workspace.run(&[], 2);
    assert_eq!(code, Some(1), "{stderr}");

    fs::remove_dir_all(workspace.path("fake/results")).unwrap();
    workspace.commit_on_main();
    let (code, stdout, stderr) = workspace.run(&["--in-diff", "main"], 0);
    assert_eq!(
        (code, stdout.as_str(), stderr.as_str()),
        (
            Some(0),
            "no mutants in the lines changed since main: nothing to test\n",
            ""
        )
    );
    let old = workspace.path("target/mutants/mutants.out.old/missed.txt");
    assert_eq!(fs::read_to_string(old).unwrap(), format!("{MISSED}\n"));
    assert!(!workspace.path("target/mutants/mutants.out").exists());

    let (code, stdout, _) = workspace.run(&[], 0);
    assert_eq!((code, stdout.as_str()), (Some(0), "no mutants to test\n"));
}

#[test]
fn in_diff_mutates_the_lines_changed_since_the_merge_base() {
    let workspace = Workspace::new("in-diff");
    workspace.results([1, 0, 0, 0], &[], &[]);
    workspace.commit_on_main();
    workspace.write("src/lib.rs", "pub fn a() {}\npub fn b() {}\n");
    let (code, stdout, stderr) = workspace.run(&["--in-diff", "main", "--file", "src/lib.rs"], 0);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let diff_path = workspace.path("target/mutants/changes.diff");
    let diff = fs::read_to_string(&diff_path).unwrap();
    assert!(diff.contains("+pub fn b() {}\n"), "{diff}");
    let args = workspace.recorded("args");
    assert!(
        args.ends_with(&format!(
            "--file\nsrc/lib.rs\n--in-diff\n{}\n",
            diff_path.display()
        )),
        "{args}"
    );

    let (code, _, stderr) = workspace.run(&["--in-diff", "no-such-branch"], 0);
    assert_eq!(code, Some(1));
    assert!(
        stderr.starts_with("error: git merge-base HEAD no-such-branch failed: "),
        "{stderr}"
    );
}
