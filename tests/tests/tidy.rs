//! The shape of the hand-written code, checked as rust-analyzer's tidy tests check theirs.

use std::path::Path;

/// The most lines of code (before its tests) a hand-written file of the crate users depend
/// on may have: each file is one concern (the builder, decoding, retries, errors, secrets,
/// ...), and a file that outgrows this has started a second one.
const MOST_LINES: usize = 400;

/// The lines of `source` before its `#[cfg(test)]` module.
fn code_lines(source: &str) -> usize {
    source
        .lines()
        .take_while(|line| !line.starts_with("#[cfg(test)]"))
        .count()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `.rs` file of the workspace's packages (their sources, tests and fixtures).
fn workspace_sources() -> Vec<std::path::PathBuf> {
    let root = sip_client_tests::workspace_root();
    let mut files = Vec::new();
    for package in ["sip-client", "sip-client-gen", "xtask", "tests"] {
        rust_files(&root.join(package), &mut files);
    }
    assert!(files.len() > 50, "{files:?}");
    files
}

#[test]
fn no_hand_written_file_of_the_client_holds_more_than_one_concern() {
    let src = sip_client_tests::workspace_root().join("sip-client/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let hand_written: Vec<_> = files
        .iter()
        .filter(|path| {
            !path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("generated")
        })
        .collect();
    assert!(hand_written.len() > 15, "{hand_written:?}");
    let too_long: Vec<String> = hand_written
        .iter()
        .map(|path| (path, code_lines(&std::fs::read_to_string(path).unwrap())))
        .filter(|(_, lines)| *lines > MOST_LINES)
        .map(|(path, lines)| format!("{}: {lines} lines", path.display()))
        .collect();
    assert!(
        too_long.is_empty(),
        "split these by concern (at most {MOST_LINES} lines before the tests): {too_long:?}"
    );
}

#[test]
fn code_lines_stop_at_the_tests() {
    assert_eq!(code_lines("a\nb\n#[cfg(test)]\nmod tests {}\n"), 2);
    assert_eq!(code_lines("a\nb\n"), 2);
    assert_eq!(code_lines(""), 0);
}

/// Whether `.gitattributes` (its text, as checked in) marks each of `paths`
/// `linguist-generated`, as git itself reads it: asked of a scratch repository holding only
/// that file, so that the answer does not depend on the checkout being a git repository.
fn marked_generated(paths: &[&str]) -> Vec<(String, bool)> {
    let attributes =
        std::fs::read_to_string(sip_client_tests::workspace_root().join(".gitattributes")).unwrap();
    let dir = sip_client_tests::Scratch::new("sip-client-tidy");
    std::fs::write(dir.join(".gitattributes"), attributes).unwrap();
    let git = |args: &[&str]| {
        let output = std::process::Command::new("git")
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(output.status.success(), "git {args:?}: {output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    git(&["init", "-q"]);
    let mut args = vec!["check-attr", "linguist-generated", "--"];
    args.extend_from_slice(paths);
    let answer = git(&args);
    // One line per path: "<path>: linguist-generated: <true|unspecified|...>".
    answer
        .lines()
        .map(|line| {
            let (path, value) = line.split_once(": linguist-generated: ").unwrap();
            (path.to_owned(), value == "true")
        })
        .collect()
}

#[test]
fn review_tools_fold_every_generated_file_and_no_hand_written_one() {
    let generated = [
        sip_client_gen::CLIENT_PATH,
        sip_client_gen::API_PATH,
        sip_client_gen::MOCK_PATH,
        sip_client_gen::CLI_PATH,
        sip_client_gen::SURFACE_PATH,
    ];
    let answer = marked_generated(&generated);
    assert_eq!(answer.len(), generated.len(), "{answer:?}");
    let unmarked: Vec<_> = answer.iter().filter(|(_, marked)| !marked).collect();
    assert!(
        unmarked.is_empty(),
        "mark these in .gitattributes: {unmarked:?}"
    );

    // The hand-written files beside them stay unfolded: a reviewer reads them.
    let hand_written = [
        "sip-client/src/lib.rs",
        "sip-client/src/call.rs",
        "sip-client/src/bin/bland-sip/main.rs",
        "sip-client/README.md",
    ];
    let answer = marked_generated(&hand_written);
    assert_eq!(answer.len(), hand_written.len(), "{answer:?}");
    let folded: Vec<_> = answer.iter().filter(|(_, marked)| *marked).collect();
    assert!(folded.is_empty(), "hand-written, yet folded: {folded:?}");
}

/// Scratch files and directories come from `tempfile` (through `sip_client_tests::Scratch`,
/// xtask's `test_support::Scratch` or directly) or a guard that removes them: a name of
/// their own, and removed when dropped however the code that made them ends. A path built by hand in the temporary
/// directory was left behind by every test that failed, every mutant that broke its clean-up
/// and every error of `bench --footprint` (hundreds of them, after a few mutation runs).
#[test]
fn scratch_paths_are_never_built_by_hand_in_the_temporary_directory() {
    let files = workspace_sources();
    let by_hand = concat!("temp_dir", "().join(");
    let offenders: Vec<String> = files
        .iter()
        .filter(|path| {
            std::fs::read_to_string(path)
                .unwrap()
                .replace(char::is_whitespace, "")
                .contains(by_hand)
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "use tempfile in {offenders:?}");
}

/// Nothing finds the workspace through a path compiled into a binary: cargo reuses one
/// binary for every checkout that shares a target directory, so `env!("CARGO_MANIFEST_DIR")`
/// names whichever checkout built it (a generator test read another worktree's sources so).
/// Code reads the variable at run time (`std::env::var_os`), as `xtask::workspace_root` does.
#[test]
fn no_code_finds_the_workspace_by_a_path_compiled_in() {
    let files = workspace_sources();
    let compiled_in = [
        "env!(\"CARGO_MANIFEST_DIR\")",
        "env!(\"CARGO_WORKSPACE_DIR\")",
    ];
    let found: Vec<String> = files
        .iter()
        .filter(|path| !path.ends_with("tests/tests/tidy.rs"))
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            compiled_in.iter().any(|form| text.contains(form))
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(found.is_empty(), "read it at run time in {found:?}");
}
