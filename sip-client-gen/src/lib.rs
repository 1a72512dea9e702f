//! The code generator behind `sip-client`: OpenAPI spec text in, formatted Rust source out.
//!
//! This crate is a pure library. It reads no file and writes no file: `cargo xtask generate`
//! and the freshness tests call [`generate`] with the spec's text and compare or write what it
//! returns. The output is formatted with `prettyplease`, so it is byte-identical on every
//! machine that builds this crate with the same `Cargo.lock`.
//!
//! Generation is progenitor (builder interface) with a few deliberate settings, listed in
//! [`settings`]: the generated types also derive `schemars::JsonSchema` and `PartialEq`, and
//! the types whose values come from the server or from the user (phone numbers, the open
//! enums, secrets) are replaced by hand-written types of `sip-client`.
//!
//! Every failure is an [`Error`] that says where the problem is: a YAML syntax error names
//! line and column, an OpenAPI 3.1 document says that only 3.0.x is supported, a dangling
//! `$ref` names itself and where it stands, and a panic inside progenitor is caught and turned
//! into an error naming the operation or schema that caused it.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod error;
mod spec;

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use sha2::{Digest, Sha256};

pub use error::{Culprit, Error};

/// The path of the generated client, relative to the workspace root.
pub const CLIENT_PATH: &str = "sip-client/src/generated.rs";

/// The path of the spec, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/bland-sip.yaml";

/// The command that regenerates every generated file.
pub const REGENERATE_COMMAND: &str = "cargo xtask generate";

/// One file produced by the generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the workspace root.
    pub path: &'static str,
    /// Full contents, header included.
    pub contents: String,
}

/// Everything the generator produces from one spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The generated files, in a stable order.
    pub files: Vec<GeneratedFile>,
}

/// Generates every file of `sip-client` that comes from the spec.
///
/// `spec_path` is only used in messages and in the header of the generated files; `spec_text`
/// is the YAML (or JSON) text of the spec.
pub fn generate(spec_path: &str, spec_text: &str) -> Result<Generated, Error> {
    let spec = spec::load(spec_text)?;
    let tokens = generate_tokens(&spec)?;
    let client = format_file(header(spec_path, spec_text), tokens)?;
    Ok(Generated {
        files: vec![GeneratedFile {
            path: CLIENT_PATH,
            contents: client,
        }],
    })
}

/// The progenitor settings of the generated client.
///
/// The replaced types live in `sip-client` and are written by hand:
/// - `PhoneNumber`: validated E.164 without a regex engine, with errors that say what is wrong.
/// - `Direction`, `AuthMode`, `Transport`: open enums that keep values Bland adds later.
/// - `SipSecret`: a string whose `Debug` never shows the credential.
///
/// The generated `Client` carries `crate::RawContext` (the API key, user agent and retry
/// policy) and must implement `ClientHooks` by hand (`HooksMode::Expected`), so that the
/// generated builders authenticate and retry exactly like the hand-written front door.
pub fn settings() -> GenerationSettings {
    let inner_type: proc_macro2::TokenStream = "crate::RawContext"
        .parse()
        .expect("a path is a valid token stream");
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(inner_type)
        .with_hooks(HooksMode::Expected)
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq");
    let string_like = || [TypeImpl::Display, TypeImpl::FromStr].into_iter();
    for (schema, rust_type) in [
        ("PhoneNumber", "crate::PhoneNumber"),
        ("Direction", "crate::Direction"),
        ("AuthMode", "crate::AuthMode"),
        ("Transport", "crate::Transport"),
    ] {
        settings.with_replacement(schema, rust_type, string_like());
    }
    settings.with_replacement("SipSecret", "crate::SipSecret", std::iter::empty());
    settings
}

/// Runs progenitor on a loaded spec, turning its panics into errors.
fn generate_tokens(spec: &openapiv3::OpenAPI) -> Result<proc_macro2::TokenStream, Error> {
    match catch_panic(|| Generator::new(&settings()).generate_tokens(spec)) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(err)) => Err(Error::Progenitor {
            culprit: spec::find_culprit(spec, |s| {
                !matches!(
                    catch_panic(|| Generator::new(&settings()).generate_tokens(s)),
                    Ok(Ok(_))
                )
            }),
            message: err.to_string(),
        }),
        Err(message) => Err(Error::Progenitor {
            culprit: spec::find_culprit(spec, |s| {
                catch_panic(|| Generator::new(&settings()).generate_tokens(s)).is_err()
            }),
            message: format!("progenitor panicked: {message}"),
        }),
    }
}

/// Runs `f`, catching a panic and returning its message instead.
///
/// The default panic hook would print the panic to stderr as if the generator had crashed, so
/// it is silenced while `f` runs: the message travels in the returned error instead.
fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    // The hook is process-wide: two generations swapping it at once could leave the silent
    // hook installed for good, so swaps are serialized.
    static HOOK_LOCK: Mutex<()> = Mutex::new(());
    let _guard = HOOK_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_owned())
    })
}

/// The first lines of every generated file.
fn header(spec_path: &str, spec_text: &str) -> String {
    let digest = Sha256::digest(spec_text.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "// @generated by sip-client-gen from {spec_path} (sha256 {hex}).\n\
         // Do not edit: change the spec, then run `{REGENERATE_COMMAND}`.\n\n"
    )
}

/// Formats tokens as a Rust file with `prettyplease`, behind `header`.
fn format_file(header: String, tokens: proc_macro2::TokenStream) -> Result<String, Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|err| Error::Unparsable {
        message: err.to_string(),
    })?;
    let mut out = header;
    out.push_str(&prettyplease::unparse(&file));
    Ok(out)
}
