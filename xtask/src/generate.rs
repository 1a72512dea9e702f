//! `cargo xtask generate [--check]`.
//!
//! Everything is generated in memory first; only then is anything written, each file
//! atomically (temp file + rename) and only when its bytes differ. A spec that does not
//! generate therefore leaves every checked-in file untouched.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sip_client_gen::{
    GeneratedFile, OPERATIONS_END, OPERATIONS_START, README_PATH, SPEC_PATH, SURFACE_PATH,
};

/// The manifest whose version must carry the spec's version as build metadata.
pub const CLIENT_MANIFEST: &str = "sip-client/Cargo.toml";

/// Whether to write the generated files or only compare them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// What a run did, for the caller to report and turn into an exit code.
#[derive(Debug, PartialEq, Eq)]
pub enum Report {
    /// Every generated file already matched.
    UpToDate,
    /// `Mode::Write` wrote these files.
    Written(Vec<&'static str>),
    /// `Mode::Check` found these files stale (nothing was written).
    Stale(Vec<&'static str>),
}

/// Why a run failed. Whatever the reason, no file was changed, but for a file system that
/// refused a rename after others succeeded ([`Failure::Write`] lists those).
#[derive(Debug)]
pub enum Failure {
    /// The spec could not be read.
    ReadSpec(std::io::Error),
    /// The spec did not generate.
    Generate(sip_client_gen::Error),
    /// A file could not be written. Every file is written beside its place first, and
    /// only when all are does each replace the old one: this lists those replaced before a
    /// rename failed (empty when none was: the usual case, a full disk or a read-only
    /// directory, fails before).
    Write {
        path: &'static str,
        error: std::io::Error,
        replaced: Vec<&'static str>,
    },
    /// The crate's README has no place for the generated operations table.
    NoOperationsTable,
    /// The crate's version does not carry the spec's version as build metadata.
    VersionMismatch {
        /// `version` of `sip-client/Cargo.toml` (empty when it could not be read).
        crate_version: String,
        /// `info.version` of the spec.
        spec_version: String,
    },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::ReadSpec(err) => write!(f, "cannot read {SPEC_PATH}: {err}"),
            Failure::Generate(err) => write!(
                f,
                "{SPEC_PATH}: {err}\nnothing was written: the generated files are unchanged"
            ),
            Failure::Write {
                path,
                error,
                replaced,
            } if replaced.is_empty() => write!(
                f,
                "cannot write {path}: {error}\nnothing was written: the generated files are \
                 unchanged"
            ),
            Failure::Write {
                path,
                error,
                replaced,
            } => write!(
                f,
                "cannot write {path}: {error}\nalready replaced: {}; run `cargo xtask \
                 generate` again once the cause is fixed",
                replaced.join(", ")
            ),
            Failure::NoOperationsTable => write!(
                f,
                "{README_PATH} has no operations table: put the lines {OPERATIONS_START:?} and \
                 {OPERATIONS_END:?} where it goes; nothing was written"
            ),
            Failure::VersionMismatch {
                crate_version,
                spec_version,
            } => {
                let base = crate_version.split('+').next().unwrap_or(crate_version);
                write!(
                    f,
                    "{CLIENT_MANIFEST} has version {crate_version:?}, but the spec's info.version \
                     is {spec_version:?}: set `version = \"{base}+{spec_version}\"` \
                     (and move {base} too if the API changed); nothing was written"
                )
            }
        }
    }
}

/// Generates from `root/openapi/...` and writes or checks the files below `root`.
///
/// When anything is stale, the API change report goes to `out` (and, in check mode, the
/// unified diff of each stale file before it).
pub fn run(root: &Path, mode: Mode, out: &mut dyn Write) -> Result<Report, Failure> {
    let spec_text = fs::read_to_string(root.join(SPEC_PATH)).map_err(Failure::ReadSpec)?;
    let generated = sip_client_gen::generate(SPEC_PATH, &spec_text).map_err(Failure::Generate)?;
    let crate_version = crate_version(root).unwrap_or_default();
    if !carries_spec_version(&crate_version, &generated.spec_version) {
        return Err(Failure::VersionMismatch {
            crate_version,
            spec_version: generated.spec_version,
        });
    }

    let readme = readme(root, &generated)?;
    let stale = stale(root, &generated, &readme);
    if stale.is_empty() {
        return Ok(Report::UpToDate);
    }
    let paths = stale.iter().map(|(file, _)| file.path).collect();
    if mode == Mode::Check {
        for (file, on_disk) in &stale {
            print_diff(out, file, on_disk);
        }
    }
    // The report compares with the surface on disk, so it is made before anything is
    // written, and printed last: what a run ends with is its verdict.
    let mut report = Vec::new();
    print_change_report(root, &generated, &crate_version, &mut report);
    match mode {
        Mode::Check => {
            let _ = out.write_all(&report);
            Ok(Report::Stale(paths))
        }
        Mode::Write => {
            let files: Vec<(&'static str, &str)> = stale
                .iter()
                .map(|(file, _)| (file.path, file.contents.as_str()))
                .collect();
            write_all_or_nothing(root, &files)?;
            for path in &paths {
                let _ = writeln!(out, "wrote {path}");
            }
            let _ = out.write_all(&report);
            Ok(Report::Written(paths))
        }
    }
}

/// The README below `root` with the operations table of `generated`: it is hand-written but
/// for that table, which follows the spec.
fn readme(root: &Path, generated: &sip_client_gen::Generated) -> Result<GeneratedFile, Failure> {
    let readme = fs::read_to_string(root.join(README_PATH)).unwrap_or_default();
    Ok(GeneratedFile {
        path: README_PATH,
        contents: sip_client_gen::operations_table(&readme, &generated.operations_table)
            .ok_or(Failure::NoOperationsTable)?,
    })
}

/// The files of `generated` (and `readme`) whose contents below `root` differ from what
/// was generated, each with what is there (empty when missing).
fn stale<'a>(
    root: &Path,
    generated: &'a sip_client_gen::Generated,
    readme: &'a GeneratedFile,
) -> Vec<(&'a GeneratedFile, String)> {
    generated
        .files
        .iter()
        .chain(std::iter::once(readme))
        .filter_map(|file| Some((file, differs(root, file)?)))
        .collect()
}

/// What is below `root` in place of `file`, when it is not `file` (empty when missing).
fn differs(root: &Path, file: &GeneratedFile) -> Option<String> {
    let on_disk = fs::read_to_string(root.join(file.path)).unwrap_or_default();
    (on_disk != file.contents).then_some(on_disk)
}

/// The generated files below `root` that are not what `generated` holds: missing, or made
/// from another spec or by another generator (the README when its operations table is not
/// that of `generated`, or it has none).
pub fn stale_paths(root: &Path, generated: &sip_client_gen::Generated) -> Vec<&'static str> {
    let mut paths: Vec<&'static str> = generated
        .files
        .iter()
        .filter(|file| differs(root, file).is_some())
        .map(|file| file.path)
        .collect();
    if readme(root, generated).map_or(true, |readme| differs(root, &readme).is_some()) {
        paths.push(README_PATH);
    }
    paths
}

/// Compares the checked-in API surface with the new one and prints what changed.
fn print_change_report(
    root: &Path,
    generated: &sip_client_gen::Generated,
    crate_version: &str,
    out: &mut dyn Write,
) {
    // Without the surface of before there is no verdict to give: "none" would be a false
    // one (a missing file, or one left half-merged with both sides' lines in it).
    let old = match fs::read_to_string(root.join(SURFACE_PATH)) {
        Ok(old) => old,
        Err(err) => {
            let why = if err.kind() == std::io::ErrorKind::NotFound {
                "is missing".to_owned()
            } else {
                format!("cannot be read ({err})")
            };
            let _ = writeln!(
                out,
                "api changes: not judged: {SURFACE_PATH} {why}, so the API before is not \
                 known; {JUDGE_AGAINST_A_COMMIT}"
            );
            return;
        }
    };
    if let Some((line, marker)) = conflict_marker(&old) {
        let _ = writeln!(
            out,
            "api changes: not judged: {SURFACE_PATH} holds a merge conflict marker (line \
             {line}: {marker:?}), so the API before is not known; {JUDGE_AGAINST_A_COMMIT}"
        );
        return;
    }
    let new = generated
        .file(SURFACE_PATH)
        .map(|file| file.contents.as_str())
        .unwrap_or_default();
    let report = sip_client_gen::compare_surfaces(
        sip_client_gen::surface_body(&old),
        sip_client_gen::surface_body(new),
    );
    let _ = write!(out, "{report}");
    if report.breaking() > 0 {
        // Whether the version already carries the bump depends on what was released (the
        // changelog), which `cargo xtask review` reads: the note does not guess.
        let _ = writeln!(
            out,
            "note: breaking changes need a new release of sip-client: a minor one while it \
             is 0.x, a major one from 1.0 on; `cargo xtask review` says whether its version \
             ({crate_version}) already carries that bump"
        );
    }
}

/// Where a verdict the working tree cannot give comes from.
const JUDGE_AGAINST_A_COMMIT: &str =
    "`cargo xtask review --base REV` judges the change against a commit";

/// The first line of `text` (counted from 1) that is a merge conflict marker of git's, and
/// the marker.
fn conflict_marker(text: &str) -> Option<(usize, &str)> {
    text.lines().enumerate().find_map(|(at, line)| {
        let marker = ["<<<<<<< ", "||||||| ", ">>>>>>> "]
            .iter()
            .any(|start| line.starts_with(start))
            || line == "=======";
        marker.then(|| (at + 1, line.get(..7).unwrap_or(line)))
    })
}

/// Whether a crate version carries the spec's `info.version` as its build metadata
/// (`0.2.0+1.1.0` for 1.1.0), which generation requires.
pub fn carries_spec_version(crate_version: &str, spec_version: &str) -> bool {
    crate_version.split_once('+').map(|(_, meta)| meta) == Some(spec_version)
}

/// The `version` of `sip-client/Cargo.toml`'s `[package]`.
pub fn crate_version(root: &Path) -> Option<String> {
    manifest_version(&fs::read_to_string(root.join(CLIENT_MANIFEST)).ok()?)
}

/// The `version` of a manifest's `[package]` (the table before the first other one).
pub fn manifest_version(manifest: &str) -> Option<String> {
    let package = manifest.split("\n[").next()?;
    package.lines().find_map(|line| {
        let value = line
            .trim()
            .strip_prefix("version")?
            .trim_start()
            .strip_prefix('=')?;
        Some(value.trim().trim_matches('"').to_owned())
    })
}

fn print_diff(out: &mut dyn Write, file: &GeneratedFile, on_disk: &str) {
    let diff = similar::TextDiff::from_lines(on_disk, file.contents.as_str());
    let checked_in = format!("a/{} (checked in)", file.path);
    let fresh = format!("b/{} (generated from {SPEC_PATH})", file.path);
    let _ = write!(
        out,
        "{}",
        diff.unified_diff()
            .context_radius(3)
            .header(&checked_in, &fresh)
    );
}

/// Writes every file below `root`, all or nothing as far as the file system allows: each is
/// first written whole beside its place (a temporary file in the same directory), and only
/// when all of them are does each replace its old version by a rename, which replaces a
/// file whole. A failure while writing removes the temporary files and changes nothing; a
/// rename that fails after others succeeded (rare: a file turned into a directory meanwhile)
/// says which files were already replaced.
fn write_all_or_nothing(root: &Path, files: &[(&'static str, &str)]) -> Result<(), Failure> {
    let mut staged: Vec<(PathBuf, PathBuf, &'static str)> = Vec::new();
    let remove = |staged: &[(PathBuf, PathBuf, &'static str)]| {
        for (tmp, _, _) in staged {
            let _ = fs::remove_file(tmp);
        }
    };
    for (path, contents) in files {
        let target = root.join(path);
        let dir = target.parent().unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let written = fs::File::create(&tmp).and_then(|mut file| {
            file.write_all(contents.as_bytes())?;
            file.sync_all()
        });
        if let Err(error) = written {
            let _ = fs::remove_file(&tmp);
            remove(&staged);
            return Err(Failure::Write {
                path,
                error,
                replaced: Vec::new(),
            });
        }
        staged.push((tmp, target, path));
    }
    let mut replaced = Vec::new();
    for (index, (tmp, target, path)) in staged.iter().enumerate() {
        if let Err(error) = fs::rename(tmp, target) {
            remove(&staged[index..]);
            return Err(Failure::Write {
                path,
                error,
                replaced,
            });
        }
        replaced.push(*path);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Every file is written before any is replaced: a file that cannot be written (its
    /// directory is missing) leaves all of them as they were, with no temporary file left; a
    /// rename that fails after others says which were replaced.
    #[test]
    fn files_are_replaced_all_or_not_at_all() {
        let dir = crate::test_support::Scratch::new("xtask-atomic");
        fs::create_dir_all(dir.join("a-directory")).unwrap();
        for name in ["one.rs", "two.rs"] {
            fs::write(dir.join(name), "old").unwrap();
        }

        write_all_or_nothing(&dir, &[("one.rs", "new one"), ("two.rs", "new two")]).unwrap();
        assert_eq!(fs::read_to_string(dir.join("one.rs")).unwrap(), "new one");
        assert_eq!(fs::read_to_string(dir.join("two.rs")).unwrap(), "new two");
        assert_eq!(entries(&dir), ["a-directory", "one.rs", "two.rs"]);

        // The last file cannot be written: the first two are left as they were.
        let failure = write_all_or_nothing(
            &dir,
            &[("one.rs", "x"), ("two.rs", "x"), ("missing/three.rs", "x")],
        )
        .unwrap_err();
        assert!(
            matches!(&failure, Failure::Write { path: "missing/three.rs", replaced, .. } if replaced.is_empty()),
            "{failure:?}"
        );
        assert!(
            failure
                .to_string()
                .ends_with("nothing was written: the generated files are unchanged"),
            "{failure}"
        );
        assert_eq!(fs::read_to_string(dir.join("one.rs")).unwrap(), "new one");
        assert_eq!(fs::read_to_string(dir.join("two.rs")).unwrap(), "new two");
        assert_eq!(entries(&dir), ["a-directory", "one.rs", "two.rs"]);

        // A rename onto a directory fails after the first file was replaced: said, and no
        // temporary file is left.
        let failure = write_all_or_nothing(
            &dir,
            &[
                ("one.rs", "newer"),
                ("a-directory", "x"),
                ("two.rs", "newer"),
            ],
        )
        .unwrap_err();
        assert!(
            failure.to_string().contains("already replaced: one.rs;"),
            "{failure}"
        );
        assert_eq!(fs::read_to_string(dir.join("one.rs")).unwrap(), "newer");
        assert_eq!(fs::read_to_string(dir.join("two.rs")).unwrap(), "new two");
        assert_eq!(entries(&dir), ["a-directory", "one.rs", "two.rs"]);
    }

    #[test]
    fn a_version_is_read_from_the_package_table_only() {
        let manifest = "[package]\nname = \"sip-client\"\nversion = \"0.2.0+1.1.0\"\n\n\
                        [dependencies]\nversion = \"9\"\n";
        assert_eq!(manifest_version(manifest).as_deref(), Some("0.2.0+1.1.0"));
        assert_eq!(
            manifest_version("[package]\nversion=\"1.0.0\"\n").as_deref(),
            Some("1.0.0")
        );
        assert_eq!(
            manifest_version("[package]\nname = \"x\"\n\n[dependencies]\nversion = \"9\"\n"),
            None
        );
        assert_eq!(manifest_version("[package]\nversioning = \"x\"\n"), None);
    }
}
