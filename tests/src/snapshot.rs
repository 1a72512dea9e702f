//! insta's snapshot assertions, with the snapshot directory in the workspace found at run
//! time.
//!
//! insta finds a snapshot from the workspace its macros capture when the test binary is
//! compiled (`CARGO_MANIFEST_DIR`, or `cargo metadata` run there): a binary built in one
//! checkout and run in another (a target directory shared between checkouts reuses it)
//! would compare against, and write pending `.snap.new` files into, the checkout it was
//! built in, while reading everything else from the one it runs in. The macros here
//! ([`assert_snapshot!`](crate::assert_snapshot), [`assert_debug_snapshot!`](crate::assert_debug_snapshot),
//! [`assert_json_snapshot!`](crate::assert_json_snapshot),
//! [`assert_yaml_snapshot!`](crate::assert_yaml_snapshot)) take the same arguments as
//! insta's and make the snapshot directory absolute, resolved against
//! [`workspace_root`](crate::workspace_root) the way insta resolves it against its own:
//! `<workspace>/<directory of the test file>/<snapshot path>`, `snapshots` unless the
//! settings in force say otherwise. Snapshot names and files stay those insta would use.

use std::path::{Path, PathBuf};

/// The directory of the snapshots asserted in `source` (a test file, as `file!()` names it:
/// relative to the workspace root) under the snapshot path `snapshot_path` of the settings in
/// force, in the workspace found at run time. An absolute `snapshot_path` is kept as it is.
///
/// # Panics
///
/// When `source` is absolute (it would name the checkout the binary was compiled in) or has
/// no parent directory, or when no workspace is found.
pub fn snapshot_dir(source: &str, snapshot_path: &Path) -> PathBuf {
    let source = Path::new(source);
    assert!(
        source.is_relative(),
        "test file {} is absolute: snapshots must be found in the workspace at run time",
        source.display()
    );
    let test_dir = source
        .parent()
        .unwrap_or_else(|| panic!("test file {} has no directory", source.display()));
    crate::workspace_root().join(test_dir).join(snapshot_path)
}

/// Runs one of insta's assertion macros (`$assertion`) with the snapshot directory of
/// [`snapshot_dir`] for the calling file; the settings in force (filters, module prefix)
/// apply unchanged.
#[doc(hidden)]
#[macro_export]
macro_rules! __assert_in_workspace {
    ($assertion:ident, $($args:tt)*) => {{
        let mut settings = ::insta::Settings::clone_current();
        let dir = $crate::snapshot::snapshot_dir(::std::file!(), settings.snapshot_path());
        settings.set_snapshot_path(dir);
        settings.bind(|| ::insta::$assertion!($($args)*))
    }};
}

/// `insta::assert_snapshot!`, with the snapshot in the workspace found at run time (see
/// [`snapshot`](crate::snapshot)).
#[macro_export]
macro_rules! assert_snapshot {
    ($($args:tt)*) => {
        $crate::__assert_in_workspace!(assert_snapshot, $($args)*)
    };
}

/// `insta::assert_debug_snapshot!`, with the snapshot in the workspace found at run time
/// (see [`snapshot`](crate::snapshot)).
#[macro_export]
macro_rules! assert_debug_snapshot {
    ($($args:tt)*) => {
        $crate::__assert_in_workspace!(assert_debug_snapshot, $($args)*)
    };
}

/// `insta::assert_json_snapshot!`, with the snapshot in the workspace found at run time
/// (see [`snapshot`](crate::snapshot)).
#[macro_export]
macro_rules! assert_json_snapshot {
    ($($args:tt)*) => {
        $crate::__assert_in_workspace!(assert_json_snapshot, $($args)*)
    };
}

/// `insta::assert_yaml_snapshot!`, with the snapshot in the workspace found at run time
/// (see [`snapshot`](crate::snapshot)).
#[macro_export]
macro_rules! assert_yaml_snapshot {
    ($($args:tt)*) => {
        $crate::__assert_in_workspace!(assert_yaml_snapshot, $($args)*)
    };
}
