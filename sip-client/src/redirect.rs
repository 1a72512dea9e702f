//! Which redirects the client follows (within the origin of the first request, those that
//! repeat the request as it was sent), and why it returned one it did not follow.

use reqwest::header::HeaderValue;
use url::Url;

use crate::decode::RedirectNotFollowed;

/// Redirects are followed only within the origin of the first request (scheme, host and
/// port): an API client has no business being sent elsewhere, and an answer from another
/// origin could not be trusted to be Bland's. And only 307 and 308, which repeat the request
/// as it was sent: a 301, 302 or 303 is followed with a GET without the body (for a POST, by
/// every client, reqwest's too), so a write answered with one would be silently dropped, or
/// its redirected GET's answer taken for the write's. Any other redirect is returned as the
/// answer, which the client reports as unexpected, saying why.
pub(crate) fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first() else {
            return attempt.stop();
        };
        if attempt.previous().len() > crate::builder::MAX_REDIRECTS
            || attempt.url().origin() != first.origin()
            || !keeps_the_request(attempt.status())
        {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

/// The redirects that repeat the request as it was sent, method and body (RFC 9110 §15.4).
pub(crate) fn keeps_the_request(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 307 | 308)
}

/// The statuses that redirect a request, which the client follows within its origin: not
/// every 3xx (300 offers choices, 304 answers a conditional request, 305 and 306 are
/// obsolete; none of them is followed by any client, so none is a redirect not followed).
pub(crate) fn is_redirect(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// Why the client returned a redirect rather than follow it (see [`same_origin_redirects`]):
/// `url` is where the answer came from, `location` its `Location`, read as UTF-8 as the
/// redirect policy reads it (not only visible ASCII: `https://évil.example/` is another
/// origin, not a missing Location).
pub(crate) fn redirect_not_followed(
    status: reqwest::StatusCode,
    url: &Url,
    location: Option<&HeaderValue>,
) -> RedirectNotFollowed {
    let target = location
        .and_then(|location| std::str::from_utf8(location.as_bytes()).ok())
        .and_then(|location| url.join(location).ok());
    match target {
        None => RedirectNotFollowed::NoLocation,
        Some(target) if target.origin() != url.origin() => {
            RedirectNotFollowed::OtherOrigin(target.origin().ascii_serialization())
        }
        Some(_) if !keeps_the_request(status) => RedirectNotFollowed::ChangesTheRequest,
        Some(_) => RedirectNotFollowed::TooMany,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_not_followed_says_why() {
        let url = Url::parse("https://api.bland.ai/v1/sip?x=1").unwrap();
        let location = |text: &'static str| HeaderValue::from_static(text);
        fn redirect_not_followed(url: &Url, location: Option<&HeaderValue>) -> RedirectNotFollowed {
            super::redirect_not_followed(reqwest::StatusCode::TEMPORARY_REDIRECT, url, location)
        }
        assert_eq!(
            redirect_not_followed(&url, None),
            RedirectNotFollowed::NoLocation
        );
        assert_eq!(
            redirect_not_followed(&url, Some(&location("http://[::1"))),
            RedirectNotFollowed::NoLocation
        );
        for same in ["/v1/other", "https://api.bland.ai:443/x", "other"] {
            assert_eq!(
                redirect_not_followed(&url, Some(&location(same))),
                RedirectNotFollowed::TooMany,
                "{same}"
            );
            // A 301, 302 or 303 in the origin is not followed for what it would do.
            for status in [301, 302, 303] {
                assert_eq!(
                    super::redirect_not_followed(
                        reqwest::StatusCode::from_u16(status).unwrap(),
                        &url,
                        Some(&location(same))
                    ),
                    RedirectNotFollowed::ChangesTheRequest,
                    "{status} {same}"
                );
            }
        }
        // A Location in UTF-8 beyond ASCII is read as the redirect policy reads it.
        let utf8 = HeaderValue::from_bytes("https://évil.example/x".as_bytes()).unwrap();
        assert_eq!(
            redirect_not_followed(&url, Some(&utf8)),
            RedirectNotFollowed::OtherOrigin("https://xn--vil-9la.example".to_owned())
        );
        for (elsewhere, origin) in [
            ("http://api.bland.ai/v1/sip", "http://api.bland.ai"),
            ("https://api.bland.ai:8443/", "https://api.bland.ai:8443"),
            ("//evil.example/x", "https://evil.example"),
        ] {
            assert_eq!(
                redirect_not_followed(&url, Some(&location(elsewhere))),
                RedirectNotFollowed::OtherOrigin(origin.to_owned()),
                "{elsewhere}"
            );
        }
    }
}
