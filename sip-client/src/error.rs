//! The one error type of every call, and the error of building a client.
//!
//! Text that came from the network (Bland's error codes and messages, a content type, the
//! keys in a decode path) is escaped when displayed: control characters, ANSI escapes and
//! bidirectional overrides appear as `\u{..}`, so that an answer cannot forge lines or drive
//! the terminal of whoever reads the error.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

use crate::ApiErrorEntry;
use crate::decode::{DecodeError, UnexpectedResponse};
use crate::hints::{code_hint, status_hint};
use crate::input::InvalidInput;

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
    InvalidInput(InvalidInput),
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
    #[non_exhaustive]
    BodyTooLarge {
        /// Status of the answer.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
        /// The answer's `Retry-After`, if it had one (a proxy's 503 whose error page is too
        /// large to read may still say when to come back).
        retry_after: Option<Duration>,
    },
    /// Paging stopped (the `pages()` or `items()` of a paginated operation): a page ended
    /// with a cursor a page was already asked with (its own, or an earlier one's), so the
    /// pages would repeat forever. The pages before it were yielded.
    #[non_exhaustive]
    CursorRepeated {
        /// The query parameter that carries the cursor.
        parameter: &'static str,
        /// The cursor, as the server wrote it (the API key masked, when a server wrote it).
        cursor: String,
    },
    /// Paging stopped (`pages()` or `items()`): a page ended with a cursor this client
    /// cannot send (too long for a URL, say). The server's cursor, not the caller's input, so
    /// no [`Error::InvalidInput`]; nothing was sent with it, the pages before it yielded.
    #[non_exhaustive]
    CursorRefused {
        /// The query parameter that carries the cursor.
        parameter: &'static str,
        /// What is wrong with the cursor (never the cursor itself).
        problem: crate::InputProblem,
    },
}

// Under 128 bytes, or clippy's `result_large_err` asks every caller's function returning
// `Result<_, Error>` to box it; checked when the crate compiles.
const _: () = assert!(std::mem::size_of::<Error>() < 128);

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The call ran out of time (the client's `timeout`, or `connect_timeout`).
    Timeout,
    /// No connection could be made (refused, unreachable, DNS, TLS handshake): nothing was
    /// sent.
    Connect,
    /// The connection closed or reset before an answer came.
    Request,
    /// The connection broke while the answer's body was read (closed early, truncated).
    Body,
    /// The server's answer is not valid HTTP (a garbage status line, over-long headers).
    Protocol,
    /// Anything else reqwest reports.
    Other,
}

impl TransportErrorKind {
    /// Sorts a reqwest error. Timeouts first: a connect timeout is a timeout. An answer
    /// that does not parse as HTTP is a protocol error, whatever reqwest calls it.
    pub(crate) fn of(err: &reqwest::Error) -> TransportErrorKind {
        if err.is_timeout() {
            TransportErrorKind::Timeout
        } else if err.is_connect() {
            TransportErrorKind::Connect
        } else if is_protocol_error(err) {
            TransportErrorKind::Protocol
        } else if err.is_body() || err.is_decode() {
            TransportErrorKind::Body
        } else if err.is_request() {
            TransportErrorKind::Request
        } else {
            TransportErrorKind::Other
        }
    }
}

/// Whether hyper, somewhere below reqwest, could not parse the answer.
fn is_protocol_error(err: &reqwest::Error) -> bool {
    let mut cause = std::error::Error::source(err);
    while let Some(err) = cause {
        if let Some(hyper) = err.downcast_ref::<hyper::Error>() {
            // `is_parse` covers every parse error: the status line, the headers, their size.
            return hyper.is_parse();
        }
        cause = err.source();
    }
    false
}

/// Why a failure that might have passed on another attempt was not retried (further).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotRetried {
    /// The wait before the next attempt would end past the call's timeout.
    WaitPastDeadline {
        /// The wait: the server's `Retry-After` capped by `max_retry_after`, or the backoff.
        wait: Duration,
        /// What was left of the call's timeout.
        left: Duration,
    },
    /// The request may have reached the server and the operation is not idempotent:
    /// repeating it could apply it twice.
    MayHaveBeenApplied,
}

/// A transport failure, after every retry allowed.
///
/// Its `Display` says what failed at this layer; reqwest's error, and what it says of the
/// cause, are its [`source`](std::error::Error::source).
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// How many attempts were made in all.
    pub attempts: u32,
    /// Why a transient failure was not retried, when retries stopped early.
    pub not_retried: Option<NotRetried>,
    /// reqwest's error.
    pub source: reqwest::Error,
    /// Whether any attempt may have reached the server (see
    /// [`request_may_have_been_sent`](Self::request_may_have_been_sent)).
    pub(crate) reached: bool,
}

impl TransportError {
    /// Whether the request may have reached the server, in any of the call's attempts:
    /// false only when every attempt failed to connect to the request's URL. (An earlier
    /// attempt that got an answer, or timed out, counts, whatever the last one did.)
    pub fn request_may_have_been_sent(&self) -> bool {
        self.reached
    }
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
    /// Why a retryable answer was not retried (further), when retries stopped early.
    pub not_retried: Option<NotRetried>,
    /// The headers of the answer (see [`ApiError::headers`]); boxed, so that `Error` stays
    /// small.
    pub(crate) headers: Box<reqwest::header::HeaderMap>,
}

impl ApiError {
    /// The headers of the answer, as the server sent them: a request ID to quote to Bland's
    /// support, a rate limit's figures. Those that may be credentials (a cookie, a name
    /// that looks secret, a value holding the API key) are marked sensitive, so that
    /// `Debug` shows them as `Sensitive`. Empty for an error decoded by
    /// [`decode_response`](crate::decode_response), which is given no headers.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }
}

impl Error {
    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::InvalidInput(_) => None,
            Error::Transport(err) => err.source.status(),
            Error::Api(err) => Some(err.status),
            Error::UnexpectedResponse(err) => Some(err.status),
            Error::Decode(err) => Some(err.status),
            Error::BodyTooLarge { status, .. } => Some(*status),
            Error::CursorRepeated { .. } | Error::CursorRefused { .. } => None,
        }
    }

    /// The `Retry-After` of the answer (Bland's error envelope or not), when it had one:
    /// how long the server asked callers to wait, before any cap of the client's.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(err) => err.retry_after,
            Error::UnexpectedResponse(err) => err.retry_after(),
            Error::BodyTooLarge { retry_after, .. } => *retry_after,
            _ => None,
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

pub(crate) fn write_attempts(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    if attempts > 1 {
        write!(f, " (after {attempts} attempts)")?;
    }
    Ok(())
}

pub(crate) fn write_not_retried(
    f: &mut fmt::Formatter<'_>,
    not_retried: Option<NotRetried>,
) -> fmt::Result {
    match not_retried {
        None => Ok(()),
        // Less than a tenth of a second left is said as what it is, not as "0s left".
        Some(NotRetried::WaitPastDeadline { left, .. }) if left < Duration::from_millis(50) => {
            f.write_str("; not retried: the call's timeout is used up")
        }
        Some(NotRetried::WaitPastDeadline { wait, left }) => write!(
            f,
            "; not retried: the wait before another attempt ({}) would use up the {} \
             left of the call's timeout",
            Seconds(wait),
            Seconds(left)
        ),
        Some(NotRetried::MayHaveBeenApplied) => f.write_str(
            "; not retried: the request may have reached the server, and repeating this \
             operation could apply it twice",
        ),
    }
}

/// A duration as seconds with one decimal, for messages.
struct Seconds(Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Rounded to the tenth of a second, said only for a short wait (under 100 s);
        // integer arithmetic, so that no figure is an artefact of floating point.
        let nanos = self.0.as_nanos();
        let tenths = (nanos + 50_000_000) / 100_000_000;
        if tenths >= 1000 {
            write!(f, "{}s", (nanos + 500_000_000) / 1_000_000_000)
        } else if tenths.is_multiple_of(10) {
            write!(f, "{}s", tenths / 10)
        } else {
            write!(f, "{}.{}s", tenths / 10, tenths % 10)
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidInput(err) => write!(f, "{err}; no request was sent"),
            Error::Transport(err) => fmt::Display::fmt(err, f),
            Error::Api(err) => fmt::Display::fmt(err, f),
            Error::UnexpectedResponse(err) => fmt::Display::fmt(err, f),
            Error::Decode(err) => fmt::Display::fmt(err, f),
            Error::BodyTooLarge { status, limit, .. } => write!(
                f,
                "HTTP {status}: the response body is larger than the client's limit of \
                 {limit} bytes; reading stopped there"
            ),
            Error::CursorRepeated { parameter, cursor } => {
                crate::paginate::write_cursor_repeated(f, parameter, cursor)
            }
            Error::CursorRefused { parameter, problem } => {
                crate::paginate::write_cursor_refused(f, parameter, problem)
            }
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
            TransportErrorKind::Protocol => "the server's answer is not valid HTTP",
            TransportErrorKind::Other => "request failed",
        };
        f.write_str(what)?;
        write_attempts(f, self.attempts)?;
        write_not_retried(f, self.not_retried)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bland API error, HTTP {}", self.status)?;
        write_attempts(f, self.attempts)?;
        f.write_str(":")?;
        crate::server_text::write_entries(f, &self.errors)?;
        let code_hint = self.errors.iter().find_map(|entry| code_hint(&entry.error));
        if let Some(hint) = code_hint.or_else(|| status_hint(self.status)) {
            write!(f, "; {hint}")?;
        }
        match (self.not_retried, self.retry_after) {
            (Some(not_retried), _) => write_not_retried(f, Some(not_retried)),
            (None, Some(wait)) => write!(f, "; the server asked to retry after {}", Seconds(wait)),
            (None, None) => Ok(()),
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}
impl std::error::Error for ApiError {}

impl From<InvalidInput> for Error {
    fn from(err: InvalidInput) -> Self {
        Error::InvalidInput(err)
    }
}

/// A phone number parsed before a call (`"+1...".parse::<PhoneNumber>()?` in a function
/// returning this error) is invalid input of a `phone_number`.
impl From<crate::PhoneNumberError> for Error {
    fn from(err: crate::PhoneNumberError) -> Self {
        Error::InvalidInput(InvalidInput::new(
            "phone_number",
            crate::InputProblem::PhoneNumber(err),
        ))
    }
}

/// Each layer's `Display` says what failed there, and `source()` gives what it does not
/// say, so that a report of the whole chain (anyhow's `{:#}`) says each thing once. A
/// variant's `Display` is its payload's, so the chain continues below the payload.
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(err) => Some(&err.source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_escape_codes_and_messages() {
        let err = ApiError {
            status: StatusCode::BAD_REQUEST,
            headers: Default::default(),
            errors: vec![
                ApiErrorEntry::builder()
                    .error("X\n")
                    .message(Some("a\u{1b}]0;title\u{7}".to_owned()))
                    .try_into()
                    .unwrap(),
            ],
            retry_after: None,
            attempts: 1,
            not_retried: None,
        };
        let text = err.to_string();
        assert_eq!(
            text,
            "Bland API error, HTTP 400 Bad Request: X\\u{a} (a\\u{1b}]0;title\\u{7})"
        );
    }

    fn api_error(status: StatusCode, codes: &[&str]) -> Error {
        Error::Api(ApiError {
            status,
            headers: Default::default(),
            errors: codes
                .iter()
                .map(|code| ApiErrorEntry::builder().error(*code).try_into().unwrap())
                .collect(),
            retry_after: None,
            attempts: 1,
            not_retried: None,
        })
    }

    #[test]
    fn codes_are_found_among_every_entry_and_only_there() {
        let err = api_error(
            StatusCode::BAD_REQUEST,
            &["INVALID_NUMBER", SIP_NOT_ENABLED],
        );
        assert!(err.has_code(SIP_NOT_ENABLED));
        assert!(err.has_code("INVALID_NUMBER"));
        assert!(
            !err.has_code("sip_not_enabled"),
            "codes are compared exactly"
        );
        assert_eq!(err.api_errors().len(), 2);
        let other = api_error(StatusCode::BAD_REQUEST, &["INVALID_NUMBER"]);
        assert!(!other.has_code(SIP_NOT_ENABLED));
        let not_api = Error::BodyTooLarge {
            status: StatusCode::OK,
            limit: 1,
            retry_after: None,
        };
        assert!(!not_api.has_code(SIP_NOT_ENABLED));
        assert!(not_api.api_errors().is_empty());
        // Entries are joined by `;`, and the hint of the documented code wins over the
        // status's.
        assert_eq!(
            err.to_string(),
            "Bland API error, HTTP 400 Bad Request: INVALID_NUMBER; SIP_NOT_ENABLED; SIP must be \
             enabled for the organization (ask Bland to enable it)"
        );
    }

    #[test]
    fn a_wait_past_the_deadline_is_said_with_the_capped_figure() {
        let err = ApiError {
            status: StatusCode::TOO_MANY_REQUESTS,
            headers: Default::default(),
            errors: vec![
                ApiErrorEntry::builder()
                    .error("RATE_LIMITED")
                    .try_into()
                    .unwrap(),
            ],
            retry_after: Some(Duration::from_secs(u64::MAX)),
            attempts: 1,
            not_retried: Some(NotRetried::WaitPastDeadline {
                wait: Duration::from_secs(60),
                left: Duration::from_millis(1940),
            }),
        };
        let text = err.to_string();
        assert!(
            text.ends_with(
                "; Bland asked to slow down; not retried: the wait before another attempt \
                 (60s) would use up the 1.9s left of the call's timeout"
            ),
            "{text}"
        );
        assert!(!text.contains("18446744073709551615"), "{text}");
        // With nothing left (less than is said as 0.1s), the timeout is the reason, not
        // the wait; from the least time said as more than "0s", the wait is again.
        for (wait, left, said) in [
            (0, 0, "; not retried: the call's timeout is used up"),
            (0, 49, "; not retried: the call's timeout is used up"),
            (1000, 50, "would use up the 0.1s left of the call's timeout"),
        ] {
            let err = Error::Api(ApiError {
                status: StatusCode::TOO_MANY_REQUESTS,
                headers: Default::default(),
                errors: Vec::new(),
                retry_after: None,
                attempts: 3,
                not_retried: Some(NotRetried::WaitPastDeadline {
                    wait: Duration::from_millis(wait),
                    left: Duration::from_millis(left),
                }),
            });
            let text = err.to_string();
            assert!(text.ends_with(said), "{left} ms left: {text}");
        }
    }

    /// Waits are rounded: to the tenth of a second under 100 s (and without a `.0`), to the
    /// second above, never written as an 18-digit figure with a fraction.
    #[test]
    fn seconds_are_said_as_precisely_as_they_matter() {
        let said = |duration: Duration| Seconds(duration).to_string();
        assert_eq!(said(Duration::ZERO), "0s");
        assert_eq!(said(Duration::from_millis(40)), "0s");
        assert_eq!(said(Duration::from_millis(50)), "0.1s");
        assert_eq!(said(Duration::from_secs(2)), "2s");
        assert_eq!(said(Duration::from_millis(1_940)), "1.9s");
        assert_eq!(said(Duration::from_millis(1_960)), "2s");
        assert_eq!(said(Duration::from_millis(99_940)), "99.9s");
        assert_eq!(said(Duration::from_millis(99_950)), "100s");
        assert_eq!(said(Duration::from_millis(100_499)), "100s");
        assert_eq!(said(Duration::from_millis(100_900)), "101s");
        // The longest wait there is, rounded to the second (2^64 s).
        assert_eq!(said(Duration::MAX), "18446744073709551616s");
    }

    /// A 408 is the server giving up on a slow request, not a request to slow down.
    #[test]
    fn each_retryable_status_gets_its_own_hint() {
        assert_eq!(
            status_hint(StatusCode::REQUEST_TIMEOUT),
            Some("Bland stopped waiting for the request")
        );
        assert_eq!(
            status_hint(StatusCode::TOO_MANY_REQUESTS),
            Some("Bland asked to slow down")
        );
    }
}
