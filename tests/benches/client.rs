//! Benchmarks of sip-client against a hand-written baseline measured in the same run.
//!
//! `cargo xtask bench` (or `cargo bench -p sip-client-tests --bench client -- [--quick]`).
//! Every figure is a ratio against the baseline, measured in the same process, against the
//! same loopback server answering the seed example, in alternating rounds (the median
//! round of each side is reported). See BENCHMARKS.md for results and what limits them.

use std::hint::black_box;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde::Deserialize;
use sip_client::{Client, PhoneNumber, SipConfigEnvelope};
use sip_client_tests::{cargo_binary, fixture, spec_text};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const KEY: &str = "bench-key";

/// What a user writing the call by hand would decode into: the same fields, plain types.
#[derive(Deserialize)]
#[allow(dead_code)]
struct MinimalEnvelope {
    data: MinimalData,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct MinimalData {
    inbound: Option<MinimalConfig>,
    outbound: Option<MinimalConfig>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct MinimalConfig {
    number: String,
    id: String,
    org_id: String,
    direction: String,
    sip_endpoint: Option<String>,
    created_at: String,
    updated_at: String,
    headers: Option<serde_json::Value>,
    options: Option<serde_json::Map<String, serde_json::Value>>,
}

struct Sizes {
    sequential: usize,
    concurrent: usize,
    rounds: usize,
    decode_iterations: usize,
    audit_numbers: usize,
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let sizes = if quick {
        Sizes {
            sequential: 2_000,
            concurrent: 5_000,
            rounds: 1,
            decode_iterations: 20_000,
            audit_numbers: 1_000,
        }
    } else {
        Sizes {
            sequential: 20_000,
            concurrent: 50_000,
            rounds: 3,
            decode_iterations: 200_000,
            audit_numbers: 10_000,
        }
    };
    println!(
        "sip-client benchmarks ({} mode, {} cores)\n",
        if quick { "quick" } else { "full" },
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // `--only NAME` runs one group: decode, generation, throughput or audit.
    let only: Option<String> = std::env::args().skip_while(|arg| arg != "--only").nth(1);
    let runs = |name: &str| only.as_deref().is_none_or(|only| only == name);
    if runs("decode") {
        decode(&sizes);
    }
    if runs("generation") {
        generation(&sizes);
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let base_url = start_server().await;
        if runs("throughput") {
            throughput(&base_url, &sizes).await;
        }
        if runs("audit") {
            audit(&base_url, &sizes).await;
        }
    });
}

/// A minimal keep-alive HTTP/1.1 server answering every request with the seed example.
async fn start_server() -> String {
    let body = fixture("seed_example.json");
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    let response: Arc<[u8]> = response.into();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let response = response.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::with_capacity(4096);
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(read) = stream.read(&mut chunk).await else {
                        return;
                    };
                    if read == 0 {
                        return;
                    }
                    buffer.extend_from_slice(&chunk[..read]);
                    // Requests are GETs without bodies: answer each complete head.
                    while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                        buffer.drain(..end + 4);
                        if stream.write_all(&response).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    url
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn decode(sizes: &Sizes) {
    let body = fixture("seed_example.json");
    let time = |f: &dyn Fn()| {
        let started = Instant::now();
        for _ in 0..sizes.decode_iterations {
            f();
        }
        started.elapsed().as_nanos() as f64 / sizes.decode_iterations as f64
    };
    let typed = || {
        black_box(serde_json::from_slice::<SipConfigEnvelope>(black_box(&body)).unwrap());
    };
    let minimal = || {
        black_box(serde_json::from_slice::<MinimalEnvelope>(black_box(&body)).unwrap());
    };
    // Warm up both, then alternate.
    time(&typed);
    time(&minimal);
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..(sizes.rounds * 2 + 1) {
        ours.push(time(&typed));
        theirs.push(time(&minimal));
    }
    let (ours, theirs) = (median(ours), median(theirs));
    println!("decode of the {}-byte seed body", body.len());
    println!("  sip-client typed      {ours:>8.0} ns");
    println!("  minimal struct        {theirs:>8.0} ns");
    println!(
        "  ratio (typed/minimal) {:>8.2}  target <= 1.20\n",
        ours / theirs
    );
}

fn generation(sizes: &Sizes) {
    let spec = spec_text();
    let runs = if sizes.rounds == 1 { 3 } else { 10 };
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        black_box(sip_client_gen::generate(sip_client_gen::SPEC_PATH, &spec).unwrap());
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    println!("generation (in-process generate() of openapi/bland-sip.yaml, {runs} runs)");
    println!(
        "  median                {:>8.1} ms  target < 100 ms\n",
        median(times)
    );
}

async fn measure<F, Fut>(requests: usize, concurrency: usize, call: F) -> f64
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let started = Instant::now();
    futures_util::stream::iter(0..requests)
        .map(|_| call())
        .buffer_unordered(concurrency)
        .for_each(|()| async {})
        .await;
    requests as f64 / started.elapsed().as_secs_f64()
}

/// The reqwest settings both sides use: sip-client's defaults.
fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

async fn baseline_call(http: &reqwest::Client, base_url: &str, number: &str) {
    let url = format!(
        "{base_url}/v1/sip?phone_number={}",
        number.replace('+', "%2B")
    );
    let response = http
        .get(url)
        .header("authorization", KEY)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let body = response.bytes().await.unwrap();
    black_box(serde_json::from_slice::<MinimalEnvelope>(&body).unwrap());
}

async fn throughput(base_url: &str, sizes: &Sizes) {
    let client = Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .http_client(http_client())
        .build()
        .unwrap();
    let http = http_client();
    let number: PhoneNumber = "+14150000000".parse().unwrap();
    let ours = || async {
        black_box(client.get_sip_config(&number).await.unwrap());
    };
    let theirs = || baseline_call(&http, base_url, "+14150000000");

    for (label, requests, concurrency) in [
        ("sequential", sizes.sequential, 1),
        ("concurrency 64", sizes.concurrent, 64),
    ] {
        // Warm the pools, then alternate rounds.
        measure(requests / 10, concurrency, ours).await;
        measure(requests / 10, concurrency, theirs).await;
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..sizes.rounds {
            a.push(measure(requests, concurrency, ours).await);
            b.push(measure(requests, concurrency, theirs).await);
        }
        let (a, b) = (median(a), median(b));
        println!(
            "requests/s, {label} ({requests} requests a round, {} rounds)",
            sizes.rounds
        );
        println!("  sip-client            {a:>8.0}");
        println!("  reqwest + serde_json  {b:>8.0}");
        println!("  ratio                 {:>8.2}  target >= 0.95\n", a / b);
    }
}

/// Runs `command` with `input` on stdin and its output discarded; returns the seconds it
/// took, start-up included.
fn time_process(command: &mut Command, input: &str) -> f64 {
    let started = Instant::now();
    let mut child = command
        .env("BLAND_API_KEY", KEY)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, input.as_bytes()).unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    started.elapsed().as_secs_f64()
}

async fn audit(base_url: &str, sizes: &Sizes) {
    let binary = cargo_binary("sip-client", "bland-sip", "rustls,mock,cli", true);
    let numbers: Vec<String> = (0..sizes.audit_numbers)
        .map(|i| format!("+1415{i:07}"))
        .collect();
    let input = numbers.join("\n");

    let baseline = cargo_binary("sip-client-tests", "audit-baseline", "", true);
    let run_cli = || {
        time_process(
            Command::new(&binary).args([
                "audit",
                "--numbers",
                "-",
                "--concurrency",
                "64",
                "--base-url",
                base_url,
            ]),
            &input,
        )
    };
    let run_baseline = || time_process(Command::new(&baseline).arg(base_url), &input);

    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..sizes.rounds {
        a.push(tokio::task::block_in_place(run_cli));
        b.push(tokio::task::block_in_place(run_baseline));
    }
    let (a, b) = (median(a), median(b));
    let n = sizes.audit_numbers as f64;
    println!("audit of {} numbers at concurrency 64", sizes.audit_numbers);
    println!(
        "  bland-sip audit       {:>8.0} numbers/s ({a:.2} s)",
        n / a
    );
    println!(
        "  hand-written loop     {:>8.0} numbers/s ({b:.2} s)",
        n / b
    );
    println!("  ratio                 {:>8.2}", b / a);
    println!("  (both are processes reading stdin and writing JSON lines; start-up included)\n");
}
