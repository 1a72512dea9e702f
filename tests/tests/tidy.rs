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
