//! Each attempt is a `tracing` span with operation, attempt, status and elapsed time, and
//! nothing secret.

use std::io::Write;
use std::sync::{Arc, Mutex};

use sip_client_tests::server::{Reply, TestServer};
use sip_client_tests::{TEST_API_KEY, client_for, fixture};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Every event at TRACE level and the span events `spans` written here, on this thread,
    /// until the guard is dropped.
    fn trace(&self, spans: FmtSpan) -> tracing::subscriber::DefaultGuard {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(spans)
            .with_ansi(false)
            .with_writer(self.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    /// What was written.
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn attempts_are_spans_without_secrets() {
    let server = TestServer::start(|n, _| {
        if n == 0 {
            Reply::json(503, "{}")
        } else {
            Reply::json(200, fixture("seed_example.json"))
        }
    })
    .await;
    let client = client_for(&server).bearer_auth().build().unwrap();

    let captured = Captured::default();
    let guard = captured.trace(FmtSpan::CLOSE);
    client
        .get_sip_config("+14150000000".parse::<sip_client::PhoneNumber>().unwrap())
        .await
        .unwrap();
    drop(guard);

    let log = captured.text();
    let closes: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("sip_client.request") && line.contains("close"))
        .collect();
    assert_eq!(closes.len(), 2, "{log}");
    for (line, (attempt, status)) in closes.iter().zip([(1, 503), (2, 200)]) {
        assert!(line.contains("operation=\"get_sip_config\""), "{line}");
        assert!(line.contains(&format!("attempt={attempt}")), "{line}");
        assert!(line.contains(&format!("status={status}")), "{line}");
        assert!(line.contains("elapsed_ms="), "{line}");
    }
    assert!(log.contains("retrying"), "{log}");
    assert!(!log.contains(TEST_API_KEY), "{log}");
    assert!(!log.contains("Bearer"), "{log}");
}

/// A write with passwords in its body (the SIP password, a register password in the open
/// `options` map), answered once with an error that quotes them and once with a success
/// that returns a secret: at TRACE level, no password and no returned secret reaches the
/// log, the client's spans and events and a caller's logging of the error and the answer
/// (`Display` and `Debug`) included. (reqwest logs through `log`, not bridged here, and
/// hyper emits no `tracing` events unless built for them: neither is in this log.)
#[tokio::test]
async fn passwords_of_requests_and_answers_stay_out_of_the_log() {
    let body: sip_client::SipUpdateRequest = serde_json::from_value(serde_json::json!({
        "phone_number": "+14150000000",
        "updates": {
            "type": "outbound",
            "sip_endpoint": "sip:new.provider.com",
            "options": {"sip_username": "u", "sip_password": "HUNTER2SIPPASS",
                        "register_auth": {"username": "pbx", "password": "REGPASS-7731"}}
        }
    }))
    .unwrap();
    let server = TestServer::start(|n, _| match n {
        0 => Reply::json(
            400,
            r#"{"data": null, "errors": [{"error": "INVALID",
                "message": "sip_password HUNTER2SIPPASS and REGPASS-7731 refused"}]}"#,
        ),
        _ => Reply::json(
            200,
            r#"{"message": "updated", "register_password_for_pbx": "PBXSECRET-5521"}"#,
        ),
    })
    .await;
    let client = client_for(&server).max_retries(0).build().unwrap();

    let captured = Captured::default();
    let guard = captured.trace(FmtSpan::FULL);
    let refused = client.update_sip(body.clone()).await.unwrap_err();
    tracing::error!(error = %refused, debug = ?refused, "the call failed");
    let answer = client.update_sip(body).await.unwrap();
    tracing::info!(answer = ?answer, "the call succeeded");
    drop(guard);

    let log = captured.text();
    assert!(log.contains("sip_client.request"), "{log}");
    assert!(log.contains("the call succeeded"), "{log}");
    for secret in [
        "HUNTER2SIPPASS",
        "REGPASS-7731",
        "PBXSECRET-5521",
        TEST_API_KEY,
    ] {
        assert!(!log.contains(secret), "{secret} in\n{log}");
    }
    assert_eq!(server.request_count(), 2);
}
