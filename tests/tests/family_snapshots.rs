//! The reviewer's view of Bland's SIP family: each operation's request exactly as it goes
//! on the wire (`wire_<operation_id>`), each documented answer as the client decodes it
//! (`decoded_<operation_id>`, `decoded_error_envelope`), and the secrets that must never
//! show.
//!
//! Ports, the crate version, the API key, multipart boundaries and passwords are replaced
//! by placeholders; no snapshot holds the key or a password.

use serde_json::{Value, json};
use sip_client::{
    AuthMode, Client, CustomerType, Direction, HeaderMappingType, PhoneNumber, RegisterAuth,
    SipAttachRequest, SipCredentials, SipDirectionConfig, SipHeaderMapping, SipHeaderMappings,
    SipOptions, SipSecret, SipUpdateRequest, Transport, Upload, to_redacted_json,
};
use sip_client_tests::server::{RecordedRequest, Reply, TestServer};
use sip_client_tests::{TEST_API_KEY, client_for, fixture, spec_text};

/// The register password of the requests built here.
const REGISTER_PASSWORD: &str = "Reg1ster-Pa55word";
/// The SIP password of the requests built here.
const SIP_PASSWORD: &str = "S1p-Pa55word-out";

fn number() -> PhoneNumber {
    "+14150000000".parse().unwrap()
}

/// Snapshot settings: the test server's port and the crate version are placeholders.
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

/// A request as a reviewer reads it: the request line exactly as sent, headers sorted by
/// name, then the body with each line break shown. The key, a multipart boundary and
/// `secrets` are replaced by placeholders; each secret is asserted to be in the body first.
fn wire_view(request: &RecordedRequest, secrets: &[&str]) -> String {
    let body = String::from_utf8(request.body.clone()).expect("the bodies here are text");
    for secret in secrets {
        assert!(body.contains(secret), "the body carries the password");
    }
    let boundary = request
        .header("content-type")
        .and_then(|value| value.strip_prefix("multipart/form-data; boundary="))
        .map(str::to_owned);
    let hide = |text: &str| {
        let mut text = text.replace(TEST_API_KEY, "[api-key]");
        if let Some(boundary) = &boundary {
            text = text.replace(boundary.as_str(), "[boundary]");
        }
        for secret in secrets {
            text = text.replace(secret, "[password]");
        }
        text
    };
    let mut headers = request.headers.clone();
    headers.sort();
    let mut view = format!("{} {}\n", request.method, request.target);
    for (name, value) in headers {
        view.push_str(&format!("{name}: {}\n", hide(&value)));
    }
    view.push('\n');
    if body.is_empty() {
        view.push_str("(no body)\n");
    } else {
        view.push_str(&hide(&body).replace("\r\n", "\\r\\n\n"));
        view.push('\n');
    }
    assert!(!view.contains(TEST_API_KEY));
    for secret in secrets {
        assert!(!view.contains(secret));
    }
    view
}

/// A server answering `id`'s documented answer (detach: an envelope without data), and a
/// client of it.
async fn serve(id: &str) -> (TestServer, Client) {
    let body = if id == "detach_sip" {
        br#"{"data":null,"errors":null}"#.to_vec()
    } else {
        fixture(&format!("ops/{id}.json"))
    };
    let server = TestServer::always(Reply::json(200, body)).await;
    let client = client_for(&server).build().expect("test client builds");
    (server, client)
}

/// Snapshots the one request `server` received as `wire_<id>`.
fn assert_wire(id: &str, server: &TestServer, secrets: &[&str]) {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "exactly one request was sent");
    let view = wire_view(&requests[0], secrets);
    settings().bind(|| sip_client_tests::assert_snapshot!(format!("wire_{id}"), view));
}

fn options(port: u16) -> sip_client::builders::SipOptions {
    SipOptions::builder()
        .port(port)
        .transport(Transport::Tls)
        .secure_media(true)
        .extra(serde_json::Map::new())
}

fn mappings(direction: Direction, key: &str, value: &str) -> SipHeaderMappings {
    let mapping = SipHeaderMapping::builder()
        .type_(HeaderMappingType::Custom)
        .key(key.to_owned())
        .value(value.to_owned())
        .build()
        .unwrap();
    SipHeaderMappings::builder()
        .direction(direction)
        .headers(vec![mapping])
        .build()
        .unwrap()
}

fn register_auth() -> RegisterAuth {
    RegisterAuth::builder()
        .username("pbx-trunk-01".to_owned())
        .password(SipSecret::new(REGISTER_PASSWORD))
        .build()
        .unwrap()
}

/// An inbound direction with every field: registration auth, endpoint, headers, options.
fn inbound_register() -> SipDirectionConfig {
    SipDirectionConfig::builder()
        .type_(Direction::Inbound)
        .auth_mode(AuthMode::Register)
        .register_auth(register_auth())
        .sip_endpoint("sip:pbx.acme.example".to_owned())
        .headers(mappings(Direction::Inbound, "X-Cool-Guy", "First_Name"))
        .options(options(5061).build().unwrap())
        .build()
        .unwrap()
}

/// An outbound direction with every field: endpoint, headers, options with credentials.
fn outbound_full() -> SipDirectionConfig {
    let options = options(5061)
        .sip_username("acme-outbound".to_owned())
        .sip_password(SipSecret::new(SIP_PASSWORD))
        .build()
        .unwrap();
    SipDirectionConfig::builder()
        .type_(Direction::Outbound)
        .sip_endpoint("sip:trunk.provider.com".to_owned())
        .headers(mappings(Direction::Outbound, "X-Account-Id", "account_id"))
        .options(options)
        .build()
        .unwrap()
}

#[tokio::test]
async fn wire_attach_sip() {
    let (server, client) = serve("attach_sip").await;
    client
        .attach_sip(
            SipAttachRequest::builder()
                .phone_numbers(vec!["+14150000001".to_owned(), "+14150000002".to_owned()])
                .trunk_id("trunk_7f3a".to_owned())
                .directions(vec![inbound_register(), outbound_full()]),
        )
        .await
        .unwrap();
    assert_wire("attach_sip", &server, &[REGISTER_PASSWORD, SIP_PASSWORD]);
}

#[tokio::test]
async fn wire_cancel_port_request() {
    let (server, client) = serve("cancel_port_request").await;
    client.cancel_port_request("port_xyz789").await.unwrap();
    assert_wire("cancel_port_request", &server, &[]);
}

#[tokio::test]
async fn wire_check_port_eligibility() {
    let (server, client) = serve("check_port_eligibility").await;
    let numbers: Vec<PhoneNumber> = vec![number(), "+14150000001".parse().unwrap()];
    client.check_port_eligibility(&numbers).await.unwrap();
    assert_wire("check_port_eligibility", &server, &[]);
}

#[tokio::test]
async fn wire_detach_sip() {
    let (server, client) = serve("detach_sip").await;
    let selectors = [Direction::Inbound, Direction::Outbound].map(|direction| {
        sip_client::SipDirectionSelector::builder()
            .type_(direction)
            .build()
            .unwrap()
    });
    client
        .detach_sip(
            sip_client::SipDetachRequest::builder()
                .phone_number(number())
                .directions(selectors.to_vec()),
        )
        .await
        .unwrap();
    assert_wire("detach_sip", &server, &[]);
}

#[tokio::test]
async fn wire_discover_sip_endpoint() {
    let (server, client) = serve("discover_sip_endpoint").await;
    client
        .discover_sip_endpoint(
            sip_client::DiscoveryRequest::builder()
                .host("sip.example.com")
                .port(5060u16)
                .transport(Transport::Udp),
        )
        .await
        .unwrap();
    assert_wire("discover_sip_endpoint", &server, &[]);
}

#[tokio::test]
async fn wire_get_firewall_ips() {
    let (server, client) = serve("get_firewall_ips").await;
    client.get_firewall_ips().await.unwrap();
    assert_wire("get_firewall_ips", &server, &[]);
}

#[tokio::test]
async fn wire_get_outbound_setup() {
    let (server, client) = serve("get_outbound_setup").await;
    client
        .get_outbound_setup()
        .phone_number("+14150000000")
        .await
        .unwrap();
    assert_wire("get_outbound_setup", &server, &[]);
}

#[tokio::test]
async fn wire_get_sip_config() {
    let (server, client) = serve("get_sip_config").await;
    client.get_sip_config(number()).await.unwrap();
    assert_wire("get_sip_config", &server, &[]);
}

#[tokio::test]
async fn wire_get_sip_status() {
    let (server, client) = serve("get_sip_status").await;
    client.get_sip_status(number()).await.unwrap();
    assert_wire("get_sip_status", &server, &[]);
}

#[tokio::test]
async fn wire_get_test_call_status() {
    let (server, client) = serve("get_test_call_status").await;
    client.get_test_call_status("tc_abc123").await.unwrap();
    assert_wire("get_test_call_status", &server, &[]);
}

/// The documented port request (Bland's example), with its account number and PIN.
fn port_request() -> sip_client::builders::PortInitiateRequest {
    let address = sip_client::PortAddress::builder()
        .street("123 Main St".to_owned())
        .street2("Suite 100".to_owned())
        .city("San Francisco".to_owned())
        .state("CA".to_owned())
        .zip("94105".to_owned())
        .country("US".to_owned())
        .build()
        .unwrap();
    let carrier = sip_client::LosingCarrierInformation::builder()
        .customer_type(CustomerType::Business)
        .business_name("Acme Corp".to_owned())
        .first_name("Jane".to_owned())
        .last_name("Doe".to_owned())
        .account_number(SipSecret::new(PORT_ACCOUNT_NUMBER))
        .authorized_representative_email("jane@acme.com".to_owned())
        .notification_emails(vec!["it@acme.com".to_owned()])
        .address(address)
        .build()
        .unwrap();
    sip_client::PortInitiateRequest::builder()
        .phone_numbers(vec![number(), "+14150000001".parse().unwrap()])
        .losing_carrier_information(carrier)
        .target_port_date("2026-04-01".to_owned())
        .documents(vec!["doc_abc123".to_owned()])
        .pin(SipSecret::new(PORT_PIN))
}

const PORT_ACCOUNT_NUMBER: &str = "ACC-12345";
const PORT_PIN: &str = "4321";

#[tokio::test]
async fn wire_initiate_port() {
    let (server, client) = serve("initiate_port").await;
    client.initiate_port(port_request()).await.unwrap();
    assert_wire("initiate_port", &server, &[]);
}

#[tokio::test]
async fn wire_list_port_requests() {
    let (server, client) = serve("list_port_requests").await;
    client.list_port_requests().await.unwrap();
    assert_wire("list_port_requests", &server, &[]);
}

#[tokio::test]
async fn wire_list_sip_calls() {
    let (server, client) = serve("list_sip_calls").await;
    client
        .list_sip_calls(number())
        .limit(10)
        .before("abc123@sip.bland.ai")
        .await
        .unwrap();
    assert_wire("list_sip_calls", &server, &[]);
}

#[tokio::test]
async fn wire_list_sip_numbers() {
    let (server, client) = serve("list_sip_numbers").await;
    client.list_sip_numbers().await.unwrap();
    assert_wire("list_sip_numbers", &server, &[]);
}

#[tokio::test]
async fn wire_send_test_call() {
    let (server, client) = serve("send_test_call").await;
    client
        .send_test_call(sip_client::TestCallRequest::builder().phone_number(number()))
        .await
        .unwrap();
    assert_wire("send_test_call", &server, &[]);
}

#[tokio::test]
async fn wire_update_sip() {
    let (server, client) = serve("update_sip").await;
    client
        .update_sip(
            SipUpdateRequest::builder()
                .phone_number(number())
                .updates(inbound_register()),
        )
        .await
        .unwrap();
    assert_wire("update_sip", &server, &[REGISTER_PASSWORD]);
}

#[tokio::test]
async fn wire_upload_port_document() {
    let (server, client) = serve("upload_port_document").await;
    client
        .upload_port_document(Upload::new(
            "utility-bill.pdf",
            &b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"[..],
        ))
        .await
        .unwrap();
    assert_wire("upload_port_document", &server, &[]);
}

/// The string values of `value` under the keys that hold secrets.
fn secret_values(value: &Value) -> Vec<String> {
    const SECRET_KEYS: &[&str] = &["password", "sip_password", "register_password_for_pbx"];
    let mut found = Vec::new();
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                match item {
                    Value::String(text) if SECRET_KEYS.contains(&key.as_str()) => {
                        found.push(text.clone())
                    }
                    _ => found.extend(secret_values(item)),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| {
            found.extend(secret_values(item));
        }),
        _ => {}
    }
    found
}

macro_rules! decoded_snapshots {
    ($($id:ident: $ty:ty;)+) => {
        /// The documented answers, decoded into each operation's success type.
        mod decoded {
            use super::*;
            $(
                #[test]
                fn $id() {
                    let example: Value =
                        serde_json::from_slice(&fixture(concat!("ops/", stringify!($id), ".json")))
                            .unwrap();
                    let decoded: $ty = serde_json::from_value(example.clone()).unwrap();
                    let view = format!("{decoded:#?}");
                    for secret in secret_values(&example) {
                        assert!(!view.contains(&secret), "Debug shows a secret");
                        assert!(view.contains("<redacted>"));
                    }
                    settings().bind(|| {
                        sip_client_tests::assert_debug_snapshot!(concat!("decoded_", stringify!($id)), decoded)
                    });
                }
            )+
        }
    };
}

decoded_snapshots! {
    attach_sip: sip_client::SipAttachEnvelope;
    cancel_port_request: sip_client::PortCancelEnvelope;
    check_port_eligibility: sip_client::PortCheckEnvelope;
    discover_sip_endpoint: sip_client::DiscoveryEnvelope;
    get_firewall_ips: sip_client::FirewallIpsEnvelope;
    get_outbound_setup: sip_client::OutboundSetupEnvelope;
    get_sip_config: sip_client::SipConfigEnvelope;
    get_sip_status: sip_client::SipStatusEnvelope;
    get_test_call_status: sip_client::TestCallStatusEnvelope;
    initiate_port: sip_client::PortInitiateEnvelope;
    list_port_requests: sip_client::PortRequestsEnvelope;
    list_sip_calls: sip_client::SipCallsEnvelope;
    list_sip_numbers: sip_client::SipNumbersEnvelope;
    send_test_call: sip_client::TestCallEnvelope;
    update_sip: sip_client::SipUpdateResponse;
    upload_port_document: sip_client::PortDocumentEnvelope;
}

#[test]
fn decoded_error_envelope() {
    let spec: Value = serde_yaml_ng::from_str(&spec_text()).unwrap();
    let example = spec
        .pointer("/components/responses/ApiError/content/application~1json/example")
        .expect("the spec documents an error example")
        .clone();
    let decoded: sip_client::ErrorEnvelope = serde_json::from_value(example).unwrap();
    settings().bind(|| sip_client_tests::assert_debug_snapshot!("decoded_error_envelope", decoded));
}

// Secrets.

/// Asserts that neither `Debug` form of `value` shows any of `secrets`, and that it says
/// where one was redacted.
fn assert_debug_hides(what: &str, value: &impl std::fmt::Debug, secrets: &[&str]) {
    for view in [format!("{value:?}"), format!("{value:#?}")] {
        for secret in secrets {
            assert!(
                !view.contains(secret),
                "Debug of {what} shows a secret: {view}"
            );
        }
        assert!(view.contains("<redacted>"), "{what}: {view}");
    }
}

#[test]
fn debug_of_request_bodies_shows_no_password() {
    let secrets = [REGISTER_PASSWORD, SIP_PASSWORD];
    assert_debug_hides("RegisterAuth", &register_auth(), &secrets);
    assert_debug_hides(
        "builders::RegisterAuth",
        &RegisterAuth::builder().password(SipSecret::new(REGISTER_PASSWORD)),
        &secrets,
    );
    let built = options(5061)
        .sip_password(SipSecret::new(SIP_PASSWORD))
        .build()
        .unwrap();
    assert_debug_hides("SipOptions", &built, &secrets);
    assert_debug_hides(
        "builders::SipOptions",
        &options(5061).sip_password(SipSecret::new(SIP_PASSWORD)),
        &secrets,
    );
    assert_debug_hides("inbound SipDirectionConfig", &inbound_register(), &secrets);
    assert_debug_hides("outbound SipDirectionConfig", &outbound_full(), &secrets);
    let attach = SipAttachRequest::builder()
        .phone_number("+14150000000".to_owned())
        .directions(vec![inbound_register(), outbound_full()]);
    assert_debug_hides("builders::SipAttachRequest", &attach, &secrets);
    assert_debug_hides(
        "SipAttachRequest",
        &attach.clone().build().unwrap(),
        &secrets,
    );
    let update = SipUpdateRequest::builder()
        .phone_number(number())
        .updates(outbound_full());
    assert_debug_hides("builders::SipUpdateRequest", &update, &secrets);
    assert_debug_hides("SipUpdateRequest", &update.build().unwrap(), &secrets);
}

/// The account number at the losing carrier and the port PIN are what a carrier asks before
/// it lets a number go: neither is shown, in the body, its builder or the call.
#[tokio::test]
async fn debug_of_a_port_request_shows_neither_account_number_nor_pin() {
    let secrets = [PORT_ACCOUNT_NUMBER, PORT_PIN];
    let request = port_request();
    assert_debug_hides("builders::PortInitiateRequest", &request, &secrets);
    let built: sip_client::PortInitiateRequest = request.clone().try_into().unwrap();
    assert_debug_hides("PortInitiateRequest", &built, &secrets);
    assert_debug_hides(
        "LosingCarrierInformation",
        &built.losing_carrier_information,
        &secrets,
    );
    let server = TestServer::always(Reply::json(200, fixture("ops/initiate_port.json"))).await;
    let client = client_for(&server).build().unwrap();
    let call = client.initiate_port(request);
    let view = format!("{call:?} {call:#?}");
    assert!(
        !view.contains(PORT_ACCOUNT_NUMBER) && !view.contains(PORT_PIN),
        "{view}"
    );
}

#[tokio::test]
async fn debug_of_a_request_being_prepared_shows_no_password() {
    let server = TestServer::always(Reply::json(200, fixture("ops/attach_sip.json"))).await;
    let client = client_for(&server).build().unwrap();
    let call = client.attach_sip(
        SipAttachRequest::builder()
            .phone_number("+14150000000".to_owned())
            .directions(vec![inbound_register(), outbound_full()]),
    );
    let view = format!("{call:?} {call:#?}");
    assert!(!view.contains(REGISTER_PASSWORD) && !view.contains(SIP_PASSWORD));
    drop(call);
    assert_eq!(server.request_count(), 0, "an unsent call sends nothing");
}

/// The PBX password of the answers below.
const PBX_PASSWORD: &str = "pbx-derived-9f2c41";

#[test]
fn sip_update_response_hides_the_pbx_password() {
    let answer: sip_client::SipUpdateResponse =
        serde_json::from_value(json!({"register_password_for_pbx": PBX_PASSWORD})).unwrap();
    assert_debug_hides("SipUpdateResponse", &answer, &[PBX_PASSWORD]);
    assert_eq!(
        to_redacted_json(&answer).unwrap(),
        json!({"register_password_for_pbx": "<redacted>"})
    );
    assert_eq!(
        serde_json::to_value(&answer).unwrap(),
        json!({"register_password_for_pbx": PBX_PASSWORD})
    );
}

#[test]
fn sip_update_response_in_an_envelope_hides_the_pbx_password() {
    // The spec keeps other keys of the update answer, "an envelope, if Bland sends one";
    // attach accepts the password in `data` as well as at the top level, update does not.
    let answer: sip_client::SipUpdateResponse = serde_json::from_value(json!({
        "data": {"register_password_for_pbx": PBX_PASSWORD},
        "errors": null
    }))
    .unwrap();
    let redacted = to_redacted_json(&answer).unwrap();
    assert!(
        !redacted.to_string().contains(PBX_PASSWORD),
        "to_redacted_json shows the password: {redacted}"
    );
    assert_debug_hides("SipUpdateResponse", &answer, &[PBX_PASSWORD]);
}

#[test]
fn the_attach_answer_hides_the_pbx_password_in_either_place() {
    let inside = "pbx-inside-data-1";
    let outside = "pbx-top-level-2";
    let body = json!({
        "data": {
            "configured": ["+14150000000"],
            "failed": [],
            "register_password_for_pbx": inside
        },
        "errors": null,
        "register_password_for_pbx": outside
    });
    let answer: sip_client::SipAttachEnvelope = serde_json::from_value(body).unwrap();
    assert_debug_hides("SipAttachEnvelope", &answer, &[inside, outside]);
    assert_debug_hides("SipAttachData", &answer.data, &[inside, outside]);
    let redacted = to_redacted_json(&answer).unwrap();
    assert_eq!(redacted["register_password_for_pbx"], "<redacted>");
    assert_eq!(redacted["data"]["register_password_for_pbx"], "<redacted>");
    assert_eq!(redacted["data"]["configured"], json!(["+14150000000"]));
    let plain = serde_json::to_value(&answer).unwrap();
    assert_eq!(plain["register_password_for_pbx"], outside);
    assert_eq!(plain["data"]["register_password_for_pbx"], inside);
}

#[test]
fn credentials_of_the_outbound_setup_are_hidden_whole() {
    let body = json!({
        "data": {
            "sip_server": "us1.sip.bland.ai",
            "port": 5061,
            "instructions": "Configure your PBX.",
            "credentials": {"username": "acme-7731", "password": "cred-s3cret-77"}
        },
        "errors": null
    });
    let answer: sip_client::OutboundSetupEnvelope = serde_json::from_value(body).unwrap();
    let credentials: &SipCredentials = answer.data.credentials.as_ref().unwrap();
    assert_debug_hides(
        "SipCredentials",
        credentials,
        &["acme-7731", "cred-s3cret-77"],
    );
    assert_debug_hides("OutboundSetupData", &answer.data, &["cred-s3cret-77"]);
    assert_eq!(credentials.expose()["password"], "cred-s3cret-77");
    let redacted = to_redacted_json(&answer).unwrap();
    assert_eq!(redacted["data"]["credentials"], "<redacted>");
    assert_eq!(redacted["data"]["sip_server"], "us1.sip.bland.ai");
    let plain = serde_json::to_value(&answer).unwrap();
    assert_eq!(
        plain["data"]["credentials"],
        json!({"username": "acme-7731", "password": "cred-s3cret-77"})
    );
}

#[tokio::test]
async fn sip_passwords_of_a_fetched_configuration_are_hidden() {
    // Through the client: what a caller would log.
    let mut body: Value = serde_json::from_slice(&fixture("ops/get_sip_config.json")).unwrap();
    body["data"]["outbound"]["options"]["sip_password"] = json!("out-s3cret-55");
    let server = TestServer::always(Reply::json(200, body.to_string())).await;
    let client = client_for(&server).build().unwrap();
    let config = client.get_sip_config(number()).await.unwrap();
    assert_debug_hides("SipConfigData", &config, &["out-s3cret-55"]);
    let redacted = to_redacted_json(&config).unwrap();
    assert_eq!(
        redacted["outbound"]["options"]["sip_password"],
        "<redacted>"
    );
    assert_eq!(redacted["outbound"]["options"]["port"], 5061);
    let plain = serde_json::to_value(&config).unwrap();
    assert_eq!(
        plain["outbound"]["options"]["sip_password"],
        "out-s3cret-55"
    );
}

#[tokio::test]
async fn an_attach_answer_that_does_not_decode_keeps_its_password_out_of_the_error() {
    // A documented field of the wrong type: the call fails with `Error::Decode`, which must
    // not show the PBX password that came in the same answer.
    let body = json!({
        "data": {"configured": "+14150000000", "failed": []},
        "errors": null,
        "register_password_for_pbx": PBX_PASSWORD
    });
    let server = TestServer::always(Reply::json(200, body.to_string())).await;
    let client = client_for(&server).build().unwrap();
    let err = client
        .attach_sip(
            SipAttachRequest::builder()
                .phone_number("+14150000000".to_owned())
                .directions(vec![outbound_full()]),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, sip_client::Error::Decode(_)), "{err:?}");
    for view in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
        assert!(
            !view.contains(PBX_PASSWORD),
            "the error shows the password: {view}"
        );
    }
}
