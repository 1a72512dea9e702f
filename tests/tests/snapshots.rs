//! The reviewer's view: what goes on the wire, what comes back decoded, and what each
//! failure looks like. One small snapshot per case, in `snapshots/`, named after the case.
//!
//! Review changes with `cargo insta review`. Ports, the API key and the crate version are
//! redacted so that snapshots do not change from run to run or release to release.

use std::time::Duration;

use serde_json::{Value, json};
use sip_client::{Client, Error, PhoneNumber};
use sip_client_tests::server::{Reply, TestServer};
use sip_client_tests::{TEST_API_KEY, client_for, error_for, fixture, request_view};

fn number() -> PhoneNumber {
    "+14150000000".parse().unwrap()
}

/// Snapshot settings shared by every test here: the port of the test server and the crate
/// version are replaced by placeholders wherever they appear.
fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[port]");
    settings.add_filter(
        r"sip-client/\d+\.\d+\.\d+(\+[0-9A-Za-z.-]+)?",
        "sip-client/[version]",
    );
    settings.set_prepend_module_to_snapshot(false);
    settings
}

async fn request_with(
    builder: impl FnOnce(sip_client::ClientBuilder) -> sip_client::ClientBuilder,
) -> String {
    let server = TestServer::always(Reply::json(200, fixture("seed_example.json"))).await;
    let client = builder(client_for(&server)).build().unwrap();
    client.get_sip_config(number()).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    request_view(&requests[0])
}

#[tokio::test]
async fn request_raw_key() {
    let view = request_with(|b| b).await;
    assert!(
        view.contains("authorization: [api-key]\n"),
        "the key was redacted"
    );
    settings().bind(|| sip_client_tests::assert_snapshot!("request_raw_key", view));
}

#[tokio::test]
async fn request_bearer_key() {
    let view = request_with(|b| b.bearer_auth()).await;
    settings().bind(|| sip_client_tests::assert_snapshot!("request_bearer_key", view));
}

#[tokio::test]
async fn request_custom_user_agent() {
    let user_agent = format!("{} billing-audit/2.1", sip_client::DEFAULT_USER_AGENT);
    let view = request_with(move |b| b.user_agent(user_agent)).await;
    settings().bind(|| sip_client_tests::assert_snapshot!("request_custom_user_agent", view));
}

async fn decoded(fixture_name: &str) -> sip_client::SipConfigData {
    let server = TestServer::always(Reply::json(200, fixture(fixture_name))).await;
    let client = client_for(&server).build().unwrap();
    client.get_sip_config(number()).await.unwrap()
}

macro_rules! response_snapshots {
    ($($case:ident),+ $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let data = decoded(concat!(stringify!($case), ".json")).await;
                settings().bind(|| {
                    sip_client_tests::assert_debug_snapshot!(concat!("response_", stringify!($case)), data)
                });
            }
        )+
    };
}

response_snapshots!(
    seed_example,
    inbound_only,
    outbound_only,
    neither,
    register_auth,
    headers_mapping,
    unknown_option_keys,
    unknown_enum_values,
    timestamps,
);

/// An error as a reviewer reads it: its kind, status, whether it is retryable, its
/// message, and what it keeps.
fn error_view(err: &Error) -> Value {
    let details = match err {
        Error::Api(api) => json!({
            "errors": api.errors,
            "retry_after_secs": api.retry_after.map(|d| d.as_secs()),
            "attempts": api.attempts,
        }),
        Error::UnexpectedResponse(unexpected) => json!({
            "content_type": unexpected.content_type,
            "body_prefix": String::from_utf8_lossy(&unexpected.body_prefix),
            "body_len": unexpected.body_len,
            "attempts": unexpected.attempts,
        }),
        Error::Decode(decode) => json!({
            "path": decode.path,
            "message": decode.message,
            "body_len": decode.body.len(),
        }),
        Error::Transport(transport) => json!({
            "kind": format!("{:?}", transport.kind),
            "attempts": transport.attempts,
        }),
        Error::BodyTooLarge { limit, .. } => json!({ "limit": limit }),
        Error::InvalidInput(input) => json!({
            "field": input.field,
            "problem": format!("{:?}", input.problem),
        }),
        other => json!({ "debug": format!("{other:?}") }),
    };
    let variant = format!("{err:?}");
    let variant = variant.split(['(', ' ', '{']).next().unwrap_or_default();
    // The causes below the error's own layer, as `source()` gives them.
    let mut causes = Vec::new();
    let mut cause = std::error::Error::source(err);
    while let Some(source) = cause {
        causes.push(source.to_string());
        cause = source.source();
    }
    json!({
        "variant": variant,
        "status": err.status().map(|s| s.as_u16()),
        "retryable": err.is_retryable(),
        "display": err.to_string(),
        "causes": causes,
        "details": details,
    })
}

fn assert_error_snapshot(name: &str, err: &Error) {
    let view = error_view(err);
    settings().bind(|| sip_client_tests::assert_yaml_snapshot!(name, view));
}

macro_rules! json_error_snapshots {
    ($($name:ident: $status:literal, $fixture:literal;)+) => {
        $(
            #[tokio::test]
            async fn $name() {
                let err = error_for(Reply::json($status, fixture($fixture)), |b| b).await;
                assert_error_snapshot(stringify!($name), &err);
            }
        )+
    };
}

json_error_snapshots! {
    error_400_sip_not_enabled: 400, "sip_not_enabled.json";
    error_401_unauthorized: 401, "unauthorized.json";
    error_403_forbidden: 403, "forbidden.json";
    error_404_not_found: 404, "not_found.json";
    error_500_json_envelope: 500, "server_error.json";
    error_200_invalid_json: 200, "invalid_json.txt";
    error_200_wrong_type: 200, "wrong_type.json";
}

#[tokio::test]
async fn error_429_retry_after() {
    let reply = Reply::json(429, fixture("rate_limited.json")).with_header("retry-after", "30");
    let err = error_for(reply, |b| b).await;
    assert_error_snapshot("error_429_retry_after", &err);
}

#[tokio::test]
async fn error_502_html() {
    let reply = Reply::Respond {
        status: 502,
        headers: vec![("content-type".into(), "text/html".into())],
        body: fixture("bad_gateway.html"),
    };
    let err = error_for(reply, |b| b).await;
    assert_error_snapshot("error_502_html", &err);
}

#[tokio::test]
async fn error_503_after_retries() {
    let reply = Reply::json(503, fixture("server_error.json"));
    let err = error_for(reply, |b| b.max_retries(2)).await;
    assert_error_snapshot("error_503_after_retries", &err);
}

#[tokio::test]
async fn error_truncated_body() {
    let seed = fixture("seed_example.json");
    let reply = Reply::Truncated {
        status: 200,
        declared_len: seed.len(),
        body: seed[..120].to_vec(),
    };
    let err = error_for(reply, |b| b).await;
    assert_error_snapshot("error_truncated_body", &err);
}

#[tokio::test]
async fn error_closed_connection() {
    let err = error_for(Reply::Close, |b| b).await;
    assert_error_snapshot("error_closed_connection", &err);
}

#[tokio::test]
async fn error_timeout() {
    let reply = Reply::Stall(Duration::from_secs(5));
    let err = error_for(reply, |b| b.timeout(Duration::from_millis(200))).await;
    assert_error_snapshot("error_timeout", &err);
}

#[tokio::test]
async fn error_body_too_large() {
    let reply = Reply::json(200, vec![b' '; 2048]);
    let err = error_for(reply, |b| b.max_body_size(1024)).await;
    assert_error_snapshot("error_body_too_large", &err);
}

#[tokio::test]
async fn error_invalid_phone_number() {
    let server = TestServer::always(Reply::json(200, fixture("seed_example.json"))).await;
    let client = client_for(&server).build().unwrap();
    let err = client
        .get_sip_config(String::from("+1 (415) 000-0000"))
        .await
        .unwrap_err();
    assert_eq!(server.request_count(), 0);
    assert_error_snapshot("error_invalid_phone_number", &err);
}

#[test]
fn json_schema_of_accepted_responses() {
    // What the client accepts, as JSON Schema: a change of any generated type shows here.
    let success = schemars::schema_for!(sip_client::SipConfigEnvelope);
    let failure = schemars::schema_for!(sip_client::ErrorEnvelope);
    settings().bind(|| {
        sip_client_tests::assert_json_snapshot!("json_schema_sip_config_envelope", success);
        sip_client_tests::assert_json_snapshot!("json_schema_error_envelope", failure);
    });
}

#[test]
fn json_schema_of_hand_written_types() {
    // The types written by hand describe themselves too (the generated ones above take
    // theirs from the spec): a change to what one accepts shows here.
    let schemas = json!({
        "PhoneNumber": schemars::schema_for!(sip_client::PhoneNumber),
        "Timestamp": schemars::schema_for!(sip_client::Timestamp),
        "SipSecret": schemars::schema_for!(sip_client::SipSecret),
        "SipCredentials": schemars::schema_for!(sip_client::SipCredentials),
        "AuthMode (an open enum)": schemars::schema_for!(sip_client::AuthMode),
    });
    settings().bind(|| {
        sip_client_tests::assert_json_snapshot!("json_schema_hand_written_types", schemas)
    });
}

/// Whether the JSON Schema of `PhoneNumber` accepts `input`.
fn phone_schema_accepts(schema: &Value, input: &str) -> bool {
    let pattern = regex::Regex::new(schema["pattern"].as_str().unwrap()).unwrap();
    let length = input.chars().count() as u64;
    pattern.is_match(input)
        && schema["minLength"].as_u64().is_none_or(|min| length >= min)
        && schema["maxLength"].as_u64().is_none_or(|max| length <= max)
}

#[test]
fn phone_number_schema_accepts_exactly_what_the_parser_accepts() {
    // A service that validates with the published schema and one that parses must agree.
    let schema = serde_json::to_value(schemars::schema_for!(PhoneNumber)).unwrap();
    for input in [
        "+1",
        "+14150000000",
        "+123456789012345",
        "+1234567890123456",
        "+0415",
        "14150000000",
        "+1 415",
        "+",
        "",
        "++1",
        "+1\n",
        "+\u{0661}\u{0662}",
    ] {
        assert_eq!(
            phone_schema_accepts(&schema, input),
            PhoneNumber::parse(input).is_ok(),
            "{input:?}"
        );
    }
    proptest::proptest!(|(input in "\\+?[0-9 ]{0,17}")| {
        proptest::prop_assert_eq!(
            phone_schema_accepts(&schema, &input),
            PhoneNumber::parse(&input).is_ok(),
            "{:?}", input
        );
    });
}

#[test]
fn client_debug_redacts_the_key() {
    let client = Client::builder()
        .api_key(TEST_API_KEY)
        .bearer_auth()
        .build()
        .unwrap();
    let view = format!("{client:#?}");
    assert!(!view.contains(TEST_API_KEY));
    settings().bind(|| sip_client_tests::assert_snapshot!("client_debug", view));
}
