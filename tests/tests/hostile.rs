//! Hostile servers and extreme settings, against the library: no setting and no answer may
//! panic, a malformed answer is a typed error that is not retried, and a redirect to another
//! origin is never followed.

use std::time::{Duration, Instant};

use sip_client::{Client, Error, NotRetried, PhoneNumber, RedirectNotFollowed, TransportErrorKind};
use sip_client_tests::server::{Reply, TestServer};
use sip_client_tests::{TEST_API_KEY, client_for, fixture};

fn number() -> PhoneNumber {
    "+14150000000".parse().unwrap()
}

fn seed() -> Reply {
    Reply::json(200, fixture("seed_example.json"))
}

#[tokio::test]
async fn durations_too_long_for_the_clock_mean_no_limit() {
    let server = TestServer::always(seed()).await;
    let client = client_for(&server)
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .attempt_timeout(Duration::MAX)
        .max_retry_after(Duration::MAX)
        .backoff(Duration::MAX, Duration::MAX)
        .build()
        .unwrap();
    let data = client.get_sip_config(number()).await.unwrap();
    assert_eq!(data.inbound.unwrap().id, "abc123");
    // Per call too.
    client
        .get_sip_config(number())
        .timeout(Duration::MAX)
        .attempt_timeout(Duration::MAX)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_huge_retry_after_is_not_waited_for_and_said_capped() {
    let server = TestServer::always(
        Reply::json(429, fixture("rate_limited.json"))
            .with_header("retry-after", "18446744073709551615"),
    )
    .await;
    let client = client_for(&server)
        .max_retry_after(Duration::MAX)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.get_sip_config(number()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "no wait at all");
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.retry_after, Some(Duration::from_secs(u64::MAX)));
    assert_eq!(err.retry_after(), api.retry_after);
    assert!(
        matches!(api.not_retried, Some(NotRetried::WaitPastDeadline { wait, .. }) if wait == Duration::from_secs(u64::MAX)),
        "{api:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("not retried: the wait before another attempt"),
        "{text}"
    );
    assert!(!text.contains("retried as far as allowed"), "{text}");

    // Capped: the message gives the capped figure.
    let client = client_for(&server)
        .max_retry_after(Duration::from_secs(30))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let text = client
        .get_sip_config(number())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("the wait before another attempt (30s) would use up the"),
        "{text}"
    );
    assert!(!text.contains("18446744073709551615"), "{text}");
}

/// A 503 from a proxy or load balancer, without Bland's envelope, asking for an hour: the
/// client does not wait that long, and the caller gets what the server asked for.
#[tokio::test]
async fn the_retry_after_of_an_answer_without_an_envelope_reaches_the_caller() {
    let server = TestServer::always(
        Reply::Respond {
            status: 503,
            headers: vec![("content-type".into(), "text/html".into())],
            body: b"<html>busy</html>".to_vec(),
        }
        .with_header("retry-after", "3600"),
    )
    .await;
    let client = client_for(&server)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    let Error::UnexpectedResponse(unexpected) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(unexpected.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert!(
        matches!(
            unexpected.not_retried,
            Some(NotRetried::WaitPastDeadline { .. })
        ),
        "{unexpected:?}"
    );
    assert_eq!(server.request_count(), 1);
    // An answer without `Retry-After` has none; an error without an answer neither.
    let server = TestServer::always(Reply::json(500, "{}")).await;
    let client = client_for(&server).max_retries(0).build().unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedResponse(_)), "{err:?}");
    assert_eq!(err.retry_after(), None);
    let err = client
        .get_sip_config("+1 415".to_owned())
        .await
        .unwrap_err();
    assert_eq!(err.retry_after(), None);
}

#[tokio::test]
async fn huge_backoff_is_not_waited_for() {
    let server = TestServer::always(Reply::json(503, "{}")).await;
    let client = client_for(&server)
        .backoff(Duration::MAX, Duration::MAX)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedResponse(u) if matches!(u.not_retried, Some(NotRetried::WaitPastDeadline { .. }))),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn malformed_answers_are_protocol_errors_and_not_retried() {
    let many_headers: String = (0..150).map(|i| format!("x-h{i}: v\r\n")).collect();
    for raw in [
        b"garbage that is not HTTP\r\n\r\n".to_vec(),
        b"HTTP/1.1 2000 Weird\r\ncontent-length: 0\r\n\r\n".to_vec(),
        format!("HTTP/1.1 200 OK\r\n{many_headers}content-length: 0\r\n\r\n").into_bytes(),
    ] {
        let server = TestServer::always(Reply::Raw(raw.clone())).await;
        let client = client_for(&server).max_retries(3).build().unwrap();
        let err = client.get_sip_config(number()).await.unwrap_err();
        let Error::Transport(transport) = &err else {
            panic!("{:?}: {err:?}", String::from_utf8_lossy(&raw[..20]))
        };
        assert_eq!(
            transport.kind,
            TransportErrorKind::Protocol,
            "{:?}: {err}",
            String::from_utf8_lossy(&raw[..20])
        );
        assert!(!err.is_retryable());
        assert_eq!(server.request_count(), 1, "a protocol error is not retried");
        assert!(
            err.to_string()
                .starts_with("the server's answer is not valid HTTP"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn redirects_to_another_origin_are_not_followed() {
    let elsewhere = TestServer::always(seed()).await;
    let target = format!("{}/v1/sip?phone_number=%2B14150000000", elsewhere.url());
    let server = TestServer::always(Reply::Respond {
        status: 302,
        headers: vec![("location".into(), target)],
        body: Vec::new(),
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    let Error::UnexpectedResponse(unexpected) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(unexpected.status.as_u16(), 302);
    assert!(
        err.to_string().contains("a redirect to another origin"),
        "{err}"
    );
    assert_eq!(elsewhere.request_count(), 0, "the other origin saw nothing");
}

/// A redirect not followed is always the unexpected answer that says why, also when its
/// body reads as Bland's error envelope: it was returned as `Error::Api` with the envelope's
/// message, and nothing said that the call had been redirected.
#[tokio::test]
async fn a_redirect_not_followed_says_so_whatever_its_body() {
    let envelope = br#"{"data": null, "errors": [{"error": "MOVED", "message": "see elsewhere"}]}"#;
    let server = TestServer::always(Reply::Respond {
        status: 307,
        headers: vec![
            ("location".into(), "https://elsewhere.example/v1/sip".into()),
            ("content-type".into(), "application/json".into()),
        ],
        body: envelope.to_vec(),
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    let Error::UnexpectedResponse(unexpected) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(unexpected.status.as_u16(), 307);
    assert_eq!(
        unexpected.redirect.as_deref(),
        Some(&RedirectNotFollowed::OtherOrigin(
            "https://elsewhere.example".to_owned()
        ))
    );
    assert_eq!(unexpected.body_len, envelope.len());
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn redirects_within_the_origin_are_followed() {
    let server = TestServer::start(|_, request| {
        if request.target.starts_with("/v1/sip?") {
            Reply::Respond {
                status: 307,
                headers: vec![(
                    "location".into(),
                    "/moved/v1/sip?phone_number=%2B14150000000".into(),
                )],
                body: Vec::new(),
            }
        } else {
            seed()
        }
    })
    .await;
    let client = client_for(&server).build().unwrap();
    client.get_sip_config(number()).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1].target,
        "/moved/v1/sip?phone_number=%2B14150000000"
    );
    // The key is sent to the same origin only.
    assert_eq!(requests[1].header("authorization"), Some(TEST_API_KEY));
}

/// A 3xx that is no redirect (300 offers choices, 304 answers a conditional request) is an
/// unexpected answer, not "a redirect ... not followed": with a Location in the same origin
/// it was said to come "after as many redirects in a row as the client follows".
#[tokio::test]
async fn a_3xx_that_is_no_redirect_is_not_reported_as_one() {
    for status in [300, 304, 305] {
        let server = TestServer::always(Reply::Respond {
            status,
            headers: vec![("location".into(), "/v1/sip/elsewhere".into())],
            body: Vec::new(),
        })
        .await;
        let client = client_for(&server).max_retries(0).build().unwrap();
        let err = client.get_sip_config(number()).await.unwrap_err();
        let Error::UnexpectedResponse(unexpected) = &err else {
            panic!("{status}: {err:?}")
        };
        assert_eq!(unexpected.status.as_u16(), status);
        assert_eq!(unexpected.redirect, None, "{status}");
        assert!(!err.to_string().contains("redirect"), "{status}: {err}");
        assert_eq!(server.request_count(), 1, "{status}: not followed");
    }
}

/// A server whose first `hops` answers redirect within its origin, one hop further each.
async fn redirect_chain(hops: usize) -> TestServer {
    TestServer::start(move |n, _| {
        if n < hops {
            Reply::Respond {
                status: 307,
                headers: vec![(
                    "location".into(),
                    format!("/hop/{}/v1/sip?phone_number=%2B14150000000", n + 1),
                )],
                body: Vec::new(),
            }
        } else {
            seed()
        }
    })
    .await
}

#[tokio::test]
async fn five_redirects_are_followed_and_a_sixth_is_the_answer() {
    let server = redirect_chain(5).await;
    let client = client_for(&server).build().unwrap();
    client.get_sip_config(number()).await.unwrap();
    assert_eq!(server.request_count(), 6);
    assert!(server.requests()[5].target.starts_with("/hop/5/"));

    let server = redirect_chain(6).await;
    let client = client_for(&server).max_retries(0).build().unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    let Error::UnexpectedResponse(unexpected) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(unexpected.status.as_u16(), 307);
    assert_eq!(
        server.request_count(),
        6,
        "the sixth redirect is not followed"
    );
}

#[tokio::test]
async fn server_text_in_errors_is_escaped() {
    let body = serde_json::json!({
        "data": null,
        "errors": [{
            "error": "SIP_NOT_ENABLED\nerror: forged line",
            "message": "\u{1b}[31mred\u{1b}[0m\r\u{202e}desrever"
        }]
    });
    let server = TestServer::always(
        Reply::json(400, serde_json::to_vec(&body).unwrap())
            .with_header("content-type", "application/json"),
    )
    .await;
    let client = client_for(&server).build().unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    let text = err.to_string();
    assert!(!text.contains('\n') && !text.contains('\r'), "{text:?}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
    assert!(
        text.contains("SIP_NOT_ENABLED\\u{a}error: forged line"),
        "{text}"
    );
    assert!(text.contains("\\u{1b}[31mred"), "{text}");
    // The typed entries keep the text as sent.
    assert_eq!(
        err.api_errors()[0].error,
        "SIP_NOT_ENABLED\nerror: forged line"
    );

    // An unexpected content type is escaped too.
    let server = TestServer::always(Reply::Respond {
        status: 502,
        headers: vec![("content-type".into(), "text/html\u{1b}[2J".into())],
        body: b"<html>".to_vec(),
    })
    .await;
    let client = client_for(&server).max_retries(0).build().unwrap();
    let text = client
        .get_sip_config(number())
        .await
        .unwrap_err()
        .to_string();
    assert!(!text.contains('\u{1b}'), "{text:?}");

    // The excerpt of an unexpected body: what Rust's `Debug` of a string keeps but renders
    // as nothing (Hangul fillers) is escaped too, in `Display` and `Debug`.
    let server = TestServer::always(Reply::Respond {
        status: 502,
        headers: vec![("content-type".into(), "text/plain".into())],
        body: "bad\u{3164}\u{115f}\u{ffa0}gateway\n\u{1b}[2J"
            .as_bytes()
            .to_vec(),
    })
    .await;
    let client = client_for(&server).max_retries(0).build().unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.chars().any(sip_client::Escaped::escapes), "{text:?}");
        assert!(
            text.contains(r#""bad\u{3164}\u{115f}\u{ffa0}gateway\n\u{1b}[2J""#),
            "{text}"
        );
    }
}

/// A server that echoes a request's password in an error body that is not Bland's envelope
/// (a proxy's or framework's error page): the excerpt in `Display` and `Debug` shows the
/// value redacted, while the field keeps the bytes as they came.
#[tokio::test]
async fn a_password_echoed_in_an_unexpected_answer_is_redacted_where_it_is_shown() {
    let body = br#"{"detail": "validation failed", "input": {"phone_number": "+14150000000", "sip_password": "s3cret-pa55word", "credentials": {"user": "u", "pin": 4321}}}"#;
    let server = TestServer::always(Reply::Respond {
        status: 422,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.to_vec(),
    })
    .await;
    let client = client_for(&server).max_retries(0).build().unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    let Error::UnexpectedResponse(unexpected) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(&unexpected.body_prefix[..], &body[..]);
    for shown in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(!shown.contains("4321"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        assert!(shown.contains("validation failed"), "{shown}");
    }
}

/// Bland's own error envelope whose message repeats the request it refused, password and
/// all (found by a probe of the CLI: `error:` printed it): the entries hold the secret
/// values redacted, under an error status and under a success one alike, and nothing shows
/// them; what is not secret stays as it came.
#[tokio::test]
async fn a_password_echoed_in_a_bland_error_message_is_redacted() {
    let message = r#"invalid request: {"phone_number": "+14150000000", "register_auth": {"username": "u", "password": "supersecret1"}, "sip_password": "s3cret-pa55word"}"#;
    for status in [400, 200] {
        let body = serde_json::json!({"data": null, "errors": [
            {"error": "INVALID_BODY", "message": message},
            {"error": "password: \"hunter22\"", "message": null}
        ]});
        let server =
            TestServer::always(Reply::json(status, serde_json::to_vec(&body).unwrap())).await;
        let client = client_for(&server).max_retries(0).build().unwrap();
        let err = client.get_sip_config(number()).await.unwrap_err();
        let Error::Api(api) = &err else {
            panic!("{status}: {err:?}")
        };
        let entries = format!("{:?}", api.errors);
        for shown in [err.to_string(), format!("{err:?}"), entries] {
            for secret in ["supersecret1", "s3cret-pa55word"] {
                assert!(!shown.contains(secret), "{status}: {shown}");
            }
            assert!(shown.contains("<redacted>"), "{status}: {shown}");
            assert!(shown.contains("INVALID_BODY"), "{status}: {shown}");
            assert!(shown.contains("+14150000000"), "{status}: {shown}");
        }
        assert_eq!(api.errors[0].error, "INVALID_BODY");
        assert!(
            api.errors[0]
                .message
                .as_deref()
                .unwrap()
                .starts_with("invalid request: {")
        );
    }
}

/// A server's error text is shown escaped, at most 512 bytes of it as shown an entry (cut
/// between characters and escapes, marked `...`): a message of 300,000 zero-width spaces
/// (found by a probe of the CLI, which printed 2.7 MB on one line) cannot flood a terminal
/// or a log. The entry keeps it whole.
#[tokio::test]
async fn a_servers_long_error_text_is_shown_cut() {
    let flood = "\u{200b}".repeat(300_000);
    let body = serde_json::json!({"errors": [{"error": "E".repeat(600), "message": flood}]});
    let server = TestServer::always(Reply::json(400, serde_json::to_vec(&body).unwrap())).await;
    let client = client_for(&server).max_retries(0).build().unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.errors[0].message.as_deref(), Some(flood.as_str()));
    let shown = err.to_string();
    assert_eq!(shown.matches('E').count(), 512, "{shown}");
    // Each escape is 8 bytes shown.
    assert_eq!(shown.matches("\\u{200b}").count(), 512 / 8, "{shown}");
    assert_eq!(shown.matches("...").count(), 2, "{shown}");
    assert!(shown.len() < 1200, "{}", shown.len());
}

/// A success whose body says it is not JSON (a proxy's login page under 200) is an answer
/// outside the contract, shown with its media type and first bytes; it was a decode error
/// at `.` that showed neither (found by a probe of the CLI). A body that says JSON, or says
/// nothing, and does not decode is still a decode error.
#[tokio::test]
async fn a_success_that_is_not_json_is_an_unexpected_answer() {
    let page = b"<html><body>Please log in to the corporate proxy</body></html>";
    let answer = |content_type: Option<&str>| Reply::Respond {
        status: 200,
        headers: content_type
            .map(|ty| vec![("content-type".into(), ty.into())])
            .unwrap_or_default(),
        body: page.to_vec(),
    };
    let server = TestServer::always(answer(Some("text/html; charset=utf-8"))).await;
    let client = client_for(&server).max_retries(0).build().unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    let Error::UnexpectedResponse(unexpected) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(unexpected.status, 200);
    assert_eq!(
        unexpected.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(&unexpected.body_prefix[..], &page[..]);
    assert_eq!(unexpected.body_len, page.len());
    let shown = err.to_string();
    assert!(shown.contains("text/html"), "{shown}");
    assert!(shown.contains("corporate proxy"), "{shown}");

    for content_type in [
        Some("application/json"),
        Some("application/problem+json"),
        None,
    ] {
        let server = TestServer::always(answer(content_type)).await;
        let client = client_for(&server).max_retries(0).build().unwrap();
        let err = client.get_sip_config(number()).await.unwrap_err();
        assert!(matches!(err, Error::Decode(_)), "{content_type:?}: {err:?}");
    }
}

/// A timestamp whose offset carries it past the year 9999 in UTC is a decode error at its
/// path: kept, it printed as `+10000-01-01T...`, which no RFC 3339 reader (ours included)
/// takes back.
#[tokio::test]
async fn a_timestamp_past_the_years_rfc_3339_writes_is_a_decode_error() {
    let mut answer: serde_json::Value =
        serde_json::from_slice(&fixture("seed_example.json")).unwrap();
    answer["data"]["inbound"]["created_at"] = "9999-12-31T23:00:00-02:00".into();
    let server = TestServer::always(Reply::json(200, serde_json::to_vec(&answer).unwrap())).await;
    let client = client_for(&server).build().unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.path, "data.inbound.created_at");
    assert!(
        decode.message.contains("out of range"),
        "{}",
        decode.message
    );
}

#[test]
fn no_error_display_repeats_its_cause() {
    // A transport error says its own layer; the cause is its source, said once.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = runtime.block_on(async {
        let server = TestServer::always(Reply::Close).await;
        Client::builder()
            .api_key(TEST_API_KEY)
            .base_url(server.url())
            .max_retries(0)
            .build()
            .unwrap()
            .get_sip_config(number())
            .await
            .unwrap_err()
    });
    let mut layers = vec![err.to_string()];
    let mut cause = std::error::Error::source(&err);
    while let Some(source) = cause {
        layers.push(source.to_string());
        cause = source.source();
    }
    assert_eq!(layers[0], "the connection closed before an answer came");
    assert!(layers.len() >= 2, "{layers:?}");
    for (index, layer) in layers.iter().enumerate() {
        for later in &layers[index + 1..] {
            assert!(
                !layer.contains(later.as_str()),
                "{layer:?} repeats its cause {later:?}"
            );
        }
    }
}

/// The `Content-Length` a server announces is its word, not bytes that arrived: with no
/// practical cap (`max_body_size(usize::MAX)`), an announced 10^18 bytes reserved that much
/// memory before the second read, and the failed allocation aborted the process.
#[tokio::test]
async fn an_announced_length_reserves_no_memory_the_body_does_not_bring() {
    let server = TestServer::always(Reply::Pieces {
        declared_len: 999_999_999_999_999_999,
        pieces: vec![b"{\"data\"".to_vec(), b": {}".to_vec()],
        pause: Duration::from_millis(200),
    })
    .await;
    let client = client_for(&server)
        .max_body_size(usize::MAX)
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    // The body ends long before its announced length: the connection broke off.
    let Error::Transport(transport) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(transport.kind, TransportErrorKind::Body, "{err}");
    assert_eq!(server.request_count(), 1);
}
