//! Shared harness of sip-client's cross-crate tests: a recording server on loopback,
//! fixtures by name, and paths into the workspace.
//!
//! The tests themselves live in `tests/tests/`; their insta snapshots in
//! `tests/tests/snapshots/`.

pub mod server;

use std::path::PathBuf;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits directly below the workspace root")
        .to_path_buf()
}

/// The bytes of `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("fixture {}: {err}", path.display()))
}

/// The spec's text.
pub fn spec_text() -> String {
    std::fs::read_to_string(workspace_root().join(sip_client_gen::SPEC_PATH)).expect("read spec")
}

/// A client of `server` with test-friendly settings: a key, short backoff, no jitter in
/// the way of timing assertions beyond their bounds.
pub fn client_for(server: &server::TestServer) -> sip_client::ClientBuilder {
    sip_client::Client::builder()
        .api_key(TEST_API_KEY)
        .base_url(server.url())
        .backoff(
            std::time::Duration::from_millis(5),
            std::time::Duration::from_millis(20),
        )
}

/// The key tests use; snapshots must never contain it.
pub const TEST_API_KEY: &str = "test-key-5f2d9c1a";

/// The `bland-sip` binary, built once per test process with the features this package
/// already compiles `sip-client` with (so nothing is rebuilt).
///
/// Integration tests of another package get no `CARGO_BIN_EXE_*`, so this asks cargo for
/// the binary and reads its path from cargo's JSON messages.
pub fn bland_sip_binary() -> PathBuf {
    static BINARY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BINARY
        .get_or_init(|| {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
            let output = std::process::Command::new(cargo)
                .args([
                    "build",
                    "--package",
                    "sip-client",
                    "--features",
                    "rustls,mock,cli",
                    "--bin",
                    "bland-sip",
                    "--message-format",
                    "json",
                ])
                .current_dir(workspace_root())
                .output()
                .expect("run cargo build");
            assert!(
                output.status.success(),
                "cargo build of bland-sip failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
                .filter(|message| message["target"]["name"] == "bland-sip")
                .find_map(|message| message["executable"].as_str().map(PathBuf::from))
                .expect("cargo reported the bland-sip executable")
        })
        .clone()
}
