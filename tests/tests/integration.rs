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
#[path = "mock.rs"]
mod mock;
#[path = "pipeline.rs"]
mod pipeline;
#[path = "retries.rs"]
mod retries;
#[path = "robustness.rs"]
mod robustness;
#[path = "snapshots.rs"]
mod snapshots;
