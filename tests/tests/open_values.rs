//! What Bland may add to the SIP family's answers later, kept by the client: a value of an
//! open enum that this version does not know decodes into `Unknown` with its text, a key of
//! `recommended` (a discovery's recommendation, `additionalProperties: {}` in the spec) that
//! it does not know lands in the `extra` map, and both serialize back as they came.
//!
//! The discovery goes through the front door against the recording server; the other enums
//! are decoded from their answer envelopes with serde, as the client decodes them.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sip_client::{
    DiscoveryRequest, DiscoveryStatus, HealthStatus, SipNumbersEnvelope, SipStatusEnvelope,
    TestCallResult, TestCallStatus, TestCallStatusEnvelope, Transport,
};
use sip_client_tests::server::{Reply, TestServer};
use sip_client_tests::{client_for, fixture};

/// The fixture `ops/<id>.json` (the documented answer) as JSON.
fn documented_answer(id: &str) -> Value {
    serde_json::from_slice(&fixture(&format!("ops/{id}.json")))
        .unwrap_or_else(|err| panic!("fixture ops/{id}.json is not JSON: {err}"))
}

/// `answer` with the value at `pointer` replaced by `value`.
fn with(mut answer: Value, pointer: &str, value: Value) -> Value {
    *answer
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the answer has no {pointer}")) = value;
    answer
}

/// Decodes `answer` into `T`, serializes it back and decodes that again: the second decoding
/// must equal the first. Returns the decoded value and its serialization.
fn round_trip<T>(answer: &Value) -> (T, Value)
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let decoded: T = serde_json::from_value(answer.clone())
        .unwrap_or_else(|err| panic!("the answer does not decode: {err}\n{answer:#}"));
    let serialized = serde_json::to_value(&decoded).expect("a decoded answer serializes");
    let again: T = serde_json::from_value(serialized.clone()).expect("its serialization decodes");
    assert_eq!(again, decoded, "the value changed on a round trip");
    (decoded, serialized)
}

/// A discovery answer as DIS documents it, but with a status and recommendation keys that
/// no page lists. Numbers are written as the client writes them back (`f64` fields as
/// `45.0`), so that the whole `data` can be compared after a round trip.
fn discovery_with_additions() -> Value {
    json!({
        "data": {
            "discovery_id": "disc_abc123",
            "status": "timed_out",
            "host": "sip.example.com",
            "resolved_addresses": ["203.0.113.10"],
            "attempts": [{
                "port": 5060,
                "transport": "udp",
                "response_time_ms": 45.0,
                "response_code": 200.0,
                "user_agent": "Asterisk PBX 18.0.0"
            }],
            "recommended": {
                "port": 5060,
                "transport": "udp",
                "detected_system": "Asterisk",
                "codecs": ["PCMU", "PCMA"],
                "methods": ["INVITE", "OPTIONS"],
                "nat_detected": true,
                "tls": {"supported": false, "versions": []},
                "dtmf_modes": ["rfc2833", "info"]
            },
            "started_at": "2026-03-09T12:00:00Z",
            "completed_at": "2026-03-09T12:00:05Z"
        },
        "errors": null
    })
}

#[tokio::test]
async fn a_discovery_keeps_an_unknown_status_and_unknown_recommendation_keys() {
    let answer = discovery_with_additions();
    let server = TestServer::always(Reply::json(200, answer.to_string())).await;
    let client = client_for(&server).build().expect("test client builds");
    let data = client
        .discover_sip_endpoint(DiscoveryRequest::builder().host("sip.example.com"))
        .await
        .expect("an answer with additions is a success");
    assert_eq!(server.request_count(), 1);

    assert_eq!(
        data.status,
        DiscoveryStatus::Unknown("timed_out".to_owned())
    );
    assert!(data.status.is_unknown());
    assert_eq!(data.status.as_str(), "timed_out");

    let recommended = data.recommended.as_ref().expect("a recommendation");
    // The documented keys still land in their fields, not in `extra`.
    assert_eq!(recommended.port, Some(5060));
    assert_eq!(recommended.transport, Some(Transport::Udp));
    assert_eq!(recommended.detected_system.as_deref(), Some("Asterisk"));
    assert_eq!(recommended.codecs, ["PCMU", "PCMA"]);
    assert_eq!(recommended.methods, ["INVITE", "OPTIONS"]);
    assert_eq!(
        Value::Object(recommended.extra.clone()),
        json!({
            "nat_detected": true,
            "tls": {"supported": false, "versions": []},
            "dtmf_modes": ["rfc2833", "info"]
        }),
        "exactly the undocumented keys are kept, with their values"
    );

    // Serialized back, the data is what Bland sent: the unknown status as its text, the
    // unknown keys at their place in `recommended`.
    let serialized = serde_json::to_value(&data).expect("the data serializes");
    assert_eq!(serialized, answer["data"]);
    let again: sip_client::DiscoveryData =
        serde_json::from_value(serialized).expect("the serialized data decodes");
    assert_eq!(again, data);
}

#[test]
fn an_unknown_health_status_is_kept_in_the_status_and_numbers_answers() {
    let status = with(
        documented_answer("get_sip_status"),
        "/data/status",
        json!("degraded"),
    );
    let (decoded, serialized) = round_trip::<SipStatusEnvelope>(&status);
    assert_eq!(
        decoded.data.status,
        HealthStatus::Unknown("degraded".to_owned())
    );
    assert_eq!(serialized["data"]["status"], "degraded");

    let numbers = with(
        documented_answer("list_sip_numbers"),
        "/data/numbers/1/health_status",
        json!("maintenance"),
    );
    let (decoded, serialized) = round_trip::<SipNumbersEnvelope>(&numbers);
    assert_eq!(decoded.data.numbers[0].health_status, HealthStatus::Healthy);
    assert_eq!(
        decoded.data.numbers[1].health_status,
        HealthStatus::Unknown("maintenance".to_owned())
    );
    assert_eq!(
        serialized["data"]["numbers"][1]["health_status"],
        "maintenance"
    );
}

#[test]
fn an_unknown_test_call_status_and_result_are_kept() {
    let answer = with(
        with(
            documented_answer("get_test_call_status"),
            "/data/status",
            json!("canceled"),
        ),
        "/data/result",
        json!("voicemail"),
    );
    let (decoded, serialized) = round_trip::<TestCallStatusEnvelope>(&answer);
    assert_eq!(
        decoded.data.status,
        TestCallStatus::Unknown("canceled".to_owned())
    );
    assert_eq!(
        decoded.data.result,
        TestCallResult::Unknown("voicemail".to_owned())
    );
    assert_eq!(serialized["data"]["status"], "canceled");
    assert_eq!(serialized["data"]["result"], "voicemail");

    // TCS spells `no-answer` in the status and `no_answer` in the result (§17.10): each
    // enum knows only its page's spelling, and keeps the other one as an unknown value
    // rather than folding it into `NoAnswer`.
    let swapped = with(
        with(answer, "/data/status", json!("no_answer")),
        "/data/result",
        json!("no-answer"),
    );
    let (decoded, serialized) = round_trip::<TestCallStatusEnvelope>(&swapped);
    assert_eq!(
        decoded.data.status,
        TestCallStatus::Unknown("no_answer".to_owned())
    );
    assert_eq!(
        decoded.data.result,
        TestCallResult::Unknown("no-answer".to_owned())
    );
    assert_eq!(serialized["data"]["status"], "no_answer");
    assert_eq!(serialized["data"]["result"], "no-answer");
}
