//! The change report: specs derived from ours, each with one kind of change, give the
//! expected classification and summary; the report of each is snapshotted.

use sip_client_gen::{SPEC_PATH, SURFACE_PATH, compare_surfaces, surface_body};
use sip_client_tests::spec_text;

/// Our spec with `from` replaced by `to` (once; the replacement must apply).
fn derived(from: &str, to: &str) -> String {
    let spec = spec_text();
    assert!(spec.contains(from), "the spec no longer contains {from:?}");
    spec.replacen(from, to, 1)
}

fn surface(spec: &str) -> String {
    let generated = sip_client_gen::generate(SPEC_PATH, spec).unwrap();
    surface_body(&generated.file(SURFACE_PATH).unwrap().contents).to_owned()
}

/// Compares the derived spec's surface with ours; returns the report's text, which is also
/// the case's snapshot (the reviewer's view of the change).
fn report_for(case: &str, spec: &str) -> String {
    let ours = surface(&spec_text());
    let theirs = surface(spec);
    let report = compare_surfaces(&ours, &theirs).to_string();
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(format!("report_{case}"), report));
    report
}

#[test]
fn no_change() {
    let report = report_for("unchanged", &spec_text());
    assert_eq!(report, "api changes: none\n");
}

#[test]
fn optional_field_added_is_additive() {
    let spec = derived(
        "        secure_media:\n",
        "        codec:\n          description: Preferred codec.\n          type: string\n        secure_media:\n",
    );
    let report = report_for("optional_field_added", &spec);
    assert_eq!(
        report,
        "additive: added field SipOptions.codec (Option<String>, optional)\n\
         api changes: 0 breaking, 1 additive\n"
    );
}

#[test]
fn field_removed_is_breaking() {
    let spec = derived(
        "        secure_media:\n          description: Whether media is encrypted (SRTP).\n          type: boolean\n",
        "",
    );
    let report = report_for("field_removed", &spec);
    assert_eq!(
        report,
        "breaking: removed field SipOptions.secure_media (Option<bool>, optional)\n\
         api changes: 1 breaking, 0 additive\n"
    );
}

#[test]
fn type_changed_is_breaking() {
    let spec = derived(
        "          description: SIP port, for example 5061.\n          type: integer\n          minimum: 0\n          maximum: 65535\n",
        "          description: SIP port, for example 5061.\n          type: string\n",
    );
    let report = report_for("type_changed", &spec);
    assert_eq!(
        report,
        "breaking: field SipOptions.port: type changed (Option<u16>, optional -> Option<String>, optional)\n\
         api changes: 1 breaking, 0 additive\n"
    );
}

#[test]
fn field_made_required_is_breaking() {
    let spec = derived(
        "        - created_at\n        - updated_at\n",
        "        - created_at\n        - updated_at\n        - options\n",
    );
    let report = report_for("field_made_required", &spec);
    assert_eq!(
        report,
        "breaking: field SipConfig.options: became required (Option<SipOptions>, optional -> SipOptions, required)\n\
         api changes: 1 breaking, 0 additive\n"
    );
}

#[test]
fn field_made_optional_is_additive() {
    let spec = derived("        - org_id\n", "");
    let report = report_for("field_made_optional", &spec);
    assert_eq!(
        report,
        "additive: field SipConfig.org_id: became optional (String, required -> Option<String>, optional)\n\
         api changes: 0 breaking, 1 additive\n"
    );
}

#[test]
fn enum_value_added_is_additive() {
    let spec = derived("        - tls\n", "        - tls\n        - wss\n");
    let report = report_for("enum_value_added", &spec);
    assert_eq!(
        report,
        "additive: added variant Transport.wss\napi changes: 0 breaking, 1 additive\n"
    );
}

#[test]
fn operation_added_is_additive() {
    let spec = derived(
        "  /v1/sip/numbers:\n",
        "  /v1/sip/trunks:\n    get:\n      operationId: list_sip_trunks\n      tags:\n        - sip\n      summary: List SIP trunks\n      description: Lists the trunks.\n      responses:\n        '200':\n          description: The trunks.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/SipNumbersEnvelope'\n        '400':\n          $ref: '#/components/responses/ApiError'\n  /v1/sip/numbers:\n",
    );
    let report = report_for("operation_added", &spec);
    assert_eq!(
        report,
        "additive: added operation list_sip_trunks (GET /v1/sip/trunks)\n\
         additive: added output list_sip_trunks (SipNumbersData (data of SipNumbersEnvelope))\n\
         additive: added response list_sip_trunks.200 (SipNumbersEnvelope)\n\
         additive: added response list_sip_trunks.400 (ErrorEnvelope)\n\
         additive: added retry list_sip_trunks (safe)\n\
         api changes: 0 breaking, 5 additive\n"
    );
}

#[test]
fn required_parameter_added_is_breaking() {
    let spec = derived(
        "      responses:\n        '200':\n          description: The SIP configuration",
        "        - name: direction\n          in: query\n          required: true\n          schema:\n            type: string\n      responses:\n        '200':\n          description: The SIP configuration",
    );
    let report = report_for("required_parameter_added", &spec);
    assert_eq!(
        report,
        "breaking: added required param get_sip_config.direction (query, required, String)\n\
         api changes: 1 breaking, 0 additive\n"
    );
}
