//! The rules Bland documents for the SIP family, checked by the client before anything is
//! sent: each refusal is `Error::InvalidInput` naming the exact field, and the server sees
//! nothing; each value just inside a rule is sent. No message shows a password.

use serde_json::{Value, json};
use sip_client::{
    AuthMode, Client, Direction, Error, HeaderMappingType, InputProblem, InvalidInput, PhoneNumber,
    PhoneNumberError, RegisterAuth, SipAttachRequest, SipDirectionConfig, SipHeaderMapping,
    SipHeaderMappings, SipSecret, SipUpdateRequest,
};
use sip_client_tests::server::{RecordedRequest, Reply, TestServer};
use sip_client_tests::{client_for, fixture};

async fn server_for(id: &str) -> TestServer {
    TestServer::always(Reply::json(200, fixture(&format!("ops/{id}.json")))).await
}

fn client_of(server: &TestServer) -> Client {
    client_for(server).build().expect("test client builds")
}

fn number() -> PhoneNumber {
    "+14150000000".parse().unwrap()
}

/// The refusal of a call: an `InvalidInput`, whose message says nothing was sent.
fn refusal<T: std::fmt::Debug>(result: Result<T, Error>) -> InvalidInput {
    match result {
        Err(Error::InvalidInput(input)) => {
            let err = Error::InvalidInput(input.clone());
            assert!(err.to_string().ends_with("; no request was sent"), "{err}");
            input
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

fn assert_nothing_sent(server: &TestServer) {
    assert_eq!(server.request_count(), 0, "the server received a request");
}

/// The JSON body of the one request the server received.
fn sent_body(server: &TestServer) -> Value {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "exactly one request was sent");
    serde_json::from_slice(&requests[0].body).expect("a JSON body")
}

fn only_request(server: &TestServer) -> RecordedRequest {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "exactly one request was sent");
    requests.into_iter().next().unwrap()
}

fn outbound() -> SipDirectionConfig {
    SipDirectionConfig::builder()
        .type_(Direction::Outbound)
        .sip_endpoint("sip:trunk.provider.com".to_owned())
        .build()
        .unwrap()
}

fn register_inbound(auth: Option<RegisterAuth>) -> SipDirectionConfig {
    SipDirectionConfig::builder()
        .type_(Direction::Inbound)
        .auth_mode(AuthMode::Register)
        .register_auth(auth)
        .build()
        .unwrap()
}

fn register_auth(password: &str) -> RegisterAuth {
    RegisterAuth::builder()
        .username("pbx-user".to_owned())
        .password(SipSecret::new(password))
        .build()
        .unwrap()
}

fn mappings(count: usize) -> SipHeaderMappings {
    let headers: Vec<SipHeaderMapping> = (0..count)
        .map(|i| {
            SipHeaderMapping::builder()
                .type_(HeaderMappingType::Custom)
                .key(format!("X-Header-{i}"))
                .value(format!("Variable_{i}"))
                .build()
                .unwrap()
        })
        .collect();
    SipHeaderMappings::builder()
        .direction(Direction::Inbound)
        .headers(headers)
        .build()
        .unwrap()
}

fn with_mappings(count: usize) -> SipDirectionConfig {
    SipDirectionConfig::builder()
        .type_(Direction::Inbound)
        .headers(mappings(count))
        .build()
        .unwrap()
}

fn attach_one(direction: SipDirectionConfig) -> sip_client::builders::SipAttachRequest {
    SipAttachRequest::builder()
        .phone_number("+14150000000".to_owned())
        .directions(vec![direction])
}

fn update(updates: SipDirectionConfig) -> SipUpdateRequest {
    SipUpdateRequest::builder()
        .phone_number(number())
        .updates(updates)
        .build()
        .unwrap()
}

/// `count` distinct E.164 numbers.
fn numbers(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("+1415555{i:04}")).collect()
}

/// Asserts that no view of `err` shows `password`.
fn assert_hides(err: &InvalidInput, password: &str) {
    let as_error = Error::InvalidInput(err.clone());
    for view in [
        err.to_string(),
        format!("{err:?}"),
        format!("{err:#?}"),
        as_error.to_string(),
        format!("{as_error:?}"),
        format!("{as_error:#?}"),
    ] {
        assert!(
            !view.contains(password),
            "a message shows the password: {view}"
        );
    }
}

#[tokio::test]
async fn attach_refuses_phone_number_together_with_phone_numbers() {
    let server = server_for("attach_sip").await;
    let client = client_of(&server);
    let both = SipAttachRequest::builder()
        .phone_number("+14150000000".to_owned())
        .phone_numbers(vec!["+14150000001".to_owned()])
        .directions(vec![outbound()]);
    let err = refusal(client.attach_sip(both).await);
    assert_eq!(err.field, "body.phone_numbers");
    assert_eq!(
        err.problem,
        InputProblem::Conflicts {
            with: "phone_number".to_owned()
        }
    );
    assert_nothing_sent(&server);

    // Either one alone is sent.
    client.attach_sip(attach_one(outbound())).await.unwrap();
    let list = SipAttachRequest::builder()
        .phone_numbers(vec!["+14150000001".to_owned()])
        .directions(vec![outbound()]);
    client.attach_sip(list).await.unwrap();
    let bodies: Vec<Value> = server
        .requests()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0]["phone_number"], "+14150000000");
    assert!(bodies[0].get("phone_numbers").is_none());
    assert_eq!(bodies[1]["phone_numbers"], json!(["+14150000001"]));
    assert!(bodies[1].get("phone_number").is_none());
}

/// ATT: "send `phone_number` or `phone_numbers`": an attach names what it attaches, so a
/// request with neither (or an empty list) is refused before it is sent.
#[tokio::test]
async fn attach_refuses_a_request_with_neither_phone_number_nor_phone_numbers() {
    let server = server_for("attach_sip").await;
    let client = client_of(&server);
    for neither in [
        SipAttachRequest::builder().directions(vec![outbound()]),
        SipAttachRequest::builder()
            .phone_numbers(Vec::new())
            .directions(vec![outbound()]),
    ] {
        let err = refusal(client.attach_sip(neither).await);
        assert_eq!(err.field, "body.phone_number");
        assert_eq!(
            err.problem,
            InputProblem::MissingOneOf {
                others: vec!["phone_numbers".to_owned()]
            }
        );
        assert_eq!(
            err.to_string(),
            "invalid `body.phone_number`: is required, or `phone_numbers` instead"
        );
    }
    assert_nothing_sent(&server);
}

#[tokio::test]
async fn attach_refuses_101_numbers_and_sends_100() {
    let server = server_for("attach_sip").await;
    let client = client_of(&server);
    let too_many = SipAttachRequest::builder()
        .phone_numbers(numbers(101))
        .directions(vec![outbound()]);
    let err = refusal(client.attach_sip(too_many).await);
    assert_eq!(err.field, "body.phone_numbers");
    assert_eq!(
        err.problem,
        InputProblem::TooManyItems {
            max: 100,
            found: 101
        }
    );
    assert_nothing_sent(&server);

    let hundred = SipAttachRequest::builder()
        .phone_numbers(numbers(100))
        .directions(vec![outbound()]);
    client.attach_sip(hundred).await.unwrap();
    let body = sent_body(&server);
    assert_eq!(body["phone_numbers"], json!(numbers(100)));
}

/// Blank text names nothing: a blank `trunk_id` is refused rather than taken as a trunk
/// that exempts the numbers from E.164, and a blank `phone_number` is refused rather than
/// counted as absent (and sent beside `phone_numbers`) or as a number.
#[tokio::test]
async fn blank_numbers_and_trunk_ids_are_refused() {
    let server = server_for("attach_sip").await;
    let client = client_of(&server);
    let did = |trunk: &str| {
        SipAttachRequest::builder()
            .phone_number("1001".to_owned())
            .trunk_id(trunk.to_owned())
            .directions(vec![outbound()])
    };
    for blank in ["", " ", "\t", "\u{200b}", " \u{feff} "] {
        let err = refusal(client.attach_sip(did(blank)).await);
        assert_eq!(err.field, "body.trunk_id", "{blank:?}");
        assert_eq!(err.problem, InputProblem::Blank, "{blank:?}");
    }
    for hidden in ["trunk\n1", "trunk\u{200b}1"] {
        let err = refusal(client.attach_sip(did(hidden)).await);
        assert_eq!(
            (err.field.as_str(), err.problem),
            ("body.trunk_id", InputProblem::InvisibleCharacter),
            "{hidden:?}"
        );
    }
    // The probe's case: a blank `phone_number` beside `phone_numbers`, under a trunk.
    let both = SipAttachRequest::builder()
        .phone_number(String::new())
        .phone_numbers(vec!["+14150000000".to_owned()])
        .trunk_id("trunk_1".to_owned())
        .directions(vec![outbound()]);
    let err = refusal(client.attach_sip(both).await);
    assert_eq!(
        (err.field.as_str(), err.problem),
        ("body.phone_number", InputProblem::Blank)
    );
    for (list, field, problem) in [
        (
            vec!["1001", ""],
            "body.phone_numbers[1]",
            InputProblem::Blank,
        ),
        (
            vec!["10\u{0}01"],
            "body.phone_numbers[0]",
            InputProblem::InvisibleCharacter,
        ),
    ] {
        let request = SipAttachRequest::builder()
            .phone_numbers(list.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>())
            .trunk_id("trunk_1".to_owned())
            .directions(vec![outbound()]);
        let err = refusal(client.attach_sip(request).await);
        assert_eq!(
            (err.field.as_str(), err.problem),
            (field, problem),
            "{list:?}"
        );
    }
    assert_eq!(
        InvalidInput::new("body.trunk_id", InputProblem::Blank).to_string(),
        "invalid `body.trunk_id`: is blank; leave it out or give a value"
    );
    assert_nothing_sent(&server);
    // A trunk named: the DID is sent as given.
    client.attach_sip(did("trunk_1")).await.unwrap();
    assert_eq!(sent_body(&server)["phone_number"], "1001");
}

#[tokio::test]
async fn attach_refuses_a_non_e164_number_without_a_trunk() {
    let server = server_for("attach_sip").await;
    let client = client_of(&server);
    let list = SipAttachRequest::builder()
        .phone_numbers(vec![
            "+14150000000".to_owned(),
            "+14150000001".to_owned(),
            "4150000002".to_owned(),
        ])
        .directions(vec![outbound()]);
    let err = refusal(client.attach_sip(list).await);
    assert_eq!(err.field, "body.phone_numbers[2]");
    assert_eq!(
        err.problem,
        InputProblem::PhoneNumber(PhoneNumberError::MissingPlus)
    );

    let single = SipAttachRequest::builder()
        .phone_number("1001".to_owned())
        .directions(vec![outbound()]);
    let err = refusal(client.attach_sip(single).await);
    assert_eq!(err.field, "body.phone_number");
    assert_eq!(
        err.problem,
        InputProblem::PhoneNumber(PhoneNumberError::MissingPlus)
    );
    assert_nothing_sent(&server);
}

#[tokio::test]
async fn attach_sends_non_e164_identities_bound_to_a_trunk() {
    let server = server_for("attach_sip").await;
    let client = client_of(&server);
    let inbound = SipDirectionConfig::builder()
        .type_(Direction::Inbound)
        .build()
        .unwrap();
    let request = SipAttachRequest::builder()
        .phone_numbers(vec!["1001".to_owned(), "+14150000001".to_owned()])
        .trunk_id("trunk_7f3a".to_owned())
        .directions(vec![inbound]);
    client.attach_sip(request).await.unwrap();
    assert_eq!(
        sent_body(&server),
        json!({
            "phone_numbers": ["1001", "+14150000001"],
            "trunk_id": "trunk_7f3a",
            "directions": [{"type": "inbound"}],
            "service": "sip"
        })
    );
}

#[tokio::test]
async fn register_auth_mode_requires_register_auth() {
    let server = server_for("attach_sip").await;
    let client = client_of(&server);
    let err = refusal(client.attach_sip(attach_one(register_inbound(None))).await);
    assert_eq!(err.field, "body.directions[0].register_auth");
    assert_eq!(
        err.problem,
        InputProblem::RequiredWhen {
            condition: "auth_mode = register".to_owned()
        }
    );
    // The index is the direction's.
    let second = SipAttachRequest::builder()
        .phone_number("+14150000000".to_owned())
        .directions(vec![outbound(), register_inbound(None)]);
    let err = refusal(client.attach_sip(second).await);
    assert_eq!(err.field, "body.directions[1].register_auth");
    assert_nothing_sent(&server);

    let password = "correct-horse";
    client
        .attach_sip(attach_one(register_inbound(Some(register_auth(password)))))
        .await
        .unwrap();
    let body = sent_body(&server);
    assert_eq!(body["directions"][0]["auth_mode"], "register");
    assert_eq!(
        body["directions"][0]["register_auth"],
        json!({"username": "pbx-user", "password": password})
    );
}

#[tokio::test]
async fn ip_auth_mode_needs_no_register_auth() {
    let server = server_for("attach_sip").await;
    let client = client_of(&server);
    let ip = SipDirectionConfig::builder()
        .type_(Direction::Inbound)
        .auth_mode(AuthMode::Ip)
        .build()
        .unwrap();
    client.attach_sip(attach_one(ip)).await.unwrap();
    assert_eq!(sent_body(&server)["directions"][0]["auth_mode"], "ip");
}

#[tokio::test]
async fn attach_refuses_a_register_password_of_7_characters_and_sends_8() {
    let server = server_for("attach_sip").await;
    let client = client_of(&server);
    // Characters, not bytes: each of these has more bytes than characters.
    let seven = "pässwö7";
    assert_eq!(seven.chars().count(), 7);
    let err = refusal(
        client
            .attach_sip(attach_one(register_inbound(Some(register_auth(seven)))))
            .await,
    );
    assert_eq!(err.field, "body.directions[0].register_auth.password");
    assert_eq!(err.problem, InputProblem::TooShort { min: 8 });
    assert_hides(&err, seven);
    assert_nothing_sent(&server);

    let eight = "pässwör8";
    assert_eq!(eight.chars().count(), 8);
    client
        .attach_sip(attach_one(register_inbound(Some(register_auth(eight)))))
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server)["directions"][0]["register_auth"]["password"],
        eight
    );
}

/// A value of an open enum that differs from a known one only in case, spaces or
/// separators is a typo, refused naming the value to give: `Register` was sent, and with it
/// no `register_auth`, since the rule holds for `register` only (found by a review of the
/// library). A value new to the crate is sent as it is.
#[tokio::test]
async fn a_near_miss_of_a_known_enum_value_is_refused_and_a_new_value_sent() {
    let server = server_for("attach_sip").await;
    let client = client_of(&server);
    let direction = |type_: &str, auth_mode: &str| {
        SipDirectionConfig::builder()
            .type_(Direction::from(type_))
            .auth_mode(AuthMode::from(auth_mode))
            .build()
            .unwrap()
    };
    for (type_, auth_mode, field, known) in [
        ("inbound", "Register", "auth_mode", "register"),
        ("inbound", " register", "auth_mode", "register"),
        ("inbound", "IP", "auth_mode", "ip"),
        ("Inbound", "ip", "type", "inbound"),
        ("OUTBOUND ", "ip", "type", "outbound"),
    ] {
        let err = refusal(
            client
                .attach_sip(attach_one(direction(type_, auth_mode)))
                .await,
        );
        assert_eq!(
            err.field,
            format!("body.directions[0].{field}"),
            "{type_} {auth_mode}"
        );
        assert_eq!(
            err.problem,
            InputProblem::NearMiss {
                known: known.to_owned()
            }
        );
    }
    let err = refusal(
        client
            .attach_sip(attach_one(direction("inbound", "Register")))
            .await,
    );
    assert_eq!(
        err.to_string(),
        "invalid `body.directions[0].auth_mode`: is no value Bland knows, but close to \
         `register` (only case, spaces or separators differ); give `register`"
    );
    let err = refusal(
        client
            .update_sip(update(direction("inbound", "REGISTER")))
            .await,
    );
    assert_eq!(err.field, "body.updates.auth_mode");
    assert_nothing_sent(&server);

    // A value Bland may have added since is no near miss: sent as given.
    client
        .attach_sip(attach_one(direction("inbound", "certificate")))
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server)["directions"][0]["auth_mode"],
        "certificate"
    );
}

#[tokio::test]
async fn update_refuses_a_register_password_of_7_characters_and_sends_8() {
    let server = server_for("update_sip").await;
    let client = client_of(&server);
    let seven = "hunter7";
    let err = refusal(
        client
            .update_sip(update(register_inbound(Some(register_auth(seven)))))
            .await,
    );
    assert_eq!(err.field, "body.updates.register_auth.password");
    assert_eq!(err.problem, InputProblem::TooShort { min: 8 });
    assert_hides(&err, seven);

    let err = refusal(client.update_sip(update(register_inbound(None))).await);
    assert_eq!(err.field, "body.updates.register_auth");
    assert_eq!(
        err.problem,
        InputProblem::RequiredWhen {
            condition: "auth_mode = register".to_owned()
        }
    );
    assert_nothing_sent(&server);

    let eight = "hunter88";
    client
        .update_sip(update(register_inbound(Some(register_auth(eight)))))
        .await
        .unwrap();
    let body = sent_body(&server);
    assert_eq!(body["phone_number"], "+14150000000");
    assert_eq!(body["updates"]["register_auth"]["password"], eight);
}

#[tokio::test]
async fn no_refusal_of_a_body_with_a_short_password_shows_it() {
    // Two invalid fields: whichever is reported first, the password stays out of it.
    let server = server_for("attach_sip").await;
    let client = client_of(&server);
    let password = "s3cr3t!";
    let request = SipAttachRequest::builder()
        .phone_numbers(vec!["+14150000000".to_owned(), "not a number".to_owned()])
        .directions(vec![register_inbound(Some(register_auth(password)))]);
    let err = refusal(client.attach_sip(request).await);
    assert!(
        [
            "body.directions[0].register_auth.password",
            "body.phone_numbers[1]"
        ]
        .contains(&err.field.as_str()),
        "{}",
        err.field
    );
    assert_hides(&err, password);
    assert_nothing_sent(&server);
}

#[tokio::test]
async fn attach_refuses_16_header_mappings_and_sends_15() {
    let server = server_for("attach_sip").await;
    let client = client_of(&server);
    let err = refusal(client.attach_sip(attach_one(with_mappings(16))).await);
    assert_eq!(err.field, "body.directions[0].headers.headers");
    assert_eq!(
        err.problem,
        InputProblem::TooManyItems { max: 15, found: 16 }
    );
    assert_nothing_sent(&server);

    client
        .attach_sip(attach_one(with_mappings(15)))
        .await
        .unwrap();
    let body = sent_body(&server);
    let headers = &body["directions"][0]["headers"];
    assert_eq!(headers["direction"], "inbound");
    let list = headers["headers"].as_array().expect("a list of mappings");
    assert_eq!(list.len(), 15);
    assert_eq!(
        list[14],
        json!({"type": "custom", "key": "X-Header-14", "value": "Variable_14"})
    );
}

#[tokio::test]
async fn update_refuses_16_header_mappings_and_sends_15() {
    let server = server_for("update_sip").await;
    let client = client_of(&server);
    let err = refusal(client.update_sip(update(with_mappings(16))).await);
    assert_eq!(err.field, "body.updates.headers.headers");
    assert_nothing_sent(&server);
    client.update_sip(update(with_mappings(15))).await.unwrap();
    let body = sent_body(&server);
    assert_eq!(
        body["updates"]["headers"]["headers"]
            .as_array()
            .map(Vec::len),
        Some(15)
    );
}

#[tokio::test]
async fn service_is_sent_as_sip_without_the_caller_setting_it() {
    let server = TestServer::start(|n, _| match n {
        0 => Reply::json(200, fixture("ops/attach_sip.json")),
        _ => Reply::json(200, r#"{"data":null,"errors":null}"#),
    })
    .await;
    let client = client_of(&server);
    client.attach_sip(attach_one(outbound())).await.unwrap();
    let selector = sip_client::SipDirectionSelector::builder()
        .type_(Direction::Inbound)
        .build()
        .unwrap();
    client
        .detach_sip(
            sip_client::SipDetachRequest::builder()
                .phone_number(number())
                .directions(vec![selector]),
        )
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let attach: Value = serde_json::from_slice(&requests[0].body).unwrap();
    let detach: Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(requests[0].target, "/v1/sip/attach");
    assert_eq!(attach["service"], "sip");
    assert_eq!(requests[1].target, "/v1/sip/detach");
    assert_eq!(
        detach,
        json!({
            "phone_number": "+14150000000",
            "directions": [{"type": "inbound"}],
            "service": "sip"
        })
    );
}

#[tokio::test]
async fn invalid_numbers_in_query_parameters_are_refused() {
    let server = server_for("get_sip_status").await;
    let client = client_of(&server);
    let err = refusal(client.get_sip_status(String::from("+1 415 000 0000")).await);
    assert_eq!(err.field, "phone_number");
    assert_eq!(
        err.problem,
        InputProblem::PhoneNumber(PhoneNumberError::InvalidCharacter {
            position: 3,
            character: ' '
        })
    );
    let err = refusal(
        client
            .list_sip_calls(String::from("4150000000"))
            .limit(5)
            .await,
    );
    assert_eq!(err.field, "phone_number");
    assert_eq!(
        err.problem,
        InputProblem::PhoneNumber(PhoneNumberError::MissingPlus)
    );
    let err = refusal(client.get_sip_config(String::from("+0415")).await);
    assert_eq!(err.field, "phone_number");
    assert_eq!(
        err.problem,
        InputProblem::PhoneNumber(PhoneNumberError::LeadingZero)
    );
    assert_nothing_sent(&server);
}

#[tokio::test]
async fn an_invalid_number_in_the_port_check_array_is_refused() {
    let server = server_for("check_port_eligibility").await;
    let client = client_of(&server);
    let result = client
        .check_port_eligibility(vec![
            "+14150000000".to_owned(),
            "+1-415".to_owned(),
            "+14150000002".to_owned(),
        ])
        .await;
    let err = refusal(result);
    assert_eq!(
        err.problem,
        InputProblem::PhoneNumber(PhoneNumberError::InvalidCharacter {
            position: 3,
            character: '-'
        })
    );
    assert_nothing_sent(&server);
    // The index is the number's, under the parameter's name.
    assert!(err.field.ends_with("[1]"), "{}", err.field);
}

/// A required array parameter sent as repeated `phone_numbers[]=` has no parameter at all
/// when it has no items: it is refused, not sent without it.
#[tokio::test]
async fn the_port_check_needs_at_least_one_number() {
    let server = server_for("check_port_eligibility").await;
    let client = client_of(&server);
    let err = refusal(client.check_port_eligibility(Vec::<String>::new()).await);
    assert_eq!(err.field, "phone_numbers");
    assert_eq!(err.problem, InputProblem::TooFewItems { min: 1, found: 0 });
    assert_nothing_sent(&server);
    client
        .check_port_eligibility(vec!["+14150000000".to_owned()])
        .await
        .unwrap();
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn the_port_check_array_names_the_item_by_the_parameter() {
    let server = server_for("check_port_eligibility").await;
    let client = client_of(&server);
    let result = client
        .check_port_eligibility(vec!["+14150000000".to_owned(), "+1-415".to_owned()])
        .await;
    let err = refusal(result);
    assert_eq!(err.field, "phone_numbers[1]");
    assert_nothing_sent(&server);
}

#[tokio::test]
async fn the_test_call_id_is_a_plain_string_sent_as_given() {
    let server = server_for("get_test_call_status").await;
    let client = client_of(&server);
    // Not a phone number and not checked: any text goes, encoded as one query value.
    client.get_test_call_status("tc abc/+1&x=y").await.unwrap();
    assert_eq!(
        only_request(&server).target,
        "/v1/sip/test-call/status?call_id=tc+abc%2F%2B1%26x%3Dy"
    );
}

#[tokio::test]
async fn cancel_refuses_path_ids_that_would_change_the_path() {
    let server = server_for("cancel_port_request").await;
    let client = client_of(&server);
    for id in ["", ".", ".."] {
        let err = refusal(client.cancel_port_request(id).await);
        assert_eq!(err.field, "id", "{id:?}");
        assert!(
            matches!(err.problem, InputProblem::Other(_)),
            "{id:?}: {:?}",
            err.problem
        );
    }
    assert_nothing_sent(&server);

    // Anything else is one path segment, encoded.
    client.cancel_port_request("...").await.unwrap();
    client.cancel_port_request("a/../b?c").await.unwrap();
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/v1/sip/port/...", "/v1/sip/port/a%2F..%2Fb%3Fc"]);
}

#[tokio::test]
async fn update_sends_an_empty_header_mapping_list_to_clear_the_mappings() {
    // Bland: "sending the list replaces it, and an empty list clears it".
    let server = server_for("update_sip").await;
    let client = client_of(&server);
    client.update_sip(update(with_mappings(0))).await.unwrap();
    let body = sent_body(&server);
    assert_eq!(
        body["updates"]["headers"],
        json!({"direction": "inbound", "headers": []})
    );
}

#[tokio::test]
async fn uploads_are_refused_by_type_and_size() {
    const MAX: usize = 10 * 1024 * 1024;
    let server = server_for("upload_port_document").await;
    let client = client_of(&server);
    let err = refusal(
        client
            .upload_port_document(sip_client::Upload::new("bill.txt", &b"hello"[..]))
            .await,
    );
    assert_eq!(err.field, "file");
    assert!(
        matches!(&err.problem, InputProblem::UploadType { found: None, allowed }
            if allowed == &["application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp"]),
        "{:?}",
        err.problem
    );
    let err = refusal(
        client
            .upload_port_document(sip_client::Upload::new("bill.pdf", vec![b'x'; MAX + 1]))
            .await,
    );
    assert_eq!(err.field, "file");
    assert_eq!(
        err.problem,
        InputProblem::UploadTooLarge {
            max: MAX as u64,
            found: MAX as u64 + 1
        }
    );
    assert_nothing_sent(&server);

    // At the limit, and of every accepted type, it is sent.
    client
        .upload_port_document(sip_client::Upload::new("bill.pdf", vec![b'x'; MAX]))
        .await
        .unwrap();
    for name in ["scan.jpg", "scan.jpeg", "scan.png", "scan.gif", "scan.webp"] {
        client
            .upload_port_document(sip_client::Upload::new(name, &b"img"[..]))
            .await
            .unwrap();
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 6);
    assert!(requests[0].body.len() > MAX);
}

fn detach_with_number(text: &str) -> sip_client::builders::SipDetachRequest {
    let selector = sip_client::SipDirectionSelector::builder()
        .type_(Direction::Outbound)
        .build()
        .unwrap();
    sip_client::SipDetachRequest::builder()
        .phone_number(text)
        .directions(vec![selector])
}

#[tokio::test]
async fn an_invalid_number_given_to_a_body_builder_is_refused() {
    // Detach and test-call bodies hold a `PhoneNumber`: text given to their builders is
    // parsed there, and the call refuses the builder's error.
    let server = TestServer::always(Reply::json(200, r#"{"data":null,"errors":null}"#)).await;
    let client = client_of(&server);
    let err = refusal(client.detach_sip(detach_with_number("4150000000")).await);
    assert!(err.field.starts_with("body"), "{}", err.field);
    assert!(err.to_string().contains("phone_number"), "{err}");
    let err = refusal(
        client
            .send_test_call(sip_client::TestCallRequest::builder().phone_number("+1 415"))
            .await,
    );
    assert!(err.field.starts_with("body"), "{}", err.field);
    assert!(err.to_string().contains("phone_number"), "{err}");
    assert_nothing_sent(&server);
}

#[tokio::test]
async fn an_invalid_number_given_to_a_body_builder_names_the_field() {
    let server = TestServer::always(Reply::json(200, r#"{"data":null,"errors":null}"#)).await;
    let client = client_of(&server);
    let err = refusal(client.detach_sip(detach_with_number("4150000000")).await);
    assert_eq!(err.field, "body.phone_number");
    // The builder reports its conversion errors as text: the problem is said, not typed.
    assert_eq!(
        err.problem,
        InputProblem::Other(PhoneNumberError::MissingPlus.to_string())
    );
    assert_nothing_sent(&server);
}

/// `options` keeps keys this version does not know in `extra`, sent beside its fields. A
/// key of one of its fields there would bypass the field's checks, or be sent twice with
/// the unchecked copy last (the one most servers keep): refused, naming the key. A key the
/// type does not know is sent as it is.
#[tokio::test]
async fn a_field_of_options_set_among_its_unknown_keys_is_refused() {
    let server = server_for("attach_sip").await;
    let client = client_of(&server);
    let options = |extra: Value| {
        sip_client::SipOptions::builder()
            .sip_password(SipSecret::new("longenough123"))
            .port(5060)
            .extra(serde_json::from_value::<serde_json::Map<String, Value>>(extra).unwrap())
            .build()
            .unwrap()
    };
    let direction = |extra: Value| {
        SipDirectionConfig::builder()
            .type_(Direction::Inbound)
            .options(options(extra))
            .build()
            .unwrap()
    };
    for (extra, field) in [
        (json!({"sip_password": "short"}), "sip_password"),
        (json!({"port": "not-a-port"}), "port"),
        (json!({"future_key": 1, "transport": "udp"}), "transport"),
    ] {
        let err = refusal(client.attach_sip(attach_one(direction(extra))).await);
        assert_eq!(err.field, format!("body.directions[0].options.{field}"));
        assert_eq!(err.problem, InputProblem::KnownKeyInExtra);
        assert_hides(&err, "short");
        assert_nothing_sent(&server);
    }
    client
        .attach_sip(attach_one(direction(json!({"future_key": "kept"}))))
        .await
        .unwrap();
    let sent = &sent_body(&server)["directions"][0]["options"];
    assert_eq!(sent["future_key"], "kept");
    assert_eq!(sent["port"], 5060);
}

/// A nested builder missing a required field: the error names the field inside, by its
/// name on the wire (`type`, which Rust calls `type_`), as missing; nothing is sent.
#[tokio::test]
async fn a_nested_builder_missing_a_field_names_it() {
    let server = server_for("update_sip").await;
    let client = client_of(&server);
    let body = sip_client::SipUpdateRequest::builder()
        .phone_number(number())
        .updates(SipDirectionConfig::builder().sip_endpoint("sip:trunk.provider.com".to_owned()));
    let err = refusal(client.update_sip(body).await);
    assert_eq!(err.field, "body.updates.type");
    assert_eq!(err.problem, InputProblem::Missing);
    assert_nothing_sent(&server);
}

/// A value built by hand with `?` in a function returning the crate's `Error`: a missing
/// field is invalid input naming it, as a call would inside `body`.
#[test]
fn a_builder_error_converts_into_the_crate_error() {
    fn direction() -> Result<SipDirectionConfig, Error> {
        Ok(SipDirectionConfig::builder()
            .sip_endpoint("sip:trunk.provider.com".to_owned())
            .build()?)
    }
    let Err(Error::InvalidInput(input)) = direction() else {
        panic!("expected invalid input")
    };
    assert_eq!(input.field, "type");
    assert_eq!(input.problem, InputProblem::Missing);
    assert_eq!(
        Error::InvalidInput(input).to_string(),
        "invalid `type`: is required; no request was sent"
    );
    // A value's own check names the value.
    fn file() -> Result<sip_client::PortDocumentUploadFile, Error> {
        Ok(sip_client::PortDocumentUploadFile::try_from(
            "x".repeat(10 * 1024 * 1024 + 1),
        )?)
    }
    let Err(Error::InvalidInput(input)) = file() else {
        panic!("expected invalid input")
    };
    assert_eq!(input.field, "value");
    assert_eq!(input.problem, InputProblem::TooLong { max: 10485760 });
}
