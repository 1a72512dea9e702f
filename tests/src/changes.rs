//! Spec changes, each one kind of evolution of our spec: the cases on which the change
//! report is judged (`tests/tests/api_changes.rs` pins each report; `tests/tests/verdict.rs`
//! checks each against the compiler and cargo-semver-checks).

use crate::spec_text;

/// One change of our spec.
pub struct SpecChange {
    /// Its name, which names its snapshots.
    pub name: &'static str,
    /// The spec after the change.
    pub spec: String,
}

/// Our spec with `from` replaced by `to` after the first occurrence of `after` (once; the
/// replacement must apply).
fn derived(after: &str, from: &str, to: &str) -> String {
    derived_from(spec_text(), after, from, to)
}

/// [`derived`] of `spec`, for a case that changes two places (a schema and the example
/// that must still fit it: generation refuses one that does not).
fn derived_from(spec: String, after: &str, from: &str, to: &str) -> String {
    let at = spec
        .find(after)
        .unwrap_or_else(|| panic!("the spec no longer contains {after:?}"));
    let (head, tail) = spec.split_at(at);
    assert!(
        tail.contains(from),
        "the spec no longer contains {from:?} after {after:?}"
    );
    format!("{head}{}", tail.replacen(from, to, 1))
}

/// Every case, in a stable order.
pub fn all() -> Vec<SpecChange> {
    let case = |name, spec| SpecChange { name, spec };
    vec![
        case("unchanged", spec_text()),
        case(
            "optional_field_added",
            derived(
                "    SipOptions:",
                "        secure_media:\n",
                "        codec:\n          description: Preferred codec.\n          type: string\n        secure_media:\n",
            ),
        ),
        case(
            "field_removed",
            derived(
                "    SipOptions:",
                "        secure_media:\n          description: Whether media is encrypted (SRTP).\n          type: boolean\n",
                "",
            ),
        ),
        case(
            "type_changed",
            // The example answer's port is a string too (generation refuses an example that
            // does not fit its schema).
            derived_from(
                derived(
                    "    SipOptions:",
                    "          description: SIP port, for example 5061.\n          type: integer\n          minimum: 0\n          maximum: 65535\n",
                    "          description: SIP port, for example 5061.\n          type: string\n",
                ),
                "                $ref: '#/components/schemas/SipConfigEnvelope'\n",
                "port: 5061\n",
                "port: '5061'\n",
            ),
        ),
        case(
            "field_made_required",
            derived(
                "    SipConfig:",
                "        - created_at\n        - updated_at\n",
                "        - created_at\n        - updated_at\n        - options\n",
            ),
        ),
        case(
            "field_made_optional",
            derived("    SipConfig:", "        - org_id\n", ""),
        ),
        case(
            "enum_value_added",
            derived(
                "    Transport:",
                "        - tls\n",
                "        - tls\n        - wss\n",
            ),
        ),
        case(
            "enum_value_removed",
            derived("    Transport:", "        - udp\n", ""),
        ),
        case(
            "operation_added",
            derived(
                "paths:\n",
                "  /v1/sip/numbers:\n",
                "  /v1/sip/trunks:\n    get:\n      operationId: list_sip_trunks\n      tags:\n        - sip\n      summary: List SIP trunks\n      description: Lists the trunks.\n      responses:\n        '200':\n          description: The trunks.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/SipNumbersEnvelope'\n        '400':\n          $ref: '#/components/responses/ApiError'\n  /v1/sip/numbers:\n",
            ),
        ),
        case(
            "required_parameter_added",
            derived(
                "operationId: get_sip_config",
                "      responses:\n",
                "        - name: direction\n          in: query\n          required: true\n          schema:\n            type: string\n      responses:\n",
            ),
        ),
        case(
            "response_optional_field_added",
            derived(
                "    SipStatusData:",
                "        checked_at:\n",
                "        region:\n          description: The region that probed.\n          type: string\n        checked_at:\n",
            ),
        ),
        case(
            "request_optional_field_added",
            derived(
                "    DiscoveryRequest:",
                "        transport:\n",
                "        timeout_seconds:\n          description: How long to probe.\n          type: integer\n        transport:\n",
            ),
        ),
        case(
            "request_required_field_added",
            derived(
                "    DiscoveryRequest:",
                "      required:\n        - host\n      properties:\n",
                "      required:\n        - host\n        - purpose\n      properties:\n        purpose:\n          description: Why the probe runs.\n          type: string\n",
            ),
        ),
        // Every field of `SipConfigData` was optional, so typify derived `Default`; a
        // required one takes it away.
        case(
            "response_required_field_added",
            derived_from(
                derived(
                    "    SipConfigData:",
                    "      type: object\n      properties:\n",
                    "      type: object\n      required:\n        - region\n      properties:\n        region:\n          description: The region that serves the number.\n          type: string\n",
                ),
                "                $ref: '#/components/schemas/SipConfigEnvelope'\n",
                "                data:\n",
                "                data:\n                  region: us-west\n",
            ),
        ),
        // The front door's `limit` stays an `i64` (it checks the bound); typify's type for the
        // raw client and the mocks becomes `u32`.
        case(
            "parameter_format_narrowed",
            derived(
                "        - name: limit\n",
                "            type: integer\n",
                "            type: integer\n            format: uint32\n",
            ),
        ),
        case(
            "parameter_pattern_tightened",
            derived(
                "    PhoneNumber:",
                "      pattern: '^\\+[1-9][0-9]{0,14}$'\n",
                "      pattern: '^\\+[1-9][0-9]{6,14}$'\n",
            ),
        ),
    ]
}

/// The case named `name`.
pub fn get(name: &str) -> SpecChange {
    all()
        .into_iter()
        .find(|case| case.name == name)
        .unwrap_or_else(|| panic!("no spec change named {name}"))
}
