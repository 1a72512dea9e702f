//! Reading an answer's body under the client's size cap, whatever the operation.

use bytes::{Bytes, BytesMut};

/// Why a body was not read whole.
pub(crate) enum BodyError {
    TooLarge,
    Transport(reqwest::Error),
}

/// The most memory reserved for a body before its bytes arrive, on the word of its
/// `Content-Length`: bodies up to this size (under a limit as large) are read into one
/// buffer of their size.
const MAX_RESERVED: usize = 16 << 20;

/// Reads the body, stopping as soon as it is known to be larger than `limit`: a huge answer
/// costs at most about twice `limit` bytes of memory. (The buffer is reserved at the size
/// the `Content-Length` announces, up to 16 MiB; a body without one, or longer, grows it by
/// doubling as its bytes arrive, so a buffer may reach twice what it holds.)
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
    // The announced length is the server's word, not bytes that arrived: trust it for at
    // most `MAX_RESERVED` bytes, and let a longer body grow the buffer as it comes (a
    // `Content-Length` of 10^18 under a cap of `usize::MAX` would otherwise abort the
    // process when the allocation fails).
    let announced = response
        .content_length()
        .map_or(0, |len| usize::try_from(len).unwrap_or(usize::MAX));
    let capacity = announced
        .min(limit)
        .min(MAX_RESERVED)
        .max(first.len() + second.len());
    let mut body = BytesMut::with_capacity(capacity);
    let mut next = Some(second);
    body.extend_from_slice(&first);
    while let Some(chunk) = next {
        // `body` never holds more than `limit`, so the room left cannot underflow.
        if chunk.len() > limit - body.len() {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
        next = response.chunk().await.map_err(BodyError::Transport)?;
    }
    Ok(body.freeze())
}
