//! Proof that nothing of the front door is written by hand per operation: three operations
//! that are not Bland's (`tests/fixtures/proof/operations.yaml`: a GET with optional query
//! parameters, a POST with a JSON body, a GET with a path parameter) are added to our spec,
//! a client is generated from it into a scratch crate, built, and each operation is called
//! through the generated front door (by `tests/fixtures/proof/driver.rs`) against the
//! recording server: the request on the wire, the typed answer, the typed API error, the
//! client-side checks, and retries by the operation's nature.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use sip_client_gen::{API_PATH, CLI_PATH, CLIENT_PATH, MOCK_PATH, README_PATH, SPEC_PATH};
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

/// A workspace of its own: a copy of sip-client (renamed, so that it shares the target
/// directory's dependencies without replacing the real crate) with the files generated from
/// the fixture spec, and the driver.
fn scratch_workspace(generated: &sip_client_gen::Generated) -> PathBuf {
    let root = workspace_root();
    let scratch = std::env::temp_dir().join(format!("sip-client-proof-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    copy_dir(
        &root.join("sip-client/src"),
        &scratch.join("sip-client/src"),
    );
    fs::copy(root.join(README_PATH), scratch.join(README_PATH)).unwrap();

    let manifest = fs::read_to_string(root.join("sip-client/Cargo.toml")).unwrap();
    let manifest = replace_once(
        &manifest,
        "name = \"sip-client\"",
        "name = \"sip-client-proof\"",
    );
    let manifest = replace_once(
        &manifest,
        "name = \"bland-sip\"",
        "name = \"bland-sip-proof\"",
    );
    let manifest = manifest.split("\n[[example]]").next().unwrap().to_owned();
    let manifest = replace_once(
        &manifest,
        "[features]",
        "[lib]\nname = \"sip_client\"\n\n[features]",
    );
    fs::write(scratch.join("sip-client/Cargo.toml"), manifest).unwrap();

    let workspace = fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let workspace: String = workspace
        .lines()
        .filter(|line| !line.starts_with("sip-client-gen ="))
        .map(|line| {
            if line.starts_with("members = ") {
                "members = [\"sip-client\", \"driver\"]".to_owned()
            } else if line.starts_with("sip-client = ") {
                "sip-client = { path = \"sip-client\", package = \"sip-client-proof\", default-features = false }".to_owned()
            } else {
                line.to_owned()
            }
        })
        .map(|line| line + "\n")
        .collect();
    fs::write(scratch.join("Cargo.toml"), workspace).unwrap();
    fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();

    fs::create_dir_all(scratch.join("driver/src")).unwrap();
    fs::write(
        scratch.join("driver/Cargo.toml"),
        "[package]\nname = \"driver\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nsip-client = { workspace = true, features = [\"rustls\"] }\n\
         serde.workspace = true\nserde_json.workspace = true\n\
         tokio = { workspace = true, features = [\"macros\", \"rt\"] }\n",
    )
    .unwrap();
    fs::copy(
        root.join("tests/fixtures/proof/driver.rs"),
        scratch.join("driver/src/main.rs"),
    )
    .unwrap();

    for file in &generated.files {
        if file.path.starts_with("sip-client/") {
            fs::write(scratch.join(file.path), &file.contents).unwrap();
        }
    }
    let readme = fs::read_to_string(scratch.join(README_PATH)).unwrap();
    let readme = sip_client_gen::operations_table(&readme, &generated.operations_table).unwrap();
    fs::write(scratch.join(README_PATH), readme).unwrap();
    scratch
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} not found");
    text.replacen(from, to, 1)
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// Builds the scratch workspace (the driver, and the generated CLI) in the shared target
/// directory; returns the driver's executable.
fn build(scratch: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let output = Command::new(cargo)
        .args([
            "build",
            "--offline",
            "--message-format",
            "json",
            "--package",
            "driver",
            "--package",
            "sip-client-proof",
            "--features",
            "sip-client-proof/cli,sip-client-proof/mock",
        ])
        .env("CARGO_TARGET_DIR", target)
        .current_dir(scratch)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the client generated from the fixture spec does not build:\n{}\n{}",
        String::from_utf8_lossy(&output.stderr),
        stdout
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter_map(|m| m["message"]["rendered"].as_str().map(str::to_owned))
            .collect::<Vec<_>>()
            .join("\n")
    );
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
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
    let scratch = scratch_workspace(&generated);
    let driver = tokio::task::spawn_blocking(move || {
        let driver = build(&scratch);
        let _ = fs::remove_dir_all(&scratch);
        driver
    })
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
    assert_eq!(nameless["error"]["field"], "body");
    assert_eq!(server.request_count(), before, "nothing was sent");

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
        insta::assert_snapshot!("proof_wire_list_gadgets", request_view(&requests[0]));
        insta::assert_snapshot!("proof_wire_create_gadget", request_view(&requests[2]));
        insta::assert_snapshot!("proof_wire_get_gadget", request_view(&requests[3]));
    });

    // Retries by the operation's nature: a stalled POST is not repeated, a stalled GET is.
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
