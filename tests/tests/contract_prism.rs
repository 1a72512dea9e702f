//! Contract test against Stoplight Prism, which mocks `openapi/bland-sip.yaml` with no code
//! of ours: the client's requests must pass Prism's validation, Prism's example must decode
//! into what our own fixture decodes into, and Prism's random (dynamic) answers must all
//! decode.
//!
//! Prism comes from `openapi/package-lock.json` (`npm ci` in `openapi/`, which
//! `cargo xtask ci` runs). Without it the test fails under CI and says so loudly elsewhere.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue};
use sip_client::{Client, SipConfigEnvelope};
use sip_client_tests::{TEST_API_KEY, fixture, workspace_root};

/// A Prism process, killed when dropped (also when the test panics).
struct Prism {
    child: Child,
    port: u16,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn prism_binary() -> PathBuf {
    workspace_root().join("openapi/node_modules/.bin/prism")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Starts Prism on a free loopback port, or returns `None` (outside CI only) when it is
/// not installed.
fn start_prism() -> Option<Prism> {
    let binary = prism_binary();
    if !binary.exists() {
        let message = format!(
            "Prism is not installed at {}: run `npm ci` in openapi/ (cargo xtask ci does). \
             The contract test did NOT run.",
            binary.display()
        );
        if in_ci() {
            panic!("{message}");
        }
        eprintln!("\n*** SKIPPED: {message}\n");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(&binary)
        .args(["mock", "bland-sip.yaml", "--host", "127.0.0.1", "--port"])
        .arg(port.to_string())
        .current_dir(workspace_root().join("openapi"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start prism");
    let prism = Prism { child, port };
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "Prism did not listen on 127.0.0.1:{port} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(prism)
}

#[tokio::test]
async fn client_honours_the_contract_prism_enforces() {
    let Some(prism) = start_prism() else {
        return;
    };
    let base_url = format!("http://127.0.0.1:{}", prism.port);
    let number = "+14150000000".parse().unwrap();

    // 1. Our requests pass Prism's validation, with either auth scheme, and Prism's
    //    example decodes into what our fixture of Bland's page decodes into.
    let ours: SipConfigEnvelope = serde_json::from_slice(&fixture("seed_example.json")).unwrap();
    for bearer in [false, true] {
        let mut builder = Client::builder().api_key(TEST_API_KEY).base_url(&base_url);
        if bearer {
            builder = builder.bearer_auth();
        }
        let client = builder.build().unwrap();
        let data = client.get_sip_config(&number).await.unwrap();
        assert_eq!(data, ours.data, "Prism's example (bearer: {bearer})");
    }

    // 2. Prism rejects what our client refuses to send: a bad or missing phone number
    //    (declared 400), a missing key (401).
    let http = reqwest::Client::new();
    let endpoint = format!("{base_url}/v1/sip");
    for (query, with_key, expected) in [
        ("?phone_number=%2B14150000000", true, 200),
        ("?phone_number=14150000000", true, 400),
        ("?phone_number=%2B0415", true, 400),
        ("?phone_number=+14150000000", true, 400), // a raw `+` is read as a space
        ("", true, 400),
        ("?phone_number=%2B14150000000", false, 401),
    ] {
        let mut request = http.get(format!("{endpoint}{query}"));
        if with_key {
            request = request.header("authorization", TEST_API_KEY);
        }
        let status = request.send().await.unwrap().status().as_u16();
        assert_eq!(status, expected, "{query} (key: {with_key})");
    }

    // 3. Prism's dynamic answers, generated from the schemas, all decode.
    let mut headers = HeaderMap::new();
    headers.insert("prefer", HeaderValue::from_static("dynamic=true"));
    let dynamic = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let client = Client::builder()
        .api_key(TEST_API_KEY)
        .base_url(&base_url)
        .http_client(dynamic)
        .max_retries(0)
        .build()
        .unwrap();
    let mut ids = std::collections::BTreeSet::new();
    for round in 0..60 {
        let data = client
            .get_sip_config(&number)
            .await
            .unwrap_or_else(|err| panic!("dynamic answer {round} did not decode: {err}"));
        ids.extend(data.inbound.map(|c| c.id));
        ids.extend(data.outbound.map(|c| c.id));
    }
    assert!(ids.len() > 10, "the answers really were dynamic: {ids:?}");
}
