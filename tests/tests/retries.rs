//! Retries by the operation's nature, against the recording server: reads are repeated on
//! any transient failure; writes never once their request may have reached the server, only
//! when it provably did not (a refused connection) or when the server says it did not act
//! (429, and 503 with `Retry-After`). And the per-call overrides of every operation.

use std::time::{Duration, Instant};

use sip_client::{
    Direction, Error, NotRetried, PhoneNumber, SipDetachRequest, SipDirectionSelector,
    TransportErrorKind,
};
use sip_client_tests::server::{RefusingPort, Reply, TestServer};
use sip_client_tests::{TEST_API_KEY, client_for, fixture};

fn number() -> PhoneNumber {
    "+14150000000".parse().unwrap()
}

fn detach_body() -> SipDetachRequest {
    SipDetachRequest::builder()
        .phone_number(number())
        .directions(vec![
            SipDirectionSelector::builder()
                .type_(Direction::Outbound)
                .build()
                .unwrap(),
        ])
        .build()
        .unwrap()
}

fn detached() -> Reply {
    Reply::json(200, r#"{"data": null, "errors": null}"#)
}

fn config() -> Reply {
    Reply::json(200, fixture("seed_example.json"))
}

/// A client with retries and a short attempt timeout: a stalled attempt ends after 300 ms.
fn stalling_client(server: &TestServer) -> sip_client::Client {
    client_for(server)
        .max_retries(3)
        .attempt_timeout(Duration::from_millis(300))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_write_that_timed_out_after_the_server_read_it_is_not_repeated() {
    let server = TestServer::always(Reply::Stall(Duration::from_secs(20))).await;
    let client = stalling_client(&server);
    let started = Instant::now();
    let err = client.detach_sip(detach_body()).await.unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(transport.kind, TransportErrorKind::Timeout);
    assert_eq!(transport.attempts, 1);
    assert_eq!(transport.not_retried, Some(NotRetried::MayHaveBeenApplied));
    assert!(transport.request_may_have_been_sent());
    assert!(
        err.to_string()
            .contains("not retried: the request may have reached the server"),
        "{err}"
    );
    assert_eq!(server.request_count(), 1, "the write was sent once");
    assert_eq!(server.requests()[0].method, "POST");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the stall was cut"
    );
}

#[tokio::test]
async fn a_read_that_timed_out_is_repeated() {
    let server = TestServer::always(Reply::Stall(Duration::from_secs(20))).await;
    let client = stalling_client(&server);
    let err = client.get_sip_config(number()).await.unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(transport.kind, TransportErrorKind::Timeout);
    assert_eq!(transport.attempts, 4);
    assert_eq!(transport.not_retried, None);
    assert_eq!(server.request_count(), 4);
}

#[tokio::test]
async fn a_write_whose_connection_closed_unanswered_is_not_repeated() {
    let server = TestServer::always(Reply::Close).await;
    let client = client_for(&server).build().unwrap();
    let err = client.detach_sip(detach_body()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.attempts == 1),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 1);

    // The same failure of a read is retried (2 retries by default).
    let err = client.get_sip_config(number()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.attempts == 3),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 4);
}

#[tokio::test]
async fn a_write_is_repeated_when_nothing_was_sent() {
    let refusing = RefusingPort::new();
    let client = sip_client::Client::builder()
        .api_key(TEST_API_KEY)
        .base_url(refusing.url())
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .max_retries(2)
        .build()
        .unwrap();
    let err = client.detach_sip(detach_body()).await.unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(transport.kind, TransportErrorKind::Connect);
    assert_eq!(transport.attempts, 3, "refused connections are retried");
    assert!(!transport.request_may_have_been_sent());
}

#[tokio::test]
async fn a_write_is_repeated_when_the_server_says_it_did_not_act() {
    for first in [
        Reply::json(429, fixture("rate_limited.json")),
        Reply::json(503, fixture("server_error.json")).with_header("retry-after", "0"),
    ] {
        let server =
            TestServer::start(move |n, _| if n == 0 { first.clone() } else { detached() }).await;
        let client = client_for(&server).build().unwrap();
        client.detach_sip(detach_body()).await.unwrap();
        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(
            requests[0].body, requests[1].body,
            "the same body, replayed"
        );
    }
}

#[tokio::test]
async fn a_write_is_not_repeated_after_server_errors_that_may_follow_its_effect() {
    for status in [500, 502, 503, 504, 408] {
        let server = TestServer::always(Reply::json(status, fixture("server_error.json"))).await;
        let client = client_for(&server).build().unwrap();
        let err = client.detach_sip(detach_body()).await.unwrap_err();
        assert_eq!(server.request_count(), 1, "{status}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        let not_retried = match &err {
            Error::Api(api) => api.not_retried,
            Error::UnexpectedResponse(unexpected) => unexpected.not_retried,
            other => panic!("{status}: {other:?}"),
        };
        assert_eq!(
            not_retried,
            Some(NotRetried::MayHaveBeenApplied),
            "{status}"
        );
    }
}

#[tokio::test]
async fn per_call_settings_override_the_client() {
    let server = TestServer::always(Reply::json(503, fixture("server_error.json"))).await;
    let client = client_for(&server).max_retries(3).build().unwrap();
    client
        .get_sip_config(number())
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(server.request_count(), 1, "max_retries(0) for this call");
    client
        .get_sip_config(number())
        .max_retries(1)
        .await
        .unwrap_err();
    assert_eq!(server.request_count(), 3, "max_retries(1) for this call");
    client.get_sip_config(number()).await.unwrap_err();
    assert_eq!(server.request_count(), 7, "the client's 3 otherwise");

    // A per-call timeout bounds the call though the client allows a minute.
    let stalling = TestServer::always(Reply::Stall(Duration::from_secs(20))).await;
    let client = client_for(&stalling)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .get_sip_config(number())
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}");

    // A per-call attempt timeout makes a stalled read retry within the call: three
    // attempts of 200 ms each, where the client's setting (none) would wait out each 20 s
    // stall.
    let started = Instant::now();
    let err = client
        .get_sip_config(number())
        .attempt_timeout(Duration::from_millis(200))
        .max_retries(2)
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(&err, Error::Transport(t) if t.attempts == 3),
        "{err:?}"
    );
    assert!(err.is_timeout(), "{err:?}");
    assert!(elapsed >= Duration::from_millis(600), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}");
}

#[tokio::test]
async fn a_retry_whose_wait_passes_the_deadline_is_not_made() {
    // Asked to wait a minute with 2 s left: the client answers at once, saying why (the
    // front door and the raw builders alike).
    let server = TestServer::always(
        Reply::json(429, fixture("rate_limited.json")).with_header("retry-after", "60"),
    )
    .await;
    let client = client_for(&server)
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.get_sip_config(number()).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "returned before the deadline, without waiting"
    );
    assert_eq!(server.request_count(), 1);
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert!(
        matches!(api.not_retried, Some(NotRetried::WaitPastDeadline { wait, .. }) if wait == Duration::from_secs(60)),
        "{api:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("not retried: the wait before another attempt (60s) would use up the"),
        "{text}"
    );

    // `Client::raw()`'s builders share the retry loop and the client's deadline.
    let started = Instant::now();
    let err = client
        .raw()
        .get_sip_config()
        .phone_number(number())
        .send()
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429), "{err:?}");
    assert_eq!(server.request_count(), 2, "one request more, not a retry");
    // Waiting would take 60 s; answering at once takes milliseconds.
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
}

#[tokio::test]
async fn config_answers_decode_after_a_retry() {
    let server = TestServer::start(|n, _| {
        if n == 0 {
            Reply::json(503, "{}")
        } else {
            config()
        }
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let data = client.get_sip_config(number()).await.unwrap();
    assert_eq!(data.outbound.unwrap().id, "def789");
}

/// The first `broken` answers break off in the middle of their body; the next is `then`.
async fn breaking_server(broken: Reply, then: Reply) -> TestServer {
    TestServer::start(move |n, _| if n == 0 { broken.clone() } else { then.clone() }).await
}

fn cut_short() -> Reply {
    Reply::Truncated {
        status: 200,
        declared_len: 500,
        body: br#"{"data": {"inbound""#.to_vec(),
    }
}

fn stalled_in_body() -> Reply {
    Reply::StallInBody {
        declared_len: 500,
        body: br#"{"data": {"inbound""#.to_vec(),
        stall: Duration::from_secs(20),
    }
}

#[tokio::test]
async fn a_read_whose_answer_broke_off_in_its_body_is_repeated() {
    for broken in [cut_short(), stalled_in_body()] {
        let server = breaking_server(broken.clone(), config()).await;
        let client = stalling_client(&server);
        let config = client.get_sip_config(number()).await;
        assert!(config.is_ok(), "{broken:?}: {config:?}");
        assert_eq!(server.request_count(), 2, "{broken:?}");
    }
}

#[tokio::test]
async fn a_read_whose_answers_keep_breaking_off_says_how_many_attempts_it_made() {
    let server = TestServer::always(cut_short()).await;
    let client = stalling_client(&server);
    let err = client.get_sip_config(number()).await.unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(transport.kind, TransportErrorKind::Body);
    assert_eq!(transport.attempts, 4, "the first attempt and 3 retries");
    assert_eq!(transport.not_retried, None);
    assert_eq!(server.request_count(), 4);
}

#[tokio::test]
async fn a_write_whose_answer_broke_off_in_its_body_is_not_repeated() {
    for broken in [cut_short(), stalled_in_body()] {
        let server = breaking_server(broken.clone(), detached()).await;
        let client = stalling_client(&server);
        let err = client.detach_sip(detach_body()).await.unwrap_err();
        let Error::Transport(transport) = &err else {
            panic!("{broken:?}: expected a transport error, got {err:?}")
        };
        assert_eq!(transport.attempts, 1, "{broken:?}");
        assert_eq!(
            transport.not_retried,
            Some(NotRetried::MayHaveBeenApplied),
            "{broken:?}"
        );
        assert_eq!(server.request_count(), 1, "{broken:?}");
    }
}

/// An answer whose `Retry-After` passes the deadline ends the retries; its body breaking off
/// afterwards changes nothing: no retry (against the server's wish to wait), and the error
/// still says why there was none.
#[tokio::test]
async fn a_broken_body_after_a_retry_after_past_the_deadline_is_not_retried() {
    let cut = |status: &str| {
        Reply::Raw(
            format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nretry-after: 120\r\n\
                 content-length: 200\r\n\r\n{{\"errors\""
            )
            .into_bytes(),
        )
    };
    let server = TestServer::always(cut("503 Service Unavailable")).await;
    let client = client_for(&server).max_retries(3).build().unwrap();
    let err = client
        .get_sip_config(number())
        .timeout(Duration::from_secs(5))
        .await
        .unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert_eq!(transport.attempts, 1);
    assert!(
        matches!(
            transport.not_retried,
            Some(NotRetried::WaitPastDeadline { wait, .. }) if wait == Duration::from_secs(60)
        ),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 1);

    // A write told 429 did not act: the reason is the wait, not that it may have been applied.
    let server = TestServer::always(cut("429 Too Many Requests")).await;
    let client = client_for(&server).max_retries(3).build().unwrap();
    let err = client
        .detach_sip(detach_body())
        .timeout(Duration::from_secs(5))
        .await
        .unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("expected a transport error, got {err:?}")
    };
    assert!(
        matches!(
            transport.not_retried,
            Some(NotRetried::WaitPastDeadline { .. })
        ),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 1);
}

/// A server answer redirecting `/v1/sip/detach` (and `/v1/sip`) within its origin with
/// `status`, then `ok` for the moved request.
async fn moved_with(status: u16, ok: Reply) -> TestServer {
    TestServer::start(move |_, request| {
        if request.target.starts_with("/moved/") {
            ok.clone()
        } else {
            Reply::Respond {
                status,
                headers: vec![("location".into(), format!("/moved{}", request.target))],
                body: Vec::new(),
            }
        }
    })
    .await
}

/// A 301, 302 or 303 is followed with a GET without the body (reqwest does so for a POST):
/// a write redirected so was dropped, and the GET's answer taken for the write's. Not
/// followed, for reads either: the answer says why, and nothing more is sent.
#[tokio::test]
async fn a_redirect_that_may_change_the_request_is_not_followed() {
    for status in [301, 302, 303] {
        let server = moved_with(status, Reply::json(200, "{}")).await;
        let client = client_for(&server).build().unwrap();
        let err = client.detach_sip(detach_body()).await.unwrap_err();
        let Error::UnexpectedResponse(unexpected) = &err else {
            panic!("{status}: {err:?}")
        };
        assert_eq!(unexpected.status.as_u16(), status);
        assert_eq!(
            unexpected.redirect.as_deref(),
            Some(&sip_client::RedirectNotFollowed::ChangesTheRequest),
            "{status}"
        );
        assert!(
            err.to_string().contains("only 307 and 308"),
            "{status}: {err}"
        );
        assert_eq!(server.request_count(), 1, "{status}: not followed");

        let err = client.get_sip_config(number()).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            server.request_count(),
            2,
            "{status}: a read is not followed either"
        );
    }
}

/// A 307 or 308 repeats the request as it was sent: a write is followed, method and body
/// kept, and its answer is the write's.
#[tokio::test]
async fn a_write_redirected_with_307_or_308_is_sent_again_as_it_was() {
    for status in [307, 308] {
        let server = moved_with(status, detached()).await;
        let client = client_for(&server).build().unwrap();
        client.detach_sip(detach_body()).await.unwrap();
        let requests = server.requests();
        assert_eq!(requests.len(), 2, "{status}");
        assert_eq!(requests[1].target, "/moved/v1/sip/detach", "{status}");
        assert_eq!(requests[1].method, "POST", "{status}");
        assert_eq!(requests[1].body, requests[0].body, "{status}");
        assert!(!requests[1].body.is_empty());
    }
}
