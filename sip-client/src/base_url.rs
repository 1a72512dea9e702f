//! The checks of a base URL: absolute http(s), plain http only to loopback or by opt-in, no
//! query, fragment or credentials, and on the API's own host only its server's path.

use reqwest::Url;

use crate::build_error::{BuildError, shown_url};

/// `base_url` without a trailing `/`, as text and parsed, or why it cannot be one.
pub(crate) fn checked(
    base_url: &str,
    allow_insecure_http: bool,
) -> Result<(String, Url), BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        url: shown_url(base_url),
        reason: reason.to_owned(),
    };
    let trimmed = base_url.trim().trim_end_matches('/');
    let url = Url::parse(trimmed).map_err(|err| invalid(&err.to_string()))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(BuildError::InsecureBaseUrl {
                url: shown_url(base_url),
            });
        }
        _ => {
            return Err(invalid(
                "the scheme must be https (or http to a loopback host)",
            ));
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL takes no query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "credentials in the URL are not supported; use api_key",
        ));
    }
    if let Some(server) = other_path_of_a_server(&url) {
        let example = crate::OPERATIONS
            .first()
            .map_or("", |operation| operation.path());
        return Err(invalid(&format!(
            "this is the API's own host with another path than its server's, {server}; \
             each operation's path is added to the base URL (this one would call \
             {}{example}), so give {server}",
            url.path().trim_end_matches('/')
        )));
    }
    Ok((trimmed.to_owned(), url))
}

/// The server of the spec whose host `url` is on, when `url` has another path than every
/// such server: `https://api.bland.ai/v1` for `https://api.bland.ai`, a mistake that would
/// call `/v1/v1/sip`. The host is compared alone (`http://api.bland.ai/v1` with plain http
/// allowed, or `https://api.bland.ai./v1` with the root's dot, is the same mistake); another
/// host (a proxy, a test server) may have any path.
fn other_path_of_a_server(url: &Url) -> Option<&'static str> {
    let path = url.path().trim_end_matches('/');
    let host = |url: &Url| {
        url.host_str()
            .map(|host| host.trim_end_matches('.').to_owned())
    };
    let mut on_origin = crate::generated_api::SERVERS
        .iter()
        .filter_map(|server| Some((*server, Url::parse(server).ok()?)))
        .filter(|(_, server)| host(server) == host(url))
        .peekable();
    let first = on_origin.peek()?.0;
    if on_origin.any(|(_, server)| server.path().trim_end_matches('/') == path) {
        None
    } else {
        Some(first)
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
