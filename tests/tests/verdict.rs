//! The change report against the compiler: a probe generated from our spec
//! (`sip_client_gen::generate_probe`: it builds every struct with its builder, reads every
//! field, matches every enum with a wildcard, calls every operation, mocks every operation)
//! is compiled against the crate generated from each spec change of
//! `sip_client_tests::changes`. Every change the report calls additive must leave the probe
//! compiling. Where the report says breaking and the compiler does not mind, the case is
//! named below with the reason: a change that breaks callers on the wire or at run time.
//!
//! All cases are checked in one `cargo check` of one scratch workspace (a copy of sip-client
//! and a probe per case), so that the cases share the dependencies and both cores. The case
//! `unchanged` shows that the probe compiles against the crate of the spec it came from.

use sip_client_gen::{SPEC_PATH, SURFACE_PATH, compare_surfaces, surface_body};
use sip_client_tests::changes;
use sip_client_tests::scratch::{ScratchWorkspace, compiler_errors};
use sip_client_tests::spec_text;

/// Cases the report calls breaking although the probe compiles, and why that is right.
const BREAKING_BUT_COMPILING: &[(&str, &str)] = &[
    (
        "request_required_field_added",
        "the body's builder compiles without the new field, then `build()` fails at run \
         time: every caller that sends the body breaks",
    ),
    (
        "parameter_pattern_tightened",
        "the Rust types stay (`PhoneNumber` is hand-written); numbers that passed the old \
         pattern are refused by Bland under the new one: the wire breaks",
    ),
    (
        "required_parameter_added",
        "never: a new required argument breaks every call (checked below)",
    ),
];

#[test]
fn every_additive_change_leaves_users_code_compiling() {
    let probe = sip_client_gen::generate_probe(&spec_text()).unwrap();
    let ours = surface(&spec_text());
    let cases = changes::all();

    let mut scratch = ScratchWorkspace::new("verdict");
    let mut verdicts = Vec::new();
    for case in &cases {
        let generated = sip_client_gen::generate(SPEC_PATH, &case.spec)
            .unwrap_or_else(|err| panic!("{}: {err}", case.name));
        let report = compare_surfaces(
            &ours,
            surface_body(&generated.file(SURFACE_PATH).unwrap().contents),
        );
        let dir = format!("case-{}", case.name.replace('_', "-"));
        let client = format!("sip-client-{dir}");
        scratch.add_client(&dir, &client, &generated, false);
        scratch.add_crate(
            &format!("probe-{}", case.name.replace('_', "-")),
            &format!("probe-{}", case.name.replace('_', "-")),
            "lib.rs",
            &probe,
            &format!(
                "sip-client = {{ path = \"../{dir}\", package = \"{client}\", features = [\"mock\", \"schemars\", \"cli\"] }}\n\
                 serde_json.workspace = true\n"
            ),
        );
        verdicts.push((case.name, report));
    }
    // The clients have the features `cargo xtask ci` documents sip-client with
    // (`DOC_FEATURES` in `xtask/src/ci.rs`): rustdoc then finds the dependencies checked.
    // Checked, not built: a build could reuse our workspace's dependencies (with the feature
    // mirror, as `proof` does), but compiling a client and a probe per case costs more than checking
    // the dependencies once more (measured: see CONTRIBUTING.md, the test loop).
    let (_, messages, stderr) = scratch.cargo(&["check", "--workspace", "--keep-going"]);
    let errors = compiler_errors(&messages);
    assert!(
        !stderr.contains("error: failed to load manifest")
            && !stderr.contains("error: no matching package"),
        "{stderr}"
    );

    let mut table = String::new();
    for (name, report) in &verdicts {
        let probe_package = format!("probe-{}", name.replace('_', "-"));
        let crate_package = format!("case-{}", name.replace('_', "-"));
        // The generated crate itself must compile whatever the case.
        let crate_errors: Vec<&String> = errors
            .iter()
            .filter(|(package, _)| package_is(package, &crate_package))
            .map(|(_, rendered)| rendered)
            .collect();
        assert!(
            crate_errors.is_empty(),
            "{name}: the generated crate does not compile:\n{crate_errors:?}"
        );
        let probe_errors: Vec<&String> = errors
            .iter()
            .filter(|(package, _)| package_is(package, &probe_package))
            .map(|(_, rendered)| rendered)
            .collect();
        let compiles = probe_errors.is_empty();
        let breaking = report.breaking() > 0;
        table.push_str(&format!(
            "{name}: report {}, probe {}\n",
            if breaking { "breaking" } else { "additive" },
            if compiles { "compiles" } else { "fails" }
        ));
        if !breaking {
            assert!(
                compiles,
                "{name}: the report calls it additive, but code written against the old API \
                 no longer compiles:\n{report}\n{}",
                probe_errors
                    .iter()
                    .map(|e| e.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
        if breaking && compiles {
            let known = BREAKING_BUT_COMPILING.iter().any(|(case, _)| case == name)
                && *name != "required_parameter_added";
            assert!(
                known,
                "{name}: the report calls it breaking and the probe still compiles; name the \
                 case in BREAKING_BUT_COMPILING with why, or fix the report:\n{report}"
            );
        }
        if *name == "required_parameter_added" {
            assert!(!compiles, "a new required argument must break the probe");
        }
    }
    // The reviewer's view: each case's two verdicts.
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| sip_client_tests::assert_snapshot!("verdict_report_and_compiler", table));
}

/// Whether cargo's `package_id` is the package in directory `dir` of the scratch workspace:
/// `path+file:///.../dir#name@version`, or `path+file:///.../dir#version` when the name is
/// the directory's.
fn package_is(package_id: &str, dir: &str) -> bool {
    package_id.contains(&format!("/{dir}#"))
}

fn surface(spec: &str) -> String {
    let generated = sip_client_gen::generate(SPEC_PATH, spec).unwrap();
    surface_body(&generated.file(SURFACE_PATH).unwrap().contents).to_owned()
}
