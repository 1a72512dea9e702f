//! `cargo xtask review [--base REV] [--out FILE]`: the review page of a change, in Markdown.
//!
//! What a reviewer needs before reading the diff: the spec's changes by operation, the API
//! changes with their classification, the snapshot files changed, and the version bump the
//! changes require with whether `sip-client`'s version already has it. `cargo xtask ci`
//! fails when a breaking change comes without its bump.
//!
//! The working tree's API is generated in memory from its spec (the page warns first when
//! the committed generated files are stale); the base's is the surface committed there. A
//! base whose spec does not parse, or an empty `--base`, is refused.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, ExitCode};

use serde_json::Value;
use sip_client_gen::{REGENERATE_COMMAND, SPEC_PATH, SURFACE_PATH, compare_surfaces, surface_body};

use crate::generate::{CLIENT_MANIFEST, carries_spec_version, crate_version, manifest_version};

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
    /// The bump `required` needs from the base's version (before 1.0, a breaking change
    /// needs the minor).
    pub needed: Bump,
    /// `sip-client`'s version at the base and in the working tree.
    pub versions: (String, String),
    pub satisfied: bool,
    pub breaking: usize,
    /// The generated files of the working tree that are not what its spec generates.
    pub stale: Vec<&'static str>,
    /// What the report could not compare (a base surface of an older format), if anything.
    pub not_compared: Option<String>,
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
            ("--base", Some(rev)) if rev.trim().is_empty() => {
                eprintln!(
                    "error: --base needs a revision, not an empty string\n\
                     usage: cargo xtask review [--base REV] [--out FILE]"
                );
                return ExitCode::from(2);
            }
            ("--base", Some(rev)) => base = Some((*rev).to_owned()),
            ("--out", Some(path)) => out = Some((*path).to_owned()),
            _ => {
                eprintln!("usage: cargo xtask review [--base REV] [--out FILE]");
                return ExitCode::from(2);
            }
        }
    }
    let base = match base.map_or_else(|| crate::semver::default_base(root), Ok) {
        Ok(base) => base,
        Err(err) => {
            eprintln!("error: {err}: pass --base REV");
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
///
/// The working tree's API is generated from its spec, not read from the committed surface,
/// which may be stale: the page says so first when any generated file is. The base's API is
/// its committed surface, which CI kept fresh there. A base whose spec does not parse is an
/// error: there is nothing to compare with, and a page that called everything added would
/// ask for a release that nothing needs.
pub fn review(root: &Path, base: &str) -> Result<Review, String> {
    if base.trim().is_empty() {
        return Err("the base revision is empty: name a revision".to_owned());
    }
    let old_spec = at_revision(root, base, SPEC_PATH)?.unwrap_or_default();
    if !old_spec.is_empty() {
        parse_spec(&old_spec)
            .map_err(|err| format!("{SPEC_PATH} at {base} does not parse: {err}"))?;
    }
    let new_spec = std::fs::read_to_string(root.join(SPEC_PATH))
        .map_err(|err| format!("cannot read {SPEC_PATH}: {err}"))?;
    parse_spec(&new_spec)
        .map_err(|err| format!("{SPEC_PATH} of the working tree does not parse: {err}"))?;
    let generated = sip_client_gen::generate(SPEC_PATH, &new_spec)
        .map_err(|err| format!("{SPEC_PATH} of the working tree does not generate: {err}"))?;
    let stale = crate::generate::stale_paths(root, &generated);
    let new_version = crate_version(root).unwrap_or_default();
    // `cargo xtask generate` refuses a crate version that does not carry the spec's version
    // as build metadata: the page says so rather than send the reviewer to it.
    let version_first = (!carries_spec_version(&new_version, &generated.spec_version)).then(|| {
        format!(
            "sip-client/Cargo.toml's version `{new_version}` does not carry the spec's \
             `info.version` `{}` as build metadata (`+{}`), which `{REGENERATE_COMMAND}` \
             refuses",
            generated.spec_version, generated.spec_version
        )
    });

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
    if !stale.is_empty() {
        let _ = writeln!(
            page,
            "> **Warning: the generated files are stale.** {} {} not what `{SPEC_PATH}` \
             generates: {}run `{REGENERATE_COMMAND}` and commit the result. The API changes \
             and the version below are those of the spec, not of the files committed.\n",
            stale
                .iter()
                .map(|path| format!("`{path}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if stale.len() == 1 { "is" } else { "are" },
            if version_first.is_some() {
                "set the version's build metadata to the spec's version (below), then "
            } else {
                ""
            }
        );
    }

    // The spec, by operation and by schema.
    page.push_str("## The spec, by operation\n\n");
    page.push_str(&spec_changes(&old_spec, &new_spec));

    // The API, as the change report says.
    let old_surface = at_revision(root, base, SURFACE_PATH)?.unwrap_or_default();
    let new_surface = generated
        .file(SURFACE_PATH)
        .map(|file| file.contents.as_str())
        .unwrap_or_default();
    let report = compare_surfaces(surface_body(&old_surface), surface_body(new_surface));
    page.push_str("\n## API changes\n\n");
    // Against a base surface of an older format, the note says what was not compared.
    if report.changes.is_empty() && report.not_compared.is_none() {
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
    let base_version = at_revision(root, base, CLIENT_MANIFEST)?
        .and_then(|manifest| manifest_version(&manifest))
        .unwrap_or_else(|| "0.0.0".to_owned());
    // The bump is counted from what users last got: a version the base's changelog lists
    // as unreleased already carries the bump of the changes made since that release.
    let changelog = at_revision(root, base, CHANGELOG_PATH)?;
    let old_version = last_release(changelog.as_deref().unwrap_or_default(), &base_version);
    let done = bump_between(&old_version, &new_version);
    let needed = needed_bump(required, &old_version);
    let satisfied = done >= needed;
    let unreleased = if old_version == base_version {
        String::new()
    } else {
        format!(" (its last release; `{base_version}` at the base is not released yet)")
    };
    let moved = if old_version == new_version {
        format!("`sip-client` stays at `{new_version}`")
    } else {
        format!(
            "`sip-client` goes from `{old_version}`{unreleased} to `{new_version}`, a {} release",
            bump_name(done)
        )
    };
    let _ = writeln!(
        page,
        "\n## Version\n\nThe changes require a {} release ({}); {moved}: {}.",
        bump_name(needed),
        match required {
            Bump::Major => "breaking changes",
            Bump::Minor => "additions only",
            Bump::Patch => "no API change",
        },
        if satisfied {
            "enough"
        } else {
            "**not enough**: raise the version in sip-client/Cargo.toml"
        }
    );
    if let Some(version_first) = &version_first {
        let _ = writeln!(page, "\n**The build metadata is wrong:** {version_first}.");
    }
    Ok(Review {
        base: base.to_owned(),
        page,
        required,
        needed,
        versions: (old_version, new_version),
        satisfied,
        breaking: report.breaking(),
        stale,
        not_compared: report.not_compared.clone(),
    })
}

/// The changelog, whose headings (`## VERSION`, `## VERSION (unreleased)`) say which
/// versions were released.
pub const CHANGELOG_PATH: &str = "CHANGELOG.md";

/// The version users last got, by `changelog`: `version` itself unless a heading lists it
/// as unreleased, then the newest version listed after it without that word (`0.0.0` when
/// none was released). A changelog that does not list `version` leaves it as released.
fn last_release(changelog: &str, version: &str) -> String {
    let headings: Vec<(&str, bool)> = changelog
        .lines()
        .filter_map(|line| line.strip_prefix("## "))
        .filter_map(|heading| {
            let mut words = heading.split_whitespace();
            let listed = words.next()?.trim_start_matches('[').trim_end_matches(']');
            // A heading that names no version (`## Migrating from 0.1`) is no release.
            if !listed.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            let unreleased = words.any(|word| word.to_ascii_lowercase().contains("unreleased"));
            Some((listed, unreleased))
        })
        .collect();
    match headings.iter().position(|&(listed, _)| listed == version) {
        // The first released heading from `version`'s own (unreleased) one on.
        Some(at) if headings[at].1 => headings[at..]
            .iter()
            .find(|&&(_, unreleased)| !unreleased)
            .map_or("0.0.0", |&(listed, _)| listed)
            .to_owned(),
        _ => version.to_owned(),
    }
}

/// A spec's text read as YAML: an error unless it is a mapping (an OpenAPI document).
fn parse_spec(text: &str) -> Result<Value, String> {
    let value: Value = serde_yaml_ng::from_str(text).map_err(|err| err.to_string())?;
    if value.is_object() {
        Ok(value)
    } else {
        Err("not a YAML mapping".to_owned())
    }
}

/// A revision as the page names it: a commit id shortened to 12 digits, any other name
/// (`origin/release-2025`, a branch with non-ASCII letters) whole.
pub(crate) fn short(rev: &str) -> &str {
    if rev.len() > 12 && rev.bytes().all(|b| b.is_ascii_hexdigit()) {
        &rev[..12]
    } else {
        rev
    }
}

pub(crate) fn bump_name(bump: Bump) -> &'static str {
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

/// The kinds of `components`, in the order the page lists them, with their names in the
/// singular and the plural.
const COMPONENT_KINDS: &[(&str, &str, &str)] = &[
    ("schemas", "schema", "schemas"),
    ("responses", "response", "responses"),
    ("parameters", "parameter", "parameters"),
    ("requestBodies", "request body", "request bodies"),
    ("headers", "header", "headers"),
    ("securitySchemes", "security scheme", "security schemes"),
    ("examples", "example", "examples"),
    ("links", "link", "links"),
    ("callbacks", "callback", "callbacks"),
    ("pathItems", "path item", "path items"),
];

/// One component: its kind's place in [`COMPONENT_KINDS`] (unknown kinds last), its kind
/// (`schemas`) and its name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Component {
    rank: usize,
    kind: String,
    name: String,
}

impl Component {
    fn new(kind: &str, name: &str) -> Component {
        Component {
            rank: COMPONENT_KINDS
                .iter()
                .position(|(k, _, _)| *k == kind)
                .unwrap_or(COMPONENT_KINDS.len()),
            kind: kind.to_owned(),
            name: name.to_owned(),
        }
    }

    /// The component a `$ref` points into (`#/components/schemas/X`, or a part of it).
    fn of_ref(reference: &str) -> Option<Component> {
        let mut parts = reference.strip_prefix("#/components/")?.split('/');
        let (kind, name) = (parts.next()?, parts.next()?);
        let unescape = |part: &str| part.replace("~1", "/").replace("~0", "~");
        Some(Component::new(&unescape(kind), &unescape(name)))
    }

    fn value<'a>(&self, spec: &'a Value) -> &'a Value {
        &spec["components"][&self.kind][&self.name]
    }

    /// The name of its kind, for `count` components of it.
    fn kind_name(&self, count: usize) -> &str {
        COMPONENT_KINDS.get(self.rank).map_or(
            &self.kind,
            |(_, one, many)| if count == 1 { one } else { many },
        )
    }
}

impl std::fmt::Display for Component {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} `{}`", self.kind_name(1), self.name)
    }
}

/// `components` (in order) by kind: `schemas `A`, `B`, response `C``.
fn by_kind<'a>(components: impl IntoIterator<Item = &'a Component>) -> Vec<String> {
    let mut groups: Vec<(&Component, Vec<&str>)> = Vec::new();
    for component in components {
        match groups.last_mut() {
            Some((first, names)) if first.kind == component.kind => names.push(&component.name),
            _ => groups.push((component, vec![&component.name])),
        }
    }
    groups
        .into_iter()
        .map(|(first, names)| {
            let names: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
            format!("{} {}", first.kind_name(names.len()), names.join(", "))
        })
        .collect()
}

/// Every component of `spec`, of every kind.
fn components(spec: &Value) -> BTreeMap<Component, Value> {
    let mut out = BTreeMap::new();
    for (kind, members) in spec["components"].as_object().into_iter().flatten() {
        for (name, value) in members.as_object().into_iter().flatten() {
            out.insert(Component::new(kind, name), value.clone());
        }
    }
    out
}

/// The operations of `spec` by `operationId`, each with its method and path in `x-path` and
/// its path item's parameters, if any, in `x-path-parameters`.
fn operations(spec: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            if let Some(id) = operation["operationId"].as_str() {
                let mut operation = operation.clone();
                operation["x-path"] = Value::String(format!("{} {path}", method.to_uppercase()));
                if !item["parameters"].is_null() {
                    operation["x-path-parameters"] = item["parameters"].clone();
                }
                out.insert(id.to_owned(), operation);
            }
        }
    }
    out
}

/// The components `operation` of `spec` reaches: through `$ref`s, transitively, and the
/// security schemes of its security requirements (its own, or else the top-level ones).
fn reached(spec: &Value, operation: &Value) -> BTreeSet<Component> {
    let mut seen = BTreeSet::new();
    let mut todo = Vec::new();
    refs(operation, &mut todo);
    let security = match operation.get("security") {
        Some(own) => own,
        None => &spec["security"],
    };
    for requirement in security.as_array().into_iter().flatten() {
        for scheme in requirement
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
        {
            todo.push(Component::new("securitySchemes", scheme));
        }
    }
    while let Some(component) = todo.pop() {
        if !seen.contains(&component) {
            refs(component.value(spec), &mut todo);
            seen.insert(component);
        }
    }
    seen
}

/// The components `value` refers to with `$ref`, anywhere in it.
fn refs(value: &Value, out: &mut Vec<Component>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) => out.extend(Component::of_ref(reference)),
                    _ => refs(value, out),
                }
            }
        }
        Value::Array(values) => values.iter().for_each(|value| refs(value, out)),
        _ => {}
    }
}

/// Operations added, removed or changed (by their own definition or through the components
/// they reach), then the components added, removed or changed, then the top-level keys.
fn spec_changes(old: &str, new: &str) -> String {
    let parse = |text: &str| -> Value { serde_yaml_ng::from_str(text).unwrap_or(Value::Null) };
    let (old, new) = (parse(old), parse(new));
    let (old_components, new_components) = (components(&old), components(&new));
    let mut changed_components = BTreeMap::new();
    for (component, value) in &new_components {
        match old_components.get(component) {
            None => {
                changed_components.insert(component.clone(), "added");
            }
            Some(before) if before != value => {
                changed_components.insert(component.clone(), "changed");
            }
            Some(_) => {}
        }
    }
    for component in old_components.keys() {
        if !new_components.contains_key(component) {
            changed_components.insert(component.clone(), "removed");
        }
    }
    let top_security_changed = old["security"] != new["security"];

    let mut out = String::new();
    let (old_operations, new_operations) = (operations(&old), operations(&new));
    let mut lines = Vec::new();
    for (id, operation) in &new_operations {
        let Some(before) = old_operations.get(id) else {
            lines.push(format!("- added operation `{id}`{}", path_of(operation)));
            continue;
        };
        let mut through = Vec::new();
        if top_security_changed
            && (before.get("security").is_none() || operation.get("security").is_none())
        {
            through.push("the top-level `security`".to_owned());
        }
        let reach = reached(&old, before)
            .into_iter()
            .chain(reached(&new, operation))
            .collect::<BTreeSet<_>>();
        through.extend(by_kind(
            reach
                .iter()
                .filter(|component| changed_components.contains_key(*component)),
        ));
        let itself = before != operation;
        let how = match (itself, through.is_empty()) {
            (false, true) => continue,
            (true, true) => String::new(),
            (true, false) => format!(" itself and through {}", through.join(", ")),
            (false, false) => format!(" through {}", through.join(", ")),
        };
        lines.push(format!(
            "- changed operation `{id}`{}{how}",
            path_of(operation)
        ));
    }
    for (id, operation) in &old_operations {
        if !new_operations.contains_key(id) {
            lines.push(format!("- removed operation `{id}`{}", path_of(operation)));
        }
    }
    if lines.is_empty() {
        out.push_str("No operation changed.\n");
    } else {
        let _ = writeln!(out, "{}", lines.join("\n"));
    }
    out.push('\n');
    if changed_components.is_empty() {
        out.push_str("No component changed.\n");
    } else {
        for (component, how) in &changed_components {
            let _ = writeln!(out, "- {how} {component}");
        }
    }
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

/// The snapshot files changed since `base`, with their added and removed lines, and the
/// pending ones (`.snap.new`, `.pending-snap`) not accepted yet.
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
        .args([
            "ls-files",
            "-z",
            "--others",
            "--exclude-standard",
            "--",
            "*.snap",
        ])
        .current_dir(root)
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    for path in String::from_utf8_lossy(&untracked.stdout).split_terminator('\0') {
        // Its lines, all added, counted as `git diff --numstat` counts them.
        let text =
            std::fs::read(root.join(path)).map_err(|err| format!("cannot read {path}: {err}"))?;
        let added = String::from_utf8_lossy(&text).lines().count();
        lines.push(format!("- `{path}`: +{added}, new, not committed"));
    }
    // Snapshots a test wrote but nobody accepted (ignored by our .gitignore, so listed
    // whether ignored or not): the snapshot a test asserts is not the one committed, and
    // CI refuses them.
    let pending = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--others",
            "--",
            "*.snap.new",
            "*.pending-snap",
        ])
        .current_dir(root)
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    for path in String::from_utf8_lossy(&pending.stdout)
        .split_terminator('\0')
        .filter(|path| !path.starts_with("target/") && !path.contains("node_modules/"))
    {
        lines.push(format!(
            "- `{path}`: pending, not accepted (review it: `cargo insta review`)"
        ));
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

    /// A commit id is shortened; a name is shown whole, wherever its letters fall (cutting
    /// `origin/dev-é` at byte 12 would split the `é`: it panicked).
    #[test]
    fn a_base_is_shortened_only_when_it_is_a_commit_id() {
        assert_eq!(
            short("0123456789abcdef0123456789abcdef01234567"),
            "0123456789ab"
        );
        assert_eq!(short("abc123"), "abc123");
        for name in [
            "origin/dev-é",
            "origin/release-2025",
            "HEAD~12",
            "feature/ünïcode-branch",
        ] {
            assert_eq!(short(name), name);
        }
    }

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

    /// The bump is counted from the last release the changelog lists: a version it calls
    /// unreleased already carries the changes made since.
    #[test]
    fn the_last_release_is_the_newest_version_not_called_unreleased() {
        let changelog = "# Changelog\n\n## 0.3.0 (Unreleased)\n\n- more\n\n\
                         ## [0.2.0+1.1.0] - unreleased\n\n## 0.1.0+1.0.0\n\n- first\n\n\
                         ## 0.0.1\n";
        assert_eq!(last_release(changelog, "0.3.0"), "0.1.0+1.0.0");
        assert_eq!(last_release(changelog, "0.2.0+1.1.0"), "0.1.0+1.0.0");
        assert_eq!(last_release(changelog, "0.1.0+1.0.0"), "0.1.0+1.0.0");
        // Not listed, or no changelog: the version is what users have.
        assert_eq!(last_release(changelog, "0.4.0"), "0.4.0");
        assert_eq!(last_release("", "0.2.0"), "0.2.0");
        // Nothing released yet: every version is new to users.
        assert_eq!(last_release("## 0.1.0 (unreleased)\n", "0.1.0"), "0.0.0");
        // A heading that names no version is none of them.
        assert_eq!(
            last_release("## 0.2.0 (unreleased)\n## Migrating\n## 0.1.0\n", "0.2.0"),
            "0.1.0"
        );
        // A word of the notes, not of a heading, says nothing.
        assert_eq!(
            last_release("## 0.2.0\n\n- unreleased work landed\n", "0.2.0"),
            "0.2.0"
        );
    }

    #[test]
    fn spec_changes_name_operations_and_schemas() {
        let old = "servers: [{url: 'https://a'}]\ninfo: {version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n  /b:\n    get:\n      operationId: b\n  /s:\n    get:\n      operationId: same\ncomponents:\n  schemas:\n    X: {type: string}\n    Same: {type: string}\n";
        let new = "servers: [{url: 'https://b'}]\ninfo: {version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      summary: changed\n  /c:\n    post:\n      operationId: c\n  /s:\n    get:\n      operationId: same\ncomponents:\n  schemas:\n    Y: {type: string}\n    Same: {type: string}\n";
        let text = spec_changes(old, new);
        assert_eq!(
            text,
            "- changed operation `a` (`GET /a`)\n- added operation `c` (`POST /c`)\n- removed operation `b` (`GET /b`)\n\n\
             - removed schema `X`\n- added schema `Y`\n- changed `servers`\n"
        );
        // Nothing changed: each list says so.
        assert_eq!(
            spec_changes(old, old),
            "No operation changed.\n\nNo component changed.\n"
        );
    }

    /// Operations reaching components of every kind: `config` a schema through another and
    /// the shared error response, `numbers` a parameter and the response, `attach` a request
    /// body and a security scheme of its own, `open` no security; the top-level security
    /// covers `config` and `numbers`.
    const BASE: &str = "\
openapi: 3.0.3
security: [{key: []}]
paths:
  /config:
    get:
      operationId: config
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Envelope'}}}}
        '400': {$ref: '#/components/responses/ApiError'}
  /numbers/{id}:
    parameters: [{$ref: '#/components/parameters/Id'}]
    get:
      operationId: numbers
      parameters: [{$ref: '#/components/parameters/Limit'}]
      responses:
        '400': {$ref: '#/components/responses/ApiError'}
  /attach:
    post:
      operationId: attach
      security: [{basic: []}]
      requestBody: {$ref: '#/components/requestBodies/Attach'}
      responses: {'204': {description: ok}}
  /open:
    get:
      operationId: open
      security: []
      responses: {'204': {description: ok}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: authorization}
    basic: {type: http, scheme: basic}
  parameters:
    Id: {name: id, in: path, required: true, schema: {type: string}}
    Limit: {name: limit, in: query, schema: {type: integer}}
  requestBodies:
    Attach: {content: {application/json: {schema: {$ref: '#/components/schemas/Data'}}}}
  responses:
    ApiError: {description: error, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}
  schemas:
    Envelope: {type: object, properties: {data: {$ref: '#/components/schemas/Data'}}}
    Data: {type: object, properties: {a: {type: string}, next: {$ref: '#/components/schemas/Data'}}}
    Error: {type: object}
    Unused: {type: string}
";

    /// [`BASE`] with `from` (which must occur) replaced by `to`.
    fn edited(from: &str, to: &str) -> String {
        assert!(BASE.contains(from), "{from:?}");
        BASE.replacen(from, to, 1)
    }

    #[test]
    fn operations_change_through_the_components_they_reach() {
        // The audit's case: a new optional property of a schema, a media type added to a
        // shared response.
        let new = edited(
            "properties: {a: {type: string}, next",
            "properties: {a: {type: string}, b: {type: string}, next",
        )
        .replace(
            "ApiError: {description: error, content: {",
            "ApiError: {description: error, content: {text/plain: {schema: {type: string}}, ",
        );
        assert_eq!(
            spec_changes(BASE, &new),
            "- changed operation `attach` (`POST /attach`) through schema `Data`\n\
             - changed operation `config` (`GET /config`) through schema `Data`, response `ApiError`\n\
             - changed operation `numbers` (`GET /numbers/{id}`) through response `ApiError`\n\
             \n\
             - changed schema `Data`\n\
             - changed response `ApiError`\n"
        );
    }

    #[test]
    fn refs_name_their_component() {
        let component = Component::of_ref("#/components/schemas/a~1b~0c/properties/x").unwrap();
        assert_eq!(component, Component::new("schemas", "a/b~c"));
        assert_eq!(component.to_string(), "schema `a/b~c`");
        let unknown = Component::of_ref("#/components/x-things/T").unwrap();
        assert_eq!(unknown.to_string(), "x-things `T`");
        assert!(
            unknown > Component::new("pathItems", "Z"),
            "unknown kinds come last"
        );
        for elsewhere in [
            "#/paths/~1a",
            "other.yaml#/components/schemas/X",
            "#/components/schemas",
        ] {
            assert_eq!(Component::of_ref(elsewhere), None, "{elsewhere}");
        }
    }

    #[test]
    fn components_of_one_kind_are_named_together() {
        let new = edited(
            "properties: {a: {type: string}, next",
            "properties: {a: {type: integer}, next",
        )
        .replace(
            "Envelope: {type: object, ",
            "Envelope: {type: object, required: [data], ",
        );
        assert_eq!(
            spec_changes(BASE, &new),
            "- changed operation `attach` (`POST /attach`) through schema `Data`\n\
             - changed operation `config` (`GET /config`) through schemas `Data`, `Envelope`\n\
             \n\
             - changed schema `Data`\n\
             - changed schema `Envelope`\n"
        );
    }

    #[test]
    fn parameters_request_bodies_and_path_parameters_reach_their_operations() {
        let limit = edited(
            "schema: {type: integer}",
            "schema: {type: integer, maximum: 9}",
        );
        assert_eq!(
            spec_changes(BASE, &limit),
            "- changed operation `numbers` (`GET /numbers/{id}`) through parameter `Limit`\n\n\
             - changed parameter `Limit`\n"
        );
        // A parameter of the path item, not of the operation.
        let id = edited(
            "required: true, schema: {type: string}",
            "required: true, schema: {type: string, maxLength: 9}",
        );
        assert_eq!(
            spec_changes(BASE, &id),
            "- changed operation `numbers` (`GET /numbers/{id}`) through parameter `Id`\n\n\
             - changed parameter `Id`\n"
        );
        let body = edited("Attach: {content: {", "Attach: {required: true, content: {");
        assert_eq!(
            spec_changes(BASE, &body),
            "- changed operation `attach` (`POST /attach`) through request body `Attach`\n\n\
             - changed request body `Attach`\n"
        );
        // A path item's own parameters changed: its operations changed.
        let own = edited(
            "parameters: [{$ref: '#/components/parameters/Id'}]",
            "parameters: [{$ref: '#/components/parameters/Id'}, {name: x, in: query}]",
        );
        assert_eq!(
            spec_changes(BASE, &own),
            "- changed operation `numbers` (`GET /numbers/{id}`)\n\nNo component changed.\n"
        );
    }

    #[test]
    fn security_schemes_reach_the_operations_they_secure() {
        // `key` secures the operations without security of their own.
        let key = edited("name: authorization}", "name: x-api-key}");
        assert_eq!(
            spec_changes(BASE, &key),
            "- changed operation `config` (`GET /config`) through security scheme `key`\n\
             - changed operation `numbers` (`GET /numbers/{id}`) through security scheme `key`\n\n\
             - changed security scheme `key`\n"
        );
        let basic = edited("scheme: basic}", "scheme: bearer}");
        assert_eq!(
            spec_changes(BASE, &basic),
            "- changed operation `attach` (`POST /attach`) through security scheme `basic`\n\n\
             - changed security scheme `basic`\n"
        );
        // The top-level requirement changed: the operations it covers changed with it.
        let top = edited("security: [{key: []}]", "security: [{basic: []}]");
        assert_eq!(
            spec_changes(BASE, &top),
            "- changed operation `config` (`GET /config`) through the top-level `security`\n\
             - changed operation `numbers` (`GET /numbers/{id}`) through the top-level `security`\n\n\
             No component changed.\n- changed `security`\n"
        );
        // An operation that stops naming its own requirement falls under the top-level one:
        // when that changed too, it changed through it as well as itself.
        let fallen = top.replacen("      security: [{basic: []}]\n", "", 1);
        assert_eq!(
            spec_changes(BASE, &fallen),
            "- changed operation `attach` (`POST /attach`) itself and through the top-level `security`\n\
             - changed operation `config` (`GET /config`) through the top-level `security`\n\
             - changed operation `numbers` (`GET /numbers/{id}`) through the top-level `security`\n\n\
             No component changed.\n- changed `security`\n"
        );
    }

    #[test]
    fn added_and_removed_components_are_listed_and_reach_operations() {
        // The error response drops its schema, which is removed; a new schema is unused.
        let new = edited(
            "ApiError: {description: error, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}",
            "ApiError: {description: error}\n  headers:\n    Trace: {schema: {type: string}}",
        )
        .replace("    Error: {type: object}\n", "")
        .replace("    Unused: {type: string}\n", "    Unused: {type: string}\n    Fresh: {type: string}\n");
        assert_eq!(
            spec_changes(BASE, &new),
            "- changed operation `config` (`GET /config`) through schema `Error`, response `ApiError`\n\
             - changed operation `numbers` (`GET /numbers/{id}`) through schema `Error`, response `ApiError`\n\n\
             - removed schema `Error`\n\
             - added schema `Fresh`\n\
             - changed response `ApiError`\n\
             - added header `Trace`\n"
        );
        // An operation changed itself and through a component says both.
        let both = edited(
            "operationId: attach\n",
            "operationId: attach\n      summary: now\n",
        )
        .replace("scheme: basic}", "scheme: bearer}");
        assert_eq!(
            spec_changes(BASE, &both),
            "- changed operation `attach` (`POST /attach`) itself and through security scheme `basic`\n\n\
             - changed security scheme `basic`\n"
        );
    }
}
