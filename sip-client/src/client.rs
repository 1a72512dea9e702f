//! The front door: [`Client`], and what every request of it carries ([`RawContext`]).
//!
//! The methods of the API's operations are generated (one per operation of the spec, in
//! `generated_api.rs`); the machinery they share is in `call.rs`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};

use crate::builder::{BuildError, ClientBuilder};
use crate::generated;
use crate::retry::RetryPolicy;

/// A client of Bland's SIP API.
///
/// Cheap to clone (clones share one connection pool); build one per process and reuse it.
/// Each operation of the API is a method named after its `operationId`; required parameters
/// are its arguments, and what it returns is a request that is sent by `.await` (or
/// `.send().await`) and that takes optional parameters and per-call settings first:
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
///
/// let client = sip_client::Client::from_env()?; // BLAND_API_KEY
/// let config = client.get_sip_config(&"+14150000000".parse()?).await?;
/// println!("inbound: {:?}", config.inbound.map(|c| c.sip_endpoint));
///
/// let calls = client
///     .list_sip_calls(&"+14150000000".parse()?)
///     .limit(10)
///     .timeout(Duration::from_secs(5))
///     .max_retries(0)
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) raw: generated::Client,
    /// The base URL, parsed once; each call appends its path.
    pub(crate) base: Url,
}

/// What every request of a client carries: credentials, user agent, retry and time limits.
///
/// Held by the generated client too (its `inner`), so that requests made with
/// [`Client::raw`] authenticate and retry like the front door. There is no way to construct
/// one except through [`ClientBuilder::build`], and its `Debug` never shows the key.
#[derive(Clone)]
pub struct RawContext(Arc<Settings>);

pub(crate) struct Settings {
    pub(crate) authorization: HeaderValue,
    /// The key as it is masked in error answers that echo it (see
    /// [`masks`](crate::masks)); `None` when too short to mask.
    pub(crate) masked_key: Option<Box<str>>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_body_size: usize,
}

impl RawContext {
    pub(crate) fn new(settings: Settings) -> RawContext {
        RawContext(Arc::new(settings))
    }

    /// Sets the headers every request carries (replacing any the request had): the user
    /// agent, and the key unless the operation needs none (`sends_key` false: then any
    /// `authorization` header the request had is removed, so that the key never leaves).
    pub(crate) fn apply_headers(&self, headers: &mut HeaderMap, sends_key: bool) {
        if sends_key {
            headers.insert(AUTHORIZATION, self.0.authorization.clone());
        } else {
            headers.remove(AUTHORIZATION);
        }
        headers.insert(USER_AGENT, self.0.user_agent.clone());
    }

    pub(crate) fn retry(&self) -> &RetryPolicy {
        &self.0.retry
    }

    /// The largest response body read.
    pub(crate) fn max_body_size(&self) -> usize {
        self.0.max_body_size
    }

    /// The key as errors mask it (see [`masks`](crate::masks)), when long enough to mask.
    pub(crate) fn masked_key(&self) -> Option<&str> {
        self.0.masked_key.as_deref()
    }

    /// Whether `bytes` (a header of an answer) hold the API key, as sent or encoded (see
    /// [`key_mask::holds_key`](crate::key_mask::holds_key)).
    pub(crate) fn holds_key(&self, bytes: &[u8]) -> bool {
        self.0
            .masked_key
            .as_ref()
            .is_some_and(|key| crate::key_mask::holds_key(bytes, key.as_bytes()))
    }

    /// The time a whole call may take, if limited.
    pub(crate) fn timeout(&self) -> Option<Duration> {
        self.0.timeout
    }
}

impl fmt::Debug for RawContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawContext")
            .field("authorization", &"<redacted>")
            .field("user_agent", &self.0.user_agent)
            .field("retry", &self.0.retry)
            .field("timeout", &self.0.timeout)
            .field("max_body_size", &self.0.max_body_size)
            .finish()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url())
            .field("context", &self.raw.inner)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with every default: base URL `https://api.bland.ai`, a 60 s timeout for the
    /// whole call (retries included), 10 s to connect, 2 retries, the raw key as
    /// `authorization`, responses of at most 1 MiB.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: the key from `BLAND_API_KEY`, and the base
    /// URL from `BLAND_BASE_URL` when set and not empty. Everything else has its default.
    pub fn from_env() -> Result<Client, BuildError> {
        ClientBuilder::from_env().build()
    }

    /// The generated progenitor client, for calls the front door does not make the way you
    /// need. (The status and headers of an answer need it no longer: every prepared call has
    /// `send_with_response()`.)
    ///
    /// Its builders send the same headers (key, user agent) through the same connection
    /// pool, and retry the same way; they return progenitor's `Error` type rather than
    /// [`Error`](crate::Error), and do not apply the body size limit. Operations with a
    /// multipart body are not in it (progenitor cannot generate them).
    pub fn raw(&self) -> &generated::Client {
        &self.raw
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.raw.baseurl
    }
}
