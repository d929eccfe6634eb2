//! The client and the one request pipeline: build → authenticate → send → classify → retry → decode.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::auth::{AuthContext, Credentials, TokenEndpointResponse};
use crate::error::{ApiError, Error, ErrorKind, Result};
use crate::governor::{BudgetContext, Observation, RateBudget};
use crate::operation::Operation;
use crate::provider::Provider;
use crate::ratelimit::RateLimit;
use crate::retry::{Clock, Outcome, RetryHint, RetryPolicy, Sleeper};
use crate::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use crate::urls::BaseUrl;

mod attempts;
mod builder;
mod call;
mod decode;

use attempts::{Attempts, Classified, Prepared, transport_error};
pub use builder::ClientBuilder;
pub use call::Call;
pub use decode::decode_json;

/// Default per-request timeout (the whole exchange, body included).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// What a success response carried besides its body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The provider's request id.
    pub request_id: Option<String>,
    /// The provider's rate-limit state.
    pub rate_limit: Option<RateLimit>,
}

/// A decoded value with the response's metadata.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    /// The decoded body.
    pub value: T,
    /// Status, headers, request id and rate limits.
    pub meta: ResponseMeta,
}

/// Per-call overrides of the client's settings.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// Overrides the client's per-request timeout.
    pub timeout: Option<Duration>,
    /// Overrides the client's retry policy.
    pub retry: Option<RetryPolicy>,
    /// Overrides the client's total deadline: every attempt and every wait of the call together.
    pub deadline: Option<Duration>,
    /// A DELETE that is retried after an attempt that may have reached the server (a timeout, a
    /// broken connection, a 5xx) reports success when the retry finds nothing (404): the earlier
    /// attempt most likely did the work. Off by default: a 404 is then an error, as the API says.
    pub idempotent_ok: bool,
}

struct Inner {
    base_url: BaseUrl,
    transport: Arc<dyn Transport>,
    credentials: Arc<dyn Credentials>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    user_agent: HeaderValue,
    sleeper: Arc<dyn Sleeper>,
    clock: Arc<dyn Clock>,
    budget: Arc<dyn RateBudget>,
}

/// A client for one provider: base URL, transport, credentials, retry policy, timeouts.
/// Cheap to clone (an `Arc` inside); share one per process or per tenant.
pub struct Client<P> {
    inner: Arc<Inner>,
    _provider: PhantomData<fn() -> P>,
}

impl<P> Clone for Client<P> {
    fn clone(&self) -> Self {
        Client {
            inner: Arc::clone(&self.inner),
            _provider: PhantomData,
        }
    }
}

impl<P: Provider> fmt::Debug for Client<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("provider", &P::NAME)
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

impl<P: Provider> Client<P> {
    /// A builder.
    pub fn builder() -> ClientBuilder<P> {
        ClientBuilder::new()
    }

    /// The normalized base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.inner.base_url
    }

    /// The client's retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The client's clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// The rate budget every call of this client (and of its clones) draws on.
    pub fn rate_budget(&self) -> &Arc<dyn RateBudget> {
        &self.inner.budget
    }

    /// Wraps an operation into a [`Call`] with per-call options.
    pub fn call<O: Operation<Provider = P>>(&self, op: O) -> Call<P, O> {
        Call {
            client: self.clone(),
            op,
            options: CallOptions::default(),
        }
    }

    /// Executes an operation and decodes its output.
    ///
    /// # Errors
    /// Any [`ErrorKind`](crate::ErrorKind); the error names the operation.
    pub async fn execute<O: Operation<Provider = P>>(&self, op: &O) -> Result<O::Output> {
        self.execute_with(op, &CallOptions::default())
            .await
            .map(|r| r.value)
    }

    /// Executes an operation with per-call options and returns the output with response metadata.
    ///
    /// # Errors
    /// Any [`ErrorKind`](crate::ErrorKind); the error names the operation.
    pub async fn execute_with<O: Operation<Provider = P>>(
        &self,
        op: &O,
        options: &CallOptions,
    ) -> Result<Response<O::Output>> {
        let (meta, body) = self.send_operation(op, options).await?;
        let value = O::decode(&body).map_err(|e| e.with_operation(O::ID))?;
        Ok(Response { value, meta })
    }

    fn prepare<O: Operation<Provider = P>>(&self, op: &O) -> Result<Prepared> {
        op.validate()?;
        let path = op.path()?;
        let query = op.query_pairs();
        let body = op.body()?;
        let uri_text = self.inner.base_url.join(&path, query.pairs());
        // By value: the URI takes the string's buffer instead of copying it.
        let uri = Uri::try_from(uri_text)
            .map_err(|_| Error::invalid_input("the request URI is invalid"))?;
        let (content_type, bytes) = match body {
            Some(b) => (Some(b.content_type()), b.bytes().clone()),
            None => (None, Bytes::new()),
        };
        Ok(Prepared {
            method: O::METHOD,
            uri,
            accept: P::ACCEPT,
            user_agent: self.inner.user_agent.clone(),
            content_type,
            body: bytes,
        })
    }

    /// Runs the pipeline for one operation and returns the success response's metadata and body.
    async fn send_operation<O: Operation<Provider = P>>(
        &self,
        op: &O,
        options: &CallOptions,
    ) -> Result<(ResponseMeta, Bytes)> {
        let prepared = self.prepare(op).map_err(|e| e.with_operation(O::ID))?;
        // No span at all unless a subscriber takes INFO: a disabled span still carries its
        // metadata (for tracing's `log` feature) and is entered, exited and recorded on every
        // poll, which costs a call that nobody watches.
        let span = if tracing::level_enabled!(tracing::Level::INFO) {
            tracing::info_span!(
                "idp.call",
                provider = P::NAME,
                operation = O::ID,
                method = %prepared.method,
                status = tracing::field::Empty,
                attempts = tracing::field::Empty,
                request_id = tracing::field::Empty,
            )
        } else {
            tracing::Span::none()
        };
        let bucket = P::rate_bucket(O::ID, O::PATH);
        self.run(&prepared, bucket, op.idempotent(), options)
            .instrument(span)
            .await
            .map_err(|e| e.with_operation(O::ID))
    }

    /// The attempt loop: authorize, send, classify; every failure goes through
    /// [`Attempts::settle`], the one place a retry is decided.
    async fn run(
        &self,
        prepared: &Prepared,
        bucket: &'static str,
        idempotent: bool,
        options: &CallOptions,
    ) -> Result<(ResponseMeta, Bytes)> {
        let inner = &*self.inner;
        let deadline = options.deadline.or(inner.deadline);
        let mut attempts = Attempts {
            policy: options.retry.as_ref().unwrap_or(&inner.retry),
            sleeper: &*inner.sleeper,
            clock: &*inner.clock,
            span: tracing::Span::current(),
            deadline: deadline.and_then(|d| Some((d, inner.clock.now().checked_add(d)?))),
            retries: 0,
            attempts: 0,
            auth_retried: false,
            challenge_retried: false,
            may_have_applied: false,
            first_request_id: None,
        };
        let delete_ok = options.idempotent_ok && prepared.method == Method::DELETE;
        let budget_cx = BudgetContext {
            clock: &*inner.clock,
            sleeper: &*inner.sleeper,
        };
        loop {
            let timeout = attempts.attempt_timeout(options.timeout.or(inner.timeout))?;
            let mut request = attempts.begin::<P>(prepared);
            let cx = AuthContext::new(&*inner.transport, &*inner.clock, timeout, &inner.user_agent);
            let stamp = match inner.credentials.authorize(&mut request, &cx).await {
                Ok(stamp) => stamp,
                Err(err) => {
                    let err = attempts.expired_during(err);
                    self.settle_token_failure(&mut attempts, err).await?;
                    continue;
                }
            };
            // Once the rate budget lets it go. The request moves straight into the transport's
            // future: no async layer in between keeps its own copy (futures stay small).
            let permit = inner.budget.acquire(bucket, &budget_cx).await;
            let sent = self.send_once(request, timeout).await;
            let (response, rate_limit) = match self.observe(permit, sent) {
                Ok(sent) => sent,
                Err(err) => {
                    attempts.may_have_applied |= !matches!(err, TransportError::Connect(_));
                    let decision = attempts.decide(Outcome::Transport(&err), None, idempotent);
                    let error = attempts.expired_during(transport_error(err));
                    attempts.settle(decision, error).await?;
                    continue;
                }
            };
            match self.classify(response, rate_limit, &mut attempts, stamp) {
                Classified::Success(meta, body) => return Ok((meta, body)),
                Classified::RetryWithFreshCredentials => continue,
                Classified::Failure(status, api) => {
                    if delete_ok && status == StatusCode::NOT_FOUND && attempts.may_have_applied {
                        tracing::debug!("404 on a retried DELETE: the earlier attempt applied it");
                        let meta = ResponseMeta {
                            status,
                            headers: HeaderMap::new(),
                            request_id: api.request_id,
                            rate_limit: api.rate_limit,
                        };
                        return Ok((meta, Bytes::new()));
                    }
                    attempts.may_have_applied |= status.is_server_error();
                    let decision =
                        attempts.decide(Outcome::Status(status), api.retry_after, idempotent);
                    let kind = if status == StatusCode::UNAUTHORIZED {
                        ErrorKind::Auth
                    } else {
                        ErrorKind::Api
                    };
                    attempts.settle(decision, Error::api(kind, api)).await?;
                }
            }
        }
    }

    /// A failed credentials step: a token request that failed below HTTP, or a token endpoint
    /// that answered 429/5xx, is retried like any request (a token grant is safe to repeat), with
    /// the provider's hints; any other credentials failure is final.
    async fn settle_token_failure(&self, attempts: &mut Attempts<'_>, err: Error) -> Result<()> {
        let source = std::error::Error::source(&err);
        if let Some(te) = source.and_then(|s| s.downcast_ref::<TransportError>()) {
            let decision = attempts.decide(Outcome::Transport(te), None, true);
            return attempts.settle(decision, err).await;
        }
        if let Some(failure) = source.and_then(|s| s.downcast_ref::<TokenEndpointResponse>()) {
            let api = self.token_endpoint_error(failure);
            let decision = attempts.decide(Outcome::Status(failure.status), api.retry_after, true);
            let error = Error::api(ErrorKind::Api, api).with_message(err.message());
            return attempts.settle(decision, error).await;
        }
        Err(err.with_attempts(attempts.attempts))
    }

    /// A throttled or failing token endpoint's answer, read with the provider's rules.
    fn token_endpoint_error(&self, failure: &TokenEndpointResponse) -> ApiError {
        let response = {
            let mut r = http::Response::new(failure.body.clone());
            *r.status_mut() = failure.status;
            *r.headers_mut() = failure.headers.clone();
            r
        };
        let request_id = P::request_id(&failure.headers);
        let now = self.inner.clock.now();
        let rate_limit = P::rate_limit(&failure.headers, now);
        self.api_error(&response, request_id, rate_limit, now)
    }

    /// Tells the rate budget what one attempt brought (a transport failure gives the slot back
    /// with nothing learnt) and returns the response with its rate-limit state, read once by
    /// the provider's rules.
    fn observe(
        &self,
        permit: crate::governor::Permit,
        sent: std::result::Result<HttpResponse, TransportError>,
    ) -> std::result::Result<(HttpResponse, Option<RateLimit>), TransportError> {
        let response = sent?;
        let observation = self.observation(&response);
        permit.complete(&observation);
        Ok((response, observation.rate_limit))
    }

    /// What a response tells the rate budget, by the provider's rules.
    fn observation(&self, response: &HttpResponse) -> Observation {
        let now = self.inner.clock.now();
        let rate_limit = P::rate_limit(response.headers(), now);
        let rate_limited = response.status() == StatusCode::TOO_MANY_REQUESTS;
        let concurrency_limited =
            rate_limited && P::is_concurrency_limited(response.headers(), rate_limit.as_ref());
        let retry_at = if rate_limited && !concurrency_limited {
            P::retry_hint(response.headers(), now).and_then(|h| now.checked_add(h.wait()))
        } else {
            None
        };
        Observation {
            rate_limit,
            rate_limited,
            concurrency_limited,
            retry_at,
        }
    }

    /// Sends one attempt through the transport, bounded by the per-attempt timeout. Not an
    /// `async fn`: the request is handed to the transport now, so the returned future holds
    /// only the transport's future and the timer.
    fn send_once(
        &self,
        request: HttpRequest,
        timeout: Option<Duration>,
    ) -> impl Future<Output = std::result::Result<HttpResponse, TransportError>> + Send + '_ {
        let sent = self.inner.transport.send(request);
        async move {
            match timeout {
                Some(t) => tokio::time::timeout(t, sent)
                    .await
                    .unwrap_or(Err(TransportError::Timeout)),
                None => sent.await,
            }
        }
    }

    /// Sorts a response into success, a 401 (or 400 challenge) worth one retry with fresh
    /// credentials, or a failure
    /// with the provider's error.
    fn classify(
        &self,
        response: HttpResponse,
        rate_limit: Option<RateLimit>,
        attempts: &mut Attempts<'_>,
        stamp: crate::auth::AuthStamp,
    ) -> Classified {
        let inner = &*self.inner;
        inner.credentials.on_response(&response);
        let status = response.status();
        let now = inner.clock.now();
        let request_id = P::request_id(response.headers());
        attempts.span.record("status", status.as_u16());
        if let Some(id) = &request_id {
            attempts.span.record("request_id", id.as_str());
        }
        if status.is_success() {
            let (parts, body) = response.into_parts();
            let meta = ResponseMeta {
                status,
                headers: parts.headers,
                request_id,
                rate_limit,
            };
            return Classified::Success(meta, body);
        }
        if attempts.retry_for_credentials(&*inner.credentials, stamp, &response) {
            return Classified::RetryWithFreshCredentials;
        }
        let api = self.api_error(&response, request_id, rate_limit, now);
        if attempts.first_request_id.is_none() {
            attempts.first_request_id.clone_from(&api.request_id);
        }
        Classified::Failure(status, api)
    }

    fn api_error(
        &self,
        response: &HttpResponse,
        request_id: Option<String>,
        rate_limit: Option<RateLimit>,
        now: SystemTime,
    ) -> ApiError {
        let headers = response.headers();
        ApiError {
            status: response.status(),
            body: P::parse_error(response.status(), headers, response.body()),
            request_id,
            rate_limit,
            retry_after: if response.status() == StatusCode::TOO_MANY_REQUESTS {
                P::retry_hint(headers, now).map(RetryHint::wait)
            } else {
                crate::retry::retry_after(headers, now)
            },
            raw_body: response.body().clone(),
        }
    }

    /// Runs an operation and returns the raw success body with its metadata (for pagination and
    /// for callers who decode into their own types).
    ///
    /// # Errors
    /// Any [`ErrorKind`](crate::ErrorKind); the error names the operation.
    pub async fn execute_raw<O: Operation<Provider = P>>(
        &self,
        op: &O,
        options: &CallOptions,
    ) -> Result<(ResponseMeta, Bytes)> {
        self.send_operation(op, options).await
    }

    /// Executes an operation but decodes into a caller-chosen type (e.g. a custom profile type).
    ///
    /// # Errors
    /// Any [`ErrorKind`](crate::ErrorKind); the error names the operation.
    pub async fn execute_as<O: Operation<Provider = P>, T: DeserializeOwned + 'static>(
        &self,
        op: &O,
    ) -> Result<T> {
        let (_, body) = self.send_operation(op, &CallOptions::default()).await?;
        decode_json::<T>(&body).map_err(|e| e.with_operation(O::ID))
    }
}
