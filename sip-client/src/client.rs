//! The front door: [`Client`], its [`ClientBuilder`], and the one call of the API.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode, Url};
use tokio::time::Instant;

use crate::error::{
    ApiError, BODY_PREFIX_LIMIT, BuildError, DecodeError, Error, TransportError,
    TransportErrorKind, UnexpectedResponse,
};
use crate::generated;
use crate::phone::PhoneNumber;
use crate::retry::{self, RetryPolicy};
use crate::{ErrorEnvelope, SipConfigData, SipConfigEnvelope};

/// Bland's production API.
pub const DEFAULT_BASE_URL: &str = "https://api.bland.ai";

/// The environment variable [`Client::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "BLAND_API_KEY";

/// The environment variable [`Client::from_env`] reads an optional base URL from.
pub const BASE_URL_ENV: &str = "BLAND_BASE_URL";

/// The default user agent: `sip-client/<version of this crate>`.
pub const DEFAULT_USER_AGENT: &str = concat!("sip-client/", env!("CARGO_PKG_VERSION"));

/// The path of the endpoint below the base URL. Tests check that the generated builder
/// sends the same request as the front door, so this cannot drift from the spec unseen.
const SIP_CONFIG_PATH: &str = "/v1/sip";

/// How the API key goes into the `authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuthScheme {
    /// The key alone, as Bland's reference pages send it (the default).
    #[default]
    Raw,
    /// `Bearer <key>`, as the example on the same page sends it.
    Bearer,
}

/// A client of Bland's SIP configuration API.
///
/// Cheap to clone (clones share one connection pool); build one per process and reuse it.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = sip_client::Client::from_env()?; // BLAND_API_KEY
/// let config = client.get_sip_config(&"+14150000000".parse()?).await?;
/// println!("inbound: {:?}", config.inbound.map(|c| c.sip_endpoint));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    raw: generated::Client,
    endpoint: Url,
}

/// What every request of a client carries: credentials, user agent, retry and time limits.
///
/// Held by the generated client too (its `inner`), so that requests made with
/// [`Client::raw`] authenticate and retry like [`Client::get_sip_config`]. There is no way to
/// construct one except through [`ClientBuilder::build`], and its `Debug` never shows the key.
#[derive(Clone)]
pub struct RawContext(Arc<Settings>);

struct Settings {
    authorization: HeaderValue,
    user_agent: HeaderValue,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    max_body_size: usize,
}

impl RawContext {
    /// Sets the headers every request carries (replacing any the request had).
    pub(crate) fn apply_headers(&self, headers: &mut HeaderMap) {
        headers.insert(AUTHORIZATION, self.0.authorization.clone());
        headers.insert(USER_AGENT, self.0.user_agent.clone());
    }

    pub(crate) fn retry(&self) -> &RetryPolicy {
        &self.0.retry
    }

    /// The largest response body read.
    pub(crate) fn max_body_size(&self) -> usize {
        self.0.max_body_size
    }

    /// The deadline of a call starting now.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        self.0.timeout.map(|timeout| Instant::now() + timeout)
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
            .field("endpoint", &self.endpoint.as_str())
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
    /// URL from `BLAND_BASE_URL` when set. Everything else has its default.
    pub fn from_env() -> Result<Client, BuildError> {
        ClientBuilder::from_env().build()
    }

    /// The SIP configuration (inbound and outbound) of `phone_number`.
    ///
    /// Retries connection failures, timeouts, 408, 429 and 5xx as configured, and returns
    /// within the client's timeout.
    ///
    /// ```no_run
    /// # async fn run(client: sip_client::Client) -> Result<(), sip_client::Error> {
    /// use sip_client::{Error, PhoneNumber, SIP_NOT_ENABLED};
    ///
    /// let number: PhoneNumber = "+14150000000".parse()?;
    /// match client.get_sip_config(&number).await {
    ///     Ok(config) => println!("{:?}", config.outbound),
    ///     Err(err) if err.has_code(SIP_NOT_ENABLED) => eprintln!("SIP is off: {err}"),
    ///     Err(err) => return Err(err),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_sip_config(&self, phone_number: &PhoneNumber) -> Result<SipConfigData, Error> {
        let context = &self.raw.inner;
        let deadline = context.deadline();

        let request = || self.request_for(phone_number);
        let outcome = retry::execute(
            &self.raw.client,
            request(),
            || Some(request()),
            context.retry(),
            deadline,
            "get_sip_config",
        )
        .await;
        let attempts = outcome.attempts;
        let response = outcome
            .result
            .map_err(|err| transport_error(err, attempts))?;
        let status = response.status();
        // Only a failure needs these; a success does not pay for them.
        let failure_details = (!status.is_success()).then(|| {
            let headers = response.headers();
            let content_type = headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            (content_type, retry::retry_after(headers))
        });
        let body = read_body(response, context.max_body_size())
            .await
            .map_err(|err| match err {
                BodyError::TooLarge => Error::BodyTooLarge {
                    status,
                    limit: context.max_body_size(),
                },
                BodyError::Transport(err) => transport_error(err, attempts),
            })?;

        match failure_details {
            None => decode_success(status, body),
            Some((content_type, retry_after)) => Err(decode_failure(
                status,
                body,
                content_type,
                retry_after,
                attempts,
            )),
        }
    }

    /// The request of one attempt: `GET {base}/v1/sip?phone_number=...` with the headers
    /// every request carries.
    fn request_for(&self, phone_number: &PhoneNumber) -> reqwest::Request {
        let mut url = self.endpoint.clone();
        // Form encoding turns the `+` into `%2B`, as Bland's own example sends it: a raw `+`
        // in a query string is read as a space.
        url.query_pairs_mut()
            .append_pair("phone_number", phone_number.as_str());
        let mut request = reqwest::Request::new(Method::GET, url);
        let headers = request.headers_mut();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        self.raw.inner.apply_headers(headers);
        request
    }

    /// [`Client::get_sip_config`] for a number given as text: it is validated first, and an
    /// invalid one is [`Error::InvalidPhoneNumber`] without any request.
    pub async fn get_sip_config_str(&self, phone_number: &str) -> Result<SipConfigData, Error> {
        let phone_number = PhoneNumber::parse(phone_number)?;
        self.get_sip_config(&phone_number).await
    }

    /// The generated client, for calls the front door does not wrap.
    ///
    /// Its builders send the same headers (key, user agent) through the same connection
    /// pool, and retry the same way; they return progenitor's `Error` type rather than
    /// [`Error`], and do not apply the body size limit.
    pub fn raw(&self) -> &generated::Client {
        &self.raw
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.raw.baseurl
    }
}

fn transport_error(source: reqwest::Error, attempts: u32) -> Error {
    Error::Transport(TransportError {
        kind: TransportErrorKind::of(&source),
        attempts,
        source,
    })
}

enum BodyError {
    TooLarge,
    Transport(reqwest::Error),
}

/// Reads the body, stopping as soon as it is known to be larger than `limit`: a huge answer
/// costs at most `limit` bytes of memory.
async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<Bytes, BodyError> {
    if response
        .content_length()
        .is_some_and(|len| len > limit as u64)
    {
        return Err(BodyError::TooLarge);
    }
    let Some(first) = response.chunk().await.map_err(BodyError::Transport)? else {
        return Ok(Bytes::new());
    };
    if first.len() > limit {
        return Err(BodyError::TooLarge);
    }
    // Small bodies usually arrive in one chunk: keep it without copying.
    let Some(second) = response.chunk().await.map_err(BodyError::Transport)? else {
        return Ok(first);
    };
    let capacity = response
        .content_length()
        .map_or(first.len() + second.len(), |len| len as usize);
    let mut body = BytesMut::with_capacity(capacity.min(limit));
    let mut next = Some(second);
    body.extend_from_slice(&first);
    while let Some(chunk) = next {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
        next = response.chunk().await.map_err(BodyError::Transport)?;
    }
    Ok(body.freeze())
}

/// Decodes an answer of `GET /v1/sip` that arrived some other way (a recorded response,
/// another HTTP stack), by the rules [`Client::get_sip_config`] applies: a 2xx body decodes
/// into the configuration, Bland's error envelope becomes [`Error::Api`], anything else
/// [`Error::UnexpectedResponse`] or [`Error::Decode`]. It never panics, whatever the bytes.
///
/// ```
/// use sip_client::reqwest::StatusCode;
///
/// let body = br#"{"data": null, "errors": [{"error": "SIP_NOT_ENABLED"}]}"#;
/// let err = sip_client::decode_response(StatusCode::BAD_REQUEST, body.to_vec().into())
///     .unwrap_err();
/// assert!(err.has_code(sip_client::SIP_NOT_ENABLED));
/// ```
pub fn decode_response(status: StatusCode, body: Bytes) -> Result<SipConfigData, Error> {
    if status.is_success() {
        decode_success(status, body)
    } else {
        Err(decode_failure(status, body, None, None, 1))
    }
}

/// Decodes a success body. The fast path is plain serde_json; only a failure pays for a
/// second pass that finds the JSON path of the problem.
fn decode_success(status: StatusCode, body: Bytes) -> Result<SipConfigData, Error> {
    match serde_json::from_slice::<SipConfigEnvelope>(&body) {
        Ok(envelope) => Ok(envelope.data),
        Err(first_error) => {
            let mut deserializer = serde_json::Deserializer::from_slice(&body);
            let (path, message) =
                match serde_path_to_error::deserialize::<_, SipConfigEnvelope>(&mut deserializer) {
                    Err(err) => (err.path().to_string(), err.inner().to_string()),
                    // Both passes decode the same bytes the same way, so this arm is not
                    // expected; if it ever runs, the first error is still the truth.
                    Ok(_) => (".".to_owned(), first_error.to_string()),
                };
            Err(Error::Decode(DecodeError {
                status,
                path,
                message,
                body,
            }))
        }
    }
}

/// Turns a non-success answer into Bland's error envelope, or keeps it as unexpected.
fn decode_failure(
    status: StatusCode,
    body: Bytes,
    content_type: Option<String>,
    retry_after: Option<Duration>,
    attempts: u32,
) -> Error {
    match serde_json::from_slice::<ErrorEnvelope>(&body) {
        Ok(envelope) if !envelope.errors.is_empty() => Error::Api(ApiError {
            status,
            errors: envelope.errors,
            retry_after,
            attempts,
        }),
        _ => Error::UnexpectedResponse(UnexpectedResponse {
            status,
            content_type,
            body_len: body.len(),
            body_prefix: body.slice(..body.len().min(BODY_PREFIX_LIMIT)),
            attempts,
        }),
    }
}

/// Builds a [`Client`]; every setting is checked by [`ClientBuilder::build`].
///
/// ```
/// use std::time::Duration;
///
/// let client = sip_client::Client::builder()
///     .api_key("my-key")
///     .bearer_auth()
///     .timeout(Duration::from_secs(10))
///     .max_retries(4)
///     .build()?;
/// assert_eq!(client.base_url(), "https://api.bland.ai");
/// // The key never shows in Debug output.
/// assert!(!format!("{client:?}").contains("my-key"));
/// # Ok::<(), sip_client::BuildError>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Option<String>,
    auth_scheme: AuthScheme,
    base_url: String,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    retry: RetryPolicy,
    max_body_size: usize,
    user_agent: String,
    allow_insecure_http: bool,
    http_client: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            api_key: None,
            auth_scheme: AuthScheme::Raw,
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            max_body_size: 1024 * 1024,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            allow_insecure_http: false,
            http_client: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("auth_scheme", &self.auth_scheme)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("max_body_size", &self.max_body_size)
            .field("user_agent", &self.user_agent)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("http_client", &self.http_client.as_ref().map(|_| "custom"))
            .finish()
    }
}

impl ClientBuilder {
    /// A builder from the environment: `BLAND_API_KEY` and, when set, `BLAND_BASE_URL`.
    pub fn from_env() -> ClientBuilder {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// `from_env` with the environment given as a function, so tests need not change the
    /// process environment.
    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> ClientBuilder {
        let defaults = ClientBuilder::default();
        ClientBuilder {
            api_key: lookup(API_KEY_ENV),
            base_url: lookup(BASE_URL_ENV)
                .filter(|url| !url.trim().is_empty())
                .unwrap_or(defaults.base_url.clone()),
            ..defaults
        }
    }

    /// The API key (required).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// How the key is sent: raw (the default) or as `Bearer <key>`.
    pub fn auth_scheme(mut self, scheme: AuthScheme) -> Self {
        self.auth_scheme = scheme;
        self
    }

    /// Sends the key as `Bearer <key>`; shorthand for `auth_scheme(AuthScheme::Bearer)`.
    pub fn bearer_auth(self) -> Self {
        self.auth_scheme(AuthScheme::Bearer)
    }

    /// The base URL (default `https://api.bland.ai`). A path stem is kept:
    /// `https://proxy.example/bland` sends to `https://proxy.example/bland/v1/sip`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The time a whole call may take, retries and waits included (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Lets calls take as long as they take. Not recommended outside tests.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// The time one connection attempt may take (default 10 s). Ignored with
    /// [`ClientBuilder::http_client`], whose own setting applies.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retries after the first attempt (default 2; 0 disables retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// The wait before the first retry, doubled at each further retry up to
    /// `max_backoff` (defaults 500 ms and 8 s). Each wait is jittered to between half and
    /// all of it.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.retry.initial_backoff = initial;
        self.retry.max_backoff = max.max(initial);
        self
    }

    /// The longest wait a server's `Retry-After` may impose (default 60 s); longer values
    /// are capped to it.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.retry.max_retry_after = max;
        self
    }

    /// The largest response body read (default 1 MiB); a larger one is
    /// [`Error::BodyTooLarge`], and reading stops at the limit.
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Replaces the user agent (default `sip-client/<version>`). To identify your
    /// application, append to it: `format!("{} my-app/1.2", DEFAULT_USER_AGENT)`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Allows a plain `http://` base URL to a host that is not loopback. Off by default:
    /// the API key would cross the network unencrypted.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Uses this `reqwest::Client` (proxies, custom TLS roots, pool settings). The key,
    /// user agent, timeout and retries still apply per request; `connect_timeout` does not.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks every setting and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let key = self.api_key.as_deref().ok_or(BuildError::MissingApiKey)?;
        // Header values may carry obs-text (bytes above 127), but no API key does: such a
        // key is a copy-paste accident, refused here rather than sent.
        if key.trim().is_empty() || !key.is_ascii() {
            return Err(BuildError::InvalidApiKey);
        }
        let mut authorization = match self.auth_scheme {
            AuthScheme::Raw => HeaderValue::from_str(key),
            AuthScheme::Bearer => HeaderValue::from_str(&format!("Bearer {key}")),
        }
        .map_err(|_| BuildError::InvalidApiKey)?;
        // Sensitive values are left out of reqwest's and hyper's Debug output, and HTTP/2
        // keeps them out of its header compression table.
        authorization.set_sensitive(true);
        let user_agent =
            HeaderValue::from_str(&self.user_agent).map_err(|_| BuildError::InvalidUserAgent)?;

        let (base_url, endpoint) = self.checked_base_url()?;

        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(BuildError::Http)?,
        };
        let context = RawContext(Arc::new(Settings {
            authorization,
            user_agent,
            retry: self.retry,
            timeout: self.timeout,
            max_body_size: self.max_body_size,
        }));
        Ok(Client {
            raw: generated::Client::new_with_client(&base_url, http, context),
            endpoint,
        })
    }

    /// The base URL without a trailing `/`, and the endpoint's URL below it.
    fn checked_base_url(&self) -> Result<(String, Url), BuildError> {
        let invalid = |reason: &str| BuildError::InvalidBaseUrl {
            url: self.base_url.clone(),
            reason: reason.to_owned(),
        };
        let trimmed = self.base_url.trim().trim_end_matches('/');
        let url = Url::parse(trimmed).map_err(|err| invalid(&err.to_string()))?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_insecure_http || is_loopback(&url) => {}
            "http" => {
                return Err(BuildError::InsecureBaseUrl {
                    url: self.base_url.clone(),
                });
            }
            _ => {
                return Err(invalid(
                    "the scheme must be https (or http to a loopback host)",
                ));
            }
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("a base URL takes no query or fragment"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "credentials in the URL are not supported; use api_key",
            ));
        }
        let endpoint = Url::parse(&format!("{trimmed}{SIP_CONFIG_PATH}"))
            .map_err(|err| invalid(&err.to_string()))?;
        Ok((trimmed.to_owned(), endpoint))
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn from_env_reads_key_and_base_url() {
        let client = ClientBuilder::from_lookup(lookup(&[
            (API_KEY_ENV, "k-123"),
            (BASE_URL_ENV, "http://127.0.0.1:9/"),
        ]))
        .build()
        .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9");
        assert_eq!(client.endpoint.as_str(), "http://127.0.0.1:9/v1/sip");

        let client = ClientBuilder::from_lookup(lookup(&[(API_KEY_ENV, "k-123")]))
            .build()
            .unwrap();
        assert_eq!(client.base_url(), DEFAULT_BASE_URL);
    }

    #[test]
    fn from_env_without_key_says_so() {
        let err = ClientBuilder::from_lookup(lookup(&[])).build().unwrap_err();
        assert!(matches!(err, BuildError::MissingApiKey));
        assert!(err.to_string().contains("BLAND_API_KEY"), "{err}");
    }

    #[test]
    fn keys_that_cannot_be_headers_are_refused_without_echo() {
        for key in ["", "   ", "line\nbreak", "naïve-key"] {
            let err = Client::builder().api_key(key).build().unwrap_err();
            assert!(matches!(err, BuildError::InvalidApiKey), "{key:?}: {err:?}");
            if !key.trim().is_empty() {
                assert!(!err.to_string().contains(key));
                assert!(!format!("{err:?}").contains(key));
            }
        }
    }

    #[test]
    fn plain_http_only_to_loopback_or_by_opt_in() {
        for url in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:80",
            "https://api.bland.ai",
        ] {
            assert!(
                Client::builder().api_key("k").base_url(url).build().is_ok(),
                "{url}"
            );
        }
        let err = Client::builder()
            .api_key("k")
            .base_url("http://api.bland.ai")
            .build()
            .unwrap_err();
        assert!(matches!(err, BuildError::InsecureBaseUrl { .. }), "{err:?}");
        assert!(
            Client::builder()
                .api_key("k")
                .base_url("http://api.bland.ai")
                .allow_insecure_http(true)
                .build()
                .is_ok()
        );
    }

    #[test]
    fn malformed_base_urls_are_refused() {
        for url in [
            "api.bland.ai",
            "ftp://api.bland.ai",
            "https://api.bland.ai?x=1",
            "https://user:pw@api.bland.ai",
            "",
        ] {
            let err = Client::builder()
                .api_key("k")
                .base_url(url)
                .build()
                .unwrap_err();
            assert!(
                matches!(err, BuildError::InvalidBaseUrl { .. }),
                "{url}: {err:?}"
            );
        }
    }

    #[test]
    fn path_stems_are_kept() {
        let client = Client::builder()
            .api_key("k")
            .base_url("https://proxy.example/bland/")
            .build()
            .unwrap();
        assert_eq!(
            client.endpoint.as_str(),
            "https://proxy.example/bland/v1/sip"
        );
    }

    /// With whichever TLS feature is on (`rustls` by default, or `native-tls`), an `https://`
    /// base URL must really speak TLS: reqwest without a TLS feature fails only at run time.
    /// The first bytes the server sees are a TLS handshake record (0x16, version 3.x).
    #[tokio::test]
    async fn https_base_urls_speak_tls() {
        use tokio::io::AsyncReadExt;

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let first_bytes = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut bytes = [0u8; 3];
            stream.read_exact(&mut bytes).await.unwrap();
            bytes
        });
        let client = Client::builder()
            .api_key("k")
            .base_url(format!("https://127.0.0.1:{port}"))
            .max_retries(0)
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let err = client.get_sip_config_str("+14150000000").await.unwrap_err();
        // Without TLS compiled in, the client fails before connecting and nothing arrives.
        let bytes = tokio::time::timeout(Duration::from_secs(5), first_bytes)
            .await
            .unwrap_or_else(|_| panic!("no connection arrived; the client said: {err}"))
            .unwrap();
        assert_eq!(bytes[0], 0x16, "TLS handshake record");
        assert_eq!(bytes[1], 0x03, "TLS major version");
        assert!(matches!(err, Error::Transport(_)), "{err:?}");
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = "sk-very-secret-0123456789";
        let builder = Client::builder().api_key(key).bearer_auth();
        let client = builder.clone().build().unwrap();
        for text in [
            format!("{builder:?}"),
            format!("{client:?}"),
            format!("{client:#?}"),
            format!("{:?}", client.raw()),
        ] {
            assert!(!text.contains(key), "{text}");
            assert!(!text.contains("very-secret"), "{text}");
        }
        assert!(format!("{client:?}").contains("<redacted>"));
    }
}
