//! `cargo xtask bench [--quick]`: the benchmarks of `tests/benches/client.rs`, and (full mode
//! only) the build footprint of depending on sip-client.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

pub fn run(quick: bool) -> ExitCode {
    let root = crate::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut args = vec![
        "bench",
        "--locked",
        "--package",
        "sip-client-tests",
        "--bench",
        "client",
        "--",
    ];
    if quick {
        args.push("--quick");
    }
    let ok = Command::new(&cargo)
        .args(&args)
        .current_dir(&root)
        .status()
        .is_ok_and(|status| status.success());
    if !ok {
        eprintln!("error: the benchmarks failed");
        return ExitCode::FAILURE;
    }
    if quick {
        println!("(quick mode: the cold-build footprint is measured only by `cargo xtask bench`)");
        return ExitCode::SUCCESS;
    }
    match footprint(&root, &cargo) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: footprint: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Cold `cargo build` of sip-client vs a throwaway crate depending only on reqwest (same
/// features, same TLS), serde and serde_json, each in a fresh target directory.
fn footprint(root: &Path, cargo: &str) -> Result<(), String> {
    let scratch = std::env::temp_dir().join(format!("sip-client-footprint-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let baseline = scratch.join("baseline");
    std::fs::create_dir_all(baseline.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(
        baseline.join("Cargo.toml"),
        r#"[package]
name = "footprint-baseline"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
reqwest = { version = "0.13.5", default-features = false, features = ["json", "query", "http2", "charset", "rustls"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"

[workspace]
"#,
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(
        baseline.join("src/lib.rs"),
        "pub use reqwest; pub use serde; pub use serde_json;\n",
    )
    .map_err(|e| e.to_string())?;
    // The same versions as ours: start from our lockfile (cargo drops what is unused).
    std::fs::copy(root.join("Cargo.lock"), baseline.join("Cargo.lock"))
        .map_err(|e| e.to_string())?;

    let ours = cold_build(
        cargo,
        root,
        &["build", "--locked", "--package", "sip-client"],
        &scratch.join("target-sip-client"),
    )?;
    let theirs = cold_build(
        cargo,
        &baseline,
        &["build"],
        &scratch.join("target-baseline"),
    )?;
    let _ = std::fs::remove_dir_all(&scratch);

    println!("cold build (fresh target dir, dev profile)");
    println!(
        "  sip-client                {:>6.1} s, {} crates compiled",
        ours.0, ours.1
    );
    println!(
        "  reqwest+serde+serde_json  {:>6.1} s, {} crates compiled",
        theirs.0, theirs.1
    );
    println!(
        "  ratio                     {:>6.2} (time), +{} crates",
        ours.0 / theirs.0,
        ours.1 as i64 - theirs.1 as i64
    );
    Ok(())
}

/// Wall time and number of crates compiled by one cold build.
fn cold_build(
    cargo: &str,
    dir: &Path,
    args: &[&str],
    target: &Path,
) -> Result<(f64, usize), String> {
    let started = Instant::now();
    let output = Command::new(cargo)
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .current_dir(dir)
        .output()
        .map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("cargo {} failed:\n{stderr}", args.join(" ")));
    }
    let crates = stderr
        .lines()
        .filter(|line| line.trim_start().starts_with("Compiling "))
        .count();
    Ok((seconds, crates))
}
