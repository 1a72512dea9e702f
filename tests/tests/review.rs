//! `cargo xtask review`: the review page of a change, read from scratch git repositories
//! that hold this checkout's spec, generated files and manifest.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use sip_client_gen::{
    API_PATH, CLI_PATH, CLIENT_PATH, MOCK_PATH, README_PATH, SPEC_PATH, SURFACE_PATH,
};
use sip_client_tests::workspace_root;
use xtask::generate::{CLIENT_MANIFEST, Mode};
use xtask::review::{self, Bump};

const SNAPSHOT: &str = "tests/snapshots/a.snap";

/// A scratch git repository, removed when dropped.
struct Repo {
    root: sip_client_tests::Scratch,
}

impl Repo {
    /// An empty repository with one commit (a README).
    fn empty(name: &str) -> Repo {
        let root = sip_client_tests::Scratch::new(&format!("sip-client-review-{name}"));
        let repo = Repo { root };
        repo.git(&["init", "-q"]);
        repo.write("README.md", "scratch\n");
        repo.commit("start");
        repo
    }

    /// A repository whose last commit holds this checkout's spec, generated files and
    /// manifest, and one snapshot.
    fn with_sources(name: &str) -> Repo {
        let repo = Repo::empty(name);
        repo.add_sources();
        repo.commit("sources");
        repo
    }

    fn add_sources(&self) {
        for path in [
            SPEC_PATH,
            CLIENT_MANIFEST,
            CLIENT_PATH,
            API_PATH,
            MOCK_PATH,
            CLI_PATH,
            SURFACE_PATH,
            README_PATH,
        ] {
            self.write(
                path,
                &fs::read_to_string(workspace_root().join(path)).unwrap(),
            );
        }
        self.write(SNAPSHOT, "one\ntwo\n");
    }

    fn path(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }

    fn read(&self, path: &str) -> String {
        fs::read_to_string(self.path(path)).unwrap()
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.path(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// Replaces `from` (which must occur) with `to` in `path`.
    fn edit(&self, path: &str, from: &str, to: &str) {
        let text = self.read(path);
        assert!(text.contains(from), "{path} holds {from:?}");
        self.write(path, &text.replacen(from, to, 1));
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "."]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn git(&self, args: &[&str]) -> String {
        let output = Command::new("git")
            .args([
                "-c",
                "user.name=review test",
                "-c",
                "user.email=review@example.invalid",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .current_dir(&self.root)
            // A test run from a git hook must not act on the outer repository.
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    fn review(&self, base: &str) -> review::Review {
        review::review(&self.root, base).unwrap()
    }

    /// Removes the path item of `operation` (its only operation) from the spec, and
    /// regenerates.
    fn remove_operation(&self, operation: &str) {
        let spec = self.read(SPEC_PATH);
        let item = path_item(&spec, operation);
        self.write(SPEC_PATH, &spec.replacen(&item, "", 1));
        self.generate();
    }

    /// Adds a copy of `operation`'s path item to the spec, its path and operation named
    /// `..._again` (an additive change), and regenerates.
    fn copy_operation(&self, operation: &str) {
        let spec = self.read(SPEC_PATH);
        let item = path_item(&spec, operation);
        let (path, rest) = item.split_once(":\n").unwrap();
        let copy = format!("{path}/again:\n{rest}").replace(
            &format!("operationId: {operation}\n"),
            &format!("operationId: {operation}_again\n"),
        );
        self.write(
            SPEC_PATH,
            &spec.replacen(&item, &format!("{item}{copy}"), 1),
        );
        self.generate();
    }

    /// `cargo xtask generate`: the generated files made from the spec.
    fn generate(&self) {
        let mut out = Vec::new();
        xtask::generate::run(&self.root, Mode::Write, &mut out)
            .unwrap_or_else(|err| panic!("{err}"));
    }

    /// The crate's version raised by one minor (0.x) with its build metadata kept.
    fn bump_minor(&self) -> String {
        let old = version(&self.root);
        let (core, build) = old.split_once('+').unwrap_or((&old, ""));
        let parts: Vec<u64> = core.split('.').map(|p| p.parse().unwrap()).collect();
        let new = format!("{}.{}.0+{build}", parts[0], parts[1] + 1);
        self.edit(
            CLIENT_MANIFEST,
            &format!("version = \"{old}\""),
            &format!("version = \"{new}\""),
        );
        new
    }
}

fn version(root: &Path) -> String {
    xtask::generate::crate_version(root).unwrap()
}

/// The text of the path item of the spec that holds `operation`: from its path's line to
/// the next path or the end of `paths`.
fn path_item(spec: &str, operation: &str) -> String {
    let at = spec
        .find(&format!("operationId: {operation}\n"))
        .unwrap_or_else(|| panic!("no operation {operation}"));
    let start = spec[..at].rfind("\n  /").unwrap() + 1;
    let end = spec[at..]
        .find("\n  /")
        .into_iter()
        .chain(spec[at..].find("\ncomponents:"))
        .min()
        .unwrap();
    spec[start..at + end + 1].to_owned()
}

#[test]
fn an_unchanged_tree_needs_a_patch_release_at_most() {
    let repo = Repo::with_sources("unchanged");
    let head = repo.git(&["rev-parse", "HEAD"]);
    let review = repo.review(&head);
    assert_eq!(review.base, head);
    assert_eq!(review.required, Bump::Patch);
    assert!(review.satisfied);
    assert_eq!(review.breaking, 0);
    let v = version(&repo.root);
    let page = &review.page;
    assert!(
        page.starts_with(&format!(
            "# Review of the change\n\nFrom `{}` to the working tree of `",
            &head[..12]
        )),
        "{page}"
    );
    for part in [
        "## The spec, by operation\n\nNo operation changed.\n\nNo component changed.\n",
        "## API changes\n\nNone.\n",
        "## Snapshots changed\n\nNone.\n",
        &format!(
            "The changes require a patch release (no API change); `sip-client` stays at `{v}`: enough."
        ),
    ] {
        assert!(page.contains(part), "{part:?} in\n{page}");
    }
    assert!(!page.contains("changed `"), "{page}");
    assert!(!page.contains("stale"), "{page}");
    assert!(review.stale.is_empty(), "{:?}", review.stale);
}

/// The working tree's API is what its spec generates, whatever the committed surface says:
/// an operation renamed in the spec without `cargo xtask generate` is a breaking change, and
/// the page says first that the generated files are stale.
#[test]
fn the_api_of_the_working_tree_is_generated_from_its_spec() {
    let repo = Repo::with_sources("stale");
    let old_version = version(&repo.root);
    repo.edit(
        SPEC_PATH,
        "operationId: cancel_port_request\n",
        "operationId: cancel_port\n",
    );
    let review = repo.review("HEAD");
    let page = &review.page;
    assert_eq!(review.required, Bump::Major, "{page}");
    assert!(!review.satisfied, "{page}");
    assert_eq!(
        review.stale,
        [
            CLIENT_PATH,
            API_PATH,
            MOCK_PATH,
            CLI_PATH,
            SURFACE_PATH,
            README_PATH
        ]
    );
    let title_end = page.find("\n\n## The spec").unwrap();
    assert!(
        page[..title_end].ends_with(&format!(
            "\n\n> **Warning: the generated files are stale.** `{CLIENT_PATH}`, `{API_PATH}`, \
             `{MOCK_PATH}`, `{CLI_PATH}`, `{SURFACE_PATH}`, `{README_PATH}` are not what \
             `{SPEC_PATH}` generates: run `cargo xtask generate` and commit the result. The \
             API changes and the version below are those of the spec, not of the files \
             committed."
        )),
        "{page}"
    );
    for part in [
        "breaking: removed operation cancel_port_request (DELETE /v1/sip/port/{id})",
        "additive: added operation cancel_port (DELETE /v1/sip/port/{id})",
        &format!(
            "The changes require a minor release (breaking changes); `sip-client` stays at `{old_version}`: **not enough**"
        ),
    ] {
        assert!(page.contains(part), "{part:?} in\n{page}");
    }
    // Generated, the files are fresh again and the page says nothing of them.
    repo.generate();
    let review = repo.review("HEAD");
    assert!(review.stale.is_empty(), "{:?}", review.stale);
    assert!(!review.page.contains("stale"), "{}", review.page);
    assert_eq!(review.required, Bump::Major);
}

/// A base whose spec does not parse leaves nothing to compare with: an error naming the
/// revision and the parse error, not a page that calls everything added.
#[test]
fn a_base_whose_spec_does_not_parse_is_an_error() {
    let repo = Repo::with_sources("broken-base");
    repo.write(SPEC_PATH, "openapi: [3.0.3\npaths: {}\n");
    repo.commit("a broken spec");
    let broken = repo.git(&["rev-parse", "HEAD"]);
    repo.add_sources();
    repo.commit("the spec mended");
    let err = review::review(&repo.root, &broken)
        .err()
        .expect("a base whose spec does not parse is refused");
    assert!(
        err.starts_with(&format!("{SPEC_PATH} at {broken} does not parse: ")),
        "{err}"
    );
    assert!(err.contains("line 2"), "the parse error says where: {err}");
    assert_eq!(
        review::run_in(&repo.root, &["--base", &broken]),
        ExitCode::FAILURE
    );
    // Text that parses as YAML but is no mapping is no spec either.
    repo.write(SPEC_PATH, "just words\n");
    repo.commit("words");
    let words = repo.git(&["rev-parse", "HEAD"]);
    repo.add_sources();
    let err = review::review(&repo.root, &words).err().unwrap();
    assert_eq!(
        err,
        format!("{SPEC_PATH} at {words} does not parse: not a YAML mapping")
    );
}

/// An empty `--base` names no revision: a usage error, not a review from nowhere.
#[test]
fn an_empty_base_is_refused() {
    let repo = Repo::with_sources("empty-base");
    for base in ["", " "] {
        assert_eq!(
            review::run_in(&repo.root, &["--base", base]),
            ExitCode::from(2),
            "{base:?}"
        );
        assert_eq!(
            review::review(&repo.root, base).err().as_deref(),
            Some("the base revision is empty: name a revision"),
            "{base:?}"
        );
    }
}

#[test]
fn a_breaking_change_needs_its_bump() {
    let repo = Repo::with_sources("breaking");
    let old_version = version(&repo.root);
    // Remove an operation from the API, change another in the spec and its server, change
    // a snapshot and add one.
    repo.remove_operation("cancel_port_request");
    repo.edit(
        SPEC_PATH,
        "      summary: List SIP Numbers\n",
        "      summary: List the SIP numbers\n",
    );
    repo.edit(
        SPEC_PATH,
        "url: https://api.bland.ai",
        "url: https://api.bland.example",
    );
    repo.write(SNAPSHOT, "one\nthree\n");
    repo.write("tests/snapshots/b.snap", "new\n");

    let review = repo.review("HEAD");
    assert_eq!(review.required, Bump::Major);
    assert!(review.breaking > 0);
    assert!(!review.satisfied);
    let page = &review.page;
    for part in [
        "## The spec, by operation\n\n- changed operation `list_sip_numbers` (`GET /v1/sip/numbers`)\n- removed operation `cancel_port_request` (`DELETE /v1/sip/port/{id}`)\n\nNo component changed.\n- changed `servers`\n",
        "## API changes\n\n```text\nbreaking: ",
        "## Snapshots changed\n\n2 files:\n\n- `tests/snapshots/a.snap`: +1 -1\n- `tests/snapshots/b.snap`: +1, new, not committed\n",
        &format!(
            "The changes require a minor release (breaking changes); `sip-client` stays at `{old_version}`: **not enough**: raise the version in sip-client/Cargo.toml."
        ),
    ] {
        assert!(page.contains(part), "{part:?} in\n{page}");
    }
    assert!(page.contains("cancel_port_request"), "{page}");

    // Before 1.0 the minor is the breaking bump (cargo treats 0.x.y and 0.x.z as compatible).
    let new_version = repo.bump_minor();
    let review = repo.review("HEAD");
    assert!(review.satisfied);
    assert!(
        review.page.contains(&format!(
            "goes from `{old_version}` to `{new_version}`, a minor release: enough."
        )),
        "{}",
        review.page
    );
}

#[test]
fn additions_need_a_minor_release() {
    let repo = Repo::with_sources("additive");
    repo.copy_operation("cancel_port_request");
    let review = repo.review("HEAD");
    assert_eq!(review.required, Bump::Minor);
    assert_eq!(review.breaking, 0);
    assert!(!review.satisfied);
    assert!(
        review.page.contains("a minor release (additions only)"),
        "{}",
        review.page
    );
    assert!(review.page.contains("additive: "), "{}", review.page);
    repo.bump_minor();
    assert!(repo.review("HEAD").satisfied);
}

#[test]
fn files_missing_at_the_base_count_as_empty() {
    let repo = Repo::empty("new-files");
    let base = repo.git(&["rev-parse", "HEAD"]);
    repo.add_sources();
    repo.commit("sources");
    let review = repo.review(&base);
    let v = version(&repo.root);
    let page = &review.page;
    for part in [
        "- added operation `get_sip_config` (`GET /v1/sip`)",
        "- added schema `PhoneNumber`",
        "- changed `servers`",
        "- changed `security`",
        "- changed `info`",
        &format!("`sip-client` goes from `0.0.0` to `{v}`"),
    ] {
        assert!(page.contains(part), "{part:?} in\n{page}");
    }
    assert!(!page.contains("removed"), "{page}");
}

#[test]
fn an_unknown_base_is_an_error() {
    let repo = Repo::with_sources("unknown-base");
    let err = review::review(&repo.root, "no-such-revision")
        .err()
        .expect("an unknown base is refused");
    assert_eq!(err, "no-such-revision is not a revision of this repository");
}

#[test]
fn review_arguments_come_in_pairs() {
    for args in [&["--base"][..], &["--out"], &["--bogus", "x"], &["x"]] {
        assert_eq!(review::run(args), ExitCode::from(2), "{args:?}");
    }
}

#[test]
fn the_baseline_is_where_the_branch_left_main() {
    let repo = Repo::with_sources("merge-base");
    let main = repo.git(&["rev-parse", "HEAD"]);
    // On `main` itself (CI on a push), the change is the last commit.
    let parent = repo.git(&["rev-parse", "HEAD^"]);
    assert_eq!(xtask::semver::default_base(&repo.root).unwrap(), parent);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("README.md", "changed on the branch\n");
    repo.commit("on the branch");
    assert_ne!(repo.git(&["rev-parse", "HEAD"]), main);
    assert_eq!(xtask::semver::default_base(&repo.root).unwrap(), main);

    repo.git(&["branch", "-q", "-m", "main", "trunk"]);
    assert_eq!(
        xtask::semver::default_base(&repo.root).unwrap_err(),
        "no merge base with main (neither origin/main nor main is a branch of this clone)"
    );
}

/// `cargo xtask ci` fails a branch whose breaking change comes without its version bump.
#[test]
fn ci_wants_the_bump_of_a_breaking_branch() {
    let repo = Repo::with_sources("ci-bump");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    assert!(
        xtask::ci::check_version_bump(&repo.root, None),
        "nothing changed"
    );
    repo.remove_operation("cancel_port_request");
    repo.commit("remove an operation");
    assert!(!xtask::ci::check_version_bump(&repo.root, None));
    repo.bump_minor();
    assert!(xtask::ci::check_version_bump(&repo.root, None));
    repo.commit("bump the version");

    repo.git(&["branch", "-q", "-m", "main", "trunk"]);
    assert!(
        !xtask::ci::check_version_bump(&repo.root, None),
        "no baseline is a failure"
    );
    // A clone without `main` names its base: the change since `trunk` is judged.
    assert!(xtask::ci::check_version_bump(&repo.root, Some("trunk")));
    repo.git(&["checkout", "-q", "trunk"]);
    repo.git(&["checkout", "-q", "-b", "second"]);
    repo.remove_operation("list_sip_numbers");
    repo.commit("remove another operation");
    assert!(!xtask::ci::check_version_bump(&repo.root, Some("trunk")));
}

/// A shallow clone of `main` (`git clone --depth 1`, as CI checkouts are by default) has
/// no commit before `HEAD`: the default base is an error, not `HEAD` (which compared the
/// change with itself and passed).
#[test]
fn a_shallow_clone_has_no_default_base() {
    let repo = Repo::with_sources("shallow-origin");
    let clone = sip_client_tests::Scratch::new("sip-client-review-shallow");
    let url = format!("file://{}", repo.root.display());
    let target = clone.join("clone");
    let cloned = Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(&target)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .status()
        .unwrap();
    assert!(cloned.success());
    let err = xtask::semver::default_base(&target).unwrap_err();
    assert!(err.starts_with("a shallow clone"), "{err}");
    assert!(!xtask::ci::check_version_bump(&target, None));
    // The full clone judges the last commit.
    assert_eq!(
        xtask::semver::default_base(&repo.root).unwrap(),
        repo.git(&["rev-parse", "HEAD^"])
    );
}

/// On `main` itself, where the merge base with `main` is `HEAD`, CI judges the last commit:
/// a breaking change pushed to `main` without its bump fails it (it passed: the change was
/// compared with itself).
#[test]
fn ci_on_main_judges_the_last_commit() {
    let repo = Repo::with_sources("ci-main");
    repo.remove_operation("cancel_port_request");
    repo.commit("remove an operation");
    assert!(!xtask::ci::check_version_bump(&repo.root, None));
    repo.bump_minor();
    repo.commit("bump the version");
    // The bump commit changes no API: the change since its parent needs no release.
    assert!(xtask::ci::check_version_bump(&repo.root, None));
    assert_eq!(
        repo.review(&xtask::semver::default_base(&repo.root).unwrap())
            .required,
        Bump::Patch
    );
}

/// A version the base's changelog lists as unreleased already carries the bump of what
/// changed since the last release: a second breaking change before the release needs no
/// second bump. Without it, a version the changelog lists as released needs its own.
#[test]
fn an_unreleased_version_already_has_its_bump() {
    let repo = Repo::with_sources("unreleased");
    let old_version = version(&repo.root);
    let new_version = repo.bump_minor();
    repo.write(
        "CHANGELOG.md",
        &format!("# Changelog\n\n## {new_version} (unreleased)\n\n## {old_version}\n"),
    );
    repo.commit("start 0.x+1: a breaking change is coming");
    repo.remove_operation("cancel_port_request");
    let review = repo.review("HEAD");
    assert_eq!(review.required, Bump::Major);
    assert!(review.satisfied, "{}", review.page);
    assert_eq!(review.versions, (old_version.clone(), new_version.clone()));
    assert!(
        review.page.contains(&format!(
            "goes from `{old_version}` (its last release; `{new_version}` at the base is not \
             released yet) to `{new_version}`, a minor release: enough."
        )),
        "{}",
        review.page
    );

    // Released: the next breaking change needs the next minor.
    repo.write(
        "CHANGELOG.md",
        &format!("# Changelog\n\n## {new_version}\n\n## {old_version}\n"),
    );
    repo.git(&["add", "CHANGELOG.md"]);
    repo.git(&["commit", "-q", "-m", "release"]);
    let review = repo.review("HEAD");
    assert_eq!(review.versions.0, new_version);
    assert!(!review.satisfied, "{}", review.page);
}

/// A spec whose `info.version` moved without the crate's build metadata: `cargo xtask
/// generate` refuses it, and the page says so instead of sending the reviewer there (found
/// by a review of spec edits: the page said "enough" and "run cargo xtask generate").
#[test]
fn a_spec_version_the_crate_does_not_carry_is_said() {
    let repo = Repo::with_sources("metadata");
    let version = version(&repo.root);
    let spec_version = version.split_once('+').unwrap().1.to_owned();
    repo.edit(
        SPEC_PATH,
        &format!("  version: {spec_version}\n"),
        "  version: 9.9.9\n",
    );
    let review = repo.review("HEAD");
    assert!(
        review.page.contains(&format!(
            "**The build metadata is wrong:** sip-client/Cargo.toml's version `{version}` does \
             not carry the spec's `info.version` `9.9.9` as build metadata (`+9.9.9`), which \
             `cargo xtask generate` refuses."
        )),
        "{}",
        review.page
    );
    assert!(
        review
            .page
            .contains("set the version's build metadata to the spec's version (below), then run"),
        "{}",
        review.page
    );
    // Once the version carries it, the page has no such line.
    repo.edit(CLIENT_MANIFEST, &format!("+{spec_version}\""), "+9.9.9\"");
    let review = repo.review("HEAD");
    assert!(!review.page.contains("build metadata"), "{}", review.page);
}

/// Additions alone do not fail `cargo xtask ci`: the review page asks for their minor
/// release, which the release makes; only a breaking change must carry its bump.
#[test]
fn ci_lets_additions_through_without_their_bump() {
    let repo = Repo::with_sources("ci-additive");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.copy_operation("cancel_port_request");
    repo.commit("add an operation");
    let review = repo.review(&xtask::semver::default_base(&repo.root).unwrap());
    assert_eq!((review.breaking, review.satisfied), (0, false));
    assert!(xtask::ci::check_version_bump(&repo.root, None));
}

#[test]
fn semver_arguments_are_checked_before_anything_runs() {
    for args in [&["--baseline-rev"][..], &["--bogus"], &["HEAD"]] {
        assert_eq!(xtask::semver::run(args), ExitCode::from(2), "{args:?}");
    }
}

#[test]
fn the_page_goes_to_the_file_asked_for() {
    let repo = Repo::with_sources("out");
    repo.remove_operation("cancel_port_request");
    let page = repo.path("page.md");
    let out = page.to_string_lossy().into_owned();
    assert_eq!(
        review::run_in(&repo.root, &["--base", "HEAD", "--out", &out]),
        ExitCode::SUCCESS
    );
    assert_eq!(repo.read("page.md"), repo.review("HEAD").page);
    // Without --base: the merge base with main, where the branch left it.
    fs::remove_file(&page).unwrap();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.git(&["add", SPEC_PATH]);
    repo.git(&["commit", "-q", "-m", "remove an operation"]);
    assert_eq!(
        review::run_in(&repo.root, &["--out", &out]),
        ExitCode::SUCCESS
    );
    assert!(repo.read("page.md").contains("cancel_port_request"));

    let nowhere = repo.path("no/such/dir/page.md");
    let nowhere = nowhere.to_string_lossy();
    assert_eq!(
        review::run_in(&repo.root, &["--base", "HEAD", "--out", &nowhere]),
        ExitCode::FAILURE
    );
    assert_eq!(
        review::run_in(&repo.root, &["--base", "no-such-revision"]),
        ExitCode::FAILURE
    );
    repo.git(&["branch", "-q", "-D", "main"]);
    assert_eq!(
        review::run_in(&repo.root, &["--out", &out]),
        ExitCode::FAILURE,
        "no merge base"
    );
}

/// `cargo xtask semver` runs the pinned cargo-semver-checks on sip-client against the
/// baseline (or the fixtures' test), and fails when it does: here in a scratch workspace
/// whose pinned tool and cargo are stand-ins.
#[test]
fn semver_runs_the_pinned_tool_and_fails_with_it() {
    let root = sip_client_tests::Scratch::new("sip-client-semver");
    fs::write(root.join("Cargo.toml"), "[workspace]\n").unwrap();
    sip_client_tests::pinned_tool_stand_in(&root, &xtask::semver::TOOL);
    let calls = root.join("calls");
    sip_client_tests::write_script(
        &root.join("fake-cargo"),
        &format!(
            "echo \"$*\" >> '{}'\nexit \"$FAKE_EXIT\"\n",
            calls.display()
        ),
    );
    let semver = |args: &[&str], exit: u8| {
        let _ = fs::remove_file(&calls);
        let status = Command::new(sip_client_tests::cargo_binary("xtask", false))
            .arg("semver")
            .args(args)
            .env("CARGO_MANIFEST_DIR", root.as_os_str())
            .env("CARGO", root.join("fake-cargo"))
            .env("FAKE_EXIT", exit.to_string())
            .output()
            .unwrap()
            .status;
        (
            status.code(),
            fs::read_to_string(&calls).unwrap_or_default(),
        )
    };
    let check = format!(
        "semver-checks check-release --package sip-client --baseline-rev v0.1.0 \
         --only-explicit-features --features {}\n",
        xtask::semver::FEATURES
    );
    assert_eq!(
        semver(&["--baseline-rev", "v0.1.0"], 0),
        (Some(0), check.clone())
    );
    assert_eq!(semver(&["--baseline-rev", "v0.1.0"], 1), (Some(1), check));
    let fixtures = "test --locked --package sip-client-tests --test semver_fixtures -- \
                    --ignored --nocapture\n";
    assert_eq!(semver(&["--fixtures"], 0), (Some(0), fixtures.to_owned()));
    assert_eq!(semver(&["--fixtures"], 1), (Some(1), fixtures.to_owned()));
}

/// A change of shared components shows on every operation that reaches them: here a new
/// optional property of `SipConfigData` (reached by `get_sip_config` through its envelope)
/// and a media type added to the shared response `ApiError` (every operation's errors).
#[test]
fn component_changes_show_on_the_operations_that_reach_them() {
    let repo = Repo::with_sources("components");
    repo.edit(
        SPEC_PATH,
        "    SipConfigData:\n      description: The inbound and outbound SIP configuration of one number.\n      type: object\n      properties:\n",
        "    SipConfigData:\n      description: The inbound and outbound SIP configuration of one number.\n      type: object\n      properties:\n        note:\n          type: string\n",
    );
    repo.edit(
        SPEC_PATH,
        "                message: SIP is not enabled for this organization\n  schemas:\n",
        "                message: SIP is not enabled for this organization\n        text/plain:\n          schema:\n            type: string\n  schemas:\n",
    );
    let page = repo.review("HEAD").page;
    for part in [
        "- changed operation `get_sip_config` (`GET /v1/sip`) through schema `SipConfigData`, response `ApiError`\n",
        "- changed operation `list_sip_numbers` (`GET /v1/sip/numbers`) through response `ApiError`\n",
        "\n- changed schema `SipConfigData`\n- changed response `ApiError`\n",
    ] {
        assert!(page.contains(part), "{part:?} in\n{page}");
    }
    assert!(!page.contains("No operation changed"), "{page}");
    // Every operation answers errors with `ApiError`.
    let operations = fs::read_to_string(workspace_root().join(SPEC_PATH))
        .unwrap()
        .matches("operationId:")
        .count();
    assert_eq!(
        page.matches("- changed operation ").count(),
        operations,
        "{page}"
    );
}

/// New snapshots not committed yet are counted like committed ones: their lines.
#[test]
fn new_snapshots_give_their_line_count() {
    let repo = Repo::with_sources("new-snapshots");
    repo.write("tests/snapshots/b.snap", "one\ntwo\nthree\n");
    repo.write("tests/snapshots/c.snap", "one\ntwo");
    repo.write("tests/snapshots/empty.snap", "");
    let page = repo.review("HEAD").page;
    assert!(
        page.contains(
            "## Snapshots changed\n\n3 files:\n\n\
             - `tests/snapshots/b.snap`: +3, new, not committed\n\
             - `tests/snapshots/c.snap`: +2, new, not committed\n\
             - `tests/snapshots/empty.snap`: +0, new, not committed\n"
        ),
        "{page}"
    );
}

/// A snapshot a test wrote and nobody accepted (`.snap.new`, which git ignores) is listed
/// as pending: the page said "None." while a test's snapshot differed.
#[test]
fn pending_snapshots_are_listed_as_not_accepted() {
    let repo = Repo::with_sources("pending-snapshots");
    repo.write(".gitignore", "*.snap.new\n");
    repo.commit("ignore pending snapshots, as ours does");
    repo.write("tests/snapshots/a.snap.new", "changed\n");
    repo.write("tests/snapshots/.b.pending-snap", "{}\n");
    // Not those of build output or installed tools.
    repo.write("target/c.snap.new", "built\n");
    repo.write("openapi/node_modules/d.snap.new", "installed\n");
    let page = repo.review("HEAD").page;
    assert!(
        page.contains(
            "## Snapshots changed\n\n2 files:\n\n\
             - `tests/snapshots/.b.pending-snap`: pending, not accepted (review it: `cargo insta review`)\n\
             - `tests/snapshots/a.snap.new`: pending, not accepted (review it: `cargo insta review`)\n"
        ),
        "{page}"
    );
}

/// A base whose surface is of an older format: the page says what could not be compared
/// rather than "None.".
#[test]
fn a_base_surface_of_an_older_format_is_said() {
    let repo = Repo::with_sources("older-surface");
    repo.edit(SURFACE_PATH, "surface-format: 9", "surface-format: 4");
    repo.commit("a surface of format 4");
    let page = repo.review("HEAD").page;
    assert!(
        page.contains(
            "## API changes\n\n```text\nnote: the old surface is of format 4, the new of \
             format 9: not compared, as format 4 does not record them: the order of each \
             method's arguments; defaults; the examples of the mocks; the constraints \
             multipleOf, exclusiveMinimum, exclusiveMaximum, uniqueItems, minProperties and \
             maxProperties; the type of a parameter in the raw client and the mocks; the \
             constraints of a form's text fields; the fields of composed schemas as an \
             object's; the target of an alias; the variants of enums of alternatives: their \
             names, what each holds, and the order they are tried in; the operations the \
             spec marks deprecated; the pagination of operations\napi changes: none\n```\n"
        ),
        "{page}"
    );
}

/// The workflow runs the README's test command (`.ci/run`), and on pull requests a step that
/// runs even after it failed writes the review page into the job summary: a breaking change
/// without its bump fails `.ci/run`, which is when the reviewer needs the page most.
#[test]
fn the_workflow_shows_the_review_page_even_after_a_failure() {
    let path = workspace_root().join(".github/workflows/ci.yml");
    let workflow: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let checks = workflow_review_checks(&workflow);
    assert_eq!(checks, Ok(()), "{}", path.display());

    // The step calls xtask through cargo's alias, which builds it when `.ci/run` failed
    // before building it.
    let config = fs::read_to_string(workspace_root().join(".cargo/config.toml")).unwrap();
    assert!(
        config.contains("xtask = \"run --package xtask --\""),
        "{config}"
    );
}

/// The checker above refuses the workflows it is there to refuse.
#[test]
fn the_workflow_check_refuses_a_review_step_skipped_after_a_failure() {
    let workflow = |test_step: &str, review_if: &str, review_run: &str| -> serde_yaml_ng::Value {
        let text = format!(
            "on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n\
             \x20     - uses: actions/checkout@v4\n\
             \x20     - run: {test_step}\n\
             \x20     - if: {review_if}\n\
             \x20       run: {review_run}\n"
        );
        serde_yaml_ng::from_str(&text).unwrap()
    };
    let run = "|\n          cargo xtask review --out review.md\n          cat review.md >> \"$GITHUB_STEP_SUMMARY\"";
    let pr = "github.event_name == 'pull_request'";
    for good in [
        format!("${{{{ !cancelled() && {pr} }}}}"),
        format!("always() && {pr}"),
        format!("\"{pr} && !cancelled()\""),
    ] {
        assert_eq!(
            workflow_review_checks(&workflow("bash .ci/run", &good, run)),
            Ok(()),
            "{good}"
        );
    }
    assert_eq!(
        workflow_review_checks(&workflow("bash .ci/run", pr, run)),
        Err("no step writes the review page into $GITHUB_STEP_SUMMARY on pull requests after a failure".to_owned())
    );
    for bad_if in [
        "always()".to_owned(),
        "always() && github.event_name == 'push'".to_owned(),
        format!("failure() && {pr}"),
        format!("always() || {pr}"),
    ] {
        assert!(
            workflow_review_checks(&workflow("bash .ci/run", &bad_if, run)).is_err(),
            "{bad_if}"
        );
    }
    assert!(
        workflow_review_checks(&workflow(
            "bash .ci/run",
            &format!("always() && {pr}"),
            "cargo xtask review --out review.md"
        ))
        .is_err(),
        "the page must reach the summary"
    );
    assert_eq!(
        workflow_review_checks(&workflow("cargo test", &format!("always() && {pr}"), run)),
        Err("no job runs .ci/run".to_owned())
    );
}

/// Whether `workflow` has a job that runs `.ci/run` and then, on pull requests, a step that
/// runs even after a failure and appends the review page to `$GITHUB_STEP_SUMMARY`.
fn workflow_review_checks(workflow: &serde_yaml_ng::Value) -> Result<(), String> {
    let jobs = workflow["jobs"]
        .as_mapping()
        .ok_or("the workflow has no jobs")?;
    let mut ran_tests = false;
    for (_, job) in jobs {
        // A job-level condition would keep the job from pull requests, or skip it.
        if !job["if"].is_null() {
            continue;
        }
        let steps = job["steps"].as_sequence().map(Vec::as_slice).unwrap_or(&[]);
        let Some(test) = steps.iter().position(|step| {
            step["run"]
                .as_str()
                .is_some_and(|run| run.contains(".ci/run"))
        }) else {
            continue;
        };
        ran_tests = true;
        let review = steps[test + 1..].iter().any(|step| {
            let run = step["run"].as_str().unwrap_or_default();
            let condition = step["if"].as_str().unwrap_or_default();
            run.contains("cargo xtask review")
                && (run.contains(">> \"$GITHUB_STEP_SUMMARY\"")
                    || run.contains(">> $GITHUB_STEP_SUMMARY"))
                && runs_after_failure_on_pull_requests(condition)
        });
        if review {
            return Ok(());
        }
    }
    Err(if ran_tests {
        "no step writes the review page into $GITHUB_STEP_SUMMARY on pull requests after a failure"
    } else {
        "no job runs .ci/run"
    }
    .to_owned())
}

/// Whether a step's `if` is a conjunction of a status function that lets the step run after
/// a failed step (`always()`, `!cancelled()`), the test for pull requests, and nothing else.
fn runs_after_failure_on_pull_requests(condition: &str) -> bool {
    let condition = condition.trim();
    let condition = condition
        .strip_prefix("${{")
        .and_then(|c| c.strip_suffix("}}"))
        .unwrap_or(condition);
    if condition.contains("||") {
        return false;
    }
    let terms: Vec<&str> = condition.split("&&").map(str::trim).collect();
    let after_failure = terms
        .iter()
        .filter(|t| ["always()", "!cancelled()"].contains(t))
        .count();
    let pull_request = terms
        .iter()
        .filter(|t| {
            [
                "github.event_name == 'pull_request'",
                "'pull_request' == github.event_name",
            ]
            .contains(t)
        })
        .count();
    after_failure >= 1 && pull_request >= 1 && after_failure + pull_request == terms.len()
}
