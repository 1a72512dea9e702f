//! What is promised for every operation, tested for every operation: the CLI's refusal
//! without a key and its escaping of the server's text, the typed mocks against the front
//! door, and retries by the operation's nature.
//!
//! The operations come from one table, [`cases`], one row per operation with what its
//! subcommand needs and how the front door and the mock helper call it. A test checks that
//! the table, the spec, the client's `OPERATIONS` and the subcommands of `bland-sip` name the
//! same operations, so an operation added to the spec fails here until it has its row.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::{LocalBoxFuture, join_all};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sip_client::mock::{MockServer, MockServerExt, examples};
use sip_client::{
    Client, DiscoveryRequest, Error, NotRetried, PhoneNumber, PortInitiateRequest, RetryClass,
    SipAttachRequest, SipDetachRequest, SipUpdateRequest, TestCallRequest, TransportErrorKind,
    Upload,
};
use sip_client_tests::server::{RefusingPort, Reply, TestServer};
use sip_client_tests::spec::{SpecOperation, spec_operations};
use sip_client_tests::{TEST_API_KEY, bland_sip_binary, fixture};

/// The number every row uses.
const NUMBER: &str = "+14150000000";
/// The port request the rows cancel.
const PORT_REQUEST: &str = "port_xyz789";
/// The test call the rows ask about.
const CALL_ID: &str = "tc_abc123";
/// The document the rows upload, a minimal PDF.
const DOCUMENT: &[u8] = b"%PDF-1.7\n%%EOF\n";
const DOCUMENT_NAME: &str = "utility-bill.pdf";

/// Where an operation's input comes from, besides its arguments.
enum Input {
    /// No body.
    Nothing,
    /// The spec's example of the JSON request body.
    SpecExample,
    /// A JSON request body, written here after the schema: the spec gives no example.
    Json(&'static str),
    /// [`DOCUMENT`], uploaded as a file (`--file`).
    Document,
}

/// Sends the operation through the front door with the row's input; the answer is dropped.
type Call = for<'a> fn(&'a Client, &'a Value) -> LocalBoxFuture<'a, Result<(), Error>>;

/// Mocks the operation with its typed helper answering the spec's example, calls it through
/// the front door and asserts that the answer is the example's data and that the mock
/// matched.
type Mocked = for<'a> fn(&'a MockServer, &'a Client, &'a Value) -> LocalBoxFuture<'a, ()>;

/// One operation: everything the tests below need of it.
struct Case {
    /// The operation's id in the spec.
    id: &'static str,
    /// The arguments of its subcommand (`--body`/`--file` are added from `input`).
    args: &'static [&'static str],
    input: Input,
    call: Call,
    mocked: Mocked,
}

/// The body of `Input::Json`/`Input::SpecExample` decoded into its type.
fn body<T: DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).expect("the row's body decodes into its type")
}

fn number() -> PhoneNumber {
    NUMBER.parse().expect("a valid number")
}

fn document() -> Upload {
    Upload::new(DOCUMENT_NAME, DOCUMENT)
}

/// The table: one row per operation, in the order of their ids.
fn cases() -> Vec<Case> {
    vec![
        Case {
            id: "attach_sip",
            args: &[],
            input: Input::Json(
                r#"{"phone_number": "+14150000000", "service": "sip",
                    "directions": [{"type": "outbound", "sip_endpoint": "sip:trunk.provider.com"}]}"#,
            ),
            call: |client, input| {
                async move {
                    client
                        .attach_sip(body::<SipAttachRequest>(input))
                        .await
                        .map(drop)
                }
                .boxed_local()
            },
            mocked: |server, client, input| {
                async move {
                    let request: SipAttachRequest = body(input);
                    let example = examples::attach_sip();
                    let mock = server.attach_sip(|when, then| {
                        when.body(&request);
                        then.ok(&example);
                    });
                    let answer = client.attach_sip(request.clone()).await.unwrap();
                    // attach returns its answer whole, envelope included.
                    assert_eq!(answer, example);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
        Case {
            id: "cancel_port_request",
            args: &["--id", PORT_REQUEST],
            input: Input::Nothing,
            call: |client, _| {
                async move { client.cancel_port_request(PORT_REQUEST).await.map(drop) }
                    .boxed_local()
            },
            mocked: |server, client, _| {
                async move {
                    let example = examples::cancel_port_request();
                    let mock = server.cancel_port_request(|when, then| {
                        when.id(PORT_REQUEST);
                        then.ok(&example);
                    });
                    let answer = client.cancel_port_request(PORT_REQUEST).await.unwrap();
                    assert_eq!(answer, example.data);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
        Case {
            id: "check_port_eligibility",
            args: &["--phone-numbers", NUMBER, "+14150000001"],
            input: Input::Nothing,
            call: |client, _| {
                async move {
                    let numbers = [NUMBER.to_owned(), "+14150000001".to_owned()];
                    client.check_port_eligibility(numbers).await.map(drop)
                }
                .boxed_local()
            },
            mocked: |server, client, _| {
                async move {
                    let numbers: Vec<PhoneNumber> = vec![number(), "+14150000001".parse().unwrap()];
                    let example = examples::check_port_eligibility();
                    let mock = server.check_port_eligibility(|when, then| {
                        when.phone_numbers(&numbers);
                        then.ok(&example);
                    });
                    let answer = client
                        .check_port_eligibility(numbers.clone())
                        .await
                        .unwrap();
                    assert_eq!(answer, example.data);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
        Case {
            id: "detach_sip",
            args: &[],
            input: Input::SpecExample,
            call: |client, input| {
                async move {
                    client
                        .detach_sip(body::<SipDetachRequest>(input))
                        .await
                        .map(drop)
                }
                .boxed_local()
            },
            mocked: |server, client, input| {
                async move {
                    // Bland documents no answer of detach, so there is no example: the data
                    // is free-form, and a value that is not null shows it decoded.
                    let request: SipDetachRequest = body(input);
                    let data = Some(json!({"detached": ["outbound"]}));
                    let mock = server.detach_sip(|when, then| {
                        when.body(&request);
                        then.ok_data(&data);
                    });
                    let answer = client.detach_sip(request.clone()).await.unwrap();
                    assert_eq!(answer, data);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
        Case {
            id: "discover_sip_endpoint",
            args: &[],
            input: Input::Json(r#"{"host": "sip.example.com", "port": 5060, "transport": "udp"}"#),
            call: |client, input| {
                async move {
                    let request = body::<DiscoveryRequest>(input);
                    client.discover_sip_endpoint(request).await.map(drop)
                }
                .boxed_local()
            },
            mocked: |server, client, input| {
                async move {
                    let request: DiscoveryRequest = body(input);
                    let example = examples::discover_sip_endpoint();
                    let mock = server.discover_sip_endpoint(|when, then| {
                        when.body(&request);
                        then.ok(&example);
                    });
                    let answer = client.discover_sip_endpoint(request.clone()).await.unwrap();
                    assert_eq!(answer, example.data);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
        Case {
            id: "get_firewall_ips",
            args: &[],
            input: Input::Nothing,
            call: |client, _| {
                async move { client.get_firewall_ips().await.map(drop) }.boxed_local()
            },
            mocked: |server, client, _| {
                async move {
                    let example = examples::get_firewall_ips();
                    let mock = server.get_firewall_ips(|_, then| {
                        then.ok(&example);
                    });
                    let answer = client.get_firewall_ips().await.unwrap();
                    assert_eq!(answer, example.data);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
        Case {
            id: "get_outbound_setup",
            args: &["--phone-number", NUMBER],
            input: Input::Nothing,
            call: |client, _| {
                async move {
                    client
                        .get_outbound_setup()
                        .phone_number(NUMBER)
                        .await
                        .map(drop)
                }
                .boxed_local()
            },
            mocked: |server, client, _| {
                async move {
                    let example = examples::get_outbound_setup();
                    let mock = server.get_outbound_setup(|when, then| {
                        when.phone_number(NUMBER);
                        then.ok(&example);
                    });
                    let answer = client
                        .get_outbound_setup()
                        .phone_number(NUMBER)
                        .await
                        .unwrap();
                    assert_eq!(answer, example.data);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
        Case {
            id: "get_sip_config",
            args: &["--phone-number", NUMBER],
            input: Input::Nothing,
            call: |client, _| {
                async move { client.get_sip_config(number()).await.map(drop) }.boxed_local()
            },
            mocked: |server, client, _| {
                async move {
                    let example = examples::get_sip_config();
                    let mock = server.get_sip_config(|when, then| {
                        when.phone_number(&number());
                        then.ok(&example);
                    });
                    let answer = client.get_sip_config(number()).await.unwrap();
                    assert_eq!(answer, example.data);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
        Case {
            id: "get_sip_status",
            args: &["--phone-number", NUMBER],
            input: Input::Nothing,
            call: |client, _| {
                async move { client.get_sip_status(number()).await.map(drop) }.boxed_local()
            },
            mocked: |server, client, _| {
                async move {
                    let example = examples::get_sip_status();
                    let mock = server.get_sip_status(|when, then| {
                        when.phone_number(&number());
                        then.ok(&example);
                    });
                    let answer = client.get_sip_status(number()).await.unwrap();
                    assert_eq!(answer, example.data);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
        Case {
            id: "get_test_call_status",
            args: &["--call-id", CALL_ID],
            input: Input::Nothing,
            call: |client, _| {
                async move { client.get_test_call_status(CALL_ID).await.map(drop) }.boxed_local()
            },
            mocked: |server, client, _| {
                async move {
                    let example = examples::get_test_call_status();
                    let mock = server.get_test_call_status(|when, then| {
                        when.call_id(CALL_ID);
                        then.ok(&example);
                    });
                    let answer = client.get_test_call_status(CALL_ID).await.unwrap();
                    assert_eq!(answer, example.data);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
        Case {
            id: "initiate_port",
            args: &[],
            input: Input::Json(
                r#"{"phone_numbers": ["+14150000000", "+14150000001"],
                    "losing_carrier_information": {"customer_type": "business",
                        "business_name": "Acme Corp", "account_number": "12345",
                        "authorized_representative_email": "jane@acme.com",
                        "address": {"street": "1 Main St", "city": "San Francisco",
                            "state": "CA", "zip": "94105", "country": "US"}},
                    "documents": ["doc_abc123"]}"#,
            ),
            call: |client, input| {
                async move {
                    let request = body::<PortInitiateRequest>(input);
                    client.initiate_port(request).await.map(drop)
                }
                .boxed_local()
            },
            mocked: |server, client, input| {
                async move {
                    let request: PortInitiateRequest = body(input);
                    let example = examples::initiate_port();
                    let mock = server.initiate_port(|when, then| {
                        when.body(&request);
                        then.ok(&example);
                    });
                    let answer = client.initiate_port(request.clone()).await.unwrap();
                    assert_eq!(answer, example.data);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
        Case {
            id: "list_port_requests",
            args: &[],
            input: Input::Nothing,
            call: |client, _| {
                async move { client.list_port_requests().await.map(drop) }.boxed_local()
            },
            mocked: |server, client, _| {
                async move {
                    let example = examples::list_port_requests();
                    let mock = server.list_port_requests(|_, then| {
                        then.ok(&example);
                    });
                    let answer = client.list_port_requests().await.unwrap();
                    assert_eq!(answer, example.data);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
        Case {
            id: "list_sip_calls",
            args: &["--phone-number", NUMBER],
            input: Input::Nothing,
            call: |client, _| {
                async move { client.list_sip_calls(number()).await.map(drop) }.boxed_local()
            },
            mocked: |server, client, _| {
                async move {
                    let example = examples::list_sip_calls();
                    let mock = server.list_sip_calls(|when, then| {
                        when.phone_number(&number());
                        then.ok(&example);
                    });
                    let answer = client.list_sip_calls(number()).await.unwrap();
                    assert_eq!(answer, example.data);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
        Case {
            id: "list_sip_numbers",
            args: &[],
            input: Input::Nothing,
            call: |client, _| {
                async move { client.list_sip_numbers().await.map(drop) }.boxed_local()
            },
            mocked: |server, client, _| {
                async move {
                    let example = examples::list_sip_numbers();
                    let mock = server.list_sip_numbers(|_, then| {
                        then.ok(&example);
                    });
                    let answer = client.list_sip_numbers().await.unwrap();
                    assert_eq!(answer, example.data);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
        Case {
            id: "send_test_call",
            args: &[],
            input: Input::SpecExample,
            call: |client, input| {
                async move {
                    client
                        .send_test_call(body::<TestCallRequest>(input))
                        .await
                        .map(drop)
                }
                .boxed_local()
            },
            mocked: |server, client, input| {
                async move {
                    let request: TestCallRequest = body(input);
                    let example = examples::send_test_call();
                    let mock = server.send_test_call(|when, then| {
                        when.body(&request);
                        then.ok(&example);
                    });
                    let answer = client.send_test_call(request.clone()).await.unwrap();
                    assert_eq!(answer, example.data);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
        Case {
            id: "update_sip",
            args: &[],
            input: Input::SpecExample,
            call: |client, input| {
                async move {
                    client
                        .update_sip(body::<SipUpdateRequest>(input))
                        .await
                        .map(drop)
                }
                .boxed_local()
            },
            mocked: |server, client, input| {
                async move {
                    let request: SipUpdateRequest = body(input);
                    let example = examples::update_sip();
                    let mock = server.update_sip(|when, then| {
                        when.body(&request);
                        then.ok(&example);
                    });
                    let answer = client.update_sip(request.clone()).await.unwrap();
                    // update returns its answer whole: Bland documents no envelope for it.
                    assert_eq!(answer, example);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
        Case {
            id: "upload_port_document",
            args: &[],
            input: Input::Document,
            call: |client, _| {
                async move { client.upload_port_document(document()).await.map(drop) }.boxed_local()
            },
            mocked: |server, client, _| {
                async move {
                    let example = examples::upload_port_document();
                    let mock = server.upload_port_document(|_, then| {
                        then.ok(&example);
                    });
                    let answer = client.upload_port_document(document()).await.unwrap();
                    assert_eq!(answer, example.data);
                    mock.assert_async().await;
                }
                .boxed_local()
            },
        },
    ]
}

// The spec, read independently of the client.

/// What the rules of `openapi/README.md` make of an operation: GET, HEAD and OPTIONS are
/// safe; others are idempotent only when the spec says `x-idempotent: true`.
fn nature(operation: &SpecOperation) -> RetryClass {
    if ["GET", "HEAD", "OPTIONS"].contains(&operation.method.as_str()) {
        RetryClass::Safe
    } else if operation.definition["x-idempotent"] == Value::Bool(true) {
        RetryClass::Idempotent
    } else {
        RetryClass::NotIdempotent
    }
}

/// Each row with its spec operation and its JSON body (`Value::Null` when it sends none).
fn rows() -> Vec<(Case, SpecOperation, Value)> {
    let mut spec: Vec<Option<SpecOperation>> = spec_operations().into_iter().map(Some).collect();
    cases()
        .into_iter()
        .map(|case| {
            let operation = spec
                .iter_mut()
                .find(|op| op.as_ref().is_some_and(|op| op.id == case.id))
                .and_then(Option::take)
                .unwrap_or_else(|| panic!("{}: no such operation in the spec", case.id));
            let body = match case.input {
                Input::SpecExample => operation
                    .request_example()
                    .unwrap_or_else(|| panic!("{}: the spec has no request example", case.id))
                    .clone(),
                Input::Json(text) => serde_json::from_str(text)
                    .unwrap_or_else(|err| panic!("{}: the row's body: {err}", case.id)),
                Input::Nothing | Input::Document => Value::Null,
            };
            (case, operation, body)
        })
        .collect()
}

/// The subcommand of an operation: its id in kebab case.
fn subcommand(id: &str) -> String {
    id.replace('_', "-")
}

#[test]
fn the_table_covers_every_operation_of_the_spec_and_the_client() {
    let table: Vec<&str> = cases().iter().map(|case| case.id).collect();
    let spec: Vec<String> = spec_operations().into_iter().map(|op| op.id).collect();
    let client: Vec<&str> = sip_client::OPERATIONS.iter().map(|op| op.id()).collect();
    assert_eq!(
        table, spec,
        "one row per operation of the spec, in the order of ids"
    );
    assert_eq!(table, client, "one row per operation of the client");
    assert_eq!(table.len(), 17);

    // The rows' inputs agree with the spec: its example where it gives one, a body only
    // where it declares one, a file only for multipart.
    for (case, operation, _) in rows() {
        let content = operation.definition.pointer("/requestBody/content");
        let json = content.and_then(|c| c.get("application/json")).is_some();
        let multipart = content.and_then(|c| c.get("multipart/form-data")).is_some();
        let example = operation.request_example().is_some();
        let (wants_json, wants_example, wants_file) = match case.input {
            Input::Nothing => (false, false, false),
            Input::SpecExample => (true, true, false),
            Input::Json(_) => (true, false, false),
            Input::Document => (false, false, true),
        };
        assert_eq!(json, wants_json, "{}: a JSON body", case.id);
        assert_eq!(
            example, wants_example,
            "{}: use the spec's request example when there is one",
            case.id
        );
        assert_eq!(multipart, wants_file, "{}: a file to upload", case.id);
    }
}

#[test]
fn every_operation_retries_as_its_nature_in_the_spec_says() {
    for op in spec_operations() {
        let client = sip_client::OPERATIONS
            .iter()
            .find(|client| client.id() == op.id)
            .unwrap_or_else(|| panic!("{}: not an operation of the client", op.id));
        assert_eq!(client.method().as_str(), op.method, "{}", op.id);
        assert_eq!(client.path(), op.path, "{}", op.id);
        assert_eq!(client.retry_class(), nature(&op), "{}", op.id);
    }
}

// 1. The CLI, every generated subcommand.

/// `bland-sip` with `args`, no key and no base URL or proxy from the test's environment,
/// plus `env`.
async fn bland_sip(args: Vec<String>, env: Vec<(&'static str, &'static str)>) -> Output {
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new(bland_sip_binary());
        command.args(&args);
        sip_client_tests::without_client_env(&mut command);
        command.envs(env);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .expect("run bland-sip")
    })
    .await
    .expect("the command's thread")
}

/// The arguments of a row's subcommand against `url`, its body or file written into `dir`.
fn cli_args(case: &Case, body: &Value, dir: &Path, url: &str) -> Vec<String> {
    let mut args = vec![subcommand(case.id)];
    args.extend(case.args.iter().map(|arg| arg.to_string()));
    match case.input {
        Input::Nothing => {}
        Input::SpecExample | Input::Json(_) => {
            let path = dir.join(format!("{}.json", case.id));
            std::fs::write(&path, serde_json::to_vec(body).unwrap()).unwrap();
            args.extend(["--body".to_owned(), path.to_str().unwrap().to_owned()]);
        }
        Input::Document => {
            let path = dir.join(DOCUMENT_NAME);
            std::fs::write(&path, DOCUMENT).unwrap();
            args.extend(["--file".to_owned(), path.to_str().unwrap().to_owned()]);
        }
    }
    args.extend(["--base-url".to_owned(), url.to_owned()]);
    args
}

/// The path an operation's request goes to, its path parameters taken from the row's
/// arguments (`{id}` from `--id`).
fn expected_path(case: &Case, template: &str) -> String {
    let mut path = template.to_owned();
    while let Some(start) = path.find('{') {
        let end = start + path[start..].find('}').expect("a closed parameter");
        let name = &path[start + 1..end];
        let flag = format!("--{}", name.replace('_', "-"));
        let position = case.args.iter().position(|arg| *arg == flag);
        let value = position
            .and_then(|at| case.args.get(at + 1))
            .unwrap_or_else(|| panic!("{}: no {flag} for the path", case.id));
        path.replace_range(start..=end, value);
    }
    path
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What a terminal could act on: control characters other than the line's end, and the
/// bidirectional overrides.
fn unsafe_characters(text: &str) -> Vec<char> {
    text.trim_end_matches('\n')
        .chars()
        .filter(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(c))
        .collect()
}

#[tokio::test]
async fn every_subcommand_is_a_row_of_the_table() {
    let output = bland_sip(vec!["--help".to_owned()], vec![]).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let help = text(&output.stdout);
    let commands: BTreeSet<String> = help
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| !["get", "audit", "help"].contains(name))
        .map(str::to_owned)
        .collect();
    let rows: BTreeSet<String> = cases().iter().map(|case| subcommand(case.id)).collect();
    assert_eq!(commands, rows, "the generated subcommands: {help}");
}

#[tokio::test]
async fn every_subcommand_without_a_key_exits_2_and_sends_nothing() {
    let server = TestServer::always(Reply::json(200, "{}")).await;
    let dir = sip_client_tests::Scratch::new("sip-client-every-operation-no-key");
    let url = server.url();
    let runs = rows().into_iter().map(|(case, _, body)| {
        let args = cli_args(&case, &body, &dir, &url);
        async move { (case.id, bland_sip(args, vec![]).await) }
    });
    let mut problems = Vec::new();
    for (id, output) in join_all(runs).await {
        let stderr = text(&output.stderr);
        if output.status.code() != Some(2) {
            problems.push(format!("{id}: exit {:?}: {stderr}", output.status.code()));
        }
        if stderr.lines().count() != 1
            || !stderr.starts_with("error: ")
            || !stderr.contains("no API key")
        {
            problems.push(format!(
                "{id}: not one error line saying there is no key: {stderr:?}"
            ));
        }
        if !output.stdout.is_empty() {
            problems.push(format!("{id}: printed {:?}", text(&output.stdout)));
        }
    }
    assert_eq!(server.request_count(), 0, "no request was sent");
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn every_subcommand_escapes_the_servers_error_text_in_one_line() {
    let hostile = json!({
        "data": null,
        "errors": [{
            "error": "SIP_NOT_ENABLED\nerror: forged",
            "message": "\u{1b}[31mred\u{1b}[0m\r\u{202e}desrever\u{9b}2J"
        }]
    });
    let server = TestServer::always(Reply::json(400, serde_json::to_vec(&hostile).unwrap())).await;
    let dir = sip_client_tests::Scratch::new("sip-client-every-operation-hostile");
    let url = server.url();
    let rows = rows();
    let runs = rows.iter().map(|(case, _, body)| {
        let args = cli_args(case, body, &dir, &url);
        async move {
            let env = vec![("BLAND_API_KEY", TEST_API_KEY)];
            (case.id, bland_sip(args, env).await)
        }
    });
    let mut problems = Vec::new();
    for (id, output) in join_all(runs).await {
        let stderr = text(&output.stderr);
        if output.status.code() != Some(1) {
            problems.push(format!("{id}: exit {:?}: {stderr:?}", output.status.code()));
        }
        if stderr.lines().count() != 1 || !stderr.starts_with("error: Bland API error, HTTP 400") {
            problems.push(format!("{id}: not one API error line: {stderr:?}"));
        }
        for escaped in [
            "\\u{a}error: forged",
            "\\u{1b}[31mred",
            "\\u{202e}",
            "\\u{9b}2J",
        ] {
            if !stderr.contains(escaped) {
                problems.push(format!("{id}: {escaped} missing: {stderr:?}"));
            }
        }
        let unsafe_characters = unsafe_characters(&stderr);
        if !unsafe_characters.is_empty() {
            problems.push(format!("{id}: {unsafe_characters:?} reached the terminal"));
        }
        if !output.stdout.is_empty() {
            problems.push(format!("{id}: printed {:?}", text(&output.stdout)));
        }
        if stderr.contains(TEST_API_KEY) {
            problems.push(format!("{id}: the key was printed"));
        }
    }
    // One request per subcommand (a 400 is final), each the operation's.
    let mut sent: Vec<(String, String)> = server
        .requests()
        .into_iter()
        .map(|request| {
            let path = request
                .target
                .split('?')
                .next()
                .unwrap_or_default()
                .to_owned();
            (request.method, path)
        })
        .collect();
    sent.sort();
    let mut expected: Vec<(String, String)> = rows
        .iter()
        .map(|(case, op, _)| (op.method.clone(), expected_path(case, &op.path)))
        .collect();
    expected.sort();
    assert_eq!(
        sent, expected,
        "each subcommand sent its operation's request once"
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

// 2. The typed mocks, every operation.

#[tokio::test]
async fn every_typed_mock_answers_the_front_door_with_the_spec_example() {
    for (case, _, body) in rows() {
        let server = MockServer::start_async().await;
        let client = Client::builder()
            .api_key(TEST_API_KEY)
            .base_url(server.base_url())
            .max_retries(0)
            .build()
            .unwrap();
        (case.mocked)(&server, &client, &body).await;
    }
}

// 3. Retries by the operation's nature, every operation.

/// A client with quick retries: 2 retries, waits of 1-2 ms, attempts cut after `attempt`.
fn quick_client(url: String, attempt: Duration) -> Client {
    Client::builder()
        .api_key(TEST_API_KEY)
        .base_url(url)
        .max_retries(2)
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .attempt_timeout(attempt)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// The rows of operations of this nature (by the spec), with their bodies.
fn rows_of(of_nature: fn(RetryClass) -> bool) -> Vec<(Case, SpecOperation, Value)> {
    rows()
        .into_iter()
        .filter(|(_, op, _)| of_nature(nature(op)))
        .collect()
}

/// The attempts an error says were made, and why it was not retried.
fn attempts(err: &Error) -> (u32, Option<NotRetried>) {
    match err {
        Error::Transport(err) => (err.attempts, err.not_retried),
        Error::Api(err) => (err.attempts, err.not_retried),
        Error::UnexpectedResponse(err) => (err.attempts, err.not_retried),
        other => panic!("an error without attempts: {other:?}"),
    }
}

#[test]
fn the_writes_that_are_not_idempotent_are_the_documented_ones() {
    let writes: Vec<String> = rows_of(|nature| nature == RetryClass::NotIdempotent)
        .into_iter()
        .map(|(case, _, _)| case.id.to_owned())
        .collect();
    assert_eq!(
        writes,
        [
            "attach_sip",
            "cancel_port_request",
            "detach_sip",
            "discover_sip_endpoint",
            "initiate_port",
            "send_test_call",
            "update_sip",
            "upload_port_document",
        ]
    );
}

#[tokio::test]
async fn a_write_that_reached_the_server_is_sent_once_after_a_500() {
    let writes = rows_of(|nature| nature == RetryClass::NotIdempotent);
    assert!(!writes.is_empty());
    let runs = writes.iter().map(|(case, _, body)| async move {
        let server = TestServer::always(Reply::json(500, fixture("server_error.json"))).await;
        let client = quick_client(server.url(), Duration::from_secs(30));
        let err = (case.call)(&client, body)
            .await
            .expect_err("a 500 is a failure");
        let mut problems = Vec::new();
        if err.status().map(|s| s.as_u16()) != Some(500) {
            problems.push(format!("{}: {err:?}", case.id));
        }
        if attempts(&err) != (1, Some(NotRetried::MayHaveBeenApplied)) {
            problems.push(format!("{}: attempts {:?}", case.id, attempts(&err)));
        }
        if server.request_count() != 1 {
            problems.push(format!("{}: {} requests", case.id, server.request_count()));
        }
        problems
    });
    let problems: Vec<String> = join_all(runs).await.into_iter().flatten().collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn a_write_that_reached_the_server_is_sent_once_after_a_stall() {
    let writes = rows_of(|nature| nature == RetryClass::NotIdempotent);
    let runs = writes.iter().map(|(case, _, body)| async move {
        let server = TestServer::always(Reply::Stall(Duration::from_secs(30))).await;
        // An attempt of 2 s: long enough to send on a loaded machine, far shorter than
        // the stall.
        let client = quick_client(server.url(), Duration::from_secs(2));
        let err = (case.call)(&client, body)
            .await
            .expect_err("a stall is a failure");
        // The server read the request (it may record it after the client gave up).
        server
            .wait_until("the request", |server| server.request_count() >= 1)
            .await;
        let mut problems = Vec::new();
        match &err {
            Error::Transport(transport) if transport.kind == TransportErrorKind::Timeout => {}
            other => problems.push(format!("{}: not a timeout: {other:?}", case.id)),
        }
        if attempts(&err) != (1, Some(NotRetried::MayHaveBeenApplied)) {
            problems.push(format!("{}: attempts {:?}", case.id, attempts(&err)));
        }
        if server.request_count() != 1 {
            problems.push(format!("{}: {} requests", case.id, server.request_count()));
        }
        problems
    });
    let problems: Vec<String> = join_all(runs).await.into_iter().flatten().collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn a_write_refused_before_sending_is_retried() {
    let writes = rows_of(|nature| nature == RetryClass::NotIdempotent);
    let runs = writes.iter().map(|(case, _, body)| async move {
        let refusing = RefusingPort::new();
        let client = quick_client(refusing.url(), Duration::from_secs(30));
        let err = (case.call)(&client, body)
            .await
            .expect_err("a refused connection is a failure");
        match &err {
            Error::Transport(transport)
                if transport.kind == TransportErrorKind::Connect
                    && transport.attempts == 3
                    && !transport.request_may_have_been_sent() =>
            {
                None
            }
            other => Some(format!("{}: not 3 refused attempts: {other:?}", case.id)),
        }
    });
    let problems: Vec<String> = join_all(runs).await.into_iter().flatten().collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn a_read_is_retried_after_a_500() {
    let reads = rows_of(|nature| nature != RetryClass::NotIdempotent);
    assert!(!reads.is_empty());
    let runs = reads.iter().map(|(case, _, body)| async move {
        let mut problems = Vec::new();
        // Always 500: every attempt allowed is made.
        let server = TestServer::always(Reply::json(500, fixture("server_error.json"))).await;
        let client = quick_client(server.url(), Duration::from_secs(30));
        let err = (case.call)(&client, body)
            .await
            .expect_err("a 500 is a failure");
        if attempts(&err) != (3, None) || server.request_count() != 3 {
            problems.push(format!(
                "{}: attempts {:?}, {} requests: {err:?}",
                case.id,
                attempts(&err),
                server.request_count()
            ));
        }
        // A 500, then the documented answer: the retry succeeds.
        let answer = fixture(&format!("ops/{}.json", case.id));
        let server = TestServer::start(move |n, _| match n {
            0 => Reply::json(500, fixture("server_error.json")),
            _ => Reply::json(200, answer.clone()),
        })
        .await;
        let client = quick_client(server.url(), Duration::from_secs(30));
        if let Err(err) = (case.call)(&client, body).await {
            problems.push(format!("{}: the retry failed: {err:?}", case.id));
        }
        if server.request_count() != 2 {
            problems.push(format!("{}: {} requests", case.id, server.request_count()));
        }
        problems
    });
    let problems: Vec<String> = join_all(runs).await.into_iter().flatten().collect();
    assert!(problems.is_empty(), "{problems:#?}");
}
