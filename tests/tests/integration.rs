//! The fast integration tests, one module per file of this directory, in one test binary.
//!
//! One binary instead of one per file: every test binary links the whole dependency graph
//! (reqwest, tokio, hyper, insta, proptest, ...) and monomorphizes it again, so twenty of
//! them cost a cold build dozens of seconds and every mutant of `cargo xtask mutants` twenty
//! links. The files keep their place (and their snapshots theirs, in `snapshots/`); run one
//! of them with a filter: `cargo test -p sip-client-tests --test integration client::`.
//!
//! Binaries of their own (see `tests/Cargo.toml`): the slow tests (`verdict`, `proof`,
//! `contract_prism`, which build scratch crates or start Prism) and the ignored
//! `semver_fixtures`, so that `cargo xtask ci` runs them beside this one and `--fast` and the
//! mutants leave them out by name; and `tracing`, which installs a subscriber: tracing caches
//! each callsite's interest process-wide, and a test on another thread of this binary that
//! reaches a callsite first can leave it disabled for the subscriber (seen with 8 threads).

#[path = "api_changes.rs"]
mod api_changes;
#[path = "api_shape.rs"]
mod api_shape;
#[path = "cli.rs"]
mod cli;
#[path = "client.rs"]
mod client;
#[path = "every_operation.rs"]
mod every_operation;
#[path = "family_examples.rs"]
mod family_examples;
#[path = "family_snapshots.rs"]
mod family_snapshots;
#[path = "family_validation.rs"]
mod family_validation;
#[path = "faults.rs"]
mod faults;
#[path = "hostile.rs"]
mod hostile;
#[path = "leaks.rs"]
mod leaks;
#[path = "mock.rs"]
mod mock;
#[path = "mutation.rs"]
mod mutation;
#[path = "open_values.rs"]
mod open_values;
#[path = "paging.rs"]
mod paging;
#[path = "pipeline.rs"]
mod pipeline;
#[path = "retries.rs"]
mod retries;
#[path = "review.rs"]
mod review;
#[path = "robustness.rs"]
mod robustness;
#[path = "snapshots.rs"]
mod snapshots;
#[path = "tidy.rs"]
mod tidy;

/// With `autotests = false`, a new file in this directory is compiled by nothing until it is
/// named here or in `tests/Cargo.toml`: its tests would silently never run.
#[test]
fn every_test_file_is_built() {
    let root = sip_client_tests::workspace_root().join("tests");
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
    let (modules, manifest) = (read("tests/integration.rs"), read("Cargo.toml"));
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(root.join("tests")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let built = name == "integration.rs"
            || modules.contains(&format!("#[path = \"{name}\"]"))
            || manifest.contains(&format!("path = \"tests/{name}\""));
        if name.ends_with(".rs") && !built {
            orphans.push(name);
        }
    }
    assert!(
        orphans.is_empty(),
        "test files no target builds (add them as modules above or as [[test]] targets): \
         {orphans:?}"
    );
}
