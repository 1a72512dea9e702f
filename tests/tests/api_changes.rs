//! The change report: specs derived from ours (`sip_client_tests::changes`), each with one
//! kind of change, give the expected classification and summary; the report of each is
//! snapshotted, the reviewer's view of the change. Whether the compiler agrees is
//! `verdict.rs`'s question.

use sip_client_gen::{SPEC_PATH, SURFACE_PATH, compare_surfaces, surface_body};
use sip_client_tests::{changes, spec_text};

fn surface(spec: &str) -> String {
    let generated = sip_client_gen::generate(SPEC_PATH, spec).unwrap();
    surface_body(&generated.file(SURFACE_PATH).unwrap().contents).to_owned()
}

/// The report of case `name` against our spec; also its snapshot.
fn report_for(name: &str) -> String {
    let ours = surface(&spec_text());
    let theirs = surface(&changes::get(name).spec);
    let report = compare_surfaces(&ours, &theirs).to_string();
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| sip_client_tests::assert_snapshot!(format!("report_{name}"), report));
    report
}

#[test]
fn no_change() {
    assert_eq!(report_for("unchanged"), "api changes: none\n");
}

#[test]
fn optional_field_added_is_additive() {
    assert_eq!(
        report_for("optional_field_added"),
        "additive: added field SipOptions.codec (Option<String>, optional | in=request+response)\n\
         api changes: 0 breaking, 1 additive\n"
    );
}

#[test]
fn response_optional_field_added_is_additive() {
    assert_eq!(
        report_for("response_optional_field_added"),
        "additive: added field SipStatusData.region (Option<String>, optional | in=response)\n\
         api changes: 0 breaking, 1 additive\n"
    );
}

#[test]
fn request_optional_field_added_is_additive() {
    assert_eq!(
        report_for("request_optional_field_added"),
        "additive: added field DiscoveryRequest.timeout_seconds (Option<i64>, optional | in=request)\n\
         api changes: 0 breaking, 1 additive\n"
    );
}

#[test]
fn request_required_field_added_is_breaking() {
    assert_eq!(
        report_for("request_required_field_added"),
        "breaking: added required field DiscoveryRequest.purpose (String, required | in=request)\n\
         api changes: 1 breaking, 0 additive\n"
    );
}

#[test]
fn field_removed_is_breaking() {
    assert_eq!(
        report_for("field_removed"),
        "breaking: removed field SipOptions.secure_media (Option<bool>, optional | in=request+response)\n\
         api changes: 1 breaking, 0 additive\n"
    );
}

#[test]
fn type_changed_is_breaking() {
    assert_eq!(
        report_for("type_changed"),
        "breaking: field SipOptions.port: type changed (Option<u16>, optional | in=request+response | maximum=65535 | minimum=0 -> Option<String>, optional | in=request+response)\n\
         api changes: 1 breaking, 0 additive\n"
    );
}

#[test]
fn field_made_required_is_breaking() {
    // `Option<SipOptions>` becomes `SipOptions`: code that reads the field breaks.
    assert_eq!(
        report_for("field_made_required"),
        "breaking: field SipConfig.options: type changed (Option<SipOptions>, optional | in=response -> SipOptions, required | in=response)\n\
         api changes: 1 breaking, 0 additive\n"
    );
}

#[test]
fn response_field_made_optional_is_breaking() {
    // Readers may no longer get it (oasdiff), and `String` becomes `Option<String>`.
    assert_eq!(
        report_for("field_made_optional"),
        "breaking: field SipConfig.org_id: type changed (String, required | in=response -> Option<String>, optional | in=response)\n\
         api changes: 1 breaking, 0 additive\n"
    );
}

#[test]
fn enum_value_added_is_additive() {
    assert_eq!(
        report_for("enum_value_added"),
        "additive: added variant Transport.wss\napi changes: 0 breaking, 1 additive\n"
    );
}

#[test]
fn enum_value_removed_is_breaking() {
    assert_eq!(
        report_for("enum_value_removed"),
        "breaking: removed variant Transport.udp\napi changes: 1 breaking, 0 additive\n"
    );
}

#[test]
fn operation_added_is_additive() {
    assert_eq!(
        report_for("operation_added"),
        "additive: added operation list_sip_trunks (GET /v1/sip/trunks)\n\
         additive: added output list_sip_trunks (SipNumbersData (data of SipNumbersEnvelope))\n\
         additive: added response list_sip_trunks.200 (SipNumbersEnvelope | media=application/json)\n\
         additive: added response list_sip_trunks.400 (ErrorEnvelope | media=application/json)\n\
         additive: added retry list_sip_trunks (safe)\n\
         additive: added security list_sip_trunks (apiKey)\n\
         api changes: 0 breaking, 6 additive\n"
    );
}

/// A required field of a type only read breaks no reader, but it takes typify's `Default`
/// away (derived while every field is optional): `SipConfigData::default()` stops compiling.
#[test]
fn response_required_field_added_to_a_default_type_is_breaking() {
    assert_eq!(
        report_for("response_required_field_added"),
        "breaking: removed impl Default for SipConfigData\n\
         additive: added field SipConfigData.region (String, required | in=response); values \
         built with the builder (answers for mocks) must now set it\n\
         api changes: 1 breaking, 1 additive\n"
    );
}

#[test]
fn required_parameter_added_is_breaking() {
    assert_eq!(
        report_for("required_parameter_added"),
        "breaking: added required param get_sip_config.direction (query, required, String)\n\
         api changes: 1 breaking, 0 additive\n"
    );
}

/// A format that leaves the front door's type (`i64`) but changes typify's (`u32`): the
/// mocks' `When::limit` and the raw builder take another type (the verdict test's probe,
/// which passes an `i64`, stops compiling).
#[test]
fn parameter_format_narrowed_breaks_the_mocks() {
    assert_eq!(
        report_for("parameter_format_narrowed"),
        "breaking: param list_sip_calls.limit: type in the raw client and the mocks changed \
         (i64 -> u32): code passing it to `Client::raw()`'s builder or the mock's `When` stops \
         compiling (query, optional, i64 | default=50 -> query, optional, i64 | default=50 | \
         raw=u32)\n\
         api changes: 1 breaking, 0 additive\n"
    );
}

#[test]
fn parameter_pattern_tightened_is_breaking_on_the_wire() {
    // The Rust types stay: `PhoneNumber` is hand-written. What callers may send shrinks,
    // everywhere the schema is used in a request; the answers' numbers are not checked. (A
    // pattern changed is judged both ways: regexes are not compared.)
    let report = report_for("parameter_pattern_tightened");
    for line in [
        "breaking: param get_sip_config.phone_number: pattern ^\\+[1-9][0-9]{0,14}$ -> ^\\+[1-9][0-9]{6,14}$ changed: it may refuse what callers sent",
        "breaking: param check_port_eligibility.phone_numbers[]: items.pattern ^\\+[1-9][0-9]{0,14}$ -> ^\\+[1-9][0-9]{6,14}$ changed: it may refuse what callers sent",
        "breaking: field SipDetachRequest.phone_number: pattern ^\\+[1-9][0-9]{0,14}$ -> ^\\+[1-9][0-9]{6,14}$ changed: it may refuse what callers sent",
    ] {
        assert!(report.contains(line), "{line} missing from:\n{report}");
    }
    assert!(
        report.lines().all(|line| !line.starts_with("additive")),
        "{report}"
    );
    assert!(
        report.ends_with("api changes: 8 breaking, 0 additive\n"),
        "{report}"
    );
}

#[test]
fn every_case_is_pinned_here() {
    // A case added to `changes::all` needs its expected report above.
    let names: Vec<&str> = changes::all().iter().map(|case| case.name).collect();
    assert_eq!(names.len(), 16, "{names:?}");
}
