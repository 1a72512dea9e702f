//! Faults from a local server: resets, flapping 503s, huge bodies. Every call ends, in
//! success or a typed error, within bounded time, memory and attempts.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use sip_client::{Error, PhoneNumber};
use sip_client_tests::server::{Reply, TestServer};
use sip_client_tests::{client_for, fixture};

fn number() -> PhoneNumber {
    "+14150000000".parse().unwrap()
}

/// Runs `calls` lookups, `concurrency` at a time, each under a hard deadline that would
/// reveal a hang; returns every result.
async fn run_calls(
    client: &sip_client::Client,
    calls: usize,
    concurrency: usize,
) -> Vec<Result<sip_client::SipConfigData, Error>> {
    let number = number();
    futures_util::stream::iter(0..calls)
        .map(|_| async {
            tokio::time::timeout(Duration::from_secs(20), client.get_sip_config(&number))
                .await
                .expect("a call hung")
        })
        .buffer_unordered(concurrency)
        .collect()
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resets_on_a_fraction_of_1000_requests() {
    // Every 5th request is reset (TCP RST), every 7th closed without an answer.
    let server = TestServer::start(|n, _| match n {
        n if n % 5 == 4 => Reply::Reset,
        n if n % 7 == 6 => Reply::Close,
        _ => Reply::json(200, fixture("seed_example.json")),
    })
    .await;
    let client = client_for(&server).build().unwrap();
    let results = run_calls(&client, 1000, 16).await;
    assert_eq!(results.len(), 1000);
    let ok = results.iter().filter(|r| r.is_ok()).count();
    for result in &results {
        if let Err(err) = result {
            assert!(matches!(err, Error::Transport(_)), "{err:?}");
        }
    }
    // About 31% of attempts fail; a call fails only when all three of its attempts do
    // (about 3%), so retries absorb nearly all faults.
    assert!(ok >= 900, "{ok} of 1000 succeeded");
    assert!(server.request_count() >= 1000 + 200, "resets were retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flapping_503_with_256_concurrent_calls() {
    let server = TestServer::start(|n, _| {
        if n % 2 == 0 {
            Reply::json(503, fixture("server_error.json"))
        } else {
            Reply::json(200, fixture("seed_example.json"))
        }
    })
    .await;
    let max_retries = 2;
    let client = client_for(&server)
        .max_retries(max_retries)
        .build()
        .unwrap();
    let results = run_calls(&client, 256, 256).await;
    assert_eq!(results.len(), 256);
    for result in &results {
        match result {
            Ok(_) => {}
            Err(Error::Api(api)) => {
                assert_eq!(api.status.as_u16(), 503);
                assert_eq!(api.attempts, max_retries + 1);
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    let requests = server.request_count();
    assert!(
        requests <= 256 * (max_retries as usize + 1),
        "{requests} requests exceed the retry budget"
    );
    assert!(results.iter().filter(|r| r.is_ok()).count() > 200);
}

#[tokio::test]
async fn a_50_mib_answer_is_refused_with_bounded_memory() {
    const MIB: usize = 1024 * 1024;
    // Announced with Content-Length: refused before the body is read.
    let server = TestServer::always(Reply::Huge { len: 50 * MIB }).await;
    let client = client_for(&server).max_retries(0).build().unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit, .. } if limit == MIB),
        "{err:?}"
    );
    drop(client);
    // Once the client has closed the connection, the server's writes fail and it stops.
    server
        .wait_until("the connection to close", |s| s.open_connections() == 0)
        .await;
    let sent = server.body_bytes_sent();
    assert!(sent < 16 * MIB, "the server could push {sent} bytes");

    // Chunked, no length: reading stops just past the 1 MiB default.
    let server = Arc::new(
        TestServer::always(Reply::Chunked {
            status: 200,
            chunk_size: 64 * 1024,
            chunks: 800,
        })
        .await,
    );
    let client = client_for(&server).max_retries(0).build().unwrap();
    let err = client.get_sip_config(number()).await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
    drop(client);
    server
        .wait_until("the connection to close", |s| s.open_connections() == 0)
        .await;
    let sent = server.body_bytes_sent();
    assert!(sent < 16 * MIB, "the server could push {sent} of 50 MiB");
}
