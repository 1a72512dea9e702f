//! The baseline of the audit benchmark: the loop a user would write by hand with reqwest
//! and serde_json, as a process like `bland-sip audit`: numbers on stdin, one JSON line per
//! number on stdout, in input order, 64 in flight.
//!
//! Usage: `audit-baseline BASE_URL` with `BLAND_API_KEY` set.

use std::io::{BufWriter, Read, Write};
use std::time::Duration;

use futures_util::StreamExt;
use serde::Deserialize;

#[derive(Deserialize)]
struct Envelope {
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    inbound: serde_json::Value,
    outbound: serde_json::Value,
}

#[tokio::main]
async fn main() {
    let base_url = std::env::args()
        .nth(1)
        .expect("usage: audit-baseline BASE_URL");
    let key = std::env::var("BLAND_API_KEY").expect("BLAND_API_KEY");
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let (http, key, base_url) = (&http, key.as_str(), base_url.as_str());
    let mut lines = futures_util::stream::iter(input.lines().filter(|l| !l.trim().is_empty()))
        .map(|number| async move {
            let url = format!(
                "{base_url}/v1/sip?phone_number={}",
                number.replace('+', "%2B")
            );
            let body = http
                .get(url)
                .header("authorization", key)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let envelope: Envelope = serde_json::from_slice(&body).unwrap();
            serde_json::json!({
                "phone_number": number,
                "inbound": envelope.data.inbound,
                "outbound": envelope.data.outbound,
            })
        })
        .buffered(64);
    let mut out = BufWriter::new(std::io::stdout().lock());
    while let Some(line) = lines.next().await {
        writeln!(out, "{line}").unwrap();
    }
}
