//! Retries with exponential backoff, jitter and `Retry-After`, within one overall deadline.
//!
//! `GET /v1/sip` is idempotent, so the client retries what may pass on a second try:
//! connection failures, timeouts, 408, 429 and 5xx. Every other answer is final. The front
//! door ([`crate::Client::get_sip_config`]) and the generated builders (through the
//! `ClientHooks::exec` of the generated client) share this one loop.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use tokio::time::Instant;
use tracing::Instrument;

use crate::error::TransportErrorKind;

/// When and how often to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    /// Retries after the first attempt (so at most `max_retries + 1` attempts).
    pub max_retries: u32,
    /// The wait before the first retry; it doubles with each retry.
    pub initial_backoff: Duration,
    /// The longest wait computed by backoff.
    pub max_backoff: Duration,
    /// The longest wait a `Retry-After` header may impose.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// Statuses that say "try again": request timeout, too many requests, and server errors.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1-based): exponential, capped, with "equal
    /// jitter" (half fixed, half random) so that many clients do not retry in lockstep and
    /// no wait collapses to zero.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(20);
        let base = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        let half = base / 2;
        let jitter_nanos = fastrand::u64(0..=half.as_nanos().min(u64::MAX as u128) as u64);
        half + Duration::from_nanos(jitter_nanos)
    }

    /// The wait before the next attempt after an answer with `headers`: the server's
    /// `Retry-After` (capped) when present, else backoff.
    fn delay_after(&self, retry: u32, headers: Option<&HeaderMap>) -> Duration {
        match headers.and_then(retry_after) {
            Some(wait) => wait.min(self.max_retry_after),
            None => self.backoff(retry),
        }
    }
}

/// Reads `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3). A date in the past
/// means "now".
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// The last answer of a retried call, and how many attempts it took.
pub(crate) struct Outcome {
    pub result: Result<reqwest::Response, reqwest::Error>,
    pub attempts: u32,
}

/// Sends `first`, retrying as `policy` allows, never past `deadline`.
///
/// `again` makes the request of each retry; it is called only when a retry happens, so a
/// call that succeeds at once builds its request once. `None` (a body that cannot be
/// replayed) ends the retries.
///
/// Each attempt gets what is left of the deadline as its reqwest timeout, which covers
/// connecting, sending and reading the whole body; a retry whose wait would end past the
/// deadline is not made, and the last answer is returned instead.
pub(crate) async fn execute(
    http: &reqwest::Client,
    first: reqwest::Request,
    mut again: impl FnMut() -> Option<reqwest::Request>,
    policy: &RetryPolicy,
    deadline: Option<Instant>,
    operation: &'static str,
) -> Outcome {
    let mut attempts = 0;
    let mut request = first;
    loop {
        attempts += 1;
        if let Some(deadline) = deadline {
            *request.timeout_mut() = Some(deadline.saturating_duration_since(Instant::now()));
        }

        let span = tracing::debug_span!(
            "sip_client.request",
            operation,
            attempt = attempts,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = http.execute(request).instrument(span.clone()).await;
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);

        let retry_wait = match &result {
            Ok(response) => {
                span.record("status", response.status().as_u16());
                is_retryable_status(response.status())
                    .then(|| policy.delay_after(attempts, Some(response.headers())))
            }
            Err(err) => TransportErrorKind::of(err)
                .is_retryable()
                .then(|| policy.delay_after(attempts, None)),
        };

        let Some(wait) = retry_wait.filter(|_| attempts <= policy.max_retries) else {
            return Outcome { result, attempts };
        };
        if deadline.is_some_and(|deadline| Instant::now() + wait >= deadline) {
            span.in_scope(|| {
                tracing::debug!(?wait, "not retrying: the wait would pass the deadline")
            });
            return Outcome { result, attempts };
        }
        let Some(next) = again() else {
            return Outcome { result, attempts };
        };
        span.in_scope(|| tracing::debug!(?wait, "retrying"));
        // The connection of a retried answer is released before the wait.
        drop(result);
        tokio::time::sleep(wait).await;
        request = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        for _ in 0..200 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let second = policy.backoff(2);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
            let capped = policy.backoff(10);
            assert!(capped >= Duration::from_millis(175) && capped <= Duration::from_millis(350));
        }
        // The jitter is real: 200 draws are not all the same.
        let draws: std::collections::HashSet<_> = (0..200).map(|_| policy.backoff(3)).collect();
        assert!(draws.len() > 1);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));

        let in_a_minute = SystemTime::now() + Duration::from_secs(60);
        let date = httpdate::fmt_http_date(in_a_minute);
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&date).unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(
            wait > Duration::from_secs(55) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );

        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));

        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn retry_after_is_capped() {
        let policy = RetryPolicy {
            max_retry_after: Duration::from_secs(2),
            ..RetryPolicy::default()
        };
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("3600"));
        assert_eq!(
            policy.delay_after(1, Some(&headers)),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn retryable_statuses() {
        for code in [408, 429, 500, 502, 503, 504, 599] {
            assert!(
                is_retryable_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
        for code in [200, 400, 401, 403, 404, 409, 422] {
            assert!(
                !is_retryable_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
    }
}
