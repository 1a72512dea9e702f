//! Headers a caller adds to one call (`.header(name, value)` on every generated request: a
//! request ID, a tracing header): checked before anything is sent, never one the client
//! sets itself, and never shown.

use reqwest::header::{HeaderName, HeaderValue};

use crate::call::CallOptions;
use crate::input::{InputProblem, InvalidInput};

/// The headers the client sets itself, and those HTTP keeps for the connection and the
/// framing of the body: a caller's copy would replace the key, the body's type or length,
/// or confuse the connection.
const RESERVED: &[&str] = &[
    "accept",
    "authorization",
    "connection",
    "content-length",
    "content-type",
    "expect",
    "host",
    "keep-alive",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
];

/// `name: value` as a header of one call: a valid name the client does not set, and a
/// valid value, marked sensitive (never logged; `Debug` shows `Sensitive`). Neither the
/// value nor an invalid name is part of the error: either may be a token pasted in the
/// wrong place.
pub(crate) fn call_header(
    name: &str,
    value: &str,
) -> Result<(HeaderName, HeaderValue), InvalidInput> {
    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        InvalidInput::new(
            "header",
            InputProblem::Other(
                "its name is not a header name (ASCII letters, digits and \
                 !#$%&'*+-.^_`|~ only); the name is not shown"
                    .to_owned(),
            ),
        )
    })?;
    let at = format!("header {name}");
    if RESERVED.contains(&name.as_str()) {
        return Err(InvalidInput::new(
            at,
            InputProblem::Other("is set by the client (or by HTTP), not per call".to_owned()),
        ));
    }
    let refused = || {
        InvalidInput::new(
            at.clone(),
            InputProblem::Other(
                "holds a character a header cannot carry (a control character or one outside \
                 ASCII); the value is not shown"
                    .to_owned(),
            ),
        )
    };
    // `HeaderValue` takes bytes above 127 (HTTP's obsolete `obs-text`), which servers read
    // each their own way: refused, as in the API key.
    if !value.is_ascii() {
        return Err(refused());
    }
    let mut value = HeaderValue::from_str(value).map_err(|_| refused())?;
    value.set_sensitive(true);
    Ok((name, value))
}

impl CallOptions {
    /// Adds a header of this call; the first refused is reported when the call is sent.
    pub(crate) fn add_header(&mut self, name: &str, value: &str) {
        match call_header(name, value) {
            Ok(header) => self.headers.push(header),
            Err(err) => {
                self.header_error.get_or_insert(err);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_header_is_checked_and_its_value_kept_hidden() {
        let (name, value) = call_header("X-Request-ID", "req-42").unwrap();
        assert_eq!(name.as_str(), "x-request-id");
        assert_eq!(value.to_str().unwrap(), "req-42");
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("req-42"));

        for reserved in [
            "Authorization",
            "content-type",
            "User-Agent",
            "Host",
            "accept",
        ] {
            let err = call_header(reserved, "x").unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "invalid `header {}`: is set by the client (or by HTTP), not per call",
                    reserved.to_ascii_lowercase()
                )
            );
        }
        for name in ["", "bad name", "sk-live:1", "naïve"] {
            let err = call_header(name, "x").unwrap_err();
            assert_eq!(err.field, "header", "{name:?}");
            if !name.is_empty() {
                assert!(!err.to_string().contains(name), "{err}");
            }
        }
        for value in ["line\nbreak", "sk-live-é", "nul\0"] {
            let err = call_header("x-token", value).unwrap_err();
            assert_eq!(err.field, "header x-token");
            assert!(!err.to_string().contains(value), "{err}");
        }

        // Added to a call's options: kept in order; the first refusal is the one reported.
        let mut options = CallOptions::default();
        options.add_header("x-a", "1");
        options.add_header("authorization", "2");
        options.add_header("x-b", "3");
        options.add_header("bad name", "4");
        let names: Vec<&str> = options.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["x-a", "x-b"]);
        assert_eq!(
            options.header_error.map(|err| err.field),
            Some("header authorization".to_owned())
        );
    }
}
