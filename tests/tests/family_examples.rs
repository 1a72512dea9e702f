//! The documented examples of Bland's SIP family, three ways: the spec's examples, the
//! fixtures in `tests/fixtures/ops/` and what the client makes of them agree.
//!
//! - Every 200 example of the spec is its fixture `ops/<operation_id>.json`, decodes into
//!   the operation's success type, re-serializes to the same value (except where a field is
//!   lossy, listed per operation below) and is what `sip_client::mock::examples` returns.
//! - Every request example of the spec is its fixture `ops/request_<operation_id>.json`,
//!   decodes into the body type, passes the client's checks and goes on the wire unchanged.
//! - Every operation, called through the front door against a server answering its
//!   fixture, returns the documented values.
//!
//! The operations are read from the spec, so an operation added to it without a fixture
//! (or without an entry in the typed tables here) fails a test that names it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::{Value, json};
use sip_client::{
    AuthMode, Client, CustomerType, Direction, DiscoveryStatus, Error, HealthStatus, NumberType,
    PhoneNumber, PortRequestStatus, TestCallResult, TestCallStatus, Timestamp, Transport, Upload,
};
use sip_client_tests::server::{RecordedRequest, Reply, TestServer};
use sip_client_tests::spec::{spec, spec_operations};
use sip_client_tests::{client_for, fixture, workspace_root};

/// Operations whose 200 answer Bland does not document: no example in the spec, so no
/// fixture. Any other operation without an example fails `every_documented_answer_is_its_fixture`.
const NO_DOCUMENTED_ANSWER: &[&str] = &["detach_sip"];

/// What a server answers detach with in these tests: Bland documents no body, and the spec
/// reads an envelope if one is sent.
const DETACH_ANSWER: &str = r#"{"data":null,"errors":null}"#;

fn ops_dir() -> PathBuf {
    workspace_root().join("tests").join("fixtures").join("ops")
}

fn ops_fixture(name: &str) -> Value {
    serde_json::from_slice(&fixture(&format!("ops/{name}.json")))
        .unwrap_or_else(|err| panic!("fixture ops/{name}.json is not JSON: {err}"))
}

/// The names (without `.json`) of the files in `tests/fixtures/ops/`.
fn ops_fixture_names() -> BTreeSet<String> {
    std::fs::read_dir(ops_dir())
        .expect("read tests/fixtures/ops")
        .map(|entry| entry.expect("a directory entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .map(|name| {
            name.strip_suffix(".json")
                .unwrap_or_else(|| panic!("tests/fixtures/ops/{name} is not a .json file"))
                .to_owned()
        })
        .collect()
}

#[test]
fn the_spec_and_the_client_have_the_same_operations() {
    let spec: Vec<(String, String, String)> = spec_operations()
        .into_iter()
        .map(|op| (op.id, op.method, op.path))
        .collect();
    let client: Vec<(String, String, String)> = sip_client::OPERATIONS
        .iter()
        .map(|op| {
            (
                op.id().to_owned(),
                op.method().as_str().to_owned(),
                op.path().to_owned(),
            )
        })
        .collect();
    assert_eq!(spec, client);
    assert_eq!(spec.len(), 17, "Bland's SIP family has 17 operations");
}

#[test]
fn every_documented_answer_is_its_fixture() {
    let names = ops_fixture_names();
    let mut problems = Vec::new();
    for op in spec_operations() {
        let has_fixture = names.contains(&op.id);
        match op.answer_example() {
            Some(example) if has_fixture => {
                if ops_fixture(&op.id) != *example {
                    problems.push(format!(
                        "{}: tests/fixtures/ops/{}.json is not the spec's 200 example",
                        op.id, op.id
                    ));
                }
            }
            Some(_) => problems.push(format!(
                "{}: the spec documents a 200 example but tests/fixtures/ops/{}.json is missing",
                op.id, op.id
            )),
            None if NO_DOCUMENTED_ANSWER.contains(&op.id.as_str()) => {
                if has_fixture {
                    problems.push(format!(
                        "{}: a fixture exists but the spec documents no 200 example",
                        op.id
                    ));
                }
            }
            None => problems.push(format!(
                "{}: the spec documents no 200 example and no fixture exists (add both, or \
                 list the operation in NO_DOCUMENTED_ANSWER if Bland documents no answer)",
                op.id
            )),
        }
    }
    // No stale fixture: every answer fixture belongs to an operation of the spec.
    let ids: BTreeSet<String> = spec_operations().into_iter().map(|op| op.id).collect();
    for name in &names {
        let id = name.strip_prefix("request_").unwrap_or(name);
        if !ids.contains(id) {
            problems.push(format!(
                "tests/fixtures/ops/{name}.json belongs to no operation"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// One operation's success type, for the typed checks: decode a value into it, compare it
/// with the mock's example, serialize it back.
struct Typed {
    id: &'static str,
    /// JSON pointers of keys that re-serialization drops: each holds `null` or `[]` in the
    /// example, which the decoded value keeps as `None` or an empty list and skips when
    /// serializing. Nothing else may differ.
    dropped: &'static [&'static str],
    /// Decodes `example`, asserts that it equals the mock's example, re-serializes it.
    round_trip: fn(&Value) -> Value,
}

macro_rules! typed {
    ($($id:ident: $ty:ty, dropped: [$($pointer:literal),* $(,)?];)+) => {
        &[$(
            Typed {
                id: stringify!($id),
                dropped: &[$($pointer),*],
                round_trip: |example| {
                    let decoded: $ty = serde_json::from_value(example.clone()).unwrap_or_else(
                        |err| panic!("{}: the example does not decode: {err}", stringify!($id)),
                    );
                    assert_eq!(
                        decoded,
                        sip_client::mock::examples::$id(),
                        "{}: mock::examples differs from the fixture",
                        stringify!($id)
                    );
                    serde_json::to_value(&decoded).expect("a decoded answer serializes")
                },
            },
        )+]
    };
}

/// Every operation with a documented answer. `errors: null` is dropped everywhere (the
/// envelope's `errors` is `Option<Vec<_>>`, skipped when `None`); the other drops are named.
const TYPED: &[Typed] = typed! {
    attach_sip: sip_client::SipAttachEnvelope, dropped: ["/errors"];
    cancel_port_request: sip_client::PortCancelEnvelope, dropped: ["/errors"];
    check_port_eligibility: sip_client::PortCheckEnvelope, dropped: ["/errors"];
    // `srv_records: []` is an optional list, skipped when empty.
    discover_sip_endpoint: sip_client::DiscoveryEnvelope, dropped: ["/errors", "/data/srv_records"];
    get_firewall_ips: sip_client::FirewallIpsEnvelope, dropped: ["/errors"];
    get_outbound_setup: sip_client::OutboundSetupEnvelope, dropped: ["/errors"];
    // `sip_endpoint: null` and `headers: null` are optional fields, skipped when `None`.
    get_sip_config: sip_client::SipConfigEnvelope, dropped: [
        "/errors",
        "/data/inbound/sip_endpoint",
        "/data/inbound/headers",
        "/data/outbound/headers",
    ];
    get_sip_status: sip_client::SipStatusEnvelope, dropped: ["/errors"];
    get_test_call_status: sip_client::TestCallStatusEnvelope, dropped: ["/errors"];
    initiate_port: sip_client::PortInitiateEnvelope, dropped: ["/errors"];
    list_port_requests: sip_client::PortRequestsEnvelope, dropped: ["/errors"];
    list_sip_calls: sip_client::SipCallsEnvelope, dropped: ["/errors"];
    // `sip_endpoint: null` of a number summary is required and nullable: it is kept.
    list_sip_numbers: sip_client::SipNumbersEnvelope, dropped: ["/errors"];
    send_test_call: sip_client::TestCallEnvelope, dropped: ["/errors"];
    update_sip: sip_client::SipUpdateResponse, dropped: [];
    upload_port_document: sip_client::PortDocumentEnvelope, dropped: ["/errors"];
};

/// Numbers as `f64`: fields typed `number` in the spec (`sip_code`, `duration_seconds`,
/// `response_time_ms`, `response_code`) decode into `f64` and serialize as `42.0`, which
/// `serde_json::Value` does not consider equal to the example's `42`. The value is the same.
fn numbers_as_f64(value: &Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64().expect("a JSON number is an f64")),
        Value::Array(items) => Value::Array(items.iter().map(numbers_as_f64).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), numbers_as_f64(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Removes the key at `pointer`, asserting that it held nothing (`null` or `[]`).
fn drop_empty(value: &mut Value, pointer: &str, id: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer has a '/'");
    let object = value
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("{id}: no object at {parent}"));
    let removed = object
        .remove(key)
        .unwrap_or_else(|| panic!("{id}: the example has no {pointer}"));
    assert!(
        removed.is_null() || removed.as_array().is_some_and(Vec::is_empty),
        "{id}: {pointer} holds {removed}, which a round trip must not drop"
    );
}

#[test]
fn every_documented_answer_decodes_and_round_trips() {
    let documented: BTreeSet<String> = spec_operations()
        .into_iter()
        .filter(|op| op.answer_example().is_some())
        .map(|op| op.id)
        .collect();
    let typed: BTreeSet<String> = TYPED.iter().map(|t| t.id.to_owned()).collect();
    let missing: Vec<_> = documented.difference(&typed).collect();
    assert!(
        missing.is_empty(),
        "operations with a documented answer but no entry in TYPED: {missing:?}"
    );
    let extra: Vec<_> = typed.difference(&documented).collect();
    assert!(
        extra.is_empty(),
        "entries of TYPED without a documented answer: {extra:?}"
    );

    for typed in TYPED {
        let example = ops_fixture(typed.id);
        let back = (typed.round_trip)(&example);
        let mut expected = example.clone();
        for pointer in typed.dropped {
            drop_empty(&mut expected, pointer, typed.id);
            assert!(
                back.pointer(pointer).is_none(),
                "{}: {pointer} is listed as dropped but is serialized",
                typed.id
            );
        }
        assert_eq!(
            numbers_as_f64(&back),
            numbers_as_f64(&expected),
            "{}: the decoded example does not serialize back to the example",
            typed.id
        );
    }
}

#[test]
fn the_documented_error_decodes_and_is_the_mock_example() {
    let spec = spec();
    let example = spec
        .pointer("/components/responses/ApiError/content/application~1json/example")
        .expect("the spec documents an error example")
        .clone();
    let decoded: sip_client::ErrorEnvelope = serde_json::from_value(example.clone()).unwrap();
    assert_eq!(decoded, sip_client::mock::examples::api_error());
    assert_eq!(decoded.errors.len(), 1);
    assert_eq!(decoded.errors[0].error, sip_client::SIP_NOT_ENABLED);
    assert_eq!(
        decoded.errors[0].message.as_deref(),
        Some("SIP is not enabled for this organization")
    );
    // `data: null` decodes into `None` and is then skipped: the only difference.
    assert_eq!(decoded.data, None);
    let mut expected = example;
    drop_empty(&mut expected, "/data", "api_error");
    assert_eq!(serde_json::to_value(&decoded).unwrap(), expected);
}

#[test]
fn every_request_example_is_its_fixture() {
    let names = ops_fixture_names();
    let mut problems = Vec::new();
    let mut with_example = BTreeSet::new();
    for op in spec_operations() {
        let name = format!("request_{}", op.id);
        match op.request_example() {
            Some(example) => {
                with_example.insert(name.clone());
                if !names.contains(&name) {
                    problems.push(format!(
                        "{}: the spec documents a request example but \
                         tests/fixtures/ops/{name}.json is missing",
                        op.id
                    ));
                } else if ops_fixture(&name) != *example {
                    problems.push(format!(
                        "{}: tests/fixtures/ops/{name}.json is not the spec's request example",
                        op.id
                    ));
                }
            }
            None if names.contains(&name) => problems.push(format!(
                "{}: tests/fixtures/ops/{name}.json exists but the spec has no request example",
                op.id
            )),
            None => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let requests: BTreeSet<String> = names
        .into_iter()
        .filter(|name| name.starts_with("request_"))
        .collect();
    assert_eq!(requests, with_example);
    assert_eq!(
        with_example.into_iter().collect::<Vec<_>>(),
        [
            "request_detach_sip",
            "request_send_test_call",
            "request_update_sip"
        ]
    );
}

/// Operations with a request body whose documented request example is not the spec's
/// example, each for the reason `openapi/README.md` gives (cut off, placeholders, a curl
/// upload).
const REQUEST_EXAMPLES_LEFT_OUT: &[&str] = &[
    "attach_sip",
    "discover_sip_endpoint",
    "initiate_port",
    "upload_port_document",
];

/// The section of `openapi/README.md` that says which documented examples are not the spec's.
const EXAMPLES_SECTION: &str = "## Documented examples that are not the spec's examples";

#[test]
fn every_request_body_without_an_example_is_named_in_the_readme() {
    let readme = std::fs::read_to_string(workspace_root().join("openapi").join("README.md"))
        .expect("read openapi/README.md");
    let section = readme
        .split_once(EXAMPLES_SECTION)
        .map(|(_, rest)| rest.split("\n## ").next().unwrap_or(rest))
        .unwrap_or_else(|| panic!("openapi/README.md has no section {EXAMPLES_SECTION:?}"));
    let mut left_out = BTreeSet::new();
    for op in spec_operations() {
        let Some(content) = op.definition.pointer("/requestBody/content") else {
            continue;
        };
        let content = content
            .as_object()
            .expect("a request body's content is a map");
        let documented = content
            .values()
            .any(|media| media.get("example").is_some() || media.get("examples").is_some());
        if !documented {
            left_out.insert(op.id.clone());
        }
    }
    assert_eq!(
        left_out.iter().map(String::as_str).collect::<Vec<_>>(),
        REQUEST_EXAMPLES_LEFT_OUT,
        "the request bodies without an example in the spec"
    );
    let unexplained: Vec<_> = REQUEST_EXAMPLES_LEFT_OUT
        .iter()
        .filter(|id| !section.contains(&format!("- `{id}`:")))
        .collect();
    assert!(
        unexplained.is_empty(),
        "request examples left out without a note in openapi/README.md ({EXAMPLES_SECTION}): \
         {unexplained:?}"
    );
}

/// The one request a test server received, asserted to be the only one.
fn only_request(server: &TestServer) -> RecordedRequest {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "exactly one request was sent");
    requests.into_iter().next().unwrap()
}

fn json_body(request: &RecordedRequest) -> Value {
    assert_eq!(request.header("content-type"), Some("application/json"));
    serde_json::from_slice(&request.body).expect("the body is JSON")
}

async fn server_answering(id: &str) -> TestServer {
    let body = if id == "detach_sip" {
        DETACH_ANSWER.as_bytes().to_vec()
    } else {
        fixture(&format!("ops/{id}.json"))
    };
    TestServer::always(Reply::json(200, body)).await
}

fn client_of(server: &TestServer) -> Client {
    client_for(server).build().expect("test client builds")
}

/// Sends the request example of `id` through the client, as its typed body; returns the
/// example and the body the server received.
async fn send_request_example(id: &str) -> (Value, Value) {
    let example = ops_fixture(&format!("request_{id}"));
    let server = server_answering(id).await;
    let client = client_of(&server);
    match id {
        "update_sip" => {
            let body: sip_client::SipUpdateRequest =
                serde_json::from_value(example.clone()).expect("decodes into SipUpdateRequest");
            client.update_sip(body).await.expect("sent and answered");
        }
        "detach_sip" => {
            let body: sip_client::SipDetachRequest =
                serde_json::from_value(example.clone()).expect("decodes into SipDetachRequest");
            client.detach_sip(body).await.expect("sent and answered");
        }
        "send_test_call" => {
            let body: sip_client::TestCallRequest =
                serde_json::from_value(example.clone()).expect("decodes into TestCallRequest");
            client
                .send_test_call(body)
                .await
                .expect("sent and answered");
        }
        other => panic!(
            "{other}: the spec has a request example but this test does not know its body type"
        ),
    }
    let request = only_request(&server);
    (example, json_body(&request))
}

#[tokio::test]
async fn every_request_example_passes_the_checks_and_goes_on_the_wire_unchanged() {
    for op in spec_operations() {
        if op.request_example().is_none() {
            continue;
        }
        let (example, sent) = send_request_example(&op.id).await;
        assert_eq!(sent, example, "{}: the wire body is not the example", op.id);
    }
}

#[test]
fn the_update_example_built_with_the_builders_is_the_documented_request() {
    let options = sip_client::SipOptions::builder()
        .port(5061u16)
        .transport(Transport::Tls)
        .secure_media(true)
        .extra(serde_json::Map::new())
        .build()
        .unwrap();
    let updates = sip_client::SipDirectionConfig::builder()
        .type_(Direction::Outbound)
        .sip_endpoint("sip:new.provider.com".to_owned())
        .options(options)
        .build()
        .unwrap();
    let body = sip_client::SipUpdateRequest::builder()
        .phone_number("+14150000000".parse::<PhoneNumber>().unwrap())
        .updates(updates)
        .build()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        ops_fixture("request_update_sip")
    );
}

#[test]
fn sip_options_build_without_setting_the_unknown_keys() {
    // Decoding gives an empty `extra` when there are no unknown keys; the builder should
    // too, as a caller has no unknown keys to set.
    let options = sip_client::SipOptions::builder()
        .port(5061u16)
        .transport(Transport::Tls)
        .secure_media(true)
        .build();
    let options = options.expect("SipOptions builds from its documented fields alone");
    assert!(options.extra.is_empty());
}

// One test per operation, through the front door, against the operation's fixture.

fn number() -> PhoneNumber {
    "+14150000000".parse().unwrap()
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

fn assert_target(request: &RecordedRequest, method: &str, target: &str) {
    assert_eq!(request.method, method);
    assert_eq!(request.target, target);
}

#[tokio::test]
async fn attach_sip_returns_the_configured_numbers() {
    let server = server_answering("attach_sip").await;
    let client = client_of(&server);
    let outbound = sip_client::SipDirectionConfig::builder()
        .type_(Direction::Outbound)
        .sip_endpoint("sip:trunk.provider.com".to_owned())
        .build()
        .unwrap();
    let answer = client
        .attach_sip(
            sip_client::SipAttachRequest::builder()
                .phone_numbers(vec![
                    "+14150000001".to_owned(),
                    "+14150000002".to_owned(),
                    "+14150000003".to_owned(),
                ])
                .directions(vec![outbound]),
        )
        .await
        .unwrap();
    assert_eq!(
        answer.data.configured,
        ["+14150000001", "+14150000002", "+14150000003"]
    );
    assert!(answer.data.failed.is_empty());
    assert!(answer.data.register_password_for_pbx.is_none());
    assert!(answer.register_password_for_pbx.is_none());
    assert_eq!(answer.errors, None);
    let request = only_request(&server);
    assert_target(&request, "POST", "/v1/sip/attach");
    assert_eq!(
        json_body(&request)["phone_numbers"],
        json!(["+14150000001", "+14150000002", "+14150000003"])
    );
}

#[tokio::test]
async fn cancel_port_request_returns_canceled() {
    let server = server_answering("cancel_port_request").await;
    let client = client_of(&server);
    let answer = client.cancel_port_request("port_xyz789").await.unwrap();
    assert!(answer.canceled);
    let request = only_request(&server);
    assert_target(&request, "DELETE", "/v1/sip/port/port_xyz789");
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn check_port_eligibility_returns_one_result_per_number() {
    let server = server_answering("check_port_eligibility").await;
    let client = client_of(&server);
    let numbers: Vec<PhoneNumber> = vec![
        "+14150000000".parse().unwrap(),
        "+14150000001".parse().unwrap(),
    ];
    let answer = client.check_port_eligibility(&numbers).await.unwrap();
    assert_eq!(answer.results.len(), 2);
    let (first, second) = (&answer.results[0], &answer.results[1]);
    assert_eq!(first.phone_number, "+14150000000");
    assert!(first.portable);
    assert_eq!(first.number_type, NumberType::Landline);
    assert!(!first.pin_required);
    assert_eq!(second.phone_number, "+14150000001");
    assert!(second.portable);
    assert_eq!(second.number_type, NumberType::Mobile);
    assert!(second.pin_required);
    assert_target(
        &only_request(&server),
        "GET",
        "/v1/sip/port/check?phone_numbers%5B%5D=%2B14150000000&phone_numbers%5B%5D=%2B14150000001",
    );
}

/// The detach of the documented request: the outbound direction of [`number`].
fn detach_outbound() -> sip_client::builders::SipDetachRequest {
    let selector = sip_client::SipDirectionSelector::builder()
        .type_(Direction::Outbound)
        .build()
        .unwrap();
    sip_client::SipDetachRequest::builder()
        .phone_number(number())
        .directions(vec![selector])
}

#[tokio::test]
async fn detach_sip_reads_an_envelope_without_data() {
    let server = server_answering("detach_sip").await;
    let client = client_of(&server);
    let answer = client.detach_sip(detach_outbound()).await.unwrap();
    assert_eq!(answer, None);
    let request = only_request(&server);
    assert_target(&request, "POST", "/v1/sip/detach");
    assert_eq!(json_body(&request), ops_fixture("request_detach_sip"));
}

/// Bland documents no body for detach: an empty 200 or a 204 is its success, while an
/// empty body where `data` is required stays a typed decode error naming `data`.
#[tokio::test]
async fn an_empty_success_body_is_a_detach_and_not_a_configuration() {
    for status in [200, 204] {
        let server = TestServer::always(Reply::Respond {
            status,
            headers: vec![],
            body: vec![],
        })
        .await;
        let client = client_of(&server);
        let data = client
            .detach_sip(detach_outbound())
            .await
            .unwrap_or_else(|err| panic!("{status}: {err}"));
        assert_eq!(data, None, "{status}");
        assert_eq!(server.request_count(), 1);

        let err = client.get_sip_config(number()).await.unwrap_err();
        match &err {
            sip_client::Error::Decode(decode) => {
                assert_eq!(decode.path, ".", "{err}");
                assert!(decode.message.contains("missing field `data`"), "{err}");
                assert!(decode.body.is_empty(), "the body as it came: {err}");
            }
            other => panic!("{status}: {other}"),
        }
    }
}

#[tokio::test]
async fn discover_sip_endpoint_returns_the_probes_and_the_recommendation() {
    let server = server_answering("discover_sip_endpoint").await;
    let client = client_of(&server);
    let answer = client
        .discover_sip_endpoint(sip_client::DiscoveryRequest::builder().host("sip.example.com"))
        .await
        .unwrap();
    assert_eq!(answer.discovery_id, "disc_abc123");
    assert_eq!(answer.status, DiscoveryStatus::Completed);
    assert_eq!(answer.host, "sip.example.com");
    assert_eq!(answer.resolved_addresses, ["203.0.113.10"]);
    assert!(answer.srv_records.is_empty());
    assert_eq!(answer.attempts.len(), 1);
    let attempt = &answer.attempts[0];
    assert_eq!(attempt.port, 5060);
    assert_eq!(attempt.transport, Transport::Udp);
    assert_eq!(attempt.response_time_ms, Some(45.0));
    assert_eq!(attempt.response_code, Some(200.0));
    assert_eq!(attempt.user_agent.as_deref(), Some("Asterisk PBX 18.0.0"));
    let recommended = answer.recommended.as_ref().expect("a recommendation");
    assert_eq!(recommended.port, Some(5060));
    assert_eq!(recommended.transport, Some(Transport::Udp));
    assert_eq!(recommended.detected_system.as_deref(), Some("Asterisk"));
    assert_eq!(recommended.codecs, ["PCMU", "PCMA", "G.722"]);
    assert_eq!(
        recommended.methods,
        ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS"]
    );
    assert!(recommended.extra.is_empty());
    assert_eq!(answer.started_at, Some(at("2026-03-09T12:00:00Z")));
    assert_eq!(answer.completed_at, Some(at("2026-03-09T12:00:05Z")));
    let request = only_request(&server);
    assert_target(&request, "POST", "/v1/sip/discover");
    assert_eq!(json_body(&request), json!({"host": "sip.example.com"}));
}

#[tokio::test]
async fn get_firewall_ips_returns_the_addresses_and_ports() {
    let server = server_answering("get_firewall_ips").await;
    let client = client_of(&server);
    let answer = client.get_firewall_ips().await.unwrap();
    assert_eq!(
        answer.ip_addresses,
        ["35.80.235.26", "54.189.4.67", "100.20.173.20", "..."]
    );
    assert_eq!(answer.ports.sip, "5061 TLS");
    assert_eq!(answer.ports.rtp, "10000-20000 UDP");
    assert_target(&only_request(&server), "GET", "/v1/sip/firewall-ips");
}

#[tokio::test]
async fn get_outbound_setup_returns_the_server_and_instructions() {
    let server = server_answering("get_outbound_setup").await;
    let client = client_of(&server);
    let answer = client.get_outbound_setup().await.unwrap();
    assert_eq!(answer.sip_server, "us1.sip.bland.ai");
    assert_eq!(answer.port, 5061);
    assert!(
        answer
            .instructions
            .starts_with("Configure your PBX to send SIP INVITE requests to us1.sip.bland.ai:5061")
    );
    assert!(answer.credentials.is_none());
    assert_target(&only_request(&server), "GET", "/v1/sip/outbound-setup");
}

#[tokio::test]
async fn get_sip_config_returns_both_directions() {
    let server = server_answering("get_sip_config").await;
    let client = client_of(&server);
    let answer = client.get_sip_config(number()).await.unwrap();
    let inbound = answer.inbound.as_ref().expect("an inbound configuration");
    assert_eq!(inbound.id, "abc123");
    assert_eq!(inbound.number, "+14150000000");
    assert_eq!(inbound.org_id, "org_456");
    assert_eq!(inbound.direction, Direction::Inbound);
    assert_eq!(inbound.sip_endpoint, None);
    assert_eq!(inbound.headers, None);
    assert_eq!(inbound.created_at, at("2026-03-09T12:00:00Z"));
    let options = inbound.options.as_ref().expect("inbound options");
    assert_eq!(options.auth_mode, Some(AuthMode::Ip));
    assert_eq!(options.port, None);
    let outbound = answer.outbound.as_ref().expect("an outbound configuration");
    assert_eq!(outbound.id, "def789");
    assert_eq!(outbound.direction, Direction::Outbound);
    assert_eq!(
        outbound.sip_endpoint.as_deref(),
        Some("sip:trunk.provider.com")
    );
    assert_eq!(outbound.updated_at, at("2026-03-09T12:00:00Z"));
    let options = outbound.options.as_ref().expect("outbound options");
    assert_eq!(options.port, Some(5061));
    assert_eq!(options.transport, Some(Transport::Tls));
    assert_eq!(options.secure_media, Some(true));
    assert_eq!(options.auth_mode, None);
    assert!(options.extra.is_empty());
    assert_target(
        &only_request(&server),
        "GET",
        "/v1/sip?phone_number=%2B14150000000",
    );
}

#[tokio::test]
async fn get_sip_status_returns_the_health() {
    let server = server_answering("get_sip_status").await;
    let client = client_of(&server);
    let answer = client.get_sip_status(number()).await.unwrap();
    assert_eq!(answer.status, HealthStatus::Healthy);
    assert_eq!(answer.response_time_ms, Some(42.0));
    assert_eq!(answer.checked_at, at("2026-03-09T12:00:00Z"));
    assert_target(
        &only_request(&server),
        "GET",
        "/v1/sip/status?phone_number=%2B14150000000",
    );
}

#[tokio::test]
async fn get_test_call_status_returns_the_outcome_and_timeline() {
    let server = server_answering("get_test_call_status").await;
    let client = client_of(&server);
    let answer = client.get_test_call_status("tc_abc123").await.unwrap();
    assert_eq!(answer.status, TestCallStatus::Completed);
    assert_eq!(answer.result, TestCallResult::Connected);
    assert_eq!(answer.duration_seconds, Some(8.0));
    let events: Vec<(&str, &str)> = answer
        .timeline
        .iter()
        .map(|event| (event.event.as_str(), event.detail.as_str()))
        .collect();
    assert_eq!(
        events,
        [
            ("initiated", "Call initiated"),
            ("ringing", "Endpoint ringing"),
            ("answered", "Call answered"),
            ("completed", "Call ended"),
        ]
    );
    assert_eq!(answer.timeline[0].at, at("2026-03-09T12:00:00Z"));
    assert_eq!(answer.timeline[3].at, at("2026-03-09T12:00:08Z"));
    assert_target(
        &only_request(&server),
        "GET",
        "/v1/sip/test-call/status?call_id=tc_abc123",
    );
}

#[tokio::test]
async fn initiate_port_returns_the_new_port_request() {
    let server = server_answering("initiate_port").await;
    let client = client_of(&server);
    let carrier = sip_client::LosingCarrierInformation::builder()
        .customer_type(CustomerType::Business)
        .business_name("Acme Corp".to_owned())
        .build()
        .unwrap();
    let answer = client
        .initiate_port(
            sip_client::PortInitiateRequest::builder()
                .phone_numbers(vec![number(), "+14150000001".parse().unwrap()])
                .losing_carrier_information(carrier),
        )
        .await
        .unwrap();
    assert_eq!(answer.port_request_id, "port_xyz789");
    assert_eq!(answer.status, PortRequestStatus::WaitingForSignature);
    assert_eq!(
        answer.signature_url,
        "https://sign.example.com/loa/port_xyz789"
    );
    assert_eq!(answer.phone_numbers, ["+14150000000", "+14150000001"]);
    let request = only_request(&server);
    assert_target(&request, "POST", "/v1/sip/port/initiate");
    assert_eq!(
        json_body(&request),
        json!({
            "phone_numbers": ["+14150000000", "+14150000001"],
            "losing_carrier_information": {
                "customer_type": "business",
                "business_name": "Acme Corp"
            }
        })
    );
}

#[tokio::test]
async fn list_port_requests_returns_each_request_and_number() {
    let server = server_answering("list_port_requests").await;
    let client = client_of(&server);
    let answer = client.list_port_requests().await.unwrap();
    assert_eq!(answer.port_requests.len(), 1);
    let request = &answer.port_requests[0];
    assert_eq!(request.id, "port_xyz789");
    assert_eq!(request.status, PortRequestStatus::InProgress);
    let numbers: Vec<(&str, &str)> = request
        .phone_numbers
        .iter()
        .map(|n| (n.number.as_str(), n.status.as_str()))
        .collect();
    assert_eq!(
        numbers,
        [
            ("+14150000000", "in_progress"),
            ("+14150000001", "in_progress")
        ]
    );
    assert_eq!(request.authorized_rep_email, "jane@acme.com");
    assert_eq!(request.notification_emails, ["it@acme.com"]);
    assert_eq!(request.created_at, at("2026-03-09T12:00:00Z"));
    assert_eq!(request.updated_at, at("2026-03-12T08:00:00Z"));
    assert_target(&only_request(&server), "GET", "/v1/sip/port");
}

#[tokio::test]
async fn list_sip_calls_returns_the_calls() {
    let server = server_answering("list_sip_calls").await;
    let client = client_of(&server);
    let answer = client.list_sip_calls(number()).limit(10).await.unwrap();
    assert_eq!(answer.calls.len(), 1);
    let call = &answer.calls[0];
    assert_eq!(call.call_id, "abc123@sip.bland.ai");
    assert_eq!(call.direction, Direction::Outbound);
    assert_eq!(call.from, "+14150000000");
    assert_eq!(call.to, "+15105551234");
    assert_eq!(call.status, "200 OK");
    assert_eq!(call.sip_code, 200.0);
    assert_eq!(call.duration_seconds, 45.0);
    assert_eq!(call.source_ip, "35.80.235.26");
    assert_eq!(call.started_at, at("2026-03-09T11:00:00Z"));
    assert_eq!(
        (call.ended_at.as_datetime() - call.started_at.as_datetime()).num_seconds(),
        45
    );
    assert_target(
        &only_request(&server),
        "GET",
        "/v1/sip/calls?phone_number=%2B14150000000&limit=10",
    );
}

#[tokio::test]
async fn list_sip_numbers_returns_each_number() {
    let server = server_answering("list_sip_numbers").await;
    let client = client_of(&server);
    let answer = client.list_sip_numbers().await.unwrap();
    assert_eq!(answer.numbers.len(), 2);
    let (both, inbound_only) = (&answer.numbers[0], &answer.numbers[1]);
    assert_eq!(both.phone_number, "+14150000000");
    assert_eq!(both.directions, [Direction::Inbound, Direction::Outbound]);
    assert_eq!(both.sip_endpoint.as_deref(), Some("sip:trunk.provider.com"));
    assert_eq!(both.health_status, HealthStatus::Healthy);
    assert_eq!(inbound_only.phone_number, "+14150000001");
    assert_eq!(inbound_only.directions, [Direction::Inbound]);
    assert_eq!(inbound_only.sip_endpoint, None);
    assert_eq!(inbound_only.health_status, HealthStatus::Unchecked);
    assert_target(&only_request(&server), "GET", "/v1/sip/numbers");
}

#[tokio::test]
async fn send_test_call_returns_the_call_id() {
    let server = server_answering("send_test_call").await;
    let client = client_of(&server);
    let answer = client
        .send_test_call(sip_client::TestCallRequest::builder().phone_number(number()))
        .await
        .unwrap();
    assert_eq!(answer.call_id, "tc_abc123");
    assert_eq!(answer.message, "Test call initiated");
    let request = only_request(&server);
    assert_target(&request, "POST", "/v1/sip/test-call");
    assert_eq!(json_body(&request), ops_fixture("request_send_test_call"));
}

#[tokio::test]
async fn update_sip_returns_the_pbx_password() {
    let server = server_answering("update_sip").await;
    let client = client_of(&server);
    let body: sip_client::SipUpdateRequest =
        serde_json::from_value(ops_fixture("request_update_sip")).unwrap();
    let answer = client.update_sip(body).await.unwrap();
    let password = answer
        .register_password_for_pbx
        .as_ref()
        .expect("the documented answer carries the PBX password");
    assert_eq!(password.expose(), "<string>");
    assert!(answer.extra.is_empty());
    assert_target(&only_request(&server), "POST", "/v1/sip/update");
}

#[tokio::test]
async fn upload_port_document_returns_the_document_sid() {
    let server = server_answering("upload_port_document").await;
    let client = client_of(&server);
    let answer = client
        .upload_port_document(Upload::new("utility-bill.pdf", &b"%PDF-1.7\n%%EOF\n"[..]))
        .await
        .unwrap();
    assert_eq!(answer.document_sid, "doc_abc123");
    let request = only_request(&server);
    assert_target(&request, "POST", "/v1/sip/port/document");
    let content_type = request.header("content-type").expect("a content type");
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(&request.body);
    assert!(body.contains(
        "Content-Disposition: form-data; name=\"file\"; filename=\"utility-bill.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.7\n%%EOF\n\r\n"
    ));
}

#[test]
fn every_operation_has_a_front_door_test_here() {
    // The per-operation tests above, by operation: a new operation of the spec fails here
    // until it has one.
    const TESTED: &[&str] = &[
        "attach_sip",
        "cancel_port_request",
        "check_port_eligibility",
        "detach_sip",
        "discover_sip_endpoint",
        "get_firewall_ips",
        "get_outbound_setup",
        "get_sip_config",
        "get_sip_status",
        "get_test_call_status",
        "initiate_port",
        "list_port_requests",
        "list_sip_calls",
        "list_sip_numbers",
        "send_test_call",
        "update_sip",
        "upload_port_document",
    ];
    let ids: Vec<String> = spec_operations().into_iter().map(|op| op.id).collect();
    assert_eq!(ids, TESTED);
}

#[tokio::test]
async fn detach_sip_keeps_an_undocumented_answer() {
    // Bland documents no answer for detach: whatever `data` comes is kept, not refused.
    let server =
        TestServer::always(Reply::json(200, r#"{"data":{"detached":["outbound"]}}"#)).await;
    let client = client_of(&server);
    let selector = sip_client::SipDirectionSelector::builder()
        .type_(Direction::Outbound)
        .build()
        .unwrap();
    let answer = client
        .detach_sip(
            sip_client::SipDetachRequest::builder()
                .phone_number(number())
                .directions(vec![selector]),
        )
        .await;
    match answer {
        Ok(data) => assert_eq!(data, Some(json!({"detached": ["outbound"]}))),
        Err(Error::Decode(err)) => panic!("an undocumented detach answer is refused: {err}"),
        Err(err) => panic!("{err}"),
    }
}
