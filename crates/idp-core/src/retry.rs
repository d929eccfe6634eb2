//! When to retry, and how long to wait: a pure decision function plus injectable sleep and clock.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

use crate::transport::TransportError;

/// The retry rules of a client or of one call.
///
/// - 429 is always retryable: the server did not process the request.
/// - 408, 500, 502, 503, 504, timeouts and broken connections only for idempotent requests.
/// - Connect failures (nothing was sent) always.
/// - Every other status never.
///
/// The wait honours the server's hint (a provider's [`RetryHint`] or `Retry-After`) up to [`RetryPolicy::max_server_wait`]
/// (a longer hint stops retrying and returns the error, whose `retry_after()` tells the wait);
/// without a hint it is exponential backoff with full jitter, capped.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_server_wait: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            // One 60 s rate-limit window, plus the 1 s margin providers add to a window reset,
            // plus 1 s for the rounding of whole-second `Date` and reset headers: a 429 at the
            // start of a window is waited for, not given up on.
            max_server_wait: Duration::from_secs(62),
            jitter: true,
        }
    }
}

/// What the last attempt produced, as far as the retry decision cares.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// The server answered with this (non-success) status.
    Status(StatusCode),
    /// The transport failed.
    Transport(&'a TransportError),
}

/// The retry decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Wait this long, then send again.
    RetryAfter(Duration),
    /// The failure is retryable but no retry is left (or the server asked for too long a wait).
    Exhausted,
    /// The failure is not retryable.
    DoNotRetry,
}

impl RetryPolicy {
    /// The default policy: 3 retries, 0.5 s base, 20 s cap, server hints honoured up to 62 s (one
    /// 60 s window, the 1 s margin and 1 s of whole-second rounding), full jitter.
    pub fn new() -> Self {
        RetryPolicy::default()
    }

    /// No retries at all: exactly one attempt.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Sets how many retries follow the first attempt.
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets the first backoff delay.
    #[must_use]
    pub fn base_delay(mut self, d: Duration) -> Self {
        self.base_delay = d;
        self
    }

    /// Sets the cap on a backoff delay.
    #[must_use]
    pub fn max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// Sets the longest server-requested wait that is honoured.
    #[must_use]
    pub fn max_server_wait(mut self, d: Duration) -> Self {
        self.max_server_wait = d;
        self
    }

    /// Turns jitter on or off (off gives the full exponential delay; useful in tests).
    #[must_use]
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// How many retries follow the first attempt.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// True when this outcome may be retried at all.
    pub fn is_retryable(outcome: Outcome<'_>, idempotent: bool) -> bool {
        match outcome {
            Outcome::Status(StatusCode::TOO_MANY_REQUESTS) => true,
            Outcome::Status(s) => {
                idempotent
                    && matches!(
                        s,
                        StatusCode::REQUEST_TIMEOUT
                            | StatusCode::INTERNAL_SERVER_ERROR
                            | StatusCode::BAD_GATEWAY
                            | StatusCode::SERVICE_UNAVAILABLE
                            | StatusCode::GATEWAY_TIMEOUT
                    )
            }
            Outcome::Transport(e) => match e {
                TransportError::Connect(_) => true,
                TransportError::Timeout | TransportError::Io(_) => idempotent,
                _ => false,
            },
        }
    }

    /// The decision after `retries_done` retries have been made.
    ///
    /// `server_wait` is the wait the server asked for (already computed by the provider's rule); `jitter` is a number in `[0, 1)` (random in production, fixed in tests).
    pub fn decide(
        &self,
        retries_done: u32,
        idempotent: bool,
        outcome: Outcome<'_>,
        server_wait: Option<Duration>,
        jitter: f64,
    ) -> RetryDecision {
        if !Self::is_retryable(outcome, idempotent) {
            return RetryDecision::DoNotRetry;
        }
        if retries_done >= self.max_retries {
            return RetryDecision::Exhausted;
        }
        if let Some(wait) = server_wait {
            if wait > self.max_server_wait {
                return RetryDecision::Exhausted;
            }
            return RetryDecision::RetryAfter(wait);
        }
        RetryDecision::RetryAfter(self.backoff(retries_done, jitter))
    }

    /// Exponential backoff for the retry after `retries_done` retries: `base × 2^n`, capped, times
    /// `jitter` when jitter is on (full jitter).
    pub fn backoff(&self, retries_done: u32, jitter: f64) -> Duration {
        let factor = 2u32.saturating_pow(retries_done.min(30));
        let exp = self.base_delay.saturating_mul(factor).min(self.max_delay);
        if self.jitter {
            exp.mul_f64(jitter.clamp(0.0, 1.0))
        } else {
            exp
        }
    }
}

/// A provider's reading of how long a 429 asked the client to wait.
///
/// Core only carries the answer; each provider crate writes its own rule (which headers, measured
/// against what) from the primitives here ([`retry_after`], [`wait_until_epoch`],
/// [`crate::ratelimit::header_u64`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryHint {
    /// The server said when to retry (`Retry-After`).
    RetryAfter(Duration),
    /// The rate-limit window resets after this wait (any provider margin already added).
    WindowResets(Duration),
}

impl RetryHint {
    /// The wait, whichever form the hint took.
    pub fn wait(self) -> Duration {
        match self {
            RetryHint::RetryAfter(d) | RetryHint::WindowResets(d) => d,
        }
    }
}

/// The wait until `epoch_secs` (a reset time in whole seconds since the Unix epoch), measured
/// against the response `Date` header — the server's clock — or `now` when `Date` is missing.
/// A time already past gives a zero wait; a time far past what `SystemTime` holds is a long wait,
/// never a panic.
pub fn wait_until_epoch(epoch_secs: u64, headers: &HeaderMap, now: SystemTime) -> Duration {
    let date_secs = response_date(headers, now)
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Duration::from_secs(epoch_secs.saturating_sub(date_secs))
}

/// The response `Date`, or `now` when it is missing or unparsable.
pub fn response_date(headers: &HeaderMap, now: SystemTime) -> SystemTime {
    headers
        .get(http::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .unwrap_or(now)
}

/// The wait of a `Retry-After` header alone (delta seconds or an HTTP date, measured against the
/// response `Date` or `now`). This is the only hint that applies to statuses other than 429 (a 503
/// may carry it); rate-limit reset headers, which some providers send on every response, describe the
/// rate-limit window and say nothing about when a failing server recovers.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let v = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(
        at.duration_since(response_date(headers, now))
            .unwrap_or(Duration::ZERO),
    )
}

/// Sleeps. Injected so tests can record waits instead of waiting.
pub trait Sleeper: Send + Sync + fmt::Debug + 'static {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// Sleeps with `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Tells the time. Injected so token expiry and rate-limit resets are testable.
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// The current wall-clock time.
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                *k,
                HeaderValue::from_str(v).unwrap_or(HeaderValue::from_static("")),
            );
        }
        h
    }

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    const GET: bool = true;
    const POST: bool = false;

    #[test]
    fn decision_table() {
        let p = RetryPolicy::default().jitter(false);
        let s = |code: u16| Outcome::Status(StatusCode::from_u16(code).unwrap_or(StatusCode::OK));
        let refused = TransportError::Connect("refused".into());
        let reset = TransportError::Io("reset".into());
        let timeout = TransportError::Timeout;
        let five = Some(Duration::from_secs(5));
        let cases: Vec<(&str, bool, Outcome<'_>, Option<Duration>, RetryDecision)> = vec![
            (
                "429 GET with hint",
                GET,
                s(429),
                five,
                RetryDecision::RetryAfter(Duration::from_secs(5)),
            ),
            (
                "429 POST with hint",
                POST,
                s(429),
                five,
                RetryDecision::RetryAfter(Duration::from_secs(5)),
            ),
            (
                "429 without hint backs off",
                POST,
                s(429),
                None,
                RetryDecision::RetryAfter(Duration::from_millis(500)),
            ),
            (
                "503 GET",
                GET,
                s(503),
                None,
                RetryDecision::RetryAfter(Duration::from_millis(500)),
            ),
            ("503 POST", POST, s(503), None, RetryDecision::DoNotRetry),
            (
                "500 GET",
                GET,
                s(500),
                None,
                RetryDecision::RetryAfter(Duration::from_millis(500)),
            ),
            ("502 POST", POST, s(502), None, RetryDecision::DoNotRetry),
            (
                "connection refused POST",
                POST,
                Outcome::Transport(&refused),
                None,
                RetryDecision::RetryAfter(Duration::from_millis(500)),
            ),
            (
                "connection reset GET",
                GET,
                Outcome::Transport(&reset),
                None,
                RetryDecision::RetryAfter(Duration::from_millis(500)),
            ),
            (
                "connection reset POST",
                POST,
                Outcome::Transport(&reset),
                None,
                RetryDecision::DoNotRetry,
            ),
            (
                "timeout POST",
                POST,
                Outcome::Transport(&timeout),
                None,
                RetryDecision::DoNotRetry,
            ),
            ("400", GET, s(400), None, RetryDecision::DoNotRetry),
            ("401", GET, s(401), None, RetryDecision::DoNotRetry),
            ("404", GET, s(404), None, RetryDecision::DoNotRetry),
            (
                "one window plus the margin is waited for",
                GET,
                s(429),
                Some(Duration::from_secs(62)),
                RetryDecision::RetryAfter(Duration::from_secs(62)),
            ),
            (
                "hint too long",
                GET,
                s(429),
                Some(Duration::from_secs(63)),
                RetryDecision::Exhausted,
            ),
        ];
        for (name, idempotent, outcome, hint, want) in cases {
            assert_eq!(p.decide(0, idempotent, outcome, hint, 0.5), want, "{name}");
        }
    }

    #[test]
    fn attempts_are_bounded() {
        let p = RetryPolicy::default().max_retries(2);
        let o = Outcome::Status(StatusCode::TOO_MANY_REQUESTS);
        assert!(matches!(
            p.decide(0, true, o, None, 0.5),
            RetryDecision::RetryAfter(_)
        ));
        assert!(matches!(
            p.decide(1, true, o, None, 0.5),
            RetryDecision::RetryAfter(_)
        ));
        assert_eq!(p.decide(2, true, o, None, 0.5), RetryDecision::Exhausted);
    }

    #[test]
    fn none_makes_exactly_one_attempt() {
        let p = RetryPolicy::none();
        assert_eq!(p.retries(), 0);
        let o = Outcome::Status(StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            p.decide(0, true, o, Some(Duration::ZERO), 0.5),
            RetryDecision::Exhausted
        );
    }

    #[test]
    fn backoff_is_exponential_and_capped() {
        let p = RetryPolicy::default().jitter(false);
        assert_eq!(p.backoff(0, 0.0), Duration::from_millis(500));
        assert_eq!(p.backoff(1, 0.0), Duration::from_secs(1));
        assert_eq!(p.backoff(3, 0.0), Duration::from_secs(4));
        assert_eq!(p.backoff(10, 0.0), Duration::from_secs(20));
        assert_eq!(p.backoff(u32::MAX, 0.0), Duration::from_secs(20));
        let jittered = RetryPolicy::default();
        assert_eq!(jittered.backoff(10, 0.25), Duration::from_secs(5));
        assert_eq!(
            jittered.backoff(10, 7.0),
            Duration::from_secs(20),
            "jitter is clamped to 1"
        );
    }

    #[test]
    fn retry_after_seconds() {
        let h = headers(&[("retry-after", "7")]);
        assert_eq!(retry_after(&h, at(0)), Some(Duration::from_secs(7)));
    }

    #[test]
    fn retry_after_http_date_against_date_header() {
        let h = headers(&[
            ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
            ("retry-after", "Tue, 14 Nov 2023 22:13:32 GMT"),
        ]);
        assert_eq!(retry_after(&h, at(0)), Some(Duration::from_secs(12)));
    }

    #[test]
    fn epoch_reset_is_measured_against_the_date_header_not_the_local_clock() {
        // Date = 1700000000 (Tue, 14 Nov 2023 22:13:20 GMT); reset 9 s later.
        let h = headers(&[("date", "Tue, 14 Nov 2023 22:13:20 GMT")]);
        // The local clock is an hour off: the wait must not change.
        assert_eq!(
            wait_until_epoch(1_700_000_009, &h, at(1_700_003_600)),
            Duration::from_secs(9)
        );
        assert_eq!(
            wait_until_epoch(1_700_000_009, &h, at(0)),
            Duration::from_secs(9)
        );
        // Without a Date header the local clock is all there is.
        let none = HeaderMap::new();
        assert_eq!(
            wait_until_epoch(1_700_000_009, &none, at(1_700_000_004)),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn huge_values_are_long_waits_not_panics() {
        let max = "18446744073709551615";
        let h = headers(&[
            ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
            ("retry-after", max),
        ]);
        let hint = retry_after(&h, at(1_700_000_000));
        assert!(
            hint.is_some_and(|d| d > Duration::from_secs(60)),
            "{hint:?}"
        );
        assert!(wait_until_epoch(u64::MAX, &h, at(0)) > Duration::from_secs(60));
        let _ = crate::RateLimit::from_headers(
            &h,
            ["retry-after", "retry-after", "retry-after"],
            crate::ratelimit::Reset::EpochSeconds,
            at(0),
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates_and_nothing_else() {
        let h = headers(&[
            ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
            ("x-reset", "1700000030"),
        ]);
        assert_eq!(retry_after(&h, at(0)), None);
        let h = headers(&[("retry-after", "4")]);
        assert_eq!(retry_after(&h, at(0)), Some(Duration::from_secs(4)));
        let h = headers(&[("retry-after", "soon")]);
        assert_eq!(retry_after(&h, at(0)), None);
    }

    #[test]
    fn past_epoch_reset_waits_zero() {
        let h = headers(&[("date", "Tue, 14 Nov 2023 22:13:20 GMT")]);
        assert_eq!(wait_until_epoch(1_600_000_000, &h, at(0)), Duration::ZERO);
    }

    #[test]
    fn a_hint_reports_its_wait_whatever_its_form() {
        let d = Duration::from_secs(3);
        assert_eq!(RetryHint::RetryAfter(d).wait(), d);
        assert_eq!(RetryHint::WindowResets(d).wait(), d);
    }
}
