//! Retries: which failures may be retried, how long to wait, and the loop that does it,
//! within one overall deadline.
//!
//! What may be retried depends on the operation ([`RetryClass`]):
//! - **safe or idempotent** operations (GET, or one the spec marks `x-idempotent: true`)
//!   retry what may pass on a second try: connection failures, timeouts, 408, 429 and 5xx;
//! - **other** operations never repeat a request that may have reached the server: they
//!   retry only a connection that failed before anything was sent, and answers in which the
//!   server says it did not act (429, and 503 with `Retry-After`). A timeout is never
//!   retried for them, also one that fired while connecting: reqwest's timeout does not say
//!   which phase it ended (with `connect_timeout` shorter than the attempt timeout, a slow
//!   connection fails as a connect failure, which is retried).
//!
//! Every other answer is final. The front door and the generated builders of
//! [`Client::raw`](crate::Client::raw) (through the hooks of the generated client) share
//! this one loop.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use tokio::time::Instant;
use tracing::Instrument;

use crate::decode::UnexpectedResponse;
use crate::error::{ApiError, Error, NotRetried, TransportErrorKind};

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
    /// The time one attempt may take (within the call's deadline); `None`: what is left of
    /// the deadline.
    pub attempt_timeout: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            attempt_timeout: None,
        }
    }
}

/// What repeating an operation's request may do, which decides what is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryClass {
    /// Reads nothing but the server's state (GET, HEAD, OPTIONS): always safe to repeat.
    Safe,
    /// Changes state, but repeating it changes nothing more (the spec says so with
    /// `x-idempotent: true`).
    Idempotent,
    /// May change state each time it runs: never repeated once it may have reached the
    /// server.
    NotIdempotent,
}

impl RetryClass {
    /// Whether a request that may have reached the server may be sent again.
    pub fn may_repeat(self) -> bool {
        !matches!(self, RetryClass::NotIdempotent)
    }
}

// What is transient, said here with the rest of retry classification (the error types
// know nothing of retries).

impl TransportErrorKind {
    /// Whether a failure of this kind is transient: the same request may succeed if sent
    /// again. A server that does not speak HTTP will not start to on a second try.
    pub fn is_retryable(self) -> bool {
        !matches!(
            self,
            TransportErrorKind::Other | TransportErrorKind::Protocol
        )
    }
}

impl Error {
    /// Whether the failure is transient, so that the same call may succeed later: timeouts,
    /// connection failures, 408, 429 and 5xx (an error page too large to read included).
    /// The client already retried as far as its settings and the operation allow; for an
    /// operation that is not idempotent, a transient failure after the request was sent may
    /// still mean it was applied.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(err) => err.kind.is_retryable(),
            Error::Api(ApiError { status, .. })
            | Error::UnexpectedResponse(UnexpectedResponse { status, .. })
            | Error::BodyTooLarge { status, .. } => is_retryable_status(*status),
            Error::InvalidInput(_)
            | Error::Decode(_)
            | Error::CursorRepeated { .. }
            | Error::CursorRefused { .. } => false,
        }
    }
}

/// Statuses that say "try again": request timeout, too many requests, and server errors.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
}

/// Whether an answer with this status and headers may be retried for an operation of
/// `class`. 429, and 503 with `Retry-After`, say that the server did not act.
fn answer_is_retryable(class: RetryClass, status: StatusCode, headers: &HeaderMap) -> bool {
    if !is_retryable_status(status) {
        return false;
    }
    class.may_repeat()
        || status == StatusCode::TOO_MANY_REQUESTS
        // A `Retry-After` that is not one (empty, `soon`, `-5`) is ignored (RFC 9110): such a
        // 503 says no more than one without it.
        || (status == StatusCode::SERVICE_UNAVAILABLE && retry_after(headers).is_some())
}

/// Whether a transport failure may be retried for an operation of `class`. A failure to
/// connect means nothing was sent; anything later may have reached the server.
fn failure_is_retryable(class: RetryClass, err: &reqwest::Error) -> bool {
    let kind = TransportErrorKind::of(err);
    if class.may_repeat() {
        kind.is_retryable()
    } else {
        err.is_connect()
    }
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
        let jitter_nanos = crate::random::up_to(half.as_nanos().min(u64::MAX as u128) as u64);
        half.saturating_add(Duration::from_nanos(jitter_nanos))
    }

    /// The wait before retry number `retry` after an answer with this `Retry-After`: the
    /// server's wait (capped) when it gave one, else backoff.
    fn delay_after(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(wait) => wait.min(self.max_retry_after),
            None => self.backoff(retry),
        }
    }
}

/// Reads `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3). A date in the past
/// means "now"; delay-seconds too large for a `u64` mean the longest wait there is (the
/// server asked for a very long wait, not for none).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// The deadline of a call of at most `timeout`, starting now. A timeout too long for the
/// clock to represent is no deadline at all (it would never pass anyway).
pub(crate) fn deadline_in(timeout: Option<Duration>) -> Option<Instant> {
    timeout.and_then(|timeout| Instant::now().checked_add(timeout))
}

/// Why the loop stopped retrying while the last answer was still retryable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The wait before the next attempt would end past the call's deadline.
    WaitPastDeadline {
        /// The wait, `Retry-After` capped by `max_retry_after`, or the backoff.
        wait: Duration,
        /// What was left of the deadline.
        left: Duration,
    },
    /// The request may have reached the server, and the operation is not idempotent.
    NotRepeatable,
}

impl From<Stop> for NotRetried {
    fn from(stop: Stop) -> Self {
        match stop {
            Stop::WaitPastDeadline { wait, left } => NotRetried::WaitPastDeadline { wait, left },
            Stop::NotRepeatable => NotRetried::MayHaveBeenApplied,
        }
    }
}

/// The last answer of a retried call, how many attempts it took, and why retries stopped
/// early (if they did).
pub(crate) struct Outcome {
    pub result: Result<reqwest::Response, reqwest::Error>,
    pub attempts: u32,
    pub stop: Option<Stop>,
    /// Whether any attempt may have reached the server: all but those that failed to
    /// connect to the first request's URL (a failure to connect after a redirect follows
    /// an answer).
    pub reached: bool,
}

/// Sends `first`, retrying as `policy` and `class` allow, never past `deadline`.
///
/// `again` makes the request of each retry; it is called only when a retry happens, so a
/// call that succeeds at once builds its request once. `None` (a body that cannot be
/// replayed) ends the retries.
///
/// Each attempt gets what is left of the deadline (or the policy's attempt timeout, if
/// shorter) as its reqwest timeout, which covers connecting, sending and reading the whole
/// body; a retry whose wait would end past the deadline is not made, and the last answer is
/// returned at once instead.
///
/// `attempts_before` counts the attempts already made for this call (when its last answer
/// broke off while its body was read: [`wait_after_broken_body`]).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn execute(
    http: &reqwest::Client,
    first: reqwest::Request,
    mut again: impl FnMut() -> Option<reqwest::Request>,
    policy: &RetryPolicy,
    class: RetryClass,
    deadline: Option<Instant>,
    operation: &'static str,
    attempts_before: u32,
) -> Outcome {
    let mut attempts = attempts_before;
    let mut reached = false;
    let url = first.url().clone();
    let mut request = first;
    loop {
        // Saturating: `max_retries(u32::MAX)` with no deadline may count past it.
        attempts = attempts.saturating_add(1);
        let left = deadline.map(|deadline| deadline.saturating_duration_since(Instant::now()));
        let attempt_timeout = match (left, policy.attempt_timeout) {
            (Some(left), Some(attempt)) => Some(left.min(attempt)),
            (left, attempt) => left.or(attempt),
        };
        if attempt_timeout.is_some() {
            *request.timeout_mut() = attempt_timeout;
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
        reached |= may_have_reached(&result, &url);

        let transient = match &result {
            Ok(response) => {
                span.record("status", response.status().as_u16());
                is_retryable_status(response.status())
            }
            Err(err) => TransportErrorKind::of(err).is_retryable(),
        };
        let repeatable = || match &result {
            Ok(response) => answer_is_retryable(class, response.status(), response.headers()),
            Err(err) => failure_is_retryable(class, err),
        };
        let asked = result.as_ref().ok().and_then(|r| retry_after(r.headers()));
        let wait = match span
            .in_scope(|| next_attempt(policy, attempts, deadline, transient, repeatable, asked))
        {
            Ok(wait) => wait,
            Err(stop) => {
                return Outcome {
                    result,
                    attempts,
                    stop,
                    reached,
                };
            }
        };
        let Some(next) = again() else {
            return Outcome {
                result,
                attempts,
                stop: None,
                reached,
            };
        };
        span.in_scope(|| tracing::debug!(?wait, "retrying"));
        // The connection of a retried answer is released before the wait.
        drop(result);
        tokio::time::sleep(wait).await;
        request = next;
    }
}

/// Whether an attempt sent to `url` may have reached the server: all but a failure to
/// connect to `url` itself (one to a redirect's target follows an answer from `url`).
fn may_have_reached(
    result: &Result<reqwest::Response, reqwest::Error>,
    url: &reqwest::Url,
) -> bool {
    match result {
        Ok(_) => true,
        Err(err) => !err.is_connect() || err.url().is_some_and(|hop| hop != url),
    }
}

/// What follows attempt number `attempts` that failed: the wait before the next one, or why
/// there is none (`None`: the failure is final, or the retries are spent). `repeatable`
/// says whether the operation allows sending this request again after this failure.
fn next_attempt(
    policy: &RetryPolicy,
    attempts: u32,
    deadline: Option<Instant>,
    transient: bool,
    repeatable: impl FnOnce() -> bool,
    retry_after: Option<Duration>,
) -> Result<Duration, Option<Stop>> {
    if !transient || attempts > policy.max_retries {
        return Err(None);
    }
    if !repeatable() {
        tracing::debug!("not retrying: the request may have reached the server");
        return Err(Some(Stop::NotRepeatable));
    }
    let wait = policy.delay_after(attempts, retry_after);
    if let Some(deadline) = deadline {
        let left = deadline.saturating_duration_since(Instant::now());
        if wait >= left {
            tracing::debug!(
                ?wait,
                ?left,
                "not retrying: the wait would pass the deadline"
            );
            return Err(Some(Stop::WaitPastDeadline { wait, left }));
        }
    }
    Ok(wait)
}

/// After attempt number `attempts` got an answer whose body broke off while it was read (a
/// connection cut, the attempt's timeout) that [`execute`] did not stop at: the wait before
/// the call is made again (backoff: the answer's status did not ask for a retry, so no
/// `Retry-After` of it applies), or why it is not. The request reached the server, so only
/// an operation that may repeat it is made again.
pub(crate) fn wait_after_broken_body(
    policy: &RetryPolicy,
    class: RetryClass,
    err: &reqwest::Error,
    attempts: u32,
    deadline: Option<Instant>,
) -> Result<Duration, Option<Stop>> {
    let transient = TransportErrorKind::of(err).is_retryable();
    next_attempt(
        policy,
        attempts,
        deadline,
        transient,
        || class.may_repeat(),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only a failure to connect to the request's own URL leaves the server untouched: an
    /// answer reached it, and so did a failure to connect to where it redirected.
    #[tokio::test]
    async fn only_a_failure_to_connect_to_the_url_itself_did_not_reach_the_server() {
        // Bound, never listening: connecting is refused, and the port stays ours.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let url = reqwest::Url::parse(&format!("http://{}/v1/sip", socket.local_addr().unwrap()))
            .unwrap();
        let refused = reqwest::Client::new().get(url.clone()).send().await;
        assert!(refused.as_ref().unwrap_err().is_connect(), "{refused:?}");
        assert!(!may_have_reached(&refused, &url));
        let elsewhere = reqwest::Url::parse("http://127.0.0.1:1/v1/sip").unwrap();
        assert!(may_have_reached(&refused, &elsewhere));
        let answer: Result<reqwest::Response, reqwest::Error> = Ok(http::Response::new("").into());
        assert!(may_have_reached(&answer, &url));
        // A failure that is no connect failure (here: a URL that does not parse) counts.
        let other = reqwest::Client::new().get("http://[::1").send().await;
        assert!(!other.as_ref().unwrap_err().is_connect());
        assert!(may_have_reached(&other, &url));
    }

    /// Retry classification lives here alone: the error types do not call into retries
    /// (no error.rs <-> retry.rs cycle).
    #[test]
    fn the_error_types_know_nothing_of_retries() {
        let error = include_str!("error.rs");
        assert!(!error.contains("retry::"), "error.rs uses the retry module");
        assert!(
            !error.contains("is_retryable"),
            "error.rs classifies retries"
        );
    }
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
    fn backoff_saturates_instead_of_overflowing() {
        let policy = RetryPolicy {
            initial_backoff: Duration::MAX,
            max_backoff: Duration::MAX,
            ..RetryPolicy::default()
        };
        assert!(policy.backoff(u32::MAX) >= Duration::MAX / 2);
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

        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("18446744073709551615"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(u64::MAX)));
        // Longer than a u64 of seconds: the longest wait, not "no Retry-After".
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("99999999999999999999999"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(u64::MAX)));
        // Not delay-seconds: a sign, a fraction.
        for value in ["+7", "-7", "7.5"] {
            headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
            assert_eq!(retry_after(&headers), None, "{value}");
        }
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
            policy.delay_after(1, retry_after(&headers)),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.delay_after(1, Some(Duration::from_secs(1))),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn unrepresentable_deadlines_are_none() {
        assert_eq!(deadline_in(Some(Duration::MAX)), None);
        assert_eq!(deadline_in(None), None);
        let soon = deadline_in(Some(Duration::from_secs(1))).unwrap();
        assert!(soon > Instant::now());
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

    #[test]
    fn writes_retry_only_answers_that_say_nothing_was_done() {
        let none = HeaderMap::new();
        let mut with_retry_after = HeaderMap::new();
        with_retry_after.insert(RETRY_AFTER, HeaderValue::from_static("1"));
        let status = |code| StatusCode::from_u16(code).unwrap();
        for class in [RetryClass::Safe, RetryClass::Idempotent] {
            for code in [408, 429, 500, 502, 503, 504] {
                assert!(answer_is_retryable(class, status(code), &none), "{code}");
            }
        }
        let write = RetryClass::NotIdempotent;
        assert!(answer_is_retryable(write, status(429), &none));
        assert!(answer_is_retryable(write, status(503), &with_retry_after));
        for code in [408, 500, 502, 503, 504] {
            assert!(!answer_is_retryable(write, status(code), &none), "{code}");
        }
        assert!(!answer_is_retryable(write, status(500), &with_retry_after));
        assert!(!answer_is_retryable(write, status(400), &with_retry_after));
        // A header that is no `Retry-After` value is none: the write is not repeated.
        for value in ["", "soon", "-5", "0x10", "1, 2"] {
            let mut invalid = HeaderMap::new();
            invalid.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
            assert!(
                !answer_is_retryable(write, status(503), &invalid),
                "{value:?}"
            );
            assert!(
                answer_is_retryable(RetryClass::Safe, status(503), &invalid),
                "{value:?}"
            );
        }
        // A date is one, also a past one (retry now).
        let mut past = HeaderMap::new();
        past.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        assert!(answer_is_retryable(write, status(503), &past));
    }
}
