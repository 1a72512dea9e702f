//! Headers a caller adds to one call (`.header(name, value)` on every generated request: a
//! request ID, a tracing header): checked before anything is sent, never one the client
//! sets itself, and never shown.

use reqwest::header::{HeaderName, HeaderValue};

use crate::call::CallOptions;
use crate::input::{InputProblem, InvalidInput};

/// The headers the client sets itself, those HTTP keeps for the connection and the framing
/// of the body, and those that change what the answer is (its encoding, a part of it, a
/// condition, another method): a caller's copy would replace the key, mislabel the body,
/// or bring an answer the operation does not decode.
const RESERVED: &[&str] = &[
    "accept",
    "accept-encoding",
    "authorization",
    "connection",
    "content-encoding",
    "content-length",
    "content-type",
    "expect",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "keep-alive",
    "proxy-authorization",
    "proxy-connection",
    "range",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-http-method",
    "x-http-method-override",
    "x-method-override",
];

/// `name: value`, the header at `index` of one call: a valid name the client does not set,
/// and a valid value, marked sensitive (never logged; `Debug` shows `Sensitive`). The
/// error names the header by its place (`headers[1]`), never by a name or value given:
/// either may be a token pasted in the wrong place. Only a reserved name, which is none,
/// is said.
pub(crate) fn call_header(
    index: usize,
    name: &str,
    value: &str,
) -> Result<(HeaderName, HeaderValue), InvalidInput> {
    let refused =
        |why: String| InvalidInput::new(format!("headers[{index}]"), InputProblem::Other(why));
    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        refused(
            "its name is not a header name (ASCII letters, digits and !#$%&'*+-.^_`|~ \
             only); the name is not shown"
                .to_owned(),
        )
    })?;
    if RESERVED.contains(&name.as_str()) {
        return Err(refused(format!(
            "is `{name}`, which the client (or HTTP) sets; it cannot be set per call"
        )));
    }
    // `HeaderValue` takes bytes above 127 (HTTP's obsolete `obs-text`), which servers read
    // each their own way, and white space at either end, which HTTP drops.
    if !value.is_ascii() || value.trim() != value {
        return Err(refused(
            "its value holds a character outside ASCII, or white space at an end; the value \
             is not shown"
                .to_owned(),
        ));
    }
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        refused("its value holds a control character; the value is not shown".to_owned())
    })?;
    value.set_sensitive(true);
    Ok((name, value))
}

impl CallOptions {
    /// Adds a header of this call; a refused one is reported when the call is sent.
    pub(crate) fn add_header(&mut self, name: &str, value: &str) {
        let header = call_header(self.headers.len(), name, value);
        self.headers.push(header);
    }

    /// The first header of this call refused, if any.
    pub(crate) fn refused_header(&self) -> Option<&InvalidInput> {
        self.headers.iter().find_map(|header| header.as_ref().err())
    }

    /// The headers of this call to send (all of them, once none is refused).
    pub(crate) fn extra_headers(&self) -> impl Iterator<Item = &(HeaderName, HeaderValue)> {
        self.headers.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_header_is_checked_and_its_value_kept_hidden() {
        let (name, value) = call_header(0, "X-Request-ID", "req-42").unwrap();
        assert_eq!(name.as_str(), "x-request-id");
        assert_eq!(value.to_str().unwrap(), "req-42");
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("req-42"));
        assert!(call_header(0, "x-empty", "").is_ok());
        assert!(call_header(0, "x-tab", "a\tb").is_ok());

        for reserved in [
            "Authorization",
            "content-type",
            "Accept-Encoding",
            "Range",
            "X-HTTP-Method-Override",
        ] {
            let err = call_header(2, reserved, "x").unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "invalid `headers[2]`: is `{}`, which the client (or HTTP) sets; it cannot \
                     be set per call",
                    reserved.to_ascii_lowercase()
                )
            );
        }
        for name in ["", "bad name", "sk-live:1", "naïve"] {
            let err = call_header(1, name, "x").unwrap_err();
            assert_eq!(err.field, "headers[1]", "{name:?}");
            assert!(err.to_string().contains("its name is not a header name"));
            if !name.is_empty() {
                assert!(!err.to_string().contains(name), "{err}");
            }
        }
        // A token pasted as a name that is a valid one is not shown either.
        let err = call_header(0, "sk-live-TOKEN123", " padded").unwrap_err();
        assert!(
            !err.to_string().to_lowercase().contains("sk-live-token123"),
            "{err}"
        );
        for value in ["line\nbreak", "sk-live-é", "nul\0", " padded", "padded\t"] {
            let err = call_header(0, "x-token", value).unwrap_err();
            assert_eq!(err.field, "headers[0]");
            assert!(!err.to_string().contains(value.trim()), "{err}");
        }

        // Added to a call's options: kept in order, each with its place; the first refused
        // is the one reported.
        let mut options = CallOptions::default();
        options.add_header("x-a", "1");
        options.add_header("authorization", "2");
        options.add_header("x-b", "3");
        options.add_header("bad name", "4");
        assert_eq!(options.refused_header().unwrap().field, "headers[1]");
        let mut options = CallOptions::default();
        options.add_header("x-a", "1");
        options.add_header("x-a", "2");
        assert_eq!(options.refused_header(), None);
        let sent: Vec<(&str, &str)> = options
            .extra_headers()
            .map(|(name, value)| (name.as_str(), value.to_str().unwrap()))
            .collect();
        assert_eq!(sent, [("x-a", "1"), ("x-a", "2")]);
    }
}
