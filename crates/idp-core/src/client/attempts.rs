//! One call's attempts: the request rebuilt per attempt, what a response means, and the one
//! place a retry decision is settled (waits, retries exhausted, the total deadline).

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};

use crate::auth::{AuthStamp, Credentials};
use crate::error::{ApiError, Error, ErrorKind, Result};
use crate::provider::Provider;
use crate::retry::{Clock, Outcome, RetryDecision, RetryPolicy, Sleeper};
use crate::transport::{HttpRequest, HttpResponse, TransportError};

use super::ResponseMeta;

/// The parts of a request that are rebuilt for every attempt. The headers are written per
/// attempt from these parts (cheaper than building a map once and cloning it for each attempt).
pub(super) struct Prepared {
    pub(super) method: Method,
    pub(super) uri: Uri,
    /// The provider's `Accept`.
    pub(super) accept: &'static str,
    pub(super) user_agent: HeaderValue,
    /// The body's content type; `None` for a request without a body.
    pub(super) content_type: Option<&'static str>,
    pub(super) body: Bytes,
}

impl Prepared {
    pub(super) fn request(&self) -> HttpRequest {
        let mut headers = HeaderMap::with_capacity(4);
        headers.insert(ACCEPT, HeaderValue::from_static(self.accept));
        headers.insert(USER_AGENT, self.user_agent.clone());
        match self.content_type {
            Some(content_type) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            }
            // Some front ends answer 411 to a POST with neither Content-Length nor
            // Transfer-Encoding; the providers' own SDKs send `Content-Length: 0`.
            None if matches!(self.method, Method::POST | Method::PUT | Method::PATCH) => {
                headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
            }
            None => {}
        }
        let mut req = http::Request::new(self.body.clone());
        *req.method_mut() = self.method.clone();
        *req.uri_mut() = self.uri.clone();
        *req.headers_mut() = headers;
        req
    }
}

/// What one response means for the call.
pub(super) enum Classified {
    Success(ResponseMeta, Bytes),
    RetryWithFreshCredentials,
    Failure(StatusCode, ApiError),
}

/// The state of one call's attempts, and the one place a retry decision is settled.
pub(super) struct Attempts<'a> {
    pub(super) policy: &'a RetryPolicy,
    pub(super) sleeper: &'a dyn Sleeper,
    pub(super) clock: &'a dyn Clock,
    pub(super) span: tracing::Span,
    /// The total deadline, and the time it passes.
    pub(super) deadline: Option<(Duration, SystemTime)>,
    pub(super) retries: u32,
    pub(super) attempts: u32,
    pub(super) auth_retried: bool,
    /// A 400 the credentials called a challenge was already retried (at most once per call).
    pub(super) challenge_retried: bool,
    /// An earlier attempt may have reached the server and been applied (timeout, reset, 5xx).
    pub(super) may_have_applied: bool,
    pub(super) first_request_id: Option<String>,
}

impl Attempts<'_> {
    /// Counts a new attempt and builds its request (with the provider's retry headers on retries).
    pub(super) fn begin<P: Provider>(&mut self, prepared: &Prepared) -> HttpRequest {
        self.attempts += 1;
        self.span.record("attempts", self.attempts);
        let mut request = prepared.request();
        if self.retries > 0 {
            P::retry_headers(
                request.headers_mut(),
                self.first_request_id.as_deref(),
                self.retries,
            );
        }
        request
    }

    /// Whether a response is worth one more attempt on the credentials' word: a 401 they can
    /// answer (fresh token, recorded challenge), or a 400 they call a challenge (a DPoP nonce
    /// sent with 400). Each is retried at most once per call, so a server that keeps
    /// challenging cannot make the call loop.
    pub(super) fn retry_for_credentials(
        &mut self,
        credentials: &dyn Credentials,
        stamp: AuthStamp,
        response: &HttpResponse,
    ) -> bool {
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED
            && !self.auth_retried
            && credentials.on_unauthorized(stamp, response)
        {
            tracing::debug!(
                attempt = self.attempts,
                "401: retrying once with refreshed credentials"
            );
            self.auth_retried = true;
            return true;
        }
        if status == StatusCode::BAD_REQUEST
            && !self.challenge_retried
            && credentials.on_challenge(stamp, response)
        {
            tracing::debug!(
                attempt = self.attempts,
                "400 authentication challenge: retrying once"
            );
            self.challenge_retried = true;
            return true;
        }
        false
    }

    pub(super) fn decide(
        &self,
        outcome: Outcome<'_>,
        hint: Option<Duration>,
        idempotent: bool,
    ) -> RetryDecision {
        self.policy
            .decide(self.retries, idempotent, outcome, hint, fastrand::f64())
    }

    /// The time left before the deadline (`None` without a deadline).
    pub(super) fn remaining(&self) -> Option<Duration> {
        let (_, at) = self.deadline?;
        Some(
            at.duration_since(self.clock.now())
                .unwrap_or(Duration::ZERO),
        )
    }

    /// The error for a deadline that passed, naming it.
    pub(super) fn deadline_error(&self, cause: Option<&Error>) -> Error {
        let total = self.deadline.map_or(Duration::ZERO, |(d, _)| d);
        let mut msg = format!("the call's deadline of {total:?} passed");
        if let Some(cause) = cause {
            msg.push_str(&format!(" (last failure: {cause})"));
        }
        Error::new(ErrorKind::DeadlineExceeded, msg).with_attempts(self.attempts)
    }

    /// This attempt's timeout: the per-attempt timeout, cut to what is left of the deadline.
    pub(super) fn attempt_timeout(&self, timeout: Option<Duration>) -> Result<Option<Duration>> {
        match self.remaining() {
            None => Ok(timeout),
            Some(left) if left.is_zero() => Err(self.deadline_error(None)),
            Some(left) => Ok(Some(timeout.map_or(left, |t| t.min(left)))),
        }
    }

    /// A timeout that happened because the deadline cut the attempt short is the deadline's.
    pub(super) fn expired_during(&self, error: Error) -> Error {
        if error.kind() == ErrorKind::Timeout && self.remaining().is_some_and(|d| d.is_zero()) {
            self.deadline_error(None)
        } else {
            error
        }
    }

    /// Waits and returns `Ok` when the decision is to retry; otherwise returns the final error
    /// (`RetriesExhausted` once a retry has been made and none is left; `DeadlineExceeded` when
    /// the wait would end past the deadline).
    pub(super) async fn settle(&mut self, decision: RetryDecision, error: Error) -> Result<()> {
        if error.kind() == ErrorKind::DeadlineExceeded {
            return Err(error);
        }
        match decision {
            RetryDecision::RetryAfter(delay)
                if self.remaining().is_some_and(|left| delay >= left) =>
            {
                Err(self.deadline_error(Some(&error)))
            }
            RetryDecision::RetryAfter(delay) => {
                tracing::debug!(
                    attempt = self.attempts,
                    delay_ms = delay.as_millis() as u64,
                    error = %error,
                    "retrying"
                );
                self.sleeper.sleep(delay).await;
                self.retries += 1;
                Ok(())
            }
            RetryDecision::Exhausted if self.retries > 0 => Err(error
                .with_attempts(self.attempts)
                .with_kind(ErrorKind::RetriesExhausted)),
            _ => Err(error.with_attempts(self.attempts)),
        }
    }
}

pub(super) fn transport_error(err: TransportError) -> Error {
    let kind = match err {
        TransportError::Timeout => ErrorKind::Timeout,
        TransportError::BodyTooLarge { .. } | TransportError::Redirect { .. } => {
            ErrorKind::InvalidResponse
        }
        _ => ErrorKind::Transport,
    };
    Error::new(kind, err.to_string()).with_source(err)
}
