//! Developer commands of the sip-client workspace (the cargo-xtask convention), as a library
//! so that tests drive the same code the command runs.

pub mod bench;
pub mod ci;
pub mod generate;

use std::path::PathBuf;

/// The workspace root: xtask lives one level below it.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .expect("xtask is a member directly below the workspace root")
        .to_path_buf()
}
