//! Why a client could not be built, said without the API key or what a base URL may hide.

use std::fmt;

use crate::secret::REDACTED;

/// Why a client could not be built. Nothing here ever shows the API key.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// No API key was given (and `BLAND_API_KEY` is unset, for `from_env`).
    MissingApiKey,
    /// The API key is empty or holds characters an HTTP header cannot carry.
    InvalidApiKey,
    /// The key begins with `Bearer ` and is sent as `Bearer <key>` (`bearer_auth`): it would
    /// be sent as `Bearer Bearer ...`. Give the key alone.
    BearerTwice,
    /// The base URL does not parse, or is not http(s).
    InvalidBaseUrl {
        /// The URL as given, with its user information, query and fragment (which may hold
        /// a secret) replaced by `<redacted>`.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The base URL is plain `http://` to a host that is not loopback: the API key would
    /// cross the network in clear text. Opt in with `allow_insecure_http(true)`.
    InsecureBaseUrl {
        /// The URL as given, with its user information, query and fragment (which may hold
        /// a secret) replaced by `<redacted>`.
        url: String,
    },
    /// The user agent is not a valid header value.
    InvalidUserAgent,
    /// An environment variable `from_env` reads is set but not valid Unicode (its value
    /// is not shown: it may be the key).
    UnreadableEnv {
        /// The variable's name.
        variable: &'static str,
    },
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
            BuildError::BearerTwice => f.write_str(
                "the API key begins with `Bearer ` and bearer_auth adds it again; give the key \
                 alone (the key is not shown)",
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
            BuildError::UnreadableEnv { variable } => write!(
                f,
                "{variable} is set but is not valid Unicode; fix or unset it (its value is not shown)"
            ),
            BuildError::Http(_) => f.write_str("cannot build the HTTP client"),
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

/// A base URL as errors and `Debug` show it: without what may be a secret, the user
/// information (`user:password@`) and the query and fragment (`?api_key=...`), each
/// replaced by `<redacted>`. Works on the text, so a URL that does not parse is shown the
/// same way. The user information is everything between the scheme (with any number of
/// slashes: URL parsers take `https:/u:p@host`) and the last `@`: a password may hold `/`,
/// `?` or `#`. An `@` elsewhere (a path's) hides more than needed, never less.
pub(crate) fn shown_url(url: &str) -> String {
    let scheme_end = url
        .find(':')
        // A scheme is followed by a slash (`https:/`, `https://`): `user:pw@host` has none,
        // and its `user:` is user information to hide, not a scheme to show.
        .filter(|&at| {
            url[..at].starts_with(|c: char| c.is_ascii_alphabetic())
                && url[..at]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && url[at + 1..].starts_with(['/', '\\'])
        })
        .map_or(0, |at| {
            at + 1 + url[at + 1..].len() - url[at + 1..].trim_start_matches(['/', '\\']).len()
        });
    let (head, rest) = match url[scheme_end..].rfind('@') {
        Some(at) => (
            format!("{}{REDACTED}", &url[..scheme_end]),
            &url[scheme_end + at..],
        ),
        None => (url[..scheme_end].to_owned(), &url[scheme_end..]),
    };
    match rest.find(['?', '#']) {
        Some(at) => format!("{head}{}{REDACTED}", &rest[..=at]),
        None => format!("{head}{rest}"),
    }
}
