//! A call's answer with what came with it: its status, its headers and the attempts the
//! call took.

use std::fmt;

use reqwest::StatusCode;
use reqwest::header::{
    CACHE_CONTROL, CONNECTION, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, DATE, ETAG,
    HeaderMap, HeaderName, RETRY_AFTER, SERVER, STRICT_TRANSPORT_SECURITY, TRANSFER_ENCODING, VARY,
};

/// The decoded answer of a call, with the HTTP status and headers it came with: what
/// `.send_with_response()` of every prepared call returns (`.await` and `.send()` give the
/// data alone). For the headers a server adds (a request ID to quote to support, rate-limit
/// figures) or the exact success status.
///
/// ```no_run
/// # async fn run(client: sip_client::Client) -> Result<(), sip_client::Error> {
/// let number: sip_client::PhoneNumber = "+14150000000".parse()?;
/// let response = client
///     .get_sip_config(&number)
///     .send_with_response()
///     .await?;
/// println!("HTTP {} after {} attempt(s)", response.status(), response.attempts());
/// if let Some(id) = response.headers().get("x-request-id") {
///     println!("request {id:?}");
/// }
/// let config = response.into_data();
/// # drop(config); Ok(()) }
/// ```
///
/// Its `Debug` shows each header's value as `Sensitive` where it may be a credential: the
/// value of a cookie header or of one whose name looks secret (`x-session-token`,
/// `x-auth`), and any value that holds the client's API key (a server echoing it, as sent,
/// JSON-escaped or percent-encoded).
#[derive(Clone, PartialEq)]
pub struct Response<T> {
    data: T,
    status: StatusCode,
    headers: HeaderMap,
    attempts: u32,
}

/// Headers most answers carry, none of them a credential by its name: judged without the
/// cost of the rule of secret-looking names (every answer's headers are judged).
const STANDARD: [HeaderName; 12] = [
    CONTENT_TYPE,
    CONTENT_LENGTH,
    DATE,
    SERVER,
    CONNECTION,
    TRANSFER_ENCODING,
    VARY,
    CACHE_CONTROL,
    ETAG,
    CONTENT_ENCODING,
    RETRY_AFTER,
    STRICT_TRANSPORT_SECURITY,
];

/// Marks sensitive (hidden by `Debug`, never logged) each header value that may be a
/// credential: of a header whose name looks secret, or holding the API key (`holds_key`).
pub(crate) fn mark_credentials(headers: &mut HeaderMap, holds_key: impl Fn(&[u8]) -> bool) {
    for (name, value) in headers.iter_mut() {
        // (`cookie` and `set-cookie` look secret by the rule's nouns.)
        if (!STANDARD.contains(name) && header_looks_secret(name.as_str()))
            || holds_key(value.as_bytes())
        {
            value.set_sensitive(true);
        }
    }
}

/// Whether a header's name looks like a credential's: by the rule of secret-looking keys
/// (`x-api-key`, `x-session-token`), or by a last word that names one in a header but not in
/// JSON, where a `key` is a mapping's and a `session` an object (`x-key`, `x-bland-key`,
/// `x-session`, `x-sid`).
fn header_looks_secret(name: &str) -> bool {
    crate::secret_keys::looks_secret(name)
        || name
            .rsplit(['-', '_'])
            .next()
            .is_some_and(|last| ["key", "session", "sid"].contains(&last))
}

impl<T> Response<T> {
    /// An answer as a call of one attempt returns it, for tests of code that takes one; the
    /// headers whose names look secret are marked sensitive.
    pub fn new(data: T, status: StatusCode, mut headers: HeaderMap) -> Response<T> {
        mark_credentials(&mut headers, |_| false);
        Response::of_call(data, status, headers, 1)
    }

    /// The answer of a call, its headers marked already ([`mark_credentials`]).
    pub(crate) fn of_call(
        data: T,
        status: StatusCode,
        headers: HeaderMap,
        attempts: u32,
    ) -> Response<T> {
        Response {
            data,
            status,
            headers,
            attempts,
        }
    }

    /// The same answer with its data changed by `f` (a part of it, say).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            data: f(self.data),
            status: self.status,
            headers: self.headers,
            attempts: self.attempts,
        }
    }

    /// The data, the status and the headers, taken apart.
    pub fn into_parts(self) -> (T, StatusCode, HeaderMap) {
        (self.data, self.status, self.headers)
    }

    /// The decoded answer (the `data` of Bland's envelope).
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The decoded answer, taken out.
    pub fn into_data(self) -> T {
        self.data
    }

    /// The HTTP status of the answer (a success).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the answer, as the server sent them (those that may be credentials
    /// marked sensitive: see the type's documentation).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// How many attempts the call took: 1, or more after retries.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `HeaderMap` shows a sensitive value as `Sensitive`, any other escaped.
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .field("headers", &self.headers)
            .field("data", &self.data)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn credentials_among_the_headers_are_hidden_from_debug() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("x-request-id", &b"req-1"[..]),
            ("set-cookie", b"session=abc123"),
            ("x-session-token", b"tok-9"),
            ("x-bland-key", b"bk-1"),
            ("x_session", b"sess-2"),
            ("x-sid", b"sid-3"),
            ("x-key-id", b"key-4"),
            ("x-keys", b"keys-5"),
            ("x-echo", b"you sent sk-the-key-0123"),
            // A C1 control (CSI), which HTTP lets through as `obs-text`.
            ("x-control", b"a\x9b31mred"),
        ] {
            headers.append(name, HeaderValue::from_bytes(value).unwrap());
        }
        mark_credentials(&mut headers, |value: &[u8]| {
            memchr::memmem::find(value, b"sk-the-key-0123").is_some()
        });
        let response = Response::of_call("data", StatusCode::CREATED, headers, 2);
        let debug = format!("{response:?}");
        for hidden in ["abc123", "tok-9", "sk-the-key", "bk-1", "sess-2", "sid-3"] {
            assert!(!debug.contains(hidden), "{hidden} in {debug}");
        }
        assert_eq!(debug.matches("Sensitive").count(), 6, "{debug}");
        // An id of a key, and a word that merely ends like one, are no credentials.
        for shown in [r#""x-key-id": "key-4""#, r#""x-keys": "keys-5""#] {
            assert!(debug.contains(shown), "{shown} in {debug}");
        }
        assert!(debug.contains("\"x-request-id\": \"req-1\""), "{debug}");
        // A value a server wrote reaches a terminal escaped.
        assert!(debug.contains(r#""x-control": "a\x9b31mred""#), "{debug}");
        assert!(
            debug.starts_with("Response { status: 201, attempts: 2, "),
            "{debug}"
        );
        assert!(debug.ends_with("data: \"data\" }"), "{debug}");
        // The values themselves stay readable.
        assert_eq!(response.headers()["x-session-token"], "tok-9");
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.attempts(), 2);
        assert_eq!(*response.data(), "data");
        let mapped = response.clone().map(str::len);
        assert_eq!((mapped.data(), mapped.attempts()), (&4, 2));
        assert_eq!(mapped.headers(), response.headers());
        let (data, status, headers) = response.clone().into_parts();
        assert_eq!(
            (data, status, headers.len()),
            ("data", StatusCode::CREATED, 10)
        );
        assert_eq!(response.into_data(), "data");
    }

    /// One built by hand (for a test of code that takes one) is a call of one attempt, its
    /// credentials marked as a call's are.
    #[test]
    fn a_response_built_by_hand() {
        let mut headers = HeaderMap::new();
        headers.insert("x-auth", HeaderValue::from_static("u:p"));
        headers.insert(
            "x-ratelimit-remaining-tokens",
            HeaderValue::from_static("99"),
        );
        let response = Response::new(7, StatusCode::OK, headers);
        assert_eq!(response.attempts(), 1);
        assert!(response.headers()["x-auth"].is_sensitive());
        assert!(!response.headers()["x-ratelimit-remaining-tokens"].is_sensitive());
        assert_eq!(response, response.clone());
    }
}
