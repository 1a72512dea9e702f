#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod client;
mod error;
mod hooks;
mod open_enum;
mod phone;
mod retry;
mod secret;
mod timestamp;

/// The client generated from `openapi/bland-sip.yaml` by `cargo xtask generate`.
///
/// Private: what users need is re-exported below, deliberately.
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, dead_code, unused_imports)]
mod generated;

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

pub use client::{
    API_KEY_ENV, AuthScheme, BASE_URL_ENV, Client, ClientBuilder, DEFAULT_BASE_URL,
    DEFAULT_USER_AGENT, RawContext, decode_response,
};
pub use error::{
    ApiError, BuildError, DecodeError, Error, SIP_NOT_ENABLED, TransportError, TransportErrorKind,
    UnexpectedResponse,
};
pub use open_enum::{AuthMode, Direction, Transport};
pub use phone::{PhoneNumber, PhoneNumberError};
pub use secret::SipSecret;
pub use timestamp::Timestamp;

pub use generated::types::{
    ApiErrorEntry, ErrorEnvelope, SipConfig, SipConfigData, SipConfigEnvelope, SipHeaders,
    SipOptions,
};

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
