//! Our change report against cargo-semver-checks, on every spec change of
//! `sip_client_tests::changes`: both judge the crate generated from the change against the
//! crate generated from our spec. Where they disagree, the case is named below with why.
//!
//! Needs cargo-semver-checks (pinned by `cargo xtask semver`, which runs this test with
//! `cargo xtask semver --fixtures`); ignored by `cargo test` for that reason, and run by its
//! own job in CI.

use std::path::Path;
use std::process::Command;

use sip_client_gen::{SPEC_PATH, SURFACE_PATH, compare_surfaces, surface_body};
use sip_client_tests::scratch::{ScratchWorkspace, compiler_errors};
use sip_client_tests::{changes, spec_text};

/// Cases on which cargo-semver-checks and our report disagree, and why each is right as
/// it is. cargo-semver-checks judges Rust items from rustdoc; it does not see the wire,
/// run-time checks, or (in 0.51) changes of a field's type.
const DISAGREEMENTS: &[(&str, &str)] = &[
    (
        "type_changed",
        "a field's type changed (`Option<u16>` to `Option<String>`): cargo-semver-checks has \
         no lint for field types; code reading the field breaks (the verdict test's probe)",
    ),
    (
        "field_made_required",
        "`Option<SipOptions>` became `SipOptions`: a field type change, which \
         cargo-semver-checks does not lint; readers break",
    ),
    (
        "field_made_optional",
        "`String` became `Option<String>`: a field type change (not linted), and readers on \
         the wire may no longer get the field (oasdiff)",
    ),
    (
        "request_required_field_added",
        "the Rust API only grows (a field, a setter); the builder's `build()` then fails at run \
         time without the new field: callers break, which no Rust lint sees",
    ),
    (
        "response_required_field_added",
        "the struct loses its derived `Default` (typify derives it only while every field can \
         default): `SipConfigData::default()` stops compiling (the verdict test's probe fails). \
         cargo-semver-checks 0.51 does not report it (its `derive_trait_impl_removed` lint is \
         the one that would; run on this case: \"no semver update required\")",
    ),
    (
        "parameter_format_narrowed",
        "only the bound of a generic changes (`When::limit<T: Into<Option<i64>>>` to \
         `Into<Option<u32>>`, the raw builder's `TryInto<i64>` to `TryInto<u32>`), which \
         cargo-semver-checks does not lint; the verdict test's probe stops compiling",
    ),
    (
        "parameter_pattern_tightened",
        "no Rust item changes (`PhoneNumber` is hand-written); what Bland accepts shrinks: a \
         wire break",
    ),
];

#[test]
#[ignore = "needs cargo-semver-checks: run `cargo xtask semver --fixtures`"]
fn cargo_semver_checks_agrees_with_the_report_except_where_named() {
    let ours_generated = sip_client_gen::generate(SPEC_PATH, &spec_text()).unwrap();
    let ours = surface_body(&ours_generated.file(SURFACE_PATH).unwrap().contents).to_owned();
    let cases = changes::all();

    let mut scratch = ScratchWorkspace::new("semver");
    scratch.add_client("base", "sip-client-base", &ours_generated, false);
    let mut reports = Vec::new();
    for case in &cases {
        let generated = sip_client_gen::generate(SPEC_PATH, &case.spec).unwrap();
        let report = compare_surfaces(
            &ours,
            surface_body(&generated.file(SURFACE_PATH).unwrap().contents),
        );
        let dir = format!("case-{}", case.name.replace('_', "-"));
        scratch.add_client(&dir, &format!("sip-client-{dir}"), &generated, false);
        reports.push((case.name, dir, report));
    }
    // A 1.x version: cargo-semver-checks then calls a breaking change "major".
    scratch.set_version("base", "1.0.0");
    for (_, dir, _) in &reports {
        scratch.set_version(dir, "1.0.0");
    }

    let json_dir = scratch.root.join("rustdoc");
    std::fs::create_dir_all(&json_dir).unwrap();
    let rustdoc = |dir: &str| {
        let package = if dir == "base" {
            "sip-client-base".to_owned()
        } else {
            format!("sip-client-{dir}")
        };
        let (ok, messages, stderr) = scratch.cargo_with_env(
            &[
                "rustdoc",
                "--package",
                &package,
                "--lib",
                "--features",
                &format!("{package}/mock,{package}/rustls"),
                "--",
                "-Zunstable-options",
                "--output-format",
                "json",
            ],
            &[("RUSTC_BOOTSTRAP", "1")],
        );
        assert!(ok, "{dir}: {stderr}\n{:?}", compiler_errors(&messages));
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| sip_client_tests::workspace_root().join("target"));
        let json = json_dir.join(format!("{dir}.json"));
        std::fs::copy(target.join("doc").join("sip_client.json"), &json).unwrap();
        json
    };
    let base = rustdoc("base");

    let mut table = String::new();
    for (name, dir, report) in &reports {
        let current = rustdoc(dir);
        let (major, output) = semver_checks(&base, &current);
        let ours = report.breaking() > 0;
        table.push_str(&format!(
            "{name}: report {}, cargo-semver-checks {}\n",
            if ours { "breaking" } else { "not breaking" },
            if major { "major" } else { "minor or none" }
        ));
        let named = DISAGREEMENTS.iter().any(|(case, _)| case == name);
        if named {
            assert_ne!(
                ours, major,
                "{name} is named as a disagreement, but both judges agree: remove it\n{output}"
            );
        } else {
            assert_eq!(
                ours, major,
                "{name}: our report and cargo-semver-checks disagree; fix the report or name \
                 the case with why:\n{report}\n{output}"
            );
        }
    }
    // The two judges side by side (this test is not run by `cargo test`, so the table is
    // printed rather than snapshotted: a snapshot no run asserts would be stale).
    println!("{table}");
}

/// Whether cargo-semver-checks finds a change that needs a new major version, and what it
/// said.
fn semver_checks(baseline: &Path, current: &Path) -> (bool, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["semver-checks", "check-release", "--release-type", "patch"])
        .arg("--baseline-rustdoc")
        .arg(baseline)
        .arg("--current-rustdoc")
        .arg(current)
        .output()
        .expect("cargo semver-checks runs (install it with `cargo xtask semver`)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let major = text
        .lines()
        .filter(|line| line.contains("Summary"))
        .any(|line| line.contains("major") && !line.contains(" 0 major"));
    (major, text)
}
