#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]
// On docs.rs (nightly rustdoc), each item behind a feature says which.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod base_url;
mod build_error;
mod builder;
mod call;
mod client;
mod decode;
mod endpoint;
mod error;
mod escape;
mod extra_headers;
mod hints;
mod hooks;
mod input;
mod json_error;
mod key_mask;
mod masks;
mod open_enum;
mod paginate;
mod phone;
mod random;
mod read_body;
mod redact;
mod redact_text;
mod redirect;
mod response;
mod retry;
mod secret;
mod secret_keys;
mod server_text;
mod timestamp;
mod upload;
mod validate;

/// The client generated from `openapi/bland-sip.yaml` by progenitor (`cargo xtask generate`).
///
/// Private: what users need is re-exported by `generated_api`, deliberately.
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, dead_code, unused_imports)]
mod generated;

/// The front door generated from the spec: a method per operation, the request builders,
/// the open enums, the checks of request bodies, and the re-exports of the API's types.
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports)]
mod generated_api;

/// The httpmock helpers generated from the spec (the `mock` feature).
#[cfg(feature = "mock")]
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, dead_code, unused_imports)]
mod generated_mock;

#[cfg(feature = "mock")]
pub mod mock;

/// The HTTP client underneath, re-exported so that a custom `reqwest::Client` (see
/// [`ClientBuilder::http_client`]) is of the version this crate uses.
pub use reqwest;

pub use builder::{
    API_KEY_ENV, AuthScheme, BASE_URL_ENV, BuildError, ClientBuilder, DEFAULT_BASE_URL,
    DEFAULT_USER_AGENT,
};
pub use call::Operation;
pub use client::{Client, RawContext};
pub use decode::{DecodeError, Envelope, RedirectNotFollowed, UnexpectedResponse, decode_response};
pub use error::{ApiError, Error, NotRetried, SIP_NOT_ENABLED, TransportError, TransportErrorKind};
pub use escape::Escaped;
pub use generated_api::*;
pub use input::{InputProblem, IntoBody, IntoParam, InvalidInput};
pub use json_error::redacted_json_error;
pub use paginate::{Items, Pages, Paginated};
pub use phone::{PhoneNumber, PhoneNumberError};
pub use response::Response;
pub use retry::RetryClass;
pub use secret::{REDACTED, SipCredentials, SipSecret, secret_values, to_redacted_json};
pub use timestamp::{Timestamp, TimestampOutOfRange};
pub use upload::Upload;

/// The generated client as progenitor made it, for power users.
///
/// Reach it through [`Client::raw`]: its builders share the front door's connection pool,
/// credentials and retries, but return progenitor's [`raw::Error`] and read bodies without
/// a size limit.
///
/// ```no_run
/// # async fn run(client: sip_client::Client) -> Result<(), Box<dyn std::error::Error>> {
/// let response = client.raw().get_sip_config().phone_number("+14150000000").send().await?;
/// println!("{} {:?}", response.status(), response.headers().get("date"));
/// let envelope: sip_client::SipConfigEnvelope = response.into_inner();
/// # Ok(()) }
/// ```
pub mod raw {
    pub use crate::generated::{Client, Error, ResponseValue, builder, types};
}
