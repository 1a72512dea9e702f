//! The hints an error adds for the person reading it: what a status or a documented error
//! code usually means, and what to do.

use reqwest::StatusCode;

/// A hint for the person reading an error with this status, if there is a useful one.
pub(crate) fn status_hint(status: StatusCode) -> Option<&'static str> {
    Some(match status.as_u16() {
        401 => "check the API key (BLAND_API_KEY) and whether it is sent raw or as a Bearer token",
        403 => "the API key is valid but not allowed to do this",
        404 => "Bland found nothing there for this organization (an unknown number or ID?)",
        408 => "Bland stopped waiting for the request",
        429 => "Bland asked to slow down",
        500..=599 => "Bland's side failed",
        _ => return None,
    })
}

/// A hint for a documented error code, if there is one.
pub(crate) fn code_hint(code: &str) -> Option<&'static str> {
    match code {
        crate::SIP_NOT_ENABLED => {
            Some("SIP must be enabled for the organization (ask Bland to enable it)")
        }
        _ => None,
    }
}
