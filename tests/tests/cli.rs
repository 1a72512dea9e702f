//! The real `bland-sip` binary against the recording server.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use sip_client_tests::server::{RefusingPort, Reply, TestServer};
use sip_client_tests::{bland_sip_binary, fixture};

const KEY: &str = "cli-secret-key-7f3a";

/// Runs `bland-sip` with the key in the environment (as users do) and optional stdin.
async fn bland_sip(args: &[&str], stdin: Option<&str>) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let stdin = stdin.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let mut child = Command::new(bland_sip_binary())
            .args(&args)
            .env("BLAND_API_KEY", KEY)
            .env_remove("BLAND_BASE_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start bland-sip");
        let mut pipe = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).unwrap();
        }
        drop(pipe);
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The key must appear in no output, whatever happened.
fn assert_no_key(output: &Output) {
    assert!(!text(&output.stdout).contains(KEY), "stdout shows the key");
    assert!(!text(&output.stderr).contains(KEY), "stderr shows the key");
}

#[tokio::test]
async fn get_prints_data_as_pretty_json_keeping_unknowns() {
    let server = TestServer::always(Reply::json(200, fixture("unknown_option_keys.json"))).await;
    let url = server.url();
    let output = bland_sip(&["get", "+14150000000", "--base-url", &url], None).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_no_key(&output);
    let data: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(data["inbound"], Value::Null);
    assert_eq!(data["outbound"]["id"], "def789");
    assert_eq!(data["outbound"]["options"]["max_concurrent_calls"], 20);
    assert_eq!(data["outbound"]["options"]["region"]["primary"], "us-west");
    assert!(
        text(&output.stdout).contains("\n  \"outbound\": {"),
        "pretty-printed"
    );
    let requests = server.requests();
    assert_eq!(requests[0].target, "/v1/sip?phone_number=%2B14150000000");
    assert_eq!(requests[0].header("authorization"), Some(KEY));
}

#[tokio::test]
async fn get_with_bearer_and_options() {
    let server = TestServer::always(Reply::json(200, fixture("seed_example.json"))).await;
    let url = server.url();
    let output = bland_sip(
        &[
            "--bearer",
            "--timeout",
            "5",
            "--retries",
            "0",
            "get",
            "+14150000000",
            "--base-url",
            &url,
        ],
        None,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[tokio::test]
async fn invalid_input_exits_2_without_a_request() {
    let server = TestServer::always(Reply::json(200, fixture("seed_example.json"))).await;
    let url = server.url();
    for args in [
        vec!["get", "4150000000", "--base-url", &url],
        vec!["get", "+1 415", "--base-url", &url],
        vec!["get", "--base-url", &url],
        vec!["frobnicate"],
        vec!["get", "+14150000000", "--base-url", "http://api.bland.ai"],
        vec!["get", "+14150000000", "--base-url", &url, "--timeout", "-1"],
    ] {
        let output = bland_sip(&args, None).await;
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&output.stderr)
        );
        assert!(
            text(&output.stderr).starts_with("error:"),
            "{args:?}: {}",
            text(&output.stderr)
        );
        assert_no_key(&output);
    }
    assert_eq!(server.request_count(), 0, "no request was sent");
}

#[tokio::test]
async fn api_errors_exit_1_with_status_code_and_message() {
    let server = TestServer::always(Reply::json(400, fixture("sip_not_enabled.json"))).await;
    let url = server.url();
    let output = bland_sip(&["get", "+14150000000", "--base-url", &url], None).await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: Bland API error, HTTP 400"),
        "{stderr}"
    );
    assert!(
        stderr.contains("SIP_NOT_ENABLED (SIP is not enabled for this organization)"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
    assert_no_key(&output);
}

#[tokio::test]
async fn network_and_decode_failures_exit_1_without_the_key() {
    let server = TestServer::always(Reply::json(200, fixture("wrong_type.json"))).await;
    let url = server.url();
    let output = bland_sip(&["get", "+14150000000", "--base-url", &url], None).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("data.outbound.options.port"));
    assert_no_key(&output);

    let refusing = RefusingPort::new();
    let url = refusing.url();
    let output = bland_sip(
        &["--retries", "0", "get", "+14150000000", "--base-url", &url],
        None,
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).starts_with("error: could not connect"),
        "{}",
        text(&output.stderr)
    );
    assert_no_key(&output);
}

#[tokio::test]
async fn help_never_shows_the_key_from_the_environment() {
    let output = bland_sip(&["--help"], None).await;
    assert_eq!(output.status.code(), Some(0));
    assert!(text(&output.stdout).contains("--api-key"));
    assert_no_key(&output);
}

fn audit_server_script(_: usize, request: &sip_client_tests::server::RecordedRequest) -> Reply {
    if request.target.ends_with("%2B14150000002") {
        Reply::json(400, fixture("sip_not_enabled.json"))
    } else {
        Reply::json(200, fixture("seed_example.json"))
    }
}

#[tokio::test]
async fn audit_reports_each_number_in_input_order() {
    let server = TestServer::start(audit_server_script).await;
    let url = server.url();
    let dir = std::env::temp_dir().join(format!("bland-sip-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("numbers.txt");
    std::fs::write(
        &file,
        "# numbers to audit\n+14150000001\n\n+14150000002\nnot-a-number\n  +14150000003  \n",
    )
    .unwrap();
    let output = bland_sip(
        &[
            "audit",
            "--numbers",
            file.to_str().unwrap(),
            "--base-url",
            &url,
        ],
        None,
    )
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.status.code(), Some(1), "a number failed");
    assert_no_key(&output);

    let lines: Vec<Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let numbers: Vec<&str> = lines
        .iter()
        .map(|l| l["phone_number"].as_str().unwrap())
        .collect();
    assert_eq!(
        numbers,
        [
            "+14150000001",
            "+14150000002",
            "not-a-number",
            "+14150000003"
        ]
    );
    assert_eq!(lines[0]["outbound"]["id"], "def789");
    assert_eq!(lines[1]["error"]["kind"], "api");
    assert_eq!(lines[1]["error"]["status"], 400);
    assert_eq!(lines[1]["error"]["code"], "SIP_NOT_ENABLED");
    assert_eq!(lines[2]["error"]["kind"], "invalid_phone_number");
    assert_eq!(lines[2]["error"]["status"], Value::Null);
    assert_eq!(lines[3]["inbound"]["id"], "abc123");

    assert_eq!(server.request_count(), 3, "the invalid line was not sent");
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("audited 4 numbers: 2 ok, 1 failed, 1 invalid (3 looked up)"),
        "{stderr}"
    );
}

#[tokio::test]
async fn audit_from_stdin_succeeds_with_bounded_concurrency() {
    // The first three answers wait until 3 requests are in flight: a client that sends
    // fewer at once waits 10 s for each of them and fails the bound below.
    let server = TestServer::start(|n, _| {
        let seed = Reply::json(200, fixture("seed_example.json"));
        if n < 3 {
            Reply::WhenInFlight(3, Box::new(seed))
        } else {
            seed
        }
    })
    .await;
    let url = server.url();
    let numbers: String = (0..12).map(|i| format!("+1415000{i:04}\n")).collect();
    let output = bland_sip(
        &[
            "audit",
            "--numbers",
            "-",
            "--concurrency",
            "3",
            "--base-url",
            &url,
        ],
        Some(&numbers),
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout).lines().count(), 12);
    assert_eq!(server.request_count(), 12);
    assert_eq!(
        server.max_in_flight(),
        3,
        "at most 3 at once, and really concurrent"
    );
}

#[tokio::test]
async fn audit_of_only_invalid_lines_exits_2_without_requests() {
    let server = TestServer::always(Reply::json(200, fixture("seed_example.json"))).await;
    let url = server.url();
    let output = bland_sip(
        &["audit", "--numbers", "-", "--base-url", &url],
        Some("415\n+0\n"),
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout).lines().count(), 2);
    assert_eq!(server.request_count(), 0);
}
