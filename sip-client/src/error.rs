//! The one error type of every call, and the error of building a client.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;

use crate::ApiErrorEntry;
use crate::phone::PhoneNumberError;

/// How many bytes of an unexpected body an error keeps.
pub(crate) const BODY_PREFIX_LIMIT: usize = 512;

/// Bland's one documented error code: SIP is not enabled for the organization.
pub const SIP_NOT_ENABLED: &str = "SIP_NOT_ENABLED";

/// Why a call failed.
///
/// The variants separate what a caller handles differently: input that never left the
/// process, a transport failure, Bland's documented error envelope, an answer that is not
/// what the API promises, and a body that does not decode. No variant's `Display` or `Debug`
/// shows the API key: the key lives only in a sensitive header of the request, which no error
/// keeps.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The input is invalid; no request was sent.
    InvalidPhoneNumber(PhoneNumberError),
    /// The request or the response failed in transit: timeout, connection, broken body.
    Transport(TransportError),
    /// Bland answered with its error envelope (`{"errors": [...]}`).
    Api(ApiError),
    /// The answer is neither the documented success nor Bland's error envelope.
    UnexpectedResponse(UnexpectedResponse),
    /// A success answer whose body does not decode into the documented shape.
    Decode(DecodeError),
    /// The body is larger than the client's limit (see `ClientBuilder::max_body_size`);
    /// reading stopped at the limit.
    BodyTooLarge {
        /// Status of the answer.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
    },
}

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The call ran out of time (the client's `timeout`, or `connect_timeout`).
    Timeout,
    /// No connection could be made (refused, unreachable, DNS, TLS handshake).
    Connect,
    /// The connection closed or reset before an answer came.
    Request,
    /// The connection broke while the answer's body was read (closed early, truncated).
    Body,
    /// Anything else reqwest reports.
    Other,
}

impl TransportErrorKind {
    /// Sorts a reqwest error. Timeouts first: a connect timeout is a timeout.
    pub(crate) fn of(err: &reqwest::Error) -> TransportErrorKind {
        if err.is_timeout() {
            TransportErrorKind::Timeout
        } else if err.is_connect() {
            TransportErrorKind::Connect
        } else if err.is_body() || err.is_decode() {
            TransportErrorKind::Body
        } else if err.is_request() {
            TransportErrorKind::Request
        } else {
            TransportErrorKind::Other
        }
    }

    /// Whether a GET that failed this way may succeed if sent again. The retry loop and
    /// [`Error::is_retryable`] both ask this.
    pub fn is_retryable(self) -> bool {
        !matches!(self, TransportErrorKind::Other)
    }
}

/// A transport failure, after every retry allowed.
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// How many attempts were made in all.
    pub attempts: u32,
    /// reqwest's error.
    pub source: reqwest::Error,
}

/// Bland's error envelope, with the status it came with.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Bland's `errors[]` entries (at least one).
    pub errors: Vec<ApiErrorEntry>,
    /// The `Retry-After` the server sent, if any (seconds or an HTTP date, as a duration).
    pub retry_after: Option<Duration>,
    /// How many attempts were made in all.
    pub attempts: u32,
}

/// An answer outside the API's contract: kept as status, content type and the first bytes.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UnexpectedResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The first bytes of the body (at most 512).
    pub body_prefix: Bytes,
    /// The body's whole length in bytes.
    pub body_len: usize,
    /// How many attempts were made in all.
    pub attempts: u32,
}

/// A success body that does not decode.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// HTTP status.
    pub status: StatusCode,
    /// Where decoding failed, as a path such as `data.inbound.created_at` (`.` for the root).
    pub path: String,
    /// What serde_json said.
    pub message: String,
    /// The whole body.
    pub body: Bytes,
}

impl Error {
    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::InvalidPhoneNumber(_) => None,
            Error::Transport(err) => err.source.status(),
            Error::Api(err) => Some(err.status),
            Error::UnexpectedResponse(err) => Some(err.status),
            Error::Decode(err) => Some(err.status),
            Error::BodyTooLarge { status, .. } => Some(*status),
        }
    }

    /// Whether trying the same call again later may succeed: timeouts, connection failures,
    /// 408, 429 and 5xx. The client already retried these up to its `max_retries`.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(err) => err.kind.is_retryable(),
            Error::Api(ApiError { status, .. })
            | Error::UnexpectedResponse(UnexpectedResponse { status, .. }) => {
                crate::retry::is_retryable_status(*status)
            }
            Error::InvalidPhoneNumber(_) | Error::Decode(_) | Error::BodyTooLarge { .. } => false,
        }
    }

    /// Bland's error entries, when the server answered with its error envelope.
    pub fn api_errors(&self) -> &[ApiErrorEntry] {
        match self {
            Error::Api(err) => &err.errors,
            _ => &[],
        }
    }

    /// Whether Bland answered with the given error code (for example [`SIP_NOT_ENABLED`]).
    pub fn has_code(&self, code: &str) -> bool {
        self.api_errors().iter().any(|entry| entry.error == code)
    }

    /// Whether the call timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(err) if err.kind == TransportErrorKind::Timeout)
    }

    /// Whether no connection could be made.
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Transport(err) if err.kind == TransportErrorKind::Connect)
    }
}

/// A hint for the person reading an error with this status, if there is a useful one.
fn status_hint(status: StatusCode) -> Option<&'static str> {
    Some(match status.as_u16() {
        401 => "check the API key (BLAND_API_KEY) and whether it is sent raw or as a Bearer token",
        403 => "the API key is valid but not allowed to read this number's configuration",
        404 => "Bland knows no SIP configuration for this number in this organization",
        408 | 429 => "Bland asked to slow down; the client retried as far as allowed",
        500..=599 => "Bland's side failed; the client retried as far as allowed",
        _ => return None,
    })
}

/// A hint for a documented error code, if there is one.
fn code_hint(code: &str) -> Option<&'static str> {
    match code {
        SIP_NOT_ENABLED => {
            Some("SIP must be enabled for the organization (ask Bland to enable it)")
        }
        _ => None,
    }
}

fn write_attempts(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    if attempts > 1 {
        write!(f, " (after {attempts} attempts)")?;
    }
    Ok(())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidPhoneNumber(err) => write!(f, "{err}; no request was sent"),
            Error::Transport(err) => fmt::Display::fmt(err, f),
            Error::Api(err) => fmt::Display::fmt(err, f),
            Error::UnexpectedResponse(err) => fmt::Display::fmt(err, f),
            Error::Decode(err) => fmt::Display::fmt(err, f),
            Error::BodyTooLarge { status, limit } => write!(
                f,
                "HTTP {status}: the response body is larger than the client's limit of \
                 {limit} bytes; reading stopped there"
            ),
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Timeout => "request timed out",
            TransportErrorKind::Connect => "could not connect to the API",
            TransportErrorKind::Request => "the connection closed before an answer came",
            TransportErrorKind::Body => "the connection broke while the response was read",
            TransportErrorKind::Other => "request failed",
        };
        f.write_str(what)?;
        write_attempts(f, self.attempts)?;
        // reqwest's own message, and its causes, which say what exactly happened.
        write!(f, ": {}", self.source)?;
        let mut cause = std::error::Error::source(&self.source);
        while let Some(err) = cause {
            write!(f, ": {err}")?;
            cause = err.source();
        }
        Ok(())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bland API error, HTTP {}", self.status)?;
        write_attempts(f, self.attempts)?;
        f.write_str(":")?;
        for (index, entry) in self.errors.iter().enumerate() {
            if index > 0 {
                f.write_str(";")?;
            }
            write!(f, " {}", entry.error)?;
            if let Some(message) = &entry.message {
                write!(f, " ({message})")?;
            }
        }
        let code_hint = self.errors.iter().find_map(|entry| code_hint(&entry.error));
        if let Some(hint) = code_hint.or_else(|| status_hint(self.status)) {
            write!(f, "; {hint}")?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, "; the server asked to retry after {}s", wait.as_secs())?;
        }
        Ok(())
    }
}

impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected response, HTTP {}", self.status)?;
        write_attempts(f, self.attempts)?;
        if let Some(hint) = status_hint(self.status) {
            write!(f, " ({hint})")?;
        }
        let content_type = self.content_type.as_deref().unwrap_or("no content type");
        write!(f, ": {} bytes of {content_type}", self.body_len)?;
        if !self.body_prefix.is_empty() {
            let text = String::from_utf8_lossy(&self.body_prefix);
            let ellipsis = if self.body_len > self.body_prefix.len() {
                "..."
            } else {
                ""
            };
            write!(f, ", starting {:?}{ellipsis}", text.as_ref())?;
        }
        Ok(())
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HTTP {}: the response body does not match the API's schema at `{}`: {}",
            self.status, self.path, self.message
        )
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::InvalidPhoneNumber(err) => Some(err),
            Error::Transport(err) => Some(&err.source),
            _ => None,
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}
impl std::error::Error for ApiError {}
impl std::error::Error for UnexpectedResponse {}
impl std::error::Error for DecodeError {}

impl From<PhoneNumberError> for Error {
    fn from(err: PhoneNumberError) -> Self {
        Error::InvalidPhoneNumber(err)
    }
}

/// Why a client could not be built. Nothing here ever shows the API key.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// No API key was given (and `BLAND_API_KEY` is unset, for `from_env`).
    MissingApiKey,
    /// The API key is empty or holds characters an HTTP header cannot carry.
    InvalidApiKey,
    /// The base URL does not parse, or is not http(s).
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The base URL is plain `http://` to a host that is not loopback: the API key would
    /// cross the network in clear text. Opt in with `allow_insecure_http(true)`.
    InsecureBaseUrl {
        /// The URL as given.
        url: String,
    },
    /// The user agent is not a valid header value.
    InvalidUserAgent,
    /// reqwest could not build its client (for example, no TLS backend could be loaded).
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::MissingApiKey => {
                f.write_str("no API key: call `api_key(..)` or set BLAND_API_KEY")
            }
            BuildError::InvalidApiKey => f.write_str(
                "the API key is empty or holds characters an HTTP header cannot carry \
                 (control characters or non-ASCII); the key is not shown",
            ),
            BuildError::InvalidBaseUrl { url, reason } => {
                write!(f, "invalid base URL {url:?}: {reason}")
            }
            BuildError::InsecureBaseUrl { url } => write!(
                f,
                "refusing plain-http base URL {url:?}: the API key would cross the network \
                 unencrypted; use https, a loopback host, or `allow_insecure_http(true)`"
            ),
            BuildError::InvalidUserAgent => {
                f.write_str("the user agent is not a valid header value")
            }
            BuildError::Http(err) => write!(f, "cannot build the HTTP client: {err}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Http(err) => Some(err),
            _ => None,
        }
    }
}
