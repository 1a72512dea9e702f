//! `cargo xtask review [--base REV] [--out FILE]`: the review page of a change, in Markdown.
//!
//! What a reviewer needs before reading the diff: the spec's changes by operation, the API
//! changes with their classification, the snapshot files changed, and the version bump the
//! changes require with whether `sip-client`'s version already has it. `cargo xtask ci`
//! fails when a breaking change comes without its bump.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, ExitCode};

use serde_json::Value;
use sip_client_gen::{SPEC_PATH, SURFACE_PATH, compare_surfaces, surface_body};

use crate::generate::{CLIENT_MANIFEST, crate_version, manifest_version};

/// The bump a change requires, by SemVer (for 0.x, a breaking change needs the minor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing in the API changed.
    Patch,
    /// Additions only.
    Minor,
    /// Something may break users.
    Major,
}

/// What `review` found, for the page and for `ci`.
pub struct Review {
    pub base: String,
    pub page: String,
    pub required: Bump,
    pub satisfied: bool,
    pub breaking: usize,
}

pub fn run(args: &[&str]) -> ExitCode {
    run_in(&crate::workspace_root(), args)
}

/// [`run`] on the checkout at `root`.
pub fn run_in(root: &Path, args: &[&str]) -> ExitCode {
    let mut base = None;
    let mut out = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match (*arg, rest.next()) {
            ("--base", Some(rev)) => base = Some((*rev).to_owned()),
            ("--out", Some(path)) => out = Some((*path).to_owned()),
            _ => {
                eprintln!("usage: cargo xtask review [--base REV] [--out FILE]");
                return ExitCode::from(2);
            }
        }
    }
    let base = match base.map_or_else(|| crate::semver::merge_base(root), Ok) {
        Ok(base) => base,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    match review(root, &base) {
        Ok(review) => {
            match out {
                Some(path) => {
                    if let Err(err) = std::fs::write(&path, &review.page) {
                        eprintln!("error: cannot write {path}: {err}");
                        return ExitCode::FAILURE;
                    }
                    println!("wrote {path}");
                }
                None => print!("{}", review.page),
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// The text of `path` at revision `rev`, or `None` when it did not exist there.
fn at_revision(root: &Path, rev: &str, path: &str) -> Result<Option<String>, String> {
    let output = Command::new("git")
        .args(["show", &format!("{rev}:{path}")])
        .current_dir(root)
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    if output.status.success() {
        Ok(Some(String::from_utf8_lossy(&output.stdout).into_owned()))
    } else {
        let known = Command::new("git")
            .args(["rev-parse", "--verify", &format!("{rev}^{{commit}}")])
            .current_dir(root)
            .output()
            .map_err(|err| format!("cannot run git: {err}"))?;
        if known.status.success() {
            Ok(None)
        } else {
            Err(format!("{rev} is not a revision of this repository"))
        }
    }
}

/// Reviews the working tree against `base`.
pub fn review(root: &Path, base: &str) -> Result<Review, String> {
    let mut page = String::new();
    let head = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let _ = writeln!(
        page,
        "# Review of the change\n\nFrom `{}` to the working tree of `{head}`.\n",
        short(base)
    );

    // The spec, by operation and by schema.
    let old_spec = at_revision(root, base, SPEC_PATH)?.unwrap_or_default();
    let new_spec = std::fs::read_to_string(root.join(SPEC_PATH))
        .map_err(|err| format!("cannot read {SPEC_PATH}: {err}"))?;
    page.push_str("## The spec, by operation\n\n");
    page.push_str(&spec_changes(&old_spec, &new_spec));

    // The API, as the change report says.
    let old_surface = at_revision(root, base, SURFACE_PATH)?.unwrap_or_default();
    let new_surface = std::fs::read_to_string(root.join(SURFACE_PATH))
        .map_err(|err| format!("cannot read {SURFACE_PATH}: {err}"))?;
    let report = compare_surfaces(surface_body(&old_surface), surface_body(&new_surface));
    page.push_str("\n## API changes\n\n");
    if report.changes.is_empty() {
        page.push_str("None.\n");
    } else {
        page.push_str("```text\n");
        page.push_str(&report.to_string());
        page.push_str("```\n");
    }

    // The snapshots.
    page.push_str("\n## Snapshots changed\n\n");
    page.push_str(&snapshots_changed(root, base)?);

    // The version.
    let required = if report.breaking() > 0 {
        Bump::Major
    } else if report.changes.is_empty() {
        Bump::Patch
    } else {
        Bump::Minor
    };
    let old_version = at_revision(root, base, CLIENT_MANIFEST)?
        .and_then(|manifest| manifest_version(&manifest))
        .unwrap_or_else(|| "0.0.0".to_owned());
    let new_version = crate_version(root).unwrap_or_default();
    let done = bump_between(&old_version, &new_version);
    let needed = needed_bump(required, &old_version);
    let satisfied = done >= needed;
    let _ = writeln!(
        page,
        "\n## Version\n\nThe changes require a {} release ({}); `sip-client` goes from `{old_version}` \
         to `{new_version}`, a {} release: {}.",
        bump_name(needed),
        match required {
            Bump::Major => "breaking changes",
            Bump::Minor => "additions only",
            Bump::Patch => "no API change",
        },
        bump_name(done),
        if satisfied {
            "enough"
        } else {
            "**not enough**: raise the version in sip-client/Cargo.toml"
        }
    );
    Ok(Review {
        base: base.to_owned(),
        page,
        required,
        satisfied,
        breaking: report.breaking(),
    })
}

fn short(rev: &str) -> &str {
    &rev[..rev.len().min(12)]
}

fn bump_name(bump: Bump) -> &'static str {
    match bump {
        Bump::Major => "major",
        Bump::Minor => "minor",
        Bump::Patch => "patch",
    }
}

/// The bump a change of kind `required` needs from `version`: before 1.0, a breaking change
/// needs the minor, an addition the minor too (cargo's rules treat 0.x.y -> 0.x.(y+1) as
/// compatible).
fn needed_bump(required: Bump, version: &str) -> Bump {
    let major = parse(version).0;
    match required {
        Bump::Major if major == 0 => Bump::Minor,
        other => other,
    }
}

/// The bump from `old` to `new` (build metadata ignored).
fn bump_between(old: &str, new: &str) -> Bump {
    let (old, new) = (parse(old), parse(new));
    if new.0 > old.0 {
        Bump::Major
    } else if new.0 == old.0 && new.1 > old.1 {
        Bump::Minor
    } else {
        Bump::Patch
    }
}

fn parse(version: &str) -> (u64, u64, u64) {
    let core = version.split(['+', '-']).next().unwrap_or_default();
    let mut parts = core.split('.').map(|p| p.parse().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

/// Operations added, removed or changed, and the schemas likewise.
fn spec_changes(old: &str, new: &str) -> String {
    let parse = |text: &str| -> Value { serde_yaml_ng::from_str(text).unwrap_or(Value::Null) };
    let (old, new) = (parse(old), parse(new));
    let operations = |spec: &Value| -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        if let Some(paths) = spec["paths"].as_object() {
            for (path, item) in paths {
                for (method, operation) in item.as_object().into_iter().flatten() {
                    if let Some(id) = operation["operationId"].as_str() {
                        let mut operation = operation.clone();
                        operation["x-path"] =
                            Value::String(format!("{} {path}", method.to_uppercase()));
                        out.insert(id.to_owned(), operation);
                    }
                }
            }
        }
        out
    };
    let schemas = |spec: &Value| -> BTreeMap<String, Value> {
        spec["components"]["schemas"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    };
    let mut out = String::new();
    let list = |out: &mut String,
                what: &str,
                old: &BTreeMap<String, Value>,
                new: &BTreeMap<String, Value>| {
        let mut lines = Vec::new();
        for (name, value) in new {
            match old.get(name) {
                None => lines.push(format!("- added {what} `{name}`{}", path_of(value))),
                Some(before) if before != value => {
                    lines.push(format!("- changed {what} `{name}`{}", path_of(value)))
                }
                Some(_) => {}
            }
        }
        for (name, value) in old {
            if !new.contains_key(name) {
                lines.push(format!("- removed {what} `{name}`{}", path_of(value)));
            }
        }
        if lines.is_empty() {
            let _ = writeln!(out, "No {what} changed.");
        } else {
            let _ = writeln!(out, "{}", lines.join("\n"));
        }
    };
    list(&mut out, "operation", &operations(&old), &operations(&new));
    out.push('\n');
    list(&mut out, "schema", &schemas(&old), &schemas(&new));
    for key in ["servers", "security", "info"] {
        if old[key] != new[key] {
            let _ = writeln!(out, "- changed `{key}`");
        }
    }
    out
}

fn path_of(operation: &Value) -> String {
    operation["x-path"]
        .as_str()
        .map(|path| format!(" (`{path}`)"))
        .unwrap_or_default()
}

/// The snapshot files changed since `base`, with their added and removed lines.
fn snapshots_changed(root: &Path, base: &str) -> Result<String, String> {
    let output = Command::new("git")
        .args(["diff", "--numstat", base, "--", "*.snap"])
        .current_dir(root)
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    let mut lines = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let mut parts = line.split('\t');
        let (Some(added), Some(removed), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        lines.push(format!("- `{path}`: +{added} -{removed}"));
    }
    let untracked = Command::new("git")
        .args(["ls-files", "--others", "--exclude-standard", "--", "*.snap"])
        .current_dir(root)
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    for path in String::from_utf8_lossy(&untracked.stdout).lines() {
        lines.push(format!("- `{path}`: new, not committed"));
    }
    Ok(if lines.is_empty() {
        "None.\n".to_owned()
    } else {
        format!("{} files:\n\n{}\n", lines.len(), lines.join("\n"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_follow_semver_and_cargo_for_0x() {
        assert_eq!(needed_bump(Bump::Major, "0.1.0+1.0.0"), Bump::Minor);
        assert_eq!(needed_bump(Bump::Major, "1.2.0"), Bump::Major);
        assert_eq!(needed_bump(Bump::Minor, "0.1.0"), Bump::Minor);
        assert_eq!(bump_between("0.1.0+1.0.0", "0.2.0+1.1.0"), Bump::Minor);
        assert_eq!(bump_between("0.1.0", "0.1.1"), Bump::Patch);
        assert_eq!(bump_between("0.1.0", "1.0.0"), Bump::Major);
        assert_eq!(bump_between("1.2.3", "1.2.3+build"), Bump::Patch);
        assert!(bump_between("0.1.0", "0.1.0") < needed_bump(Bump::Major, "0.1.0"));
    }

    #[test]
    fn spec_changes_name_operations_and_schemas() {
        let old = "servers: [{url: 'https://a'}]\ninfo: {version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n  /b:\n    get:\n      operationId: b\n  /s:\n    get:\n      operationId: same\ncomponents:\n  schemas:\n    X: {type: string}\n    Same: {type: string}\n";
        let new = "servers: [{url: 'https://b'}]\ninfo: {version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      summary: changed\n  /c:\n    post:\n      operationId: c\n  /s:\n    get:\n      operationId: same\ncomponents:\n  schemas:\n    Y: {type: string}\n    Same: {type: string}\n";
        let text = spec_changes(old, new);
        assert_eq!(
            text,
            "- changed operation `a` (`GET /a`)\n- added operation `c` (`POST /c`)\n- removed operation `b` (`GET /b`)\n\n\
             - added schema `Y`\n- removed schema `X`\n- changed `servers`\n"
        );
        // Nothing changed: each list says so.
        assert_eq!(
            spec_changes(old, old),
            "No operation changed.\n\nNo schema changed.\n"
        );
    }
}
