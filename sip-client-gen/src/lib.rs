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
mod surface;

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use sha2::{Digest, Sha256};

pub use error::{Culprit, Error};
pub use surface::{ApiChange, ChangeReport, Impact, compare as compare_surfaces};

/// The path of the generated client, relative to the workspace root.
pub const CLIENT_PATH: &str = "sip-client/src/generated.rs";

/// The path of the generated httpmock helpers (the `mock` feature of `sip-client`).
pub const MOCK_PATH: &str = "sip-client/src/generated_mock.rs";

/// The path of the API surface, relative to the workspace root.
pub const SURFACE_PATH: &str = "sip-client/api-surface.txt";

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
    /// The generated files, in a stable order: the client, then the API surface.
    pub files: Vec<GeneratedFile>,
    /// The spec's `info.version`, which the crate's version must carry as build metadata.
    pub spec_version: String,
}

impl Generated {
    /// The generated file at `path`, if any.
    pub fn file(&self, path: &str) -> Option<&GeneratedFile> {
        self.files.iter().find(|file| file.path == path)
    }
}

/// The surface text without its header, for [`compare_surfaces`].
pub fn surface_body(contents: &str) -> &str {
    match contents.find("\n\n") {
        Some(end) if contents.starts_with("//") => &contents[end + 2..],
        _ => contents,
    }
}

/// Generates every file of `sip-client` that comes from the spec.
///
/// `spec_path` is only used in messages and in the header of the generated files; `spec_text`
/// is the YAML (or JSON) text of the spec.
pub fn generate(spec_path: &str, spec_text: &str) -> Result<Generated, Error> {
    let spec = spec::load(spec_text)?;
    let client = parse(generate_tokens(&spec)?)?;
    let mock = parse(generate_mock_tokens(&spec)?)?;
    let header = header(spec_path, spec_text);
    let surface = surface::render(&spec, &client, REPLACED_TYPES);
    Ok(Generated {
        files: vec![
            GeneratedFile {
                path: CLIENT_PATH,
                contents: format!("{header}{}", prettyplease::unparse(&client)),
            },
            GeneratedFile {
                path: MOCK_PATH,
                contents: format!("{header}{}", prettyplease::unparse(&mock)),
            },
            GeneratedFile {
                path: SURFACE_PATH,
                contents: format!("{header}{surface}"),
            },
        ],
        spec_version: spec.info.version.clone(),
    })
}

/// Schemas replaced by hand-written types of `sip-client`, and those types.
const REPLACED_TYPES: &[(&str, &str)] = &[
    ("PhoneNumber", "crate::PhoneNumber"),
    ("Direction", "crate::Direction"),
    ("AuthMode", "crate::AuthMode"),
    ("Transport", "crate::Transport"),
    ("SipSecret", "crate::SipSecret"),
];

/// The progenitor settings of the generated client.
///
/// The replaced types live in `sip-client` and are written by hand:
/// - `PhoneNumber`: validated E.164 without a regex engine, with errors that say what is wrong.
/// - `Direction`, `AuthMode`, `Transport`: open enums that keep values Bland adds later.
/// - `SipSecret`: a string whose `Debug` never shows the credential.
///
/// And every `string` of format `date-time` becomes `crate::Timestamp`.
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
    for (schema, rust_type) in REPLACED_TYPES {
        // Every replacement but the secret has Display and FromStr; the secret has neither,
        // so that it cannot be printed by accident.
        let impls: &[TypeImpl] = if *schema == "SipSecret" {
            &[]
        } else {
            &[TypeImpl::Display, TypeImpl::FromStr]
        };
        settings.with_replacement(schema, rust_type, impls.iter().cloned());
    }
    // RFC 3339 timestamps decode through sip-client's `Timestamp` (a `DateTime<Utc>` with a
    // fast parser for Bland's one shape) rather than chrono's general one.
    let date_time = schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::String.into()),
        format: Some("date-time".to_owned()),
        ..Default::default()
    };
    settings.with_conversion(
        date_time,
        "crate::Timestamp",
        [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
    );
    settings
}

fn parse(tokens: proc_macro2::TokenStream) -> Result<syn::File, Error> {
    syn::parse2(tokens).map_err(|err| Error::Unparsable {
        message: err.to_string(),
    })
}

/// Runs progenitor's client generation on a loaded spec, turning its panics into errors.
fn generate_tokens(spec: &openapiv3::OpenAPI) -> Result<proc_macro2::TokenStream, Error> {
    run_progenitor(spec, |generator, spec| generator.generate_tokens(spec))
}

/// Runs progenitor's httpmock generation: typed `when`/`then` helpers for each operation,
/// over the types of the generated client (`crate::generated`).
fn generate_mock_tokens(spec: &openapiv3::OpenAPI) -> Result<proc_macro2::TokenStream, Error> {
    run_progenitor(spec, |generator, spec| {
        generator.httpmock(spec, "crate::generated")
    })
}

type Generation =
    fn(&mut Generator, &openapiv3::OpenAPI) -> Result<proc_macro2::TokenStream, progenitor::Error>;

/// Runs one progenitor generation with our settings; an error or panic becomes an
/// [`Error::Progenitor`] naming the operation or schema at fault when it can be isolated.
fn run_progenitor(
    spec: &openapiv3::OpenAPI,
    generation: Generation,
) -> Result<proc_macro2::TokenStream, Error> {
    let attempt = |spec: &openapiv3::OpenAPI| {
        catch_panic(|| generation(&mut Generator::new(&settings()), spec))
    };
    match attempt(spec) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(err)) => Err(Error::Progenitor {
            culprit: spec::find_culprit(spec, |s| !matches!(attempt(s), Ok(Ok(_)))),
            message: err.to_string(),
        }),
        Err(message) => Err(Error::Progenitor {
            culprit: spec::find_culprit(spec, |s| attempt(s).is_err()),
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
