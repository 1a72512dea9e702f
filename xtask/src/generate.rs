//! `cargo xtask generate [--check]`.
//!
//! Everything is generated in memory first; only then is anything written, each file
//! atomically (temp file + rename) and only when its bytes differ. A spec that does not
//! generate therefore leaves every checked-in file untouched.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use sip_client_gen::{GeneratedFile, REGENERATE_COMMAND, SPEC_PATH};

/// Whether to write the generated files or only compare them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

pub fn run(mode: Mode) -> ExitCode {
    let root = crate::workspace_root();
    let spec_text = match fs::read_to_string(root.join(SPEC_PATH)) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("error: cannot read {SPEC_PATH}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let generated = match sip_client_gen::generate(SPEC_PATH, &spec_text) {
        Ok(generated) => generated,
        Err(err) => {
            eprintln!("error: {SPEC_PATH}: {err}");
            eprintln!("nothing was written: the generated files are unchanged");
            return ExitCode::FAILURE;
        }
    };

    let mut stale = Vec::new();
    for file in &generated.files {
        let on_disk = fs::read_to_string(root.join(file.path)).unwrap_or_default();
        if on_disk != file.contents {
            stale.push((file, on_disk));
        }
    }

    match mode {
        Mode::Check => {
            if stale.is_empty() {
                println!("generated files are up to date with {SPEC_PATH}");
                return ExitCode::SUCCESS;
            }
            for (file, on_disk) in &stale {
                print_diff(file, on_disk);
            }
            eprintln!(
                "error: {} generated file(s) are stale with respect to {SPEC_PATH}; \
                 run `{REGENERATE_COMMAND}` and commit the result",
                stale.len()
            );
            ExitCode::FAILURE
        }
        Mode::Write => {
            for (file, _) in &stale {
                if let Err(err) = write_atomically(&root.join(file.path), &file.contents) {
                    eprintln!("error: cannot write {}: {err}", file.path);
                    return ExitCode::FAILURE;
                }
                println!("wrote {}", file.path);
            }
            let fresh = generated.files.len() - stale.len();
            println!(
                "{} file(s) written, {fresh} already up to date",
                stale.len()
            );
            ExitCode::SUCCESS
        }
    }
}

fn print_diff(file: &GeneratedFile, on_disk: &str) {
    let diff = similar::TextDiff::from_lines(on_disk, file.contents.as_str());
    let checked_in = format!("a/{} (checked in)", file.path);
    let fresh = format!("b/{} (generated from {SPEC_PATH})", file.path);
    print!(
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
