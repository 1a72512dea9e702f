//! Reading and decoding answers, whatever the operation: the body under a size cap, a
//! success into the operation's type, a failure into Bland's error envelope or an
//! unexpected response.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::ErrorEnvelope;
use crate::error::{
    ApiError, BODY_PREFIX_LIMIT, DecodeError, Error, NotRetried, UnexpectedResponse,
};

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
}

pub(crate) mod sealed {
    /// Only the success types of this crate's operations are envelopes.
    pub trait Sealed {}
}

pub(crate) enum BodyError {
    TooLarge,
    Transport(reqwest::Error),
}

/// Reads the body, stopping as soon as it is known to be larger than `limit`: a huge answer
/// costs at most `limit` bytes of memory.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, BodyError> {
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
        decode_success::<E>(status, body)
    } else {
        Err(decode_failure(status, body, None, None, 1, None))
    }
}

/// Decodes a success body. The fast path is plain serde_json; only a failure pays for a
/// second pass that finds the JSON path of the problem.
pub(crate) fn decode_success<E: Envelope>(
    status: StatusCode,
    body: Bytes,
) -> Result<E::Data, Error> {
    match serde_json::from_slice::<E>(&body) {
        Ok(envelope) => Ok(envelope.into_data()),
        Err(first_error) => {
            let mut deserializer = serde_json::Deserializer::from_slice(&body);
            let (path, message) = match serde_path_to_error::deserialize::<_, E>(&mut deserializer)
            {
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
pub(crate) fn decode_failure(
    status: StatusCode,
    body: Bytes,
    content_type: Option<String>,
    retry_after: Option<Duration>,
    attempts: u32,
    not_retried: Option<NotRetried>,
) -> Error {
    match serde_json::from_slice::<ErrorEnvelope>(&body) {
        Ok(envelope) if !envelope.errors.is_empty() => Error::Api(ApiError {
            status,
            errors: envelope.errors,
            retry_after,
            attempts,
            not_retried,
        }),
        _ => Error::UnexpectedResponse(UnexpectedResponse {
            status,
            content_type,
            body_prefix: body.slice(..body.len().min(BODY_PREFIX_LIMIT)),
            body_len: body.len(),
            attempts,
            not_retried,
        }),
    }
}
