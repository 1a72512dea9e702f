//! Shared harness of sip-client's cross-crate tests: a recording server on loopback,
//! fixtures by name, and paths into the workspace.
//!
//! The tests themselves live in `tests/tests/`; their insta snapshots in
//! `tests/tests/snapshots/`, asserted through this crate's [`assert_snapshot!`] and its
//! siblings (see [`snapshot`]), which find them in the workspace at run time.

pub mod changes;
pub mod scratch;
pub mod server;
pub mod snapshot;
pub mod spec;

use std::path::PathBuf;

/// The workspace root, found at run time (see [`xtask::workspace_root`]): never a path
/// compiled into the test binary, which a target directory shared between checkouts would
/// reuse for another checkout.
pub fn workspace_root() -> PathBuf {
    xtask::workspace_root()
}

/// The bytes of `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = workspace_root().join("tests").join("fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("fixture {}: {err}", path.display()))
}

/// The spec's text.
pub fn spec_text() -> String {
    std::fs::read_to_string(workspace_root().join(sip_client_gen::SPEC_PATH)).expect("read spec")
}

/// A client of `server` with test-friendly settings: the test key and a short backoff
/// (5-20 ms), so that retries cost milliseconds.
pub fn client_for(server: &server::TestServer) -> sip_client::ClientBuilder {
    sip_client::Client::builder()
        .api_key(TEST_API_KEY)
        .base_url(server.url())
        .backoff(
            std::time::Duration::from_millis(5),
            std::time::Duration::from_millis(20),
        )
}

/// The error of one lookup of +14150000000 against a server that always answers `reply`,
/// with retries off unless `configure` turns them on. Asserts on the way that neither the
/// error's `Display` nor its `Debug` shows the API key.
pub async fn error_for(
    reply: server::Reply,
    configure: impl FnOnce(sip_client::ClientBuilder) -> sip_client::ClientBuilder,
) -> sip_client::Error {
    let server = server::TestServer::always(reply).await;
    let client = configure(client_for(&server).max_retries(0))
        .build()
        .expect("test client builds");
    let number: sip_client::PhoneNumber = "+14150000000".parse().expect("valid number");
    let err = client
        .get_sip_config(&number)
        .await
        .expect_err("the reply is a failure");
    for view in [format!("{err}"), format!("{err:?}"), format!("{err:#?}")] {
        assert!(
            !view.contains(TEST_API_KEY),
            "an error shows the key: {view}"
        );
    }
    err
}

/// The key tests use; snapshots must never contain it.
pub const TEST_API_KEY: &str = "test-key-5f2d9c1a";

/// A request as a reviewer reads it: the request line exactly as sent, headers sorted by
/// name with the key replaced by `[api-key]`, then the body (a multipart boundary, random
/// per request, replaced by `[boundary]`).
pub fn request_view(request: &server::RecordedRequest) -> String {
    let boundary = request
        .header("content-type")
        .and_then(|value| value.split_once("boundary="))
        .map(|(_, boundary)| boundary.to_owned());
    let redact = |text: &str| {
        let text = text.replace(TEST_API_KEY, "[api-key]");
        match &boundary {
            Some(boundary) => text.replace(boundary.as_str(), "[boundary]"),
            None => text,
        }
    };
    let mut headers = request.headers.clone();
    headers.sort();
    let mut view = format!("{} {}\n", request.method, request.target);
    for (name, value) in headers {
        view.push_str(&format!("{name}: {}\n", redact(&value)));
    }
    view.push('\n');
    if request.body.is_empty() {
        view.push_str("(no body)\n");
    } else {
        view.push_str(&redact(&String::from_utf8_lossy(&request.body)));
    }
    view
}

/// A binary of this workspace (`bland-sip`, `xtask`, `audit-baseline`).
///
/// Integration tests and benches of another package get no `CARGO_BIN_EXE_*`. `cargo xtask
/// ci` builds every binary in its one build and names each in `SIP_CLIENT_TEST_BIN_<NAME>`
/// (debug builds only). Otherwise this asks cargo for the binaries, in the profile this
/// test was built with (`release`: the release profile), and finds the one named through
/// cargo's JSON messages. It asks for every binary and example of the workspace: examples,
/// like tests, turn the dev-dependencies on, so cargo resolves features as it did for the
/// tests and rebuilds nothing they already have.
pub fn cargo_binary(name: &str, release: bool) -> PathBuf {
    let variable = format!(
        "SIP_CLIENT_TEST_BIN_{}",
        name.to_ascii_uppercase().replace('-', "_")
    );
    if !release && let Some(path) = std::env::var_os(&variable) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "{variable} names {}, which is not a file",
            path.display()
        );
        return path;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = std::process::Command::new(cargo);
    command.args([
        "build",
        "--workspace",
        "--bins",
        "--examples",
        "--message-format",
        "json",
    ]);
    match (release, profile_dir().as_deref()) {
        (true, _) => {
            command.arg("--release");
        }
        // `target/debug` holds the dev and test profiles: cargo's default.
        (false, None | Some("debug")) => {}
        (false, Some(profile)) => {
            command.args(["--profile", profile]);
        }
    }
    let output = command
        .current_dir(workspace_root())
        .output()
        .expect("run cargo build");
    assert!(
        output.status.success(),
        "cargo build of {name} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["target"]["name"] == name)
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| panic!("cargo reported no executable for {name}"))
}

/// The name of the directory of the profile this process was built in (`target/<it>/deps/`
/// holds test and bench executables), such as `debug`, `release` or `mutants`.
fn profile_dir() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let deps = exe.parent()?;
    if deps.file_name()? != "deps" {
        return None;
    }
    Some(deps.parent()?.file_name()?.to_str()?.to_owned())
}

/// The `bland-sip` binary (debug), built once per test process.
pub fn bland_sip_binary() -> PathBuf {
    static BINARY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BINARY
        .get_or_init(|| cargo_binary("bland-sip", false))
        .clone()
}

pub use xtask::test_support::write_script;

/// A directory of its own in the system's temporary directory, for one test: removed when
/// dropped, however the test ends. It reads as the `Path` it is.
pub struct Scratch(tempfile::TempDir);

impl Scratch {
    /// A new empty directory whose name starts with `name`.
    pub fn new(name: &str) -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix(&format!("{name}-"))
            .tempdir()
            .expect("a scratch directory");
        Scratch(dir)
    }
}

impl AsRef<std::path::Path> for Scratch {
    fn as_ref(&self) -> &std::path::Path {
        self.0.path()
    }
}

impl std::ops::Deref for Scratch {
    type Target = std::path::Path;

    fn deref(&self) -> &std::path::Path {
        self.0.path()
    }
}

/// A stand-in for the pinned `tool` in `root`'s `target/tools/bin`, where `cargo xtask`
/// looks first: it answers `cargo <subcommand> --version` with the pinned version.
pub fn pinned_tool_stand_in(root: &std::path::Path, tool: &xtask::tools::Tool) {
    write_script(
        &root.join("target/tools/bin").join(tool.krate),
        &format!(
            "[ \"$1 $2\" = \"{} --version\" ] && echo \"{} {}\"\n",
            tool.subcommand, tool.krate, tool.version
        ),
    );
}

/// Removes from `command`'s environment what the client reads from the environment of the
/// test run: the key, the base URL and the proxies (a child must see only what its test
/// gives it).
pub fn without_client_env(command: &mut std::process::Command) {
    for name in [
        "BLAND_API_KEY",
        "BLAND_BASE_URL",
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        command.env_remove(name);
    }
}
