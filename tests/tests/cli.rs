//! The real `bland-sip` binary against the recording server.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use sip_client_tests::server::{RefusingPort, Reply, TestServer};
use sip_client_tests::{bland_sip_binary, fixture};

const KEY: &str = "cli-secret-key-7f3a";

/// Runs `bland-sip` with the key in the environment (as users do) and optional stdin.
async fn bland_sip(args: &[&str], stdin: Option<&str>) -> Output {
    bland_sip_env(args, stdin, &[]).await
}

/// `bland-sip` as a command: the key in the environment, no base URL or proxy from the
/// environment of the test run.
fn command(args: &[String], env: &[(String, String)]) -> Command {
    let mut command = Command::new(bland_sip_binary());
    command.args(args);
    with_test_env(&mut command, env);
    command
}

/// The environment of [`command`]: the key, and no base URL or proxy of the test run.
fn with_test_env(command: &mut Command, env: &[(String, String)]) {
    sip_client_tests::without_client_env(command);
    command.env("BLAND_API_KEY", KEY);
    for (name, value) in env {
        command.env(name, value);
    }
}

/// [`bland_sip`] with more environment variables.
async fn bland_sip_env(args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let stdin = stdin.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let mut child = command(&args, &env)
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
async fn request_bodies_come_from_a_file_or_from_stdin() {
    let server = TestServer::always(Reply::json(200, fixture("ops/send_test_call.json"))).await;
    let url = server.url();
    let request = fixture("ops/request_send_test_call.json");
    let path =
        sip_client_tests::workspace_root().join("tests/fixtures/ops/request_send_test_call.json");
    let path = path.to_str().unwrap();
    let stdin = std::str::from_utf8(&request).unwrap();
    let mut answers = Vec::new();
    for (source, stdin) in [(path, None), ("-", Some(stdin))] {
        let output = bland_sip(
            &["send-test-call", "--body", source, "--base-url", &url],
            stdin,
        )
        .await;
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        answers.push(serde_json::from_slice::<Value>(&output.stdout).unwrap());
    }
    let expected: Value = serde_json::from_slice(&request).unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for sent in &requests {
        assert_eq!(sent.method, "POST");
        let body: Value = serde_json::from_slice(&sent.body).unwrap();
        assert_eq!(body, expected, "the documented request, as read");
    }
    assert_eq!(answers[0], answers[1]);
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

/// A setting the client refuses is named as the command takes it: its flag, not the
/// library's method.
#[tokio::test]
async fn a_refused_setting_is_named_by_its_flag() {
    let bearer = format!("Bearer {KEY}");
    for (args, says) in [
        (
            vec![
                "get",
                "+14150000000",
                "--base-url",
                "https://user:pw@127.0.0.1:9",
            ],
            "credentials in the URL are not supported; use --api-key",
        ),
        (
            vec!["--api-key", &bearer, "--bearer", "get", "+14150000000"],
            "begins with `Bearer ` and --bearer adds it again",
        ),
        (
            vec![
                "get",
                "+14150000000",
                "--base-url",
                "https://api.bland.ai/v1",
            ],
            "so give https://api.bland.ai",
        ),
    ] {
        let output = bland_sip(&args, None).await;
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("api_key") && !stderr.contains("bearer_auth"),
            "{stderr}"
        );
        assert_no_key(&output);
    }
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
    let dir = sip_client_tests::Scratch::new("bland-sip-audit");
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

#[tokio::test]
async fn audit_with_invalid_lines_among_good_numbers_exits_1_after_looking_them_up() {
    let server = TestServer::always(Reply::json(200, fixture("seed_example.json"))).await;
    let url = server.url();
    let output = bland_sip(
        &["audit", "--numbers", "-", "--base-url", &url],
        Some("+14150000001\n415\n+14150000002\n"),
    )
    .await;
    let stderr = text(&output.stderr);
    // Not a usage error (requests were sent), not a success (a line did not pass).
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.ends_with("error: 1 of 3 numbers did not pass\n"),
        "{stderr}"
    );
    assert_eq!(text(&output.stdout).lines().count(), 3);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn audit_input_that_cannot_be_read_is_a_usage_error_before_any_request() {
    let server = TestServer::always(Reply::json(200, fixture("seed_example.json"))).await;
    let url = server.url();
    // A directory opens but does not read.
    let dir = std::env::temp_dir();
    let output = bland_sip(
        &[
            "audit",
            "--numbers",
            dir.to_str().unwrap(),
            "--base-url",
            &url,
        ],
        None,
    )
    .await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot read the numbers: "),
        "{stderr}"
    );
    assert_eq!(server.request_count(), 0);
}

/// `/dev/zero` has no line end: the audit stops with a usage error instead of reading it
/// forever.
#[cfg(unix)]
#[tokio::test]
async fn audit_of_an_endless_line_is_a_usage_error() {
    let server = TestServer::always(Reply::json(200, fixture("seed_example.json"))).await;
    let url = server.url();
    let output = bland_sip(
        &["audit", "--numbers", "/dev/zero", "--base-url", &url],
        None,
    )
    .await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: cannot read the numbers: a line of more than 1 MiB: this is not a list of \
         numbers\n"
    );
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn no_command_shows_the_commands_and_exits_2() {
    let output = bland_sip(&[], None).await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    // One `error:` line, as every error is, naming the commands to choose from.
    assert!(
        stderr.starts_with("error: no command given (one of get, audit, "),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(", help); see `bland-sip --help`\n"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    for command in ["get-sip-config", "attach-sip", "upload-port-document"] {
        assert!(
            stderr.contains(&format!(" {command},")),
            "{command} missing: {stderr}"
        );
    }
}

/// Control characters, ANSI escapes and bidirectional controls: none may reach a terminal.
fn assert_terminal_safe(bytes: &[u8]) {
    let text = text(bytes);
    for c in text.chars() {
        assert!(
            c == '\n' || !(c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{c:?} reached the terminal: {text:?}"
        );
    }
}

#[tokio::test]
async fn server_text_cannot_forge_lines_or_drive_the_terminal() {
    let body = serde_json::json!({
        "data": null,
        "errors": [{
            "error": "SIP_NOT_ENABLED\nerror: forged line",
            "message": "\u{1b}[31mred\u{1b}[0m\r\u{202e}desrever\u{9b}2J C:\\temp"
        }]
    });
    let server = TestServer::always(Reply::json(400, serde_json::to_vec(&body).unwrap())).await;
    let url = server.url();
    let output = bland_sip(&["get", "+14150000000", "--base-url", &url], None).await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "one error line: {stderr:?}");
    assert!(
        stderr.starts_with("error: Bland API error, HTTP 400"),
        "{stderr}"
    );
    // Each escape once: the line shows the library's escapes as they are, and the server's
    // own backslash doubled (found by a review: the CLI escaped the escapes again).
    assert!(
        stderr.contains(": SIP_NOT_ENABLED\\u{a}error: forged line (\\u{1b}[31mred"),
        "{stderr}"
    );
    assert!(stderr.contains("2J C:\\\\temp)"), "{stderr}");
    assert!(!stderr.contains("\\\\u{"), "{stderr}");
    assert_terminal_safe(&output.stderr);

    // In JSON output too: C1 controls and bidirectional overrides are escaped.
    let mut answer: Value = serde_json::from_slice(&fixture("seed_example.json")).unwrap();
    answer["data"]["outbound"]["sip_endpoint"] = "sip:x\u{9b}31m\u{202e}\u{7f}".into();
    let server = TestServer::always(Reply::json(200, serde_json::to_vec(&answer).unwrap())).await;
    let url = server.url();
    let output = bland_sip(&["get", "+14150000000", "--base-url", &url], None).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_terminal_safe(&output.stdout);
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        printed["outbound"]["sip_endpoint"], "sip:x\u{9b}31m\u{202e}\u{7f}",
        "the same value, escaped only in its text"
    );
}

#[tokio::test]
async fn extreme_timeouts_are_usage_errors_or_no_limit_never_panics() {
    let server = TestServer::always(Reply::json(200, fixture("seed_example.json"))).await;
    let url = server.url();
    // Representable: a limit beyond any clock is no limit.
    let output = bland_sip(
        &[
            "get",
            "+14150000000",
            "--base-url",
            &url,
            "--timeout",
            "1e19",
        ],
        None,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    // Not representable, or not a duration: a usage error, nothing sent.
    for bad in ["1e20", "inf", "NaN", "0", "-3"] {
        let flag = format!("--timeout={bad}");
        let output = bland_sip(&["get", "+14150000000", "--base-url", &url, &flag], None).await;
        assert_eq!(
            output.status.code(),
            Some(2),
            "{bad}: {}",
            text(&output.stderr)
        );
        let stderr = text(&output.stderr);
        assert!(
            stderr.starts_with("error: invalid value for --timeout"),
            "{bad}: {stderr}"
        );
        assert!(
            !stderr.contains(bad),
            "{bad}: the value is not repeated: {stderr}"
        );
    }
    // A negative figure given apart is a value refused as one, not an unknown flag.
    for (flag, bad) in [
        ("--timeout", "-1"),
        ("--timeout", "-0.5"),
        ("--retries", "-1"),
    ] {
        let output = bland_sip(
            &["get", "+14150000000", "--base-url", &url, flag, bad],
            None,
        )
        .await;
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{flag} {bad}: {stderr}");
        assert!(
            stderr.starts_with(&format!("error: invalid value for {flag}")),
            "{flag} {bad}: {stderr}"
        );
    }
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn output_that_cannot_be_written_is_an_error_line_not_a_panic() {
    let server = TestServer::always(Reply::json(200, fixture("seed_example.json"))).await;
    let url = server.url();
    let args: Vec<String> = ["get", "+14150000000", "--base-url", &url]
        .iter()
        .map(|a| a.to_string())
        .collect();

    // A full device.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let child_args = args.clone();
    let output = tokio::task::spawn_blocking(move || {
        command(&child_args, &[])
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot write the answer to stdout"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    // A closed pipe: the reader is gone before anything is written.
    let output = tokio::task::spawn_blocking(move || {
        let mut child = command(&args, &[])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot write the answer to stdout"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test]
async fn a_proxy_never_sees_the_key_of_a_plain_http_request() {
    let server = TestServer::always(Reply::json(200, fixture("seed_example.json"))).await;
    let proxy = TestServer::always(Reply::json(200, fixture("seed_example.json"))).await;
    let url = server.url();
    let proxy_url = proxy.url();
    let env = [
        ("HTTP_PROXY", proxy_url.as_str()),
        ("http_proxy", proxy_url.as_str()),
        ("ALL_PROXY", proxy_url.as_str()),
    ];
    let output = bland_sip_env(&["get", "+14150000000", "--base-url", &url], None, &env).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(proxy.request_count(), 0, "the proxy saw nothing");
    assert_eq!(
        server.request_count(),
        1,
        "the request went straight to the server"
    );

    // Opted in to clear text, the environment's proxy is used: the rule above is what
    // kept it away.
    let output = bland_sip_env(
        &[
            "get",
            "+14150000000",
            "--base-url",
            &url,
            "--allow-insecure-http",
        ],
        None,
        &env,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        proxy.request_count(),
        1,
        "the opted-in request went through the proxy"
    );
    assert_eq!(proxy.requests()[0].header("authorization"), Some(KEY));
}

/// A negative number is a number's value, not a flag: `--limit -1` reaches the client
/// (here sent, as the spec sets no bound; it was "unexpected argument"). The plain-http
/// refusal names the command's flag, not the library's setting. (Both found by a probe of
/// the CLI.)
#[tokio::test]
async fn negative_numbers_are_values_and_refusals_name_the_flag() {
    let server = TestServer::always(Reply::json(
        200,
        r#"{"data": {"calls": []}, "errors": null}"#,
    ))
    .await;
    let url = server.url();
    let args = [
        "list-sip-calls",
        "--phone-number",
        "+14150000000",
        "--limit",
        "-1",
        "--base-url",
        &url,
    ];
    let output = bland_sip(&args, None).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        server.requests()[0].target,
        "/v1/sip/calls?phone_number=%2B14150000000&limit=-1"
    );

    let args = ["list-sip-numbers", "--base-url", "http://10.0.0.1"];
    let output = bland_sip(&args, None).await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("or --allow-insecure-http"), "{stderr}");
    assert!(!stderr.contains("allow_insecure_http(true)"), "{stderr}");
}

/// A call of `list-sip-calls`'s answer, as JSON text.
fn call(id: &str) -> String {
    format!(
        r#"{{"call_id": "{id}", "direction": "inbound", "from": "+14150000000",
        "to": "+15105551234", "status": "200 OK", "sip_code": 200, "duration_seconds": 1,
        "started_at": "2026-03-09T11:00:00Z", "ended_at": "2026-03-09T11:00:01Z",
        "source_ip": "10.0.0.1"}}"#
    )
}

/// `--all` of a paginated operation's command prints every item of every page as one JSON
/// array, each page asked with the cursor of the one before (and the command's options).
#[tokio::test]
async fn all_prints_every_item_of_every_page() {
    let server = TestServer::start(move |_, request| {
        let calls = match request.target.split_once("before=") {
            None => format!("{},{}", call("a"), call("b")),
            Some((_, "b")) => call("c"),
            Some(_) => String::new(),
        };
        Reply::json(
            200,
            format!(r#"{{"data": {{"calls": [{calls}]}}, "errors": null}}"#),
        )
    })
    .await;
    let url = server.url();
    let args = [
        "list-sip-calls",
        "--phone-number",
        "+14150000000",
        "--limit",
        "2",
        "--all",
        "--base-url",
        &url,
    ];
    let output = bland_sip(&args, None).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // Printed item by item, as the whole array would be printed at once.
    assert_eq!(
        text(&output.stdout),
        serde_json::to_string_pretty(&printed).unwrap() + "\n"
    );
    let ids: Vec<&str> = printed
        .as_array()
        .unwrap()
        .iter()
        .map(|call| call["call_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    let targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        [
            "/v1/sip/calls?phone_number=%2B14150000000&limit=2",
            "/v1/sip/calls?phone_number=%2B14150000000&limit=2&before=b",
            "/v1/sip/calls?phone_number=%2B14150000000&limit=2&before=c",
        ]
    );
}

/// `--all` prints each item as its page arrives: when a later page fails, the items before
/// it are on stdout, in an array left open (no reader takes them for all of them), and the
/// failure is the `error:` line and exit 1. No page at all prints an empty array.
#[tokio::test]
async fn all_prints_the_items_before_a_failed_page_and_leaves_the_array_open() {
    let call = call("a");
    let server = TestServer::start(move |n, _| match n {
        0 => Reply::json(
            200,
            format!(r#"{{"data": {{"calls": [{call}]}}, "errors": null}}"#),
        ),
        _ => Reply::json(500, r#"{"data": null, "errors": [{"error": "BOOM"}]}"#),
    })
    .await;
    let url = server.url();
    let args = [
        "list-sip-calls",
        "--phone-number",
        "+14150000000",
        "--all",
        "--retries",
        "0",
        "--base-url",
        &url,
    ];
    let output = bland_sip(&args, None).await;
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stdout.starts_with("[\n  {\n    \"call_id\": \"a\","),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("\"to\": \"+15105551234\"\n  }"),
        "{stdout}"
    );
    assert!(serde_json::from_str::<serde_json::Value>(&stdout).is_err());
    assert!(
        stderr.starts_with("error: ") && stderr.contains("BOOM"),
        "{stderr}"
    );
    assert_eq!(server.request_count(), 2);

    let empty = TestServer::always(Reply::json(200, r#"{"data": {"calls": []}}"#)).await;
    let url = empty.url();
    let args = [
        "list-sip-calls",
        "--phone-number",
        "+14150000000",
        "--all",
        "--base-url",
        &url,
    ];
    let output = bland_sip(&args, None).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "[]\n");
}

#[tokio::test]
async fn a_mistyped_option_is_not_repeated_in_the_usage_error() {
    let secret = "sk-live-4f9c0e1b2a3d";
    for args in [
        vec!["--bearer", secret, "get", "+14150000000"],
        vec!["get", "+14150000000", secret],
        vec![secret],
        vec![
            "list-sip-calls",
            "--phone-number",
            "+14150000000",
            "--limit",
            secret,
        ],
    ] {
        let output = bland_sip(&args, None).await;
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(!stderr.contains(secret), "{args:?}: {stderr}");
        assert!(!text(&output.stdout).contains(secret), "{args:?}");
    }
    let output = bland_sip(&["--bearer", secret, "get", "+14150000000"], None).await;
    assert!(
        text(&output.stderr).contains("unexpected argument at position 2"),
        "{}",
        text(&output.stderr)
    );
}

#[tokio::test]
async fn an_empty_base_url_variable_means_the_default_as_in_the_library() {
    // The default base URL is https: through an HTTPS proxy (a local server here), the
    // client asks to tunnel to api.bland.ai, which shows what it would have called without
    // anything leaving this machine.
    let proxy = TestServer::always(Reply::json(502, "{}")).await;
    let proxy_url = proxy.url();
    let env = [
        ("BLAND_BASE_URL", ""),
        ("HTTPS_PROXY", proxy_url.as_str()),
        ("https_proxy", proxy_url.as_str()),
    ];
    let output = bland_sip_env(&["--retries", "0", "get", "+14150000000"], None, &env).await;
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let requests = proxy.requests();
    assert_eq!(requests.len(), 1, "{}", text(&output.stderr));
    assert_eq!(requests[0].method, "CONNECT");
    assert_eq!(requests[0].target, "api.bland.ai:443");
    assert_no_key(&output);
    assert_eq!(
        requests[0].header("authorization"),
        None,
        "the key stays in the tunnel"
    );

    // A set variable is used.
    let server = TestServer::always(Reply::json(200, fixture("seed_example.json"))).await;
    let url = server.url();
    let output = bland_sip_env(&["get", "+14150000000"], None, &[("BLAND_BASE_URL", &url)]).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn secrets_of_answers_print_redacted_unless_asked_for() {
    let mut answer: Value = serde_json::from_slice(&fixture("seed_example.json")).unwrap();
    answer["data"]["inbound"]["options"]["sip_password"] = "hunter2hunter2".into();
    let server = TestServer::always(Reply::json(200, serde_json::to_vec(&answer).unwrap())).await;
    let url = server.url();
    let output = bland_sip(&["get", "+14150000000", "--base-url", &url], None).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["inbound"]["options"]["sip_password"], "<redacted>");
    assert!(!text(&output.stdout).contains("hunter2"));
    // What was withheld is said, where it was, on stderr.
    assert_eq!(
        text(&output.stderr),
        "note: a secret of the answer withheld (inbound.options.sip_password); \
         --show-secrets prints them\n"
    );

    let output = bland_sip(
        &["get", "+14150000000", "--base-url", &url, "--show-secrets"],
        None,
    )
    .await;
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        printed["inbound"]["options"]["sip_password"],
        "hunter2hunter2"
    );
    assert_eq!(text(&output.stderr), "");

    // A write's answer may hold a secret Bland returns once (the password for the PBX): its
    // withholding is not silent.
    let server = TestServer::always(Reply::json(
        200,
        r#"{"register_password_for_pbx": "DERIVEDPW123"}"#,
    ))
    .await;
    let body = text(&fixture("ops/request_update_sip.json"));
    let output = bland_sip(
        &["update-sip", "--body", "-", "--base-url", &server.url()],
        Some(&body),
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(!text(&output.stdout).contains("DERIVEDPW123"));
    assert_eq!(
        text(&output.stderr),
        "note: a secret of the answer withheld (register_password_for_pbx); --show-secrets \
         prints them\n"
    );

    // A secret of the request quoted back in a success answer (a refused password in the
    // reason of a `failed` entry: a black-box probe saw it printed) is masked where it
    // stands, and said; `--show-secrets` prints it.
    let server = TestServer::always(Reply::json(
        200,
        r#"{"data": {"configured": [], "failed": [{"phone_number": "+14150000000",
            "reason": "register_auth.password 'Hunter2Hunter2' rejected: too weak"}]}}"#,
    ))
    .await;
    let body = r#"{"phone_number": "+14150000000", "directions": [{"type": "inbound",
        "sip_endpoint": "sip:pbx.example.com", "auth_mode": "register",
        "register_auth": {"username": "u", "password": "Hunter2Hunter2"}}]}"#;
    let args = ["attach-sip", "--body", "-", "--base-url", &server.url()];
    let output = bland_sip(&args, Some(body)).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        printed["data"]["failed"][0]["reason"],
        "register_auth.password '<redacted>' rejected: too weak"
    );
    assert_eq!(
        text(&output.stderr),
        "note: a secret of the answer withheld (data.failed[0].reason); --show-secrets \
         prints them\n"
    );
    let output = bland_sip(&[&args[..], &["--show-secrets"]].concat(), Some(body)).await;
    assert!(text(&output.stdout).contains("'Hunter2Hunter2' rejected"));

    // A note names at most five, counts the others, and masks the key in the keys a server
    // wrote (found by a review: the key echoed as a key of `options` was shown).
    let mut answer: Value = serde_json::from_slice(&fixture("seed_example.json")).unwrap();
    let options = &mut answer["data"]["inbound"]["options"];
    // First, in key order and in insertion order alike: named in the note.
    options[format!("a_token_{KEY}")] = "v".into();
    for n in 0..7 {
        options[format!("password{n}")] = "hunter2hunter2".into();
    }
    let server = TestServer::always(Reply::json(200, serde_json::to_vec(&answer).unwrap())).await;
    let output = bland_sip(&["get", "+14150000000", "--base-url", &server.url()], None).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let note = text(&output.stderr);
    assert!(!note.contains(KEY), "{note}");
    assert!(
        note.starts_with(
            "note: secrets of the answer withheld (inbound.options.a_token_<api key>, \
             inbound.options.password0, "
        ) && note.ends_with(" and 3 more); --show-secrets prints them\n"),
        "{note}"
    );

    let output = bland_sip(
        &["audit", "--numbers", "-", "--base-url", &url],
        Some("+14150000000\n"),
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        !text(&output.stdout).contains("hunter2"),
        "{}",
        text(&output.stdout)
    );
    assert!(text(&output.stdout).contains("<redacted>"));
}

#[tokio::test]
async fn audit_streams_its_input_and_strips_bom_and_cr() {
    let server = TestServer::always(Reply::json(200, fixture("seed_example.json"))).await;
    let mut child = start_audit(&server.url(), Stdio::piped());
    let mut stdin = child.stdin.take().unwrap();
    // The first number, with a byte-order mark and a CRLF, and the input kept open.
    stdin.write_all(b"\xef\xbb\xbf+14150000001\r\n").unwrap();
    stdin.flush().unwrap();
    // Its answer is printed while the input is still open: nothing waits for the end.
    let (first, reader) =
        first_line(&mut child, "the first line came before the input ended").await;
    assert_eq!(first["phone_number"], "+14150000001");
    assert_eq!(first["outbound"]["id"], "def789");
    stdin.write_all(b"+14150000002\r\n").unwrap();
    drop(stdin);
    let (rest, output) = rest_of_output(reader, child).await;
    assert_eq!(output.status.code(), Some(0));
    let second: Value = serde_json::from_str(rest.trim()).unwrap();
    assert_eq!(second["phone_number"], "+14150000002");
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/v1/sip?phone_number=%2B14150000001",
            "/v1/sip?phone_number=%2B14150000002"
        ]
    );
}

/// `bland-sip audit --numbers -` against `url`, reading `stdin`; stdout and stderr piped.
fn start_audit(url: &str, stdin: Stdio) -> std::process::Child {
    let args: Vec<String> = ["audit", "--numbers", "-", "--base-url", url]
        .iter()
        .map(|a| a.to_string())
        .collect();
    command(&args, &[])
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The first line `child` prints, as JSON (waited for at most a generous minute, `what`
/// says what it proves), and its stdout to read on.
async fn first_line(
    child: &mut std::process::Child,
    what: &str,
) -> (Value, std::io::BufReader<std::process::ChildStdout>) {
    let stdout = child.stdout.take().unwrap();
    let read = tokio::task::spawn_blocking(move || {
        let mut reader = std::io::BufReader::new(stdout);
        let mut line = String::new();
        std::io::BufRead::read_line(&mut reader, &mut line).unwrap();
        (line, reader)
    });
    let (line, reader) = tokio::time::timeout(std::time::Duration::from_secs(60), read)
        .await
        .unwrap_or_else(|_| panic!("no line within a minute: {what}"))
        .unwrap();
    (serde_json::from_str(&line).unwrap(), reader)
}

/// What `child` prints after the lines already read from `reader`, and how it ended.
async fn rest_of_output(
    mut reader: std::io::BufReader<std::process::ChildStdout>,
    child: std::process::Child,
) -> (String, Output) {
    tokio::task::spawn_blocking(move || {
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut reader, &mut rest).unwrap();
        (rest, child.wait_with_output().unwrap())
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn audit_input_that_fails_after_lookups_keeps_their_lines_and_exits_1() {
    // Whether the number looked up passed or failed, it was looked up.
    let found = Reply::json(200, fixture("seed_example.json"));
    let not_enabled = Reply::json(400, fixture("sip_not_enabled.json"));
    for (reply, passed) in [(found, true), (not_enabled, false)] {
        audit_input_fails_after_one_lookup(reply, passed).await;
    }
}

async fn audit_input_fails_after_one_lookup(reply: Reply, passed: bool) {
    let server = TestServer::always(reply).await;
    let url = server.url();
    // The numbers come over a TCP connection that the other end resets after the first
    // line: the input fails mid-way, as a network file system or a pipe of a crashed
    // producer can.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let input = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (mut producer, _) = listener.accept().unwrap();
    producer.write_all(b"+14150000001\n").unwrap();
    let mut child = start_audit(&url, Stdio::from(std::os::fd::OwnedFd::from(input)));
    let (first, reader) = first_line(&mut child, "the first number was looked up").await;
    assert_eq!(first["phone_number"], "+14150000001");
    assert_eq!(first.get("error").is_none(), passed, "{first}");

    // A reset (not a close, which would be a clean end of input).
    producer.set_nonblocking(true).unwrap();
    let producer = tokio::net::TcpStream::from_std(producer).unwrap();
    producer.set_zero_linger().unwrap();
    drop(producer);
    let (rest, output) = rest_of_output(reader, child).await;
    let stderr = text(&output.stderr);
    // Not a usage error: a number was looked up and its line printed.
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(rest, "", "nothing after the failure");
    assert!(
        stderr.contains("error: cannot read the numbers: "),
        "{stderr}"
    );
    assert_eq!(server.request_count(), 1);
}

/// One number per kind of failure, by the last two digits. (The stall outlasts the
/// `--timeout` of the test, which is long enough for the other answers on a loaded machine.)
fn failing_script(_: usize, request: &sip_client_tests::server::RecordedRequest) -> Reply {
    let stall = std::time::Duration::from_secs(120);
    match &request.target[request.target.len() - 2..] {
        "01" => Reply::json(200, fixture("seed_example.json")),
        "02" => Reply::json(400, fixture("sip_not_enabled.json")),
        "03" => Reply::Respond {
            status: 418,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: b"teapot".to_vec(),
        },
        "04" => Reply::json(200, fixture("wrong_type.json")),
        "05" => Reply::Huge { len: 2 << 20 },
        "06" => Reply::Stall(stall),
        _ => Reply::Close,
    }
}

#[tokio::test]
async fn audit_names_the_kind_of_every_failure() {
    let server = TestServer::start(failing_script).await;
    let url = server.url();
    let numbers: String = (1..=7)
        .map(|n| format!("+141500000{n:02}\nx{n}\n"))
        .collect();
    let output = bland_sip(
        &[
            "audit",
            "--numbers",
            "-",
            "--base-url",
            &url,
            "--retries",
            "0",
            "--timeout",
            "10",
        ],
        Some(&numbers),
    )
    .await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let lines: Vec<Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let kinds: Vec<&str> = lines
        .iter()
        .map(|line| line["error"]["kind"].as_str().unwrap_or("ok"))
        .collect();
    let invalid = "invalid_phone_number";
    assert_eq!(
        kinds,
        [
            "ok",
            invalid,
            "api",
            invalid,
            "unexpected_response",
            invalid,
            "decode",
            invalid,
            "body_too_large",
            invalid,
            "timeout",
            invalid,
            "transport",
            invalid,
        ],
        "{stderr}"
    );
    assert_eq!(lines[4]["error"]["status"], 418);
    assert!(
        stderr.contains("audited 14 numbers: 1 ok, 6 failed, 7 invalid (7 looked up)"),
        "{stderr}"
    );

    let refusing = RefusingPort::new();
    let url = refusing.url();
    let output = bland_sip(
        &[
            "audit",
            "--numbers",
            "-",
            "--base-url",
            &url,
            "--retries",
            "0",
        ],
        Some("+14150000001\n"),
    )
    .await;
    let line: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(line["error"]["kind"], "connect", "{line}");
    assert_eq!(output.status.code(), Some(1));
}

/// A file of the temporary directory holding `bytes`, its name ending in `name` (the CLI
/// reads a document's media type from its extension): removed when dropped.
fn temp_file(name: &str, bytes: &[u8]) -> tempfile::TempPath {
    let mut file = tempfile::Builder::new()
        .prefix("bland-sip-")
        .suffix(&format!("-{name}"))
        .tempfile()
        .unwrap();
    std::io::Write::write_all(&mut file, bytes).unwrap();
    file.into_temp_path()
}

/// `bland-sip attach-sip --body <source>` against `url`, `stdin` fed when the source is `-`.
async fn attach_with_body(source: &str, url: &str, stdin: Option<&str>) -> Output {
    bland_sip(&["attach-sip", "--body", source, "--base-url", url], stdin).await
}

/// A misspelt key would be dropped and the field sent as absent: a key the request does not
/// know is refused, wherever it is, and nothing is sent. Keys of maps that keep unknown keys
/// (a direction's `options`) are known.
#[tokio::test]
async fn a_body_with_a_key_the_request_does_not_know_is_refused() {
    let server = TestServer::always(Reply::json(200, fixture("ops/attach_sip.json"))).await;
    let url = server.url();
    let direction = serde_json::json!({"type": "outbound", "sip_endpoint": "sip:a.example.com"});
    for (body, at) in [
        (
            serde_json::json!({"phone_number": "1001", "trunk_idd": "t1", "directions": [direction]}),
            "trunk_idd",
        ),
        (
            serde_json::json!({"phone_number": "+14150000000",
                "directions": [direction, {"type": "inbound", "sip_endpont": "sip:b"}]}),
            "directions.1.sip_endpont",
        ),
    ] {
        let path = temp_file("unknown-key-body.json", body.to_string().as_bytes());
        let output = attach_with_body(path.to_str().unwrap(), &url, None).await;
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert_eq!(
            stderr,
            format!(
                "error: the body has a key the request does not know at `{at}`; check its \
                 spelling\n"
            )
        );
    }
    assert_eq!(server.request_count(), 0);
    let known = serde_json::json!({"phone_number": "+14150000000", "service": "sip",
        "directions": [{"type": "outbound", "sip_endpoint": "sip:a.example.com",
            "options": {"future_option": 1}}]});
    let path = temp_file("known-keys-body.json", known.to_string().as_bytes());
    let output = attach_with_body(path.to_str().unwrap(), &url, None).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let sent: serde_json::Value = serde_json::from_slice(&server.requests()[0].body).unwrap();
    assert_eq!(sent["directions"][0]["options"]["future_option"], 1);
}

#[tokio::test]
async fn a_body_that_does_not_decode_names_the_path_and_kind_but_not_the_value() {
    let server = TestServer::always(Reply::json(200, fixture("ops/attach_sip.json"))).await;
    let url = server.url();
    let body = serde_json::json!({
        "phone_number": "+14150000000",
        "service": "sip",
        "directions": [{
            "type": "inbound",
            "auth_mode": "register",
            "register_auth": {"username": "u", "password": 73194628}
        }]
    });
    let path = temp_file("undecodable-body.json", body.to_string().as_bytes());
    let stdin = body.to_string();
    for (source, stdin) in [(path.to_str().unwrap(), None), ("-", Some(stdin.as_str()))] {
        let output = attach_with_body(source, &url, stdin).await;
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(!stderr.contains("73194628"), "{stderr}");
        assert!(
            stderr.starts_with(
                "error: the body is not a valid request at \
                 `directions[0].register_auth.password`: invalid type: integer, expected a string"
            ),
            "{stderr}"
        );
    }
    assert_eq!(server.request_count(), 0);
}

/// A body that starts with a UTF-8 byte-order mark (as some editors write files) is read
/// without it, from a file and from stdin alike.
#[tokio::test]
async fn a_body_with_a_byte_order_mark_is_read_without_it() {
    let server = TestServer::always(Reply::json(200, fixture("ops/attach_sip.json"))).await;
    let url = server.url();
    let body = "\u{feff}{\"phone_number\":\"+14150000000\",\"directions\":[{\"type\":\"outbound\",\"sip_endpoint\":\"sip:a.b\"}]}";
    let path = temp_file("bom.json", body.as_bytes());
    for (source, stdin) in [(path.to_str().unwrap(), None), ("-", Some(body))] {
        let output = attach_with_body(source, &url, stdin).await;
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[0].body.starts_with(b"{"), "{:?}", requests[0].body);
}

/// A body is one JSON value: anything after it (a second document, a stray bracket) means
/// the file is not what its author thinks, and nothing is sent.
#[tokio::test]
async fn a_body_with_anything_after_its_json_value_is_refused() {
    let server = TestServer::always(Reply::json(200, fixture("ops/attach_sip.json"))).await;
    let url = server.url();
    let body = r#"{"phone_number":"+14150000000","directions":[{"type":"outbound","sip_endpoint":"sip:a.b"}]}"#;
    for (name, trailing) in [
        ("garbage", " garbage"),
        ("second", "\n{\"phone_number\":\"+14150000001\"}"),
        ("bracket", "]}}"),
        ("comma", ","),
    ] {
        let text_of_body = format!("{body}{trailing}");
        let path = temp_file(&format!("trailing-{name}.json"), text_of_body.as_bytes());
        for (source, stdin) in [
            (path.to_str().unwrap(), None),
            ("-", Some(text_of_body.as_str())),
        ] {
            let output = attach_with_body(source, &url, stdin).await;
            let stderr = text(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
            assert!(
                stderr.starts_with("error: the body is not one JSON value: trailing characters"),
                "{name}: {stderr}"
            );
        }
    }
    // Trailing whitespace is no content.
    let path = temp_file("trailing-space.json", format!("{body}\n \t\n").as_bytes());
    let output = attach_with_body(path.to_str().unwrap(), &url, None).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(server.request_count(), 1);
}

/// The key typed where a file or a URL was expected, or echoed by a server in its error
/// text, is masked in the `error:` line; the rest of the message stays.
#[tokio::test]
async fn the_key_is_masked_wherever_an_error_line_would_repeat_it() {
    let key = KEY;
    let echo = format!(
        r#"{{"errors":[{{"error":"INVALID_API_KEY","message":"The key {key} is not valid"}}]}}"#
    );
    let server = TestServer::always(Reply::json(401, echo)).await;
    let url = server.url();
    let bad_base = format!("http://{key}");
    for args in [
        vec!["attach-sip", "--body", key, "--base-url", &url],
        vec!["audit", "--numbers", key, "--base-url", &url],
        vec!["get", "+14150000000", "--base-url", key],
        vec!["get", "+14150000000", "--base-url", &bad_base],
        vec!["get", "+14150000000", "--base-url", &url],
    ] {
        let output = bland_sip(&args, None).await;
        let stderr = text(&output.stderr);
        assert!(!stderr.contains(key), "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(stderr.contains("<api key>"), "{args:?}: {stderr}");
    }
    // In audit's JSON lines too, where each failure's message is printed.
    let output = bland_sip(
        &["audit", "--numbers", "-", "--base-url", &url],
        Some("+14150000001\n"),
    )
    .await;
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(!stdout.contains(key), "{stdout}");
    let line: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        line["error"]["message"],
        "Bland API error, HTTP 401 Unauthorized: INVALID_API_KEY (The key <api key> is not valid); \
         check the API key (BLAND_API_KEY) and whether it is sent raw or as a Bearer token",
        "{line}"
    );
    // The key given as an option is masked too.
    let other = "sk-another-key-0042";
    let output = bland_sip(
        &[
            "--api-key",
            other,
            "attach-sip",
            "--body",
            other,
            "--base-url",
            &url,
        ],
        None,
    )
    .await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains(other), "{stderr}");
}

/// URL parsers drop tab, CR and LF, so an id holding them could still climb the path
/// (`..\t` becomes `..`): refused, nothing sent.
#[tokio::test]
async fn a_path_parameter_with_a_control_character_is_refused() {
    let server =
        TestServer::always(Reply::json(200, fixture("ops/cancel_port_request.json"))).await;
    let url = server.url();
    for id in ["..\t", ".\n.", "\t", "\r", "port_1\n"] {
        let output = bland_sip(
            &["cancel-port-request", "--id", id, "--base-url", &url],
            None,
        )
        .await;
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{id:?}: {stderr}");
        assert!(stderr.contains("control character"), "{id:?}: {stderr}");
    }
    assert_eq!(server.request_count(), 0);
}

/// An empty or blank `BLAND_API_KEY` is no key, as an empty `BLAND_BASE_URL` is no base
/// URL: the message says so (it said the key was empty or held bad characters).
#[tokio::test]
async fn an_empty_or_blank_key_in_the_environment_is_no_key() {
    for empty in ["", "  "] {
        let output = bland_sip_env(
            &["get", "+14150000000", "--base-url", "http://127.0.0.1:9"],
            None,
            &[("BLAND_API_KEY", empty)],
        )
        .await;
        assert_eq!(output.status.code(), Some(2));
        assert_eq!(
            text(&output.stderr),
            "error: no API key: pass --api-key or set BLAND_API_KEY\n",
            "{empty:?}"
        );
    }
}

/// A parameter too long for any URL is invalid input (exit 2, nothing sent), said in one
/// short line that names it: it was a transport failure (exit 1) that printed the whole
/// 100 KB URL.
#[tokio::test]
async fn a_parameter_too_long_for_a_url_is_a_short_usage_error() {
    let server =
        TestServer::always(Reply::json(200, fixture("ops/cancel_port_request.json"))).await;
    let url = server.url();
    let id = "p".repeat(100_000);
    let output = bland_sip(
        &["cancel-port-request", "--id", &id, "--base-url", &url],
        None,
    )
    .await;
    let stderr = text(&output.stderr);
    let start: String = stderr.chars().take(300).collect();
    assert_eq!(output.status.code(), Some(2), "{start}");
    assert!(stderr.len() < 200, "{} bytes: {start}", stderr.len());
    assert_eq!(
        stderr.trim_end(),
        format!(
            "error: invalid `id`: is too long: the request URL would be {} bytes, and at most \
             65534 can be sent; no request was sent",
            url.len() + "/v1/sip/port/".len() + id.len()
        )
    );
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn values_under_keys_that_look_secret_print_redacted_unless_asked_for() {
    let mut answer: Value = serde_json::from_slice(&fixture("seed_example.json")).unwrap();
    let options = &mut answer["data"]["inbound"]["options"];
    options["register_auth"] = serde_json::json!({"username": "u", "password": "REGPW-SECRET-2"});
    options["future_secret_password"] = "FUTURE-SECRET-3".into();
    options["Api_Key"] = serde_json::json!(["KEY-SECRET-4"]);
    options["session_token"] = serde_json::json!(12345678987_u64);
    options["credentials"] = serde_json::json!({"user": "CRED-SECRET-5", "pin": null});
    let server = TestServer::always(Reply::json(200, serde_json::to_vec(&answer).unwrap())).await;
    let url = server.url();
    let secrets = [
        "REGPW-SECRET-2",
        "FUTURE-SECRET-3",
        "KEY-SECRET-4",
        "12345678987",
        "CRED-SECRET-5",
    ];

    let output = bland_sip(&["get", "+14150000000", "--base-url", &url], None).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    for secret in secrets {
        assert!(!stdout.contains(secret), "{secret}: {stdout}");
    }
    let printed: Value = serde_json::from_str(&stdout).unwrap();
    let options = &printed["inbound"]["options"];
    assert_eq!(
        options["register_auth"],
        serde_json::json!({"username": "u", "password": "<redacted>"})
    );
    assert_eq!(options["future_secret_password"], "<redacted>");
    assert_eq!(options["Api_Key"], serde_json::json!(["<redacted>"]));
    assert_eq!(options["session_token"], "<redacted>");
    assert_eq!(
        options["credentials"],
        serde_json::json!({"user": "<redacted>", "pin": null}),
        "every value under a secret key; null says nothing"
    );
    assert_eq!(options["auth_mode"], "ip", "other keys are kept");

    let output = bland_sip(
        &["audit", "--numbers", "-", "--base-url", &url],
        Some("+14150000000\n"),
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    for secret in secrets {
        assert!(!stdout.contains(secret), "{secret}: {stdout}");
    }
    assert!(stdout.contains("<redacted>"), "{stdout}");

    let output = bland_sip(
        &["get", "+14150000000", "--base-url", &url, "--show-secrets"],
        None,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    for secret in secrets {
        assert!(stdout.contains(secret), "{secret}: {stdout}");
    }
}

/// The largest body and upload read, as the CLI documents it.
const READ_LIMIT: u64 = 10 * 1024 * 1024;

#[tokio::test]
async fn an_endless_body_on_stdin_is_refused_after_the_limit() {
    let server = TestServer::always(Reply::json(200, fixture("ops/attach_sip.json"))).await;
    let url = server.url();
    let args: Vec<String> = ["attach-sip", "--body", "-", "--base-url", &url]
        .iter()
        .map(|a| a.to_string())
        .collect();
    // `yes '{"a":1}'`, up to a bound far past the limit so that the test ends either way.
    let bound: u64 = 8 * READ_LIMIT;
    let (output, written) = tokio::task::spawn_blocking(move || {
        let mut child = command(&args, &[])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut pipe = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            let block = "{\"a\":1}\n".repeat(8192);
            let mut written = 0u64;
            while written < bound {
                match pipe.write_all(block.as_bytes()) {
                    Ok(()) => written += block.len() as u64,
                    Err(_) => break,
                }
            }
            written
        });
        let output = child.wait_with_output().unwrap();
        (output, writer.join().unwrap())
    })
    .await
    .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: the body from stdin is larger than 10485760 bytes"),
        "{stderr}"
    );
    assert!(
        written < 2 * READ_LIMIT,
        "{written} bytes were taken: the input was read past the limit"
    );
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn bodies_and_uploads_up_to_the_limit_are_read_and_larger_ones_refused() {
    let server =
        TestServer::always(Reply::json(200, fixture("ops/upload_port_document.json"))).await;
    let url = server.url();

    // A body file one byte over the limit (spaces: valid JSON whitespace around `{}`).
    let mut body = b"{}".to_vec();
    body.resize(READ_LIMIT as usize + 1, b' ');
    let path = temp_file("big-body.json", &body);
    let output = attach_with_body(path.to_str().unwrap(), &url, None).await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("error: the body in "), "{stderr}");
    assert!(stderr.contains("is larger than 10485760 bytes"), "{stderr}");

    // An upload of exactly the limit is sent.
    let path = temp_file("document.pdf", &vec![b'%'; READ_LIMIT as usize]);
    let output = bland_sip(
        &[
            "upload-port-document",
            "--file",
            path.to_str().unwrap(),
            "--base-url",
            &url,
        ],
        None,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(server.request_count(), 1);

    // An endless file is refused after the limit, within bounded memory. The address space
    // is limited so that a CLI that reads on aborts instead of exhausting the machine.
    let script = format!(
        "ulimit -v 4194304 && exec \"$0\" upload-port-document --file /dev/zero --base-url {url}"
    );
    let args = vec![
        "-c".to_owned(),
        script,
        bland_sip_binary().to_str().unwrap().to_owned(),
    ];
    let output = tokio::task::spawn_blocking(move || {
        let mut shell = Command::new("sh");
        shell.args(&args);
        with_test_env(&mut shell, &[]);
        shell.stdin(Stdio::null()).output().unwrap()
    })
    .await
    .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: \"/dev/zero\" is larger than 10485760 bytes (10 MiB), the most Bland accepts\n"
    );
    assert_eq!(server.request_count(), 1, "nothing more was sent");
}

#[tokio::test]
async fn timeouts_below_a_millisecond_are_usage_errors() {
    let server = TestServer::always(Reply::json(200, fixture("seed_example.json"))).await;
    let url = server.url();
    for bad in ["1e-10", "1e-300", "4.9e-324", "0.0009", "0.0000000001"] {
        let flag = format!("--timeout={bad}");
        let output = bland_sip(&["get", "+14150000000", "--base-url", &url, &flag], None).await;
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{bad}: {stderr}");
        assert!(
            stderr.starts_with("error: invalid value for --timeout <SECS>: at least 0.001 seconds"),
            "{bad}: {stderr}"
        );
        assert!(!stderr.contains(bad), "{bad}: {stderr}");
    }
    assert_eq!(server.request_count(), 0);
    let output = bland_sip(
        &[
            "get",
            "+14150000000",
            "--base-url",
            &url,
            "--timeout",
            "0.001",
        ],
        None,
    )
    .await;
    // One millisecond is accepted (whether the call fits in it depends on the machine).
    assert!(
        !text(&output.stderr).contains("--timeout"),
        "{}",
        text(&output.stderr)
    );
}

#[tokio::test]
async fn help_and_version_that_cannot_be_written_are_reported() {
    for (args, what) in [
        (&["--help"][..], "help"),
        (&["-h"][..], "help"),
        (&["get", "--help"][..], "help"),
        (&["help", "audit"][..], "help"),
        (&["--version"][..], "version"),
    ] {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let child_args = args.clone();
        let output = tokio::task::spawn_blocking(move || {
            command(&child_args, &[])
                .stdout(full)
                .stderr(Stdio::piped())
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(&format!("error: cannot write the {what} to stdout: ")),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
    // Written, they still succeed.
    let output = bland_sip(&["--version"], None).await;
    assert_eq!(output.status.code(), Some(0));
    assert!(text(&output.stdout).starts_with("bland-sip "));
}

/// A BLAND_BASE_URL that is not valid UTF-8 is named, not taken for unset: unset, the call
/// would go to Bland's production.
#[tokio::test]
async fn a_base_url_variable_that_is_not_unicode_is_a_usage_error() {
    use std::os::unix::ffi::OsStrExt;
    let server = TestServer::always(Reply::json(200, "{}")).await;
    let mut url = server.url().into_bytes();
    url.push(0xff);
    let output = tokio::task::spawn_blocking(move || {
        let mut command = command(&["get".to_owned(), "+14150000000".to_owned()], &[]);
        command.env("BLAND_BASE_URL", std::ffi::OsStr::from_bytes(&url));
        command.output().expect("run bland-sip")
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stderr),
        "error: BLAND_BASE_URL is set but is not valid Unicode; fix or unset it (its value is not shown)\n"
    );
    assert_eq!(server.request_count(), 0);
}

/// A server may echo the key in any field of a success, and an audit line repeats its input
/// line, which may hold the key (a `.env` given as the list): the key is masked in every
/// JSON output as in the `error:` line.
#[tokio::test]
async fn the_key_is_masked_in_answers_and_in_the_lines_audit_repeats() {
    let body = String::from_utf8(fixture("seed_example.json"))
        .unwrap()
        .replace(
            "\"sip:trunk.provider.com\"",
            &format!("\"sip:{KEY}@trunk.provider.com\""),
        );
    assert!(body.contains(KEY));
    let server = TestServer::always(Reply::json(200, body)).await;
    let url = server.url();
    let output = bland_sip(&["get", "+14150000000", "--base-url", &url], None).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_no_key(&output);
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        answer["outbound"]["sip_endpoint"],
        "sip:<api key>@trunk.provider.com"
    );

    let list = temp_file(
        "numbers-with-a-key.env",
        format!("+14150000001\nBLAND_API_KEY={KEY}\nkey is {KEY}\n").as_bytes(),
    );
    let output = bland_sip(
        &[
            "audit",
            "--numbers",
            list.to_str().unwrap(),
            "--base-url",
            &url,
        ],
        None,
    )
    .await;
    std::fs::remove_file(&list).unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert_no_key(&output);
    let lines: Vec<Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        lines[0]["outbound"]["sip_endpoint"],
        "sip:<api key>@trunk.provider.com"
    );
    // A line named like a secret is repeated without its value; the key in any other is
    // masked.
    assert_eq!(lines[1]["phone_number"], "BLAND_API_KEY=<redacted>");
    assert_eq!(lines[2]["phone_number"], "key is <api key>");
}

/// `audit --numbers -` whose stdout is closed stops with its `error:` line while its stdin
/// stays open: it waited, after the error, for the read of stdin it had started.
#[tokio::test]
async fn audit_exits_when_stdout_closes_while_stdin_stays_open() {
    let server = TestServer::always(Reply::json(200, fixture("seed_example.json"))).await;
    let mut child = start_audit(&server.url(), Stdio::piped());
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"+14150000001\n").unwrap();
    let (line, reader) = first_line(&mut child, "the first number is looked up").await;
    assert_eq!(line["phone_number"], "+14150000001");
    drop(reader);
    // One more number, whose result cannot be written; then nothing, stdin left open, so
    // that the read audit starts after it never ends.
    stdin.write_all(b"+14150000002\n").unwrap();
    let exited = tokio::task::spawn_blocking(move || {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                drop(stdin);
                let mut stderr = String::new();
                std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
                return Some((status, stderr));
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                return None;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    })
    .await
    .unwrap();
    let (status, stderr) = exited.expect("audit still ran a minute after its stdout closed");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error: cannot write to stdout"), "{stderr}");
}

/// JSON given to `--body` in place of its file (as `curl -d` takes it) is a usage error that
/// says what `--body` takes, without repeating the JSON: it may hold a password.
#[tokio::test]
async fn json_given_in_place_of_the_body_file_is_not_repeated() {
    let server = TestServer::always(Reply::json(200, "{}")).await;
    for source in [
        r#"{"phone_number": "+14150000000", "sip_password": "HUNTER2SECRET"}"#,
        r#"  [{"password": "HUNTER2SECRET"}]"#,
    ] {
        let output = attach_with_body(source, &server.url(), None).await;
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert_eq!(
            stderr,
            "error: --body takes a file name, or - for stdin, not the JSON itself: put it in \
             a file, or pipe it to --body -\n"
        );
    }
    // A file that does not exist is still named.
    let output = attach_with_body("no-such-body.json", &server.url(), None).await;
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with("error: cannot read the body from \"no-such-body.json\": "),
        "{stderr}"
    );
    assert_eq!(server.request_count(), 0);
}
