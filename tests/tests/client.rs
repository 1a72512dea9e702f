//! Behaviour of the client users depend on, against the recording server: auth, validation,
//! retries, time limits, forward compatibility, and the generated builders.

use std::time::{Duration, Instant};

use sip_client::{
    AuthMode, Client, Direction, Error, PhoneNumber, SIP_NOT_ENABLED, Transport, TransportErrorKind,
};
use sip_client_tests::server::{RefusingPort, Reply, TestServer};
use sip_client_tests::{TEST_API_KEY, client_for, error_for, fixture};

fn seed() -> Reply {
    Reply::json(200, fixture("seed_example.json"))
}

fn number() -> PhoneNumber {
    "+14150000000".parse().unwrap()
}

#[tokio::test]
async fn sends_what_bland_documents_and_decodes_the_answer() {
    let server = TestServer::always(seed()).await;
    let client = client_for(&server).build().unwrap();
    let config = client.get_sip_config(number()).await.unwrap();
    assert_eq!(config.inbound.unwrap().id, "abc123");
    assert_eq!(config.outbound.unwrap().id, "def789");

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.target, "/v1/sip?phone_number=%2B14150000000");
    assert_eq!(request.header("authorization"), Some(TEST_API_KEY));
    assert_eq!(
        request.header("user-agent"),
        Some(sip_client::DEFAULT_USER_AGENT)
    );
    let version = xtask::generate::crate_version(&sip_client_tests::workspace_root()).unwrap();
    assert_eq!(
        sip_client::DEFAULT_USER_AGENT,
        format!("sip-client/{version}")
    );
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("api-version"), None);
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn bearer_auth_sends_bearer_key() {
    let server = TestServer::always(seed()).await;
    let client = client_for(&server).bearer_auth().build().unwrap();
    client.get_sip_config(number()).await.unwrap();
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(format!("Bearer {TEST_API_KEY}").as_str())
    );
}

#[tokio::test]
async fn invalid_numbers_never_leave_the_process() {
    let server = TestServer::always(seed()).await;
    let client = client_for(&server).build().unwrap();
    for bad in [
        "14150000000",
        "+1 415 000 0000",
        "",
        "+0415",
        "+1234567890123456",
    ] {
        let err = client.get_sip_config(bad.to_owned()).await.unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput(input) if input.field == "phone_number"),
            "{bad:?}: {err:?}"
        );
        assert!(err.to_string().ends_with("no request was sent"), "{err}");
        // The generated builder validates through the same type.
        let err = client
            .raw()
            .get_sip_config()
            .phone_number(bad)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(err, sip_client::raw::Error::InvalidRequest(_)),
            "{bad:?}: {err:?}"
        );
    }
    assert_eq!(server.request_count(), 0, "the server saw nothing");
}

#[tokio::test]
async fn generated_builder_sends_the_same_request_as_the_front_door() {
    let server = TestServer::always(seed()).await;
    let client = client_for(&server).build().unwrap();
    client.get_sip_config(number()).await.unwrap();
    let response = client
        .raw()
        .get_sip_config()
        .phone_number(number())
        .send()
        .await
        .unwrap();
    let envelope = response.into_inner();
    assert_eq!(
        envelope.data,
        client.get_sip_config(number()).await.unwrap()
    );

    let requests = server.requests();
    let (front, raw) = (&requests[0], &requests[1]);
    assert_eq!(front.method, raw.method);
    assert_eq!(front.target, raw.target);
    let mut front_headers = front.headers.clone();
    let mut raw_headers = raw.headers.clone();
    front_headers.sort();
    raw_headers.sort();
    assert_eq!(front_headers, raw_headers);
}

#[tokio::test]
async fn retries_5xx_then_succeeds() {
    let server = TestServer::start(|n, _| {
        if n < 2 {
            Reply::json(503, "{}")
        } else {
            seed()
        }
    })
    .await;
    let client = client_for(&server).build().unwrap();
    client.get_sip_config(number()).await.unwrap();
    assert_eq!(server.request_count(), 3);
}

/// `send_with_response()` gives the status and headers of the answer that succeeded, and
/// the attempts it took; the data is what `.await` gives. Headers that may be credentials
/// (a cookie, a key the server echoes) are marked sensitive, so `Debug` hides them.
#[tokio::test]
async fn a_response_carries_its_status_headers_and_attempts() {
    let server = TestServer::start(|n, _| match n {
        0 => Reply::json(503, "{}").with_header("x-request-id", "req-failed"),
        _ => seed()
            .with_header("x-request-id", "req-42")
            .with_header("set-cookie", "session=s3cr3t-cookie")
            .with_header("x-echo", &format!("key {TEST_API_KEY}")),
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let response = client
        .get_sip_config(number())
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.attempts(), 2);
    assert_eq!(response.headers()["x-request-id"], "req-42");
    assert_eq!(response.headers()["set-cookie"], "session=s3cr3t-cookie");
    let debug = format!("{response:?}");
    assert!(debug.contains("\"x-request-id\": \"req-42\""), "{debug}");
    for hidden in ["s3cr3t-cookie", TEST_API_KEY] {
        assert!(!debug.contains(hidden), "{hidden} in {debug}");
    }
    assert_eq!(
        response.into_data(),
        client.get_sip_config(number()).await.unwrap()
    );
    assert_eq!(server.request_count(), 3);
}

/// A key a server echoes in a header, written as JSON or a URL writes it (`\/`, `\u0073`,
/// `%2F` or `%2f`, `+` as it is in a path), is hidden as the key itself is; so are headers
/// named like credentials, and not a rate-limit figure named "tokens".
#[tokio::test]
async fn a_response_hides_the_key_however_a_header_writes_it() {
    let key = "sk-live/ab+cd0123";
    let server = TestServer::always(
        seed()
            .with_header("x-echo-json", "{\"key\": \"sk-live\\/ab+cd0123\"}")
            .with_header("link", "<https://x.example/?api_key=sk-live%2Fab%2Bcd0123>")
            .with_header("x-echo-lower", "q=sk-live%2fab%2bcd0123")
            .with_header("x-echo-path", "/keys/sk-live%2Fab+cd0123")
            .with_header("x-echo-unicode", r#"{"k": "\u0073k-live\/ab+cd0123"}"#)
            .with_header("x-bland-key", "bk-0")
            .with_header("x-auth", "user:pass")
            .with_header("x-ratelimit-remaining-tokens", "99"),
    )
    .await;
    let client = client_for(&server).api_key(key).build().unwrap();
    let response = client
        .get_sip_config(number())
        .send_with_response()
        .await
        .unwrap();
    let headers = response.headers();
    for hidden in [
        "x-echo-json",
        "link",
        "x-auth",
        "x-echo-lower",
        "x-echo-path",
        "x-echo-unicode",
        "x-bland-key",
    ] {
        assert!(headers[hidden].is_sensitive(), "{hidden}");
    }
    assert!(!headers["x-ratelimit-remaining-tokens"].is_sensitive());
    let debug = format!("{response:?}");
    for hidden in ["sk-live", "user:pass"] {
        assert!(!debug.contains(hidden), "{hidden} in {debug}");
    }
    assert!(
        debug.contains("\"x-ratelimit-remaining-tokens\": \"99\""),
        "{debug}"
    );
}

/// Bland's error envelope keeps the headers of the answer it came in (a request ID to quote
/// to support), after retries those of the last answer; a cookie among them is hidden from
/// `Debug`.
#[tokio::test]
async fn an_api_error_keeps_the_headers_of_its_answer() {
    let envelope = r#"{"data": null, "errors": [{"error": "RATE_LIMITED", "message": "slow"}]}"#;
    let server = TestServer::start(move |n, _| {
        Reply::json(429, envelope)
            .with_header("x-request-id", &format!("req-{n}"))
            .with_header("set-cookie", "sess=COOKIE-LEAK")
    })
    .await;
    let client = client_for(&server).max_retries(1).build().unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(api.attempts, 2);
    assert_eq!(api.headers()["x-request-id"], "req-1");
    assert!(api.headers()["set-cookie"].is_sensitive());
    let debug = format!("{err:?}");
    assert!(
        debug.contains("req-1") && !debug.contains("COOKIE-LEAK"),
        "{debug}"
    );
    // Under a success status too.
    let server =
        TestServer::always(Reply::json(200, envelope).with_header("x-request-id", "req-ok")).await;
    let client = client_for(&server).build().unwrap();
    match client.get_sip_config(number()).await.unwrap_err() {
        Error::Api(api) => assert_eq!(api.headers()["x-request-id"], "req-ok"),
        other => panic!("{other:?}"),
    }
    // Decoded from a body alone, it has none.
    let err = sip_client::decode_response::<sip_client::SipConfigEnvelope>(
        sip_client::reqwest::StatusCode::BAD_REQUEST,
        envelope.as_bytes().to_vec().into(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Api(api) if api.headers().is_empty()));
}

/// progenitor's errors (through `Client::raw()`) keep the answer and show its headers in
/// `Display` and `Debug`: a cookie and a key the server echoes are hidden there too.
#[tokio::test]
async fn the_raw_clients_errors_hide_credentials_among_the_headers() {
    let server = TestServer::always(
        Reply::json(502, "<html>bad gateway</html>")
            .with_header("set-cookie", "sess=COOKIE-LEAK")
            .with_header("x-echo", TEST_API_KEY),
    )
    .await;
    let client = client_for(&server).max_retries(0).build().unwrap();
    let err = client
        .raw()
        .get_sip_config()
        .phone_number("+14150000000")
        .send()
        .await
        .unwrap_err();
    let shown = format!("{err}\n{err:?}");
    assert!(shown.contains("502"), "{shown}");
    for hidden in ["COOKIE-LEAK", TEST_API_KEY] {
        assert!(!shown.contains(hidden), "{hidden} in {shown}");
    }
}

#[tokio::test]
async fn retries_stop_at_max_retries() {
    let server = TestServer::always(Reply::json(500, fixture("server_error.json"))).await;
    let client = client_for(&server).max_retries(3).build().unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    assert_eq!(server.request_count(), 4);
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.attempts, 4);
    assert_eq!(api.status.as_u16(), 500);
    assert!(err.is_retryable());

    let server = TestServer::always(Reply::json(503, "{}")).await;
    let client = client_for(&server).max_retries(0).build().unwrap();
    client.get_sip_config(number()).await.unwrap_err();
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn retries_408_429_and_closed_connections() {
    for first in [
        Reply::json(408, "{}"),
        Reply::json(429, fixture("rate_limited.json")),
        Reply::Close,
    ] {
        let server =
            TestServer::start(move |n, _| if n == 0 { first.clone() } else { seed() }).await;
        let client = client_for(&server).build().unwrap();
        client.get_sip_config(number()).await.unwrap();
        assert_eq!(server.request_count(), 2);
    }
}

#[tokio::test]
async fn other_4xx_are_not_retried() {
    for (status, body) in [
        (400, "sip_not_enabled.json"),
        (401, "unauthorized.json"),
        (403, "forbidden.json"),
        (404, "not_found.json"),
    ] {
        let server = TestServer::always(Reply::json(status, fixture(body))).await;
        let client = client_for(&server).build().unwrap();
        let err = client.get_sip_config(number()).await.unwrap_err();
        assert_eq!(server.request_count(), 1, "{status}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(!err.is_retryable());
    }
}

#[tokio::test]
async fn backoff_waits_grow() {
    let server = TestServer::always(Reply::json(503, "{}")).await;
    let client = client_for(&server)
        .backoff(Duration::from_millis(40), Duration::from_millis(1000))
        .max_retries(2)
        .build()
        .unwrap();
    let started = Instant::now();
    client.get_sip_config(number()).await.unwrap_err();
    // Waits of [20, 40] ms then [40, 80] ms: at least 60 ms in all. The upper bound only
    // says that the waits are bounded (generous, for a loaded machine).
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(60), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[tokio::test]
async fn retry_after_is_honoured_and_capped() {
    // Asked for 60 s, capped at 150 ms: the wait is the cap, not the backoff (5-20 ms), nor
    // the full minute.
    let server = TestServer::start(|n, _| {
        if n == 0 {
            Reply::json(429, fixture("rate_limited.json")).with_header("retry-after", "60")
        } else {
            seed()
        }
    })
    .await;
    let client = client_for(&server)
        .max_retry_after(Duration::from_millis(150))
        .build()
        .unwrap();
    let started = Instant::now();
    client.get_sip_config(number()).await.unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(150), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
    assert_eq!(server.request_count(), 2);

    // Within the cap, the server's wait is used as given: `Retry-After: 0` retries at once
    // where backoff would have waited at least 30 s.
    let server = TestServer::start(|n, _| {
        if n == 0 {
            Reply::json(503, "{}").with_header("retry-after", "0")
        } else {
            seed()
        }
    })
    .await;
    let client = client_for(&server)
        .backoff(Duration::from_secs(60), Duration::from_secs(60))
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let started = Instant::now();
    client.get_sip_config(number()).await.unwrap();
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(20),
        "Retry-After: 0 beats backoff: {elapsed:?}"
    );
}

#[tokio::test]
async fn a_stall_ends_within_the_timeout() {
    let server = TestServer::always(Reply::Stall(Duration::from_secs(10))).await;
    let timeout = Duration::from_millis(400);
    let client = client_for(&server).timeout(timeout).build().unwrap();
    let started = Instant::now();
    let err = client.get_sip_config(number()).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(!err.is_connect(), "connected, then timed out: {err:?}");
    assert!(err.is_retryable());
    // Exactly no earlier than the timeout; the upper bound is generous (a loaded machine),
    // yet far below the 10 s stall.
    assert!(elapsed >= timeout, "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test]
async fn no_timeout_lifts_an_earlier_timeout() {
    let delay = Duration::from_millis(600);
    let server = TestServer::always(Reply::After(delay, Box::new(seed()))).await;
    let client = client_for(&server)
        .timeout(Duration::from_millis(100))
        .no_timeout()
        .build()
        .unwrap();
    let started = Instant::now();
    client.get_sip_config(number()).await.unwrap();
    assert!(started.elapsed() >= delay);
    assert_eq!(server.request_count(), 1, "no attempt was cut short");
}

#[tokio::test]
async fn a_custom_http_client_carries_our_key_and_user_agent() {
    let server = TestServer::always(seed()).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-proxy-tag", "team-a".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let client = client_for(&server).http_client(http).build().unwrap();
    client.get_sip_config(number()).await.unwrap();
    let request = &server.requests()[0];
    // The custom client's own settings apply ...
    assert_eq!(request.header("x-proxy-tag"), Some("team-a"));
    // ... and so do the key and user agent of ours.
    assert_eq!(request.header("authorization"), Some(TEST_API_KEY));
    assert_eq!(
        request.header("user-agent"),
        Some(sip_client::DEFAULT_USER_AGENT)
    );
}

#[tokio::test]
async fn connection_refused_is_a_connect_error_after_retries() {
    // A port bound without a listener, kept for the whole test: connections are refused.
    let refusing = RefusingPort::new();
    let client = Client::builder()
        .api_key(TEST_API_KEY)
        .base_url(refusing.url())
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert!(!err.is_timeout(), "refused at once, not timed out: {err:?}");
    let Error::Transport(transport) = &err else {
        unreachable!()
    };
    assert_eq!(transport.kind, TransportErrorKind::Connect);
    assert_eq!(transport.attempts, 3);
    // The chain goes on below this layer, to reqwest's error and what it says of the cause,
    // whether it is walked from the `Error` or from the `TransportError`.
    let below = std::error::Error::source(transport).expect("reqwest's error");
    assert!(below.is::<sip_client::reqwest::Error>(), "{below:?}");
    let from_top = std::error::Error::source(&err).expect("reqwest's error");
    assert!(from_top.is::<sip_client::reqwest::Error>(), "{from_top:?}");
    assert!(
        err.to_string()
            .starts_with("could not connect to the API (after 3 attempts)"),
        "{err}"
    );
}

#[tokio::test]
async fn typed_api_errors() {
    let err = error_for(Reply::json(400, fixture("sip_not_enabled.json")), |b| b).await;
    assert!(err.has_code(SIP_NOT_ENABLED));
    assert!(
        !err.is_timeout() && !err.is_connect(),
        "Bland answered: {err:?}"
    );
    assert_eq!(
        err.api_errors()[0].message.as_deref(),
        Some("SIP is not enabled for this organization")
    );
    assert!(
        err.to_string()
            .contains("SIP must be enabled for the organization"),
        "{err}"
    );

    let err = error_for(Reply::json(401, fixture("unauthorized.json")), |b| b).await;
    assert!(err.to_string().contains("check the API key"), "{err}");
}

#[tokio::test]
async fn malformed_answers_are_typed_errors() {
    type Expectation = fn(&Error) -> bool;
    let cases: Vec<(Reply, Expectation)> = vec![
        (
            Reply::Respond {
                status: 502,
                headers: vec![("content-type".into(), "text/html".into())],
                body: fixture("bad_gateway.html"),
            },
            |e| matches!(e, Error::UnexpectedResponse(u) if u.body_prefix.starts_with(b"<html>")),
        ),
        (
            Reply::json(200, fixture("invalid_json.txt")),
            |e| matches!(e, Error::Decode(d) if d.path.starts_with("data.inbound") && d.message.contains("line 1 column 48")),
        ),
        (
            Reply::json(200, fixture("wrong_type.json")),
            |e| matches!(e, Error::Decode(d) if d.path == "data.outbound.options.port"),
        ),
        (
            Reply::json(200, ""),
            |e| matches!(e, Error::Decode(d) if d.path == "."),
        ),
        // Bland's envelope with no error in it says nothing of what failed: the answer is
        // kept whole, not made an `Error::Api` without a code.
        (
            Reply::json(500, r#"{"data": null, "errors": []}"#),
            |e| matches!(e, Error::UnexpectedResponse(u) if u.status == 500 && u.body_len == 28),
        ),
        (
            Reply::Truncated {
                status: 200,
                declared_len: fixture("seed_example.json").len(),
                body: fixture("seed_example.json")[..100].to_vec(),
            },
            |e| matches!(e, Error::Transport(t) if t.kind == TransportErrorKind::Body),
        ),
    ];
    for (reply, expected) in cases {
        let err = error_for(reply.clone(), |b| b).await;
        assert!(expected(&err), "{reply:?} gave {err:?}");
    }
}

#[tokio::test]
async fn oversized_bodies_stop_at_the_limit() {
    // Announced length over the limit: refused before reading.
    let err = error_for(Reply::json(200, vec![b' '; 4096]), |b| {
        b.max_body_size(1024)
    })
    .await;
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1024, .. }),
        "{err:?}"
    );

    // No length announced (chunked): reading stops once past the limit.
    let chunked = Reply::Chunked {
        status: 200,
        chunk_size: 512,
        chunks: 64,
    };
    let err = error_for(chunked, |b| b.max_body_size(4096)).await;
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 4096, .. }),
        "{err:?}"
    );
    // The same success would come again: not worth retrying.
    assert!(!err.is_retryable());
}

/// A proxy's error page too large to read is still the failure its status says: retried
/// like one, and transient for the caller.
#[tokio::test]
async fn an_oversized_error_page_is_as_transient_as_its_status() {
    let server = TestServer::always(Reply::Chunked {
        status: 502,
        chunk_size: 512,
        chunks: 64,
    })
    .await;
    let client = client_for(&server)
        .max_body_size(4096)
        .max_retries(2)
        .backoff(Duration::from_millis(1), Duration::from_millis(1))
        .build()
        .unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { status, limit: 4096, .. } if status == 502),
        "{err:?}"
    );
    assert!(err.is_retryable(), "{err}");
    assert_eq!(err.retry_after(), None);
    assert_eq!(server.request_count(), 3);

    // Its `Retry-After` reaches the caller, as an error page's that could be read does.
    let server = TestServer::always(
        Reply::Respond {
            status: 503,
            headers: vec![("content-type".into(), "text/html".into())],
            body: vec![b' '; 8192],
        }
        .with_header("retry-after", "3600"),
    )
    .await;
    let client = client_for(&server)
        .max_body_size(4096)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { status, .. } if status == 503),
        "{err:?}"
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
}

/// A 200 JSON answer sent with chunked transfer encoding, one chunk per part, no length.
fn chunked_json(parts: &[&[u8]]) -> Reply {
    let mut raw =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_vec();
    for part in parts {
        raw.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        raw.extend_from_slice(part);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    Reply::Raw(raw)
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read() {
    // The limit is the largest body accepted, whether its length is announced or it comes
    // in chunks: three (the check runs on the first, a later one and the sum) or one.
    let body = fixture("seed_example.json");
    let third = body.len() / 3;
    let three_chunks = chunked_json(&[&body[..third], &body[third..2 * third], &body[2 * third..]]);
    for reply in [
        Reply::json(200, body.clone()),
        three_chunks,
        chunked_json(&[&body]),
    ] {
        let server = TestServer::always(reply.clone()).await;
        let at_limit = client_for(&server)
            .max_body_size(body.len())
            .build()
            .unwrap();
        let config = at_limit.get_sip_config(number()).await;
        assert!(config.is_ok(), "{reply:?}: {config:?}");
        let below = client_for(&server)
            .max_body_size(body.len() - 1)
            .max_retries(0)
            .build()
            .unwrap();
        let err = below.get_sip_config(number()).await.unwrap_err();
        assert!(
            matches!(err, Error::BodyTooLarge { limit, .. } if limit == body.len() - 1),
            "{reply:?}: {err:?}"
        );
    }
}

#[tokio::test]
async fn unknown_keys_and_values_are_kept() {
    let server = TestServer::always(Reply::json(200, fixture("unknown_enum_values.json"))).await;
    let client = client_for(&server).build().unwrap();
    let config = client.get_sip_config(number()).await.unwrap();
    let inbound = config.inbound.unwrap();
    assert_eq!(
        inbound.direction,
        Direction::Unknown("bidirectional".into())
    );
    assert_eq!(
        inbound.options.as_ref().unwrap().auth_mode,
        Some(AuthMode::Unknown("mtls".into()))
    );
    let outbound = config.outbound.unwrap();
    assert_eq!(
        outbound.options.as_ref().unwrap().transport,
        Some(Transport::Unknown("wss".into()))
    );
    // Serialized back, the unknown values are exactly what came.
    let json = serde_json::to_value(&inbound).unwrap();
    assert_eq!(json["direction"], "bidirectional");
    assert_eq!(json["options"]["auth_mode"], "mtls");

    let server = TestServer::always(Reply::json(200, fixture("unknown_option_keys.json"))).await;
    let client = client_for(&server).build().unwrap();
    let config = client.get_sip_config(number()).await.unwrap();
    let options = config.outbound.unwrap().options.unwrap();
    assert_eq!(options.port, Some(5061));
    assert_eq!(options.extra["max_concurrent_calls"], 20);
    assert_eq!(options.extra["region"]["primary"], "us-west");
    let back = serde_json::to_value(&options).unwrap();
    let sent: serde_json::Value =
        serde_json::from_slice(&fixture("unknown_option_keys.json")).unwrap();
    assert_eq!(back, sent["data"]["outbound"]["options"]);
}

#[tokio::test]
async fn generated_builder_retries_and_authenticates_too() {
    let server = TestServer::start(|n, _| {
        if n == 0 {
            Reply::json(503, "{}")
        } else {
            seed()
        }
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let response = client
        .raw()
        .get_sip_config()
        .phone_number(number())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests
            .iter()
            .all(|r| r.header("authorization") == Some(TEST_API_KEY))
    );
    assert!(requests.iter().all(|r| r.header("api-version").is_none()));
}

#[tokio::test]
async fn no_error_shows_the_key() {
    let replies = [
        Reply::json(401, fixture("unauthorized.json")),
        Reply::json(200, fixture("wrong_type.json")),
        Reply::json(502, "<html>bad gateway</html>"),
        Reply::Close,
    ];
    for reply in replies {
        let err = error_for(reply, |b| b).await;
        for text in [format!("{err}"), format!("{err:?}"), format!("{err:#?}")] {
            assert!(!text.contains(TEST_API_KEY), "{text}");
        }
    }
}

#[tokio::test]
async fn connect_timeout_bounds_a_connection_that_never_completes() {
    // A listener with a backlog of 1 that never accepts: once its queue is full, the kernel
    // drops further SYNs, so a new connection neither completes nor fails.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..4 {
        if let Ok(Ok(stream)) = tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            fillers.push(stream);
        }
    }
    let client = Client::builder()
        .api_key(TEST_API_KEY)
        .base_url(format!("http://{addr}"))
        .connect_timeout(Duration::from_millis(300))
        .timeout(Duration::from_secs(60))
        .max_retries(0)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.get_sip_config(number()).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(
        elapsed < Duration::from_secs(30),
        "the connect timeout, not the total: {elapsed:?}"
    );
    drop((fillers, listener));
}

#[tokio::test]
async fn a_success_that_carries_errors_is_an_api_error() {
    // Bland's envelope says `errors` is null on success: a 200 with errors is Bland saying
    // the call failed, and is not silently decoded as data.
    let body = r#"{"data": {"inbound": null, "outbound": null}, "errors": [{"error": "PARTIAL", "message": "half done"}]}"#;
    let server = TestServer::always(Reply::json(200, body)).await;
    let client = client_for(&server).build().unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status.as_u16(), 200);
    assert!(err.has_code("PARTIAL"));
    assert_eq!(server.request_count(), 1, "a 200 is not retried");

    // `errors: []` and `errors: null` are a success.
    for errors in ["[]", "null"] {
        let body =
            format!(r#"{{"data": {{"inbound": null, "outbound": null}}, "errors": {errors}}}"#);
        let server = TestServer::always(Reply::json(200, body)).await;
        let client = client_for(&server).build().unwrap();
        client.get_sip_config(number()).await.unwrap();
    }
}

/// A header of one call: sent on every attempt of that call, beside the client's, given
/// twice sent twice, and on no other call; its value never in `Debug`. A header the client
/// sets itself, or an invalid one, is invalid input, and nothing is sent.
#[tokio::test]
async fn a_call_header_goes_with_every_attempt_of_that_call_only() {
    let server = TestServer::start(|n, _| {
        if n == 0 {
            Reply::json(503, "{}")
        } else {
            seed()
        }
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let request = client
        .get_sip_config(number())
        .header("X-Request-ID", "req-secret-42")
        .header("x-trace", "a")
        .header("x-trace", "b");
    assert!(
        !format!("{request:?}").contains("req-secret-42"),
        "{request:?}"
    );
    request.await.unwrap();
    client.get_sip_config(number()).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "a retry, then another call");
    for request in &requests[..2] {
        assert_eq!(request.header("x-request-id"), Some("req-secret-42"));
        let traces: Vec<&str> = request
            .headers
            .iter()
            .filter(|(name, _)| name == "x-trace")
            .map(|(_, value)| value.as_str())
            .collect();
        assert_eq!(traces, ["a", "b"]);
        assert_eq!(request.header("authorization"), Some(TEST_API_KEY));
    }
    assert_eq!(requests[2].header("x-request-id"), None);

    for (name, value, field) in [
        ("Authorization", "Bearer other", "headers[1]"),
        ("content-type", "text/plain", "headers[1]"),
        ("accept-encoding", "gzip", "headers[1]"),
        ("bad name", "x", "headers[1]"),
        ("x-token", "line\r\nx-forged: 1", "headers[1]"),
    ] {
        let err = client
            .get_sip_config(number())
            .header("x-fine", "1")
            .header(name, value)
            .await
            .unwrap_err();
        let Error::InvalidInput(input) = &err else {
            panic!("{name}: expected invalid input, got {err:?}")
        };
        assert_eq!(input.field, field);
        assert!(!err.to_string().contains(value), "{err}");
    }
    assert_eq!(server.request_count(), 3, "nothing more was sent");
}
