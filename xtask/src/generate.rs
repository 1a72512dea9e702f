//! `cargo xtask generate [--check]`.
//!
//! Everything is generated in memory first; only then is anything written, each file
//! atomically (temp file + rename) and only when its bytes differ. A spec that does not
//! generate therefore leaves every checked-in file untouched.

use std::fs;
use std::io::Write;
use std::path::Path;

use sip_client_gen::{GeneratedFile, SPEC_PATH};

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

/// Why a run failed. Whatever the reason, no file was changed.
#[derive(Debug)]
pub enum Failure {
    /// The spec could not be read.
    ReadSpec(std::io::Error),
    /// The spec did not generate.
    Generate(sip_client_gen::Error),
    /// A file could not be written (files before it in the list may have been replaced,
    /// each whole).
    Write(&'static str, std::io::Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::ReadSpec(err) => write!(f, "cannot read {SPEC_PATH}: {err}"),
            Failure::Generate(err) => write!(
                f,
                "{SPEC_PATH}: {err}\nnothing was written: the generated files are unchanged"
            ),
            Failure::Write(path, err) => write!(f, "cannot write {path}: {err}"),
        }
    }
}

/// Generates from `root/openapi/...` and writes or checks the files below `root`.
/// Diffs of stale files go to `out`.
pub fn run(root: &Path, mode: Mode, out: &mut dyn Write) -> Result<Report, Failure> {
    let spec_text = fs::read_to_string(root.join(SPEC_PATH)).map_err(Failure::ReadSpec)?;
    let generated = sip_client_gen::generate(SPEC_PATH, &spec_text).map_err(Failure::Generate)?;

    let mut stale = Vec::new();
    for file in &generated.files {
        let on_disk = fs::read_to_string(root.join(file.path)).unwrap_or_default();
        if on_disk != file.contents {
            stale.push((file, on_disk));
        }
    }
    if stale.is_empty() {
        return Ok(Report::UpToDate);
    }
    let paths = stale.iter().map(|(file, _)| file.path).collect();
    match mode {
        Mode::Check => {
            for (file, on_disk) in &stale {
                print_diff(out, file, on_disk);
            }
            Ok(Report::Stale(paths))
        }
        Mode::Write => {
            for (file, _) in &stale {
                write_atomically(&root.join(file.path), &file.contents)
                    .map_err(|err| Failure::Write(file.path, err))?;
            }
            Ok(Report::Written(paths))
        }
    }
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

/// Writes `contents` to `path` through a temp file in the same directory and a rename, so
/// that readers (and a crash) see either the old file or the new one, never half of one.
fn write_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
