//! What the library's errors say about an answer: never a value it quotes from the body
//! (which may be a secret), and nothing that is not known to be true.

use serde_json::json;
use sip_client::{Error, RedirectNotFollowed, SipUpdateRequest};
use sip_client_tests::client_for;
use sip_client_tests::server::{Reply, TestServer};

/// A value that must appear in no error, whatever its type in the body.
const LEAKED: &str = "73194628";

/// The error of an update-sip call answered with `answer`.
async fn update_error(answer: serde_json::Value) -> Error {
    let server = TestServer::always(Reply::json(200, answer.to_string())).await;
    let client = client_for(&server).max_retries(0).build().unwrap();
    let body: SipUpdateRequest =
        serde_json::from_slice(&sip_client_tests::fixture("ops/request_update_sip.json")).unwrap();
    client.update_sip(body).await.unwrap_err()
}

#[tokio::test]
async fn a_decode_error_does_not_quote_the_value_of_a_secret_field() {
    for (answer, kind) in [
        (json!({"register_password_for_pbx": 73194628}), "integer"),
        (
            json!({"register_password_for_pbx": 73194628.5}),
            "floating point",
        ),
        (json!({"register_password_for_pbx": true}), "boolean"),
    ] {
        let err = update_error(answer.clone()).await;
        let Error::Decode(decode) = &err else {
            panic!("{answer}: {err:?}")
        };
        assert_eq!(decode.path, "register_password_for_pbx", "{answer}");
        for view in [
            err.to_string(),
            format!("{err:?}"),
            format!("{err:#?}"),
            decode.message.clone(),
        ] {
            assert!(!view.contains(LEAKED), "{answer}: {view}");
            assert!(!view.contains("true"), "{answer}: {view}");
            assert!(
                view.contains(&format!("invalid type: {kind}, expected a string")),
                "{answer}: {view}"
            );
            assert!(view.contains(" at line 1 column "), "{answer}: {view}");
        }
    }
}

#[test]
fn serde_messages_keep_the_kind_and_the_location_but_not_the_value() {
    use serde::de::{Error as _, Unexpected};
    let error = |unexpected: Unexpected<'_>| {
        sip_client::redacted_json_error(&serde_json::Error::invalid_type(unexpected, &"a string"))
    };
    assert_eq!(
        error(Unexpected::Unsigned(73194628)),
        "invalid type: integer, expected a string"
    );
    assert_eq!(
        error(Unexpected::Signed(-73194628)),
        "invalid type: integer, expected a string"
    );
    assert_eq!(
        error(Unexpected::Float(7319.4628)),
        "invalid type: floating point, expected a string"
    );
    assert_eq!(
        error(Unexpected::Char('`')),
        "invalid type: character, expected a string"
    );
    assert_eq!(
        error(Unexpected::Map),
        "invalid type: map, expected a string"
    );
    // A string that imitates the rest of the message is still dropped whole.
    let tricky = "pw\", expected x `73194628` \\\"";
    let invalid =
        serde_json::Error::invalid_value(Unexpected::Str(tricky), &"a string of 8 characters");
    assert_eq!(
        sip_client::redacted_json_error(&invalid),
        "invalid value: string, expected a string of 8 characters"
    );
    let variant =
        serde_json::Error::unknown_variant("7319`, expected 4628", &["inbound", "outbound"]);
    assert_eq!(
        sip_client::redacted_json_error(&variant),
        "unknown variant, expected `inbound` or `outbound`"
    );
    let none = serde_json::Error::unknown_variant("73194628", &[]);
    assert_eq!(
        sip_client::redacted_json_error(&none),
        "unknown variant, there are no variants"
    );

    // From serde_json itself: the location is kept.
    let parsed = serde_json::from_str::<Vec<String>>("[\n \"a\", 73194628]").unwrap_err();
    assert_eq!(
        sip_client::redacted_json_error(&parsed),
        "invalid type: integer, expected a string at line 2 column 14"
    );
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    enum Direction {
        Inbound,
    }
    let parsed = serde_json::from_str::<Direction>("\"secret-73194628\"").unwrap_err();
    assert_eq!(
        sip_client::redacted_json_error(&parsed),
        "unknown variant, expected `Inbound` at line 1 column 17"
    );
    // What quotes no value is left as it is.
    let syntax = serde_json::from_str::<Vec<String>>("[\"a\",").unwrap_err();
    assert_eq!(sip_client::redacted_json_error(&syntax), syntax.to_string());
}

/// The UnexpectedResponse of one lookup against a server that answers as `reply` says.
async fn redirect_error(
    reply: impl Fn(&str) -> Reply + Send + Sync + 'static,
) -> (Error, TestServer) {
    let server = TestServer::start(move |_, request| reply(&request.target)).await;
    let client = client_for(&server).max_retries(0).build().unwrap();
    let number: sip_client::PhoneNumber = "+14150000000".parse().unwrap();
    let err = client.get_sip_config(&number).await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedResponse(_)), "{err:?}");
    (err, server)
}

/// Why the client did not follow the redirect it returned, as the error keeps it.
fn redirect_of(err: &Error) -> RedirectNotFollowed {
    let Error::UnexpectedResponse(unexpected) = err else {
        panic!("{err:?}")
    };
    *unexpected
        .redirect
        .clone()
        .expect("a redirect says why it was not followed")
}

const WRONG_CLAIM: &str = "a redirect to another origin";

#[tokio::test]
async fn a_redirect_that_stays_in_the_origin_is_not_said_to_leave_it() {
    // Forever within the origin: the client gives up after a few hops.
    let (err, server) = redirect_error(|target| Reply::Respond {
        status: 307,
        headers: vec![("location".into(), target.to_owned())],
        body: Vec::new(),
    })
    .await;
    assert!(server.request_count() > 1, "the same origin is followed");
    assert_eq!(redirect_of(&err), RedirectNotFollowed::TooMany);
    let text = err.to_string();
    assert!(!text.contains(WRONG_CLAIM), "{text}");
    assert!(
        text.contains("(one redirect too many: the client follows at most 5 in a row)"),
        "{text}"
    );

    // No Location at all, and one that is not a URL.
    for headers in [
        Vec::new(),
        vec![("location".to_owned(), "http://[::1".to_owned())],
    ] {
        let (err, server) = redirect_error(move |_| Reply::Respond {
            status: 302,
            headers: headers.clone(),
            body: Vec::new(),
        })
        .await;
        assert_eq!(server.request_count(), 1);
        assert_eq!(redirect_of(&err), RedirectNotFollowed::NoLocation);
        let text = err.to_string();
        assert!(!text.contains(WRONG_CLAIM), "{text}");
        assert!(
            text.contains("(a redirect without a usable Location, which cannot be followed)"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_redirect_to_another_origin_names_that_origin() {
    let elsewhere = TestServer::always(Reply::json(200, "{}")).await;
    let target = format!("{}/v1/sip", elsewhere.url());
    let (err, _server) = redirect_error(move |_| Reply::Respond {
        status: 302,
        headers: vec![("location".into(), target.clone())],
        body: Vec::new(),
    })
    .await;
    let origin = elsewhere.url().trim_end_matches('/').to_owned();
    assert_eq!(
        redirect_of(&err),
        RedirectNotFollowed::OtherOrigin(origin.clone())
    );
    let text = err.to_string();
    assert!(
        text.contains(&format!(
            "(a redirect to another origin, {origin}, which the client does not follow)"
        )),
        "{text}"
    );
    assert_eq!(elsewhere.request_count(), 0);
}

/// The errors of a `get_sip_config` call answered with `reply`.
async fn get_error(reply: Reply) -> Error {
    let server = TestServer::always(reply).await;
    let client = client_for(&server).max_retries(0).build().unwrap();
    client
        .get_sip_config("+14150000000".to_owned())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn an_api_key_the_server_echoes_is_masked_in_the_library_errors() {
    use sip_client_tests::TEST_API_KEY;
    let echoed = format!("the key {TEST_API_KEY} is not valid");
    for reply in [
        // Bland's error envelope, under an error status and under a success status.
        Reply::json(
            401,
            json!({"errors": [{"error": "BAD_KEY", "message": echoed}]}).to_string(),
        ),
        Reply::json(
            200,
            json!({"data": null, "errors": [{"error": echoed, "message": "x"}]}).to_string(),
        ),
        // An answer that is no envelope: its excerpt.
        Reply::Respond {
            status: 418,
            headers: vec![("content-type".into(), "text/html".into())],
            body: format!("<html>{echoed}</html>").into_bytes(),
        },
    ] {
        let err = get_error(reply).await;
        for view in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
            assert!(!view.contains(TEST_API_KEY), "{view}");
            assert!(view.contains("the key <api key> is not valid"), "{view}");
        }
        // The excerpt is masked, its length is the answer's.
        if let Error::UnexpectedResponse(unexpected) = &err {
            assert_eq!(unexpected.body_len, format!("<html>{echoed}</html>").len());
        }
    }
    // Headers a server wrote and an error shows: the content type of an unexpected answer,
    // under an error status and under a success status, and the origin of a redirect not
    // followed (the key is a valid host name).
    let content_type = format!("text/{TEST_API_KEY}");
    for (reply, shown) in [
        (
            Reply::Respond {
                status: 500,
                headers: vec![("content-type".into(), content_type.clone())],
                body: b"no".to_vec(),
            },
            "2 bytes of text/<api key>",
        ),
        (
            Reply::Respond {
                status: 200,
                headers: vec![("content-type".into(), content_type.clone())],
                body: b"no".to_vec(),
            },
            "2 bytes of text/<api key>",
        ),
        (
            Reply::Respond {
                status: 307,
                headers: vec![(
                    "location".into(),
                    format!("https://{TEST_API_KEY}.example/x"),
                )],
                body: Vec::new(),
            },
            "https://<api key>.example",
        ),
    ] {
        let err = get_error(reply).await;
        assert!(matches!(err, Error::UnexpectedResponse(_)), "{err:?}");
        for view in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
            assert!(!view.contains(TEST_API_KEY), "{view}");
        }
        assert!(err.to_string().contains(shown), "{err}");
    }
    // Echoed with JSON escapes (PHP writes `/` as `\/`; any character may be `\u00XX`),
    // the key is not in the raw answer, but it is in the entries once decoded: masked there.
    let escaped: String = TEST_API_KEY
        .chars()
        .map(|c| format!("\\u{:04x}", u32::from(c)))
        .collect();
    for body in [
        format!(
            r#"{{"errors": [{{"error": "BAD_KEY", "message": "the key {escaped} is not valid"}}]}}"#
        ),
        format!(r#"{{"errors": [{{"error": "the key {escaped} is not valid"}}]}}"#),
    ] {
        assert!(!body.contains(TEST_API_KEY));
        for status in [401, 200] {
            let err = get_error(Reply::json(status, body.clone())).await;
            assert!(matches!(err, Error::Api(_)), "{err:?}");
            for view in [err.to_string(), format!("{err:?}")] {
                assert!(!view.contains(TEST_API_KEY), "{status}: {view}");
                assert!(view.contains("the key <api key> is not valid"), "{view}");
            }
        }
    }
    // A success that does not decode keeps its body for the caller: masked too.
    let err = get_error(Reply::json(
        200,
        json!({"data": {"inbound": 5, "note": echoed}}).to_string(),
    ))
    .await;
    let Error::Decode(decode) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    let body = String::from_utf8(decode.body.to_vec()).unwrap();
    assert!(!body.contains(TEST_API_KEY), "{body}");
    assert!(body.contains("the key <api key> is not valid"), "{body}");
    // The key where a timestamp belongs: the message names the field, not its text. The
    // key as a key of an object kept whole (`options`), under a value nested deeper than
    // serde_json reads: the JSON path has it masked.
    let too_deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    for (inbound, path) in [
        (
            json!({"created_at": TEST_API_KEY}).to_string(),
            "data.inbound.created_at",
        ),
        (
            format!(r#"{{"options": {{"{TEST_API_KEY}": {too_deep}}}}}"#),
            "data.inbound.options.<api key>",
        ),
    ] {
        let answer = format!(r#"{{"data": {{"inbound": {inbound}}}}}"#);
        let err = get_error(Reply::json(200, answer)).await;
        let Error::Decode(decode) = &err else {
            panic!("expected a decode error, got {err:?}")
        };
        for view in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
            assert!(!view.contains(TEST_API_KEY), "{view}");
        }
        assert!(decode.path.starts_with(path), "{decode:?}");
    }
}

#[tokio::test]
async fn raw_json_in_answers_has_its_secret_looking_keys_redacted_in_debug() {
    let mut answer: serde_json::Value =
        serde_json::from_slice(&sip_client_tests::fixture("ops/get_sip_config.json")).unwrap();
    answer["data"]["inbound"]["options"] = json!({"SIP_PASSWORD": "LEAK1", "auth_token": "LEAK2",
        "pbx_pass": "LEAK3", "mapping": "kept"});
    answer["data"]["inbound"]["headers"] = json!([{"password": "LEAK4", "name": "X-Kept"}]);
    let server = TestServer::always(Reply::json(200, answer.to_string())).await;
    let client = client_for(&server).max_retries(0).build().unwrap();
    let config = client
        .get_sip_config("+14150000000".to_owned())
        .await
        .unwrap();
    let inbound = config.inbound.as_ref().unwrap();
    // Decoded unchanged: only Debug hides the values.
    assert_eq!(
        inbound.options.as_ref().unwrap().extra["SIP_PASSWORD"],
        "LEAK1"
    );
    for view in [format!("{config:?}"), format!("{config:#?}")] {
        for leak in ["LEAK1", "LEAK2", "LEAK3", "LEAK4"] {
            assert!(!view.contains(leak), "{view}");
        }
        assert!(
            view.contains(r#""SIP_PASSWORD": String("<redacted>")"#),
            "{view}"
        );
        assert!(view.contains(r#""mapping": String("kept")"#), "{view}");
        assert!(view.contains("X-Kept"), "{view}");
    }
}

#[test]
fn builders_of_raw_json_redact_it_in_debug_too() {
    let mut extra = serde_json::Map::new();
    extra.insert("register_secret".into(), json!("LEAK5"));
    extra.insert("transport".into(), json!("tls"));
    let builder = sip_client::SipOptions::builder().extra(extra);
    let view = format!("{builder:?}");
    assert!(!view.contains("LEAK5"), "{view}");
    assert!(view.contains(r#""transport": String("tls")"#), "{view}");
    let options = builder.build().unwrap();
    let view = format!("{options:?}");
    assert!(!view.contains("LEAK5"), "{view}");
}

/// A key holding `/`, echoed as PHP's JSON writes it (`\/`) in an answer outside Bland's
/// envelope: masked in the excerpt of the unexpected answer, in `Display` and `Debug`.
#[tokio::test]
async fn a_key_echoed_with_escaped_slashes_is_masked_in_an_unexpected_answer() {
    let key = "sk-live/abc/def12345";
    let body = r#"{"detail":"key sk-live\/abc\/def12345 invalid"}"#;
    let server = TestServer::always(Reply::json(500, body)).await;
    let client = sip_client::Client::builder()
        .api_key(key)
        .base_url(server.url())
        .max_retries(0)
        .build()
        .unwrap();
    let err = client
        .get_sip_config("+14150000000".to_owned())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnexpectedResponse(_)), "{err:?}");
    for view in [err.to_string(), format!("{err:?}")] {
        assert!(!view.contains("abc"), "{view}");
        assert!(view.contains("<api key>"), "{view}");
    }
}

/// A key with capitals in the host of a redirect elsewhere: URL parsing writes the host in
/// small letters, and the key is masked so (found by a review: only the key as sent was
/// looked for).
#[tokio::test]
async fn a_key_with_capitals_in_a_redirects_host_is_masked() {
    const KEY: &str = "Sk-AbCdEfGh0123";
    let server = TestServer::always(Reply::Respond {
        status: 307,
        headers: vec![("location".into(), format!("https://{KEY}.example/x"))],
        body: Vec::new(),
    })
    .await;
    let client = client_for(&server)
        .api_key(KEY)
        .max_retries(0)
        .build()
        .unwrap();
    let err = client
        .get_sip_config("+14150000000".to_owned())
        .await
        .unwrap_err();
    for view in [err.to_string(), format!("{err:?}")] {
        assert!(!view.to_lowercase().contains(&KEY.to_lowercase()), "{view}");
    }
    assert!(
        err.to_string().contains("https://<api key>.example"),
        "{err}"
    );
}

/// A server may quote back a secret the request carried (a password it refused), as
/// validation frameworks do: FastAPI's `"input"`, express-validator's `"value"`, Joi's text
/// in a message. The request's secrets are masked in every error built from the answer, as
/// the API key is: typed ones and those under a secret-looking key of an open map, as sent
/// and as a JSON string escapes them.
#[tokio::test]
async fn a_secret_of_the_request_echoed_in_an_error_is_masked() {
    let password = "HUNTER2/\"SECRET";
    let escaped = r#"HUNTER2\/\"SECRET"#;
    let body: SipUpdateRequest = serde_json::from_value(json!({
        "phone_number": "+14150000000",
        "updates": {
            "type": "outbound",
            "sip_endpoint": "sip:new.provider.com",
            "options": {"sip_username": "u", "sip_password": password,
                        "pbx": {"secret": "open-map-secret"}}
        }
    }))
    .unwrap();
    let answers = [
        Reply::json(
            422,
            json!({"detail": [{"loc": ["body", "x"], "input": password}]}).to_string(),
        ),
        Reply::json(400, format!(r#"{{"errors": [{{"value": "{escaped}"}}]}}"#)),
        Reply::json(
            400,
            json!({"data": null, "errors": [{"error": "INVALID",
                "message": format!("\"sip_password\" with value \"{password}\" fails; open-map-secret too")}]})
            .to_string(),
        ),
        Reply::json(200, json!({"data": 5, "echo": [password]}).to_string()),
        Reply::Respond {
            status: 400,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: format!("password {password} rejected").into_bytes(),
        },
    ];
    for answer in answers {
        let server = TestServer::always(answer).await;
        let client = client_for(&server).max_retries(0).build().unwrap();
        let err = client.update_sip(body.clone()).await.unwrap_err();
        let mut views = vec![err.to_string(), format!("{err:?}"), format!("{err:#?}")];
        match &err {
            Error::UnexpectedResponse(unexpected) => {
                views.push(String::from_utf8_lossy(&unexpected.body_prefix).into_owned())
            }
            Error::Decode(decode) => views.push(String::from_utf8_lossy(&decode.body).into_owned()),
            Error::Api(api) => views.push(format!("{:?}", api.errors)),
            other => panic!("{other:?}"),
        }
        for view in views {
            for secret in ["HUNTER2", "open-map-secret"] {
                assert!(!view.contains(secret), "{secret} in {view}");
            }
        }
    }
}

/// The request's secrets are masked after the answer is decoded, not in the bytes it is
/// decoded from: a secret that is also JSON's text (`null`, a number's digits) leaves
/// Bland's error envelope Bland's error, its entries masked. A header of the answer that
/// echoes a secret is hidden from `Debug`.
#[tokio::test]
async fn masking_a_secret_does_not_change_what_the_answer_was() {
    let body: SipUpdateRequest = serde_json::from_value(json!({
        "phone_number": "+14150000000",
        "updates": {"type": "outbound", "sip_endpoint": "sip:a.example.com",
                    "options": {"sip_password": "null", "pbx": {"pin": 4321}}}
    }))
    .unwrap();
    let envelope = r#"{"data": null, "retry_in": 143210,
        "errors": [{"error": "BAD", "message": "password null and pin 4321 refused"}]}"#;
    let server =
        TestServer::always(Reply::json(400, envelope).with_header("x-debug-input", "pin=4321"))
            .await;
    let client = client_for(&server).max_retries(0).build().unwrap();
    let err = client.update_sip(body).await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        api.errors[0].message.as_deref(),
        Some("password <redacted> and pin <redacted> refused")
    );
    assert!(api.headers()["x-debug-input"].is_sensitive());
    assert!(!format!("{err:?}").contains("4321"), "{err:?}");
}
