//! Benchmarks of sip-client against a hand-written baseline measured in the same run.
//!
//! `cargo xtask bench` (or `cargo bench -p sip-client-tests --bench client -- [--quick]
//! [--pairs N] [--only NAME]`). Every figure is measured in many short *paired* rounds: each
//! pair runs sip-client and the baseline once each, in a random order, against the same
//! loopback server, and gives one ratio. A figure is the median of its pairs' ratios with
//! their interquartile range (IQR); when the IQR straddles the figure's target, the machine
//! could not resolve it, and the figure says "not resolved" rather than pass or fail. See
//! BENCHMARKS.md for results and what limits them.

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
use xtask::bench::{Target, quartiles};

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

/// How much work each round does, and how many pairs of rounds make a figure.
struct Sizes {
    pairs: usize,
    sequential: usize,
    concurrent: usize,
    decode_iterations: usize,
    audit_numbers: usize,
    release: bool,
}

/// The per-pair ratios of a figure, and its verdict.
struct Figure {
    name: String,
    ratios: Vec<f64>,
    target: Option<Target>,
}

impl Figure {
    fn report(&self) {
        let (q1, median, q3) = quartiles(&self.ratios);
        let verdict = match self.target {
            None => String::new(),
            Some(target) => {
                let text = match target {
                    Target::AtLeast(t) => format!(">= {t:.2}"),
                    Target::AtMost(t) => format!("<= {t:.2}"),
                    Target::Below(t) => format!("< {t:.2}"),
                };
                format!("  target {text}: {}", target.verdict(q1, q3))
            }
        };
        println!(
            "  {:<44} median {median:>6.3}  IQR {q1:.3}-{q3:.3}  ({} pairs){verdict}",
            self.name,
            self.ratios.len()
        );
    }
}

/// Runs `ours` and `theirs` once each, in a random order, `pairs` times; returns the pairs'
/// measurements as (ours, theirs).
fn paired<T>(
    pairs: usize,
    mut ours: impl FnMut() -> T,
    mut theirs: impl FnMut() -> T,
) -> Vec<(T, T)> {
    (0..pairs)
        .map(|_| {
            if fastrand::bool() {
                let a = ours();
                (a, theirs())
            } else {
                let b = theirs();
                (ours(), b)
            }
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|arg| arg == "--quick");
    let option = |name: &str| args.iter().skip_while(|arg| *arg != name).nth(1).cloned();
    let pairs = option("--pairs").and_then(|n| n.parse().ok());
    let release = !cfg!(debug_assertions);
    let sizes = if quick {
        Sizes {
            pairs: pairs.unwrap_or(3),
            sequential: 200,
            concurrent: 1_000,
            decode_iterations: 2_000,
            audit_numbers: 200,
            release,
        }
    } else {
        Sizes {
            pairs: pairs.unwrap_or(21),
            sequential: 2_000,
            concurrent: 10_000,
            decode_iterations: 20_000,
            audit_numbers: 5_000,
            release,
        }
    };
    println!(
        "sip-client benchmarks ({} mode, {} build, {} cores, {} pairs a figure)\n",
        if quick { "quick" } else { "full" },
        if release { "release" } else { "debug" },
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        sizes.pairs
    );

    // `--only NAME` runs one group: decode, generation, throughput or audit.
    let only = option("--only");
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
    // Warm up both.
    time(&typed);
    time(&minimal);
    let results = paired(sizes.pairs, || time(&typed), || time(&minimal));
    let ours: Vec<f64> = results.iter().map(|(a, _)| *a).collect();
    let theirs: Vec<f64> = results.iter().map(|(_, b)| *b).collect();
    println!(
        "decode of the {}-byte seed body: typed {:.0} ns, minimal struct {:.0} ns (medians)",
        body.len(),
        quartiles(&ours).1,
        quartiles(&theirs).1
    );
    Figure {
        name: "decode time, typed / minimal".to_owned(),
        ratios: results.iter().map(|(a, b)| a / b).collect(),
        target: Some(Target::AtMost(1.20)),
    }
    .report();
    println!();
}

fn generation(sizes: &Sizes) {
    let spec = spec_text();
    let runs = sizes.pairs.max(3);
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        black_box(sip_client_gen::generate(sip_client_gen::SPEC_PATH, &spec).unwrap());
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let (q1, median, q3) = quartiles(&times);
    let verdict = Target::Below(100.0).verdict(q1, q3);
    println!("generation (in-process generate() of openapi/bland-sip.yaml, {runs} runs)");
    println!(
        "  {:<44} median {median:>6.1} ms  IQR {q1:.1}-{q3:.1} ms  target < 100 ms: {verdict}\n",
        "time of one generation"
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
        // Warm the pools.
        measure(requests / 4, concurrency, ours).await;
        measure(requests / 4, concurrency, theirs).await;
        let mut results = Vec::new();
        for _ in 0..sizes.pairs {
            let pair = if fastrand::bool() {
                let a = measure(requests, concurrency, ours).await;
                (a, measure(requests, concurrency, theirs).await)
            } else {
                let b = measure(requests, concurrency, theirs).await;
                (measure(requests, concurrency, ours).await, b)
            };
            results.push(pair);
        }
        let ours_rps: Vec<f64> = results.iter().map(|(a, _)| *a).collect();
        let theirs_rps: Vec<f64> = results.iter().map(|(_, b)| *b).collect();
        println!(
            "requests/s, {label} ({requests} requests a round): sip-client {:.0}, reqwest + serde_json {:.0} (medians)",
            quartiles(&ours_rps).1,
            quartiles(&theirs_rps).1
        );
        Figure {
            name: format!("throughput {label}, sip-client / baseline"),
            ratios: results.iter().map(|(a, b)| a / b).collect(),
            target: Some(Target::AtLeast(0.95)),
        }
        .report();
        println!();
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
    let binary = cargo_binary("bland-sip", sizes.release);
    let baseline = cargo_binary("audit-baseline", sizes.release);
    let numbers: Vec<String> = (0..sizes.audit_numbers)
        .map(|i| format!("+1415{i:07}"))
        .collect();
    let input = numbers.join("\n");
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
    let results = tokio::task::block_in_place(|| paired(sizes.pairs, run_cli, run_baseline));
    let n = sizes.audit_numbers as f64;
    let ours: Vec<f64> = results.iter().map(|(a, _)| n / a).collect();
    let theirs: Vec<f64> = results.iter().map(|(_, b)| n / b).collect();
    println!(
        "audit of {} numbers at concurrency 64 (processes reading stdin, writing JSON lines, start-up included): bland-sip {:.0}, hand-written loop {:.0} numbers/s (medians)",
        sizes.audit_numbers,
        quartiles(&ours).1,
        quartiles(&theirs).1
    );
    Figure {
        name: "audit numbers/s, bland-sip / hand-written".to_owned(),
        ratios: results.iter().map(|(a, b)| b / a).collect(),
        target: None,
    }
    .report();
    println!();
}
