//! Decoding answers, whatever the operation: a success into the operation's type, a
//! failure into Bland's error envelope or an unexpected response. (Their bodies are read
//! under the size cap by `read_body.rs`.)

use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use std::fmt;

use crate::ErrorEnvelope;
use crate::error::{
    ApiError, BODY_PREFIX_LIMIT, Error, NotRetried, write_attempts, write_not_retried,
};
use crate::escape::{Escaped, Quoted};
use crate::hints::status_hint;
use crate::json_error::redacted_json_error;
use crate::{redact::redact_json_text, server_text::redact_entries};

/// The success answer of an operation, and what a call of it returns.
///
/// Bland wraps most answers in an envelope, `{"data": ..., "errors": null}`; a call returns
/// its `data`. An answer documented without that envelope is returned whole. The generated
/// code implements this for the success type of every operation.
pub trait Envelope: DeserializeOwned + sealed::Sealed {
    /// What a call returns.
    type Data;

    /// The answer without its envelope.
    fn into_data(self) -> Self::Data;

    /// The envelope's `errors`, taken out: Bland says they are null on success, so a
    /// success that carries some is reported as an [`Error::Api`].
    fn take_errors(&mut self) -> Vec<crate::ApiErrorEntry> {
        Vec::new()
    }
}

pub(crate) mod sealed {
    /// Only the success types of this crate's operations are envelopes.
    pub trait Sealed {}
}

/// Decodes an answer that arrived some other way (a recorded response, another HTTP stack)
/// by the rules every call applies: a 2xx body decodes into the operation's success type
/// `E` and its data is returned, Bland's error envelope becomes [`Error::Api`], anything
/// else [`Error::UnexpectedResponse`] or [`Error::Decode`]. It never panics, whatever the
/// bytes.
///
/// ```
/// use sip_client::reqwest::StatusCode;
/// use sip_client::SipConfigEnvelope;
///
/// let body = br#"{"data": null, "errors": [{"error": "SIP_NOT_ENABLED"}]}"#;
/// let err = sip_client::decode_response::<SipConfigEnvelope>(
///     StatusCode::BAD_REQUEST,
///     body.to_vec().into(),
/// )
/// .unwrap_err();
/// assert!(err.has_code(sip_client::SIP_NOT_ENABLED));
/// ```
pub fn decode_response<E: Envelope>(status: StatusCode, body: Bytes) -> Result<E::Data, Error> {
    if status.is_success() {
        decode_success::<E>(status, body, 1)
    } else {
        Err(decode_failure(status, body, None, None, 1, None, None))
    }
}

/// Decodes a success body. The fast path is plain serde_json; only a failure pays for a
/// second pass that finds the JSON path of the problem. An envelope that carries errors is
/// Bland saying the call failed, whatever the status. An empty body (a 204, or a 200 where
/// Bland documents none, as for detach) is read as the empty object: an envelope whose
/// fields are all optional decodes, one that needs `data` says `data` is missing.
pub(crate) fn decode_success<E: Envelope>(
    status: StatusCode,
    body: Bytes,
    attempts: u32,
) -> Result<E::Data, Error> {
    let json: &[u8] = if body.is_empty() { b"{}" } else { &body };
    match serde_json::from_slice::<E>(json) {
        Ok(mut envelope) => {
            let errors = envelope.take_errors();
            if errors.is_empty() {
                Ok(envelope.into_data())
            } else {
                Err(Error::Api(ApiError {
                    status,
                    headers: Default::default(),
                    errors: redact_entries(errors),
                    retry_after: None,
                    attempts,
                    not_retried: None,
                }))
            }
        }
        // Bland's error envelope under a success status, `data` null: the call failed, as
        // when an envelope that decodes carries errors.
        Err(_)
            if let Ok(envelope) = serde_json::from_slice::<ErrorEnvelope>(json)
                && !envelope.errors.is_empty() =>
        {
            Err(Error::Api(ApiError {
                status,
                headers: Default::default(),
                errors: redact_entries(envelope.errors),
                retry_after: None,
                attempts,
                not_retried: None,
            }))
        }
        Err(first_error) => {
            let mut deserializer = serde_json::Deserializer::from_slice(json);
            let (path, mut message) =
                match serde_path_to_error::deserialize::<_, E>(&mut deserializer) {
                    Err(err) => (err.path().to_string(), redacted_json_error(err.inner())),
                    // Both passes decode the same bytes the same way, so this arm is not
                    // expected; if it ever runs, the first error is still the truth.
                    Ok(_) => (".".to_owned(), redacted_json_error(&first_error)),
                };
            // An empty body is read as `{}`: said, or the error's line and column would be
            // those of a text the server never sent.
            if body.is_empty() {
                message = format!(
                    "the body is empty ({})",
                    message.split(" at line ").next().unwrap_or_default()
                );
            }
            Err(Error::Decode(DecodeError {
                status,
                path,
                message,
                body,
            }))
        }
    }
}

/// Turns a non-success answer into Bland's error envelope, or keeps it as unexpected. A
/// redirect not followed stays unexpected whatever its body, so that it says why.
pub(crate) fn decode_failure(
    status: StatusCode,
    body: Bytes,
    content_type: Option<String>,
    retry_after: Option<Duration>,
    attempts: u32,
    not_retried: Option<NotRetried>,
    redirect: Option<Box<RedirectNotFollowed>>,
) -> Error {
    match serde_json::from_slice::<ErrorEnvelope>(&body) {
        Ok(envelope) if redirect.is_none() && !envelope.errors.is_empty() => Error::Api(ApiError {
            status,
            headers: Default::default(),
            errors: redact_entries(envelope.errors),
            retry_after,
            attempts,
            not_retried,
        }),
        _ => Error::UnexpectedResponse(UnexpectedResponse {
            status,
            content_type,
            body_prefix: body.slice(..body.len().min(BODY_PREFIX_LIMIT)),
            body_len: body.len(),
            retry_after_secs: retry_after
                .map(|wait| u32::try_from(wait.as_secs()).unwrap_or(u32::MAX)),
            attempts,
            not_retried,
            redirect,
        }),
    }
}

/// Why the client answered with a redirect instead of following it. It follows a redirect
/// only within the origin it called (scheme, host and port), with a `Location`, and only a
/// few in a row.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectNotFollowed {
    /// The redirect leads to another origin, given here (as sent by the server: escape it
    /// before printing it).
    OtherOrigin(String),
    /// The redirect has no `Location`, or one that is not a URL.
    NoLocation,
    /// The redirect stays in the origin, but came after as many redirects in a row as the
    /// client follows.
    TooMany,
    /// A 301, 302 or 303: clients follow these with a GET without the body, which would drop
    /// a write (or take another request's answer for it). The client follows only 307 and
    /// 308, which repeat the request as it was sent.
    ChangesTheRequest,
}

impl fmt::Display for RedirectNotFollowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedirectNotFollowed::OtherOrigin(origin) => write!(
                f,
                "a redirect to another origin, {}, which the client does not follow",
                Escaped(origin)
            ),
            RedirectNotFollowed::NoLocation => {
                f.write_str("a redirect without a usable Location, which cannot be followed")
            }
            RedirectNotFollowed::TooMany => write!(
                f,
                "one redirect too many: the client follows at most {} in a row",
                crate::builder::MAX_REDIRECTS
            ),
            RedirectNotFollowed::ChangesTheRequest => f.write_str(
                "a redirect that may be followed with a GET without the body, which the \
                 client does not follow (only 307 and 308, which repeat the request)",
            ),
        }
    }
}

/// An answer outside the API's contract: kept as status, content type and the first bytes.
///
/// Its `Display` and `Debug` show the first bytes as text with the values of keys that look
/// secret written as `"<redacted>"` (the rule of [`to_redacted_json`](crate::to_redacted_json)):
/// a server that echoes a request's password in an error page does not put it in logs.
/// The field [`body_prefix`](Self::body_prefix) keeps the bytes as they came.
#[derive(Clone)]
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
    /// The `Retry-After` the server sent, in whole seconds (see [`retry_after`]
    /// (Self::retry_after)); seconds in a `u32` keep `Error` under 128 bytes, the size
    /// past which clippy asks callers' functions returning it to box it.
    retry_after_secs: Option<u32>,
    /// How many attempts were made in all.
    pub attempts: u32,
    /// Why a retryable answer was not retried (further), when retries stopped early.
    pub not_retried: Option<NotRetried>,
    /// For a redirect (301, 302, 303, 307 or 308) through the front door, why the client
    /// did not follow it (boxed: a rare case should not grow every `Error`).
    pub redirect: Option<Box<RedirectNotFollowed>>,
}

/// A success body that does not decode.
///
/// Its `Debug` shows the body's length, not the body: a success answer may carry a secret
/// (`register_password_for_pbx`), and errors end up in logs.
#[derive(Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// HTTP status.
    pub status: StatusCode,
    /// Where decoding failed, as a path such as `data.inbound.created_at` (`.` for the root).
    pub path: String,
    /// What serde_json said, without the values it quotes from the body (see
    /// [`redacted_json_error`](crate::redacted_json_error)): the body may carry a secret
    /// where a value was expected.
    pub message: String,
    /// The whole body.
    pub body: Bytes,
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("path", &self.path)
            .field("message", &self.message)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

impl UnexpectedResponse {
    /// The `Retry-After` the server sent, if any (seconds or an HTTP date, as a duration
    /// of whole seconds, at most `u32::MAX`): a 429 or 503 from a proxy or load balancer
    /// rarely carries Bland's envelope, and a caller whose retries are spent may still
    /// honour it.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after_secs
            .map(|secs| Duration::from_secs(secs.into()))
    }

    /// The first bytes as text, secrets redacted.
    fn shown_prefix(&self) -> String {
        redact_json_text(&String::from_utf8_lossy(&self.body_prefix)).into_owned()
    }
}

impl fmt::Debug for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnexpectedResponse")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body_prefix", &Quoted(&self.shown_prefix()))
            .field("body_len", &self.body_len)
            .field("retry_after", &self.retry_after())
            .field("attempts", &self.attempts)
            .field("not_retried", &self.not_retried)
            .field("redirect", &self.redirect)
            .finish()
    }
}

impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected response, HTTP {}", self.status)?;
        write_attempts(f, self.attempts)?;
        if let Some(hint) = status_hint(self.status) {
            write!(f, " ({hint})")?;
        }
        if let Some(redirect) = &self.redirect {
            write!(f, " ({redirect})")?;
        }
        match &self.content_type {
            Some(content_type) => {
                write!(f, ": {} bytes of {}", self.body_len, Escaped(content_type))?
            }
            None => write!(f, ": {} bytes of no content type", self.body_len)?,
        }
        if !self.body_prefix.is_empty() {
            let text = self.shown_prefix();
            let ellipsis = if self.body_len > self.body_prefix.len() {
                "..."
            } else {
                ""
            };
            write!(f, ", starting {:?}{ellipsis}", Quoted(&text))?;
        }
        write_not_retried(f, self.not_retried)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HTTP {}: the response body does not match the API's schema at `{}`: {}",
            self.status,
            Escaped(&self.path),
            Escaped(&self.message)
        )
    }
}

impl std::error::Error for UnexpectedResponse {}
impl std::error::Error for DecodeError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SipConfigEnvelope;

    /// A success without a body (a 204) where the operation documents one says that the body
    /// is empty, not the line and column of the `{}` it is read as.
    #[test]
    fn an_empty_success_body_is_said_to_be_empty() {
        let err =
            decode_response::<SipConfigEnvelope>(StatusCode::NO_CONTENT, Bytes::new()).unwrap_err();
        match &err {
            Error::Decode(decode) => {
                assert_eq!(decode.message, "the body is empty (missing field `data`)");
            }
            other => panic!("{other:?}"),
        }
        assert!(!err.to_string().contains("line 1"), "{err}");
        // A body that is there keeps its position.
        let err = decode_response::<SipConfigEnvelope>(StatusCode::OK, Bytes::from_static(b"{}"))
            .unwrap_err();
        assert!(
            matches!(&err, Error::Decode(decode) if decode.message.contains("at line 1 column 2")),
            "{err:?}"
        );
    }

    /// A success status with Bland's error envelope is the error it carries, whether its
    /// `data` would decode (an empty config) or not (`null`, which the type does not allow).
    #[test]
    fn errors_under_a_success_status_are_an_api_error() {
        for data in [r#"{}"#, "null"] {
            let body = format!(
                r#"{{"data": {data}, "errors": [{{"error": "SIP_NOT_ENABLED", "message": "m"}}]}}"#
            );
            let err =
                decode_response::<SipConfigEnvelope>(StatusCode::OK, body.into_bytes().into())
                    .unwrap_err();
            assert!(err.has_code(crate::SIP_NOT_ENABLED), "{data}: {err:?}");
            assert_eq!(err.status(), Some(StatusCode::OK), "{data}");
        }
        // `null` data without errors is still a body that does not match the schema.
        let err = decode_response::<SipConfigEnvelope>(
            StatusCode::OK,
            br#"{"data": null, "errors": null}"#.to_vec().into(),
        )
        .unwrap_err();
        assert!(
            matches!(err, Error::Decode(ref e) if e.path == "data"),
            "{err:?}"
        );
    }

    #[test]
    fn an_unexpected_answer_shows_its_start_and_says_when_there_is_more() {
        let display = |body: Vec<u8>| {
            decode_response::<SipConfigEnvelope>(StatusCode::BAD_GATEWAY, body.into())
                .unwrap_err()
                .to_string()
        };
        let short = display(b"upstream down".to_vec());
        assert!(short.ends_with(", starting \"upstream down\""), "{short}");
        let exact = display(vec![b'x'; BODY_PREFIX_LIMIT]);
        assert!(exact.ends_with("xx\""), "{exact}");
        let long = display(vec![b'x'; BODY_PREFIX_LIMIT + 1]);
        assert!(
            long.contains(&format!(
                "{} bytes of no content type",
                BODY_PREFIX_LIMIT + 1
            )),
            "{long}"
        );
        assert!(long.ends_with("xx\"..."), "{long}");
        let shown = long.split_once(", starting ").unwrap().1;
        assert_eq!(shown.matches('x').count(), BODY_PREFIX_LIMIT);
    }

    #[test]
    fn a_decode_error_shows_where_and_why_but_not_the_body() {
        let body = br#"{"data": {"inbound": 5, "secret": "hunter22"}}"#;
        let err =
            decode_response::<SipConfigEnvelope>(StatusCode::OK, body.to_vec().into()).unwrap_err();
        let Error::Decode(decode) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(decode.path, "data.inbound");
        assert_eq!(
            format!("{decode:?}"),
            format!(
                "DecodeError {{ status: 200, path: \"data.inbound\", message: {:?}, body: <{} bytes> }}",
                decode.message,
                body.len()
            )
        );
        assert!(!format!("{err:?}").contains("hunter22"));
    }
}
