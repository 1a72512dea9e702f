//! Proof that nothing of the front door is written by hand per operation: five operations
//! that are not Bland's (`tests/fixtures/proof/operations.yaml`: a GET with optional query
//! parameters, one an array, a POST with a composed, recursive JSON body, a GET with a path
//! parameter, a GET whose answers come in pages, a POST marked `x-idempotent`) are added to
//! our spec, a client is generated from it into a scratch crate, built, and each operation
//! is called through the generated front door (by `tests/fixtures/proof/driver.rs`) against
//! the recording server: the request on the wire, the typed answer, the typed API error,
//! the client-side checks, and retries by the operation's nature; and the list through its
//! generated mock.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use sip_client_gen::{API_PATH, CLI_PATH, CLIENT_PATH, MOCK_PATH, SPEC_PATH};
use sip_client_tests::scratch::{
    MIRROR, ScratchWorkspace, assert_dependencies_reused, compiler_errors,
};
use sip_client_tests::server::{Reply, TestServer};
use sip_client_tests::{TEST_API_KEY, request_view, spec_text, workspace_root};

/// Our spec with the fixture's paths and schemas added.
fn fixture_spec() -> String {
    let mut spec: Value = serde_yaml_ng::from_str(&spec_text()).unwrap();
    let extra_text =
        fs::read_to_string(workspace_root().join("tests/fixtures/proof/operations.yaml")).unwrap();
    let extra: Value = serde_yaml_ng::from_str(&extra_text).unwrap();
    for (section, pointer) in [("paths", "/paths"), ("components", "/components/schemas")] {
        let source = match section {
            "paths" => &extra["paths"],
            _ => &extra["components"]["schemas"],
        };
        let target = spec.pointer_mut(pointer).unwrap().as_object_mut().unwrap();
        for (key, value) in source.as_object().unwrap() {
            assert!(
                target.insert(key.clone(), value.clone()).is_none(),
                "{key} is already in our spec: rename it in the fixture"
            );
        }
    }
    serde_json::to_string_pretty(&spec).unwrap()
}

/// Builds, in a scratch workspace, a copy of sip-client generated from `generated` (with
/// its CLI) and the driver; returns the driver's executable, which outlives the workspace.
fn build(generated: &sip_client_gen::Generated) -> PathBuf {
    let mut scratch = ScratchWorkspace::new("proof");
    scratch.add_client("sip-client", "sip-client-proof", generated, true);
    scratch.use_client("sip-client", "sip-client-proof");
    scratch.mirror_workspace_features("sip-client", "sip-client-proof");
    let driver =
        fs::read_to_string(workspace_root().join("tests/fixtures/proof/driver.rs")).unwrap();
    scratch.add_crate(
        "driver",
        "driver",
        "main.rs",
        &driver,
        "sip-client = { workspace = true, features = [\"rustls\", \"mock\"] }\n\
         serde.workspace = true\nserde_json.workspace = true\n\
         tokio = { workspace = true, features = [\"macros\", \"rt\"] }\n",
    );
    let build_args = [
        "build",
        "--package",
        "driver",
        "--package",
        "sip-client-proof",
        "--package",
        MIRROR,
        "--features",
        "sip-client-proof/cli,sip-client-proof/mock",
    ];
    let (ok, messages, stderr) = scratch.cargo(&build_args);
    assert!(
        ok,
        "the client generated from the fixture spec does not build:\n{stderr}\n{}",
        compiler_errors(&messages)
            .into_iter()
            .map(|(_, rendered)| rendered)
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_dependencies_reused(&messages);
    // A parameter given a type it does not take: rustc says what it takes (the crate's own
    // diagnostic on `IntoParam`), not a list of unrelated implementations.
    scratch.add_crate(
        "misuse",
        "misuse",
        "main.rs",
        "fn main() {\n\
         let client = sip_client::Client::builder().api_key(\"k\").build().unwrap();\n\
         let number = String::from(\"+14150000000\");\n\
         drop(client.get_sip_config(&number));\n\
         }\n",
        "sip-client = { workspace = true, features = [\"rustls\", \"mock\"] }\n",
    );
    // Built with the driver's packages and features, so that only `misuse` is compiled (on
    // its own it asked other features of the client, which compiled it again).
    let (misuse_ok, misuse, _) =
        scratch.cargo(&[&["build", "--package", "misuse"][..], &build_args[1..]].concat());
    let recompiled: Vec<&str> = misuse
        .iter()
        .filter(|message| message["reason"] == "compiler-artifact" && message["fresh"] == false)
        .filter_map(|message| message["target"]["name"].as_str())
        .collect();
    assert_eq!(recompiled, Vec::<&str>::new(), "only misuse is compiled");
    let errors: Vec<String> = compiler_errors(&misuse)
        .into_iter()
        .map(|(_, rendered)| rendered)
        .collect();
    assert!(!misuse_ok && errors.len() == 1, "{errors:?}");
    assert!(
        errors[0].contains("is not a value of a `sip_client::PhoneNumber` parameter")
            && errors[0].contains("`text.to_owned()` of a `&str` or `&String`"),
        "{}",
        errors[0]
    );
    // `get_gadget` is deprecated in the fixture: the driver's call warns, naming it; the
    // crate's own code (its CLI) does not.
    let warnings = |package: &str| -> Vec<String> {
        messages
            .iter()
            .filter(|message| message["reason"] == "compiler-message")
            .filter(|message| {
                message["package_id"]
                    .as_str()
                    .is_some_and(|id| id.contains(package))
            })
            .filter_map(|message| message["message"]["rendered"].as_str().map(str::to_owned))
            .filter(|text| text.contains("deprecated"))
            .collect()
    };
    let driver_warnings = warnings("driver");
    assert!(
        driver_warnings
            .iter()
            .any(|text| text.contains("`get_gadget` is deprecated by the API")),
        "{driver_warnings:?}"
    );
    assert_eq!(warnings("sip-client-proof"), Vec::<String>::new());
    messages
        .iter()
        .filter(|message| message["target"]["name"] == "driver")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .expect("cargo reported the driver's executable")
}

/// Runs the driver with `args` against `server`; returns the JSON line it printed.
async fn drive(driver: &Path, server: &TestServer, args: &[&str]) -> Value {
    let driver = driver.to_path_buf();
    let url = server.url();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let output = Command::new(&driver)
            .args(&args)
            .env("DRIVER_BASE_URL", url)
            .env("DRIVER_KEY", TEST_API_KEY)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "driver {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    })
    .await
    .unwrap()
}

fn gadget(id: &str, name: &str) -> Value {
    json!({ "id": id, "name": name, "color": "red" })
}

fn envelope(data: Value) -> Reply {
    Reply::json(
        200,
        serde_json::to_vec(&json!({ "data": data, "errors": null })).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_front_door_serves_new_operations() {
    // Nothing hand-written knows these operations.
    let sources = hand_written_sources(&workspace_root().join("sip-client/src"));
    assert!(
        sources.len() > 10,
        "found the hand-written sources: {sources:?}"
    );
    for file in sources {
        let text = fs::read_to_string(&file).unwrap().to_lowercase();
        assert!(
            !text.contains("gadget"),
            "{} mentions the fixture",
            file.display()
        );
    }

    let generated = sip_client_gen::generate(SPEC_PATH, &fixture_spec()).unwrap();
    for path in [CLIENT_PATH, API_PATH, MOCK_PATH, CLI_PATH] {
        assert!(
            generated.file(path).unwrap().contents.contains("gadget"),
            "{path} follows the spec"
        );
    }
    assert!(generated.operations_table.contains(
        "| `GET /v1/gadgets/{gadget_id}` Get Gadget | `get_gadget` | `get-gadget` | safe |"
    ));
    assert!(generated.operations_table.contains(
        "| `POST /v1/gadgets` Create Gadget | `create_gadget` | `create-gadget` | only if not sent |"
    ));
    assert!(generated.operations_table.contains(
        "| `POST /v1/gadgets/{gadget_id}/paint` Paint Gadget | `paint_gadget` | `paint-gadget` | idempotent |"
    ));
    let driver = tokio::task::spawn_blocking(move || build(&generated))
        .await
        .unwrap();

    let server = TestServer::start(|_, request| match (request.method.as_str(), request.target.as_str()) {
        ("GET", target) if target.starts_with("/v1/gadgets?") || target == "/v1/gadgets" => {
            envelope(json!([gadget("g1", "one")]))
        }
        ("POST", "/v1/gadgets") => {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            envelope(json!({ "id": "g2", "name": body["name"], "color": body["color"] }))
        }
        ("GET", "/v1/gadgets/g1") => envelope(gadget("g1", "one")),
        ("POST", "/v1/gadgets/g1/paint") => {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            envelope(json!({ "id": "g1", "name": "one", "color": body["color"] }))
        }
        // Pages: two, then one, then no `data` (an empty page).
        ("GET", "/v1/gadget-pages") => {
            envelope(json!({ "gadgets": [gadget("g1", "one"), gadget("g2", "two")] }))
        }
        ("GET", "/v1/gadget-pages?after=g2") => envelope(json!({ "gadgets": [gadget("g3", "three")] })),
        ("GET", "/v1/gadget-pages?after=g3") => envelope(Value::Null),
        _ => Reply::json(
            404,
            r#"{"data": null, "errors": [{"error": "NOT_FOUND", "message": "no such gadget"}]}"#,
        ),
    })
    .await;

    // Typed answers.
    let listed = drive(&driver, &server, &["list", "green", "5"]).await;
    assert_eq!(listed, json!({ "ok": [gadget("g1", "one")] }));
    assert_eq!(
        drive(&driver, &server, &["list"]).await,
        json!({ "ok": [gadget("g1", "one")] })
    );
    let created = drive(&driver, &server, &["create", "two", "green"]).await;
    assert_eq!(
        created,
        json!({ "ok": { "id": "g2", "name": "two", "color": "green" } })
    );
    assert_eq!(
        drive(&driver, &server, &["get", "g1"]).await,
        json!({ "ok": gadget("g1", "one") })
    );
    assert_eq!(
        drive(&driver, &server, &["get-with-response", "g1"]).await,
        json!({ "ok": {
            "status": 200,
            "attempts": 1,
            "content_type": "application/json",
            "data": gadget("g1", "one"),
        } })
    );
    // `get_gadget` needs no authentication (`security: []`): the key is not sent, through
    // the front door or progenitor's builder; the others carry it.
    assert_eq!(
        drive(&driver, &server, &["raw-get", "g1"]).await,
        json!({ "ok": gadget("g1", "one") })
    );
    assert_eq!(
        drive(&driver, &server, &["paint", "g1", "green"]).await,
        json!({ "ok": { "id": "g1", "name": "one", "color": "green" } })
    );
    // (The method and whether an authorization header carries the key, or is absent.)
    let keys: Vec<(String, Option<bool>)> = server
        .requests()
        .iter()
        .map(|request| {
            let key = request.header("authorization");
            (
                format!("{} {}", request.method, request.target),
                key.map(|value| value.ends_with(TEST_API_KEY)),
            )
        })
        .collect();
    let keyed = |line: &str| (line.to_owned(), Some(true));
    assert_eq!(
        keys,
        [
            keyed("GET /v1/gadgets?color=green&limit=5&tag=new&tag=blue+%26+green"),
            keyed("GET /v1/gadgets"),
            keyed("POST /v1/gadgets"),
            ("GET /v1/gadgets/g1".to_owned(), None),
            ("GET /v1/gadgets/g1".to_owned(), None),
            ("GET /v1/gadgets/g1".to_owned(), None),
            keyed("POST /v1/gadgets/g1/paint"),
        ]
    );

    // The pages of a paginated operation, each asked after the last item of the one before.
    let before = server.request_count();
    assert_eq!(
        drive(&driver, &server, &["all-pages"]).await,
        json!({ "ok": [gadget("g1", "one"), gadget("g2", "two"), gadget("g3", "three")] })
    );
    let paged: Vec<String> = server.requests()[before..]
        .iter()
        .map(|request| request.target.clone())
        .collect();
    assert_eq!(
        paged,
        [
            "/v1/gadget-pages",
            "/v1/gadget-pages?after=g2",
            "/v1/gadget-pages?after=g3"
        ]
    );

    // The generated mock matches every item of an array query parameter.
    let mocked = drive(&driver, &server, &["mocked-list"]).await;
    assert_eq!(mocked["both"], json!({ "ok": [] }), "{mocked}");
    assert_eq!(mocked["one"]["error"]["status"], 404, "{mocked}");
    assert_eq!(mocked["hits"], 1, "{mocked}");

    // A typed API error, not retried (404).
    let missing = drive(&driver, &server, &["get", "missing"]).await;
    assert_eq!(missing["error"]["variant"], "Api");
    assert_eq!(missing["error"]["status"], 404);
    assert_eq!(missing["error"]["codes"], json!(["NOT_FOUND"]));
    assert_eq!(missing["error"]["attempts"], 1);

    // The checks of the schema, before anything is sent.
    let before = server.request_count();
    let too_many = drive(&driver, &server, &["create-too-many-tags"]).await;
    assert_eq!(too_many["error"]["variant"], "InvalidInput");
    assert_eq!(too_many["error"]["field"], "body.tags");
    let nameless = drive(&driver, &server, &["create-without-name"]).await;
    assert_eq!(nameless["error"]["variant"], "InvalidInput");
    assert_eq!(nameless["error"]["field"], "body.name");
    // The bounds of parameters and numbers: exact at the bounds, exclusive where the spec
    // says so.
    for (args, field) in [
        (&["list-limit", "0"][..], "limit"),
        (&["list-limit", "101"], "limit"),
        (&["list-tagged", "a", "b", "c", "d"], "tag"),
        (&["list-tagged", "a", "thirteen char"], "tag[1]"),
        (&["create-weighing", "0"], "body.weight"),
        (&["create-weighing", "1000.5"], "body.weight"),
        (&["create-reading", "-40", "86"], "body.readings[1]"),
        (&["create-reading", "-41"], "body.readings[0]"),
        // No NaN or infinity, even unbounded: JSON has none (it would be sent as null).
        (&["create-balanced", "NaN"], "body.balance"),
        (&["create-balanced", "inf"], "body.balance"),
        (&["create-balanced", "-inf"], "body.balance"),
        // An open enum's near miss of a value it knows, in a parameter and in a body.
        (&["list-color", "Green"], "color"),
        (&["list-color", " red"], "color"),
        (&["create", "x", "Green"], "body.color"),
    ] {
        let refused = drive(&driver, &server, args).await;
        assert_eq!(
            refused["error"]["variant"], "InvalidInput",
            "{args:?}: {refused}"
        );
        assert_eq!(refused["error"]["field"], field, "{args:?}");
    }
    assert_eq!(server.request_count(), before, "nothing was sent");
    for args in [
        &["list-limit", "1"][..],
        &["list-limit", "100"],
        &["list-tagged", "a", "b", "twelve chars"],
    ] {
        let answer = drive(&driver, &server, args).await;
        assert_eq!(answer["ok"], json!([gadget("g1", "one")]), "{args:?}");
    }
    let readings = drive(&driver, &server, &["create-reading", "-40", "85"]).await;
    assert_eq!(readings["ok"]["id"], "g2", "{readings}");
    // An optional list with `minItems: 1`, left empty, is left out, not refused.
    let readings = drive(&driver, &server, &["create-reading"]).await;
    assert_eq!(readings["ok"]["id"], "g2", "{readings}");
    let sent: Value = serde_json::from_slice(&server.requests().last().unwrap().body).unwrap();
    assert_eq!(sent, json!({ "name": "sensor" }));
    // A 32-bit float is sent as its shortest decimal.
    let balanced = drive(&driver, &server, &["create-balanced", "0.1"]).await;
    assert_eq!(balanced["ok"]["id"], "g2", "{balanced}");
    let sent: Value = serde_json::from_slice(&server.requests().last().unwrap().body).unwrap();
    assert_eq!(sent["balance"], json!(0.1));
    for grams in ["0.001", "1000"] {
        let answer = drive(&driver, &server, &["create-weighing", grams]).await;
        assert_eq!(answer["ok"]["id"], "g2", "{grams}: {answer}");
    }
    let before = server.request_count();

    // A member's rule holds in a type composed with allOf.
    let labelled = drive(&driver, &server, &["create-sized", "a", "b", "c"]).await;
    assert_eq!(labelled["error"]["variant"], "InvalidInput", "{labelled}");
    assert_eq!(labelled["error"]["field"], "body.size.labels");
    // And in an alternative of an enum of alternatives (oneOf).
    let mounted = drive(
        &driver,
        &server,
        &["create-mounted", "1", "2", "3", "4", "5"],
    )
    .await;
    assert_eq!(mounted["error"]["variant"], "InvalidInput", "{mounted}");
    assert_eq!(mounted["error"]["field"], "body.mount.screws");
    assert_eq!(server.request_count(), before, "nothing was sent");
    // And in a recursive type.
    let spare = drive(&driver, &server, &["create-with-spare", "4"]).await;
    assert_eq!(spare["error"]["variant"], "InvalidInput", "{spare}");
    assert_eq!(spare["error"]["field"], "body.spare.tags");
    assert_eq!(server.request_count(), before, "nothing was sent");
    let spare = drive(&driver, &server, &["create-with-spare", "1"]).await;
    assert_eq!(spare["ok"]["id"], "g2", "{spare}");
    let sent: Value = serde_json::from_slice(&server.requests().last().unwrap().body).unwrap();
    assert_eq!(sent["spare"], json!({ "name": "spare", "tags": ["t"] }));
    let mounted = drive(&driver, &server, &["create-mounted", "1", "2"]).await;
    assert_eq!(mounted["ok"]["id"], "g2", "{mounted}");
    let sent: Value = serde_json::from_slice(&server.requests().last().unwrap().body).unwrap();
    assert_eq!(sent["mount"], json!({ "screws": ["1", "2"] }));
    let sized = drive(&driver, &server, &["create-sized", "a", "b"]).await;
    assert_eq!(sized["ok"]["id"], "g2", "{sized}");
    let sent: Value = serde_json::from_slice(&server.requests().last().unwrap().body).unwrap();
    assert_eq!(sent["size"], json!({ "width": 3, "labels": ["a", "b"] }));

    // The requests on the wire.
    let requests = server.requests();
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[port]");
    settings.add_filter(
        r"sip-client/\d+\.\d+\.\d+(\+[0-9A-Za-z.-]+)?",
        "sip-client/[version]",
    );
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        sip_client_tests::assert_snapshot!("proof_wire_list_gadgets", request_view(&requests[0]));
        sip_client_tests::assert_snapshot!("proof_wire_create_gadget", request_view(&requests[2]));
        sip_client_tests::assert_snapshot!("proof_wire_get_gadget", request_view(&requests[3]));
        sip_client_tests::assert_snapshot!("proof_wire_paint_gadget", request_view(&requests[6]));
    });
    assert_eq!(requests[4].target, "/v1/gadgets/g1", "the raw call");

    // Retries by the operation's nature: a stalled POST is not repeated, a stalled GET is,
    // and so is a stalled POST the spec marks `x-idempotent` (each call allows two retries).
    let stalling = TestServer::always(Reply::Stall(std::time::Duration::from_secs(20))).await;
    let post = drive(&driver, &stalling, &["stall-create"]).await;
    assert_eq!(post["error"]["timeout"], true, "{post}");
    assert_eq!(post["error"]["attempts"], 1, "{post}");
    assert_eq!(post["error"]["not_retried"], "MayHaveBeenApplied", "{post}");
    assert_eq!(
        stalling.request_count(),
        1,
        "the POST reached the server once"
    );

    let get = drive(&driver, &stalling, &["stall-get", "g1"]).await;
    assert_eq!(get["error"]["timeout"], true, "{get}");
    assert_eq!(get["error"]["attempts"], 3, "{get}");
    assert_eq!(stalling.request_count(), 4, "the GET was sent three times");

    let paint = drive(&driver, &stalling, &["stall-paint", "g1"]).await;
    assert_eq!(paint["error"]["timeout"], true, "{paint}");
    assert_eq!(paint["error"]["attempts"], 3, "{paint}");
    assert_eq!(paint["error"]["not_retried"], Value::Null, "{paint}");
    assert_eq!(
        stalling.request_count(),
        7,
        "the idempotent POST was sent three times"
    );
    assert_eq!(
        requests_from(&stalling, 4),
        ["POST /v1/gadgets/g1/paint"; 3]
    );

    // The same after a 500: the POST is answered once, the idempotent POST three times (the
    // same calls, whose attempt timeout a 500 does not reach).
    let failing = TestServer::always(Reply::json(
        500,
        r#"{"data": null, "errors": [{"error": "INTERNAL", "message": "try later"}]}"#,
    ))
    .await;
    let post = drive(&driver, &failing, &["stall-create"]).await;
    assert_eq!(post["error"]["variant"], "Api", "{post}");
    assert_eq!(post["error"]["status"], 500, "{post}");
    assert_eq!(post["error"]["attempts"], 1, "{post}");
    assert_eq!(post["error"]["not_retried"], "MayHaveBeenApplied", "{post}");
    assert_eq!(
        failing.request_count(),
        1,
        "the POST reached the server once"
    );

    let paint = drive(&driver, &failing, &["stall-paint", "g1"]).await;
    assert_eq!(paint["error"]["variant"], "Api", "{paint}");
    assert_eq!(paint["error"]["status"], 500, "{paint}");
    assert_eq!(paint["error"]["attempts"], 3, "{paint}");
    assert_eq!(paint["error"]["not_retried"], Value::Null, "{paint}");
    assert_eq!(
        failing.request_count(),
        4,
        "the idempotent POST was sent three times"
    );
    assert_eq!(requests_from(&failing, 1), ["POST /v1/gadgets/g1/paint"; 3]);
}

/// The method and target of each request `server` got, from the `from`th on.
fn requests_from(server: &TestServer, from: usize) -> Vec<String> {
    server.requests()[from..]
        .iter()
        .map(|request| format!("{} {}", request.method, request.target))
        .collect()
}

/// Every `.rs` file below `dir` that is not generated.
fn hand_written_sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(hand_written_sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs")
            && !path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("generated")
        {
            out.push(path);
        }
    }
    out
}
