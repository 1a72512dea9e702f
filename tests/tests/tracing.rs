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
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    client
        .get_sip_config("+14150000000".parse::<sip_client::PhoneNumber>().unwrap())
        .await
        .unwrap();
    drop(_guard);

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
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
