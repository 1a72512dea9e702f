//! [`ClientBuilder`]: every setting of a [`Client`], checked when it is built.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderValue;

pub use crate::build_error::BuildError;
use crate::build_error::shown_url;
use crate::client::{Client, RawContext, Settings};
use crate::generated;
use crate::retry::RetryPolicy;

pub use crate::generated_api::DEFAULT_BASE_URL;

/// The environment variable [`Client::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "BLAND_API_KEY";

/// The environment variable [`Client::from_env`] reads an optional base URL from.
pub const BASE_URL_ENV: &str = "BLAND_BASE_URL";

/// The default user agent: `sip-client/<version of this crate>`.
pub const DEFAULT_USER_AGENT: &str = concat!("sip-client/", env!("CARGO_PKG_VERSION"));

/// How many redirects within one origin are followed before the answer is returned as is.
pub(crate) const MAX_REDIRECTS: usize = 5;

/// How the API key goes into the `authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuthScheme {
    /// The key alone, as Bland's reference pages send it (the default).
    #[default]
    Raw,
    /// `Bearer <key>`, as the examples on the same pages send it.
    Bearer,
}

/// Builds a [`Client`]; every setting is checked by [`ClientBuilder::build`].
///
/// ```
/// use std::time::Duration;
///
/// let client = sip_client::Client::builder()
///     .api_key("my-key")
///     .timeout(Duration::from_secs(10))
///     .max_retries(4)
///     .build()?;
/// // The key never shows in debug output.
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
    /// The variables `from_env` found set but not valid Unicode (which `build` refuses
    /// rather than ignore: an unreadable `BLAND_BASE_URL` must not send calls to Bland's
    /// production).
    unreadable: Vec<&'static str>,
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
            unreadable: Vec::new(),
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("auth_scheme", &self.auth_scheme)
            .field("base_url", &shown_url(&self.base_url))
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
    /// A builder from the environment: `BLAND_API_KEY` and `BLAND_BASE_URL`, each read
    /// only when set and not empty (an empty or blank variable is unset: no key is
    /// [`BuildError::MissingApiKey`], no base URL is Bland's). A variable that is set but
    /// not valid Unicode makes `build` fail ([`BuildError::UnreadableEnv`]) unless the
    /// setting is given another way.
    pub fn from_env() -> ClientBuilder {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    /// `from_env` with the environment given as a function, so tests need not change the
    /// process environment.
    pub(crate) fn from_lookup(
        lookup: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> ClientBuilder {
        let mut builder = ClientBuilder::default();
        let mut read = |name: &'static str| match lookup(name)?.into_string() {
            Ok(value) => Some(value),
            Err(_) => {
                builder.unreadable.push(name);
                None
            }
        };
        let api_key = read(API_KEY_ENV).filter(|key| !key.trim().is_empty());
        let base_url = read(BASE_URL_ENV).filter(|url| !url.trim().is_empty());
        builder.api_key = api_key;
        if let Some(url) = base_url {
            builder.base_url = url;
        }
        builder
    }

    /// The API key (required).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self.unreadable.retain(|name| *name != API_KEY_ENV);
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

    /// The base URL (default [`DEFAULT_BASE_URL`], `https://api.bland.ai`). A path stem is
    /// kept: `https://proxy.example/bland` sends to `https://proxy.example/bland/v1/sip`. On
    /// Bland's own host only its server's path is accepted: `https://api.bland.ai/v1`
    /// would call `/v1/v1/sip`, and is refused when the client is built.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self.unreadable.retain(|name| *name != BASE_URL_ENV);
        self
    }

    /// The time a whole call may take, retries and waits included (default 60 s). A
    /// duration too long for the clock (`Duration::MAX`) means no limit.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The time one attempt may take (default: none, each attempt may use what is left of
    /// the call's timeout). With it, an attempt that stalls is abandoned and, if the
    /// operation allows, retried within the call's timeout.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.retry.attempt_timeout = Some(timeout);
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

    /// Retries after the first attempt (default 2; 0 disables retries). Which failures are
    /// retried depends on the operation: see [`RetryClass`](crate::RetryClass).
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
    /// are capped to it. A retry whose wait would end past the call's timeout is not made.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.retry.max_retry_after = max;
        self
    }

    /// The largest response body read (default 1 MiB); a larger one is
    /// [`Error::BodyTooLarge`](crate::Error::BodyTooLarge), and reading stops at the limit.
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

    /// Allows the API key to cross the network unencrypted: a plain `http://` base URL to a
    /// host that is not loopback, and, with a plain `http://` base URL, the HTTP proxy of
    /// the environment (`HTTP_PROXY`, `ALL_PROXY`). Off by default.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Uses this `reqwest::Client` (custom TLS roots, pool settings, your own proxy and
    /// redirect rules). The key, user agent, timeout and retries still apply per request;
    /// `connect_timeout`, and the proxy and redirect rules described in the crate's README,
    /// are then yours to set.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks every setting and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        if let Some(variable) = self.unreadable.first() {
            return Err(BuildError::UnreadableEnv { variable });
        }
        let key = self.api_key.as_deref().ok_or(BuildError::MissingApiKey)?;
        // Header values may carry obs-text (bytes above 127), but no API key does: such a
        // key is a copy-paste accident, refused here rather than sent.
        if key.trim().is_empty() || !key.is_ascii() {
            return Err(BuildError::InvalidApiKey);
        }
        // `Bearer` then white space, after any white space a paste brought along.
        let pasted = key.trim_start();
        let scheme_given = pasted
            .get(..6)
            .is_some_and(|s| s.eq_ignore_ascii_case("bearer"))
            && pasted[6..].starts_with([' ', '\t']);
        if self.auth_scheme == AuthScheme::Bearer && scheme_given {
            return Err(BuildError::BearerTwice);
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

        let (base_text, base) = crate::base_url::checked(&self.base_url, self.allow_insecure_http)?;

        let http = match self.http_client {
            Some(client) => client,
            None => {
                let mut http = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .redirect(crate::redirect::same_origin_redirects());
                // A proxy of a plain-http request reads it, key included: the plain-http
                // rule applies to the proxy too.
                if base.scheme() == "http" && !self.allow_insecure_http {
                    http = http.no_proxy();
                }
                http.build().map_err(BuildError::Http)?
            }
        };
        let context = RawContext::new(Settings {
            authorization,
            masked_key: crate::key_mask::maskable_key(key),
            user_agent,
            retry: self.retry,
            timeout: self.timeout,
            max_body_size: self.max_body_size,
        });
        Ok(Client {
            raw: generated::Client::new_with_client(&base_text, http, context),
            base,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<std::ffi::OsString> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.into())
    }

    /// A variable set to bytes that are not UTF-8 is an error naming it, not "unset": an
    /// unreadable base URL would otherwise send the call to Bland's production.
    #[test]
    fn a_variable_that_is_not_unicode_is_refused_by_name() {
        use std::ffi::OsString;
        use std::os::unix::ffi::OsStringExt;
        fn not_unicode() -> OsString {
            OsString::from_vec(b"http://127.0.0.1:9/\xff".to_vec())
        }
        fn env(name: &str) -> Option<OsString> {
            match name {
                BASE_URL_ENV => Some(not_unicode()),
                API_KEY_ENV => Some("k".into()),
                _ => None,
            }
        }
        let err = ClientBuilder::from_lookup(env).build().unwrap_err();
        assert!(
            matches!(
                err,
                BuildError::UnreadableEnv {
                    variable: BASE_URL_ENV
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "BLAND_BASE_URL is set but is not valid Unicode; fix or unset it (its value is not shown)"
        );
        // Given another way, the setting no longer depends on the variable.
        let client = ClientBuilder::from_lookup(env)
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9");

        fn key_env(name: &str) -> Option<OsString> {
            (name == API_KEY_ENV).then(not_unicode)
        }
        let err = ClientBuilder::from_lookup(key_env).build().unwrap_err();
        assert!(
            matches!(
                err,
                BuildError::UnreadableEnv {
                    variable: API_KEY_ENV
                }
            ),
            "{err:?}"
        );
        assert!(!format!("{err:?}").contains("127.0.0.1"), "{err:?}");
        assert!(
            ClientBuilder::from_lookup(key_env)
                .api_key("k")
                .build()
                .is_ok()
        );
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

        for unset in [
            &[(API_KEY_ENV, "k-123")][..],
            &[(API_KEY_ENV, "k"), (BASE_URL_ENV, "")],
            &[(API_KEY_ENV, "k"), (BASE_URL_ENV, "  ")],
        ] {
            let client = ClientBuilder::from_lookup(lookup(unset)).build().unwrap();
            assert_eq!(client.base_url(), DEFAULT_BASE_URL, "{unset:?}");
        }
    }

    #[test]
    fn from_env_without_key_says_so() {
        // Unset, empty and blank are the same: no key (as for the base URL).
        for vars in [&[][..], &[(API_KEY_ENV, "")], &[(API_KEY_ENV, " \t")]] {
            let err = ClientBuilder::from_lookup(lookup(vars))
                .build()
                .unwrap_err();
            assert!(
                matches!(err, BuildError::MissingApiKey),
                "{vars:?}: {err:?}"
            );
            assert!(err.to_string().contains("BLAND_API_KEY"), "{err}");
        }
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

    /// A key pasted with its scheme (`Bearer sk-...`) and sent with `bearer_auth` would be
    /// `Bearer Bearer sk-...`: refused, without the key. Sent raw, it is the header as given.
    #[test]
    fn a_key_with_its_bearer_scheme_is_not_sent_bearer_twice() {
        for key in [
            "Bearer sk-live-12345678",
            "bearer sk-live-12345678",
            " Bearer sk-live-12345678",
            "Bearer\tsk-live-12345678",
        ] {
            let err = Client::builder()
                .api_key(key)
                .bearer_auth()
                .build()
                .unwrap_err();
            assert!(matches!(err, BuildError::BearerTwice), "{key:?}: {err:?}");
            assert!(!err.to_string().contains("sk-live"), "{err}");
            assert!(Client::builder().api_key(key).build().is_ok());
        }
        for key in ["Bearersk-live-12345678", "sk-live-Bearer 1234"] {
            assert!(
                Client::builder().api_key(key).bearer_auth().build().is_ok(),
                "{key}"
            );
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

    /// A base URL on the API's own origin with another path than its server's would put
    /// each operation's path below it (`/v1/v1/sip`): refused, saying what to give instead.
    /// On another origin (a proxy, a test server), any path is the user's.
    #[test]
    fn the_apis_own_host_takes_only_its_servers_path() {
        for url in [
            "https://api.bland.ai/v1",
            "https://api.bland.ai/v1/",
            "https://API.bland.ai:443/v1/sip",
            "https://api.bland.ai/bland",
            // The host alone decides (found by a review).
            "https://api.bland.ai./v1",
            "https://api.bland.ai:8443/v1",
        ] {
            let err = Client::builder()
                .api_key("k")
                .base_url(url)
                .build()
                .unwrap_err();
            let text = err.to_string();
            assert!(
                matches!(err, BuildError::InvalidBaseUrl { .. }),
                "{url}: {err:?}"
            );
            assert!(
                text.contains("another path than its server's, https://api.bland.ai;")
                    && text.ends_with("so give https://api.bland.ai"),
                "{url}: {text}"
            );
        }
        let err = Client::builder()
            .api_key("k")
            .base_url("https://api.bland.ai/v1")
            .build()
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("(this one would call /v1/v1/sip/attach)"),
            "{err}"
        );
        for url in [
            "https://api.bland.ai",
            "https://api.bland.ai/",
            "https://API.BLAND.AI:443//",
            // URL parsing resolves dot segments: these are the server's own path.
            "https://api.bland.ai/%2e",
            "https://api.bland.ai/v1/..",
            "https://api.bland.ai:8443",
            "https://proxy.example/v1",
            "https://bland.ai/v1",
        ] {
            assert!(
                Client::builder().api_key("k").base_url(url).build().is_ok(),
                "{url}"
            );
        }
    }

    #[test]
    fn the_apis_own_host_over_plain_http_takes_only_its_servers_path() {
        let err = Client::builder()
            .api_key("k")
            .base_url("http://api.bland.ai/v1")
            .allow_insecure_http(true)
            .build()
            .unwrap_err();
        assert!(
            err.to_string().contains("so give https://api.bland.ai"),
            "{err}"
        );
    }

    #[test]
    fn malformed_base_urls_are_refused() {
        for url in [
            "api.bland.ai",
            "ftp://api.bland.ai",
            "https://api.bland.ai?x=1",
            "https://api.bland.ai#top",
            "https://api.bland.ai?x=1#top",
            "https://user:pw@api.bland.ai",
            "https://user@api.bland.ai",
            "https://:pw@api.bland.ai",
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
    fn a_refused_base_url_is_shown_without_what_may_be_a_secret() {
        for (url, shown) in [
            (
                "https://user:sk-PASSWORD@api.bland.ai",
                "https://<redacted>@api.bland.ai",
            ),
            (
                "https://sk-USER@api.bland.ai/v1",
                "https://<redacted>@api.bland.ai/v1",
            ),
            (
                "https://api.bland.ai?api_key=sk-QUERY",
                "https://api.bland.ai?<redacted>",
            ),
            (
                "https://api.bland.ai/#sk-FRAGMENT",
                "https://api.bland.ai/#<redacted>",
            ),
            // Not a URL at all: the same rules on the text.
            (
                "https://u:sk-PASSWORD@host:99999",
                "https://<redacted>@host:99999",
            ),
            (
                "http://a:sk-PASSWORD@example.com",
                "http://<redacted>@example.com",
            ),
            // Slashes after the scheme, as many as URL parsers take; `/`, `?` or `#` in
            // the password.
            (
                "https:/bob:sk-PASSWORD@api.bland.ai",
                "https:/<redacted>@api.bland.ai",
            ),
            (
                "https:///bob:sk-PASSWORD@api.bland.ai/v1",
                "https:///<redacted>@api.bland.ai/v1",
            ),
            (
                "https://bob:sk-PASS/WORD@api.bland.ai",
                "https://<redacted>@api.bland.ai",
            ),
            (
                "https://bob:sk-PASS?WORD@api.bland.ai?x=1",
                "https://<redacted>@api.bland.ai?<redacted>",
            ),
            (
                "https://bob:sk-PASS#WORD@api.bland.ai",
                "https://<redacted>@api.bland.ai",
            ),
            ("sk-PASSWORD@api.bland.ai", "<redacted>@api.bland.ai"),
            // No scheme: what comes before `:` is user information too.
            ("sk-live-KEY:@api.bland.ai", "<redacted>@api.bland.ai"),
            ("alice:sk-PASSWORD@host", "<redacted>@host"),
            // Not a scheme either: `_` is no scheme character, a digit no scheme's start.
            ("sk_live_KEY:/sk-PASSWORD@host", "<redacted>@host"),
            ("9sk-KEY:/sk-PASSWORD@host", "<redacted>@host"),
        ] {
            let builder = Client::builder().api_key("k").base_url(url);
            let debug = format!("{builder:?}");
            let err = builder.build().unwrap_err();
            for text in [err.to_string(), format!("{err:?}"), debug] {
                assert!(text.contains(shown), "{url}: {text}");
                assert!(!text.contains("sk-"), "{url}: {text}");
            }
        }
        // What holds no secret is shown as given.
        let err = Client::builder()
            .api_key("k")
            .base_url("ftp://api.bland.ai/x")
            .build()
            .unwrap_err();
        assert!(
            err.to_string().contains("\"ftp://api.bland.ai/x\""),
            "{err}"
        );
    }

    #[test]
    fn path_stems_are_kept() {
        let client = Client::builder()
            .api_key("k")
            .base_url("https://proxy.example/bland/")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "https://proxy.example/bland");
        assert_eq!(
            client.endpoint(&["v1", "sip"], &[]).as_str(),
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
        let err = client
            .get_sip_config("+14150000000".to_owned())
            .await
            .unwrap_err();
        // Without TLS compiled in, the client fails before connecting and nothing arrives.
        let bytes = tokio::time::timeout(Duration::from_secs(5), first_bytes)
            .await
            .unwrap_or_else(|_| panic!("no connection arrived; the client said: {err}"))
            .unwrap();
        assert_eq!(bytes[0], 0x16, "TLS handshake record");
        assert_eq!(bytes[1], 0x03, "TLS major version");
        assert!(matches!(err, crate::Error::Transport(_)), "{err:?}");
    }

    #[test]
    fn an_http_failure_keeps_reqwest_error_as_its_source() {
        use std::error::Error as _;
        let reqwest_error = reqwest::Client::new().get("no url").build().unwrap_err();
        let text = reqwest_error.to_string();
        let err = BuildError::Http(reqwest_error);
        assert_eq!(err.to_string(), "cannot build the HTTP client");
        assert_eq!(err.source().map(ToString::to_string), Some(text));
        assert!(BuildError::MissingApiKey.source().is_none());
    }

    #[test]
    fn debug_lists_every_setting_but_the_key() {
        let builder = Client::builder()
            .api_key("sk-very-secret-0123456789")
            .max_body_size(4096)
            .http_client(reqwest::Client::new());
        assert_eq!(
            format!("{builder:?}"),
            format!(
                "ClientBuilder {{ api_key: Some(\"<redacted>\"), auth_scheme: Raw, \
                 base_url: \"https://api.bland.ai\", timeout: Some(60s), \
                 connect_timeout: 10s, retry: {:?}, max_body_size: 4096, \
                 user_agent: \"{DEFAULT_USER_AGENT}\", allow_insecure_http: false, \
                 http_client: Some(\"custom\") }}",
                RetryPolicy::default()
            )
        );
        let unset = format!("{:?}", Client::builder());
        assert!(
            unset.starts_with("ClientBuilder { api_key: None,"),
            "{unset}"
        );
        assert!(unset.ends_with("http_client: None }"), "{unset}");
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
        // The base URL as `base_url()` gives it, a path stem kept, no `/` added.
        let client = Client::builder()
            .api_key(key)
            .base_url("https://proxy.example/bland/")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "https://proxy.example/bland");
        assert!(
            format!("{client:?}")
                .starts_with(r#"Client { base_url: "https://proxy.example/bland", "#),
            "{client:?}"
        );
    }
}
